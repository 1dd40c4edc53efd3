"""Telling the moderators in time: a member wrote a signpost word ("want to die"), or a member
reported something as a worry about someone's safety (an urgent case in the review queue).

- The notification kind ``moderation_alert`` ("Urgent reports and safety alerts in the regions
  I moderate") is offered to moderators only, and its rule shows a row only to a member who is
  still an active moderator of its region (national moderators and administrators: all), and
  a case's row only while that round of the case is open. The region is part of the row's key
  (``moderation_alert:r<region|n>:…``).
- The jobs (``forum/tasks.py``) do the telling, never the request: ``safety.alerts`` (queued
  after the commit that wrote a ``SafetyAlert``, and every two minutes as a sweep) tells the
  moderators of each waiting alert and marks it alerted; ``safety.urgent_case`` (queued after
  the commit of a "safety" report) tells the moderators of the case's region, once per round
  of the case. The unique key of a notification makes a job run twice tell nobody twice.
- Each moderator told is also mailed at once, whatever their digest choice, unless they
  switched this kind's email off; ``Notification.mailed_at``, set by a guarded UPDATE, makes
  every row mailed once. The mail says only that something urgent is waiting, with a link to
  the queue: never the words written, never anything of the member's health.

The other alerts, each a kind of its own so that a moderator chooses under *Account →
Notifications* which they get and, for each, whether by email right away or on the bell
only (``ALERTS``): a new application (``moderation_application``, to the moderators who may
decide it; gone from the bell once decided), a post waiting for approval (``moderation_held``,
to the moderators of its forum's region; gone once approved or turned down), and one member
reported ``reports_alert_count`` times (3 unless an administrator changed it) in 24 hours
(``moderation_reports``, to the moderators of the member's region; once per member per day,
by the row's key). Jobs ``safety.application``, ``safety.held_post`` and
``safety.reports_of`` are queued after the commit of the change; the sweep catches what a lost
job left untold.

``waiting()``, ``moderators_to_alert(region_id)`` and ``mark_alerted(ids)`` are the building
blocks (``moderators_to_alert``: that region's moderators, national moderators and
administrators, active ones only).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import (
    CaseState,
    Idea,
    IdeaComment,
    Member,
    MemberStatus,
    Message,
    ModerationCase,
    ModeratorRegion,
    Notification,
    NotificationSetting,
    Post,
    Report,
    Role,
    SafetyAlert,
    SiteSettings,
    TargetKind,
    Thread,
    utcnow,
)
from forum.services import jobs, mail, site_settings
from forum.services.notifications import inbox, kinds

MODERATION_ALERT = "moderation_alert"
PREFIX = f"{MODERATION_ALERT}:r"
MAIL_WITHIN = timedelta(days=1)  # an alert older than this is not mailed any more
SWEEP_URGENT_CASES = timedelta(days=1)
# What a member writes, by the kind of report that names it (their profile: ``MEMBER``).
WRITTEN: dict[TargetKind, type[Post | Thread | Idea | IdeaComment | Message]] = {
    TargetKind.POST: Post,
    TargetKind.THREAD: Thread,
    TargetKind.IDEA: Idea,
    TargetKind.COMMENT: IdeaComment,
    TargetKind.MESSAGE: Message,
}


def waiting(limit: int = 100) -> list[SafetyAlert]:
    """Alerts no moderator has been told of yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(SafetyAlert)
            .where(SafetyAlert.alerted_at.is_(None))
            .options(so.joinedload(SafetyAlert.member))
            .order_by(SafetyAlert.id)
            .limit(limit)
        )
    )


def moderators_to_alert(region_id: int | None) -> list[Member]:
    """The active moderators and administrators who moderate ``region_id`` (None: national
    things, so not regional moderators), by name: the rule of ``Member.moderates`` in SQL."""
    has_regions = sa.exists().where(ModeratorRegion.moderator_id == Member.id)
    of_region = sa.exists().where(
        ModeratorRegion.moderator_id == Member.id, ModeratorRegion.region_id == region_id
    )
    covers = sa.or_(Member.role == Role.ADMIN, ~has_regions)
    if region_id is not None:
        covers = sa.or_(covers, of_region)
    return list(
        db.session.scalars(
            sa.select(Member)
            .where(
                Member.status == MemberStatus.ACTIVE,
                Member.role.in_([Role.MODERATOR, Role.ADMIN]),
                covers,
            )
            .order_by(Member.display_name, Member.id)
        )
    )


def mark_alerted(alert_ids: list[int]) -> None:
    """Record that the moderators were told of these alerts (the caller commits)."""
    if alert_ids:
        db.session.execute(
            sa.update(SafetyAlert)
            .where(SafetyAlert.id.in_(alert_ids), SafetyAlert.alerted_at.is_(None))
            .values(alerted_at=utcnow())
            .execution_options(synchronize_session=False)
        )


