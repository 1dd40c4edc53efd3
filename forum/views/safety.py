"""Safety: watched words and cover hours (administrators), appeals (members send one;
another moderator answers) and moderators' notes on a member."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import db
from forum.forms.safety import (
    AppealDecisionForm,
    AppealForm,
    CoverHoursForm,
    ModeratorNoteForm,
    WatchedWordForm,
)
from forum.models import Region
from forum.permissions import admin_required, for_signed_in, moderator_required
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.services.moderation import appeals, notes
from forum.services.safety import cover_hours, watched_words
from forum.views import errors_on, form_page

bp = Blueprint("safety", __name__)


@bp.route("/admin/watched-words/", methods=["GET", "POST"])
@admin_required
def index():
    form = WatchedWordForm()
    if form.validate_on_submit():
        with errors_on(form):
            word = watched_words.add(current_user, form.phrase.data, form.action.data)
            flash(f"Now watching for “{word.phrase}”.", "success")
            return redirect(url_for("safety.index"))
    return form_page("safety/watched_words.html", form, words=watched_words.watched_words())


@bp.post("/admin/watched-words/<int:word_id>/remove")
@admin_required
def remove(word_id: int):
    try:
        word = watched_words.remove(current_user, word_id)
        flash(f"No longer watching for “{word.phrase}”.", "success")
    except NotFound as exc:
        flash(str(exc), "error")
    return redirect(url_for("safety.index"))


# --- cover hours ---------------------------------------------------------------------------


@bp.get("/admin/cover-hours/")
@admin_required
def cover_hours_index():
    """When moderators are around, national and region by region."""
    return render_template("safety/cover_hours.html", areas=cover_hours.summaries())


@bp.route("/admin/cover-hours/national", methods=["GET", "POST"], defaults={"region_id": None})
@bp.route("/admin/cover-hours/<int:region_id>", methods=["GET", "POST"])
@admin_required
def cover_hours_edit(region_id: int | None):
    """One area's days and times, in its time zone. 404 for an unknown region."""
    region = db.get_or_404(Region, region_id) if region_id is not None else None
    current = cover_hours.area(region_id)
    form = CoverHoursForm(data=_cover_data(current) if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            cover_hours.save(current_user, region_id, form.days(), form.time_zone.data)
            flash(f"Cover hours saved for {region.name if region else 'national'}.", "success")
            return redirect(url_for("safety.cover_hours_index"))
    return form_page("safety/cover_hours_edit.html", form, region=region)


def _cover_data(area: cover_hours.Area) -> dict[str, str]:
    data = {"time_zone": area.zone}
    for span in area.spans:
        data[f"from_{span.weekday}"] = cover_hours.clock(span.starts)
        data[f"to_{span.weekday}"] = cover_hours.clock(span.ends)
    return data


# --- appeals ---------------------------------------------------------------------------------


@bp.route("/appeal", methods=["GET", "POST"])
@for_signed_in
def appeal():
    """A suspended member's (or a warned member's) one appeal of their sanction."""
    sanction = appeals.sanction_of(current_user)
    if sanction is None:
        return redirect(url_for("membership.status"))
    sent, form = appeals.appeal_of(current_user, sanction), AppealForm()
    if sent is None and form.validate_on_submit():
        with errors_on(form):
            appeals.submit(current_user, form.body.data)
            flash("Your appeal is sent. A moderator who did not take the decision will "
                  "read it and answer you by email.", "success")  # fmt: skip
            return redirect(url_for("safety.appeal"))
    return form_page("safety/appeal.html", form, sanction=sanction, sent=sent)


@bp.post("/moderation/appeals/<int:appeal_id>/<any(uphold, overturn):outcome>")
@moderator_required
def decide_appeal(appeal_id: int, outcome: str):
    form = AppealDecisionForm(prefix=f"appeal-{appeal_id}")
    if not form.validate_on_submit():
        flash("Write your answer to the member first.", "error")
        return redirect(url_for("moderation.queue", _anchor=f"appeal-{appeal_id}"))
    try:
        decided = appeals.decide(current_user, appeal_id, outcome, form.response.data)
    except (Conflict, NotAllowed, ValidationFailed) as exc:
        flash(str(exc), "error")
        return redirect(url_for("moderation.queue", _anchor="queue-appeals"))
    verb = "stands" if outcome == "uphold" else "is lifted"
    flash(f"{decided.member.display_name} is told that the sanction {verb}.", "success")
    return redirect(url_for("moderation.queue", _anchor="queue-appeals"))


def appeal_rows() -> list:
    """The appeals the signed-in moderator may answer, with a form each (for the queue page)."""
    return [
        (a, AppealDecisionForm(prefix=f"appeal-{a.id}", formdata=None))
        for a in appeals.open_for(current_user)
    ]


# --- moderator notes ---------------------------------------------------------------------------


@bp.post("/members/<int:member_id>/notes")
@moderator_required
def add_note(member_id: int):
    form = ModeratorNoteForm()
    try:
        if form.validate_on_submit():
            notes.add(current_user, member_id, form.body.data)
            flash("Your note is saved. Only moderators see it.", "success")
        else:
            flash("Write the note first (at most 2,000 characters).", "error")
    except ValidationFailed as exc:
        flash(str(exc), "error")
    return redirect(url_for("members.show", member_id=member_id, _anchor="notes-heading"))
