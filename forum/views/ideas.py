"""The ideas clinic for members: the board, suggesting an idea, voting, comments, my ideas.

Partials for htmx and live updates have stable ids: ``#idea-<id>-votes`` (GET
``/ideas/<id>/votes``), ``#idea-<id>-comments`` (GET ``/ideas/<id>/comments``),
``#comment-<id>`` (GET ``/ideas/comments/<id>``), ``#idea-<id>`` (a card: GET
``/ideas/<id>/card``) and ``#outcome`` (GET ``/ideas/<id>/outcome``). Live lists ask
``/ideas/updates`` (the board) and ``/ideas/<id>/comments/new`` (an idea's comments) for new
items and for the shown ones that changed (``shown=<id>:<version>``).
"""

from datetime import datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from forum.extensions import htmx
from forum.forms import add_errors
from forum.forms.ideas import CommentForm, IdeaForm, MergeForm, StatusForm
from forum.models import IdeaComment
from forum.numbers import whole
from forum.permissions import keeps_input_on_csrf_error
from forum.services.errors import NotAllowed, NotFound, ValidationFailed
from forum.services.ideas import access, voting
from forum.services.ideas import board as ideas_board
from forum.services.ideas import comments as idea_comments
from forum.services.live import events
from forum.services.network import regions as network_regions
from forum.services.posting import RateLimited, RepeatedPost
from forum.views import errors_on, form_page, safe_next
from forum.views.compose import draft_saved, signpost_if

bp = Blueprint("ideas", __name__, url_prefix="/ideas")
NEW_IDEA_DRAFT = "idea-new"


def _page() -> int:
    return request.args.get("page", 1, type=whole) or 1


def _voting(items) -> dict:
    """What vote buttons need: which ideas the member backs (one query), votes left."""
    return {
        "voted": voting.voted_ids(current_user, [i.id for i in items]),
        "votes_left": voting.votes_left(current_user),
    }


def _visible(idea_id: int, details: bool = True):
    return access.visible_idea(current_user, idea_id, details=details)


@bp.get("/")
def board():
    regions, tags = network_regions.regions(), ideas_board.tags()
    view = ideas_board.BoardView.from_args(request.args, regions, tags)
    page = ideas_board.board(current_user, view)
    return render_template(
        "ideas/board.html",
        view=view,
        page=page,
        regions=regions,
        tags=tags,
        board_topics=access.board_topics(current_user),
        **_voting(page.items),
    )


def _since() -> datetime | None:
    try:
        return datetime.fromisoformat(request.args.get("since", ""))
    except ValueError:
        return None


@bp.get("/updates")
def board_updates():
    """Live: ideas suggested since ``?since=`` (the board's filters apply), and the ``shown``
    cards (``<id>:<version>``) that changed since, or went."""
    view = ideas_board.BoardView.from_args(
        request.args, network_regions.regions(), ideas_board.tags()
    )
    since = _since()
    new = ideas_board.new_since(current_user, view, since) if since and since.tzinfo else []
    sent = events.shown(request.args.getlist("shown"))
    current = ideas_board.cards(current_user, list(sent))
    voted = voting.voted_ids(current_user, [*current, *(idea.id for idea in new)])
    changed, gone = events.changed(sent, current, lambda i: events.version(i, i.id in voted))
    return render_template(
        "ideas/_board_updates.html",
        new=new,
        changed=changed,
        gone=gone,
        voted=voted,
        back=safe_next(request.args.get("back")),
    )


@bp.get("/<int:idea_id>/card")
def card(idea_id: int):
    """An idea's card as the board shows it (htmx: live updates refresh it)."""
    if not htmx:
        return redirect(url_for("ideas.show", idea_id=idea_id))
    found = ideas_board.cards(current_user, [idea_id]).get(idea_id)
    if found is None:
        abort(404)
    return render_template(
        "ideas/_idea.html",
        idea=found,
        voted=voting.voted_ids(current_user, [idea_id]),
        back=safe_next(request.args.get("back")),
    )


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new():
    form, status = IdeaForm().offer(network_regions.regions(), ideas_board.tags()), 200
    if form.validate_on_submit():
        try:
            idea, voted = ideas_board.submit(current_user, **form.values())
        except RepeatedPost as exc:
            flash(str(exc), "info")
            return redirect(url_for("ideas.show", idea_id=exc.existing_id))
        except RateLimited as exc:
            form.form_errors.append(str(exc))
            status = 429
        except ValidationFailed as exc:
            add_errors(form, exc)
            status = 422
        else:
            draft_saved(NEW_IDEA_DRAFT)
            flash(_submitted(voted), "success")
            signpost_if(form.title.data, form.description.data)
            return redirect(url_for("ideas.show", idea_id=idea.id))
    elif form.is_submitted():
        status = 400
    similar = ideas_board.similar(current_user, form.title.data) if form.title.data else []
    return render_template("ideas/new.html", form=form, similar=similar), status


