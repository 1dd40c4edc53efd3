"""Crisis contacts: the places to turn to in a crisis, shown on the "Need urgent help?" page.

Administrators keep the list; every change is recorded in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    CrisisContact,
    Member,
)
from forum.services import audit, ordering
from forum.services.errors import NotFound, ValidationFailed

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


def seed_crisis_contacts() -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(CrisisContact)):
        return
    for pos, (name, description, phone, sms, url) in enumerate(DEFAULT_CRISIS_CONTACTS):
        db.session.add(
            CrisisContact(
                name=name, description=description, phone=phone, sms=sms, url=url, position=pos
            )
        )


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
    ordering.move(crisis_contacts(), contact, step)
    db.session.commit()
