"""The names of live topics and events, spelled once (README, "Live updates").

A topic is what a stream follows (``thread:5``); an event is what a page listens for
(``hx-trigger="sse:post-7"``). Who may hear each kind of topic is registered by the app factory
(``forum.register_live_topics``) with the rule of the area it belongs to.
"""

from __future__ import annotations

FORUM = "forum"  # forum:<id>: new threads and posts there, and its threads' rows
THREAD = "thread"  # thread:<id>: its posts
IDEA = "idea"  # idea:<id>: its votes, comments and status
BOARD = "ideas"  # ideas, ideas:<region id>, ideas:all: the ideas board, by audience
MODERATORS_BOARD = "all"
MODERATION = "moderation"  # the moderators' queue and badge, on every page
NOTIFICATIONS = "notifications"  # notifications:<member id>: that member's bell, on every page


def forum(forum_id: int) -> str:
    return f"{FORUM}:{forum_id}"


def thread(thread_id: int) -> str:
    return f"{THREAD}:{thread_id}"


def idea(idea_id: int) -> str:
    return f"{IDEA}:{idea_id}"


def board(key: int | str | None = None) -> str:
    """The board everyone may see (no key), a region's (its id), or the moderators' (``all``)."""
    return BOARD if key is None else f"{BOARD}:{key}"


def notifications(member_id: int) -> str:
    return f"{NOTIFICATIONS}:{member_id}"


def post_event(post_id: int) -> str:
    """A post changed (or appeared): its ``id="post-<id>"`` refetches itself."""
    return f"post-{post_id}"


def row_event(thread_id: int) -> str:
    """A thread's row in its forum's list changed."""
    return f"row-{thread_id}"


def comment_event(comment_id: int) -> str:
    return f"comment-{comment_id}"


def idea_event(idea_id: int, change: str) -> str:
    """``votes``, ``comments`` or ``status`` of an idea changed (on its page)."""
    return f"idea-{idea_id}-{change}"


def card_event(idea_id: int) -> str:
    """An idea's card on the board changed."""
    return f"card-{idea_id}"


NEW_IDEA = "ideas-new"


EVENT = "event"  # event:<id>: its places and waiting list, and its write-up (issue 14)


def event(event_id: int) -> str:
    return f"{EVENT}:{event_id}"


def event_places_event(event_id: int) -> str:
    """Bookings or the waiting list of an event changed."""
    return f"event-{event_id}-places"


def event_write_up_event(event_id: int) -> str:
    """An entry was added to an event's write-up."""
    return f"event-{event_id}-write-up"


CONVERSATION = "conversation"  # conversation:<id>: its new messages, for its members only


def conversation(conversation_id: int) -> str:
    return f"{CONVERSATION}:{conversation_id}"


def conversation_event(conversation_id: int) -> str:
    """A conversation has a new message (or one changed): its open page fetches what is new."""
    return f"conversation-{conversation_id}"
