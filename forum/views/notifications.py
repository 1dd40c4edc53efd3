"""The bell and the Notifications page (what a member has been told about), and which kinds
they want, under Account → Notifications."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import csrf, htmx
from forum.numbers import whole, whole_or_none
from forum.permissions import public
from forum.services.errors import NotFound, ValidationFailed
from forum.services.forums import watching
from forum.services.notifications import inbox, kinds, mailing

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
def index():
    number = request.args.get("page", 1, type=whole) or 1
    groups, older = inbox.page(current_user, number)
    return render_template("notifications/index.html", groups=groups, number=number, older=older)


@bp.get("/notifications/bell")
def bell():
    """Live: the bell's count, refetched when the member's notifications change."""
    response = make_response(render_template("notifications/_bell.html"))
    response.vary.add("HX-Request")
    return response


@bp.post("/notifications/read")
def mark_read():
    """Mark the notifications named in the form (``id``, as many as shown) or, with
    ``all``, every one of them as read."""
    ids = None if request.form.get("all") else [
        n for n in map(whole_or_none, request.form.getlist("id")) if n is not None
    ]  # fmt: skip
    changed = inbox.mark_read(current_user, ids)
    if not htmx:
        flash("Marked as read." if changed else "Nothing new to mark.", "success")
    return redirect(url_for(".index", page=request.form.get("page", 1, type=whole) or 1))


@bp.route("/account/notifications", methods=["GET", "POST"])
def settings():
    if request.method == "POST":
        inbox.save_settings(current_user, request.form.getlist("kind"))
        flash("Your notification choices are saved.", "success")
        return redirect(url_for(".settings"))
    return _settings_page()


@bp.post("/account/notifications/email")
def email_mode():
    try:
        mailing.set_mode(current_user, request.form.get("email_mode"))
    except ValidationFailed as exc:
        return _settings_page(errors=exc.field_errors, status=422)
    flash("Your email choice is saved.", "success")
    return redirect(url_for(".settings"))


@bp.post("/account/notifications/watching")
def track_on_post():
    """ "When I start or reply to a thread: track it / do nothing"."""
    watching.set_track_on_post(current_user, request.form.get("track_on_post") == "track")
    flash("Your choice for threads you post in is saved.", "success")
    return redirect(url_for(".settings", _anchor="watching-heading"))


def _settings_page(errors: dict | None = None, status: int = 200):
    return render_template(
        "notifications/settings.html",
        kinds=kinds.offered_to(current_user),
        off=inbox.switched_off(current_user),
        modes=mailing.MODE_LABELS,
        mode=mailing.mode_of(current_user),
        followed=watching.chosen(current_user),
        errors=errors or {},
    ), status


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the credential; mail clients POST it (RFC 8058)
@public
def unsubscribe(token: str):
    """One click, without signing in: a page with one button, or the mail client's POST."""
    try:
        if request.method == "POST":
            _member, kind = mailing.unsubscribe(token)
            return render_template("notifications/unsubscribe.html", done=True, kind=kind)
        _member, kind = mailing.unsubscribing(token)
    except NotFound as exc:
        return render_template("notifications/unsubscribe.html", invalid=str(exc)), 404
    return render_template("notifications/unsubscribe.html", token=token, kind=kind)
