"""What every template can use: the network's name, the signed-in member, small helpers."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, has_request_context
from flask_login import current_user

from forum.models import utcnow
from forum.services import queue, site


def init_app(app: Flask) -> None:
    app.context_processor(_context)
    app.add_template_filter(_when, "when")
    app.add_template_filter(_iso, "iso")
    app.add_template_filter(_capitalize_first, "capitalize_first")


def _context() -> dict:
    settings = site.settings()
    signed_in = has_request_context() and current_user.is_authenticated
    member = current_user if signed_in and current_user.is_member else None
    return {
        "site_settings": settings,
        "now": utcnow(),
        "network_name": settings.network_name if settings else "peer-forum",
        "member": member,
        # What waits in the moderators' queue (one query, and only if the page shows it).
        "queue_counts": queue.LazyCounts(member if member and member.is_moderator else None),
    }


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
