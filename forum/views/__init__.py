"""Blueprints, one per area: parse the request, call a service, render."""

from urllib.parse import urlsplit

from flask import current_app, flash, make_response, render_template

from forum.extensions import htmx


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after signing in, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def render_partial(page: str, partial: str, status: int = 200, **context):
    """The full page normally; only the part an htmx request asks for otherwise."""
    return make_response(render_template(partial if htmx else page, **context), status)


def flash_and_render(message: str, category: str = "info"):
    """For htmx requests: a message for the page's status region, swapped out of band."""
    flash(message, category)
    return render_template("_flash.html", oob=True)


__all__ = ["current_app", "flash_and_render", "render_partial", "safe_next"]
