"""Reporting, for every member: one small form for a post, thread, idea, comment or member, and
"My reports" to see what became of them.

With htmx the form opens under the thing (``GET /report/<kind>/<id>`` returns
``reports/_form.html`` alone) and is replaced by the thanks; without JavaScript the same URL is
a page, and sending it leads back to where the member was.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from forum.extensions import htmx, limiter
from forum.numbers import whole
from forum.services.errors import ValidationFailed
from forum.services.moderation import reports
from forum.views import safe_next

bp = Blueprint("reports", __name__)

KINDS = "any(post, thread, idea, comment, member, message)"
THANKS = "Thank you — a moderator will look at this."


def _member_key() -> str:
    return f"reports:{current_user.id}"  # per member, whichever device they use


def _render(kind: str, target_id: int, status: int = 200, **context):
    template = "reports/_form.html" if htmx else "reports/report.html"
    context.setdefault("reasons", reports.reasons())
    html = render_template(template, kind=kind, target_id=target_id, **context)
    return make_response(html, status)


@bp.route(f"/report/<{KINDS}:kind>/<int:target_id>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RATELIMIT_REPORTS"], methods=["POST"],
               key_func=_member_key)  # fmt: skip
def report(kind: str, target_id: int):
    back = safe_next(request.values.get("next"))
    try:
        target = reports.reportable(current_user, kind, target_id)
    except reports.CannotReport as exc:
        return _render(kind, target_id, 409, refused=str(exc), back=back)
    earlier = reports.existing(current_user, target.kind, target.id)
    if earlier is not None:
        return _render(kind, target_id, 200 if request.method == "GET" else 409,
                       target=target, earlier=earlier, back=back)  # fmt: skip
    if request.method == "GET":
        return _render(kind, target_id, target=target, back=back)
    return _send(kind, target_id, target, back)


def _send(kind: str, target_id: int, target, back: str | None):
    form = request.form
    try:
        report = reports.submit(
            current_user, kind, target_id, reason=form.get("reason"), note=form.get("note")
        )
    except ValidationFailed as exc:
        return _render(kind, target_id, 422, target=target, errors=exc.field_errors, back=back,
                       chosen=form.get("reason"), note=form.get("note", ""))  # fmt: skip
    except reports.AlreadyReported as exc:
        return _render(kind, target_id, 409, target=target, earlier=exc.report, back=back)
    except reports.CannotReport as exc:
        return _render(kind, target_id, 409, refused=str(exc), back=back)
    if htmx:
        return render_template(
            "reports/_thanks.html", kind=kind, target_id=target_id, urgent=report.is_urgent
        )
    flash(THANKS, "urgent_report" if report.is_urgent else "success")
    return redirect(back or url_for("reports.mine"))


@bp.get("/reports/mine")
def mine():
    page = request.args.get("page", 1, type=whole)
    pagination, rows = reports.mine(current_user, page if page and page > 0 else 1)
    return render_template("reports/mine.html", page=pagination, rows=rows)
