"""The network itself: first-run setup, settings, regions, roles and crisis contacts.

Every change an administrator makes here is recorded in the audit log (``actor`` is who made
it; None for the command line).
"""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata
from pathlib import Path

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app, g

from forum.config import secret_file
from forum.extensions import db
from forum.models import (
    CrisisContact,
    Member,
    MemberStatus,
    ModeratorRegion,
    Region,
    Role,
    SiteSettings,
    utcnow,
)
from forum.services import audit, content_warnings, passwords, richtext
from forum.services.errors import Conflict, NotFound, ValidationFailed

SETUP_TOKEN_FILE = "setup_token"  # noqa: S105 - a file name

DEFAULT_HOUSE_RULES = """\
- **Be kind.** Everyone here brings their own experience. Disagree with ideas, never with people.
- **Keep it here.** What members share stays in the network. Do not copy posts elsewhere.
- **Share what you choose.** Nobody has to tell their story. Use a content warning when a post
  touches on suicide, self-harm, abuse or other difficult things.
- **Look after yourself and each other.** This is peer support, not a crisis service. If you or
  someone else is at risk, use the "Need urgent help?" link at the top of every page.
- **Respect privacy.** Do not share other people's personal details or stories without consent.
- **No advertising.** Events and opportunities for peer workers are welcome; sales pitches are not.
"""

DEFAULT_PRIVACY_NOTICE = """\
**What we keep.** Your name, email address, region, role or organisation, your answers when you
applied, and what you post.

**Health information.** Posts may include information about your own mental or physical health.
This is special category data. We only process it because you explicitly agree to it when you
join, and only to run this network: to show your posts to other approved members. We never sell
it or share it outside the network.

**Who can see it.** Approved members only. Moderators can see hidden and removed posts in order
to keep the space safe.

**Your rights.** You can ask for a copy of your data, ask us to correct it, and withdraw your
consent and leave at any time by contacting the administrators.
"""

DEFAULT_CRISIS_CONTACTS = [
    ("Emergency services", "If someone's life is at risk right now, or you cannot keep yourself "
     "safe.", "999", "", ""),
    ("NHS 24", "Urgent help for your mental or physical health when your GP is closed. Free, "
     "24 hours a day.", "111", "", "https://www.nhs24.scot"),
    ("Samaritans", "Someone to talk to, whatever you are going through. Free, 24 hours a day, "
     "every day.", "116 123", "", "https://www.samaritans.org"),
    ("Breathing Space", "Free, confidential phone line for people in Scotland feeling low, "
     "stressed or anxious. Weekdays 6pm to 2am; weekends from 6pm Friday to 6am Monday.",
     "0800 83 85 87", "", "https://breathingspace.scot"),
    ("Shout", "Free, confidential text support, 24 hours a day. Text SHOUT to 85258.",
     "", "85258", "https://giveusashout.org"),
]  # fmt: skip


# --- settings -------------------------------------------------------------------------------


def settings() -> SiteSettings | None:
    """The network's settings, read once per request; None before setup."""
    if "site_settings" not in g:
        g.site_settings = db.session.get(SiteSettings, 1)
    return g.site_settings


def is_set_up() -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Member.role == Role.ADMIN))) or False


def _settings_state(site: SiteSettings) -> dict:
    return {
        "network_name": site.network_name,
        "house_rules_version": site.house_rules_version,
        "privacy_notice_version": site.privacy_notice_version,
    }


def update_settings(
    *, network_name: str, house_rules: str, privacy_notice: str, actor: Member | None = None
) -> SiteSettings:
    """Save the settings; a changed house rules or privacy notice text gets a new version."""
    site = settings()
    if site is None:
        raise NotFound("The network has not been set up yet.")
    before = _settings_state(site)
    site.network_name = _required(network_name, "network_name", 120)
    if house_rules != site.house_rules_source:
        site.house_rules_source = house_rules
        site.house_rules_html = richtext.render(house_rules)
        site.house_rules_version = _next_version(site.house_rules_version)
    if privacy_notice != site.privacy_notice_source:
        site.privacy_notice_source = privacy_notice
        site.privacy_notice_html = richtext.render(privacy_notice)
        site.privacy_notice_version = _next_version(site.privacy_notice_version)
    site.updated_at = utcnow()
    audit.record(
        actor,
        "settings.update",
        "settings",
        site.id,
        summary="the network's settings",
        before=before,
        after=_settings_state(site),
    )
    db.session.commit()
    return site


