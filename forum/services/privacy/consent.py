"""Consent to health data, withdrawn and given again.

Members share lived experience of health here under their explicit consent (UK GDPR
Article 9). Withdrawing it means, on this network: **they can still read, but no longer post**
(threads, replies, ideas, comments), because every forum is a place where health information is
shared; what they already wrote stays unless they erase their account. It is recorded with
its time on the consent itself, and only consenting again (to the current privacy notice)
undoes it. ``posting.check_rate`` refuses their posts while ``health_consent_withdrawn_at``
is set.
"""

from __future__ import annotations

from forum.extensions import db
from forum.models import Consent, ConsentKind, Member, utcnow
from forum.services import site_settings
from forum.services.errors import Conflict


def withdraw(member: Member) -> Member:
    """Withdraw the member's consent to health data now (Conflict when it is already)."""
    person = db.session.get(Member, member.id) or member
    if person.health_consent_withdrawn_at is not None:
        raise Conflict("You have already withdrawn your consent.")
    now = utcnow()
    for consent in person.consents:
        if consent.kind == ConsentKind.HEALTH_DATA and consent.withdrawn_at is None:
            consent.withdrawn_at = now
    person.health_consent_withdrawn_at = now
    db.session.commit()
    return person


def give(member: Member) -> Member:
    """Consent again, to the privacy notice as it is now (Conflict when consent stands)."""
    person = db.session.get(Member, member.id) or member
    if person.health_consent_withdrawn_at is None and person.has_health_consent:
        raise Conflict("Your consent already stands.")
    version = site_settings.required().privacy_notice_version
    person.consents.append(
        Consent(kind=ConsentKind.HEALTH_DATA, document_version=version, given_at=utcnow())
    )
    person.health_consent_withdrawn_at = None
    db.session.commit()
    return person
