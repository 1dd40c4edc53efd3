"""What moderators act on and members report: posts, threads, ideas, comments, members and
private messages (a message is read by moderators only once reported, with the messages just
before it: ``Target.context``).

``load`` finds one thing for a moderator (whatever its state), ``load_many`` a batch of one
kind for the queue (one query per kind, never one per row), and each ``Target`` knows the
region whose moderators may act on it, who wrote it, and how to name it.

A thread's opening post stands for the thread: reporting or hiding it is reporting or hiding
the thread, so one thing never has two queue rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import url_for

from forum.extensions import db
from forum.models import Forum, Idea, IdeaComment, Member, Message, Post, TargetKind, Thread
from forum.numbers import whole_or_none
from forum.services import scope
from forum.services.errors import NotFound
from forum.services.forums.threads import markdown_escape
from forum.services.messages import conversations


@dataclass
class Target:
    kind: TargetKind
    obj: Any
    opening: Post | None = None  # a thread's opening post, when loaded

    @property
    def id(self) -> int:
        return self.obj.id

    @property
    def region_id(self) -> int | None:
        """The region whose moderators may act on it (None: national moderators only)."""
        if self.kind == TargetKind.POST:
            return self.obj.thread.forum.region_id
        if self.kind == TargetKind.THREAD:
            return self.obj.forum.region_id
        if self.kind == TargetKind.IDEA:
            return self.obj.region_id
        if self.kind == TargetKind.COMMENT:
            return self.obj.idea.region_id
        if self.kind == TargetKind.MESSAGE:  # nobody's region: its author's moderators
            return self.obj.author.region_id
        return self.obj.region_id

    @property
    def author(self) -> Member:
        return self.obj if self.kind == TargetKind.MEMBER else self.obj.author

    @property
    def is_hidden(self) -> bool:
        return self.kind.is_content and self.obj.is_hidden

    @property
    def is_removed(self) -> bool:
        """Removed by its author (posts, threads, comments) or no longer an active member."""
        if self.kind == TargetKind.MEMBER:
            return not self.obj.is_member
        if self.kind == TargetKind.THREAD:
            return self.obj.is_removed
        return bool(getattr(self.obj, "deleted_at", None))

    @property
    def is_held(self) -> bool:
        return self.kind in (TargetKind.POST, TargetKind.THREAD) and self.obj.is_held

    @property
    def body_html(self) -> str:
        """The member-written text (sanitised HTML), for moderators to read."""
        if self.kind == TargetKind.THREAD:
            return self.opening.body_html if self.opening else ""
        return getattr(self.obj, "body_html", "")

    @property
    def title(self) -> str:
        if self.kind == TargetKind.POST:
            return self.obj.thread.title
        if self.kind in (TargetKind.THREAD, TargetKind.IDEA):
            return self.obj.title
        if self.kind == TargetKind.COMMENT:
            return self.obj.idea.title
        if self.kind == TargetKind.MESSAGE:
            return "a private conversation"
        return self.obj.display_name

    @property
    def label(self) -> str:
        """What it is, in a moderator's words: "Ahmed's reply in “Hello”"."""
        name = self.author.display_name
        if self.kind == TargetKind.POST:
            return f"{name}'s reply in “{self.title}”"
        if self.kind == TargetKind.THREAD:
            return f"the thread “{self.title}” by {name}"
        if self.kind == TargetKind.IDEA:
            return f"the idea “{self.title}” by {name}"
        if self.kind == TargetKind.COMMENT:
            return f"{name}'s comment on the idea “{self.title}”"
        if self.kind == TargetKind.MESSAGE:
            return f"{name}'s private message"
        return f"the member {name}"

    @property
    def where(self) -> str:
        """Where it is: a forum's name, "Ideas clinic", or a member's region."""
        if self.kind == TargetKind.POST:
            return self.obj.thread.forum.name
        if self.kind == TargetKind.THREAD:
            return self.obj.forum.name
        if self.kind in (TargetKind.IDEA, TargetKind.COMMENT):
            return "Ideas clinic"
        if self.kind == TargetKind.MESSAGE:
            return "Private messages"
        return self.obj.region.name if self.obj.region else "No region"

    @property
    def context(self) -> list:
        """For a reported message: it and the messages just before it (all a moderator reads
        of its conversation); nothing for other kinds."""
        if self.kind != TargetKind.MESSAGE:
            return []
        return conversations.context_of(self.obj)


