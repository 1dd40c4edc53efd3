"""The demo network's dates agree with one another: nobody speaks before they joined."""

import sqlalchemy as sa

from forum.devdata import demo
from forum.extensions import db
from forum.models import (
    Idea,
    IdeaComment,
    IdeaStatusChange,
    IdeaVote,
    Member,
    MemberStatus,
    Post,
    Report,
    Thread,
)


def test_every_demo_member_joined_before_anything_they_wrote_voted_or_reported(bare_app):
    things = [
        (Idea.author_id, Idea.created_at),
        (IdeaComment.author_id, IdeaComment.created_at),
        (IdeaVote.member_id, IdeaVote.created_at),
        (IdeaStatusChange.changed_by_id, IdeaStatusChange.created_at),
        (Post.author_id, Post.created_at),
        (Thread.author_id, Thread.created_at),
        (Report.reporter_id, Report.created_at),
    ]
    with bare_app.test_request_context():
        demo.seed()
        joined = dict(db.session.execute(sa.select(Member.id, Member.created_at)).all())
        names = dict(db.session.execute(sa.select(Member.id, Member.display_name)).all())
        early = []
        for who, when in things:
            for member_id, at in db.session.execute(sa.select(who, when)).all():
                if member_id is not None and at < joined[member_id]:
                    early.append((names[member_id], who.class_.__name__, at, joined[member_id]))
        assert not early, early[:5]
        waiting = db.session.scalars(
            sa.select(Member).where(Member.status == MemberStatus.PENDING)
        ).all()
        assert waiting and all(  # applications are still recent
            (max(joined.values()) - m.created_at).days < 30 for m in waiting
        )