# --- who may see the notifications ------------------------------------------------------------


def _key(region_id: int | None, what: str, kind: str = MODERATION_ALERT) -> str:
    return f"{kind}:r{region_id if region_id is not None else 'n'}:{what}"


def _shown_rule(
    kind: str, still: Callable[[], sa.ColumnElement[bool]]
) -> Callable[[Member], sa.ColumnElement[bool]]:
    """The rule of an alert kind: rows ``member`` may see are those of a region they moderate
    (named in the row's key) while they are an active moderator (or administrator), and while
    ``still()`` holds (the thing still waits). No query of its own."""
    prefix = f"{kind}:r"

    def shown(member: Member) -> sa.ColumnElement[bool]:
        if not member.is_moderator:
            return sa.false()
        if member.role == Role.ADMIN:
            return still()
        mine = sa.select(ModeratorRegion.region_id).where(ModeratorRegion.moderator_id == member.id)
        national = ~sa.exists(mine)
        region_key = sa.literal(prefix) + sa.cast(ModeratorRegion.region_id, sa.String) + ":%"
        of_mine = sa.exists(mine.where(Notification.key.like(region_key)))
        return sa.and_(sa.or_(national, of_mine), still())

    return shown


def _still_waiting() -> sa.ColumnElement[bool]:
    """An urgent case's row goes once the case is closed (or a later round began, which has
    rows of its own); a safety alert's row stays until it is read."""
    case_key = (
        sa.literal("%:case:") + sa.cast(ModerationCase.id, sa.String) + ":"
        + sa.cast(ModerationCase.round, sa.String)
    )  # fmt: skip
    open_case = sa.exists().where(
        ModerationCase.state == CaseState.OPEN, Notification.key.like(case_key)
    )
    return sa.or_(~Notification.key.like("%:case:%"), open_case)


def _application_waits() -> sa.ColumnElement[bool]:
    """An application's row goes once it is decided (the applicant is its actor)."""
    return sa.exists().where(
        Member.id == Notification.actor_id, Member.status == MemberStatus.PENDING
    )


def _post_waits() -> sa.ColumnElement[bool]:
    """A held post's row goes once it is approved or turned down (or removed)."""
    return sa.exists().where(
        Post.id == Notification.post_id,
        Post.held_at.is_not(None),
        Post.hidden_at.is_(None),
        Post.deleted_at.is_(None),
    )


@dataclass(frozen=True)
class AlertKind:
    """One kind of alert to moderators: its notification kind, its label under *Account →
    Notifications*, what the bell says for one and for several, the rule that keeps a row
    while its thing waits, and the mail (``mail/<kind>.txt``, which never holds content)."""

    name: str
    label: str
    one: str
    several: str
    still: Callable[[], sa.ColumnElement[bool]]

    def describe(self, group: kinds.Group) -> tuple[str, str]:
        count = len(group.items)
        text = self.one if count == 1 else self.several.format(count=count)
        return text, url_for("moderation.queue")


APPLICATION_ALERT = "moderation_application"
HELD_ALERT = "moderation_held"
REPORTS_ALERT = "moderation_reports"
ALERTS = (
    AlertKind(
        MODERATION_ALERT,
        "Urgent reports and safety alerts in the regions I moderate",
        "An urgent report or safety alert is waiting in the queue",
        "{count} urgent reports or safety alerts are waiting in the queue",
        _still_waiting,
    ),
    AlertKind(
        APPLICATION_ALERT,
        "New applications to join, in the regions I moderate",
        "A new application is waiting in the queue",
        "{count} new applications are waiting in the queue",
        _application_waits,
    ),
    AlertKind(
        HELD_ALERT,
        "Posts waiting for approval in the regions I moderate",
        "A post is waiting for approval in the queue",
        "{count} posts are waiting for approval in the queue",
        _post_waits,
    ),
    AlertKind(
        REPORTS_ALERT,
        "A member reported several times in a day, in the regions I moderate",
        "A member has been reported several times today",
        "{count} members have been reported several times today",
        sa.true,
    ),
)


def register_notifications() -> None:
    """The kinds this area sends (called by the app factory)."""
    for alert in ALERTS:
        kinds.register(
            kinds.Kind(
                alert.name,
                alert.label,
                _shown_rule(alert.name, alert.still),
                alert.describe,
                about="kind",
                offered=lambda member: member.is_moderator,
                own_email="Email me about them right away",
            )
        )


# --- the jobs ---------------------------------------------------------------------------------


