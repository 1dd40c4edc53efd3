"""The home page and the crisis contacts page."""

from flask import Blueprint, render_template

from forum.permissions import public
from forum.services import site

bp = Blueprint("pages", __name__)


@bp.get("/")
def home():
    return render_template("pages/home.html")


@bp.get("/help/urgent")
@public
def urgent_help():
    return render_template("pages/urgent_help.html", contacts=site.crisis_contacts())
