"""Email a member chose: never, a daily or a weekly digest (the default), or right away for
what is addressed to them (replies to their threads, quotes, mentions), bundled per thread.

Everything here is done by background jobs (``forum/tasks.py``) and built when the job runs,
never when it was queued: what a mail says goes through the same visibility rules as the pages
at that moment (``kinds.shown_clause`` for notifications, each digest section's own rule).

- **Digests** (``send_digests``, a periodic job): for each member whose mode is due this
  period and who has not had this period's digest, what is new since their last visit or
  digest, from each area's section (``register_section``), most active first. A
  ``DigestSend`` row per (member, period), written in the same transaction as the mail, makes
  a second run send nothing.
- **Right away** (``send_instant``, queued by ``inbox.notify`` for kinds ``by_email``): the
  unread, unmailed notifications of one thread in one mail, at most one per thread every
  ``NOTIFY_MAIL_MINUTES``; ``Notification.mailed_at`` makes a retried job mail nothing twice.
- **Content warnings**: a post carrying a warning the member hides is left out; one they want
  to be asked about is never quoted (``quoted``): "a post with a content warning: suicide".
- **Unsubscribing**: each mail has a link signed for one member and one kind of mail
  (``unsubscribe_token``), which never expires but stops working when the password changes
  (its hash is part of what is signed); it can stop that kind of mail and nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, url_for
from markupsafe import Markup

from forum.extensions import db
from forum.models import (
    DigestSend,
    EmailMode,
    EmailPreference,
    Member,
    MemberStatus,
    Notification,
    Post,
    SignIn,
    WarningChoice,
    WarningPreference,
    post_warnings,
    utcnow,
)
from forum.services import database, jobs, mail, site_settings, tokens
from forum.services.errors import NotFound, ValidationFailed
from forum.services.notifications import kinds

DEFAULT_MODE = EmailMode.WEEKLY
MODE_LABELS = {
    EmailMode.NEVER: "Never",
    EmailMode.DAILY: "A daily digest",
    EmailMode.WEEKLY: "A weekly digest",
    EmailMode.INSTANT: "Right away, for mentions and replies to me (at most one mail per "
    "thread every few minutes)",
}
DIGEST, INSTANT = "digest", "instant"  # the kinds of mail one can unsubscribe from
PERIODS = {EmailMode.DAILY: timedelta(days=1), EmailMode.WEEKLY: timedelta(days=7)}
ITEMS_PER_SECTION = 10
EXCERPT_LENGTH = 240
UNSUBSCRIBE = "unsubscribe"


# --- preferences ------------------------------------------------------------------------------


def mode_of(member: Member) -> EmailMode:
    """How ``member`` wants to hear by email (no row: the default, a weekly digest)."""
    mode = db.session.scalar(
        sa.select(EmailPreference.mode).where(EmailPreference.member_id == member.id)
    )
    return mode or DEFAULT_MODE


def set_mode(member: Member, value: str | None) -> EmailMode:
    """Save ``member``'s email mode; commits. ValidationFailed for a value not offered."""
    try:
        mode = EmailMode(value or "")
    except ValueError:
        raise ValidationFailed({"email_mode": "Choose one of the options."}) from None
    _save_mode(member.id, mode)
    db.session.commit()
    return mode


def _save_mode(member_id: int, mode: EmailMode) -> None:
    stmt = database.insert_for(EmailPreference).values(member_id=member_id, mode=mode)
    db.session.execute(
        stmt.on_conflict_do_update(index_elements=["member_id"], set_={"mode": stmt.excluded.mode})
    )


# --- unsubscribing ----------------------------------------------------------------------------


def _password_mark(member: Member) -> str:
    return hashlib.sha256(member.password_hash.encode()).hexdigest()[:16]


def unsubscribe_token(member: Member, kind: str) -> str:
    """A token that stops mail of ``kind`` (``digest`` or ``instant``) for ``member``."""
    return tokens.signed(UNSUBSCRIBE, member.id, kind, _password_mark(member))


def unsubscribe_url(member: Member, kind: str) -> str:
    return url_for(
        "notifications.unsubscribe", token=unsubscribe_token(member, kind), _external=True
    )


def unsubscribing(token: str) -> tuple[Member, str]:
    """The member and kind of mail a token stops; NotFound when it is not a valid one (forged,
    for another purpose, or made before the member's password changed)."""
    values = tokens.unsigned(UNSUBSCRIBE, token)
    if not values or len(values) != 3 or values[1] not in (DIGEST, INSTANT):
        raise NotFound("This unsubscribe link is not valid any more.")
    member_id, kind, mark = values
    member = db.session.get(Member, member_id) if isinstance(member_id, int) else None
    if member is None or mark != _password_mark(member):
        raise NotFound("This unsubscribe link is not valid any more.")
    return member, kind


