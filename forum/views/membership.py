"""Applying to join, redeeming an invitation, and the status page of people not yet in."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from forum.extensions import limiter
from forum.forms import SelectChoice, region_choices
from forum.forms.membership import ApplicationForm, InvitationRedeemForm, JoinForm
from forum.permissions import for_signed_in, keeps_input_on_csrf_error, public
from forum.services import site_settings
from forum.services.errors import NotFound
from forum.services.people import membership
from forum.views import errors_on, form_page, sign_in

bp = Blueprint("membership", __name__)


def _region_choices(form: JoinForm, default_region_id: int | None = None) -> None:
    form.region_id.choices = region_choices("Choose your region")
    if default_region_id and form.region_id.data is None:
        form.region_id.data = default_region_id


def _invited_region_choices(form: JoinForm, invitation) -> None:
    """The regions an invitation offers: the one it names, when its inviter moderates only
    some regions, otherwise every region with its own chosen in advance."""
    fixed = membership.invited_region(invitation)
    if fixed is None:
        _region_choices(form, invitation.region_id)
    else:
        form.region_id.choices = [SelectChoice(str(fixed), invitation.region.name)]
        if form.region_id.data is None:
            form.region_id.data = fixed


def _application(form: JoinForm) -> membership.Application:
    return membership.Application(
        display_name=form.display_name.data,
        email=form.email.data,
        password=form.password.data,
        region_id=form.region_id.data,
        organisation=form.organisation.data,
        reason=form.data.get("reason") or "",
        accept_house_rules=form.accept_house_rules.data,
        accept_health_data=form.accept_health_data.data,
    )


def _require_setup():
    if site_settings.settings() is None:
        abort(404)


@bp.route("/apply", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_APPLY"], methods=["POST"])
@public
@keeps_input_on_csrf_error
def apply():
    _require_setup()
    form = ApplicationForm()
    _region_choices(form)
    if form.validate_on_submit():
        with errors_on(form):
            membership.apply(_application(form))
            return redirect(url_for("membership.received"))
    return form_page("membership/apply.html", form)


@bp.get("/apply/received")
@public
def received():
    return render_template("membership/received.html")


@bp.get("/apply/house-rules")
@public
def house_rules():
    _require_setup()
    return render_template("membership/document.html", which="house_rules")


@bp.get("/apply/privacy-notice")
@public
def privacy_notice():
    _require_setup()
    return render_template("membership/document.html", which="privacy_notice")


@bp.get("/status")
@for_signed_in
def status():
    if current_user.is_member:
        return redirect(url_for("pages.home"))
    return render_template("membership/status.html", person=current_user)


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_APPLY"], methods=["POST"])
@public
@keeps_input_on_csrf_error
def redeem_invitation(token: str):
    if current_user.is_authenticated and current_user.is_member:  # used, or meant for another
        return render_template("membership/invitation_closed.html", message="")
    try:
        invitation = membership.open_invitation(token)
    except NotFound as exc:
        return render_template("membership/invitation_closed.html", message=str(exc)), 410
    form = InvitationRedeemForm()
    _invited_region_choices(form, invitation)
    if form.validate_on_submit():
        try:
            with errors_on(form):
                member = membership.redeem_invitation(token, _application(form))
                sign_in(member)
                flash(
                    f"Welcome to {site_settings.settings().network_name}, {member.display_name}.",
                    "success",
                )
                return redirect(url_for("pages.home"))
        except NotFound as exc:
            return render_template("membership/invitation_closed.html", message=str(exc)), 410
    return form_page("membership/invite.html", form, invitation=invitation)
