"""Forums, threads and posts: read a forum, read a thread, start one, reply, quote, edit, remove.

Partials the pages include, and that htmx (and live updates) can fetch alone:
- ``GET /threads/<id>/posts?after=<post id>``: ``_posts.html``, the posts newer than that one
  (with ``shown=<id>:<version>``, also the shown posts that changed or went, out of band);
- ``GET /posts/<id>`` (htmx): ``_post.html``, one post (``id="post-<id>"``);
- ``GET /threads/<id>/row``: ``_thread_row.html``, its row in the forum (``id="thread-<id>"``);
- ``GET /forums/<slug>/threads?after=<post id>``: the rows of threads with newer posts (and,
  with ``shown``, the shown rows that changed or went).
Every one of them goes through the same loaders, so what a member may not see is a 404.
"""

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user

from forum.extensions import htmx
from forum.forms.forums import DeletePostForm, EditPostForm, ReplyForm, ThreadForm
from forum.numbers import whole
from forum.permissions import keeps_input_on_csrf_error
from forum.services import posting
from forum.services.errors import NotFound, ValidationFailed
from forum.services.forums import content_warnings, listing, threads, visibility, watching
from forum.services.live import events
from forum.services.moderation import targets
from forum.views import errors_on, render_partial
from forum.views.compose import draft_saved, signpost_if

bp = Blueprint("forums", __name__)


@bp.app_template_global()
def cw_mode(warnings, author_id=None) -> str:
    """How the signed-in member sees something carrying ``warnings``: plain/show/ask/hide."""
    return content_warnings.mode(current_user, warnings, author_id)


@bp.app_template_filter("warning_sentence")
def warning_sentence(warnings) -> str:
    return content_warnings.sentence(warnings)


def _attempt(form, action):
    """Run a service call for a form: (result, None), or (None, status) with the refusal
    shown on the form and everything typed kept."""
    try:
        with errors_on(form):
            return action(), None
        return None, 422
    except posting.RateLimited as exc:
        form.form_errors.append(str(exc))
        return None, 429
    except threads.Closed as exc:
        form.form_errors.append(str(exc))
        return None, 403


def _refused(form) -> int:
    """Status for a form that did not validate: 400 when its session token expired."""
    return 400 if form.csrf_token.errors else 422


def _writing_form(cls, **kwargs):
    return cls(**kwargs).offer_warnings(content_warnings.offered(current_user))


# --- a forum ----------------------------------------------------------------------------------


@bp.app_context_processor
def _watch_levels() -> dict:
    return {"watch_levels": watching.LEVELS}


@bp.get("/forums/<slug>")
def forum(slug: str):
    forum = visibility.get_forum(current_user, slug)
    page = listing.threads_page(current_user, forum, request.args.get("page", 1, type=whole))
    level = watching.forum_level(current_user, forum.id)
    return render_template("forums/forum.html", forum=forum, page=page, forum_level=level)


@bp.post("/forums/<slug>/watch")
def watch_forum(slug: str):
    """Watching, tracking, normal or muted, for a whole forum (its threads follow)."""
    try:
        forum, level = watching.choose_for_forum(current_user, slug, request.form.get("level"))
    except ValidationFailed as exc:
        return str(exc.field_errors.get("level", exc)), 422
    action = url_for(".watch_forum", slug=forum.slug)
    return _watch_saved(action, "forum", level, url_for(".forum", slug=forum.slug))


@bp.post("/threads/<int:thread_id>/watch")
def watch_thread(thread_id: int):
    """Watching, tracking, normal or muted, for one thread."""
    try:
        thread, level = threads.watch_thread(current_user, thread_id, request.form.get("level"))
    except ValidationFailed as exc:
        return str(exc.field_errors.get("level", exc)), 422
    action = url_for(".watch_thread", thread_id=thread.id)
    return _watch_saved(action, "thread", level, url_for(".thread", thread_id=thread.id))


