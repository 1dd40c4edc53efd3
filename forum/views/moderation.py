"""Moderators' tools: the review queue, applications, and invitation links. Members get 404.

The queue page is made of one partial per section, each also served alone (for live updates):
``GET /moderation/queue/<urgent|reports|held|applications>`` returns ``<section
id="queue-<name>">``; one row alone comes from ``GET /moderation/cases/<id>/row``
(``id="report-<kind>-<target id>"``) or ``GET /moderation/held/<post id>/row``
(``id="held-<post id>"``); the badge from ``GET /moderation/badge`` (``#moderation-badge``).
Every one of them goes through the moderator's regions.
"""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import htmx
from forum.forms import SelectChoice, region_choices
from forum.forms.membership import DecisionForm, InvitationForm
from forum.numbers import whole, whole_or_none
from forum.permissions import moderator_required
from forum.services.errors import Conflict, NotFound, OutOfScope, ValidationFailed
from forum.services.moderation import review_queue
from forum.services.network import crisis_contacts, profiles
from forum.services.people import membership
from forum.views import errors_on, form_page
from forum.views.safety import appeal_rows

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


def section_context(name: str) -> dict:
    """What one section of the queue shows, for the signed-in moderator."""
    if name in ("urgent", "reports"):
        rows = review_queue.case_rows(current_user, urgent=name == "urgent")
        context = {"rows": rows}
        if name == "urgent" and rows:
            context["contacts"] = crisis_contacts.crisis_contacts()
        return context
    if name == "held":
        return {"rows": review_queue.held_rows(current_user)}
    return {"applications": review_queue.applications(current_user), "form": DecisionForm()}


@bp.get("/", endpoint="queue")
@moderator_required
def queue_page():
    sections = {name: section_context(name) for name in review_queue.SECTIONS}
    return render_template("moderation/queue.html", sections=sections, appeals=appeal_rows())


@bp.get("/queue/<any(urgent, reports, held, applications):name>")
@moderator_required
def section(name: str):
    return render_template(f"moderation/_queue_{name}.html", **section_context(name))


@bp.get("/cases/<int:case_id>/row")
@moderator_required
def case_row(case_id: int):
    row = review_queue.case_row(current_user, case_id)
    if row.case.is_open:
        return render_template("moderation/_case.html", row=row)
    gone = review_queue.case_handled(row.case)
    return render_template(
        "moderation/_handled.html", row_id=gone.dom_id, by=gone.by, at=gone.at, what=gone.what
    )


@bp.get("/held/<int:post_id>/row")
@moderator_required
def held_row(post_id: int):
    return render_template(
        "moderation/_held.html", row=review_queue.held_row(current_user, post_id)
    )


@bp.get("/badge")
@moderator_required
def badge():
    """Live: what waits in the queue, for the badge in every moderator's navigation."""
    return render_template("moderation/_badge.html")


def _shown_ids() -> list[int]:
    """The ids of the rows a live page shows (``shown``, sent back on every update)."""
    return [n for n in map(whole_or_none, request.args.getlist("shown")) if n is not None]


@bp.get("/queue/<any(urgent, reports, held):name>/updates")
@moderator_required
def section_updates(name: str):
    """Live: a section's rows reported (or waiting) since ``after``, a note in place of each
    ``shown`` row handled since (a row moved to the other section just leaves), and the counts."""
    after = request.args.get("after", 0, whole)
    shown = _shown_ids()
    if name == "held":
        rows, gone = (
            review_queue.held_rows(current_user, after),
            review_queue.held_gone(current_user, shown),
        )
    else:
        urgent = name == "urgent"
        rows = review_queue.case_rows(current_user, urgent=urgent, after=after)
        gone = review_queue.cases_gone(current_user, urgent=urgent, shown=shown)
    return render_template(
        "moderation/_section_updates.html",
        name=name,
        rows=rows,
        gone=gone,
        contacts=crisis_contacts.crisis_contacts() if name == "urgent" and rows else [],
        queue_counts=review_queue.counts(current_user),
    )


