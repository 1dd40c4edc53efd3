"""First start: create the network and its first administrator, guarded by a one-time token."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import login_user

from forum.extensions import limiter
from forum.forms import add_errors
from forum.forms.membership import SetupForm
from forum.permissions import keeps_input_on_csrf_error, public
from forum.services import site
from forum.services.errors import Conflict, ValidationFailed

bp = Blueprint("setup", __name__)


@bp.route("/setup", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
@keeps_input_on_csrf_error
def setup():
    if site.is_set_up():
        abort(404)  # once there is an administrator, this page is gone
    form = SetupForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
    if form.validate_on_submit():
        if not site.check_setup_token(form.token.data):
            form.token.errors.append(
                "That setup token is not right. It is printed in the "
                "console where the app was started."
            )
        else:
            try:
                admin = site.complete_setup(
                    network_name=form.network_name.data,
                    display_name=form.display_name.data,
                    email=form.email.data,
                    password=form.password.data,
                )
            except ValidationFailed as exc:
                add_errors(form, exc)
            except Conflict:
                abort(404)
            else:
                session.clear()
                login_user(admin)
                flash("Your network is ready. Next, add its regions.", "success")
                return redirect(url_for("admin.regions"))
    return render_template("setup/setup.html", form=form), 422 if form.errors else 200
