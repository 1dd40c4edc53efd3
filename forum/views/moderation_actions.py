"""One thing as a moderator sees it (its reports, its history, every action that applies), and
the actions themselves: each a POST with CSRF, checked against the moderator's regions by
``moderation.actions.act`` in the service layer. Members, and moderators of other regions, get 404.

From a queue row (htmx) an action answers with the row gone (or a note saying who handled it
first), the message, the section's count and the badge out of band; from a page, it redirects
back with the message.
"""

import re

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from forum.extensions import htmx
from forum.numbers import whole
from forum.permissions import moderator_required
from forum.services import audit, scope
from forum.services.errors import AlreadyHandled, Conflict, NotAllowed, ValidationFailed
from forum.services.forums import content_warnings
from forum.services.moderation import actions, review_queue, targets
from forum.services.people import sanctions
from forum.views import safe_next

bp = Blueprint("moderate", __name__, url_prefix="/moderation")

KINDS = "any(post, thread, idea, comment, member, message)"
ROW_ID = re.compile(r"(report-[a-z]+|held)-[0-9]{1,12}")


def _target(kind: str, target_id: int):
    target = targets.load(kind, target_id)
    scope.require(current_user, target.region_id)
    return target


@bp.get(f"/<{KINDS}:kind>/<int:target_id>")
@moderator_required
def target(kind: str, target_id: int):
    found = _target(kind, target_id)
    if found.kind.value != kind:  # an opening post is its thread
        return redirect(url_for(".target", kind=found.kind.value, target_id=found.id))
    author = found.author
    return render_template(
        "moderation/target.html",
        target=found,
        row=review_queue.open_case_for(current_user, found),
        may_sanction=sanctions.may_sanction(current_user, author),
        history=audit.history(current_user, found.kind.value, found.id),
        warnings=content_warnings.offered(current_user),
        forums=actions.forums_to_move_to(current_user, found.obj)
        if found.kind.value == "thread"
        else [],
        periods=sanctions.PERIODS,
    )


def _params() -> dict:
    params = dict(request.form.items())
    params["warnings"] = request.form.getlist("warnings")
    return params


@bp.post(f"/<{KINDS}:kind>/<int:target_id>/<action>")
@moderator_required
def act(kind: str, target_id: int, action: str):
    case_id = request.form.get("case", type=whole)
    try:
        done = actions.act(
            current_user,
            kind,
            target_id,
            action,
            _params(),
            case_id=case_id,
            case_round=request.form.get("round", type=whole),
        )
    except (Conflict, NotAllowed, ValidationFailed) as exc:
        return _refused(exc, case_id)
    flash(done.message, "success")
    if htmx:
        return render_template(
            "moderation/_acted.html", queue_counts=review_queue.counts(current_user)
        )
    back = safe_next(request.form.get("next"))
    return redirect(back or url_for(".target", kind=kind, target_id=target_id))


def _refused(exc: Exception, case_id: int | None):
    """The action did not happen: say why. In the queue, a row someone else handled is
    replaced by a note saying who did what, and when."""
    flash(str(exc), "warning")
    if not htmx:
        return redirect(safe_next(request.form.get("next")) or url_for("moderation.queue"))
    row_id = request.form.get("row", "")
    if isinstance(exc, AlreadyHandled) and ROW_ID.fullmatch(row_id):
        return render_template(
            "moderation/_handled.html", row_id=row_id, by=exc.by, at=exc.at, what=exc.what,
            oob=True, queue_counts=review_queue.counts(current_user),
        )  # fmt: skip
    return htmx_response(render_template("_flash.html", oob=True), 409, reswap="none")
