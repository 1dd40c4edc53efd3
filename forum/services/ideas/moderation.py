"""What moderators do in the ideas clinic: answer ideas in public, merge duplicates, keep tags.

Every status change and every merge writes an ``IdeaStatusChange`` (who, when, from, to, and
the public response), shown as the idea's history; the latest response is shown at its top.

Merging a duplicate into another idea moves its comments and votes there. A member who voted
for both keeps one vote (``INSERT ... SELECT ... ON CONFLICT DO NOTHING``); the counts are then
set from the rows. The duplicate is marked merged and its address leads to the other idea.

A regional moderator answers and merges only ideas of their regions (``scope.require``); the
list of tags, shared by every region, is kept by national moderators and administrators.
Every change is also in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaVote,
    Member,
    utcnow,
)
from forum.models.idea import idea_tag_links
from forum.services import audit, database, ordering, posting, scope
from forum.services.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from forum.services.ideas import access, notices

RESPONSE_MAX = 5_000
TAG_MIN, TAG_MAX = 2, 40


def _require_moderator(member: Member) -> None:
    if not member.is_moderator:
        raise NotAllowed("Only moderators can do this.")


def _require_national(member: Member) -> None:
    """The tags are the whole network's: national moderators and administrators keep them."""
    _require_moderator(member)
    scope.require(member, None)


def _response(text: str | None) -> str:
    if not (text or "").strip():
        return ""
    return posting.clean_body(text, field="response", max_length=RESPONSE_MAX)


def change_status(moderator: Member, idea_id: int, status: str, response: str = "") -> Idea:
    """Move the idea to ``status`` with an optional public response (Markdown), and commit.

    The same status again with a new response is an update (for example a date for a planned
    event). Raises ValidationFailed, NotFound, or Conflict for a merged idea.
    """
    _require_moderator(moderator)
    if status not in {s.value for s in IdeaStatus} or status == IdeaStatus.MERGED:
        raise ValidationFailed({"status": "Choose a status from the list."})
    new, response = IdeaStatus(status), _response(response)
    idea = access.lock_idea(moderator, idea_id)
    scope.require(moderator, idea.region_id)
    if idea.status == IdeaStatus.MERGED:
        raise Conflict("This idea was merged into another one; change that one instead.")
    if new == idea.status and not response:
        message = f"The idea is already “{new.label}”. Choose another status, or write a "
        raise ValidationFailed({"status": message + "response to post an update."})
    change_id = _record(idea, moderator, new, response)
    notices.status_changed(idea, change_id, moderator.id)
    audit.record(
        moderator,
        "idea.status",
        "idea",
        idea.id,
        region_id=idea.region_id,
        summary=f"the idea “{idea.title}”",
        reason=response,
        before={"status": idea.status.value},
        after={"status": new.value},
    )
    idea.status = new
    access.announce(idea, "status", card=True)
    db.session.commit()
    return idea


def _record(idea: Idea, moderator: Member, new: IdeaStatus, response: str) -> int:
    change = IdeaStatusChange(
        idea_id=idea.id,
        changed_by_id=moderator.id,
        from_status=idea.status,
        to_status=new,
        created_at=utcnow(),
    )
    change.set_body(response)
    db.session.add(change)
    db.session.flush()
    return change.id


def merge(moderator: Member, duplicate_id: int, target_id: int | None, note: str = "") -> Idea:
    """Merge the duplicate into the target idea, commit, and return the target.

    Raises ValidationFailed (field ``into``) for an unusable target, NotFound for a missing
    duplicate, Conflict when the duplicate was already merged.
    """
    _require_moderator(moderator)
    if target_id is None or target_id == duplicate_id:
        raise ValidationFailed({"into": "Give the number of another idea to merge into."})
    note = _response(note)
    locked = {
        i: _lock_or_none(moderator, i) for i in sorted((duplicate_id, target_id))
    }  # in id order, so two merges never wait for each other in a circle
    duplicate, target = locked[duplicate_id], locked[target_id]
    if duplicate is None:
        raise NotFound("That idea does not exist.")
    scope.require(moderator, duplicate.region_id)
    if duplicate.status == IdeaStatus.MERGED:
        raise Conflict("This idea has already been merged.")
    if target is None:
        raise ValidationFailed({"into": f"There is no idea number {target_id}."})
    if target.status == IdeaStatus.MERGED:
        message = f"Idea {target.id} was itself merged into idea {target.merged_into_id}: "
        raise ValidationFailed({"into": message + "merge into that one."})
    if not moderator.moderates(target.region_id):
        raise ValidationFailed({"into": "That idea is outside the regions you moderate."})
    audit.record(
        moderator,
        "idea.merge",
        "idea",
        duplicate.id,
        region_id=duplicate.region_id,
        summary=f"the idea “{duplicate.title}” into “{target.title}”",
        reason=note,
        before={"status": duplicate.status.value, "votes": duplicate.vote_count},
        after={"status": IdeaStatus.MERGED.value, "merged_into": target.id},
    )
    _move_votes_and_comments(duplicate.id, target.id)
    _record(duplicate, moderator, IdeaStatus.MERGED, note or _merge_note(target))
    duplicate.status, duplicate.merged_into_id = IdeaStatus.MERGED, target.id
    db.session.flush()
    access.recount([duplicate.id, target.id])
    # The duplicate's page says where it went; the other idea's votes and comments grew.
    access.announce(duplicate, "status", card=True)
    access.announce(target, "votes", "comments", card=True)
    db.session.commit()
    return target


