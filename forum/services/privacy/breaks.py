"""Taking a break: a member pauses their account for a time they choose.

While it lasts (``Member.on_break(now)``, which notifications and mail ask before sending),
every member page shows a gentle page instead, saying when the break ends and how to end it
early; nothing is sent to them. It ends by itself at ``break_until``.
"""

from __future__ import annotations

from datetime import timedelta

from forum.extensions import db
from forum.models import Member, utcnow
from forum.services.errors import ValidationFailed

DAYS = (1, 3, 7, 14, 30, 90)


def start(member: Member, days: int | None) -> Member:
    """Begin a break of ``days`` (one of ``DAYS``) from now."""
    if days not in DAYS:
        raise ValidationFailed({"days": "Choose how long your break lasts."})
    person = db.session.get(Member, member.id) or member
    person.break_until = utcnow() + timedelta(days=days)
    db.session.commit()
    return person


def end(member: Member) -> Member:
    """End the break now (nothing happens when there is none)."""
    person = db.session.get(Member, member.id) or member
    person.break_until = None
    db.session.commit()
    return person
