"""What a digest says about the ideas clinic: ideas with new comments or suggested since a
date, that the member may see now (``access.visible_clause``), most discussed first."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Idea, IdeaComment, Member
from forum.services.ideas import access
from forum.services.notifications import mailing


def new_in_ideas(member: Member, since: datetime) -> list[mailing.DigestItem]:
    """Ideas new since ``since``, or with comments by others since then (two queries)."""
    comments = (
        sa.select(IdeaComment.idea_id, sa.func.count(IdeaComment.id).label("new"))
        .where(
            IdeaComment.created_at > since,
            IdeaComment.author_id != member.id,
            IdeaComment.hidden_at.is_(None),
            IdeaComment.deleted_at.is_(None),
        )
        .group_by(IdeaComment.idea_id)
        .subquery()
    )
    new = sa.func.coalesce(comments.c.new, 0) + sa.case((Idea.created_at > since, 1), else_=0)
    rows = db.session.execute(
        sa.select(Idea, new)
        .outerjoin(comments, comments.c.idea_id == Idea.id)
        .where(
            access.visible_clause(member),
            Idea.hidden_at.is_(None),
            sa.or_(
                comments.c.new.is_not(None),
                sa.and_(Idea.created_at > since, Idea.author_id != member.id),
            ),
        )
        .options(so.joinedload(Idea.region))
        .order_by(new.desc(), Idea.id.desc())
        .limit(mailing.ITEMS_PER_SECTION)
    ).all()
    return [
        mailing.DigestItem(
            title=idea.title,
            url=url_for("ideas.show", idea_id=idea.id, _external=True),
            where=idea.region.name if idea.region else "Ideas clinic",
            new=count,
            quote=mailing.Quoted(idea.excerpt),
        )
        for idea, count in rows
    ]


def register() -> None:
    """The ideas' part of every digest (called by the app factory)."""
    mailing.register_section(mailing.Section("ideas", "In the ideas clinic", new_in_ideas))
