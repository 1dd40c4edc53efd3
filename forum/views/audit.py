"""The audit log, for moderators and administrators: read and filter, never change. A regional
moderator reads the entries of their regions and their own actions (``audit.visible_clause``)."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.permissions import moderator_required
from forum.services import audit

bp = Blueprint("audit", __name__, url_prefix="/moderation")


@bp.get("/audit")
@moderator_required
def log():
    log_filter = audit.LogFilter.from_args(request.args)
    return render_template(
        "moderation/audit.html",
        log_filter=log_filter,
        page=audit.entries(current_user, log_filter),
        actors=audit.actors(current_user),
        actions=audit.ACTIONS,
        kinds=audit.KINDS,
    )


@bp.app_template_global()
def audit_label(action: str) -> str:
    """How an action reads in the log: "hid", "locked", "changed the role of"..."""
    return audit.ACTIONS.get(action, action)
