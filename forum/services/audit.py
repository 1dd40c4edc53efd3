"""The audit log: every moderation and administration action, who did it, when, on what, why,
and the state before and after.

``record`` is the one way in. Services call it inside their own transaction, so an action and
its entry are saved together or not at all. There is no way to change or remove an entry:
the app offers none, and the model refuses updates and deletes.

Who reads what follows the queue's rule (``Member.moderates``, ``scope.moderated_clause``): an
entry about something in a region (its content, members, applications and invitations) carries
that region, as it was when the action was taken; administration of the network (settings,
regions, forums, roles and moderators' regions, crisis contacts, content warnings, idea tags,
the vote budget) and national things carry none. Administrators and national moderators read
every entry; a regional moderator reads the entries of their regions and their own actions,
and nothing else, in the log, its filters, its counts and a thing's history (``visible_clause``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import AuditEntry, Member, Role, utcnow
from forum.services import scope
from forum.services.errors import AlreadyHandled, Conflict

PER_PAGE = 50
AUTOMATIC = "automatic"  # the "who" filter for what the app did by itself (or the command line)

# Every action the log knows, with how it reads ("Kenny hid a post").
ACTIONS = {
    "report.dismiss": "dismissed reports",
    "content.hide": "hid",
    "content.auto_hide": "hid after reports",
    "content.restore": "restored",
    "post.warnings": "changed the content warnings of",
    "post.approve": "approved",
    "post.reject": "turned down",
    "thread.lock": "locked",
    "thread.unlock": "unlocked",
    "thread.pin": "pinned",
    "thread.unpin": "unpinned",
    "thread.move": "moved",
    "member.warn": "sent a message to",
    "member.suspend": "suspended",
    "member.lift": "lifted the suspension of",
    "member.suspension_ended": "ended the suspension (time up) of",
    "application.approve": "approved the application of",
    "application.reject": "turned down the application of",
    "invitation.create": "created",
    "invitation.revoke": "revoked",
    "role.change": "changed the role of",
    "moderator.regions": "changed the regions of",
    "region.add": "added",
    "region.rename": "renamed",
    "region.archive": "archived",
    "region.restore": "restored",
    "region.move": "moved",
    "forum.add": "added",
    "forum.edit": "changed",
    "forum.archive": "archived",
    "forum.restore": "restored",
    "forum.move": "moved",
    "settings.update": "changed",
    "moderation_settings.update": "changed",
    "moderated_hours.update": "changed",
    "cover_hours.update": "changed",
    "crisis_contact.add": "added",
    "crisis_contact.edit": "changed",
    "crisis_contact.delete": "removed",
    "crisis_contact.move": "moved",
    "content_warning.add": "added",
    "content_warning.rename": "renamed",
    "content_warning.archive": "archived",
    "content_warning.restore": "restored",
    "content_warning.move": "moved",
    "idea.status": "changed the status of",
    "idea.merge": "merged",
    "idea_tag.add": "added",
    "idea_tag.rename": "renamed",
    "idea_tag.remove": "removed",
    "vote_budget.set": "set",
    "event.create": "created",
    "event.edit": "changed",
    "event.cancel": "cancelled",
    "event_series.create": "created the meeting series",
    "booking.cancel_other": "cancelled a booking at",
    "booking.attendance": "recorded attendance at",
    "event.message": "sent a message to everyone booked at",
    "event.host.add": "added a co-host to",
    "event.host.remove": "removed a co-host from",
    "event_organiser.add": "made",
    "event_organiser.remove": "removed",
    "member.erase": "erased the account of",
    "privacy_settings.update": "changed",
    "watched_word.add": "added",
    "watched_word.remove": "removed",
    "member.note": "wrote a moderator note on",
    "appeal.uphold": "upheld the sanction appealed by",
    "appeal.overturn": "lifted the sanction appealed by",
    "profile.edit": "changed the profile of",
    "profile.region_request": "asked a move of region for",
    "region_move.approve": "approved the move of region of",
    "region_move.decline": "declined the move of region of",
}

KINDS = {
    "post": "Posts",
    "thread": "Threads",
    "idea": "Ideas",
    "comment": "Comments on ideas",
    "member": "Members",
    "report": "Reports",
    "application": "Applications",
    "invitation": "Invitations",
    "region": "Regions",
    "forum": "Forums",
    "settings": "Settings",
    "crisis_contact": "Crisis contacts",
    "content_warning": "Content warnings",
    "idea_tag": "Idea tags",
    "event": "Events",
    "watched_word": "Watched words",
    "appeal": "Appeals",
}


def record(
    actor: Member | None,
    action: str,
    target_kind: str,
    target_id: int | None = None,
    *,
    region_id: int | None = None,
    summary: str = "",
    reason: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Add an entry for ``action`` to the caller's transaction (the caller commits).

    ``actor`` None means the app did it by itself. ``region_id`` is the region of the thing
    acted on (its moderators may read the entry); leave it out for national things and for the
    administration of the network, which only administrators and national moderators read.
    ``summary`` says what it was on, in words a moderator recognises ("Ahmed's post in “Hello”").
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_kind=target_kind,
        target_id=target_id,
        region_id=region_id,
        summary=summary[:300],
        reason=reason or "",
        before=_plain(before),
        after=_plain(after),
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry


def _plain(state: dict | None) -> dict | None:
    """JSON-friendly values: datetimes as ISO text, sets as sorted lists."""
    if state is None:
        return None
    out = {}
    for key, value in state.items():
        if isinstance(value, datetime):
            value = value.isoformat(timespec="seconds")
        elif isinstance(value, set | frozenset | tuple):
            value = sorted(value)
        elif hasattr(value, "value"):  # enums
            value = value.value
        out[key] = value
    return out


def latest_for(target_kind: str, target_id: int, actions: tuple[str, ...]) -> AuditEntry | None:
    """The newest entry of one of ``actions`` on a thing (to say who acted first)."""
    return db.session.scalar(
        sa.select(AuditEntry)
        .where(
            AuditEntry.target_kind == target_kind,
            AuditEntry.target_id == target_id,
            AuditEntry.action.in_(actions),
        )
        .options(so.joinedload(AuditEntry.actor))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def handled(target_kind: str, target_id: int, actions: tuple[str, ...]) -> AlreadyHandled | None:
    """Who last did one of ``actions`` to a thing, when, and what (from the log); None if
    nobody did."""
    entry = latest_for(target_kind, target_id, actions)
    if entry is None:
        return None
    who = entry.actor.display_name if entry.actor else "The system"
    label = ACTIONS[entry.action].removesuffix(" after reports")
    return AlreadyHandled(
        who, entry.created_at, f"{label} {'them' if target_kind == 'member' else 'it'}"
    )


def conflict(target_kind: str, target_id: int, actions: tuple[str, ...]) -> Conflict:
    """The error for a change someone else made first: who did what, when (from the log)."""
    return handled(target_kind, target_id, actions) or Conflict(
        "This has already changed. Reload the page to see it as it is now."
    )


def visible_clause(viewer: Member) -> sa.ColumnElement[bool]:
    """SQL: the entries ``viewer`` may read (see the module docstring)."""
    if viewer.moderation_scope is None:
        return sa.true()
    return sa.or_(
        AuditEntry.actor_id == viewer.id, scope.moderated_clause(viewer, AuditEntry.region_id)
    )


def history(viewer: Member, target_kind: str, target_id: int, limit: int = 50) -> list[AuditEntry]:
    """What was done to one thing, newest first, as far as ``viewer`` may read it."""
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.target_kind == target_kind,
                AuditEntry.target_id == target_id,
                visible_clause(viewer),
            )
            .options(so.joinedload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


# --- reading the log --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogFilter:
    """The filters of the log page, as read from the address (unknown values are ignored)."""

    actor: str = ""  # a member id, AUTOMATIC, or "" for anyone
    action: str = ""
    kind: str = ""
    since: date | None = None
    until: date | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> LogFilter:
        actor = args.get("actor", "")
        action = args.get("action", "")
        kind = args.get("kind", "")
        page = args.get("page", "")
        return cls(
            actor=actor if actor == AUTOMATIC or (actor.isdigit() and len(actor) < 10) else "",
            action=action if action in ACTIONS else "",
            kind=kind if kind in KINDS else "",
            since=_date(args.get("since", "")),
            until=_date(args.get("until", "")),
            page=int(page) if page.isdigit() and 0 < len(page) < 6 and int(page) > 0 else 1,
        )

    @property
    def active(self) -> bool:
        return bool(self.actor or self.action or self.kind or self.since or self.until)

    def args(self, **changes) -> dict:
        values = {
            "actor": self.actor,
            "action": self.action,
            "kind": self.kind,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "page": self.page if self.page != 1 else "",
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v}


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _day_start(day: date) -> datetime:
    """Midnight of ``day`` where the network is (the dates people type are local)."""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    return datetime.combine(day, time(), tzinfo=zone)


def entries(viewer: Member, log_filter: LogFilter) -> Pagination:
    """One page of the entries ``viewer`` may read, newest first, filtered (the count too)."""
    stmt = (
        sa.select(AuditEntry).where(visible_clause(viewer)).options(so.joinedload(AuditEntry.actor))
    )
    if log_filter.actor == AUTOMATIC:
        stmt = stmt.where(AuditEntry.actor_id.is_(None))
    elif log_filter.actor:
        stmt = stmt.where(AuditEntry.actor_id == int(log_filter.actor))
    if log_filter.action:
        stmt = stmt.where(AuditEntry.action == log_filter.action)
    if log_filter.kind:
        stmt = stmt.where(AuditEntry.target_kind == log_filter.kind)
    if log_filter.since:
        stmt = stmt.where(AuditEntry.created_at >= _day_start(log_filter.since))
    if log_filter.until:
        stmt = stmt.where(AuditEntry.created_at < _day_start(log_filter.until + timedelta(days=1)))
    return db.paginate(
        stmt.order_by(AuditEntry.id.desc()),
        page=log_filter.page,
        per_page=PER_PAGE,
        error_out=False,
    )


def actors(viewer: Member) -> list[Member]:
    """The "who" filter's choices, by name: for administrators and national moderators every
    moderator and administrator and anyone else in the log; for a regional moderator, who
    appears in the entries they may read, and themselves."""
    in_log = (
        sa.select(AuditEntry.actor_id)
        .where(AuditEntry.actor_id.is_not(None), visible_clause(viewer))
        .distinct()
    )
    if viewer.moderation_scope is None:
        who = sa.or_(Member.role != Role.MEMBER, Member.id.in_(in_log))
    else:
        who = sa.or_(Member.id == viewer.id, Member.id.in_(in_log))
    return list(
        db.session.scalars(sa.select(Member).where(who).order_by(Member.display_name, Member.id))
    )