AUTO_HIDE_MAX = 50
HOLD_POSTS_MAX = 20


def update_moderation_settings(
    *, auto_hide_reports: int | None, hold_first_posts: int | None, actor: Member | None = None
) -> SiteSettings:
    """How many different members' reports hide content until a moderator looks (0: never),
    and how many of each member's first posts wait for approval (0: none)."""
    errors = {}
    if auto_hide_reports is None or not 0 <= auto_hide_reports <= AUTO_HIDE_MAX:
        errors["auto_hide_reports"] = f"Choose a number from 0 to {AUTO_HIDE_MAX}."
    if hold_first_posts is None or not 0 <= hold_first_posts <= HOLD_POSTS_MAX:
        errors["hold_first_posts"] = f"Choose a number from 0 to {HOLD_POSTS_MAX}."
    if errors:
        raise ValidationFailed(errors)
    site = settings()
    if site is None:
        raise NotFound("The network has not been set up yet.")
    before = {
        "auto_hide_reports": site.auto_hide_reports,
        "hold_first_posts": site.hold_first_posts,
    }
    site.auto_hide_reports, site.hold_first_posts = auto_hide_reports, hold_first_posts
    audit.record(
        actor,
        "moderation_settings.update",
        "settings",
        site.id,
        summary="the moderation settings",
        before=before,
        after={"auto_hide_reports": auto_hide_reports, "hold_first_posts": hold_first_posts},
    )
    site.updated_at = utcnow()
    db.session.commit()
    return site


def _next_version(version: str) -> str:
    return str(int(version) + 1) if version.isdigit() else f"{version}.1"


def _required(value: str, field: str, max_len: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationFailed({field: "This cannot be empty."})
    if len(value) > max_len:
        raise ValidationFailed({field: f"Use at most {max_len} characters."})
    return value


# --- first-run setup ------------------------------------------------------------------------


def setup_token() -> str:
    """The one-time setup token, made on first use and kept in instance/ until setup is done."""
    path = Path(current_app.instance_path) / SETUP_TOKEN_FILE
    return secret_file(path, lambda: secrets.token_urlsafe(24))


def announce_setup_token() -> None:
    """Print the setup link to the console, where only the person running the server sees it."""
    token = setup_token()
    print(
        "\n  This network has no administrator yet. Open this link to set it up:\n"
        f"    http://127.0.0.1:5000/setup?token={token}\n"
        f"  (setup token: {token})\n",
        flush=True,
    )


def check_setup_token(given: str) -> bool:
    return hmac.compare_digest((given or "").encode(), setup_token().encode())


def complete_setup(*, network_name: str, display_name: str, email: str, password: str) -> Member:
    """Create the network and its first administrator. Raises Conflict if already done."""
    if is_set_up():
        raise Conflict("This network is already set up.")
    from forum.services.membership import check_new_account

    name = _required(network_name, "network_name", 120)
    check_new_account(display_name=display_name, email=email, password=password)
    create_network(name)
    admin = create_admin(display_name=display_name, email=email, password=password, commit=False)
    db.session.commit()
    (Path(current_app.instance_path) / SETUP_TOKEN_FILE).unlink(missing_ok=True)
    return admin


def create_network(name: str) -> SiteSettings:
    """The settings row with the default house rules, privacy notice and crisis contacts."""
    site = settings() or SiteSettings(id=1)
    site.network_name = name
    if not site.house_rules_source:
        site.house_rules_source = DEFAULT_HOUSE_RULES
        site.house_rules_html = richtext.render(DEFAULT_HOUSE_RULES)
    if not site.privacy_notice_source:
        site.privacy_notice_source = DEFAULT_PRIVACY_NOTICE
        site.privacy_notice_html = richtext.render(DEFAULT_PRIVACY_NOTICE)
    db.session.add(site)
    g.site_settings = site
    seed_crisis_contacts()
    content_warnings.seed_defaults()
    return site


def create_admin(*, display_name: str, email: str, password: str, commit: bool = True) -> Member:
    """An active administrator (used by setup and by ``flask users create-admin``)."""
    from forum.services.membership import check_new_account  # one set of account rules

    email = check_new_account(display_name=display_name, email=email, password=password)
    admin = Member(
        email=email,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password),
        status=MemberStatus.ACTIVE,
        role=Role.ADMIN,
        decided_at=utcnow(),
    )
    db.session.add(admin)
    if commit:
        db.session.commit()
    return admin


