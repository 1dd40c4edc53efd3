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
from flask_login import current_user, logout_user

from forum.extensions import limiter
from forum.forms.auth import ForgotPasswordForm, NewPasswordForm, SignInForm
from forum.permissions import keeps_input_on_csrf_error, public
from forum.services import sign_ins
from forum.services.errors import NotFound
from forum.services.people import accounts
from forum.services.privacy import erasure
from forum.views import errors_on, form_page, safe_next
from forum.views import sign_in as start_sign_in

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
@limiter.limit(_limit("RATELIMIT_SIGNIN_ADDRESS"), methods=["POST"])
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
            start_sign_in(member, remember=form.remember.data)
            if erasure.cancel_on_sign_in(member):  # signing in during the cooling-off
                flash("Welcome back. You signed in, so your account will not be erased.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        form.form_errors.append(SIGN_IN_REFUSED)
    return form_page("auth/sign_in.html", form)


@bp.post("/signout")
@public
def sign_out():
    """End this browser's sign-in on the server (a copy of either cookie is refused from now),
    and forget everything of the member here."""
    if current_user.is_authenticated:
        sign_ins.end_current(current_user)
    logout_user()
    session.clear()
    session["signed_out"] = True  # the next page tells the browser to forget drafts (forum.js)
    flash("You have signed out. Take care.", "success")
    response = redirect(url_for("auth.sign_in"))
    # Nothing of this member stays in the browser: drafts, any cached page.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_limit("RATELIMIT_RESET"), methods=["POST"])
@public
@keeps_input_on_csrf_error
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        return render_template("auth/reset_sent.html", email=form.email.data)
    return form_page("auth/forgot.html", form)


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
        with errors_on(form):
            member = accounts.reset_password(token, form.password.data)
            session.clear()
            if member.is_member:
                start_sign_in(member)
                erasure.cancel_on_sign_in(member)  # signing in during the cooling-off
            flash("Your password is changed. Any other sessions have been signed out.", "success")
            return redirect(url_for("pages.home"))
    return form_page(
        "auth/reset.html", form, person=member
    )  # not "member": that is who is signed in
