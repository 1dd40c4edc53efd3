"""Messages between members: the inbox, starting a conversation, reading and writing in one,
leaving or muting it, and turning messages off. Only a conversation's members reach it
(``services/messages/conversations.py``): anyone else, moderators too, gets 404."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import db
from forum.forms.safety import MessageForm, NewConversationForm
from forum.models import Member
from forum.numbers import whole, whole_or_none
from forum.permissions import keeps_input_on_csrf_error
from forum.services import posting
from forum.services.errors import NotAllowed
from forum.services.forums import content_warnings
from forum.services.messages import conversations
from forum.views import errors_on
from forum.views.compose import draft_saved, signpost_if

bp = Blueprint("conversations", __name__, url_prefix="/conversations")


def _form(cls):
    return cls().offer_warnings(content_warnings.offered(current_user))


def _attempt(form, action):
    """(result, None), or (None, status) with the refusal on the form and the text kept."""
    try:
        with errors_on(form):
            return action(), None
        return None, 422
    except posting.RateLimited as exc:
        form.form_errors.append(str(exc))
        return None, 429
    except NotAllowed as exc:
        form.form_errors.append(str(exc))
        return None, 403


@bp.get("/")
def inbox():
    return render_template(
        "conversations/inbox.html",
        rows=conversations.inbox(current_user),
        messages_off=conversations.messages_off(current_user.id),
    )


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new():
    ids = [n for n in map(whole_or_none, request.values.getlist("to")) if n is not None]
    people = [db.session.get(Member, n) for n in ids[: conversations.MAX_OTHERS]]
    if not people or None in people:
        abort(404)
    form, status = _form(NewConversationForm), 200
    if form.validate_on_submit():
        started, status = _attempt(form, lambda: conversations.start(
            current_user, ids, body=form.body.data, subject=form.subject.data,
            warning_ids=form.warning_ids(), warning_note=form.warning_note.data,
        ))  # fmt: skip
        if started is not None:
            draft_saved("conversation-new-" + "-".join(map(str, sorted(ids))))
            flash("Your message is sent.", "success")
            signpost_if(form.subject.data, form.body.data)
            return redirect(url_for(".show", conversation_id=started.id))
    elif form.is_submitted():
        status = 422
    refused = [r for r in (conversations.refusal(current_user, p) for p in people) if r]
    return render_template(
        "conversations/new.html", form=form, people=people, refused=refused
    ), status


@bp.get("/<int:conversation_id>")
def show(conversation_id: int):
    conversation = conversations.get(current_user, conversation_id)
    return _page(conversation, _form(MessageForm))


def _page(conversation, form, status: int = 200):
    html = render_template(
        "conversations/show.html",
        conversation=conversation,
        messages=conversations.messages(current_user, conversation),
        mine=conversations.own_membership(current_user, conversation),
        form=form,
    )
    conversations.mark_read(current_user, conversation)
    return html, status


@bp.get("/<int:conversation_id>/after")
def after(conversation_id: int):
    """Live: the messages after ``?after=<id>`` (the list's partial)."""
    conversation = conversations.get(current_user, conversation_id)
    found = conversations.messages(current_user, conversation, whole(request.args.get("after")))
    html = render_template(
        "conversations/_messages.html", messages=found, conversation=conversation, arriving=True
    )
    conversations.mark_read(current_user, conversation)
    return html


@bp.post("/<int:conversation_id>")
@keeps_input_on_csrf_error
def send(conversation_id: int):
    conversation = conversations.get(current_user, conversation_id)
    form = _form(MessageForm)
    sent, status = None, 422
    if form.validate_on_submit():
        sent, status = _attempt(form, lambda: conversations.send(
            current_user, conversation.id, body=form.body.data,
            warning_ids=form.warning_ids(), warning_note=form.warning_note.data,
        ))  # fmt: skip
    if sent is None:
        return _page(conversation, form, status or 422)
    draft_saved(f"conversation-{conversation.id}")
    signpost_if(form.body.data)
    return redirect(url_for(".show", conversation_id=conversation.id, _anchor=f"message-{sent.id}"))


@bp.post("/<int:conversation_id>/<any(leave, mute, unmute):action>")
def change(conversation_id: int, action: str):
    if action == "leave":
        conversations.leave(current_user, conversation_id)
        flash("You left the conversation. It no longer appears in your messages.", "success")
        return redirect(url_for(".inbox"))
    conversations.set_muted(current_user, conversation_id, action == "mute")
    flash("Muted: you are not notified of new messages here." if action == "mute"
          else "Unmuted: you are notified of new messages again.", "success")  # fmt: skip
    return redirect(url_for(".show", conversation_id=conversation_id))


@bp.post("/settings")
def settings():
    off = request.form.get("messages") == "off"
    conversations.set_messages_off(current_user, off)
    flash("Messages are off: members cannot start a conversation with you (moderators still can)."
          if off else "Messages are on: members can write to you.", "success")  # fmt: skip
    return redirect(url_for(".inbox"))
