"""Make things for tests: the network, and people in every state. Call inside an app context."""

from __future__ import annotations

import itertools
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from forum.extensions import db
from forum.models import (
    Consent,
    ConsentKind,
    Forum,
    ForumAudience,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaTag,
    IdeaVote,
    Member,
    MemberStatus,
    ModeratorRegion,
    Post,
    Region,
    Role,
    Thread,
    utcnow,
)
from forum.services import ordering, passwords
from forum.services.forums import content_warnings, manage, threads
from forum.services.ideas import access, board
from forum.services.moderation import actions, reports
from forum.services.network import setup
from forum.services.search_index import documents as search_index

PASSWORD = "correct horse battery staple"
REGIONS = ("Lothian", "Highland", "Greater Glasgow and Clyde")
_numbers = itertools.count(1)


def network(name: str = "Test Peer Network") -> None:
    """Site settings, three regions (each with its forum), the default crisis contacts and
    content warnings."""
    setup.create_network(name)
    for position, region in enumerate(REGIONS):
        db.session.add(Region(name=region, slug=ordering.slugify(region), position=position))
    manage.ensure_region_forums()
    db.session.commit()


def region(name: str = "Lothian") -> Region:
    return db.session.scalar(sa.select(Region).where(Region.name == name))


def member(
    *,
    display_name: str | None = None,
    email: str | None = None,
    status: str = "active",
    role: str = "member",
    region_name: str | None = "Lothian",
    password: str = PASSWORD,
    moderates: tuple[str, ...] = (),
    **fields,
) -> Member:
    """A person; ``moderates`` names the regions of a regional moderator."""
    n = next(_numbers)
    person = Member(
        email=email or f"person{n}@example.org",
        display_name=display_name or f"Person {n}",
        password_hash=passwords.hash_password(password),
        region_id=region(region_name).id if region_name else None,
        organisation=fields.pop("organisation", "Peer supporter"),
        reason=fields.pop("reason", "To share ideas."),
        status=MemberStatus(status),
        role=Role(role),
        **fields,
    )
    if person.status == MemberStatus.SUSPENDED and "suspended_until" not in fields:
        person.suspended_until = utcnow() + timedelta(days=7)
    person.consents = [
        Consent(kind=ConsentKind.HOUSE_RULES, document_version="1"),
        Consent(kind=ConsentKind.HEALTH_DATA, document_version="1"),
    ]
    db.session.add(person)
    db.session.flush()
    for name in moderates:
        db.session.add(ModeratorRegion(moderator_id=person.id, region_id=region(name).id))
    db.session.commit()
    db.session.refresh(person)
    person.moderated_regions  # loaded now: the member is used outside this session  # noqa: B018
    db.session.expunge(person)
    return person


# --- the ideas clinic ------------------------------------------------------------------------


def tag(name: str = "events") -> IdeaTag:
    found = db.session.scalar(sa.select(IdeaTag).where(IdeaTag.name == name))
    if found is None:
        found = IdeaTag(name=name, slug=ordering.slugify(name))
        db.session.add(found)
        db.session.commit()
    return found


def idea(
    author: Member,
    title: str | None = None,
    description: str = "It would help peer supporters to meet more often.",
    *,
    region_name: str | None = None,
    status: str = "open",
    voters: tuple[Member, ...] | None = None,
    tags: tuple[str, ...] = (),
    created_at=None,
) -> Idea:
    """An idea saved directly (no posting limits), with votes from ``voters`` (default: its
    author, as when submitted) and counts that match its rows."""
    when = created_at or utcnow()
    made = Idea(
        title=title or f"Idea number {next(_numbers)}",
        author_id=author.id,
        region_id=region(region_name).id if region_name else None,
        status=IdeaStatus(status),
        created_at=when,
        freshness=access.freshness(when),
        tags=[tag(name) for name in tags],
    )
    made.set_body(description)
    db.session.add(made)
    db.session.flush()
    board.index_title(made)
    search_index.index(made)
    for voter in (author,) if voters is None else voters:
        db.session.add(IdeaVote(idea_id=made.id, member_id=voter.id))
    db.session.flush()
    access.recount([made.id])
    db.session.commit()
    db.session.refresh(made)
    db.session.expunge(made)
    return made


