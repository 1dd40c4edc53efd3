"""Members as other members see them (a small page: name, region, role), muting, and the
messages a member has had from the moderators."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import db
from forum.models import Member, MemberStatus
from forum.services.errors import ValidationFailed
from forum.services.messages import conversations
from forum.services.moderation import notes as moderator_notes
from forum.services.people import mutes, sanctions
from forum.views import safe_next

bp = Blueprint("members", __name__)


def _member(member_id: int) -> Member:
    """An active member (the moderators of their region also see a suspended one); 404 for
    anyone else, so a suspension is not told to those who do not moderate the member."""
    found = db.session.get(Member, member_id)
    if found is None or found.status not in (MemberStatus.ACTIVE, MemberStatus.SUSPENDED):
        abort(404)
    if found.status == MemberStatus.SUSPENDED and not current_user.moderates(found.region_id):
        abort(404)
    return found


@bp.get("/members/<int:member_id>")
def show(member_id: int):
    person = _member(member_id)
    return render_template(
        "members/show.html",
        person=person,
        muted=mutes.is_muted(current_user, person.id),
        moderates=current_user.moderates(person.region_id),
        notes=moderator_notes.notes_on(current_user, person),
        may_note=moderator_notes.may_read(current_user, person),
        may_message=conversations.may_message(current_user, person),
    )


@bp.post("/members/<int:member_id>/<any(mute, unmute):action>")
def mute(member_id: int, action: str):
    try:
        if action == "mute":
            person = mutes.mute(current_user, member_id)
            flash(f"You muted {person.display_name}. Their posts are folded away for you; "
                  "they are not told.", "success")  # fmt: skip
        else:
            mutes.unmute(current_user, member_id)
            flash("Unmuted: you see their posts as before.", "success")
    except ValidationFailed as exc:
        flash(str(exc), "warning")
    return redirect(safe_next(request.form.get("next")) or url_for(".show", member_id=member_id))


@bp.get("/messages")
def messages():
    """Messages from the moderators; opening the page marks them read."""
    found = sanctions.messages(current_user)
    unread = current_user.unread_messages
    html = render_template("members/messages.html", messages=found, unread=unread)
    sanctions.mark_read(current_user)
    return html
