"""A member's own account: password and email address."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_user

from forum.forms import add_errors
from forum.forms.account import ChangeEmailForm, ChangePasswordForm
from forum.permissions import keeps_input_on_csrf_error
from forum.services import accounts
from forum.services.errors import NotFound, ValidationFailed

bp = Blueprint("account", __name__, url_prefix="/account")


def _page(password_form=None, email_form=None, status=200):
    return render_template(
        "account/index.html",
        password_form=password_form or ChangePasswordForm(formdata=None, prefix="pw"),
        email_form=email_form or ChangeEmailForm(formdata=None, prefix="em"),
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
