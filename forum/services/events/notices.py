"""What an event tells the people booked on it: the reminders (a day and an hour before), and a
change, a cancellation or a place freed for them on the waiting list.

Each goes on the bell (a notification about the event) and by mail, in the transaction of
what caused it. Both follow the member's choices under *Account → Notifications*: a kind
switched off there sends neither; a member who chose no email at all gets the bell only.
The organisers' own messages to everyone booked are mail only (``organising``): the message
is the mail.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from forum.models import (
    EmailMode,
    Event,
    Member,
    MemberStatus,
    Notification,
)
from forum.services import mail as outbox
from forum.services.events import access
from forum.services.notifications import inbox, kinds, mailing

REMINDER_DAY, REMINDER_HOUR, UPDATE = "event_reminder_day", "event_reminder_hour", "event_update"

# The mail template of each notice, and the kind of notification that carries it.
KIND_OF = {
    "event_reminder:day": REMINDER_DAY,
    "event_reminder:hour": REMINDER_HOUR,
    "event_changed": UPDATE,
    "event_cancelled": UPDATE,
    "event_promoted": UPDATE,
}
LINES = {
    "event_reminder": "Reminder: “{title}” starts soon",
    "event_changed": "The organisers changed “{title}”",
    "event_cancelled": "“{title}” was cancelled",
    "event_promoted": "A place freed up at “{title}”: it is yours",
}


def tell(member: Member, event: Event, template: str, key: str, **context) -> None:
    """Tell ``member`` about ``event`` on the bell and by mail (``template`` is the mail's:
    ``event_changed``…); ``key`` makes telling twice about the same thing harmless. The
    caller commits."""
    if not _may_hear(member, event):
        return
    kind = KIND_OF[f"{template}:{context['kind']}" if template == "event_reminder" else template]
    inbox.notify(member.id, kind, f"{template}:{key}"[:160], event_id=event.id)
    if kind in inbox.switched_off(member) or mailing.mode_of(member) == EmailMode.NEVER:
        return
    _queue(member, event, template, **context)


def mail(member: Member, event: Event, template: str, **context) -> None:
    """A mail alone to one member about ``event`` (an organiser's message). The caller commits."""
    if _may_hear(member, event):
        _queue(member, event, template, **context)


def _may_hear(member: Member, event: Event) -> bool:
    return member.status == MemberStatus.ACTIVE and access.may_hear_event(member, str(event.id))


def _queue(member: Member, event: Event, template: str, **context) -> None:
    outbox.queue(
        member.email,
        template,
        member=member,
        event=event,
        event_url=url_for("events.show", event_id=event.id, _external=True),
        **context,
    )


def _shown(member: Member) -> sa.ColumnElement[bool]:
    # asked of each notification's own event (see forums.threads._reply_shown)
    visible = sa.select(Event.id).where(Event.id == Notification.event_id)
    return visible.where(access.visible_clause(member)).exists()


def _describe(group: kinds.Group) -> tuple[str, str]:
    latest = group.latest
    title = latest.event.title if latest.event else "an event"
    line = LINES.get(latest.key.split(":", 1)[0], "News of “{title}”")
    return line.format(title=title), url_for("events.show", event_id=latest.event_id)


def register_notifications() -> None:
    """The kinds of notification this area sends (called by the app factory)."""
    for name, label in (
        (REMINDER_DAY, "A reminder a day before an event I booked"),
        (REMINDER_HOUR, "A reminder an hour before an event I booked"),
        (UPDATE, "Changes, cancellations and a place freed for me at events I booked"),
    ):
        kinds.register(kinds.Kind(name, label, _shown, _describe, about="event_id"))
