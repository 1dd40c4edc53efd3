"""The ideas clinic for moderators (status and public response, merging, tags) and
administrators (the vote budget). Members get 404 here."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from forum.forms.ideas import BudgetForm, MergeForm, StatusForm, TagForm
from forum.permissions import admin_required, keeps_input_on_csrf_error, moderator_required
from forum.services.errors import Conflict, NotFound, ValidationFailed
from forum.services.ideas import board, voting
from forum.services.ideas import moderation as idea_moderation
from forum.views import errors_on, form_page
from forum.views.ideas import idea_page

bp = Blueprint("idea_admin", __name__, url_prefix="/ideas")


@bp.post("/<int:idea_id>/status")
@moderator_required
@keeps_input_on_csrf_error
def change_status(idea_id: int):
    form = StatusForm()
    if form.validate_on_submit():
        try:
            with errors_on(form):
                idea = idea_moderation.change_status(
                    current_user, idea_id, form.status.data, form.response.data
                )
                flash(
                    f"The idea is now “{idea.status.label}”. Members see your response.", "success"
                )
                return redirect(url_for("ideas.show", idea_id=idea_id, _anchor="outcome"))
        except Conflict as exc:
            flash(str(exc), "warning")
            return redirect(url_for("ideas.show", idea_id=idea_id))
    return idea_page(idea_id, 422 if form.errors else 400, status_form=form)


@bp.post("/<int:idea_id>/merge")
@moderator_required
@keeps_input_on_csrf_error
def merge(idea_id: int):
    form = MergeForm()
    if form.validate_on_submit():
        try:
            with errors_on(form):
                target = idea_moderation.merge(
                    current_user, idea_id, form.into.data, form.note.data
                )
                flash(f"Merged: its votes and comments are now on “{target.title}”.", "success")
                return redirect(url_for("ideas.show", idea_id=target.id))
        except Conflict as exc:
            flash(str(exc), "warning")
            return redirect(url_for("ideas.show", idea_id=idea_id))
    return idea_page(idea_id, 422 if form.errors else 400, merge_form=form)


@bp.route("/tags", methods=["GET", "POST"])
@moderator_required
def tags():
    if current_user.is_regional_moderator:
        abort(404)  # the list is the whole network's: national moderators keep it
    form = TagForm()
    if form.validate_on_submit():
        with errors_on(form):
            tag = idea_moderation.save_tag(current_user, form.name.data)
            flash(f"Tag “{tag.name}” added.", "success")
            return redirect(url_for("idea_admin.tags"))
    return form_page("ideas/tags.html", form, tags=board.tags())


@bp.post("/tags/<int:tag_id>")
@moderator_required
def edit_tag(tag_id: int):
    """Rename or remove a tag (the button pressed says which)."""
    action = request.form.get("action", "rename")
    try:
        if action == "rename":
            tag = idea_moderation.save_tag(current_user, request.form.get("name", ""), tag_id)
            flash(f"Tag renamed to “{tag.name}”.", "success")
        elif action == "remove":
            tag = idea_moderation.remove_tag(current_user, tag_id)
            flash(f"Tag “{tag.name}” removed from the list and from every idea.", "success")
        else:
            abort(400)
    except (NotFound, ValidationFailed) as exc:
        flash(str(exc), "warning")
    return redirect(url_for("idea_admin.tags"))


@bp.route("/vote-budget", methods=["GET", "POST"])
@admin_required
def vote_budget():
    form = BudgetForm(data={"budget": voting.budget()} if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            voting.set_budget(form.budget.data, actor=current_user)
            limit = form.budget.data
            if limit:
                flash(f"Each member now has {limit} active votes.", "success")
            else:
                flash("Votes are no longer limited.", "success")
            return redirect(url_for("idea_admin.vote_budget"))
    return form_page("ideas/vote_budget.html", form)
