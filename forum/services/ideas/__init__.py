"""The ideas clinic: who sees which idea and its counters, the board, voting, comments, and idea
moderation (statuses, merges, tags, the vote budget)."""
