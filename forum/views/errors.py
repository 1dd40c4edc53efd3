"""Friendly error pages. No tracebacks; an htmx request gets the message in the status area."""

from flask import Flask, current_app, flash, render_template, request
from flask_htmx import make_response as htmx_response
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from forum.extensions import db, htmx
from forum.permissions import enforce_membership
from forum.services import errors as domain

MESSAGES = {
    400: ("Something went wrong with that request", "Please go back and try again."),
    401: ("Please sign in", "Sign in to carry on."),
    403: ("Not available", "You do not have access to this."),
    404: ("Page not found", "This page does not exist, or you do not have access to it."),
    405: ("Not available", "That action is not available here."),
    410: ("This link has expired", "The link has expired or has already been used."),
    413: ("Too long", "That was more than we can accept in one go. Please shorten it."),
    429: (
        "Please wait a moment",
        "There have been too many attempts in a short time. Take a breather and try again "
        "in a minute.",
    ),
    500: (
        "Sorry, something went wrong on our side",
        "Nothing you did caused this. It has been logged. Please try again shortly.",
    ),
}

CSRF_EXPIRED = (
    "Your session timed out, so this was not sent yet. Everything you typed is still here "
    "(except passwords): check it and send it again."
)


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    # A service's NotFound (or "not yours to change") that no view caught: 404 (or 403).
    app.register_error_handler(domain.NotFound, lambda _error: _render(404))
    app.register_error_handler(domain.NotAllowed, lambda error: _render(403, str(error)))
    app.register_error_handler(Exception, _unexpected)


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[400])
    message = detail or message
    if htmx:
        flash(message, "warning")
        return htmx_response(
            render_template("_flash.html", oob=False), code, retarget="#flash", reswap="innerHTML"
        )
    return render_template("errors/error.html", code=code, title=title, message=message), code


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if isinstance(error, SecurityError):
        # An untrusted Host header: no page can be built (links need the host), and none is owed.
        return current_app.response_class("Unknown host.", 400, mimetype="text/plain")
    return _render(error.code)


def _csrf_error(error: CSRFError):
    """An expired or missing token. Forms that can, come back with what was typed."""
    # The token is checked before membership: people who may not open the page never get it.
    if (refused := enforce_membership()) is not None:
        return refused
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and getattr(view, "keeps_input", False) and not htmx:
        flash(CSRF_EXPIRED, "warning")
        response = current_app.make_response(view(**(request.view_args or {})))
        response.status_code = 400
        return response
    return _render(400, CSRF_EXPIRED if htmx else None)


def _unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return _http_error(error)
    db.session.rollback()
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    propagate = current_app.config.get("PROPAGATE_EXCEPTIONS")
    if propagate if propagate is not None else (current_app.testing or current_app.debug):
        raise error  # as Flask itself does: tests and the debugger see the real error
    return _render(InternalServerError.code)
