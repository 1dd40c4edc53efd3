"""Who may open what.

Every route is for active members unless it says otherwise: ``enforce_membership`` runs before
each request and sends anyone else to sign in, or to their status page. A view opts out with
``@public`` (sign-in, apply, password reset, crisis contacts, setup) or ``@for_signed_in``
(the status page, which pending and suspended people may see). Roles narrow it further with
``@moderator_required`` and ``@admin_required``, which answer 404 so nothing leaks.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from forum.extensions import htmx
from forum.models import utcnow

F = TypeVar("F", bound=Callable)

PUBLIC = "public"
SIGNED_IN = "signed_in"
MEMBERS = "members"


def public(view: F) -> F:
    """Open to everyone, signed in or not."""
    view.access = PUBLIC
    return view


def for_signed_in(view: F) -> F:
    """Open to anyone with a session, whatever their status (the status page, for example)."""
    view.access = SIGNED_IN
    return view


def open_during_break(view: F) -> F:
    """For members only, and still open while they take a break (the break's own page)."""
    view.open_during_break = True
    return view


def access_of(endpoint: str | None) -> str:
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "access", MEMBERS)


def _go(endpoint: str, **values):
    """Redirect, or for an htmx request tell htmx to load the page instead of swapping it."""
    target = url_for(endpoint, **values)
    if htmx:
        return htmx_response("", 401, redirect=target)
    return redirect(target)


def enforce_membership():
    """Before every request: only active members get past, unless the view says otherwise."""
    if request.routing_exception is not None:
        return None  # no such page (or a bad host): the 404 or 400 that follows shows nothing
    access = access_of(request.endpoint)
    if access == PUBLIC:
        return None
    if not current_user.is_authenticated:
        nxt = request.full_path if request.method == "GET" and not htmx else None
        return _go("auth.sign_in", next=nxt.rstrip("?") if nxt else None)
    if access == SIGNED_IN:
        return None
    if current_user.is_member:
        # Taking a break (Account → Your data): a gentle page instead of the forum.
        if current_user.on_break(utcnow()) and not _open_during_break(request.endpoint):
            return _go("privacy.on_break")
        return None
    return _go("membership.status")


def _open_during_break(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return getattr(view, "open_during_break", False)


def moderator_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_moderator:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def keeps_input_on_csrf_error(view: F) -> F:
    """The view re-shows its form, text kept, when its CSRF token has expired.

    Only for views that validate through a FlaskForm (which checks the token again and so
    changes nothing): the CSRF error handler calls the view to redraw the form.
    """
    view.keeps_input = True
    return view