def _lock_or_none(moderator: Member, idea_id: int) -> Idea | None:
    try:
        return access.lock_idea(moderator, idea_id, exclusive=True)
    except NotFound:
        return None


def _merge_note(target: Idea) -> str:
    return (
        f"This idea is the same as “{target.title}”, so the two were brought together there: "
        "its votes and comments moved across. Thank you for raising it."
    )


def _move_votes_and_comments(duplicate_id: int, target_id: int) -> None:
    votes = sa.select(
        sa.literal(target_id, sa.Integer), IdeaVote.member_id, IdeaVote.created_at
    ).where(IdeaVote.idea_id == duplicate_id)
    db.session.execute(
        database.insert_for(IdeaVote)
        .from_select(["idea_id", "member_id", "created_at"], votes)
        .on_conflict_do_nothing(index_elements=["idea_id", "member_id"])
    )
    db.session.execute(sa.delete(IdeaVote).where(IdeaVote.idea_id == duplicate_id))
    for model, column in ((IdeaComment, IdeaComment.idea_id), (Idea, Idea.merged_into_id)):
        db.session.execute(
            sa.update(model)
            .where(column == duplicate_id)
            .values({column.key: target_id})
            .execution_options(synchronize_session=False)
        )


# --- tags -------------------------------------------------------------------------------------


def save_tag(moderator: Member, name: str, tag_id: int | None = None) -> IdeaTag:
    """Add a tag, or rename one. Names are unique, whatever their case."""
    _require_national(moderator)
    name = " ".join((name or "").split())
    if not TAG_MIN <= len(name) <= TAG_MAX:
        raise ValidationFailed({"name": f"Use {TAG_MIN} to {TAG_MAX} characters."})
    others = IdeaTag.id != tag_id if tag_id is not None else sa.true()
    if db.session.scalar(
        sa.select(sa.exists().where(sa.func.lower(IdeaTag.name) == name.lower(), others))
    ):
        raise ValidationFailed({"name": "There is already a tag with this name."})
    tag = IdeaTag() if tag_id is None else db.session.get(IdeaTag, tag_id)
    if tag is None:
        raise NotFound("That tag no longer exists.")
    before = {"name": tag.name} if tag_id is not None else None
    slug = ordering.slugify(name, max_length=36, fallback="tag")
    tag.name, tag.slug = name, ordering.unique_slug(IdeaTag.slug, slug, others)
    db.session.add(tag)
    db.session.flush()
    audit.record(
        moderator,
        "idea_tag.add" if before is None else "idea_tag.rename",
        "idea_tag",
        tag.id,
        summary=f"the idea tag “{name}”",
        before=before,
        after={"name": name},
    )
    db.session.commit()
    return tag


def remove_tag(moderator: Member, tag_id: int) -> IdeaTag:
    """Remove a tag from the list and from every idea that had it."""
    _require_national(moderator)
    tag = db.session.get(IdeaTag, tag_id)
    if tag is None:
        raise NotFound("That tag no longer exists.")
    audit.record(
        moderator,
        "idea_tag.remove",
        "idea_tag",
        tag.id,
        summary=f"the idea tag “{tag.name}”",
        before={"name": tag.name},
    )
    db.session.execute(sa.delete(idea_tag_links).where(idea_tag_links.c.tag_id == tag_id))
    db.session.delete(tag)
    db.session.commit()
    return tag
