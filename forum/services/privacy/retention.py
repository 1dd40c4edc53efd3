"""How long the network keeps things, and the periodic clean-up that keeps to it.

Administrators set the times under *Admin → Privacy*; the privacy notice shows them.
``clean_up(now)`` (``flask --app forum privacy retention``, run daily) deletes:

- the application answers (organisation, reason, the moderator's message) of applicants
  turned down more than ``rejected_answers_days`` ago (90 by default); their email stays, so
  the same person is recognised if they apply again;
- on the embedded default, mail files under ``instance/mail/`` older than
  ``mail_files_days`` (30 by default), and, everywhere, sent mails in the outbox as old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from forum.extensions import db
from forum.models import Member, MemberStatus, OutboxMail, SiteSettings, utcnow
from forum.services import audit, database, site_settings
from forum.services.errors import ValidationFailed

LIMITS = {
    "rejected_answers_days": (1, 3650),
    "mail_files_days": (1, 3650),
    "erasure_cooling_days": (1, 60),
}


@dataclass(frozen=True)
class Cleaned:
    answers: int
    mail_files: int
    outbox: int


def clean_up(now: datetime | None = None) -> Cleaned:
    """Delete what the network keeps no longer (see the module docstring)."""
    now = now or utcnow()
    site = site_settings.required()
    answers = database.changed_rows(
        sa.update(Member)
        .where(
            Member.status == MemberStatus.REJECTED,
            Member.erased_at.is_(None),
            Member.decided_at < now - timedelta(days=site.rejected_answers_days),
            sa.or_(Member.organisation != "", Member.reason != "", Member.decision_message != ""),
        )
        .values(organisation="", reason="", decision_message="")
        .execution_options(synchronize_session=False)
    )
    mail_before = now - timedelta(days=site.mail_files_days)
    outbox = database.changed_rows(
        sa.delete(OutboxMail)
        .where(OutboxMail.sent_at.is_not(None), OutboxMail.sent_at < mail_before)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return Cleaned(answers, _delete_mail_files(mail_before), outbox)


def _delete_mail_files(before: datetime) -> int:
    folder = Path(current_app.instance_path) / "mail"
    if not folder.is_dir():
        return 0
    deleted = 0
    for path in folder.glob("*.eml"):
        if path.stat().st_mtime < before.timestamp():
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def update(
    actor: Member,
    *,
    rejected_answers_days: int | None,
    mail_files_days: int | None,
    erasure_cooling_days: int | None,
    erasure_may_remove_posts: bool,
) -> SiteSettings:
    """Save the privacy settings (each number within ``LIMITS``), recorded in the audit log."""
    values = {
        "rejected_answers_days": rejected_answers_days,
        "mail_files_days": mail_files_days,
        "erasure_cooling_days": erasure_cooling_days,
    }
    errors = {
        name: f"Choose a number of days from {low} to {high}."
        for name, value in values.items()
        for low, high in [LIMITS[name]]
        if value is None or not low <= value <= high
    }
    if errors:
        raise ValidationFailed(errors)
    site = site_settings.required()
    before = {name: getattr(site, name) for name in (*values, "erasure_may_remove_posts")}
    for name, value in values.items():
        setattr(site, name, value)
    site.erasure_may_remove_posts = erasure_may_remove_posts
    site.updated_at = utcnow()
    audit.record(
        actor,
        "privacy_settings.update",
        "settings",
        site.id,
        summary="the privacy settings",
        before=before,
        after={**values, "erasure_may_remove_posts": erasure_may_remove_posts},
    )
    db.session.commit()
    return site
