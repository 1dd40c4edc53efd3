"""Make things for tests: the network, and people in every state. Call inside an app context."""

from __future__ import annotations

import itertools
from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Consent,
    ConsentKind,
    Member,
    MemberStatus,
    Region,
    Role,
    utcnow,
)
from forum.services import forums, passwords, site

PASSWORD = "correct horse battery staple"
REGIONS = ("Lothian", "Highland", "Greater Glasgow and Clyde")
_numbers = itertools.count(1)


def network(name: str = "Test Peer Network") -> None:
    """Site settings, three regions (each with its forum), the default crisis contacts and
    content warnings."""
    site.create_network(name)
    for position, region in enumerate(REGIONS):
        db.session.add(Region(name=region, slug=site.slugify(region), position=position))
    forums.ensure_region_forums()
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