@bp.get("/applications/updates")
@moderator_required
def application_updates():
    """Live: applications newer than ``after``, and those among ``shown`` decided since
    (``level``: their heading level, 3 in the queue page's section)."""
    shown = _shown_ids()
    return render_template(
        "moderation/_updates.html",
        level=3 if request.args.get("level") == "3" else 2,
        applications=membership.pending_applications(
            current_user, after=request.args.get("after", 0, whole)
        ),
        decided=membership.no_longer_waiting(current_user, shown),
        waiting=review_queue.counts(current_user).applications,
    )


# --- applications -------------------------------------------------------------------------------


@bp.get("/applications")
@moderator_required
def applications():
    return render_template(
        "moderation/applications.html",
        applications=membership.pending_applications(current_user),
        region_moves=profiles.region_moves(current_user),
        form=DecisionForm(),
    )


@bp.post("/region-moves/<int:member_id>/<any(approve, decline):decision>")
@moderator_required
def decide_region_move(member_id: int, decision: str):
    """A member asked to move into a region whose forum is for its members only."""
    try:
        person = profiles.decide_region_move(current_user, member_id, approve=decision == "approve")
    except OutOfScope:
        abort(404)
    except (Conflict, NotFound) as exc:
        flash(str(exc), "warning")
    else:
        verb = "is now in" if decision == "approve" else "stays out of"
        region = person.region.name if decision == "approve" and person.region else "that region"
        flash(f"{person.display_name} {verb} {region}. They have been emailed.", "success")
    return redirect(url_for("moderation.applications", _anchor="region-moves"))


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
    except OutOfScope:
        abort(404)
    except (Conflict, NotFound, ValidationFailed) as exc:
        flash(str(exc), "warning")
    else:
        verb = "approved" if decision == "approve" else "turned down"
        flash(
            f"{applicant.display_name}'s application was {verb}. They have been emailed.", "success"
        )
    if htmx:
        # The row leaves the queue; the message and the counts are updated out of band.
        return render_template(
            "moderation/_decided.html",
            waiting=len(membership.pending_applications(current_user)),
            queue_counts=review_queue.counts(current_user),
        )
    return redirect(url_for("moderation.applications"))


# --- invitations --------------------------------------------------------------------------------


def _invitation_form(**kwargs) -> InvitationForm:
    """The form, offering the regions this moderator may invite into (any, for national ones)."""
    form = InvitationForm(**kwargs)
    regions = membership.invitation_regions(current_user)
    if regions is None:
        form.region_id.choices = region_choices("Any region")
    else:
        form.region_id.label.text = "Region"
        form.region_id.choices = [SelectChoice(str(r.id), r.name) for r in regions]
    return form


@bp.route("/invitations", methods=["GET", "POST"])
@moderator_required
def invitations():
    form = _invitation_form()
    link = None
    if form.validate_on_submit():
        with errors_on(form):
            _invitation, secret = membership.create_invitation(
                current_user,
                note=form.note.data,
                region_id=form.region_id.data,
                days=form.days.data,
                email=form.email.data or "",
            )
            if form.email.data:
                sent_to = membership.normalise_email(form.email.data)
                flash(f"The invitation is on its way to {sent_to}. The link works once.", "success")
                return redirect(url_for("moderation.invitations"))
            link = url_for("membership.redeem_invitation", token=secret, _external=True)
            form = _invitation_form(formdata=None)  # ready for the next one
    return form_page(
        "moderation/invitations.html",
        form,
        link=link,
        invitations=membership.invitations(current_user),
        regional=membership.invitation_regions(current_user) is not None,
    )


@bp.post("/invitations/<int:invitation_id>/revoke")
@moderator_required
def revoke_invitation(invitation_id: int):
    try:
        membership.revoke_invitation(invitation_id, actor=current_user)
    except NotFound as exc:
        flash(str(exc), "warning")
    else:
        flash("The invitation link no longer works.", "success")
    return redirect(url_for("moderation.invitations"))