def unsubscribe(token: str) -> tuple[Member, str]:
    """Stop the kind of mail the token names, and only that one; commits. Returns the member
    and the kind. Stopping what is already stopped changes nothing."""
    member, kind = unsubscribing(token)
    current = mode_of(member)
    stops = {DIGEST: (EmailMode.DAILY, EmailMode.WEEKLY), INSTANT: (EmailMode.INSTANT,)}[kind]
    if current in stops:
        _save_mode(member.id, EmailMode.NEVER)
    db.session.commit()
    return member, kind


# --- what a mail may quote --------------------------------------------------------------------


@dataclass
class Quoted:
    """A post as a mail may show it: its excerpt, or (behind a warning the member wants to be
    asked about) only the names of its warnings."""

    excerpt: str
    warning: str = ""


def hidden_warning_on(
    post_id: sa.ColumnElement[int] | sa.orm.InstrumentedAttribute, member_id: int
) -> sa.ColumnElement[bool]:
    """SQL: the post ``post_id`` (a column) carries a warning ``member_id`` chose to hide
    (such a post is never mailed to them)."""
    hides = sa.select(WarningPreference.warning_id).where(
        WarningPreference.member_id == member_id, WarningPreference.choice == WarningChoice.HIDE
    )
    return sa.exists().where(
        post_warnings.c.post_id == post_id, post_warnings.c.warning_id.in_(hides)
    )


def shown_choices(member_id: int) -> set[int]:
    """The warnings ``member_id`` chose to see without being asked (one query)."""
    return set(
        db.session.scalars(
            sa.select(WarningPreference.warning_id).where(
                WarningPreference.member_id == member_id,
                WarningPreference.choice == WarningChoice.SHOW,
            )
        )
    )


def quoted(post: Post, shown: set[int]) -> Quoted:
    """What a mail to a member who sees warnings ``shown`` without asking may say of ``post``
    (its ``warnings`` loaded)."""
    asking = [w.name for w in post.warnings if w.id not in shown]
    if asking:
        return Quoted("", ", ".join(asking))
    return Quoted(excerpt(post.body_html))


def excerpt(html: str, length: int = EXCERPT_LENGTH) -> str:
    """The start of sanitised HTML as plain text (escaped again by the mail's template)."""
    text = " ".join(Markup(html.replace("</p>", "</p> ")).striptags().split())  # noqa: S704
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(" ,.;:") + "…"


# --- digests ----------------------------------------------------------------------------------


@dataclass
class DigestItem:
    """One line of a digest: a thread or an idea with what is new in it."""

    title: str
    url: str
    where: str
    new: int  # how many new posts or comments (most active first)
    quote: Quoted | None = None


@dataclass(frozen=True)
class Section:
    """What one area adds to a digest: ``items(member, since)`` in the member's reach."""

    name: str
    heading: str
    items: Callable[[Member, datetime], list[DigestItem]]


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    _SECTIONS[section.name] = section


def period_of(mode: EmailMode, now: datetime) -> str:
    """The digest period ``now`` falls in: ``daily:2026-12-03`` or ``weekly:2026-W49``."""
    if mode == EmailMode.DAILY:
        return f"daily:{now.date().isoformat()}"
    year, week, _ = now.isocalendar()
    return f"weekly:{year}-W{week:02d}"


def _due(now: datetime) -> list[tuple[Member, EmailMode, datetime | None]]:
    """Active members whose digest of this period has not been sent, with their mode and the
    later of their last visit and last digest."""
    mode = sa.func.coalesce(EmailPreference.mode, DEFAULT_MODE.value)
    period = sa.case(
        (mode == EmailMode.DAILY.value, sa.literal(period_of(EmailMode.DAILY, now))),
        else_=sa.literal(period_of(EmailMode.WEEKLY, now)),
    )
    sent = sa.exists().where(DigestSend.member_id == Member.id, DigestSend.period == period)
    last_visit = (
        sa.select(sa.func.max(SignIn.last_seen_at))
        .where(SignIn.member_id == Member.id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Member, mode, EmailPreference.digest_sent_at, last_visit)
        .outerjoin(EmailPreference, EmailPreference.member_id == Member.id)
        .where(
            Member.status == MemberStatus.ACTIVE,
            mode.in_([EmailMode.DAILY.value, EmailMode.WEEKLY.value]),
            ~sent,
        )
        .order_by(Member.id)
    ).all()
    due = []
    for member, member_mode, digest_at, visit in rows:
        times = [t for t in (digest_at, _aware(visit)) if t is not None]
        due.append((member, EmailMode(member_mode), max(times) if times else None))
    return due


