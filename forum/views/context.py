"""What every template can use: the network's name, the signed-in member, small helpers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, url_for
from flask_login import current_user

from forum.models import utcnow
from forum.services import scope, site_settings
from forum.services.forums import manage as forums_manage
from forum.services.moderation import review_queue
from forum.services.network import crisis_contacts
from forum.services.notifications import inbox
from forum.services.safety import cover_hours
from forum.views import fragments


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.add_template_filter(_when, "when")
    app.add_template_filter(_iso, "iso")
    app.add_template_filter(_day, "day")
    app.add_template_filter(_capitalize_first, "capitalize_first")
    # Rules the templates ask, from the services that own them (templates never restate them).
    app.add_template_global(scope.sees_hidden, "sees_hidden")
    app.add_template_global(_notification_count, "notification_count")
    app.add_template_global(_discuss_url, "discuss_url")
    # The places to turn to in a crisis, as administrators keep them (pages and mails alike).
    app.add_template_global(crisis_contacts.crisis_contacts, "crisis_contacts")
    # Whether moderators are around now for the reader's region, and when they will be back.
    app.add_template_global(_moderators_cover, "moderators_cover")
    # A post, rendered once for every reader who sees it the same way; "Message" on a post:
    # whom the reader may message, asked once for a page's authors (``messageable_authors``).
    fragments.init_app(app)
    app.add_template_global(fragments.messageable_authors, "messageable_authors")


def _context() -> dict:
    settings = site_settings.settings()
    signed_in = has_request_context() and current_user.is_authenticated
    # the member itself, not the proxy: templates read it hundreds of times a page
    member = current_user._get_current_object() if signed_in and current_user.is_member else None
    return {
        "site_settings": settings,
        "now": utcnow(),
        "network_name": settings.network_name if settings else "peer-forum",
        "member": member,
        # What waits in the moderators' queue (one query, and only if the page shows it).
        "queue_counts": review_queue.LazyCounts(member if member and member.is_moderator else None),
    }


def _moderators_cover() -> cover_hours.Cover:
    """The cover hours of the signed-in member's region (national for anyone else), once a
    request (one query, only on the pages that say it)."""
    if "moderators_cover" not in g:
        signed_in = has_request_context() and current_user.is_authenticated
        region_id = current_user.region_id if signed_in and current_user.is_member else None
        g.moderators_cover = cover_hours.cover(region_id)
    return g.moderators_cover


def _notification_count() -> int:
    """The signed-in member's unread notifications (one query, only on pages with the bell)."""
    if not (has_request_context() and current_user.is_authenticated and current_user.is_member):
        return 0
    return inbox.unread_count(current_user)


def _discuss_url(kind: str, target_id: int) -> str | None:
    """Where "Discuss this with the moderators" goes: a new thread in the moderators' room,
    about one thing (None without a room; the room is looked up once a request)."""
    if "moderators_room" not in g:
        g.moderators_room = forums_manage.moderators_room(current_user)
    room = g.moderators_room
    if room is None:
        return None
    return url_for("forums.new_thread", slug=room.slug, about=f"{kind}:{target_id}")


def _capitalize_first(text: str) -> str:
    """The first letter in capitals, the rest as it is ("the thread “Hi”" → "The thread “Hi”")."""
    return text[:1].upper() + text[1:] if text else ""


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _when(value: datetime | None) -> str:
    """A calm, readable time: "just now", "5 minutes ago", "in 3 days", "3 March 2026 at 14:05"."""
    if value is None:
        return ""
    seconds = (utcnow() - value).total_seconds()
    if -60 < seconds < 60:
        return "just now"
    for limit, unit, size in (
        (3600, "minute", 60),
        (86400, "hour", 3600),
        (7 * 86400, "day", 86400),
    ):
        if abs(seconds) < limit:
            n = int(abs(seconds) // size)
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"{text} ago" if seconds > 0 else f"in {text}"
    local = value.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _day(value: datetime | None, at_time: bool = True) -> str:
    """A day to look forward to, said as a date: "Tuesday 8 December at 14:05" (with the year
    when it is not this year's), never "in 6 days" after a word such as "from" or "until"."""
    if value is None:
        return ""
    zone = ZoneInfo(current_app.config["TIMEZONE"])
    local = value.astimezone(zone)
    text = f"{local:%A} {local.day} {local:%B}"
    if local.year != utcnow().astimezone(zone).year:
        text += f" {local.year}"
    return f"{text} at {local:%H:%M}" if at_time else text
