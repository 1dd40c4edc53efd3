"""First start: create the network and its first administrator, guarded by a one-time token."""

from flask import Blueprint, abort, flash, redirect, request, url_for

from forum.extensions import limiter
from forum.forms.membership import SetupForm
from forum.permissions import keeps_input_on_csrf_error, public
from forum.services.errors import Conflict
from forum.services.network import setup as network_setup
from forum.views import errors_on, form_page, sign_in

bp = Blueprint("setup", __name__)


@bp.route("/setup", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@public
@keeps_input_on_csrf_error
def setup():
    if network_setup.is_set_up():
        abort(404)  # once there is an administrator, this page is gone
    form = SetupForm()
    if request.method == "GET":
        form.token.data = request.args.get("token", "")
    if form.validate_on_submit():
        if not network_setup.check_setup_token(form.token.data):
            form.token.errors.append(
                "That setup token is not right. It is printed in the "
                "console where the app was started."
            )
        else:
            try:
                with errors_on(form):
                    admin = network_setup.complete_setup(
                        network_name=form.network_name.data,
                        display_name=form.display_name.data,
                        email=form.email.data,
                        password=form.password.data,
                    )
                    sign_in(admin)
                    flash("Your network is ready. Next, add its regions.", "success")
                    return redirect(url_for("admin.regions"))
            except Conflict:
                abort(404)
    return form_page("setup/setup.html", form)
