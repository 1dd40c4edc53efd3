"""What the ideas clinic tells an idea's author: a comment on their idea, and a change of its
status or a moderator's response (kinds ``idea_comment`` and ``idea_status``), shown only
while the idea is one they may see."""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for

from forum.models import Idea, Member, Notification
from forum.services.ideas import access
from forum.services.notifications import inbox, kinds

COMMENT, STATUS = "idea_comment", "idea_status"


def comment_added(idea: Idea, comment_id: int, author_id: int) -> None:
    """Tell the idea's author about a comment (in the comment's transaction)."""
    inbox.notify(idea.author_id, COMMENT, f"idea_comment:{comment_id}", actor_id=author_id,
                 idea_id=idea.id)  # fmt: skip


def status_changed(idea: Idea, change_id: int, moderator_id: int) -> None:
    """Tell the idea's author its status changed or got a response (in that transaction)."""
    inbox.notify(idea.author_id, STATUS, f"idea_status:{change_id}", actor_id=moderator_id,
                 idea_id=idea.id)  # fmt: skip


def _shown(member: Member) -> sa.ColumnElement[bool]:
    # asked of each notification's own idea (see forums.threads._reply_shown)
    visible = sa.select(Idea.id).where(
        Idea.id == Notification.idea_id, access.visible_clause(member), Idea.hidden_at.is_(None)
    )
    return visible.exists()


def _describe_comments(group: kinds.Group) -> tuple[str, str]:
    first, count = group.first, len(group.items)
    title = first.idea.title if first.idea else "your idea"
    who = first.actor.display_name if first.actor else "A former member"
    text = f"{who} commented on your idea “{title}”" if count == 1 else (
        f"{count} new comments on your idea “{title}”")  # fmt: skip
    return text, url_for("ideas.show", idea_id=first.idea_id)


def _describe_status(group: kinds.Group) -> tuple[str, str]:
    latest = group.latest
    title = latest.idea.title if latest.idea else "your idea"
    status = latest.idea.status.label if latest.idea else "changed"
    return f"Your idea “{title}” is now “{status}”", url_for("ideas.show", idea_id=latest.idea_id)


def register_notifications() -> None:
    """The kinds of notification this area sends (called by the app factory)."""
    kinds.register(kinds.Kind(COMMENT, "Comments on my ideas", _shown, _describe_comments,
                              about="idea_id"))  # fmt: skip
    kinds.register(kinds.Kind(STATUS, "My idea's status changed or got a response", _shown,
                              _describe_status, about="idea_id"))  # fmt: skip
