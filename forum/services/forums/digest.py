"""What a digest says about the forums: threads with new posts since a date, in the forums the
member may see now, most active first, each with an excerpt of its newest post (or, behind a
warning the member wants to be asked about, only the warning's name).

Left out: hidden, held and removed threads and posts, posts by the member themselves, posts
with a warning the member hides, threads whose opening post carries one, and threads the
member muted (or whose forum they muted, ``watching``).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Forum, Member, Post, Thread, WatchLevel
from forum.services.forums import visibility, watching
from forum.services.notifications import mailing


def new_in_forums(member: Member, since: datetime) -> list[mailing.DigestItem]:
    """Threads with posts ``member`` may read that are newer than ``since`` (two queries and
    one for their warning choices)."""
    activity = db.session.execute(
        sa.select(Post.thread_id, sa.func.count(Post.id), sa.func.max(Post.id))
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(
            Post.created_at > since,
            Post.author_id != member.id,
            Post.held_at.is_(None),
            Post.hidden_at.is_(None),
            Post.deleted_at.is_(None),
            Thread.hidden_at.is_(None),
            Thread.held_at.is_(None),
            Thread.removed_at.is_(None),
            visibility.visible_forums_clause(member),
            ~mailing.hidden_warning_on(Post.id, member.id),
            ~mailing.hidden_warning_on(Thread.first_post_id, member.id),
            ~watching.at_level(WatchLevel.MUTED, Thread.id, Thread.forum_id, member.id),
        )
        .group_by(Post.thread_id)
        .order_by(sa.func.count(Post.id).desc(), sa.func.max(Post.id).desc())
        .limit(mailing.ITEMS_PER_SECTION)
    ).all()
    if not activity:
        return []
    newest = {
        post.id: post
        for post in db.session.scalars(
            sa.select(Post)
            .where(Post.id.in_([last for _, _, last in activity]))
            .options(
                so.joinedload(Post.thread).joinedload(Thread.forum), so.selectinload(Post.warnings)
            )
        )
    }
    shown = mailing.shown_choices(member.id)
    items = []
    for _thread_id, count, last in activity:
        post = newest[last]
        items.append(
            mailing.DigestItem(
                title=post.thread.title,
                url=url_for("forums.post", post_id=post.id, _external=True),
                where=post.thread.forum.name,
                new=count,
                quote=mailing.quoted(post, shown),
            )
        )
    return items


def register() -> None:
    """The forums' part of every digest (called by the app factory)."""
    mailing.register_section(mailing.Section("forums", "In the forums", new_in_forums))
