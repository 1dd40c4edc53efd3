"""Writing in Markdown, shared by every area: the live preview, and telling drafts they are saved.

Forms that take Markdown use the ``editor`` macro (templates/_macros/editor.html). Its text is
kept in the browser as a draft until the view that saved it calls ``draft_saved(key)``.
"""

import hashlib
import hmac
import json

from flask import Blueprint, Flask, current_app, flash, render_template, request, session
from flask_login import current_user

from forum import richtext
from forum.extensions import htmx
from forum.services import posting
from forum.services.errors import ValidationFailed
from forum.services.safety import watched_words

bp = Blueprint("compose", __name__, url_prefix="/compose")
SESSION_KEY = "drafts_saved"


@bp.post("/preview")
def preview():
    """The safe HTML of the text in field ``?field=`` (default ``body``), for the preview box."""
    text = request.form.get(request.args.get("field", "body"), "")
    signpost = watched_words.signposts(text)  # the crisis contacts, before posting
    try:
        watched_words.screen(body=text)
        html = richtext.render(posting.clean_body(text))
    except ValidationFailed as exc:
        return render_template(
            "compose/_preview.html", message=str(exc), html=None, signpost=signpost
        )
    return render_template("compose/_preview.html", html=html, message=None, signpost=signpost)


def signpost_if(*texts: str | None) -> None:
    """After a member's writing is saved: gently show the crisis contacts if it holds a
    signpost word (on the next page, or out of band to htmx: the flash category
    ``signpost``, templates/_flash.html)."""
    if watched_words.signposts(*texts):
        flash("Would you like to talk to someone now?", "signpost")


def draft_saved(key: str) -> None:
    """The text behind draft ``key`` was saved: the browser may forget its copy."""
    keys = session.get(SESSION_KEY, [])
    session[SESSION_KEY] = [*keys, key][-10:]


def saved_drafts() -> list[str]:
    """Keys of drafts saved since the last page, once (for the page that follows a redirect)."""
    return session.pop(SESSION_KEY, []) if SESSION_KEY in session else []


def draft_owner() -> str:
    """An opaque name for the signed-in member, under which the browser keeps their drafts
    (empty when nobody is signed in: nothing is kept). Another name on the same browser means
    someone else signed in, and the browser wipes what the last person left (static/js/forum.js).
    It is derived from the secret key, so it says nothing about who the member is."""
    if not (current_user.is_authenticated and current_user.is_member):
        return ""
    key = str(current_app.config["SECRET_KEY"]).encode()
    message = f"draft-owner:{current_user.id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def just_signed_out() -> bool:
    """True once, on the page after signing out: the browser forgets what the member left."""
    return bool(session.pop("signed_out", False)) if "signed_out" in session else False


def _tell_htmx(response):
    if htmx and SESSION_KEY in session:
        keys = session.pop(SESSION_KEY)
        response.headers["HX-Trigger"] = json.dumps({"forum:drafts-saved": {"keys": keys}})
    return response


def init_app(app: Flask) -> None:
    app.after_request(_tell_htmx)
    app.context_processor(
        lambda: {
            "saved_drafts": saved_drafts,
            "draft_owner": draft_owner,
            "just_signed_out": just_signed_out,
        }
    )
