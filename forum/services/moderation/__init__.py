"""Moderation and safety: what can be reported or acted on (targets), reports, the review queue
and moderators' actions."""