def comment(author: Member, idea_id: int, body: str = "I like this.") -> IdeaComment:
    """A comment saved directly (no posting limits), counted on its idea."""
    made = IdeaComment(idea_id=idea_id, author_id=author.id, created_at=utcnow())
    made.set_body(body)
    db.session.add(made)
    db.session.flush()
    search_index.index(made)
    access.recount([idea_id])
    db.session.commit()
    db.session.refresh(made)
    db.session.expunge(made)
    return made


# --- forums, threads and posts ---------------------------------------------------------------


@contextmanager
def _without_rate_limits():
    config = current_app.config
    before, config["RATELIMIT_ENABLED"] = config["RATELIMIT_ENABLED"], False
    try:
        yield
    finally:
        config["RATELIMIT_ENABLED"] = before


def forum(
    name: str = "Introductions", *, region_name: str | None = None, audience: str = "everyone"
) -> Forum:
    """A national forum, or (with ``region_name``) that region's own forum, set to ``audience``."""
    if region_name:
        found = db.session.scalar(sa.select(Forum).where(Forum.region_id == region(region_name).id))
        found.audience = ForumAudience(audience)
        db.session.commit()
    else:
        found = db.session.scalar(sa.select(Forum).where(Forum.name == name))
        found = found or manage.save_forum(name=name, description=f"About {name.lower()}.")
    db.session.refresh(found)
    return found


def thread(
    author: Member,
    forum_slug: str = "introductions",
    *,
    title: str | None = None,
    body: str | None = None,
    warnings: tuple[str, ...] = (),
    note: str = "",
    replies: list[tuple[Member, str]] = (),
) -> Thread:
    """A thread started through the posting service (rate limits aside), with its replies."""
    if forum_slug == "introductions":
        forum("Introductions")
    ids = [w.id for w in content_warnings.all_warnings() if w.name in warnings]
    with _without_rate_limits():
        started = threads.start_thread(
            author,
            forum_slug,
            title=title or f"Thread {next(_numbers)}",
            body=body or f"Hello everyone, this is post {next(_numbers)}.",
            warning_ids=ids,
            warning_note=note,
        )
        thread_id = started.id
        for who, text in replies:
            threads.reply(who, thread_id, body=text)
    made = db.session.get(Thread, thread_id)
    db.session.expunge(made)
    return made


def reply(author: Member, thread_id: int, body: str, warnings: tuple[str, ...] = ()) -> Post:
    ids = [w.id for w in content_warnings.all_warnings() if w.name in warnings]
    with _without_rate_limits():
        return threads.reply(author, thread_id, body=body, warning_ids=ids)


def many_replies(thread_id: int, author: Member, count: int) -> None:
    """``count`` replies in one bulk insert, counters moved to match (for big threads)."""
    now = utcnow()
    html = "<p>A reply</p>"
    db.session.execute(
        sa.insert(Post),
        [
            {"thread_id": thread_id, "author_id": author.id, "created_at": now,
             "body_source": f"A reply {n}", "body_html": html, "body_rules": 2,
             "fingerprint": f"{n}", "warning_note": ""}
            for n in range(count)
        ],
    )  # fmt: skip
    manage.recount()
    db.session.commit()


# --- moderation ------------------------------------------------------------------------------


def report(reporter: Member, kind: str, target_id: int, reason: str = "unkind", note: str = ""):
    """A report sent through the reporting service (needs a request context)."""

    return reports.submit(reporter, kind, target_id, reason=reason, note=note)


def act(moderator: Member, kind: str, target_id: int, action: str, **params):
    """A moderator's action through the service (needs a request context)."""

    case = params.pop("case", None)
    return actions.act(moderator, kind, target_id, action, params, case_id=case)


def open_case(kind: str, target_id: int):
    from forum.models import ModerationCase

    return db.session.scalar(
        sa.select(ModerationCase).where(
            ModerationCase.target_kind == kind, ModerationCase.target_id == target_id
        )
    )
