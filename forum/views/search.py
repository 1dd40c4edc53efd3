"""Search: the box in every member page's header, and the results page (``GET /search``, its
query and filters in the URL so a search can be bookmarked, shared with oneself or paged)."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.services.search import query

bp = Blueprint("search", __name__)


@bp.get("/search")
def results():
    outcome = query.search(current_user, request.args, query.page_number(request.args.get("page")))
    return render_template(
        "search/results.html",
        outcome=outcome,
        choices=query.choices(current_user),
        kinds=query.KIND_LABELS,
        orders=query.ORDERS,
    )
