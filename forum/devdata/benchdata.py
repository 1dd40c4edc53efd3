"""Benchmark data at realistic scale: ``flask --app forum bench-data`` (issue 8).

Fills an empty, migrated database in a minute or two and returns the pages a load tool should
visit, in the shape ``bench/targets.py`` documents. What it makes:

- **The network** through the services' own setup, where it is missing: settings, crisis
  contacts and content warnings (``setup.create_network``), the demo's fourteen regions with
  their forums (``manage.ensure_region_forums``), the five national forums
  (``manage.save_forum``; Lothian's forum kept to its members, as in the demo) and idea tags.
- **Members**, all approved, each with the two consents an application records; one
  administrator, a few national and regional moderators. A third joined in the first month,
  the rest over two years. Everyone shares one password, hashed once (argon2 is slow on
  purpose). How much each member writes follows a long tail.
- **Threads** whose lengths follow a long tail (``benchdata_shape.long_tail``): at the
  default size the median thread has about 26 posts, a page or two, and the longest several
  thousand. Posts are dated in order within their thread, written by members who had joined
  by then and may see the forum, and inserted in time order, so post ids grow with time as
  on a real site. Some threads and replies carry content warnings.
- **Post bodies** from a pool of a few hundred Markdown texts (emphasis, lists, links,
  quotes, headings), rendered once through ``richtext.render``, the real pipeline, and reused.
- **Read positions** (``thread_reads``): authors have read up to their own posts, often to
  the end; every member has read a long-tailed number of other threads, busy ones most.
- **Ideas** with votes on a long tail (one per member per idea, the author's first), at most
  as many as members who could see the idea before its voting closed; comments (a few
  removed by their authors); status changes with public responses; tags; title terms for
  "similar ideas".

Rows go in with Core ``INSERT`` statements in batches (``executemany``); the database assigns
every id and hands them back with RETURNING, so the sequences of PostgreSQL stay right for the
app's own inserts. Everything after the setup is one transaction, closed by the services'
own ``manage.recount`` and ``access.recount``: the stored counters equal the rows by the very
rules the app keeps them with.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from forum import richtext
from forum.devdata import benchdata_text as text
from forum.devdata import demo, demo_forums, demo_ideas
from forum.devdata.benchdata_shape import Population, long_tail, spread
from forum.extensions import db
from forum.models import (
    CLOSED_STATUSES,
    Consent,
    ConsentKind,
    Forum,
    ForumAudience,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaTitleTerm,
    IdeaVote,
    Member,
    MemberStatus,
    ModeratorRegion,
    Post,
    Region,
    Role,
    Thread,
    ThreadRead,
    WarningChoice,
    WarningPreference,
    post_warnings,
    utcnow,
)
from forum.models.idea import idea_tag_links
from forum.models.member import new_session_token
from forum.services import ordering, passwords, posting, site_settings
from forum.services.errors import Conflict, ValidationFailed
from forum.services.forums import content_warnings, manage
from forum.services.forums import threads as forums_threads
from forum.services.ideas import access, board
from forum.services.network import crisis_contacts, setup
from forum.services.network import regions as network_regions
from forum.services.search_index import documents as search_documents

DOMAIN = "bench.example.org"
PASSWORD = "steady lighthouse kettle 2026"  # noqa: S105 - benchmark accounts only
NETWORK_NAME = "Peer Network (benchmark data)"
HISTORY = timedelta(days=730)
SETTLING = timedelta(days=35)  # the founders join in the first month; the talk starts after
BATCH = 5000
BODY_POOL = 400

# How many members each region has, relative to the others (regions not listed: 3).
REGION_WEIGHTS = {
    "Greater Glasgow and Clyde": 22, "Lothian": 16, "Lanarkshire": 12, "Grampian": 10,
    "Tayside": 8, "Ayrshire and Arran": 7, "Fife": 7, "Highland": 6, "Forth Valley": 6,
    "Dumfries and Galloway": 3, "Borders": 2, "Western Isles": 1, "Orkney": 1, "Shetland": 1,
}  # fmt: skip
NATIONAL_SHARE = 0.6  # of the threads; the rest are in regional forums, by their members
# The national forums' shares of the national threads (forums not listed: 1).
NATIONAL_WEIGHTS = {
    "Introductions": 2, "Guiding document": 1, "Events": 3, "Stories": 4,
    "Practice and advice": 8,
}  # fmt: skip
WARNED_FORUM = "Stories"  # where most threads carry a content warning
# Ideas that moved on from "open", and how often each status comes up.
DECIDED = {
    IdeaStatus.UNDER_REVIEW: 3, IdeaStatus.PLANNED: 2, IdeaStatus.IN_PROGRESS: 1.5,
    IdeaStatus.DONE: 2, IdeaStatus.DECLINED: 1.5,
}  # fmt: skip


@dataclass(frozen=True)
class Sizes:
    members: int = 2000
    threads: int = 5000
    posts: int = 200_000
    ideas: int = 5000
    votes: int = 100_000
    comments: int | None = None  # comments on ideas; None: a fifth of the votes
    seed: int = 8

    @property
    def idea_comments(self) -> int:
        return self.votes // 5 if self.comments is None else self.comments

    def check(self) -> None:
        """Raise ValidationFailed for sizes that cannot make every page of the targets."""
        errors = {}
        if self.members < 3:
            errors["members"] = "--members: at least 3 (an administrator, a moderator, a reader)."
        if self.threads < 3:
            errors["threads"] = "--threads: at least 3 (typical, longest, one to reply to)."
        if self.posts < self.threads:
            errors["posts"] = "--posts: at least one per thread."
        if self.ideas < 2:
            errors["ideas"] = "--ideas: at least 2 (one to open, one to vote for)."
        if not 0 <= self.votes <= self.ideas * self.members:
            errors["votes"] = "--votes: from 0 to one per member per idea."
        if self.idea_comments < 0:
            errors["comments"] = "--comments: 0 or more."
        if errors:
            raise ValidationFailed(errors)


def generate(sizes: Sizes, say: Callable[[str], None] = lambda _message: None) -> dict:
    """Fill the database; the targets as a dict (``bench/targets.py`` documents the shape).

    Raises ValidationFailed for sizes it cannot make, Conflict when the database already has
    members, threads or ideas. ``say`` hears a line of progress per step.
    """
    sizes.check()
    check_empty()
    setup_network()
    return Filler(sizes, say).fill()


def check_empty() -> None:
    """Raise Conflict unless the database has no members, threads or ideas yet."""
    for model, what in ((Member, "members"), (Thread, "threads"), (Idea, "ideas")):
        count = db.session.scalar(sa.select(sa.func.count()).select_from(model))
        if count:
            raise Conflict(
                f"This database already has {count:,} {what}; bench-data fills an empty one only. "
                "Point FORUM_DATABASE_URL at a new database and run flask db upgrade first."
            )


def setup_network() -> None:
    """Settings, crisis contacts and content warnings, regions with their forums, national
    forums and idea tags, through the services' own setup, each only if missing. Commits."""
    if site_settings.settings() is None:
        setup.create_network(NETWORK_NAME)
    content_warnings.seed_defaults()
    crisis_contacts.seed_crisis_contacts()
    new_regions = not network_regions.regions(include_archived=True)
    if new_regions:
        for position, name in enumerate(demo.REGIONS):
            db.session.add(Region(name=name, slug=ordering.slugify(name), position=position))
        db.session.flush()
    manage.ensure_region_forums()
    db.session.commit()
    members_national = sa.exists().where(Forum.region_id.is_(None), Forum.staff_only.is_(False))
    if not db.session.scalar(sa.select(members_national)):
        for name, description in demo_forums.NATIONAL:
            manage.save_forum(name=name, description=description)
    if new_regions:
        only = db.session.scalar(
            sa.select(Forum).join(Region).where(Region.name == demo_forums.REGION_ONLY)
        )
        manage.save_forum(
            name=only.name,
            description=only.description,
            audience=ForumAudience.REGION,
            forum_id=only.id,
        )
    if not db.session.scalar(sa.select(sa.exists().where(IdeaTag.id.is_not(None)))):
        db.session.add_all(IdeaTag(name=name, slug=name) for name in demo_ideas.TAGS)
    db.session.commit()