def _submitted(voted: bool) -> str:
    if voted:
        return "Thank you: your idea is on the board, with your vote."
    return (
        "Thank you: your idea is on the board. You have no votes left, so it does not have "
        "your vote yet: take one back from another idea to back it."
    )


@bp.get("/similar")
def similar():
    """Ideas like the title being typed (htmx, as the member types)."""
    title = request.args.get("title", "")[:200]
    exclude = request.args.get("exclude", type=whole)
    found = ideas_board.similar(current_user, title, exclude_id=exclude)
    return render_template("ideas/_similar.html", similar=found, title=title)


@bp.get("/mine")
def mine():
    show = request.args.get("show") if request.args.get("show") == "voted" else "submitted"
    finder = ideas_board.voted_by if show == "voted" else ideas_board.submitted_by
    page = finder(current_user, _page())
    return render_template("ideas/mine.html", show=show, page=page, **_voting(page.items))


@bp.get("/<int:idea_id>")
def show(idea_id: int):
    return idea_page(idea_id)


def idea_page(idea_id: int, status: int = 200, **forms):
    """The idea with its response, votes, history and comments (forms as given, or empty).
    An idea hidden by a moderator says so to members."""
    try:
        idea = access.visible_idea(current_user, idea_id)
    except NotFound:
        hidden = access.hidden_idea(current_user, idea_id)
        if hidden is None:
            abort(404)
        return render_template("ideas/hidden.html", idea=hidden)
    if idea.merged_into_id:
        flash("The idea you opened was merged into this one, where the talk goes on.", "info")
        return redirect(url_for("ideas.show", idea_id=idea.merged_into_id))
    history, merges_in = ideas_board.history_and_merges(current_user, idea.id)
    context = {
        "idea": idea,
        "history": history,
        "merges_in": merges_in,
        "merged_here": [change.idea for change in merges_in],
        "comments": idea_comments.comments(current_user, idea.id, _page()),
        "form": forms.get("form") or CommentForm(),
        **_voting([idea]),
    }
    if current_user.is_moderator and current_user.moderates(idea.region_id):
        context["status_form"] = forms.get("status_form") or StatusForm(
            data={"status": idea.status.value}
        )
        context["merge_form"] = forms.get("merge_form") or MergeForm()
        context["merge_suggestions"] = ideas_board.similar(
            current_user, idea.title, exclude_id=idea.id
        )
    return render_template("ideas/show.html", **context), status


# --- votes ------------------------------------------------------------------------------------


@bp.post("/<int:idea_id>/vote")
def vote(idea_id: int):
    """Vote (``vote=1``) or take the vote back (``vote=0``); either is safe to send twice."""
    if request.form.get("vote") not in ("0", "1"):
        abort(400)
    try:
        outcome = voting.set_vote(current_user, idea_id, request.form["vote"] == "1")
    except NotAllowed as exc:
        flash(str(exc), "warning")
        return _after_vote(idea_id, refused=True)
    if not htmx:
        flash(_vote_message(outcome.idea, outcome.voted), "success")
    return _after_vote(idea_id)


def _vote_message(idea, voted: bool) -> str:
    if voted:
        return f"Your vote for “{idea.title}” is counted. Pressing Vote again takes it back."
    return f"You took back your vote for “{idea.title}”."


def _after_vote(idea_id: int, refused: bool = False):
    back = safe_next(request.form.get("next"))
    if htmx and back:
        back = back.split("#")[0]  # the partial adds the idea's anchor again
    if not htmx:
        return redirect(back or url_for("ideas.show", idea_id=idea_id))
    idea = _visible(idea_id, details=False)
    return render_template(
        "ideas/_vote_response.html", idea=idea, back=back, refused=refused, **_voting([idea])
    ), 409 if refused else 200


