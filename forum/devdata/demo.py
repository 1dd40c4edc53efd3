"""Believable demo content for trying the app: ``flask --app forum seed-demo``.

Demo people all have addresses at ``demo.example.org`` and share one password. The command
refuses to run when the database holds anyone else, so it can never mix with real members.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from forum.devdata import demo_events, demo_forums, demo_ideas, demo_moderation
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
from forum.services import ordering, passwords
from forum.services.errors import Conflict
from forum.services.forums import manage
from forum.services.network import regions as network_regions
from forum.services.network import setup
from forum.services.search_index import documents as search_documents

DEMO_DOMAIN = "demo.example.org"
DEMO_PASSWORD = "calm harbour lantern 2026"  # noqa: S105 - demo accounts only
NETWORK_NAME = "National Peer Network (demo)"

# Scotland's NHS health board areas, the regions the network's members come from.
REGIONS = [
    "Ayrshire and Arran", "Borders", "Dumfries and Galloway", "Fife", "Forth Valley",
    "Grampian", "Greater Glasgow and Clyde", "Highland", "Lanarkshire", "Lothian", "Orkney",
    "Shetland", "Tayside", "Western Isles",
]  # fmt: skip

# (name, email local part, region, role or organisation, status, role)
PEOPLE = [
    ("Morag", "morag", "Lothian", "Network coordinator", MemberStatus.ACTIVE, Role.ADMIN),
    ("Kenny", "kenny", "Greater Glasgow and Clyde", "Peer practitioner, volunteer moderator",
     MemberStatus.ACTIVE, Role.MODERATOR),
    ("Isla", "isla", "Highland", "Peer support worker, Highland Recovery Hub",
     MemberStatus.ACTIVE, Role.MODERATOR),
    ("Ahmed", "ahmed", "Greater Glasgow and Clyde", "Peer worker, community mental health team",
     MemberStatus.ACTIVE, Role.MEMBER),
    ("Fiona", "fiona", "Tayside", "Service manager", MemberStatus.ACTIVE, Role.MEMBER),
    ("Callum", "callum", "Fife", "Volunteer peer supporter", MemberStatus.ACTIVE, Role.MEMBER),
    ("Rhona", "rhona", "Western Isles", "Peer researcher", MemberStatus.ACTIVE, Role.MEMBER),
    ("Jo", "jo", "Borders", "Peer supporter, recovery college", MemberStatus.ACTIVE, Role.MEMBER),
    ("Priya", "priya", "Lanarkshire", "Student peer worker", MemberStatus.PENDING, Role.MEMBER),
    ("Stuart", "stuart", "Grampian", "Carer and volunteer", MemberStatus.PENDING, Role.MEMBER),
    ("Eilidh", "eilidh", "Orkney", "Youth peer worker", MemberStatus.PENDING, Role.MEMBER),
    ("Gordon", "gordon", "Forth Valley", "Sales, wellbeing products", MemberStatus.REJECTED,
     Role.MEMBER),
    ("Sandy", "sandy", "Ayrshire and Arran", "Peer volunteer", MemberStatus.SUSPENDED,
     Role.MEMBER),
]  # fmt: skip

REASONS = {
    "priya": "I am starting a peer work placement and would love to learn from people who have "
    "been doing this for years.",
    "stuart": "I support my brother and volunteer at a drop-in. I want to hear how other peer "
    "supporters look after themselves.",
    "eilidh": "There are only two of us doing peer work on the islands. It would be good to "
    "feel part of something bigger.",
    "gordon": "I would like to tell members about our wellbeing supplements.",
}


def _email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def check_empty() -> None:
    """Refuse when anyone who is not a demo person exists, or when the demo is already there."""
    others = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Member)
        .where(sa.not_(Member.email.endswith("@" + DEMO_DOMAIN)))
    )
    if others:
        raise Conflict(
            "This database has real members, so the demo data was not added. "
            "Use an empty database (for example FORUM_DATABASE_URL=sqlite:///demo.db)."
        )
    if db.session.scalar(sa.select(sa.func.count()).select_from(Member)):
        raise Conflict("The demo data is already here.")


def seed() -> list[tuple[str, str, str]]:
    """Create the demo network; returns (who, email, password) for each account to try."""
    check_empty()
    _network()
    regions = {r.name: r for r in network_regions.regions(include_archived=True)}
    members = _people(regions)
    demo_forums.seed_forums(members)
    demo_ideas.seed(members, regions)
    demo_moderation.seed(members)
    demo_events.seed(members, regions)  # gatherings (issue 14)
    search_documents.rebuild()  # the demo's rows went in directly, not through the services
    db.session.commit()
    labels = {Role.ADMIN: "administrator", Role.MODERATOR: "moderator", Role.MEMBER: "member"}
    return [(_label(m, labels), m.email, DEMO_PASSWORD) for m in members]


def _label(member: Member, labels: dict) -> str:
    """ "Isla (moderator, Highland)", "Priya (pending)"."""
    what = labels[member.role] if member.is_member else member.status.value
    regions = ", ".join(r.name for r in member.moderated_regions) if member.is_moderator else ""
    return f"{member.display_name} ({what}{', ' + regions if regions else ''})"


def _network() -> None:
    setup.create_network(NETWORK_NAME)
    existing = {r.name for r in network_regions.regions(include_archived=True)}
    for position, name in enumerate(REGIONS):
        if name not in existing:
            db.session.add(Region(name=name, slug=ordering.slugify(name), position=position))
    db.session.flush()
    manage.ensure_region_forums()


def _people(regions: dict[str, Region]) -> list[Member]:
    password_hash = passwords.hash_password(DEMO_PASSWORD)
    now = utcnow()
    members = []
    for days_ago, (name, local, region, organisation, status, role) in enumerate(reversed(PEOPLE)):
        if status in (MemberStatus.PENDING, MemberStatus.REJECTED):  # recent applications
            joined = now - timedelta(days=3 * days_ago + 1, hours=days_ago)
        else:  # the network's first members, long before its ideas clinic and forums
            joined = now - timedelta(days=200 + 12 * days_ago, hours=days_ago)
        member = Member(
            email=_email(local),
            display_name=name,
            password_hash=password_hash,
            region_id=regions[region].id,
            organisation=organisation,
            reason=REASONS.get(local, "To share ideas with peer supporters across Scotland."),
            status=status,
            role=role,
            created_at=joined,
            decided_at=None if status == MemberStatus.PENDING else joined + timedelta(hours=20),
        )
        if status == MemberStatus.REJECTED:
            member.decision_message = "This network is for peer supporters; we do not allow "
            member.decision_message += "advertising. Thank you for understanding."
        if status == MemberStatus.SUSPENDED:
            member.suspended_until = now + timedelta(days=6)
            member.suspension_reason = "Repeated unkind replies after a warning. Take a week out."
        member.consents = [
            Consent(kind=ConsentKind.HOUSE_RULES, document_version="1", given_at=joined),
            Consent(kind=ConsentKind.HEALTH_DATA, document_version="1", given_at=joined),
        ]
        db.session.add(member)
        members.append(member)
    db.session.flush()
    return list(reversed(members))
