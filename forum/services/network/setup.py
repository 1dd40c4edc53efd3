"""First-run setup: the network, its default texts, crisis contacts and content warnings, and
its first administrator (also ``flask users create-admin``).
"""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, g

from forum import richtext
from forum.config import secret_file
from forum.extensions import db
from forum.models import (
    Member,
    MemberStatus,
    Role,
    SiteSettings,
    utcnow,
)
from forum.services import passwords, site_settings
from forum.services.errors import Conflict, required_text
from forum.services.forums import content_warnings
from forum.services.forums import manage as forums_manage
from forum.services.network import crisis_contacts
from forum.services.people import membership

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


def is_set_up() -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Member.role == Role.ADMIN))) or False


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
    name = required_text(network_name, "network_name", 120)
    membership.check_new_account(display_name=display_name, email=email, password=password)
    create_network(name)
    admin = create_admin(display_name=display_name, email=email, password=password, commit=False)
    db.session.commit()
    (Path(current_app.instance_path) / SETUP_TOKEN_FILE).unlink(missing_ok=True)
    return admin


def create_network(name: str) -> SiteSettings:
    """The settings row with the default house rules, privacy notice and crisis contacts."""
    site = site_settings.settings() or SiteSettings(id=1)
    site.network_name = name
    if not site.house_rules_source:
        site.house_rules_source = DEFAULT_HOUSE_RULES
        site.house_rules_html = richtext.render(DEFAULT_HOUSE_RULES)
    if not site.privacy_notice_source:
        site.privacy_notice_source = DEFAULT_PRIVACY_NOTICE
        site.privacy_notice_html = richtext.render(DEFAULT_PRIVACY_NOTICE)
    db.session.add(site)
    g.site_settings = site
    crisis_contacts.seed_crisis_contacts()
    content_warnings.seed_defaults()
    forums_manage.ensure_moderators_room()
    return site


def create_admin(*, display_name: str, email: str, password: str, commit: bool = True) -> Member:
    """An active administrator (used by setup and by ``flask users create-admin``)."""
    email = membership.check_new_account(display_name=display_name, email=email, password=password)
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
