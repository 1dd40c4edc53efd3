"""Rules shared by everything members write: threads, replies, ideas and comments.

- ``clean_body`` checks the text (not empty once trimmed, not too long) and keeps it as typed.
- ``check_rate`` refuses a post that comes too soon after the last one (one per 5 seconds,
  and fewer an hour in a member's first day), before anything is saved; ``record_post``
  counts a post once it is saved. The counts live in the rate limiter's storage (memory, or
  Redis when configured, so several processes share them).
- ``fingerprint`` gives the same value for the same text (ignoring case and spacing), so each
  area can refuse the same post twice within ``DUPLICATE_WINDOW``.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta

from flask import current_app
from limits import parse_many

from forum.extensions import limiter
from forum.models import Member, utcnow
from forum.services.errors import DomainError, ValidationFailed

BODY_MAX = 30_000
DUPLICATE_WINDOW = timedelta(minutes=10)
NEW_MEMBER_PERIOD = timedelta(days=1)


class RateLimited(DomainError):
    """Too many posts in a short time; ``retry_after`` says how many seconds to wait."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        wait = (
            f"{self.retry_after} seconds"
            if self.retry_after < 120
            else (f"{math.ceil(self.retry_after / 60)} minutes")
        )
        super().__init__(
            f"You are posting faster than we allow. Your text is kept: please wait {wait} "
            "and send it again."
        )


def clean_body(text: str | None, *, field: str = "body", max_length: int = BODY_MAX) -> str:
    """The text as typed (surrounding blank lines trimmed); ValidationFailed when unusable."""
    body = (text or "").replace("\x00", "").strip("\r\n")
    if not body.strip():
        raise ValidationFailed({field: "Write something first: this is empty."})
    if len(body) > max_length:
        raise ValidationFailed(
            {field: f"This is {len(body):,} characters; the most we take is {max_length:,}."}
        )
    return body


def fingerprint(text: str) -> str:
    """A digest of the text that ignores case and spacing, to spot the same post twice."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def _limits(member: Member):
    joined = member.decided_at or member.created_at
    new = joined is not None and utcnow() - joined < NEW_MEMBER_PERIOD
    key = "POSTING_LIMITS_NEW_MEMBER" if new else "POSTING_LIMITS"
    return parse_many(current_app.config[key])


def check_rate(member: Member) -> None:
    """Raise RateLimited when ``member`` has posted as much as allowed for now."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    strategy = limiter.limiter
    for item in _limits(member):
        if not strategy.test(item, "posting", str(member.id)):
            reset_at, _remaining = strategy.get_window_stats(item, "posting", str(member.id))
            raise RateLimited(int(reset_at - time.time()) + 1)


def record_post(member: Member) -> None:
    """Count a saved post against ``member``'s allowance."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    for item in _limits(member):
        limiter.limiter.hit(item, "posting", str(member.id))
