"""A member's own account: password, email address and content warning settings."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from forum.forms import add_errors
from forum.forms.account import ChangeEmailForm, ChangePasswordForm
from forum.forms.forums import WarningPreferencesForm
from forum.permissions import keeps_input_on_csrf_error
from forum.services import accounts, content_warnings, mutes
from forum.services.errors import NotFound, ValidationFailed

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


@bp.post("/password")
@keeps_input_on_csrf_error
def change_password():
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current_password.data, form.password.data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            login_user(current_user)  # this session carries on with the new session token
            flash("Your password is changed. Your other sessions have been signed out.", "success")
            return redirect(url_for("account.index"))
    return _page(password_form=form, status=422)


@bp.post("/email")
@keeps_input_on_csrf_error
def change_email():
    form = ChangeEmailForm(prefix="em")
    if form.validate_on_submit():
        try:
            new_email = accounts.request_email_change(
                current_user, form.current_password.data, form.email.data
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
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
