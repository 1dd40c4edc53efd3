"""Writing in Markdown, shared by every area: the live preview, and telling drafts they are saved.

Forms that take Markdown use the ``editor`` macro (templates/_macros/editor.html). Its text is
kept in the browser as a draft until the view that saved it calls ``draft_saved(key)``.
"""

from flask import Blueprint, Flask, render_template, request, session

from forum.extensions import htmx
from forum.services import posting, richtext
from forum.services.errors import ValidationFailed

bp = Blueprint("compose", __name__, url_prefix="/compose")
SESSION_KEY = "drafts_saved"


@bp.post("/preview")
def preview():
    """The safe HTML of the text in field ``?field=`` (default ``body``), for the preview box."""
    text = request.form.get(request.args.get("field", "body"), "")
    try:
        html = richtext.render(posting.clean_body(text))
    except ValidationFailed as exc:
        return render_template("compose/_preview.html", message=str(exc), html=None)
    return render_template("compose/_preview.html", html=html, message=None)


def draft_saved(key: str) -> None:
    """The text behind draft ``key`` was saved: the browser may forget its copy."""
    keys = session.get(SESSION_KEY, [])
    session[SESSION_KEY] = [*keys, key][-10:]


def saved_drafts() -> list[str]:
    """Keys of drafts saved since the last page, once (for the page that follows a redirect)."""
    return session.pop(SESSION_KEY, []) if SESSION_KEY in session else []


def _tell_htmx(response):
    if htmx and SESSION_KEY in session:
        import json

        keys = session.pop(SESSION_KEY)
        response.headers["HX-Trigger"] = json.dumps({"forum:drafts-saved": {"keys": keys}})
    return response


def init_app(app: Flask) -> None:
    app.after_request(_tell_htmx)
    app.context_processor(lambda: {"saved_drafts": saved_drafts})