def _watch_saved(action: str, noun: str, level, back: str):
    """htmx: the form again, as saved; otherwise back to the page (or Account → Notifications)."""
    if request.form.get("back") == "account":
        back = url_for("notifications.settings")
    if not htmx:
        flash(f"Notifications for this {noun}: {watching.LEVELS[level].label}.", "success")
        return redirect(back)
    html = render_template(
        "forums/_watch_form.html", watch_action=action, watch_noun=noun, watch_level=level,
        watch_saved=True,
    )  # fmt: skip
    response = make_response(html)
    response.vary.add("HX-Request")
    return response


@bp.get("/forums/<slug>/threads")
def thread_updates(slug: str):
    """Live: rows of threads with posts after ``?after=<post id>`` (none without it), and the
    ``shown`` rows (``<thread id>:<version>``) that changed since, or went."""
    forum = visibility.get_forum(current_user, slug)
    after = request.args.get("after", 0, type=whole) if "after" in request.args else None
    sent = events.shown(request.args.getlist("shown"))
    rows, current = listing.rows_for_page(current_user, forum, after, list(sent))
    changed, gone = events.changed(sent, current, row_version)
    changed = [row for row in changed if row not in rows]  # those move up, as new activity
    return render_template("forums/_thread_rows.html", rows=rows, changed=changed, gone=gone)


def row_version(row: listing.ThreadRow) -> str:
    """A thread's row as this member sees it changes with the thread and their read state
    (the version its kept HTML carries: ``fragments.ThreadRowView.live_version``)."""
    return events.version(row.thread, row.state, row.mode)


@bp.get("/threads/<int:thread_id>/row")
def thread_row(thread_id: int):
    return render_template(
        "forums/_thread_row.html", row=listing.thread_row(current_user, thread_id)
    )


