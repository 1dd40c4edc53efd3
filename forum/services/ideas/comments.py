"""Comments on ideas, with the same Markdown and the same rules as replies in the forums.

The text goes through ``posting.clean_body`` and ``richtext``; posting is limited by
``posting.check_rate``; the same text on the same idea twice within ``DUPLICATE_WINDOW`` is
refused with ``posting.RepeatedPost`` (pointing at the first). Authors can edit their comments and
remove them: a removed comment loses its text and stays as "removed by its author" so the
conversation still reads in order. ``comment_count`` counts the comments not removed.
A comment hidden by a moderator keeps its place as "hidden by a moderator" (its author and the
idea's moderators still read it); ``muted`` says whether the reader muted its author.

Open pages hear of it (``access.announce``): a new or removed comment changes the idea's comments
and its card; an edit or a removal refreshes that comment (``comment-<id>`` on ``idea:<id>``).
"""

from __future__ import annotations

import math

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_sqlalchemy.pagination import Pagination

from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaStatus, Member, TargetKind, utcnow
from forum.services import posting
from forum.services.errors import NotAllowed, NotFound
from forum.services.ideas import access, notices
from forum.services.live import events, topics
from forum.services.people import mutes
from forum.services.safety import watched_words
from forum.services.search_index import documents as search_index

COMMENTS_PER_PAGE = 50


def comments(member: Member, idea_id: int, page: int = 1) -> Pagination:
    """One page of the idea's comments, oldest first, with their authors."""
    return db.paginate(
        _of_idea(member, idea_id), page=page, per_page=COMMENTS_PER_PAGE, error_out=False
    )


def _of_idea(member: Member, idea_id: int) -> sa.Select:
    return (
        sa.select(IdeaComment)
        .join(Idea, Idea.id == IdeaComment.idea_id)
        .where(IdeaComment.idea_id == idea_id, access.visible_clause(member))
        .options(
            so.joinedload(IdeaComment.author),
            so.with_expression(
                IdeaComment.muted, mutes.muted_expression(member, IdeaComment.author_id)
            ),
        )
        .order_by(IdeaComment.id)
    )


def comments_after(member: Member, idea_id: int, after_id: int) -> list[IdeaComment]:
    """Live: the idea's comments newer than ``after_id`` (at most a page), oldest first."""
    stmt = _of_idea(member, idea_id).where(IdeaComment.id > after_id).limit(COMMENTS_PER_PAGE)
    return list(db.session.scalars(stmt))


def comments_by_id(member: Member, idea_id: int, comment_ids: list[int]) -> dict[int, IdeaComment]:
    """Live: these comments of the idea, those ``member`` may see, by id."""
    if not comment_ids:
        return {}
    stmt = _of_idea(member, idea_id).where(IdeaComment.id.in_(comment_ids))
    return {c.id: c for c in db.session.scalars(stmt)}


def comment(member: Member, comment_id: int) -> IdeaComment:
    """A comment on an idea ``member`` may see; NotFound otherwise."""
    found = db.session.scalar(
        sa.select(IdeaComment)
        .join(Idea, Idea.id == IdeaComment.idea_id)
        .where(IdeaComment.id == comment_id, access.visible_clause(member))
        .options(
            so.joinedload(IdeaComment.author),
            so.contains_eager(IdeaComment.idea),
            so.with_expression(
                IdeaComment.muted, mutes.muted_expression(member, IdeaComment.author_id)
            ),
        )
    )
    if found is None:
        raise NotFound("That comment does not exist, or is not shared with you.")
    return found


def own_comment(member: Member, comment_id: int) -> IdeaComment:
    """A comment ``member`` wrote and has not removed; NotFound for anyone else's."""
    found = comment(member, comment_id)
    if not found.is_editable_by(member):
        raise NotFound("You can only change your own comments.")
    return found


def page_of(comment: IdeaComment) -> int:
    """The page of the idea's comments on which ``comment`` appears."""
    before = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(IdeaComment)
        .where(IdeaComment.idea_id == comment.idea_id, IdeaComment.id <= comment.id)
    )
    return max(1, math.ceil((before or 0) / COMMENTS_PER_PAGE))


def add(member: Member, idea_id: int, body: str) -> IdeaComment:
    """Save a comment and count it on the idea. Raises ValidationFailed (field ``body``),
    NotFound, NotAllowed (a merged idea), RepeatedPost or RateLimited."""
    body = posting.clean_body(body)
    idea = access.lock_idea(member, idea_id)
    if idea.status == IdeaStatus.MERGED:
        raise NotAllowed("This idea was merged into another one: comment there instead.")
    if idea.is_hidden:
        raise NotAllowed("A moderator has hidden this idea, so it takes no comments for now.")
    verdict = watched_words.screen(body=body)
    digest = posting.fingerprint(body)
    posting.refuse_repeat(
        member,
        IdeaComment,
        digest,
        IdeaComment.idea_id == idea_id,
        IdeaComment.deleted_at.is_(None),
        message="You posted this comment a moment ago; here it is.",
    )
    posting.check_rate(member)
    new = IdeaComment(idea_id=idea_id, author_id=member.id, fingerprint=digest, created_at=utcnow())
    new.set_body(body)
    db.session.add(new)
    db.session.flush()
    search_index.index(new)
    # Comments cannot wait for approval: a *hold* word flags them for the moderators.
    watched_words.after_saving(
        verdict, member, TargetKind.COMMENT, new.id, idea.region_id, hold_as_flag=True
    )
    notices.comment_added(idea, new.id, member.id)
    access.counters_changed(idea_id, comments=1)
    access.announce(idea, "comments", card=True)
    db.session.commit()
    posting.record_post(member)
    return new


def edit(member: Member, comment_id: int, body: str) -> IdeaComment:
    """Change the text of ``member``'s own comment. Raises ValidationFailed or NotFound."""
    body = posting.clean_body(body)
    found = own_comment(member, comment_id)
    if body != found.body_source:
        verdict = watched_words.screen(body=body)
        watched_words.after_saving(
            verdict, member, TargetKind.COMMENT, found.id, found.idea.region_id, hold_as_flag=True
        )
        found.set_body(body)
        found.fingerprint = posting.fingerprint(body)
        found.edited_at = utcnow()
        search_index.index(found)
        _announce_comment(found)
        db.session.commit()
    return found


def remove(member: Member, comment_id: int) -> IdeaComment:
    """Remove ``member``'s own comment: its text goes, a placeholder stays."""
    found = own_comment(member, comment_id)
    idea = access.lock_idea(member, found.idea_id)  # one change to the idea's counts at a time
    removed = db.session.execute(
        sa.update(IdeaComment)
        .where(
            IdeaComment.id == found.id,
            IdeaComment.idea_id == found.idea_id,
            IdeaComment.deleted_at.is_(None),
        )
        .values(deleted_at=utcnow(), body_source="", body_html="")
        .returning(IdeaComment.id)
        .execution_options(synchronize_session=False)
    ).first()
    if removed:  # only the request that removed it counts it out (two clicks, one removal)
        access.counters_changed(found.idea_id, comments=-1)
        search_index.forget(IdeaComment, found.id)
        access.announce(idea, "comments", card=True)
        _announce_comment(found)
    db.session.commit()
    return found


def _announce_comment(comment: IdeaComment) -> None:
    events.publish_after_commit(topics.idea(comment.idea_id), topics.comment_event(comment.id))
