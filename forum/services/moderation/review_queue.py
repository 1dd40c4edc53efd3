"""The moderators' one review queue: open reports (urgent ones first), posts waiting for
approval, applications, and appeals (``appeals.open_for``: never for the moderator who
acted), each limited to the moderator's regions.

Every section is a fixed number of queries however long it is (cases, their reports, then one
query per kind of thing reported), and ``counts`` is one query for the badge on every page.
Rows are found by id too (``case_row``, ``held_row``), for pages that update one row, and
since a given report or post (``after``), with the rows a page shows that have left their
section since (``cases_gone``, ``held_gone``), for the live queue.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import cast

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Appeal,
    CaseState,
    Forum,
    Member,
    MemberStatus,
    ModerationCase,
    Post,
    Report,
    ReportReason,
    TargetKind,
    Thread,
)
from forum.services import audit, scope
from forum.services.errors import NotFound
from forum.services.moderation import appeals, targets
from forum.services.moderation.targets import Target
from forum.services.people import membership

SECTION_LIMIT = 100
SECTIONS = ("urgent", "reports", "held", "applications")
# What takes a post out of the approval queue.
HELD_ACTIONS = ("post.approve", "post.reject", "content.hide", "content.auto_hide")


@dataclass
class Counts:
    urgent: int = 0
    reports: int = 0  # not urgent
    held: int = 0
    applications: int = 0
    appeals: int = 0

    @property
    def total(self) -> int:
        return self.urgent + self.reports + self.held + self.applications + self.appeals


class LazyCounts:
    """The badge's counts, asked for only when a page shows them (partials never do)."""

    def __init__(self, moderator: Member | None):
        self._moderator = moderator

    @cached_property
    def _counts(self) -> Counts:
        if self._moderator is None or not self._moderator.is_moderator:
            return Counts()
        return counts(self._moderator)

    def __getattr__(self, name: str):
        return getattr(self._counts, name)


def may_hear_queue(member: Member, _key: str | None) -> bool:
    """Live: the ``moderation`` topic (the queue and every page's badge) is for moderators."""
    return member.is_moderator


def _open_cases(moderator: Member) -> list:
    return [
        ModerationCase.state == CaseState.OPEN,
        scope.moderated_clause(moderator, ModerationCase.region_id),
    ]


def _held_posts(moderator: Member) -> sa.Select:
    return (
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Post.held_at.is_not(None),
            Post.hidden_at.is_(None),
            scope.moderated_clause(moderator, Forum.region_id),
        )
    )


def _applications(moderator: Member) -> list:
    return [
        Member.status == MemberStatus.PENDING,
        scope.moderated_clause(moderator, Member.region_id),
    ]


def counts(moderator: Member) -> Counts:
    """How many of each wait for this moderator: one query."""

    def count(model, *conditions):
        return sa.select(sa.func.count()).select_from(model).where(*conditions).scalar_subquery()

    held = _held_posts(moderator).with_only_columns(sa.func.count(Post.id)).scalar_subquery()
    row = db.session.execute(
        sa.select(
            count(ModerationCase, *_open_cases(moderator), ModerationCase.urgent.is_(True)),
            count(ModerationCase, *_open_cases(moderator), ModerationCase.urgent.is_(False)),
            held,
            count(Member, *_applications(moderator)),
            count(Appeal, *appeals.waiting_clause(moderator)),
        )
    ).one()
    return Counts(*row)


# --- reports ----------------------------------------------------------------------------------


@dataclass
class CaseRow:
    """One thing reported: its case, what it is (None if it no longer exists), and the reports
    of this round, oldest first."""

    case: ModerationCase
    target: Target | None
    reports: list[Report] = field(default_factory=list)

    @property
    def reasons(self) -> list[tuple[ReportReason, int]]:
        """Each reason given, with how many gave it, safety first."""
        tally = Counter(r.reason for r in self.reports)
        return [(reason, tally[reason]) for reason in ReportReason if tally[reason]]

    @property
    def notes(self) -> list[Report]:
        return [r for r in self.reports if r.note]

    @property
    def dom_id(self) -> str:
        return _case_dom_id(self.case)

    @property
    def newest_report_id(self) -> int:
        """Grows with every report: the live queue moves a row up when it is reported again."""
        return self.reports[-1].id if self.reports else 0