@bp.route("/forums/<slug>/new", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def new_thread(slug: str):
    forum = visibility.get_forum(current_user, slug)
    form, status = _writing_form(ThreadForm), 200
    if form.validate_on_submit():
        thread, status = _attempt(
            form,
            lambda: threads.start_thread(
                current_user,
                slug,
                title=form.title.data,
                body=form.body.data,
                warning_ids=form.warning_ids(),
                warning_note=form.warning_note.data,
            ),
        )
        if thread is not None:
            draft_saved(f"thread-new-{forum.id}")
            signpost_if(form.title.data, form.body.data)
            if thread.is_held:
                flash("Thank you for sharing. Your thread waits for a moderator to approve it; "
                      "until then only you and the moderators see it.", "success")  # fmt: skip
            else:
                flash("Your thread is started. Thank you for sharing.", "success")
            _tell_unreached(thread.unreached_mentions)
            return redirect(url_for(".thread", thread_id=thread.id, page=1))
    elif form.is_submitted():
        status = _refused(form)
    elif forum.staff_only and (
        draft := targets.discussion_draft(current_user, request.args.get("about"))
    ):
        form.title.data, form.body.data = draft  # "Discuss this with the moderators"
    return render_template("forums/new_thread.html", forum=forum, form=form), status


# --- a thread -------------------------------------------------------------------------------


@bp.get("/threads/<int:thread_id>")
def thread(thread_id: int):
    """A page of posts. Without ``?page=``, a thread read before opens at its first unread
    post (or its last post when all is read); a thread never opened, at the top. A thread
    hidden by a moderator says so to members."""
    try:
        thread = threads.get_thread(current_user, thread_id)
    except NotFound:
        hidden = threads.hidden_thread(current_user, thread_id)
        if hidden is None:
            raise
        return render_template("forums/hidden_thread.html", thread=hidden)
    page = request.args.get("page", type=whole)
    quoted = request.args.get("quote", type=whole)
    if page is None and not quoted and (resume := threads.resume_at(thread)):
        page, post_id = resume
        return redirect(
            url_for(".thread", thread_id=thread.id, page=page, _anchor=f"post-{post_id}")
        )
    form = _writing_form(ReplyForm, formdata=None)
    if quoted:  # "Quote" without JavaScript: the reply box starts with the quote
        form.body.data, form.warnings.data = threads.quote(current_user, quoted)
    return _thread_page(thread, page or 1, form)


def _thread_page(thread, page_number: int, form, status: int = 200):
    page = threads.posts_page(current_user, thread, page_number)
    last = page.page >= page.pages
    html = render_template(
        "forums/thread.html",
        thread=thread,
        page=page,
        form=form,
        opening=threads.opening_post(current_user, thread) if page.page == 1 else None,
        held=threads.held_posts(current_user, thread) if last else [],
    )
    threads.mark_read(current_user, thread, page.items[-1].id if page.items else None)
    return make_response(html, status)


@bp.get("/threads/<int:thread_id>/posts")
def posts_after(thread_id: int):
    """Live: the posts after ``?after=<post id>`` (none without it), and the ``shown`` posts
    (``<id>:<version>``) that changed since, or went.

    Nothing is marked read here: new posts may wait behind "show them" (``read`` does it once
    the reader has them in front of them)."""
    thread = threads.get_thread(current_user, thread_id)
    after = request.args.get("after", 0, type=whole) if "after" in request.args else None
    sent = events.shown(request.args.getlist("shown"))
    answer = threads.posts_for_page(current_user, thread, after, list(sent))
    changed, gone = events.changed(sent, answer.shown, events.version)
    return render_template(
        "forums/_posts.html",
        thread=thread,
        posts=answer.new,
        more=answer.more,
        changed=changed,
        gone=gone,
    )


@bp.get("/threads/<int:thread_id>/mentionable")
def mentionable(thread_id: int):
    """``@name`` autocomplete: the options (``_mention_options.html``) for ``?q=``."""
    people = threads.mentionable(current_user, thread_id, request.args.get("q"))
    response = make_response(render_template("forums/_mention_options.html", people=people))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/threads/<int:thread_id>/read")
def read(thread_id: int):
    """Live: the reader has the posts up to ``up_to`` in front of them (they showed the new
    replies, or were at the end of the thread when they came): their read position moves."""
    thread = threads.get_thread(current_user, thread_id)
    up_to = min(request.form.get("up_to", 0, type=whole), thread.last_post_id or 0)
    threads.mark_read(current_user, thread, up_to)
    return "", 204


@bp.post("/threads/<int:thread_id>/reply")
@keeps_input_on_csrf_error
def reply(thread_id: int):
    thread = threads.get_thread(current_user, thread_id)
    form = _writing_form(ReplyForm)
    post, status = None, _refused(form)
    if form.validate_on_submit():
        post, status = _attempt(
            form,
            lambda: threads.reply(
                current_user,
                thread.id,
                body=form.body.data,
                warning_ids=form.warning_ids(),
                warning_note=form.warning_note.data,
            ),
        )
    if post is None:
        return _reply_refused(thread, form, status)
    draft_saved(f"reply-thread-{thread.id}")
    signpost_if(form.body.data)
    if post.is_held:
        flash("Thank you. Your reply waits for a moderator to approve it; then everyone sees it.",
              "success")  # fmt: skip
    else:
        flash("Your reply is posted.", "success")
    _tell_unreached(post.unreached_mentions)
    if htmx:
        return _reply_sent(thread, post, form.after.data or post.id - 1)
    return redirect(_post_url(post))


def _tell_unreached(names) -> None:
    """The writer hears which ``@names`` told nobody (no such member, or not in this forum)."""
    if names:
        flash(f"Nobody was told of {', '.join(names)}: no member of that name can see this "
              "forum.", "warning")  # fmt: skip


def _reply_refused(thread, form, status: int):
    if not htmx:
        return _thread_page(thread, threads.last_page(thread), form, status)
    form_html = render_template("forums/_reply_form.html", thread=thread, form=form)
    return htmx_response(form_html, status, retarget="#reply-form", reswap="outerHTML")


def _reply_sent(thread, post, after: int):
    """htmx: the posts since the page's newest (the reply among them), a fresh form, a note."""
    posts, more = threads.posts_after(current_user, thread, after)
    if more:  # the page is far behind: go to the page where the reply landed instead
        return htmx_response("", 204, redirect=_post_url(post))
    fresh = _writing_form(ReplyForm, formdata=None)
    return render_template("forums/_reply_sent.html", thread=thread, posts=posts, form=fresh)


# --- a post ---------------------------------------------------------------------------------


def _post_url(post) -> str:
    # Posts waiting for approval are shown to their author at the end of the last page.
    page = threads.last_page(post.thread) if post.is_held else threads.page_of(post)
    return url_for(".thread", thread_id=post.thread_id, page=page, _anchor=f"post-{post.id}")


@bp.get("/posts/<int:post_id>")
def post(post_id: int):
    """A link to one post: its place in its thread; for htmx, the post alone."""
    post = threads.get_post(current_user, post_id)
    if htmx:
        return render_template("forums/_post.html", post=post, thread=post.thread)
    return redirect(_post_url(post))


@bp.get("/posts/<int:post_id>/quote")
def quote(post_id: int):
    """htmx: the post as a Markdown quote for the reply box; otherwise the thread's reply form
    with the quote in it."""
    post = threads.get_post(current_user, post_id)
    if not htmx:
        page = threads.last_page(post.thread)
        return redirect(
            url_for(".thread", thread_id=post.thread_id, page=page, quote=post.id, _anchor="reply")
        )
    text, warning_ids = threads.quote(current_user, post.id)
    return render_template("forums/_quote.html", text=text, warning_ids=warning_ids)


@bp.route("/posts/<int:post_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_error
def edit_post(post_id: int):
    post = threads.get_post(current_user, post_id, check_author=True)
    form, status = _edit_form(post), 200
    if form.validate_on_submit():
        saved, status = _attempt(
            form,
            lambda: threads.edit_post(
                current_user,
                post.id,
                body=form.body.data,
                title=form.title.data,
                warning_ids=form.warning_ids(),
                warning_note=form.warning_note.data,
            ),
        )
        if saved is not None:
            draft_saved(f"edit-post-{post.id}")
            if htmx:
                return render_template("forums/_post.html", post=saved, thread=saved.thread)
            flash("Your changes are saved.", "success")
            return redirect(_post_url(saved))
    elif form.is_submitted():
        status = _refused(form)
    return render_partial(
        "forums/edit_post.html", "forums/_edit_form.html", status, post=post, form=form
    )


def _edit_form(post) -> EditPostForm:
    current = {
        "title": post.thread.title,
        "body": post.body_source,
        "warnings": [w.id for w in post.warnings],
        "warning_note": post.warning_note,
    }
    kwargs = {"data": current} if request.method == "GET" else {}
    form = _writing_form(EditPostForm, prefix=f"post{post.id}", **kwargs)
    return form


@bp.route("/posts/<int:post_id>/delete", methods=["GET", "POST"])
def delete_post(post_id: int):
    """Ask "are you sure?", then remove one's own post."""
    post = threads.get_post(current_user, post_id, check_author=True)
    form = DeletePostForm()
    if form.validate_on_submit():
        threads.delete_post(current_user, post.id)
        flash("Your post is removed. Moderators can still see it.", "success")
        return redirect(_post_url(post))
    return render_template("forums/delete_post.html", post=post, form=form)


@bp.get("/posts/<int:post_id>/history")
def post_history(post_id: int):
    post, revisions = threads.revisions(current_user, post_id)
    return render_template("forums/history.html", post=post, revisions=revisions)
