"""Your data and privacy (Account → Your data): export, consent to health data, a break,
erasing the account; Admin → Privacy; a moderator erasing a member on request."""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, logout_user

from forum.forms.privacy import (
    BreakForm,
    EraseForm,
    EraseOnRequestForm,
    PasswordConfirmForm,
    PrivacySettingsForm,
)
from forum.models import utcnow
from forum.numbers import whole_or_none
from forum.permissions import (
    admin_required,
    keeps_input_on_csrf_error,
    moderator_required,
    open_during_break,
)
from forum.services import site_settings
from forum.services.errors import Conflict, NotFound
from forum.services.privacy import breaks, consent, erasure, export, export_files, retention
from forum.views import errors_on, form_page

bp = Blueprint("privacy", __name__)


def _page(status=200, **forms):
    return render_template(
        "privacy/your_data.html",
        export_form=forms.get("export_form") or PasswordConfirmForm(formdata=None, prefix="ex"),
        break_form=forms.get("break_form") or BreakForm(formdata=None, prefix="br"),
        erase_form=forms.get("erase_form") or EraseForm(formdata=None, prefix="er"),
        site=site_settings.required(),
    ), status


@bp.get("/account/your-data")
def your_data():
    return _page()


@bp.post("/account/your-data/export")
@keeps_input_on_csrf_error
def download():
    """The ZIP of everything the member gave, once they confirm their password; a large one
    is made by a job and mailed as a link."""
    form = PasswordConfirmForm(prefix="ex")
    if form.validate_on_submit():
        with errors_on(form):
            data = export_files.ask(current_user, form.password.data)
            if data is None:
                flash(f"Your data is a large file, so we are putting it together. We will "
                      f"email you a link to it shortly; the link works for "
                      f"{export_files.link_days()} days.", "success")  # fmt: skip
                return redirect(url_for("privacy.your_data"))
            return _zip(data)
    return _page(422, export_form=form)


def _zip(data: bytes):
    response = make_response(data)
    response.headers["Content-Type"] = "application/zip"
    name = export.filename(current_user.id)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/your-data/exports/<secret>")
def export_file(secret: str):
    """The file a large export's mail links to, for the member it was made for."""
    try:
        return _zip(export_files.opened(current_user, secret))
    except NotFound as exc:
        return render_template("privacy/export_link.html", message=str(exc)), 404


@bp.post("/account/your-data/health-consent/<any(withdraw, give):action>")
def health_consent(action: str):
    try:
        if action == "withdraw":
            consent.withdraw(current_user)
            flash(
                "Your consent is withdrawn. You can still read; you can no longer post.", "success"
            )
        else:
            consent.give(current_user)
            flash("Thank you: your consent is recorded, and you can post again.", "success")
    except Conflict as exc:
        flash(str(exc), "info")
    return redirect(url_for(".your_data", _anchor="health-consent"))


@bp.post("/account/your-data/break")
@keeps_input_on_csrf_error
def take_break():
    form = BreakForm(prefix="br")
    if form.validate_on_submit():
        with errors_on(form):
            breaks.start(current_user, whole_or_none(form.days.data))
            return redirect(url_for(".on_break"))
    return _page(422, break_form=form)


@bp.get("/account/break")
@open_during_break
def on_break():
    """The gentle page a member on a break sees instead of the forum."""
    if not current_user.on_break(utcnow()):
        return redirect(url_for("pages.home"))
    return render_template("privacy/on_break.html", until=current_user.break_until)


@bp.post("/account/break/end")
@open_during_break
def end_break():
    breaks.end(current_user)
    flash("Welcome back. Your break is over.", "success")
    return redirect(url_for("pages.home"))


@bp.post("/account/your-data/erase")
@keeps_input_on_csrf_error
def erase():
    """Ask for the account to be erased after the cooling-off; signed out everywhere."""
    form = EraseForm(prefix="er")
    if form.validate_on_submit():
        with errors_on(form):
            person = erasure.request(
                current_user, form.password.data, remove_posts=form.posts.data == "remove"
            )
            logout_user()
            return render_template("privacy/erasure_requested.html", due=person.erasure_due_at)
    return _page(422, erase_form=form)


@bp.route("/admin/privacy", methods=["GET", "POST"])
@admin_required
@keeps_input_on_csrf_error
def admin_privacy():
    """How long things are kept, whether posts may be removed, and erasures waiting."""
    site = site_settings.required()
    form = PrivacySettingsForm(obj=site if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            retention.update(current_user, **form.values())
            flash("Privacy settings saved.", "success")
            return redirect(url_for(".admin_privacy"))
    return form_page("privacy/admin.html", form, pending=erasure.pending())


@bp.route("/moderation/members/<int:member_id>/erase", methods=["GET", "POST"])
@moderator_required
@keeps_input_on_csrf_error
def erase_on_request(member_id: int):
    """A moderator erases a member at once, as the member asked them to."""
    person = erasure.erasable(current_user, member_id)  # NotFound 404, NotAllowed 403
    form = EraseOnRequestForm()
    if form.validate_on_submit():
        with errors_on(form):
            number = erasure.erase_on_request(
                current_user, member_id, remove_posts=form.posts.data == "remove",
                reason=form.reason.data,
            )  # fmt: skip
            flash(f"Erased. The account is now {erasure.former_name(number)}.", "success")
            return redirect(url_for("audit.log"))
    return form_page("privacy/erase_on_request.html", form, person=person)
