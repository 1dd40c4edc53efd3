"""Make things for tests: the network, and people in every state. Call inside an app context."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Consent,
    ConsentKind,
    Idea,
    IdeaStatus,
    IdeaTag,
    IdeaVote,
    Member,
    MemberStatus,
    Region,
    Role,
    utcnow,
)
from forum.services import ideas, passwords, site

PASSWORD = "correct horse battery staple"
REGIONS = ("Lothian", "Highland", "Greater Glasgow and Clyde")
_numbers = itertools.count(1)


def network(name: str = "Test Peer Network") -> None:
    """Site settings, three regions and the default crisis contacts."""
    site.create_network(name)
    for position, region in enumerate(REGIONS):
        db.session.add(Region(name=region, slug=site.slugify(region), position=position))
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
    **fields,
) -> Member:
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
    db.session.commit()
    db.session.refresh(person)
    db.session.expunge(person)
    return person


# --- the ideas clinic ------------------------------------------------------------------------


def tag(name: str = "events") -> IdeaTag:
    found = db.session.scalar(sa.select(IdeaTag).where(IdeaTag.name == name))
    if found is None:
        found = IdeaTag(name=name, slug=site.slugify(name))
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
        freshness=ideas.freshness(when),
        tags=[tag(name) for name in tags],
    )
    made.set_body(description)
    db.session.add(made)
    db.session.flush()
    ideas.index_title(made)
    for voter in (author,) if voters is None else voters:
        db.session.add(IdeaVote(idea_id=made.id, member_id=voter.id))
    db.session.flush()
    ideas.recount([made.id])
    db.session.commit()
    db.session.refresh(made)
    db.session.expunge(made)
    return made
