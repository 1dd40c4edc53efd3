"""A member's own account: profile, password, email address, devices and content warning
settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.forms import region_choices
from forum.forms.account import ChangeEmailForm, ChangePasswordForm, ProfileForm
from forum.forms.forums import WarningPreferencesForm
from forum.permissions import keeps_input_on_csrf_error
from forum.services import sign_ins
from forum.services.errors import NotFound, ValidationFailed
from forum.services.forums import content_warnings
from forum.services.network import profiles
from forum.services.people import accounts, mutes
from forum.views import errors_on, form_page, sign_in
from forum.views.auth import sign_out

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(password_form=None, email_form=None, status=200):
    return render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(formdata=None, prefix="pw"),
        email_form=email_form or ChangeEmailForm(formdata=None, prefix="em"),
        warnings_form=WarningPreferencesForm(formdata=None),
        warnings=content_warnings.offered(current_user),
        warning_choices=content_warnings.preferences(current_user),
        muted=mutes.muted_members(current_user),
    ), status


@bp.get("/")
def index():
    return _page()


@bp.route("/profile", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def profile():
    """Name, pronouns, region, role or organisation and a short bio; a move into a region whose
    forum is for its members only waits for one of its moderators."""
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    form.region_id.choices = region_choices("Choose your region")
    form.time_zone.choices = [("", "Each event's own time zone")] + [
        (z, z.replace("_", " ")) for z in profiles.zone_choices()
    ]
    if form.validate_on_submit():
        with errors_on(form):
            fields = {
                k: form.data[k]
                for k in ("display_name", "region_id", "organisation", "bio", "pronouns")
            }
            waiting = profiles.update_profile(
                current_user, profiles.Profile(**fields, time_zone=form.time_zone.data)
            )
            if waiting is None:
                flash("Your profile is saved.", "success")
            else:
                flash(f"Your profile is saved. A moderator for {waiting.name} will look at your "
                      "move there: until then you stay in your region.", "info")  # fmt: skip
            return redirect(url_for("account.profile"))
    return form_page("account/profile.html", form)


@bp.post("/password")
@keeps_input_on_csrf_error
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        remembered = current_user.sign_in.remembered
        with errors_on(form):
            accounts.change_password(current_user, form.current_password.data, form.password.data)
            sign_in(current_user, remember=remembered)  # every sign-in ended: this one begins again
            flash("Your password is changed. Your other devices have been signed out.", "success")
            return redirect(url_for("account.index"))
    return _page(password_form=form, status=422)


@bp.post("/email")
@keeps_input_on_csrf_error
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        with errors_on(form):
            new_email = accounts.request_email_change(
                current_user, form.current_password.data, form.email.data
            )
            flash(f"We have sent a link to {new_email}. Open it to confirm the change.", "success")
            return redirect(url_for("account.index"))
    return _page(email_form=form, status=422)


@bp.get("/email/confirm/<token>")
def confirm_email(token: str):
    try:
        new_email = accounts.confirm_email_change(current_user, token)
    except (NotFound, ValidationFailed) as exc:
        flash(str(exc), "warning")
    else:
        flash(f"Your email address is now {new_email}.", "success")
    return redirect(url_for("account.index"))


@bp.get("/devices")
def devices():
    """Where the member is signed in, each with "sign out of this device"."""
    return render_template(
        "account/devices.html", sign_ins=sign_ins.devices(current_user), here=current_user.sign_in
    )


@bp.post("/devices/<int:sign_in_id>/sign-out")
def end_sign_in(sign_in_id: int):
    if sign_in_id == current_user.sign_in.id:
        return sign_out()
    ended = sign_ins.end(current_user, sign_in_id)  # NotFound answers 404
    flash(f"Signed out of {ended.device}. It needs your password to come back.", "success")
    return redirect(url_for("account.devices"))


@bp.post("/devices/sign-out-others")
def end_other_sign_ins():
    ended = sign_ins.end_others(current_user)
    if ended:
        flash(f"Signed out of {ended} other device{'s' if ended != 1 else ''}. Only this browser "
              "is still signed in.", "success")  # fmt: skip
    else:
        flash("You were not signed in anywhere else.", "info")
    return redirect(url_for("account.devices"))


@bp.post("/content-warnings")
def content_warning_settings():
    """Per warning: always show, ask me first (the default), or hide these posts."""
    form = WarningPreferencesForm()
    if form.validate_on_submit():
        names = {w.id: f"warning-{w.id}" for w in content_warnings.offered(current_user)}
        choices = {wid: request.form[name] for wid, name in names.items() if name in request.form}
        try:
            content_warnings.set_preferences(current_user, choices)
        except ValidationFailed as exc:
            flash(str(exc), "warning")
        else:
            flash("Your content warning settings are saved.", "success")
    else:
        flash("Your session timed out, so nothing was changed. Please choose again.", "warning")
    return redirect(url_for("account.index", _anchor="content-warnings"))