@dataclass(frozen=True)
class ForumInfo:
    id: int
    slug: str
    name: str
    region_id: int | None
    restricted: bool  # only its region's members (and the moderators) see it

    @property
    def national(self) -> bool:
        return self.region_id is None


@dataclass
class ThreadPlan:
    forum: ForumInfo
    title: str
    times: list[datetime]  # of its posts, in order
    authors: list[int]
    warnings: dict[int, tuple[int, ...]]  # post position -> warning ids
    note: str = ""
    pinned: bool = False
    locked: bool = False
    id: int = 0
    post_ids: list[int] = field(default_factory=list)

    @property
    def length(self) -> int:
        return len(self.times)


@dataclass
class IdeaPlan:
    title: str
    author: int
    region_id: int | None
    created: datetime
    status: IdeaStatus = IdeaStatus.OPEN
    decided: datetime | None = None  # when it left "open"
    id: int = 0
    votes: int = 0
    comments: int = 0
    voters: list[int] = field(default_factory=list)


class Filler:
    """One run of the generator: plans with a seeded random generator, inserts in batches."""

    def __init__(self, sizes: Sizes, say: Callable[[str], None]):
        self.sizes, self.say = sizes, say
        self.rng = random.Random(sizes.seed)
        self.now = utcnow()
        self.begin = self.now - HISTORY
        restricted = sa.and_(Forum.audience == ForumAudience.REGION, Forum.region_id.is_not(None))
        rows = db.session.execute(
            sa.select(Forum.id, Forum.slug, Forum.name, Forum.region_id, restricted)
            .where(Forum.archived_at.is_(None), Forum.staff_only.is_(False))
            .order_by(Forum.id)
        )
        self.forums = [ForumInfo(*row) for row in rows]  # members' forums (not the room)
        if not any(f.national for f in self.forums):
            raise Conflict("Every national forum is archived: bench-data needs one to post in.")
        self.regions = {r.id: r.name for r in network_regions.regions()}
        self.region_weights = [REGION_WEIGHTS.get(name, 3) for name in self.regions.values()]
        self.warning_ids = [w.id for w in content_warnings.all_warnings()]
        self.tag_ids = list(db.session.scalars(sa.select(IdeaTag.id).order_by(IdeaTag.id)))

    def fill(self) -> dict:
        self.conn = db.session.connection()
        self.bodies = self._bodies()
        for step in (self._members, self._threads, self._reads, self._choices, self._ideas):
            self._timed(step)
        self._timed(self._recount)
        self._timed(self._search_index)
        db.session.commit()
        return self._targets()

    def _timed(self, step: Callable[[], str]) -> None:
        started = time.monotonic()
        done = step()
        self.say(f"bench-data: {done} ({time.monotonic() - started:.1f} s)")

    def _insert(self, table, rows: Iterable[dict], returning=None) -> list[int]:
        """Insert ``rows`` in batches; the ids the database gave them, in order, when asked."""
        ids: list[int] = []
        statement = sa.insert(table)
        if returning is not None:
            statement = statement.returning(returning, sort_by_parameter_order=True)
        rows = iter(rows)
        while batch := list(itertools.islice(rows, BATCH)):
            result = self.conn.execute(statement, batch)
            if returning is not None:
                ids.extend(result.scalars())
        return ids

    def _search_index(self) -> str:
        counts = search_documents.rebuild()  # rows went in with Core INSERTs: index them now
        return f"search index: {sum(counts.values())} documents"

    def _recount(self) -> str:
        if self.conn.dialect.name == "postgresql":
            # New tables have no planner statistics yet (autovacuum has not come by): without
            # them the recount's correlated counts take 47 s for 200,000 posts, not 0.6 s.
            tables = (Thread, Post, Idea, IdeaVote, IdeaComment)
            self.conn.exec_driver_sql("ANALYZE " + ", ".join(t.__tablename__ for t in tables))
        manage.recount()
        access.recount()
        return "counters rebuilt by forums.recount and ideas.recount"

    # --- texts -------------------------------------------------------------------------------

    def _bodies(self) -> list[tuple[str, str, str]]:
        """(Markdown, safe HTML, fingerprint), shortest first, each rendered once."""
        sizes = self.rng.choices(range(1, 7), weights=[30, 30, 18, 10, 7, 5], k=BODY_POOL)
        sources = sorted((text.body(self.rng, n) for n in sizes), key=len)
        return [(s, richtext.render(s), posting.fingerprint(s)) for s in sources]

    def _body(self, *, opening: bool = False) -> tuple[str, str, str]:
        """Openings from the longer half of the pool; replies lean towards short ones."""
        n = len(self.bodies)
        if opening:
            return self.bodies[self.rng.randrange(n // 2, n)]
        return self.bodies[int(n * self.rng.random() ** 1.5)]

    # --- members -----------------------------------------------------------------------------

    def _members(self) -> str:
        n = self.sizes.members
        founders, moderators = max(3, n * 3 // 10), max(1, n // 100)
        joined = sorted(self._join_time(i < founders) for i in range(n))
        password_hash = passwords.hash_password(PASSWORD)  # once: argon2 is slow on purpose
        rows = [self._member_row(i, when, password_hash) for i, when in enumerate(joined)]
        for i in range(1, moderators + 1):
            rows[i]["role"] = Role.MODERATOR
        reader = moderators + 1  # a member from the start, in the biggest region open to all
        rows[reader]["region_id"] = self._open_region()
        ids = self._insert(Member, rows, Member.id)
        self._people(rows, ids, moderators)
        self.reader_id, self.reader_email = ids[reader], rows[reader]["email"]
        self.conn.execute(sa.update(Member).where(Member.id != ids[0]).values(decided_by_id=ids[0]))
        self._insert(Consent, self._consents(rows, ids))
        regional = [i for i in range(2, moderators + 1, 2) if rows[i]["region_id"] is not None]
        self._insert(
            ModeratorRegion,
            ({"moderator_id": ids[i], "region_id": rows[i]["region_id"]} for i in regional),
        )
        return f"{n:,} members, of whom {moderators} moderate ({len(regional)} a region)"

    def _member_row(self, i: int, decided: datetime, password_hash: str) -> dict:
        """The first to join is the administrator, who approved everyone else."""
        rng, regions = self.rng, list(self.regions)
        return {
            "email": f"member{i + 1:05d}@{DOMAIN}",
            "display_name": text.display_name(rng),
            "password_hash": password_hash,
            "region_id": rng.choices(regions, self.region_weights)[0] if regions else None,
            "organisation": rng.choice(text.ORGANISATIONS),
            "reason": rng.choice(text.REASONS),
            "status": MemberStatus.ACTIVE,
            "role": Role.ADMIN if i == 0 else Role.MEMBER,
            "session_token": new_session_token(),
            "created_at": decided - timedelta(hours=rng.uniform(2, 72)),  # applied
            "decided_at": decided,
        }

    def _join_time(self, founder: bool) -> datetime:
        if founder:
            return self.begin + timedelta(days=self.rng.uniform(0, 30))
        latest = self.now - timedelta(days=1)
        return self.begin + SETTLING + (latest - self.begin - SETTLING) * self.rng.random()

    def _open_region(self) -> int | None:
        closed = {f.region_id for f in self.forums if f.restricted}
        weighted = zip(self.region_weights, self.regions, strict=True)
        open_ = [(weight, region) for weight, region in weighted if region not in closed]
        return max(open_)[1] if open_ else None

    def _consents(self, rows: list[dict], ids: list[int]) -> Iterable[dict]:
        """What applying records: the house rules and the health data notice, as they were."""
        settings = site_settings.settings()
        versions = {
            ConsentKind.HOUSE_RULES: settings.house_rules_version,
            ConsentKind.HEALTH_DATA: settings.privacy_notice_version,
        }
        for row, member_id in zip(rows, ids, strict=True):
            for kind, version in versions.items():
                yield {
                    "member_id": member_id,
                    "kind": kind,
                    "document_version": version,
                    "given_at": row["created_at"],
                }

    def _people(self, rows: list[dict], ids: list[int], moderators: int) -> None:
        """Who could write where and when: everyone, each region, and the staff."""
        people = [
            (row["decided_at"], member_id, self.rng.paretovariate(1.5))
            for row, member_id in zip(rows, ids, strict=True)
        ]
        self.admin_id = ids[0]
        self.national_staff = [ids[i] for i in range(moderators + 1) if i % 2 == 1 or i == 0]
        self.everyone = Population(people)
        self.staff = Population(people[: moderators + 1])
        self.region_of = {ids[i]: row["region_id"] for i, row in enumerate(rows)}
        self.joined_at = {ids[i]: row["decided_at"] for i, row in enumerate(rows)}
        self.by_region = {
            region: Population(
                [p for p, row in zip(people, rows, strict=True) if row["region_id"] == region]
            )
            for region in self.regions
        }

    # --- threads and posts -------------------------------------------------------------------

    def _threads(self) -> str:
        plans = sorted(self._plan_threads(), key=lambda p: p.times[0])
        rows = (
            {
                "forum_id": p.forum.id,
                "author_id": p.authors[0],
                "title": p.title,
                "created_at": p.times[0],
                "pinned": p.pinned,
                "locked": p.locked,
                "last_post_at": p.times[-1],
            }
            for p in plans
        )
        for plan, thread_id in zip(plans, self._insert(Thread, rows, Thread.id), strict=True):
            plan.id = thread_id
        self.threads = plans
        warned = self._posts(plans)
        longest = max(p.length for p in plans)
        return (
            f"{len(plans):,} threads, {self.sizes.posts:,} posts ({warned:,} with content "
            f"warnings; longest thread {longest:,} posts)"
        )

    def _plan_threads(self) -> list[ThreadPlan]:
        n, rng = self.sizes.threads, self.rng
        lengths = [1 + k for k in spread(self.sizes.posts - n, long_tail(rng, n))]
        by_length = sorted(range(n), key=lambda i: lengths[i], reverse=True)
        where = self._forum_choices(by_length)
        long_running = set(by_length[: n // 1000])
        plans = [self._plan_thread(lengths[i], where[i], i in long_running) for i in range(n)]
        self.thread_targets = self._thread_targets(plans, plans[by_length[0]])
        return plans

    def _thread_targets(self, plans: list[ThreadPlan], longest: ThreadPlan) -> tuple:
        """A typical thread (national, of about the median length), the longest (pinned, as
        long-running threads are), and another typical one to reply to (not locked)."""
        lengths = sorted(p.length for p in plans)
        median = lengths[len(lengths) // 2]
        near = sorted(
            (p for p in plans if p.forum.national and p is not longest),
            key=lambda p: abs(p.length - median),
        )
        typical, replied = near[0], near[1]
        longest.pinned, longest.locked = True, False
        replied.locked = False
        return typical, longest, replied

    def _forum_choices(self, by_length: list[int]) -> list[ForumInfo]:
        """A forum per thread, national ones more often; the longest thread and at least two
        more are national, so the targets can be pages every member may open."""
        national = [f for f in self.forums if f.national]
        regional = [f for f in self.forums if not f.national]
        members = {r: len(p) for r, p in self.by_region.items()}
        nat_weights = [NATIONAL_WEIGHTS.get(f.name, 1) for f in national]
        reg_weights = [members.get(f.region_id, 0) + 1 for f in regional]
        share = NATIONAL_SHARE if regional else 1.0
        weights = [share * w / sum(nat_weights) for w in nat_weights]
        weights += [(1 - share) * w / sum(reg_weights) for w in reg_weights]
        where = self.rng.choices(national + regional, weights, k=len(by_length))
        if not where[by_length[0]].national:
            where[by_length[0]] = self.rng.choices(national, nat_weights)[0]
        regional_threads = (i for i in by_length if not where[i].national)
        while sum(f.national for f in where) < 3:
            where[next(regional_threads)] = self.rng.choices(national, nat_weights)[0]
        return where

    def _plan_thread(self, length: int, forum: ForumInfo, long_running: bool) -> ThreadPlan:
        rng = self.rng
        times = self._post_times(length)
        authors: list[int] = []
        participants: list[int] = []
        for when in times:
            if participants and rng.random() < 0.35:  # someone already in the conversation
                authors.append(rng.choice(participants))
                continue
            participants.append(self._writer(forum, when))
            authors.append(participants[-1])
        warnings = self._post_warnings(forum, length)
        return ThreadPlan(
            forum=forum,
            title=text.thread_title(rng, long_running),
            times=times,
            authors=authors,
            warnings=warnings,
            note=rng.choice(text.WARNING_NOTES) if 0 in warnings else "",
            pinned=rng.random() < 0.005,
            locked=rng.random() < 0.01,
            post_ids=[0] * length,
        )

    def _post_times(self, length: int) -> list[datetime]:
        """When each post was written: replies hours apart on average (each thread its own
        pace), squeezed to fit before now when a long thread started late."""
        rng = self.rng
        latest = self.now - timedelta(minutes=10)
        span = latest - self.begin - SETTLING
        start = self.begin + SETTLING + span * (rng.random() ** 0.8) * (0.5 if length > 200 else 1)
        pace = rng.lognormvariate(math.log(6), 1.0)  # hours between replies, typically
        hours = list(
            itertools.accumulate(
                (rng.expovariate(1 / pace) for _ in range(length - 1)), initial=0.0
            )
        )
        room = (latest - start) / timedelta(hours=1)
        squeeze = min(1.0, room / hours[-1]) if hours[-1] else 1.0
        return [start + timedelta(hours=h * squeeze) for h in hours]

    def _writer(self, forum: ForumInfo, when: datetime) -> int:
        """Someone who had joined by ``when`` and may see ``forum``: mostly the region's own
        members in a regional forum, only them (or the staff) in a region-only one."""
        local = self.by_region.get(forum.region_id)
        if local is not None and (forum.restricted or self.rng.random() < 0.75):
            found = local.pick(self.rng, when)
            if found is None and forum.restricted:
                found = self.staff.pick(self.rng, when)
            if found is not None:
                return found
        return self.everyone.pick(self.rng, when) or self.admin_id

    def _post_warnings(self, forum: ForumInfo, length: int) -> dict[int, tuple[int, ...]]:
        """Which posts carry content warnings: many openings in Stories, a few elsewhere, and
        some replies, more often in a thread that opened with one."""
        rng, found = self.rng, {}
        if not self.warning_ids:
            return found
        if rng.random() < (0.3 if forum.name == WARNED_FORUM else 0.04):
            found[0] = self._some_warnings()
        chance = 0.15 if found else 0.01
        for position in range(1, length):
            if rng.random() < chance:
                found[position] = found.get(0) or self._some_warnings()
        return found

    def _some_warnings(self) -> tuple[int, ...]:
        k = min(len(self.warning_ids), self.rng.choice((1, 1, 1, 2)))
        return tuple(sorted(self.rng.sample(self.warning_ids, k)))

    def _posts(self, plans: list[ThreadPlan]) -> int:
        """Every post, oldest first across threads (ids grow with time); their warnings."""
        order = sorted(
            (when, t, position)
            for t, plan in enumerate(plans)
            for position, when in enumerate(plan.times)
        )
        rows = (self._post_row(plans[t], position) for _when, t, position in order)
        ids = self._insert(Post, rows, Post.id)
        for (_when, t, position), post_id in zip(order, ids, strict=True):
            plans[t].post_ids[position] = post_id
        links = [
            {"post_id": plan.post_ids[position], "warning_id": warning_id}
            for plan in plans
            for position, warning_ids in plan.warnings.items()
            for warning_id in warning_ids
        ]
        self._insert(post_warnings, links)
        return sum(len(plan.warnings) for plan in plans)

    def _post_row(self, plan: ThreadPlan, position: int) -> dict:
        source, html, digest = self._body(opening=position == 0)
        return {
            "thread_id": plan.id,
            "author_id": plan.authors[position],
            "created_at": plan.times[position],
            "body_source": source,
            "body_html": html,
            "body_rules": richtext.RULES_VERSION,
            "fingerprint": digest,
            "warning_note": plan.note if position == 0 else "",
        }

    # --- reading -----------------------------------------------------------------------------

    def _reads(self) -> str:
        """How far members have read: up to their own posts at least, often to the end; and a
        long-tailed number of other threads each, the busier ones more often."""
        rng, threads = self.rng, self.threads
        read: dict[tuple[int, int], int] = {}
        for t, plan in enumerate(threads):
            for position, author in enumerate(plan.authors):
                read[(author, t)] = position
        for key in read:
            if rng.random() < 0.6:
                read[key] = threads[key[1]].length - 1
        public = [t for t, plan in enumerate(threads) if not plan.forum.restricted]
        cumulative = list(itertools.accumulate(math.sqrt(threads[t].length) for t in public))
        for member in self.everyone.ids:
            many = min(len(public), int(rng.paretovariate(1.2) * 5))
            for t in rng.choices(public, cum_weights=cumulative, k=many):
                end = threads[t].length - 1
                position = end if rng.random() < 0.6 else rng.randrange(end + 1)
                if position > read.get((member, t), -1):
                    read[(member, t)] = position
        rows = (
            {
                "member_id": member,
                "thread_id": threads[t].id,
                "last_read_post_id": threads[t].post_ids[position],
            }
            for (member, t), position in read.items()
        )
        self._insert(ThreadRead, rows)
        return f"{len(read):,} read positions"

    def _choices(self) -> str:
        """Some members hide or always show posts with certain warnings (not the reader)."""
        rng, rows = self.rng, []
        for member in self.everyone.ids:
            if member == self.reader_id or rng.random() >= 0.08 or not self.warning_ids:
                continue
            choice = rng.choice((WarningChoice.HIDE, WarningChoice.HIDE, WarningChoice.SHOW))
            rows.append(
                {"member_id": member, "warning_id": rng.choice(self.warning_ids), "choice": choice}
            )
        self._insert(WarningPreference, rows)
        return f"{len(rows):,} content warning choices"

    # --- ideas -------------------------------------------------------------------------------

    def _ideas(self) -> str:
        plans = sorted(
            (self._plan_idea() for _ in range(self.sizes.ideas)), key=lambda p: p.created
        )
        self._keep_two_for_targets(plans)
        ids = self._insert(Idea, (self._idea_row(p) for p in plans), Idea.id)
        for plan, idea_id in zip(plans, ids, strict=True):
            plan.id = idea_id
        self._count_support(plans)
        for plan in plans:
            plan.voters = self._voters(plan)
        self.ideas = plans
        self.idea_target, self.vote_target = self._idea_targets(plans)
        self._insert(IdeaVote, self._vote_rows(plans))
        self._insert(IdeaComment, self._comment_rows(plans))
        self._insert(idea_tag_links, self._tag_links(plans))
        terms = ({"term": t, "idea_id": p.id} for p in plans for t in board.title_terms(p.title))
        self._insert(IdeaTitleTerm, terms)
        decided = self._insert_status_changes(plans)
        votes, comments = sum(len(p.voters) for p in plans), sum(p.comments for p in plans)
        return f"{len(plans):,} ideas ({decided:,} decided), {votes:,} votes, {comments:,} comments"

    def _plan_idea(self) -> IdeaPlan:
        rng = self.rng
        span = self.now - timedelta(hours=1) - self.begin - SETTLING
        created = self.begin + SETTLING + span * rng.random() ** 0.7
        author = self.everyone.pick(rng, created) or self.admin_id
        plan = IdeaPlan(
            title=text.idea_title(rng),
            author=author,
            region_id=self.region_of[author] if rng.random() < 0.35 else None,
            created=created,
        )
        age = (self.now - created) / HISTORY
        if rng.random() < 0.1 + 0.4 * age:  # older ideas have more often moved on
            plan.status = rng.choices(list(DECIDED), list(DECIDED.values()))[0]
            plan.decided = created + (self.now - created) * rng.uniform(0.2, 0.8)
        return plan

    def _keep_two_for_targets(self, plans: list[IdeaPlan]) -> None:
        """At least two national ideas that take votes and are not the reader's: one to open,
        one to vote for."""
        usable = [p for p in plans if self._usable(p)]
        for plan in plans:
            if len(usable) >= 2:
                return
            if plan not in usable:
                plan.region_id, plan.status, plan.decided = None, IdeaStatus.OPEN, None
                if plan.author == self.reader_id:
                    plan.author = self.admin_id
                usable.append(plan)

    def _usable(self, plan: IdeaPlan) -> bool:
        return plan.region_id is None and plan.status.takes_votes and plan.author != self.reader_id

    def _idea_row(self, plan: IdeaPlan) -> dict:
        source, html, _digest = self._body(opening=True)
        return {
            "title": plan.title,
            "author_id": plan.author,
            "region_id": plan.region_id,
            "status": plan.status,
            "fingerprint": posting.fingerprint(f"{plan.title}\n{source}"),
            "created_at": plan.created,
            "freshness": access.freshness(plan.created),
            "body_source": source,
            "body_html": html,
            "body_rules": richtext.RULES_VERSION,
        }

    def _audience(self, plan: IdeaPlan) -> Population:
        """Who may see the idea: everyone, or only its region's members when that region's
        forum is for them only (ideas follow the forums' rule)."""
        closed = {f.region_id for f in self.forums if f.restricted}
        return self.by_region[plan.region_id] if plan.region_id in closed else self.everyone

    def _votes_until(self, plan: IdeaPlan) -> datetime:
        return plan.decided if plan.status in CLOSED_STATUSES else self.now

    def _count_support(self, plans: list[IdeaPlan]) -> None:
        """Votes per idea on a long tail (each with its author's), capped at the members who
        could see it before its votes closed; comments follow the votes, loosely."""
        n, total = len(plans), self.sizes.votes
        caps = [self._audience(p).joined_by(self._votes_until(p)) for p in plans]
        floor = 1 if total >= n else 0
        weights = long_tail(self.rng, n, spread=1.2, tail=0.05)
        try:
            extra = spread(total - floor * n, weights, [cap - floor for cap in caps])
        except ValueError as exc:
            message = f"--votes: more than the members can give ({exc})."
            raise ValidationFailed({"votes": message}) from exc
        talk = [(k + 1) * self.rng.lognormvariate(0, 0.5) for k in extra]
        comments = spread(self.sizes.idea_comments, talk)
        for plan, votes, said in zip(plans, extra, comments, strict=True):
            plan.votes, plan.comments = floor + votes, said

    def _voters(self, plan: IdeaPlan) -> list[int]:
        """The author first, then others who could see the idea before its votes closed."""
        if not plan.votes:
            return []
        others = self._audience(plan).sample(self.rng, self._votes_until(plan), plan.votes + 1)
        return [plan.author, *[m for m in others if m != plan.author][: plan.votes - 1]]

    def _idea_targets(self, plans: list[IdeaPlan]) -> tuple[IdeaPlan, IdeaPlan]:
        """The idea page to load: a national idea with a conversation of typical length. The
        idea to vote for: another, of typical support, without the reader's vote (taken back
        if the dice gave it one), so the first vote of the benchmark counts."""
        usable = [p for p in plans if self._usable(p)]
        talked = sorted(p.comments for p in plans if p.comments) or [0]
        shown = min(usable, key=lambda p: (abs(p.comments - talked[len(talked) // 2]), p.id))
        backed = sorted(len(p.voters) for p in plans)
        voted = min(
            (p for p in usable if p is not shown),
            key=lambda p: (
                self.reader_id in p.voters,
                abs(len(p.voters) - backed[len(backed) // 2]),
                p.id,
            ),
        )
        if self.reader_id in voted.voters:
            voted.voters.remove(self.reader_id)
        return shown, voted

    def _vote_rows(self, plans: list[IdeaPlan]) -> Iterable[dict]:
        for plan in plans:
            until = self._votes_until(plan)
            for n, member in enumerate(plan.voters):
                when = plan.created
                if n:  # once the idea was there and the voter had joined; most soon after
                    when = min(until, max(plan.created, self.joined_at[member]))
                    when += (until - when) * self.rng.random() ** 2
                yield {"idea_id": plan.id, "member_id": member, "created_at": when}

    def _comment_rows(self, plans: list[IdeaPlan]) -> Iterable[dict]:
        """Comments in order, by members who could see the idea; a few removed by their
        authors (no text left, not counted), as ``idea_comments.remove`` leaves them."""
        rng = self.rng
        for plan in plans:
            audience, span = self._audience(plan), self.now - plan.created
            for when in sorted(plan.created + span * rng.random() for _ in range(plan.comments)):
                source, html, digest = self._body()
                removed = when + timedelta(days=1) if rng.random() < 0.03 else None
                if removed is not None and removed >= self.now:
                    removed = None
                yield {
                    "idea_id": plan.id,
                    "author_id": audience.pick(rng, when) or plan.author,
                    "created_at": when,
                    "fingerprint": digest,
                    "body_source": "" if removed else source,
                    "body_html": "" if removed else html,
                    "body_rules": richtext.RULES_VERSION,
                    "deleted_at": removed,
                }

    def _tag_links(self, plans: list[IdeaPlan]) -> Iterable[dict]:
        for plan in plans:
            k = min(len(self.tag_ids), self.rng.choice((0, 1, 1, 2)))
            for tag_id in self.rng.sample(self.tag_ids, k):
                yield {"idea_id": plan.id, "tag_id": tag_id}

    def _insert_status_changes(self, plans: list[IdeaPlan]) -> int:
        """Ideas that moved on, each with a national moderator's public response."""
        responses = {
            status: (source, richtext.render(source))
            for status, source in text.STATUS_RESPONSES.items()
        }
        rows = []
        for plan in plans:
            if plan.decided is None:
                continue
            source, html = responses[plan.status.value]
            rows.append(
                {
                    "idea_id": plan.id,
                    "changed_by_id": self.rng.choice(self.national_staff),
                    "from_status": IdeaStatus.OPEN,
                    "to_status": plan.status,
                    "created_at": plan.decided,
                    "body_source": source,
                    "body_html": html,
                    "body_rules": richtext.RULES_VERSION,
                }
            )
        self._insert(IdeaStatusChange, rows)
        return len(rows)

    # --- the targets -------------------------------------------------------------------------

    def _targets(self) -> dict:
        """The pages and writes for the load tool, with the app's own routes and page size."""
        typical, longest, replied = self.thread_targets
        last = forums_threads.last_page(db.session.get(Thread, longest.id))
        in_forum = Counter(p.forum for p in self.threads if p.forum.national)
        forum = max(in_forum, key=lambda f: (in_forum[f], -f.id))
        path = current_app.url_map.bind("localhost").build
        return {
            "pages": {
                "forum_index": path("pages.home"),
                "forum": path("forums.forum", {"slug": forum.slug}),
                "thread": path("forums.thread", {"thread_id": typical.id, "page": 1}),
                "thread_longest_first": path("forums.thread", {"thread_id": longest.id, "page": 1}),
                "thread_longest_last": path(
                    "forums.thread", {"thread_id": longest.id, "page": last}
                ),
                "ideas_trending": path("ideas.board", {"sort": "trending"}),
                "ideas_top": path("ideas.board", {"sort": "top"}),
                "idea": path("ideas.show", {"idea_id": self.idea_target.id}),
                # words every body is made of (benchdata_text.SENTENCES): many matches
                "search_one_word": path("search.results", {"q": "supervision"}),
                "search_three_words": path("search.results", {"q": "peer supervision team"}),
            },
            "writes": {
                "reply": {"url": path("forums.reply", {"thread_id": replied.id}), "field": "body"},
                "vote": {
                    "url": path("ideas.vote", {"idea_id": self.vote_target.id}),
                    "form": {"vote": "1"},
                    "htmx": True,
                },
            },
            "member": {"email": self.reader_email, "password": PASSWORD},
        }