def _case_dom_id(case: ModerationCase) -> str:
    return f"report-{case.target_kind.value}-{case.target_id}"


@dataclass
class Gone:
    """A row a moderator's page shows that has left its section: handled (``by`` did ``what``
    at ``at``), or, with ``by`` None, still open but moved to the other section."""

    dom_id: str
    by: str | None = None
    at: datetime | None = None
    what: str = ""


def case_rows(moderator: Member, *, urgent: bool, after: int = 0) -> list[CaseRow]:
    """Open cases in the moderator's regions, urgent or not, the most recently reported first;
    with ``after``, only those with a report newer than that report id."""
    query = (
        sa.select(ModerationCase)
        .where(*_open_cases(moderator), ModerationCase.urgent.is_(urgent))
        .options(so.joinedload(ModerationCase.handled_by))
        .order_by(ModerationCase.last_report_at.desc(), ModerationCase.id.desc())
        .limit(SECTION_LIMIT)
    )
    if after:
        newer = sa.select(Report.case_id).where(Report.id > after, Report.state == CaseState.OPEN)
        query = query.where(ModerationCase.id.in_(newer))
    return _rows(list(db.session.scalars(query)), open_only=True)


def cases_gone(moderator: Member, *, urgent: bool, shown: list[int]) -> list[Gone]:
    """Of the cases ``shown`` in a section (urgent or not), those handled since or moved to the
    other section; only cases in the moderator's regions."""
    cases = db.session.scalars(
        sa.select(ModerationCase)
        .where(
            ModerationCase.id.in_(shown[:SECTION_LIMIT]),
            scope.moderated_clause(moderator, ModerationCase.region_id),
            sa.or_(ModerationCase.state != CaseState.OPEN, ModerationCase.urgent.is_not(urgent)),
        )
        .options(so.joinedload(ModerationCase.handled_by))
    )
    return [Gone(_case_dom_id(case)) if case.is_open else case_handled(case) for case in cases]


def case_handled(case: ModerationCase) -> Gone:
    """Who handled a case, when and how: what replaces its row."""
    who = case.handled_by.display_name if case.handled_by else "A moderator"
    return Gone(_case_dom_id(case), who, case.handled_at, case.outcome or case.state.value)


def case_row(moderator: Member, case_id: int) -> CaseRow:
    """One case, open or handled (a handled one shows who handled it); NotFound outside the
    moderator's regions."""
    case = db.session.scalar(
        sa.select(ModerationCase)
        .where(
            ModerationCase.id == case_id,
            scope.moderated_clause(moderator, ModerationCase.region_id),
        )
        .options(so.joinedload(ModerationCase.handled_by))
    )
    if case is None:
        raise NotFound("Those reports do not exist.")
    return _rows([case], open_only=case.is_open)[0]


def open_case_for(moderator: Member, target: Target) -> CaseRow | None:
    """The open case of a thing, with its reports, if there is one."""
    case = db.session.scalar(
        sa.select(ModerationCase).where(
            ModerationCase.target_kind == target.kind,
            ModerationCase.target_id == target.id,
            ModerationCase.state == CaseState.OPEN,
        )
    )
    if case is None or not moderator.moderates(case.region_id):
        return None
    row = _rows([case], open_only=True, known={(target.kind, target.id): target})
    return row[0]