def seed_crisis_contacts() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(CrisisContact)):
        return
    for pos, (name, description, phone, sms, url) in enumerate(DEFAULT_CRISIS_CONTACTS):
        db.session.add(
            CrisisContact(
                name=name, description=description, phone=phone, sms=sms, url=url, position=pos
            )
        )


# --- regions --------------------------------------------------------------------------------


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "region"


def regions(include_archived: bool = False) -> list[Region]:
    query = sa.select(Region).order_by(Region.position, Region.name)
    if not include_archived:
        query = query.where(Region.archived_at.is_(None))
    return list(db.session.scalars(query))


def save_region(name: str, region_id: int | None = None, actor: Member | None = None) -> Region:
    """Add a region (at the end of the list) or rename one. Names are unique.

    A new region gets its sub-forum in the same transaction; a renamed region's forum follows
    the new name unless an administrator gave the forum a name of its own.
    """
    from forum.services import forums

    name = _required(name, "name", 80)
    clash = db.session.scalar(
        sa.select(Region).where(sa.func.lower(Region.name) == name.lower(), Region.id != region_id)
    )
    if clash:
        raise ValidationFailed({"name": "There is already a region with this name."})
    if region_id is None:
        last = db.session.scalar(sa.select(sa.func.max(Region.position))) or 0
        region = Region(name=name, slug=_unique_slug(slugify(name)), position=last + 1)
        db.session.add(region)
        forums.create_region_forum(region)
        db.session.flush()
        audit.record(actor, "region.add", "region", region.id, summary=f"the region {name}")
    else:
        region = _region(region_id)
        old_name, region.name = region.name, name
        forums.region_renamed(region, old_name)
        audit.record(
            actor,
            "region.rename",
            "region",
            region.id,
            summary=f"the region {name}",
            before={"name": old_name},
            after={"name": name},
        )
    db.session.commit()
    return region


def _unique_slug(base: str) -> str:
    slug, n = base, 2
    while db.session.scalar(sa.select(sa.exists().where(Region.slug == slug))):
        slug, n = f"{base}-{n}", n + 1
    return slug


def _region(region_id: int) -> Region:
    region = db.session.get(Region, region_id)
    if region is None:
        raise NotFound("That region no longer exists.")
    return region


def set_region_archived(region_id: int, archived: bool, actor: Member | None = None) -> Region:
    """Archived regions are no longer offered to applicants; their members keep them.

    The region's forum is left as it is: its members still belong to the region, so they keep
    their forum. Administrators archive the forum separately when it should fall silent.
    """
    region = _region(region_id)
    before = {"archived": region.is_archived}
    region.archived_at = utcnow() if archived else None
    audit.record(
        actor,
        "region.archive" if archived else "region.restore",
        "region",
        region.id,
        summary=f"the region {region.name}",
        before=before,
        after={"archived": archived},
    )
    db.session.commit()
    return region


def move_region(region_id: int, step: int, actor: Member | None = None) -> None:
    """Move a region one place up (-1) or down (+1) in the list."""
    region = _region(region_id)
    audit.record(
        actor, "region.move", "region", region.id, summary=f"the region {region.name}",
        before={"position": region.position}, after={"step": step},
    )  # fmt: skip
    _move(regions(include_archived=True), region, step)


def _move(items: list, item, step: int) -> None:
    index = items.index(item)
    other = index + step
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for pos, each in enumerate(items):
        each.position = pos
    db.session.commit()


# --- roles ----------------------------------------------------------------------------------


def member_directory(query: str = "") -> sa.Select:
    """Active members, by name, optionally those whose name or email contains ``query``."""
    stmt = sa.select(Member).where(Member.status == MemberStatus.ACTIVE)
    if query:
        needle = query.lower()
        stmt = stmt.where(
            sa.or_(
                sa.func.lower(Member.display_name).contains(needle, autoescape=True),
                Member.email.contains(needle, autoescape=True),
            )
        )
    return stmt.order_by(Member.display_name, Member.id).options(
        so.selectinload(Member.moderated_regions)
    )


