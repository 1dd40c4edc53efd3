"""Safety: the words administrators watch for (block, hold, flag, signpost) and what they
leave behind: a report from the system in the review queue, or an alert for the moderators.

Used by the areas members write in (forums, ideas, messages), so it sits below them; it writes
a system report through the models because moderation sits above it.
"""
