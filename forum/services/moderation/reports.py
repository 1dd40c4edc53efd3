"""Members raise a concern in one step: report a post, thread, idea, comment or member.

- The reason comes from a short list (``ReportReason``); a note is optional, up to 1,000
  characters, and needed for "something else" (so the moderators know what it is).
- A member reports only what they can see, and not what is already removed or hidden, nor
  their own words (each refused with a clear message; what they cannot see is NotFound).
- One report per member per thing: the unique key of ``reports`` refuses a second one
  (``INSERT ... ON CONFLICT DO NOTHING``), whatever the timing; they are told kindly.
- Reports of one thing gather in its case (one queue row). "Worried about someone's safety"
  makes the case urgent, and the moderators of its region are told at once, by notification
  and email (``safety.alerts``). When ``auto_hide_reports`` different members (3 unless an
  administrator changed it) have reported the same content, it is hidden until a moderator
  looks (``actions.auto_hide``).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import (
    CaseState,
    Member,
    MemberStatus,
    ModerationCase,
    Report,
    ReportReason,
    TargetKind,
    UTCDateTime,
    utcnow,
)
from forum.services import site_settings
from forum.services.database import insert_for
from forum.services.errors import DomainError, NotFound, ValidationFailed
from forum.services.forums import threads
from forum.services.ideas import access
from forum.services.ideas import comments as idea_comments
from forum.services.live import events, topics
from forum.services.messages import conversations
from forum.services.moderation import actions, targets
from forum.services.moderation.targets import Target
from forum.services.safety import alerts

NOTE_MAX = 1000
PER_PAGE = 25


class CannotReport(DomainError):
    """This cannot be reported (one's own words, or already removed or hidden)."""


class AlreadyReported(DomainError):
    """The member has reported this before; ``report`` is that report."""

    def __init__(self, report: Report | None):
        self.report = report
        super().__init__("You have already reported this. Thank you: a moderator will look at it.")


def reportable(member: Member, kind: str, target_id: int) -> Target:
    """The thing, if ``member`` may report it. NotFound when they cannot see it (nothing leaks),
    CannotReport when it is theirs, removed or already hidden."""
    kind = targets.parse_kind(kind)
    _check_visible(member, kind, target_id)
    target = targets.load(kind, target_id)
    if target.author.id == member.id:
        raise CannotReport("This is yours, so there is nothing to report.")
    if target.is_removed:
        raise CannotReport("This has already been removed, so there is nothing to report.")
    if target.is_hidden or target.is_held:
        raise CannotReport("A moderator has already hidden this, so there is nothing to report.")
    return target


def _check_visible(member: Member, kind: TargetKind, target_id: int) -> None:
    """Raise NotFound unless ``member`` can see the thing, through each area's own rule."""
    if kind == TargetKind.POST:
        threads.get_post(member, target_id)
    elif kind == TargetKind.THREAD:
        threads.get_thread(member, target_id)
    elif kind == TargetKind.IDEA:
        access.visible_idea(member, target_id, details=False)
    elif kind == TargetKind.COMMENT:
        idea_comments.comment(member, target_id)
    elif kind == TargetKind.MESSAGE:
        conversations.get_message(member, target_id)  # only a member of its conversation
    else:
        found = db.session.get(Member, target_id)
        shown = found is not None and (
            found.status == MemberStatus.ACTIVE
            or (found.status == MemberStatus.SUSPENDED and member.moderates(found.region_id))
        )  # as on the member's page: a suspension is told only to their region's moderators
        if not shown:
            raise NotFound("That member does not exist.")


def check_input(reason: str | None, note: str | None) -> tuple[ReportReason, str]:
    """The reason (one from the list) and the note (trimmed, at most 1,000 characters; needed
    for "something else"). Raises ValidationFailed naming the field."""
    if reason not in {r.value for r in ReportReason}:
        raise ValidationFailed({"reason": "Choose the reason that fits best."})
    note = (note or "").replace("\x00", "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed(
            {"note": f"Your note is {len(note):,} characters; keep it to {NOTE_MAX:,}."}
        )
    if reason == ReportReason.OTHER and not note:
        raise ValidationFailed({"note": "Tell the moderators a little about what worries you."})
    return ReportReason(reason), note


def existing(member: Member, kind: str, target_id: int) -> Report | None:
    """The member's earlier report of this thing, if any."""
    return db.session.scalar(
        sa.select(Report).where(
            Report.reporter_id == member.id,
            Report.target_kind == kind,
            Report.target_id == target_id,
        )
    )


def submit(
    member: Member, kind: str, target_id: int, *, reason: str | None, note: str | None = ""
) -> Report:
    """Save a report, gather it into its case, hide the thing after enough different members
    reported it, and commit. Raises NotFound, CannotReport, ValidationFailed, AlreadyReported.
    """
    target = reportable(member, kind, target_id)
    reason, note = check_input(reason, note)
    now = utcnow()
    case_id = _case_for(target, now)
    report_id = db.session.scalar(
        insert_for(Report)
        .values(
            case_id=case_id,
            reporter_id=member.id,
            target_kind=target.kind,
            target_id=target.id,
            reason=reason,
            note=note,
            created_at=now,
            state=CaseState.OPEN,
        )
        .on_conflict_do_nothing(index_elements=["reporter_id", "target_kind", "target_id"])
        .returning(Report.id)
    )
    if report_id is None:
        db.session.rollback()
        raise AlreadyReported(existing(member, target.kind, target.id))
    reporters = _count_in_case(case_id, target, reason == ReportReason.SAFETY, now)
    _maybe_hide(target, case_id, reporters)
    if reason == ReportReason.SAFETY:
        alerts.after_urgent_report(case_id)  # the region's moderators told, and mailed
    alerts.after_report(target.author.id)  # reported often today: the moderators told
    events.publish_after_commit(topics.MODERATION)  # the queue and the moderators' badges
    db.session.commit()
    return db.session.get_one(Report, report_id)


def _case_for(target: Target, now) -> int:
    """The id of the thing's case, made if it has none (two first reports at once: one case)."""
    db.session.execute(
        insert_for(ModerationCase)
        .values(
            target_kind=target.kind,
            target_id=target.id,
            region_id=target.region_id,
            state=CaseState.OPEN,
            round=1,
            urgent=False,
            report_count=0,
            opened_at=now,
            last_report_at=now,
            auto_hidden=False,
            outcome="",
        )
        .on_conflict_do_nothing(index_elements=["target_kind", "target_id"])
    )
    return db.session.scalars(
        sa.select(ModerationCase.id).where(
            ModerationCase.target_kind == target.kind, ModerationCase.target_id == target.id
        )
    ).one()


def _count_in_case(case_id: int, target: Target, safety: bool, now) -> int:
    """Count the new report in its case (opening it again, in a new round, if it was closed);
    returns how many different members reported the thing in this round."""
    case = ModerationCase
    is_open = case.state == CaseState.OPEN
    when = sa.literal(now, UTCDateTime())
    urgent = sa.literal(safety, sa.Boolean())
    return db.session.execute(
        sa.update(case)
        .where(case.id == case_id)
        .values(
            report_count=sa.case((is_open, case.report_count + 1), else_=1),
            urgent=sa.case((is_open, sa.or_(case.urgent, urgent)), else_=urgent),
            round=sa.case((is_open, case.round), else_=case.round + 1),
            opened_at=sa.case((is_open, case.opened_at), else_=when),
            auto_hidden=sa.case((is_open, case.auto_hidden), else_=False),
            state=CaseState.OPEN,
            last_report_at=when,
            region_id=target.region_id,
        )
        .returning(case.report_count)
        .execution_options(synchronize_session=False)
    ).scalar_one()


def _maybe_hide(target: Target, case_id: int, reporters: int) -> None:
    settings = site_settings.settings()
    threshold = settings.auto_hide_reports if settings else 0
    if not target.kind.is_content or not threshold or reporters < threshold:
        return
    if actions.auto_hide(target, reporters):
        actions.announce(target)
        db.session.execute(
            sa.update(ModerationCase)
            .where(ModerationCase.id == case_id)
            .values(auto_hidden=True)
            .execution_options(synchronize_session=False)
        )


# --- "My reports" ------------------------------------------------------------------------------


@dataclass
class MyReport:
    report: Report
    target: Target | None  # None when the thing no longer exists

    @property
    def state_text(self) -> str:
        if self.report.state == CaseState.OPEN:
            return "Waiting for a moderator"
        if self.report.state == CaseState.DISMISSED:
            return "A moderator looked at it and decided no action was needed"
        return "A moderator looked at it and took action"


def mine(member: Member, page: int = 1) -> tuple[Pagination, list[MyReport]]:
    """The member's reports, newest first, with what each was about."""
    result = db.paginate(
        sa.select(Report)
        .where(Report.reporter_id == member.id)
        .order_by(Report.created_at.desc(), Report.id.desc()),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )
    by_kind: dict[TargetKind, set[int]] = {}
    for report in result.items:
        by_kind.setdefault(report.target_kind, set()).add(report.target_id)
    found = {kind: targets.load_many(kind, ids) for kind, ids in by_kind.items()}
    rows = [MyReport(r, found[r.target_kind].get(r.target_id)) for r in result.items]
    return result, rows


def reasons() -> list[tuple[str, str]]:
    """(value, label) of each reason, in the order the form shows them."""
    return [(r.value, r.label) for r in ReportReason]