@bp.get("/<int:idea_id>/votes")
def votes(idea_id: int):
    """The vote button and count of one idea, for this member."""
    if not htmx:
        return redirect(url_for("ideas.show", idea_id=idea_id))
    idea = _visible(idea_id, details=False)
    return render_template("ideas/_vote.html", idea=idea, **_voting([idea]))


@bp.get("/<int:idea_id>/outcome")
def outcome(idea_id: int):
    """The organisers' latest response, with the status and history out of band (htmx: live
    updates); a change newer than ``?seen=<change id>`` is also said to screen readers."""
    if not htmx:
        return redirect(url_for("ideas.show", idea_id=idea_id))
    idea = _visible(idea_id)
    history, merges_in = ideas_board.history_and_merges(current_user, idea.id)
    news = bool(history) and request.args.get("seen", type=whole) != history[-1].id
    return render_template(
        "ideas/_outcome_update.html", idea=idea, history=history, merges_in=merges_in, news=news
    )


# --- comments ---------------------------------------------------------------------------------


def _comment_url(comment: IdeaComment) -> str:
    page = idea_comments.page_of(comment)
    return url_for(
        "ideas.show",
        idea_id=comment.idea_id,
        page=page if page > 1 else None,
        _anchor=f"comment-{comment.id}",
    )


@bp.post("/<int:idea_id>/comments")
@keeps_input_on_csrf_error
def comment(idea_id: int):
    form = CommentForm()
    if not form.validate_on_submit():
        return idea_page(idea_id, 400, form=form)
    try:
        new_comment = idea_comments.add(current_user, idea_id, form.body.data)
    except (RepeatedPost, NotAllowed) as exc:
        flash(str(exc), "info")
        return redirect(url_for("ideas.show", idea_id=idea_id))
    except RateLimited as exc:
        form.form_errors.append(str(exc))
        return idea_page(idea_id, 429, form=form)
    except ValidationFailed as exc:
        add_errors(form, exc)
        return idea_page(idea_id, 422, form=form)
    draft_saved(f"idea-{idea_id}-comment")
    flash("Your comment is posted.", "success")
    signpost_if(form.body.data)
    return redirect(_comment_url(new_comment))


@bp.get("/<int:idea_id>/comments")
def comments(idea_id: int):
    """One page of the idea's comments (the list the idea page shows)."""
    if not htmx:
        return redirect(url_for("ideas.show", idea_id=idea_id, page=_page()))
    idea = _visible(idea_id, details=False)
    page = idea_comments.comments(current_user, idea.id, _page())
    return render_template("ideas/_comments.html", idea=idea, comments=page)


@bp.get("/<int:idea_id>/comments/new")
def comment_updates(idea_id: int):
    """Live: comments after ``?after=<id>`` (none without it), the ``shown`` ones
    (``<id>:<version>``) that changed since or went, and the count."""
    idea = _visible(idea_id, details=False)
    new = []
    if "after" in request.args:
        new = idea_comments.comments_after(
            current_user, idea.id, request.args.get("after", 0, whole)
        )
    sent = events.shown(request.args.getlist("shown"))
    current = idea_comments.comments_by_id(current_user, idea.id, list(sent))
    changed, gone = events.changed(sent, current, events.version)
    return render_template(
        "ideas/_comment_updates.html", idea=idea, comments=new, changed=changed, gone=gone
    )


@bp.get("/comments/<int:comment_id>")
def one_comment(comment_id: int):
    found = idea_comments.comment(current_user, comment_id)
    if not htmx:
        return redirect(_comment_url(found))
    return render_template("ideas/_comment.html", comment=found)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_comment(comment_id: int):
    found = idea_comments.own_comment(current_user, comment_id)
    form = CommentForm(data={"body": found.body_source} if request.method == "GET" else None)
    if form.validate_on_submit():
        with errors_on(form):
            idea_comments.edit(current_user, comment_id, form.body.data)
            draft_saved(f"comment-{comment_id}-edit")
            flash("Your comment is saved.", "success")
            return redirect(_comment_url(found))
    return form_page("ideas/edit_comment.html", form, comment=found)


@bp.post("/comments/<int:comment_id>/delete")
def delete_comment(comment_id: int):
    removed = idea_comments.remove(current_user, comment_id)
    flash("Your comment was removed.", "success")
    return redirect(_comment_url(removed))
