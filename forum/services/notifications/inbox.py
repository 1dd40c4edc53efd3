"""Writing, counting and reading notifications (the kinds live in ``kinds``).

``notify`` is called by the service whose change it tells about, in that change's transaction
(the caller commits): the row and the change stand or fall together, the bell of the member
told is refreshed live once it commits, and its unique key makes telling twice harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_request_context

from forum.extensions import db
from forum.models import Member, MemberStatus, Notification, NotificationSetting, utcnow
from forum.services import database, jobs, scope
from forum.services.live import events, topics
from forum.services.notifications import kinds

PAGE_SIZE = 40
COUNT_CAP = 99
# A mail right away waits this long, so replies that follow closely share it (and reading
# the thread meanwhile makes it unnecessary).
MAIL_AFTER = timedelta(
    minutes=2
)  # the bell says "99+" beyond this: counting further would cost more


def notify(
    member_id: int,
    kind: str,
    key: str,
    *,
    actor_id: int | None = None,
    thread_id: int | None = None,
    post_id: int | None = None,
    idea_id: int | None = None,
    event_id: int | None = None,
    unless: sa.ColumnElement[bool] | None = None,
) -> None:
    """Tell member ``member_id`` about something, unless they caused it, are not an active
    member, are taking a break, have switched this kind off, or ``unless`` (SQL on ``Member``:
    they muted the thread, say) holds. One statement; the caller commits. Raises ValueError
    for a kind nobody registered."""
    known = kinds.get(kind)
    if known is None:
        raise ValueError(f"unknown notification kind {kind!r}")
    if member_id == actor_id:
        return
    switched_off = sa.exists().where(
        NotificationSetting.member_id == member_id,
        NotificationSetting.kind == kind,
        NotificationSetting.on_site.is_(False),
    )
    values = {
        "member_id": Member.id,
        "kind": sa.literal(kind),
        "key": sa.literal(key[:160]),
        "actor_id": sa.literal(actor_id, sa.Integer),
        "thread_id": sa.literal(thread_id, sa.Integer),
        "post_id": sa.literal(post_id, sa.Integer),
        "idea_id": sa.literal(idea_id, sa.Integer),
        "event_id": sa.literal(event_id, sa.Integer),
        "created_at": sa.literal(utcnow(), Notification.__table__.c.created_at.type),
    }
    on_break = sa.and_(Member.break_until.is_not(None), Member.break_until > utcnow())
    source = sa.select(*values.values()).where(
        Member.id == member_id, Member.status == MemberStatus.ACTIVE, ~switched_off, ~on_break
    )
    if unless is not None:
        source = source.where(~unless)
    stmt = database.insert_for(Notification).from_select(list(values), source)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["member_id", "key"]))
    events.publish_after_commit(topics.notifications(member_id))
    if known.by_email and thread_id is not None:  # the job mails it if the member asked
        jobs.enqueue_after_commit("notifications.mail", member_id, thread_id, delay=MAIL_AFTER)


def _unread_statement(viewer: Member) -> sa.Select:
    unread = (
        sa.select(Notification.id)
        .where(kinds.shown_clause(viewer), Notification.read_at.is_(None))
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return sa.select(sa.func.count()).select_from(unread)


# Built once per kind of member, not on every page: the bell is on all of them.
_unread_statements = scope.ByShape(_unread_statement)


def unread_count(member: Member) -> int:
    """How many unread notifications ``member`` may see, up to ``COUNT_CAP + 1`` (one query)."""
    statement = _unread_statements(member, kinds.generation())
    count = db.session.scalar(statement, {scope.VIEWER_ID: member.id}) or 0
    if has_request_context():
        g.notifications_unread = (member.id, count)  # read_in_thread needs no UPDATE at 0
    return count


def page(member: Member, number: int) -> tuple[list[kinds.Group], bool]:
    """A page of ``member``'s notifications, newest first, grouped ("3 new replies in …"),
    and whether an older page exists. Two queries whatever the page holds."""
    rows = db.session.scalars(
        sa.select(Notification)
        .where(kinds.shown_clause(member))
        .options(
            so.joinedload(Notification.actor),
            so.joinedload(Notification.thread),
            so.joinedload(Notification.post),
            so.joinedload(Notification.idea),
            so.joinedload(Notification.event),
        )
        .order_by(Notification.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    return _grouped(rows[:PAGE_SIZE]), len(rows) > PAGE_SIZE


def _grouped(rows: Iterable[Notification]) -> list[kinds.Group]:
    """Rows of one kind about one thing, all unread or all read, become one group, in the
    place of its newest row."""
    groups: dict[tuple, kinds.Group] = {}
    for row in rows:
        kind = kinds.get(row.kind)
        if kind is None:
            continue
        key = (row.kind, getattr(row, kind.about), row.read_at is None)
        groups.setdefault(key, kinds.Group(kind)).items.append(row)
    return list(groups.values())


def mark_read(member: Member, ids: Iterable[int] | None = None) -> int:
    """Mark ``member``'s notifications ``ids`` (all of them, without) as read; commits.
    Returns how many changed. Ids of other members' notifications change nothing."""
    stmt = sa.update(Notification).where(
        Notification.member_id == member.id, Notification.read_at.is_(None)
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(list(ids)[: PAGE_SIZE * 4]))
    changed = database.changed_rows(
        stmt.values(read_at=utcnow()).execution_options(synchronize_session=False)
    )
    if changed:
        events.publish_after_commit(topics.notifications(member.id))
    db.session.commit()
    return changed


def read_in_thread(member_id: int, thread_id: int, up_to_post_id: int) -> None:
    """Reading a thread up to a post reads its notifications about posts up to there
    (in the caller's transaction). Nothing to do when this request's bell counted none."""
    if g.get("notifications_unread") == (member_id, 0):
        return
    changed = database.changed_rows(
        sa.update(Notification)
        .where(
            Notification.member_id == member_id,
            Notification.thread_id == thread_id,
            Notification.read_at.is_(None),
            sa.or_(Notification.post_id.is_(None), Notification.post_id <= up_to_post_id),
        )
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if changed:
        events.publish_after_commit(topics.notifications(member_id))


def switched_off(member: Member) -> set[str]:
    """The kinds ``member`` has switched off."""
    return set(
        db.session.scalars(
            sa.select(NotificationSetting.kind).where(
                NotificationSetting.member_id == member.id, NotificationSetting.on_site.is_(False)
            )
        )
    )


def save_settings(member: Member, wanted: Iterable[str]) -> None:
    """Switch on the kinds in ``wanted`` and off every other kind offered to ``member`` (and
    the same for the kinds' own email switches, ``Kind.email_setting``); commits. Kinds not
    offered to them keep their setting."""
    on = set(wanted)
    names = []
    for kind in kinds.offered_to(member):
        names.append(kind.name)
        if kind.own_email:
            names.append(kind.email_setting)
    for name in names:
        stmt = database.insert_for(NotificationSetting).values(
            member_id=member.id, kind=name, on_site=name in on
        )
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["member_id", "kind"], set_={"on_site": stmt.excluded.on_site}
            )
        )
    db.session.commit()


def may_hear(member: Member, key: str | None) -> bool:
    """The live topic ``notifications:<id>`` is its member's alone."""
    return key == str(member.id)