def tell_moderators(now: datetime | None = None) -> int:
    """The ``safety.alerts`` job (and its sweep): tell the moderators of every waiting safety
    alert, mark the alerts alerted, and do the same for urgent cases, applications and held
    posts of the last day nobody was told of yet; then mail those told. Returns how many
    notifications it wrote. Safe to run twice, or two at once: the notifications' unique key
    and the guarded updates tell and mail once."""
    now = now or utcnow()
    told = 0
    for alert in waiting():
        key = _key(alert.region_id, f"alert:{alert.id}")
        told += _tell(alert.region_id, key, actor_id=alert.member_id)
        mark_alerted([alert.id])
        db.session.commit()
    for case_id in _urgent_cases_untold(now):
        told += tell_of_case(case_id, now=now, mail_now=False)
    for member_id in _applications_untold(now):
        told += tell_of_application(member_id, now=now, mail_now=False)
    for post_id in _held_posts_untold(now):
        told += tell_of_held_post(post_id, now=now, mail_now=False)
    _mail_waiting(now)
    return told


def tell_of_case(case_id: int, now: datetime | None = None, *, mail_now: bool = True) -> int:
    """The ``safety.urgent_case`` job: tell the moderators of an open urgent case's region
    (once per round of the case), and mail them. Returns how many notifications it wrote."""
    now = now or utcnow()
    case = db.session.get(ModerationCase, case_id)
    if case is None or not case.urgent or case.state != CaseState.OPEN:
        return 0
    told = _tell(case.region_id, _key(case.region_id, f"case:{case.id}:{case.round}"))
    db.session.commit()
    if mail_now:
        _mail_waiting(now)
    return told


def tell_of_application(
    member_id: int, now: datetime | None = None, *, mail_now: bool = True
) -> int:
    """The ``safety.application`` job: tell the moderators who may decide a pending
    application (those of the applicant's region, national ones, administrators), once."""
    now = now or utcnow()
    applicant = db.session.get(Member, member_id)
    if applicant is None or applicant.status != MemberStatus.PENDING:
        return 0
    region_id = applicant.region_id
    key = _key(region_id, f"member:{applicant.id}", APPLICATION_ALERT)
    told = _tell(region_id, key, kind=APPLICATION_ALERT, actor_id=applicant.id)
    db.session.commit()
    if mail_now:
        _mail_waiting(now)
    return told


def tell_of_held_post(post_id: int, now: datetime | None = None, *, mail_now: bool = True) -> int:
    """The ``safety.held_post`` job: tell the moderators of a held post's forum's region that
    it waits for approval, once (nobody, once it no longer waits)."""
    now = now or utcnow()
    post = db.session.get(Post, post_id)
    if post is None or post.held_at is None or post.hidden_at is not None or post.is_deleted:
        return 0
    region_id = post.thread.forum.region_id
    key = _key(region_id, f"post:{post.id}", HELD_ALERT)
    told = _tell(region_id, key, kind=HELD_ALERT, actor_id=post.author_id, post_id=post.id)
    db.session.commit()
    if mail_now:
        _mail_waiting(now)
    return told


def tell_of_reports(member_id: int, now: datetime | None = None) -> int:
    """The ``safety.reports_of`` job, queued with each report of something of a member's
    (their posts, threads, ideas, comments, messages, or their profile): when members have
    reported them ``reports_alert_count`` times or more in the last 24 hours, tell the
    moderators of the member's region, once that day (the key holds the day)."""
    now = now or utcnow()
    member = db.session.get(Member, member_id)
    settings = site_settings.settings()
    threshold = settings.reports_alert_count if settings else 3
    if member is None or not threshold or reports_of(member_id, now) < threshold:
        return 0
    key = _key(member.region_id, f"member:{member.id}:{now.date().isoformat()}", REPORTS_ALERT)
    told = _tell(member.region_id, key, kind=REPORTS_ALERT, actor_id=member.id)
    db.session.commit()
    _mail_waiting(now)
    return told


def reports_of(member_id: int, now: datetime, within: timedelta = timedelta(days=1)) -> int:
    """How many reports members (not the system) made in the last ``within`` of things
    ``member_id`` wrote, or of the member themselves: one query."""
    authored = [
        sa.and_(
            Report.target_kind == kind,
            sa.exists().where(model.id == Report.target_id, model.author_id == member_id),
        )
        for kind, model in WRITTEN.items()
    ]
    profile = sa.and_(Report.target_kind == TargetKind.MEMBER, Report.target_id == member_id)
    return (
        db.session.scalar(
            sa.select(sa.func.count(Report.id)).where(
                Report.reporter_id.is_not(None),
                Report.created_at >= now - within,
                sa.or_(profile, *authored),
            )
        )
        or 0
    )


def after_application(member_id: int) -> None:
    """Called where an application is recorded: the job tells the moderators after the commit
    (``membership`` queues the job by this name, as it sits below this area)."""
    jobs.enqueue_after_commit("safety.application", member_id)