def set_role(member_id: int, role: Role, actor: Member | None = None) -> Member:
    """Promote or demote an active member. The last administrator cannot step down; a
    member no longer a moderator keeps no regions."""
    member = db.session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE:
        raise NotFound("Only active members can be given a role.")
    if member.role == Role.ADMIN and role != Role.ADMIN:
        admins = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Member)
            .where(Member.role == Role.ADMIN, Member.status == MemberStatus.ACTIVE)
        )
        if admins <= 1:
            raise Conflict("The network needs at least one administrator.")
    before = {"role": member.role.value}
    member.role = role
    if role == Role.MEMBER:
        db.session.execute(
            sa.delete(ModeratorRegion).where(ModeratorRegion.moderator_id == member.id)
        )
    audit.record(
        actor,
        "role.change",
        "member",
        member.id,
        summary=f"the member {member.display_name}",
        before=before,
        after={"role": role.value},
    )
    db.session.commit()
    return member


def set_moderator_regions(
    member_id: int, region_ids: list[int], actor: Member | None = None
) -> Member:
    """The regions a moderator looks after; none makes them a national moderator."""
    member = db.session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE or member.role != Role.MODERATOR:
        raise NotFound("Only moderators can be given regions.")
    wanted = set(region_ids)
    known = set(db.session.scalars(sa.select(Region.id).where(Region.id.in_(wanted))))
    if known != wanted:
        raise ValidationFailed({"regions": "Choose regions from the list."})
    link = ModeratorRegion
    before = sorted(
        db.session.scalars(sa.select(link.region_id).where(link.moderator_id == member.id))
    )
    db.session.execute(sa.delete(link).where(link.moderator_id == member.id))
    for region_id in sorted(wanted):
        db.session.add(link(moderator_id=member.id, region_id=region_id))
    audit.record(
        actor,
        "moderator.regions",
        "member",
        member.id,
        summary=f"the moderator {member.display_name}",
        before={"regions": before},
        after={"regions": sorted(wanted)},
    )
    db.session.commit()
    db.session.expire(member)
    return member


# --- crisis contacts ------------------------------------------------------------------------


def crisis_contacts() -> list[CrisisContact]:
    return list(db.session.scalars(sa.select(CrisisContact).order_by(CrisisContact.position)))


def _contact_state(contact: CrisisContact) -> dict:
    return {k: getattr(contact, k) for k in ("name", "description", "phone", "sms", "url")}


def save_crisis_contact(
    contact_id: int | None, actor: Member | None = None, **fields: str
) -> CrisisContact:
    """Add or edit a contact; it needs a name and at least one way to reach it."""
    fields = {k: (v or "").strip() for k, v in fields.items()}
    if not fields.get("name"):
        raise ValidationFailed({"name": "Give the service a name."})
    if not (fields.get("phone") or fields.get("sms") or fields.get("url")):
        raise ValidationFailed({"phone": "Add a phone number, a text number or a website."})
    url = fields.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        raise ValidationFailed({"url": "A website address starts with https://"})
    before = None
    if contact_id is None:
        last = db.session.scalar(sa.select(sa.func.max(CrisisContact.position)))
        contact = CrisisContact(position=(last or 0) + 1)
        db.session.add(contact)
    else:
        contact = crisis_contact(contact_id)
        before = _contact_state(contact)
    for key, value in fields.items():
        setattr(contact, key, value)
    db.session.flush()
    audit.record(
        actor,
        "crisis_contact.add" if before is None else "crisis_contact.edit",
        "crisis_contact",
        contact.id,
        summary=f"the crisis contact {contact.name}",
        before=before,
        after=_contact_state(contact),
    )
    db.session.commit()
    return contact


def crisis_contact(contact_id: int) -> CrisisContact:
    contact = db.session.get(CrisisContact, contact_id)
    if contact is None:
        raise NotFound("That contact no longer exists.")
    return contact


def delete_crisis_contact(contact_id: int, actor: Member | None = None) -> None:
    contact = crisis_contact(contact_id)
    audit.record(
        actor,
        "crisis_contact.delete",
        "crisis_contact",
        contact.id,
        summary=f"the crisis contact {contact.name}",
        before=_contact_state(contact),
    )
    db.session.delete(contact)
    db.session.commit()


def move_crisis_contact(contact_id: int, step: int, actor: Member | None = None) -> None:
    contact = crisis_contact(contact_id)
    audit.record(
        actor, "crisis_contact.move", "crisis_contact", contact.id,
        summary=f"the crisis contact {contact.name}",
        before={"position": contact.position}, after={"step": step},
    )  # fmt: skip
    _move(crisis_contacts(), contact, step)
