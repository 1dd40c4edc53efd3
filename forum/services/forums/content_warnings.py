"""Content warnings: the list administrators keep, and each member's choice per warning.

A post may carry several warnings. What a reader sees depends on their choices, strictest
first: any warning they hide hides the post; otherwise any warning they want to be asked about
puts the post behind a "Show post" control; otherwise the post is shown with its warnings
named. Authors always see their own posts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask import g, has_request_context

from forum.extensions import db
from forum.models import ContentWarning, Member, WarningChoice, WarningPreference, utcnow
from forum.numbers import whole_or_none
from forum.services import audit, ordering
from forum.services.errors import NotFound, ValidationFailed

DEFAULT_WARNINGS = [
    "suicide",
    "self-harm",
    "abuse",
    "bereavement",
    "substance use",
    "eating difficulties",
]
NAME_MAX = 60
NOTE_MAX = 200


def all_warnings(include_archived: bool = False) -> list[ContentWarning]:
    query = sa.select(ContentWarning).order_by(ContentWarning.position, ContentWarning.name)
    if not include_archived:
        query = query.where(ContentWarning.archived_at.is_(None))
    return list(db.session.scalars(query))


def seed_defaults() -> None:
    """The default list, for a new network (no commit)."""
    if db.session.scalar(sa.select(sa.func.count()).select_from(ContentWarning)):
        return
    for position, name in enumerate(DEFAULT_WARNINGS):
        db.session.add(ContentWarning(name=name, position=position))


def chosen(warning_ids: Iterable[int | str], note: str | None) -> tuple[list[ContentWarning], str]:
    """The warnings a writer ticked (only ones on the current list) and their short note."""
    ids = {n for n in map(whole_or_none, warning_ids) if n is not None}
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"warning_note": f"Keep the note to {NOTE_MAX} characters."})
    if not ids:
        return [], note
    found = list(
        db.session.scalars(
            sa.select(ContentWarning)
            .where(ContentWarning.id.in_(ids), ContentWarning.archived_at.is_(None))
            .order_by(ContentWarning.position)
        )
    )
    if len(found) != len(ids):
        raise ValidationFailed({"warnings": "Choose warnings from the list."})
    return found, note


# --- a member's choices ---------------------------------------------------------------------


def _catalogue(member: Member) -> tuple[list[ContentWarning], dict[int, WarningChoice]]:
    """Every warning, with the member's choices: one query, kept for the rest of the request."""
    cache = g.setdefault("warning_catalogue", {}) if has_request_context() else {}
    if member.id not in cache:
        rows = db.session.execute(
            sa.select(ContentWarning, WarningPreference.choice)
            .outerjoin(
                WarningPreference,
                sa.and_(
                    WarningPreference.warning_id == ContentWarning.id,
                    WarningPreference.member_id == member.id,
                ),
            )
            .order_by(ContentWarning.position, ContentWarning.name)
        ).all()
        cache[member.id] = (
            [warning for warning, _ in rows],
            {warning.id: choice for warning, choice in rows if choice is not None},
        )
    return cache[member.id]


def offered(member: Member) -> list[ContentWarning]:
    """The warnings a writer can choose from (the list without archived ones)."""
    return [w for w in _catalogue(member)[0] if not w.is_archived]


def preferences(member: Member) -> dict[int, WarningChoice]:
    """The member's choice per warning id (missing means ASK)."""
    return _catalogue(member)[1]


def hidden_ids(member: Member) -> list[int]:
    return [wid for wid, choice in preferences(member).items() if choice == WarningChoice.HIDE]


def set_preferences(member: Member, choices: Mapping[int, str]) -> None:
    """Save the member's choice for each warning; "ask" (the default) is kept as no row."""
    known = {w.id for w in all_warnings(include_archived=True)}
    parsed: dict[int, WarningChoice] = {}
    for warning_id, value in choices.items():
        if warning_id not in known or value not in set(WarningChoice):
            raise ValidationFailed({"preferences": "Choose one of the options for each warning."})
        parsed[warning_id] = WarningChoice(value)
    db.session.execute(
        sa.delete(WarningPreference).where(
            WarningPreference.member_id == member.id,
            WarningPreference.warning_id.in_(parsed),
        )
    )
    for warning_id, choice in parsed.items():
        if choice != WarningChoice.ASK:
            db.session.add(
                WarningPreference(member_id=member.id, warning_id=warning_id, choice=choice)
            )
    db.session.commit()
    if has_request_context():
        g.pop("warning_catalogue", None)


def mode(member: Member, warnings: list[ContentWarning], author_id: int | None = None) -> str:
    """How ``member`` sees something carrying ``warnings``: "plain", "show", "ask" or "hide"."""
    if not warnings:
        return "plain"
    if author_id is not None and author_id == member.id:
        return "show"
    prefs = preferences(member)
    choices = {prefs.get(w.id, WarningChoice.ASK) for w in warnings}
    for choice in (WarningChoice.HIDE, WarningChoice.ASK):
        if choice in choices:
            return choice.value
    return "show"


def sentence(warnings: list[ContentWarning]) -> str:
    """ "suicide", "suicide and self-harm", "suicide, self-harm and abuse"."""
    names = [w.name for w in warnings]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


# --- the list, for administrators -----------------------------------------------------------


def _warning(warning_id: int) -> ContentWarning:
    warning = db.session.get(ContentWarning, warning_id)
    if warning is None:
        raise NotFound("That content warning no longer exists.")
    return warning


def save_warning(
    name: str, warning_id: int | None = None, actor: Member | None = None
) -> ContentWarning:
    """Add a warning at the end of the list, or rename one. Names are unique."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": "Give the warning a name, for example “bereavement”."})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": f"Use at most {NAME_MAX} characters."})
    clash = db.session.scalar(
        sa.select(ContentWarning.id).where(
            sa.func.lower(ContentWarning.name) == name.lower(), ContentWarning.id != warning_id
        )
    )
    if clash:
        raise ValidationFailed({"name": "That warning is already on the list."})
    before = None
    if warning_id is None:
        last = db.session.scalar(sa.select(sa.func.max(ContentWarning.position)))
        warning = ContentWarning(name=name, position=(last or 0) + 1)
        db.session.add(warning)
    else:
        warning = _warning(warning_id)
        before = {"name": warning.name}
        warning.name = name
    db.session.flush()
    audit.record(
        actor,
        "content_warning.add" if before is None else "content_warning.rename",
        "content_warning",
        warning.id,
        summary=f"the content warning “{name}”",
        before=before,
        after={"name": name},
    )
    db.session.commit()
    return warning


def set_warning_archived(
    warning_id: int, archived: bool, actor: Member | None = None
) -> ContentWarning:
    """Archived warnings are not offered to writers any more; posts keep theirs."""
    warning = _warning(warning_id)
    audit.record(
        actor,
        "content_warning.archive" if archived else "content_warning.restore",
        "content_warning",
        warning.id,
        summary=f"the content warning “{warning.name}”",
        before={"archived": warning.is_archived},
        after={"archived": archived},
    )
    warning.archived_at = utcnow() if archived else None
    db.session.commit()
    return warning


def move_warning(warning_id: int, step: int, actor: Member | None = None) -> None:
    """One place up (-1) or down (+1) in the list."""
    warning = _warning(warning_id)
    audit.record(
        actor, "content_warning.move", "content_warning", warning.id,
        summary=f"the content warning “{warning.name}”",
        before={"position": warning.position}, after={"step": step},
    )  # fmt: skip
    ordering.move(all_warnings(include_archived=True), warning, step)
    db.session.commit()