def after_held(post_id: int) -> None:
    """Called where a post is held for approval: the job tells the moderators."""
    jobs.enqueue_after_commit("safety.held_post", post_id)


def after_report(author_id: int | None) -> None:
    """Called where a member's words (or the member) are reported: the job counts."""
    if author_id is not None:
        jobs.enqueue_after_commit("safety.reports_of", author_id)


def after_alert() -> None:
    """Called where a safety alert is written: the job tells the moderators after the commit."""
    jobs.enqueue_after_commit("safety.alerts")


def after_urgent_report(case_id: int) -> None:
    """Called where a "safety" report makes its case urgent: the job tells the moderators."""
    jobs.enqueue_after_commit("safety.urgent_case", case_id)


def _tell(
    region_id: int | None,
    key: str,
    *,
    kind: str = MODERATION_ALERT,
    actor_id: int | None = None,
    post_id: int | None = None,
) -> int:
    moderators = moderators_to_alert(region_id)
    for moderator in moderators:
        inbox.notify(moderator.id, kind, key, actor_id=actor_id, post_id=post_id)
    return len(moderators)


def _urgent_cases_untold(now: datetime) -> list[int]:
    """Open urgent cases of the last day whose round no moderator was told of (the job queued
    with the report was lost, say)."""
    told = sa.exists().where(
        Notification.kind == MODERATION_ALERT,
        Notification.key.like(
            sa.literal(PREFIX) + "%:case:" + sa.cast(ModerationCase.id, sa.String) + ":"
            + sa.cast(ModerationCase.round, sa.String)
        ),
    )  # fmt: skip
    return list(
        db.session.scalars(
            sa.select(ModerationCase.id).where(
                ModerationCase.urgent.is_(True),
                ModerationCase.state == CaseState.OPEN,
                ModerationCase.last_report_at >= now - SWEEP_URGENT_CASES,
                ~told,
            )
        )
    )


def _told_of(kind: str, what: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    return sa.exists().where(
        Notification.kind == kind,
        Notification.key.like(sa.literal(f"{kind}:r") + "%:" + what),
    )


def _applications_untold(now: datetime) -> list[int]:
    """Applications of the last day no moderator was told of (a lost job)."""
    what = sa.literal("member:") + sa.cast(Member.id, sa.String)
    return list(
        db.session.scalars(
            sa.select(Member.id).where(
                Member.status == MemberStatus.PENDING,
                Member.created_at >= now - SWEEP_URGENT_CASES,
                ~_told_of(APPLICATION_ALERT, what),
            )
        )
    )


def _held_posts_untold(now: datetime) -> list[int]:
    """Posts held in the last day no moderator was told of (a lost job)."""
    what = sa.literal("post:") + sa.cast(Post.id, sa.String)
    return list(
        db.session.scalars(
            sa.select(Post.id).where(
                Post.held_at >= now - SWEEP_URGENT_CASES,
                Post.hidden_at.is_(None),
                ~_told_of(HELD_ALERT, what),
            )
        )
    )


def _mail_waiting(now: datetime) -> int:
    """Mail every moderator told of something and not mailed yet (one mail a kind each,
    however many rows), unless they switched that kind's email off, and only while the thing
    still waits; returns how many mails."""
    sent = 0
    for alert in ALERTS:
        sent += _mail_kind(alert, now)
    db.session.commit()
    return sent


def _mail_kind(alert: AlertKind, now: datetime) -> int:
    email_off = sa.exists().where(
        NotificationSetting.member_id == Notification.member_id,
        NotificationSetting.kind == f"{alert.name}.email",
        NotificationSetting.on_site.is_(False),
    )
    still_moderator = sa.exists().where(
        Member.id == Notification.member_id,
        Member.status == MemberStatus.ACTIVE,
        Member.role.in_([Role.MODERATOR, Role.ADMIN]),
    )
    claimed = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.kind == alert.name,
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at >= now - MAIL_WITHIN,
            still_moderator,
            ~email_off,
            alert.still(),
        )
        .values(mailed_at=now)
        .returning(Notification.member_id)
        .execution_options(synchronize_session=False)
    ).scalars()
    member_ids = sorted(set(claimed))
    if not member_ids:
        return 0
    # Read here, not from the request's cache: a job may run in a context an earlier job used.
    network = db.session.scalar(sa.select(SiteSettings.network_name)) or "the network"
    for member in db.session.scalars(sa.select(Member).where(Member.id.in_(member_ids))):
        mail.queue(
            member.email,
            alert.name,
            member=member,
            network_name=network,
            queue_url=url_for("moderation.queue", _external=True),
            settings_url=url_for("notifications.settings", _external=True),
        )
    return len(member_ids)
