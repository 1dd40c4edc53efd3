"""Blueprints, one per area: parse the request, call a service, render."""

from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from flask import current_app, flash, make_response, render_template, request, session
from flask_login import login_user
from flask_wtf import FlaskForm

from forum.extensions import htmx
from forum.forms import add_errors
from forum.models import Member
from forum.services import sign_ins
from forum.services.errors import ValidationFailed


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to after signing in, or None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def sign_in(member: Member, *, remember: bool = False) -> None:
    """Sign ``member`` in on this browser: a fresh session, and a new sign-in whose key both of
    its cookies carry (``services.sign_ins``)."""
    session.clear()
    sign_ins.start(member, remembered=remember, user_agent=request.headers.get("User-Agent", ""))
    login_user(member, remember=remember)


def render_partial(page: str, partial: str, status: int = 200, **context):
    """The full page normally; only the part an htmx request asks for otherwise."""
    return make_response(render_template(partial if htmx else page, **context), status)


def flash_and_render(message: str, category: str = "info"):
    """For htmx requests: a message for the page's status region, swapped out of band."""
    flash(message, category)
    return render_template("_flash.html", oob=True)


@contextmanager
def errors_on(form: FlaskForm) -> Iterator[None]:
    """The one way a view calls a service for a form: a ValidationFailed raised inside is shown
    beside the form's fields (and the rest of the block is skipped), so the view goes on to
    render the form again (``form_page``)."""
    try:
        yield
    except ValidationFailed as exc:
        add_errors(form, exc)


def form_status(form: FlaskForm) -> int:
    """422 while the form holds errors (its own or a service's), 200 otherwise."""
    return 422 if form.errors else 200


def form_page(template: str, form: FlaskForm, **context):
    """A form's page, with ``form_status``."""
    return render_template(template, form=form, **context), form_status(form)


__all__ = [
    "current_app",
    "errors_on",
    "flash_and_render",
    "form_page",
    "form_status",
    "render_partial",
    "safe_next",
    "sign_in",
]