def _aware(value: datetime | None) -> datetime | None:
    """A scalar subquery's time comes back without its zone on SQLite: it is UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def send_digests(now: datetime | None = None) -> int:
    """The ``notifications.digests`` job: send each due member this period's digest (if
    anything is new for them); one transaction per member. Returns how many mails it queued.
    Run twice in one period, it sends nothing the second time."""
    now = now or utcnow()
    due = _due(now)
    db.session.rollback()
    queued = 0
    for member, mode, last in due:
        since = max(last or now - PERIODS[mode], now - PERIODS[mode])
        queued += _send_digest(member, mode, since, now)
    return queued


def digest_for(member: Member, since: datetime) -> list[tuple[Section, list[DigestItem]]]:
    """What is new for ``member`` since ``since``, section by section (empty ones left out)."""
    found = [(section, section.items(member, since)) for section in _SECTIONS.values()]
    return [(section, items) for section, items in found if items]


def _send_digest(member: Member, mode: EmailMode, since: datetime, now: datetime) -> int:
    member = db.session.get(Member, member.id)  # type: ignore[assignment]
    sections = digest_for(member, since)
    count = sum(len(items) for _, items in sections)
    claimed = database.changed_rows(
        database.insert_for(DigestSend)
        .values(member_id=member.id, period=period_of(mode, now), sent_at=now, items=count)
        .on_conflict_do_nothing(index_elements=["member_id", "period"])
    )
    if claimed and sections:
        site = site_settings.settings()
        mail.queue(
            member.email,
            "digest",
            unsubscribe_url=unsubscribe_url(member, DIGEST),
            member=member,
            sections=sections,
            since=since,
            daily=mode == EmailMode.DAILY,
            network_name=site.network_name if site else "the network",
            preferences_url=url_for("notifications.settings", _external=True),
            unsubscribe_link=unsubscribe_url(member, DIGEST),
        )
    if claimed:
        _save_digest_time(member.id, mode, now)
    db.session.commit()
    return 1 if claimed and sections else 0


def _save_digest_time(member_id: int, mode: EmailMode, now: datetime) -> None:
    stmt = database.insert_for(EmailPreference).values(
        member_id=member_id, mode=mode, digest_sent_at=now
    )
    db.session.execute(
        stmt.on_conflict_do_update(
            index_elements=["member_id"], set_={"digest_sent_at": stmt.excluded.digest_sent_at}
        )
    )


# --- right away ------------------------------------------------------------------------------


def bundle_wait() -> timedelta:
    return timedelta(minutes=current_app.config["NOTIFY_MAIL_MINUTES"])


def send_instant(member_id: int, thread_id: int, now: datetime | None = None) -> int:
    """The ``notifications.mail`` job: mail ``member_id`` (if they asked for mail right away)
    the unread notifications about ``thread_id`` they may still see and were not mailed yet,
    in one mail; at most one such mail per thread every ``NOTIFY_MAIL_MINUTES`` (sooner, the
    job asks to run again when the pause ends). Returns how many notifications it carried."""
    now = now or utcnow()
    member = db.session.get(Member, member_id)
    if member is None or not member.is_member or mode_of(member) != EmailMode.INSTANT:
        return 0
    last = db.session.scalar(
        sa.select(sa.func.max(Notification.mailed_at)).where(
            Notification.member_id == member_id, Notification.thread_id == thread_id
        )
    )
    wait = bundle_wait()
    last = _aware(last)
    if last is not None and now - last < wait:
        jobs.enqueue("notifications.mail", member_id, thread_id, delay=last + wait - now)
        return 0
    by_email = [k.name for k in kinds.every() if k.by_email]
    rows = list(
        db.session.scalars(
            sa.select(Notification)
            .join(Post, Post.id == Notification.post_id)
            .where(
                kinds.shown_clause(member),
                Notification.thread_id == thread_id,
                Notification.kind.in_(by_email),
                Notification.read_at.is_(None),
                Notification.mailed_at.is_(None),
                ~hidden_warning_on(Post.id, member_id),
            )
            .options(
                so.joinedload(Notification.actor),
                so.joinedload(Notification.thread),
                so.joinedload(Notification.post).selectinload(Post.warnings),
            )
            .order_by(Notification.id)
        ).unique()
    )
    if not rows:
        return 0
    _mail_bundle(member, rows)
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_([n.id for n in rows]), Notification.mailed_at.is_(None))
        .values(mailed_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return len(rows)


def _mail_bundle(member: Member, rows: Iterable[Notification]) -> None:
    rows = list(rows)
    shown = shown_choices(member.id)
    lines = []
    for row in rows:
        kind = kinds.get(row.kind)
        label = kind.describe(kinds.Group(kind, [row]))[0] if kind else "Something new"
        assert row.post is not None  # joined above
        lines.append(
            (
                label,
                url_for("forums.post", post_id=row.post_id, _external=True),
                quoted(row.post, shown),
            )
        )
    site = site_settings.settings()
    thread = rows[0].thread
    mail.queue(
        member.email,
        "notifications",
        unsubscribe_url=unsubscribe_url(member, INSTANT),
        member=member,
        lines=lines,
        thread_title=thread.title if thread else "a thread",
        network_name=site.network_name if site else "the network",
        preferences_url=url_for("notifications.settings", _external=True),
        unsubscribe_link=unsubscribe_url(member, INSTANT),
    )
