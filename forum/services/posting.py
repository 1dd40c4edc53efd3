"""Rules shared by everything members write: threads, replies, ideas and comments.

- ``clean_body`` checks the text (not empty once trimmed, not too long) and keeps it as typed.
- ``check_rate`` refuses a post that comes too soon after the last one (one per 5 seconds,
  and fewer an hour in a member's first day), before anything is saved; ``record_post``
  counts a post once it is saved. The counts live in the rate limiter's storage (memory, or
  Redis when configured, so several processes share them).
- ``refuse_repeat`` is the one rule against the same post twice: the author's row is locked
  (so the same member's two clicks are checked one after the other), then an earlier post of
  the same ``fingerprint`` (the same text, ignoring case and spacing) by the same author within
  ``DUPLICATE_WINDOW`` raises ``RepeatedPost``, which names it.
"""

from __future__ import annotations

import hashlib
import math
import time
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from limits import parse_many

from forum.extensions import db, limiter
from forum.models import Member, utcnow
from forum.services.errors import DomainError, ValidationFailed

BODY_MAX = 30_000
DUPLICATE_WINDOW = timedelta(minutes=10)
NEW_MEMBER_PERIOD = timedelta(days=1)


class RateLimited(DomainError):
    """Too many posts in a short time; ``retry_after`` says how many seconds to wait."""

    def __init__(self, retry_after: int):
        self.retry_after = max(1, retry_after)
        if self.retry_after < 120:
            wait = f"{self.retry_after} second{'s' if self.retry_after != 1 else ''}"
        else:
            wait = f"{math.ceil(self.retry_after / 60)} minutes"
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


class RepeatedPost(ValidationFailed):
    """The same member sent the same text moments ago; ``existing_id`` is what they sent then."""

    def __init__(self, existing_id: int, message: str, field: str = "body"):
        self.existing_id = existing_id
        super().__init__({field: message})


def refuse_repeat(
    member: Member, model: Any, digest: str, *where: sa.ColumnElement[bool], message: str
) -> None:
    """Raise RepeatedPost when ``member`` wrote a ``model`` row (a post, an idea, a comment) of
    this ``fingerprint`` within ``DUPLICATE_WINDOW`` among the rows ``where`` selects (the same
    thread, the same forum's openings, the same idea). ``message`` may name when, as ``{ago}``.

    The author's own row is locked first (PostgreSQL; SQLite writes one transaction at a time),
    so two clicks of the same member are checked one after the other. Others are never held up.
    """
    db.session.execute(
        sa.select(Member.id).where(Member.id == member.id).with_for_update(key_share=True)
    )
    earlier = db.session.execute(
        sa.select(model.id, model.created_at)
        .where(
            model.author_id == member.id,
            model.fingerprint == digest,
            model.created_at > utcnow() - DUPLICATE_WINDOW,
            *where,
        )
        .order_by(model.id.desc())
        .limit(1)
    ).first()
    if earlier is not None:
        raise RepeatedPost(earlier.id, message.format(ago=_ago(earlier.created_at)))


def _ago(when: datetime) -> str:
    seconds = (utcnow() - when).total_seconds()
    if seconds < 90:
        return "a moment ago"
    return f"{round(seconds / 60)} minutes ago"


def fingerprint(text: str) -> str:
    """A digest of the text that ignores case and spacing, to spot the same post twice."""
    return hashlib.sha256(" ".join(text.casefold().split()).encode()).hexdigest()


def _limits(member: Member):
    joined = member.decided_at or member.created_at
    new = joined is not None and utcnow() - joined < NEW_MEMBER_PERIOD
    key = "POSTING_LIMITS_NEW_MEMBER" if new else "POSTING_LIMITS"
    return parse_many(current_app.config[key])


CONSENT_WITHDRAWN = (
    "You withdrew your consent to the health information members share here, so you can "
    "read but not post. To post again, give your consent again under Account → Your data."
)


def check_rate(member: Member) -> None:
    """Raise RateLimited when ``member`` has posted as much as allowed for now, and
    ValidationFailed when they withdrew their consent to health data (they may only read)."""
    if member.health_consent_withdrawn_at is not None:
        raise ValidationFailed({"consent": CONSENT_WITHDRAWN})
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
