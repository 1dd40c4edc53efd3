"""The home page (the forum index) and the crisis contacts page."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum.permissions import public
from forum.services import forums, site

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """Every forum the member may see, with its latest thread and what is new for them."""
    return render_template("forums/index.html", summaries=forums.forum_index(current_user))


@bp.get("/help/urgent")
@public
def urgent_help():
    return render_template("pages/urgent_help.html", contacts=site.crisis_contacts())
