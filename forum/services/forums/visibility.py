"""Who may see which forum: the one rule every forum, thread and post query goes through.

Every query that touches forums, threads or posts goes through ``visible_forums_clause``, so a
member who may not see a forum never learns it exists: lists, counts, pages and partials all
answer as if it were not there (views turn ``NotFound`` into 404).

- National forums (no region) are open to every member, except a moderators' room
  (``staff_only``), which only moderators and administrators see.
- A region's sub-forum is created with the region. Administrators choose whether every member
  or only that region's members may see and post in it.
- National moderators and administrators see every forum; regional moderators the forums of
  the regions they see (``Member.regions_seen``).

Also here: which threads have something unread, and which a member's content warning choices
hide (``listing`` and ``threads`` build on both).
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from forum.extensions import db
from forum.models import (
    Forum,
    ForumAudience,
    Member,
    MemberStatus,
    ModeratorRegion,
    Role,
    Thread,
    post_warnings,
)
from forum.numbers import whole_or_none
from forum.services.errors import NotFound
from forum.services.forums import content_warnings

# --- who may see what -----------------------------------------------------------------------


def visible_forums_clause(member: Member) -> sa.ColumnElement[bool]:
    """SQL condition on ``Forum`` that is true for the forums ``member`` may see: every forum
    for everyone, and the forums of the regions they see (``Member.regions_seen``)."""
    regions = member.regions_seen
    if regions is None:
        return sa.true()
    everyone = Forum.audience == ForumAudience.EVERYONE
    if not member.is_moderator:
        everyone = sa.and_(everyone, Forum.staff_only.is_(False))
    if not regions:
        return everyone
    return sa.or_(everyone, Forum.region_id.in_(sorted(regions)))


def sees_forum_clause(forum: Forum) -> sa.ColumnElement[bool]:
    """SQL condition on ``Member``: the members who may see ``forum``, the same rule as
    ``visible_forums_clause`` seen from the other side (for telling many members at once):
    everyone for a forum open to all; for a region's own forum, that region's members, the
    regional moderators of that region, national moderators and administrators."""
    if forum.audience == ForumAudience.EVERYONE or forum.region_id is None:
        return sa.true()
    regions = sa.select(ModeratorRegion.region_id).where(ModeratorRegion.moderator_id == Member.id)
    moderator = Member.role == Role.MODERATOR
    return sa.or_(
        Member.region_id == forum.region_id,
        Member.role == Role.ADMIN,
        sa.and_(moderator, ~regions.exists()),
        sa.and_(moderator, regions.where(ModeratorRegion.region_id == forum.region_id).exists()),
    )


def member_sees_forum_clause() -> sa.ColumnElement[bool]:
    """SQL condition on ``Member`` and ``Forum`` together: the member may see the forum. The
    rule of ``visible_forums_clause`` with the member's role and regions read from the database
    instead of from a loaded member, for a statement about many members whose kinds vary (who on
    a page may be messaged) that is then the same statement whatever their mix."""
    moderator = sa.and_(
        Member.status == MemberStatus.ACTIVE, Member.role.in_([Role.MODERATOR, Role.ADMIN])
    )
    moderated = (
        sa.select(ModeratorRegion.region_id)
        .where(ModeratorRegion.moderator_id == Member.id)
        .correlate_except(ModeratorRegion)  # the member and forum of the enclosing statement
    )
    every_region = sa.and_(moderator, sa.or_(Member.role == Role.ADMIN, ~moderated.exists()))
    everyone = sa.and_(
        Forum.audience == ForumAudience.EVERYONE, sa.or_(Forum.staff_only.is_(False), moderator)
    )
    their_region = sa.or_(
        Forum.region_id == Member.region_id,
        sa.and_(moderator, moderated.where(ModeratorRegion.region_id == Forum.region_id).exists()),
    )
    return sa.or_(every_region, everyone, their_region)


def restricted_regions() -> sa.Select:
    """Ids of the regions whose forum is for that region's members only. Other regional content
    (ideas) follows the same rule, through this one query."""
    return sa.select(Forum.region_id).where(
        Forum.audience == ForumAudience.REGION, Forum.region_id.is_not(None)
    )


def get_forum(member: Member, slug: str) -> Forum:
    """The forum at ``slug``, if ``member`` may see it; NotFound otherwise (never "forbidden")."""
    forum = db.session.scalar(
        sa.select(Forum)
        .where(Forum.slug == slug, visible_forums_clause(member))
        .options(so.joinedload(Forum.region))
    )
    if forum is None:
        raise NotFound("This forum does not exist, or you do not have access to it.")
    return forum


def forum_visible(member: Member, forum_id: int) -> bool:
    """Whether ``member`` may see the forum with this id (one small query)."""
    return bool(
        db.session.scalar(
            sa.select(sa.exists().where(Forum.id == forum_id, visible_forums_clause(member)))
        )
    )


def may_hear_forum(member: Member, key: str | None) -> bool:
    forum_id = whole_or_none(key)
    return forum_id is not None and forum_visible(member, forum_id)


def unread_horizon(member: Member) -> datetime:
    """Activity before this is never unread for ``member``: they joined then."""
    return member.decided_at or member.created_at


def unread_clause(member: Member, read_post_id) -> sa.ColumnElement[bool]:
    """Threads with something ``member`` has not read (activity since they joined)."""
    return unread_since_clause(unread_horizon(member), read_post_id)


def unread_since_clause(horizon, read_post_id) -> sa.ColumnElement[bool]:
    """``unread_clause`` for a member who joined at ``horizon`` (a time, or a bound parameter
    for a statement built once)."""
    return sa.and_(
        Thread.last_post_at > horizon, Thread.last_post_id > sa.func.coalesce(read_post_id, 0)
    )


def hidden_by_warnings_clause(member: Member) -> sa.ColumnElement[bool]:
    """Threads whose opening post carries a warning ``member`` chose to hide."""
    hidden = content_warnings.hidden_ids(member)
    if not hidden:
        return sa.false()
    return warned_clause(hidden)


def warned_clause(warning_ids) -> sa.ColumnElement[bool]:
    """Threads whose opening post carries one of ``warning_ids`` (ids, or an expanding bound
    parameter for a statement built once)."""
    return sa.exists().where(
        post_warnings.c.post_id == Thread.first_post_id,
        post_warnings.c.warning_id.in_(warning_ids),
    )
