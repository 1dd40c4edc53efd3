"""Moderators' tools: the queue of applications, and invitation links."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import htmx
from forum.forms import add_errors, region_choices
from forum.forms.membership import DecisionForm, InvitationForm
from forum.permissions import moderator_required
from forum.services import membership
from forum.services.errors import Conflict, NotFound, ValidationFailed

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.get("/applications")
@moderator_required
def applications():
    return render_template(
        "moderation/applications.html",
        applications=membership.pending_applications(),
        form=DecisionForm(),
    )


@bp.get("/applications/updates")
@moderator_required
def application_updates():
    """Live: applications newer than ``after``, and those among ``shown`` decided since."""
    shown = [int(i) for i in request.args.getlist("shown") if i.isdigit()]
    return render_template(
        "moderation/_updates.html",
        applications=membership.pending_applications(after=request.args.get("after", 0, int)),
        decided=membership.no_longer_waiting(shown),
        waiting=membership.pending_count(),
    )


@bp.get("/badge")
@moderator_required
def badge():
    """Live: the number of applications waiting, for the badge in every moderator's navigation."""
    return render_template("moderation/_badge.html")


@bp.post("/applications/<int:member_id>/<any(approve, reject):decision>")
@moderator_required
def decide(member_id: int, decision: str):
    form = DecisionForm()
    try:
        if not form.validate():
            raise ValidationFailed(form.errors)
        applicant = membership.decide(
            current_user, member_id, approve=decision == "approve", message=form.message.data
        )
    except (Conflict, NotFound, ValidationFailed) as exc:
        flash(str(exc), "warning")
    else:
        verb = "approved" if decision == "approve" else "turned down"
        flash(
            f"{applicant.display_name}'s application was {verb}. They have been emailed.", "success"
        )
    if htmx:
        # The row leaves the queue; the message and the count are updated out of band.
        return render_template("moderation/_decided.html", waiting=membership.pending_count())
    return redirect(url_for("moderation.applications"))


@bp.route("/invitations", methods=["GET", "POST"])
@moderator_required
def invitations():
    form = InvitationForm()
    form.region_id.choices = region_choices("Any region")
    link = None
    if form.validate_on_submit():
        try:
            _invitation, secret = membership.create_invitation(
                current_user,
                note=form.note.data,
                region_id=form.region_id.data,
                days=form.days.data,
            )
        except ValidationFailed as exc:
            add_errors(form, exc)
        else:
            link = url_for("membership.redeem_invitation", token=secret, _external=True)
            form = InvitationForm(formdata=None)  # ready for the next one
            form.region_id.choices = region_choices("Any region")
    status = 422 if form.errors else 200
    return render_template(
        "moderation/invitations.html",
        form=form,
        link=link,
        invitations=membership.invitations(),
    ), status


@bp.post("/invitations/<int:invitation_id>/revoke")
@moderator_required
def revoke_invitation(invitation_id: int):
    try:
        membership.revoke_invitation(invitation_id)
    except NotFound as exc:
        flash(str(exc), "warning")
    else:
        flash("The invitation link no longer works.", "success")
    return redirect(url_for("moderation.invitations"))