def _posts(ids: Iterable[int]) -> sa.Select:
    return (
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(Post.id.in_(list(ids)))
        .options(
            so.contains_eager(Post.thread).contains_eager(Thread.forum),
            so.joinedload(Post.author),
            so.selectinload(Post.warnings),
        )
    )


def _threads(ids: Iterable[int]) -> sa.Select:
    return (
        sa.select(Thread)
        .join(Forum, Forum.id == Thread.forum_id)
        .where(Thread.id.in_(list(ids)))
        .options(so.contains_eager(Thread.forum), so.joinedload(Thread.author))
    )


def _ideas(ids: Iterable[int]) -> sa.Select:
    return (
        sa.select(Idea)
        .where(Idea.id.in_(list(ids)))
        .options(so.joinedload(Idea.author), so.joinedload(Idea.region))
    )


def _comments(ids: Iterable[int]) -> sa.Select:
    return (
        sa.select(IdeaComment)
        .join(Idea, Idea.id == IdeaComment.idea_id)
        .where(IdeaComment.id.in_(list(ids)))
        .options(so.contains_eager(IdeaComment.idea), so.joinedload(IdeaComment.author))
    )


def _members(ids: Iterable[int]) -> sa.Select:
    return sa.select(Member).where(Member.id.in_(list(ids)))


def _messages(ids: Iterable[int]) -> sa.Select:
    return (
        sa.select(Message)
        .where(Message.id.in_(list(ids)))
        .options(so.joinedload(Message.author), so.selectinload(Message.warnings))
    )


LOADERS = {
    TargetKind.POST: _posts,
    TargetKind.THREAD: _threads,
    TargetKind.IDEA: _ideas,
    TargetKind.COMMENT: _comments,
    TargetKind.MEMBER: _members,
    TargetKind.MESSAGE: _messages,
}


def load_many(kind: TargetKind, ids: Iterable[int]) -> dict[int, Target]:
    """Targets of one kind by id, in a fixed number of queries (threads: with opening posts)."""
    ids = sorted(set(ids))
    if not ids:
        return {}
    found = {o.id: Target(kind, o) for o in db.session.scalars(LOADERS[kind](ids)).unique()}
    if kind == TargetKind.THREAD:
        firsts = [t.obj.first_post_id for t in found.values() if t.obj.first_post_id]
        openings = {p.id: p for p in db.session.scalars(_posts(firsts)).unique()}
        for target in found.values():
            target.opening = openings.get(target.obj.first_post_id)
    return found


def parse_kind(kind: str) -> TargetKind:
    if kind not in {k.value for k in TargetKind}:
        raise NotFound("There is nothing of that kind here.")
    return TargetKind(kind)


def load(kind: TargetKind | str, target_id: int) -> Target:
    """One thing, whatever its state (for moderators; members go through their own loaders).
    An opening post is its thread. Raises NotFound."""
    kind = parse_kind(kind)
    target = load_many(kind, [target_id]).get(target_id)
    if target is None:
        raise NotFound("That no longer exists.")
    if kind == TargetKind.POST and target.obj.thread.first_post_id == target.id:
        return load(TargetKind.THREAD, target.obj.thread_id)
    return target


def discussion_draft(moderator: Member, about: str | None) -> tuple[str, str] | None:
    """The title and opening words of a thread in the moderators' room about one thing
    (``about`` is ``"<kind>:<id>"``, as "Discuss this with the moderators" links it), for a
    moderator of its region; None for anything else (the form then starts empty)."""
    kind, _, number = (about or "").partition(":")
    target_id = whole_or_none(number)
    if target_id is None or not moderator.is_moderator:
        return None
    try:
        target = load(kind, target_id)
        scope.require(moderator, target.region_id)
    except NotFound:
        return None
    link = url_for("moderate.target", kind=target.kind.value, target_id=target.id)
    label = target.label
    title = f"About {label}"[:150]
    return title, f"About [{markdown_escape(label)}]({link}):\n\n"
