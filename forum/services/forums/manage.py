"""Keeping the list of forums (administrators), the regions' sub-forums, and the counters.

- National forums (no region) are added, renamed, described, reordered and archived here.
- A region's sub-forum is created with the region (no commit: the region's transaction).
- Archived forums stay readable but take no new threads and no replies.
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Forum,
    ForumAudience,
    Member,
    Post,
    Region,
    Thread,
    utcnow,
)
from forum.services import audit, ordering
from forum.services.errors import NotFound, ValidationFailed

NAME_MAX = 80


DESCRIPTION_MAX = 300


def region_description(region_name: str) -> str:
    return f"Peer supporters in {region_name}: local news, meet-ups and chat."


def all_forums() -> list[Forum]:
    """Every forum, for administrators: national ones first, then regions, in their order."""
    return list(
        db.session.scalars(
            sa.select(Forum)
            .options(so.joinedload(Forum.region))
            .order_by(Forum.region_id.is_not(None), Forum.position, Forum.name)
        )
    )


def _forum(forum_id: int) -> Forum:
    forum = db.session.get(Forum, forum_id)
    if forum is None:
        raise NotFound("That forum no longer exists.")
    return forum


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": "Give the forum a name."})
    if len(name) > NAME_MAX:
        raise ValidationFailed({"name": f"Use at most {NAME_MAX} characters."})
    return name


def _forum_state(forum: Forum) -> dict:
    return {
        "name": forum.name,
        "description": forum.description,
        "audience": STAFF
        if forum.staff_only
        else (forum.audience.value if forum.audience else None),
        "hold_first_posts": forum.hold_first_posts,
    }


def save_forum(
    *,
    name: str,
    description: str = "",
    audience: str = ForumAudience.EVERYONE,
    forum_id: int | None = None,
    hold_first_posts: bool | None = None,
    actor: Member | None = None,
) -> Forum:
    """Add a national forum (at the end of its list) or change one's name, description,
    audience and whether members' first posts there wait for approval. Only a region's forum
    can be kept to that region's members; only a national one can be a moderators' room
    (``audience="staff"``)."""
    name = _clean_name(name)
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise ValidationFailed({"description": f"Use at most {DESCRIPTION_MAX} characters."})
    if audience not in {*ForumAudience, STAFF}:
        raise ValidationFailed({"audience": "Choose who may see this forum."})
    forum = _forum(forum_id) if forum_id is not None else None
    if audience == ForumAudience.REGION and (forum is None or forum.region_id is None):
        raise ValidationFailed({"audience": "Only a region's forum can be kept to its members."})
    if audience == STAFF and forum is not None and forum.region_id is not None:
        raise ValidationFailed(
            {
                "audience": "A region's forum is for its members: make a national forum "
                "the moderators' room."
            }
        )
    before = _forum_state(forum) if forum is not None else None
    if forum is None:
        last = db.session.scalar(
            sa.select(sa.func.max(Forum.position)).where(Forum.region_id.is_(None))
        )
        forum = Forum(
            slug=ordering.unique_slug(Forum.slug, ordering.slugify(name)), position=(last or 0) + 1
        )
        db.session.add(forum)
    forum.name, forum.description = name, description
    forum.staff_only = audience == STAFF
    forum.audience = ForumAudience.EVERYONE if forum.staff_only else ForumAudience(audience)
    if hold_first_posts is not None:
        forum.hold_first_posts = hold_first_posts
    db.session.flush()
    audit.record(
        actor,
        "forum.add" if before is None else "forum.edit",
        "forum",
        forum.id,
        summary=f"the forum {forum.name}",
        before=before,
        after=_forum_state(forum),
    )
    db.session.commit()
    return forum


def set_forum_archived(forum_id: int, archived: bool, actor: Member | None = None) -> Forum:
    """An archived forum stays readable but takes no new threads and no replies."""
    forum = _forum(forum_id)
    before = {"archived": forum.is_archived}
    forum.archived_at = utcnow() if archived else None
    audit.record(
        actor,
        "forum.archive" if archived else "forum.restore",
        "forum",
        forum.id,
        summary=f"the forum {forum.name}",
        before=before,
        after={"archived": archived},
    )
    db.session.commit()
    return forum


def move_forum(forum_id: int, step: int, actor: Member | None = None) -> None:
    """One place up (-1) or down (+1), among the national forums or among the regional ones."""
    forum = _forum(forum_id)
    audit.record(
        actor, "forum.move", "forum", forum.id, summary=f"the forum {forum.name}",
        before={"position": forum.position}, after={"step": step},
    )  # fmt: skip
    siblings = [f for f in all_forums() if f.is_regional == forum.is_regional]
    ordering.move(siblings, forum, step)
    db.session.commit()


STAFF = "staff"  # the audience of a moderators' room, as the form and the audit log say it
ROOM_SLUG, ROOM_NAME = "moderators-room", "Moderators' room"
ROOM_DESCRIPTION = (
    "Only moderators and administrators see this forum: talk over a report, a member or a "
    "hard evening together."
)


def ensure_moderators_room() -> Forum:
    """The network's moderators' room, made if it has none (no commit: the caller's
    transaction; setup and the migration that brought rooms call it)."""
    room = db.session.scalar(
        sa.select(Forum).where(Forum.staff_only.is_(True)).order_by(Forum.position).limit(1)
    )
    if room is not None:
        return room
    last = db.session.scalar(
        sa.select(sa.func.max(Forum.position)).where(Forum.region_id.is_(None))
    )
    room = Forum(
        slug=ordering.unique_slug(Forum.slug, ROOM_SLUG),
        name=ROOM_NAME,
        description=ROOM_DESCRIPTION,
        position=(last or 0) + 1,
        audience=ForumAudience.EVERYONE,
        staff_only=True,
    )
    db.session.add(room)
    return room


def moderators_room(member: Member) -> Forum | None:
    """The moderators' room ``member`` may open (None for members, or a network with none)."""
    if not member.is_moderator:
        return None
    return db.session.scalar(
        sa.select(Forum)
        .where(Forum.staff_only.is_(True), Forum.archived_at.is_(None))
        .order_by(Forum.position)
        .limit(1)
    )


