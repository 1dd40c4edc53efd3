"""The home page (the forum index), the crisis contacts page and the accessibility statement."""

from flask import Blueprint, render_template
from flask_login import current_user

from forum.permissions import public
from forum.services.forums import listing
from forum.services.network import accessibility, crisis_contacts

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    """Every forum the member may see, with its latest thread and what is new for them."""
    return render_template("forums/index.html", summaries=listing.forum_index(current_user))


@bp.get("/help/urgent")
@public
def urgent_help():
    return render_template("pages/urgent_help.html", contacts=crisis_contacts.crisis_contacts())


@bp.get("/accessibility")
@public
def accessibility_statement():
    return render_template("pages/accessibility.html", statement=accessibility.statement())
