"""The network's settings row: read once per request by every area, changed by administrators.

Every change is recorded in the audit log (``actor`` is who made it; None for the command line).
"""

from __future__ import annotations

from flask import g

from forum import richtext
from forum.extensions import db
from forum.models import (
    Member,
    SiteSettings,
    utcnow,
)
from forum.services import audit
from forum.services.errors import NotFound, ValidationFailed, required_text


def settings() -> SiteSettings | None:
    """The network's settings, read once per request; None before setup."""
    if "site_settings" not in g:
        g.site_settings = db.session.get(SiteSettings, 1)
    return g.site_settings


def required() -> SiteSettings:
    """The network's settings; NotFound before setup."""
    site = settings()
    if site is None:
        raise NotFound("The network has not been set up yet.")
    return site


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
    site = required()
    before = _settings_state(site)
    site.network_name = required_text(network_name, "network_name", 120)
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
    *,
    auto_hide_reports: int | None,
    hold_first_posts: int | None,
    earlier_versions_public: bool | None = None,
    reports_alert_count: int | None = None,
    hold_outside_hours: bool | None = None,
    actor: Member | None = None,
) -> SiteSettings:
    """How many different members' reports hide content until a moderator looks (0: never),
    how many of each member's first posts wait for approval (0: none), and (each unless None)
    whether members may read the earlier versions of others' posts, how many reports of one
    member in a day alert the moderators (0: never), and whether new members' posts wait for
    approval outside the cover hours."""
    errors = {}
    if reports_alert_count is not None and not 0 <= reports_alert_count <= AUTO_HIDE_MAX:
        errors["reports_alert_count"] = f"Choose a number from 0 to {AUTO_HIDE_MAX}."
    if auto_hide_reports is None or not 0 <= auto_hide_reports <= AUTO_HIDE_MAX:
        errors["auto_hide_reports"] = f"Choose a number from 0 to {AUTO_HIDE_MAX}."
    if hold_first_posts is None or not 0 <= hold_first_posts <= HOLD_POSTS_MAX:
        errors["hold_first_posts"] = f"Choose a number from 0 to {HOLD_POSTS_MAX}."
    if errors or auto_hide_reports is None or hold_first_posts is None:
        raise ValidationFailed(errors)
    site = required()
    before = {
        "auto_hide_reports": site.auto_hide_reports,
        "hold_first_posts": site.hold_first_posts,
        "earlier_versions_public": site.earlier_versions_public,
    }
    later = {"reports_alert_count": reports_alert_count, "hold_outside_hours": hold_outside_hours}
    changed = {k: v for k, v in later.items() if v is not None and v != getattr(site, k)}
    before |= {k: getattr(site, k) for k in changed}  # the newer settings: when they change
    site.auto_hide_reports, site.hold_first_posts = auto_hide_reports, hold_first_posts
    if earlier_versions_public is not None:
        site.earlier_versions_public = earlier_versions_public
    for name, value in changed.items():
        setattr(site, name, value)
    audit.record(
        actor,
        "moderation_settings.update",
        "settings",
        site.id,
        summary="the moderation settings",
        before=before,
        after={
            "auto_hide_reports": auto_hide_reports,
            "hold_first_posts": hold_first_posts,
            "earlier_versions_public": site.earlier_versions_public,
            **changed,
        },
    )
    site.updated_at = utcnow()
    db.session.commit()
    return site


MODERATED_HOURS_MAX = 200


def update_moderated_hours(text: str | None, *, actor: Member | None = None) -> SiteSettings:
    """Say when moderators are around ("Mon-Fri 9:00-21:00"; empty: not said), shown beside
    the crisis contacts and in the footer; audited, commits. ValidationFailed on
    ``moderated_hours`` when longer than 200 characters."""
    hours = " ".join((text or "").replace("\x00", "").split())
    if len(hours) > MODERATED_HOURS_MAX:
        raise ValidationFailed({"moderated_hours": f"Keep it to {MODERATED_HOURS_MAX} characters."})
    site = required()
    before = {"moderated_hours": site.moderated_hours}
    site.moderated_hours = hours
    audit.record(
        actor,
        "moderated_hours.update",
        "settings",
        site.id,
        summary="the moderated hours",
        before=before,
        after={"moderated_hours": hours},
    )
    site.updated_at = utcnow()
    db.session.commit()
    return site


def _next_version(version: str) -> str:
    return str(int(version) + 1) if version.isdigit() else f"{version}.1"
