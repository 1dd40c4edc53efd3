"""Signing in and out, and resetting a forgotten password."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from forum.extensions import limiter
from forum.forms import add_errors
from forum.forms.auth import ForgotPasswordForm, NewPasswordForm, SignInForm
from forum.permissions import keeps_input_on_csrf_error, public
from forum.services import accounts
from forum.services.errors import NotFound, ValidationFailed
from forum.views import safe_next

bp = Blueprint("auth", __name__)

SIGN_IN_REFUSED = (
    "We could not sign you in with that email and password. If you applied recently, a "
    "moderator may still be looking at your application: we will email you when they have."
)


def _account_key() -> str:
    """Rate-limit key for the account being tried, whoever is trying it."""
    return "account:" + (request.form.get("email") or "").strip().lower()[:254]


def _limit(setting: str):
    return lambda: current_app.config[setting]


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"])
@limiter.limit(_limit("RATELIMIT_SIGNIN"), methods=["POST"], key_func=_account_key)
@public
@keeps_input_on_csrf_error
def sign_in():
    if current_user.is_authenticated and current_user.is_member:
        return redirect(url_for("pages.home"))
    form = SignInForm()
    if form.validate_on_submit():
        member = accounts.authenticate(form.email.data, form.password.data)
        if member is not None:
            session.clear()  # a new session for the signed-in person
            login_user(member, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        form.form_errors.append(SIGN_IN_REFUSED)
    status = 422 if form.errors or form.form_errors else 200
    return render_template("auth/sign_in.html", form=form), status


@bp.post("/signout")
@public
def sign_out():
    logout_user()
    session.clear()
    flash("You have signed out. Take care.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@public
@keeps_input_on_csrf_error
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form), 422 if form.errors else 200


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@public
@keeps_input_on_csrf_error
def reset_password(token: str):
    try:
        member = accounts.check_reset_token(token)
    except NotFound as exc:
        return render_template("auth/reset_expired.html", message=str(exc)), 410
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            member = accounts.reset_password(token, form.password.data)
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            session.clear()
            if member.is_member:
                login_user(member)
            flash("Your password is changed. Any other sessions have been signed out.", "success")
            return redirect(url_for("pages.home"))
    status = 422 if form.errors else 200
    return render_template("auth/reset.html", form=form, member=member), status