def _rows(
    cases: list[ModerationCase], *, open_only: bool, known: dict | None = None
) -> list[CaseRow]:
    if not cases:
        return []
    query = (
        sa.select(Report)
        .where(Report.case_id.in_([c.id for c in cases]))
        .options(so.joinedload(Report.reporter))
        .order_by(Report.id)
    )
    if open_only:
        query = query.where(Report.state == CaseState.OPEN)
    reports: dict[int, list[Report]] = {}
    for report in db.session.scalars(query):
        reports.setdefault(report.case_id, []).append(report)
    found = dict(known or {})
    wanted: dict[TargetKind, set[int]] = {}
    for case in cases:
        if (case.target_kind, case.target_id) not in found:
            wanted.setdefault(case.target_kind, set()).add(case.target_id)
    for kind, ids in wanted.items():
        for target_id, target in targets.load_many(kind, ids).items():
            found[(kind, target_id)] = target
    return [
        CaseRow(c, found.get((c.target_kind, c.target_id)), reports.get(c.id, [])) for c in cases
    ]


# --- posts waiting for approval -----------------------------------------------------------------


@dataclass
class HeldRow:
    target: Target

    @property
    def post(self) -> Post:
        # a held thread's target is loaded with its opening post (targets.load)
        post = self.target.opening if self.target.kind == TargetKind.THREAD else self.target.obj
        return cast(Post, post)

    @property
    def dom_id(self) -> str:
        return f"held-{self.post.id}"


def _held_row(post: Post) -> HeldRow:
    if post.thread.first_post_id == post.id:
        return HeldRow(Target(TargetKind.THREAD, post.thread, opening=post))
    return HeldRow(Target(TargetKind.POST, post))


def _with_details(query: sa.Select) -> sa.Select:
    return query.options(
        so.contains_eager(Post.thread).contains_eager(Thread.forum),
        so.joinedload(Post.author),
        so.selectinload(Post.warnings),
    )


def held_rows(moderator: Member, after: int = 0) -> list[HeldRow]:
    """Posts and threads waiting for approval in the moderator's regions, oldest first; with
    ``after``, only posts newer than that id."""
    query = _with_details(_held_posts(moderator)).order_by(Post.id).limit(SECTION_LIMIT)
    if after:
        query = query.where(Post.id > after)
    return [_held_row(post) for post in db.session.scalars(query).unique()]


def held_gone(moderator: Member, shown: list[int]) -> list[Gone]:
    """Of the posts ``shown`` waiting for approval, those no longer waiting, with who decided
    (from the audit log); only posts in the moderator's regions."""
    shown = shown[:SECTION_LIMIT]
    waiting = _held_posts(moderator).with_only_columns(Post.id).where(Post.id.in_(shown))
    gone = db.session.scalars(
        sa.select(Post)
        .join(Post.thread)
        .join(Thread.forum)
        .where(
            Post.id.in_(shown),
            Post.id.not_in(waiting),
            scope.moderated_clause(moderator, Forum.region_id),
        )
        .options(so.contains_eager(Post.thread))
    )
    rows = []
    for post in gone:  # one query each: rarely more than one between two events
        row = _held_row(post)
        done = audit.handled(row.target.kind.value, row.target.id, HELD_ACTIONS)
        if done is None:
            rows.append(Gone(row.dom_id, "A moderator", None, "it no longer waits"))
        else:
            rows.append(Gone(row.dom_id, done.by, done.at, done.what))
    return rows


def held_row(moderator: Member, post_id: int) -> HeldRow:
    """One post waiting for approval; NotFound when it no longer waits, or is not theirs."""
    query = _with_details(_held_posts(moderator)).where(Post.id == post_id)
    post = db.session.scalars(query).unique().first()
    if post is None:
        raise NotFound("This post no longer waits for approval.")
    return _held_row(post)


# --- applications -------------------------------------------------------------------------------


def applications(moderator: Member) -> list[Member]:
    """Applications from the moderator's regions, the longest waiting first, with their
    consents (one query more, whatever their number)."""
    return membership.pending_applications(moderator, limit=SECTION_LIMIT)