def create_region_forum(region: Region) -> Forum:
    """The sub-forum of a new region (no commit: part of the caller's transaction)."""
    if region.id is None:
        db.session.flush()
    forum = Forum(
        name=region.name,
        slug=ordering.unique_slug(Forum.slug, region.slug),
        description=region_description(region.name),
        region_id=region.id,
        position=region.position,
    )
    db.session.add(forum)
    return forum


def region_renamed(region: Region, old_name: str) -> None:
    """Follow a region's new name, unless an administrator has named its forum otherwise."""
    forum = db.session.scalar(sa.select(Forum).where(Forum.region_id == region.id))
    if forum is None:
        create_region_forum(region)
        return
    if forum.name == old_name:
        forum.name = region.name
    if forum.description == region_description(old_name):
        forum.description = region_description(region.name)


def ensure_region_forums() -> None:
    """A sub-forum for every region that has none (no commit)."""
    has_forum = sa.select(Forum.region_id).where(Forum.region_id.is_not(None))
    for region in db.session.scalars(sa.select(Region).where(Region.id.not_in(has_forum))):
        create_region_forum(region)


def recount() -> None:
    """Rebuild every counter from the posts themselves (``flask forums recount``; the caller
    commits). Posts and threads waiting for approval are not counted."""
    post = so.aliased(Post)
    in_thread = post.thread_id == Thread.id
    shown = sa.and_(in_thread, post.held_at.is_(None))
    first = sa.select(sa.func.min(post.id)).where(in_thread).scalar_subquery()
    last = sa.select(sa.func.max(post.id)).where(shown).scalar_subquery()
    replies = sa.select(sa.func.count(post.id)).where(shown, post.id != Thread.first_post_id)
    held = sa.select(sa.func.count(post.id)).where(in_thread, post.held_at.is_not(None))
    db.session.execute(sa.update(Thread).values(first_post_id=first))
    db.session.execute(
        sa.update(Thread).values(
            reply_count=replies.scalar_subquery(),
            last_post_id=sa.func.coalesce(last, Thread.first_post_id),
            held_count=held.scalar_subquery(),
        )
    )
    last_post = so.aliased(Post)
    db.session.execute(
        sa.update(Thread)
        .where(Thread.last_post_id.is_not(None))
        .values(
            last_post_at=sa.select(last_post.created_at)
            .where(last_post.id == Thread.last_post_id)
            .scalar_subquery(),
            last_post_author_id=sa.select(last_post.author_id)
            .where(last_post.id == Thread.last_post_id)
            .scalar_subquery(),
        )
    )
    thread = so.aliased(Thread)
    in_forum = sa.and_(thread.forum_id == Forum.id, thread.held_at.is_(None))
    db.session.execute(
        sa.update(Forum).values(
            thread_count=sa.select(sa.func.count(thread.id)).where(in_forum).scalar_subquery(),
            post_count=sa.select(sa.func.coalesce(sa.func.sum(thread.reply_count + 1), 0))
            .where(in_forum)
            .scalar_subquery(),
            last_post_at=sa.select(sa.func.max(thread.last_post_at))
            .where(in_forum)
            .scalar_subquery(),
        )
    )
