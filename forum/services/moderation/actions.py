"""What moderators do, each action one small function that knows what it applies to.

``act`` is the one way in. For every action it:

1. loads the thing (``targets.load``) and checks the moderator's scope **here, in the service**
   (``scope.require``: a regional moderator acting outside their regions gets OutOfScope, a
   NotFound), whatever the page showed;
2. when the moderator acts from a queue row, closes that case first with a guarded UPDATE
   (``... WHERE state = 'open' AND round = n``): of two moderators acting at once, the second
   gets ``AlreadyHandled`` saying who handled it, when and how, and nothing else changes;
3. runs the action, itself guarded where two clicks could clash (hiding what is already
   hidden, locking what is already locked...);
4. writes one audit entry with the state before and after, and commits once.

Nothing is deleted: hiding sets ``hidden_*`` and keeps the text; restoring clears them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    CaseState,
    Forum,
    Member,
    ModerationCase,
    Post,
    Report,
    TargetKind,
    Thread,
    utcnow,
)
from forum.numbers import whole_or_none
from forum.services import audit, database, scope
from forum.services.errors import (
    AlreadyHandled,
    Conflict,
    DomainError,
    NotFound,
    ValidationFailed,
)
from forum.services.forums import content_warnings, threads
from forum.services.ideas import access
from forum.services.live import events, topics
from forum.services.moderation import targets
from forum.services.moderation.targets import Target
from forum.services.people import sanctions

HIDE_REASON_MAX = 500
NOTE_MAX = 1000
AUTO_HIDE_REASON = (
    "Several members reported this, so it is hidden until a moderator has looked at it."
)
REJECT_REASON = "A moderator read it and did not approve it for the network."


@dataclass
class Done:
    """What an action did, for the flash message, the case and the audit log."""

    message: str
    action: str
    before: dict | None = None
    after: dict | None = None
    reason: str = ""
    audit_target: tuple[str, int] | None = None  # when the log names another thing


Params = Mapping[str, Any]
Handler = Callable[[Member, Target, Params], Done]

CONTENT = frozenset(
    {TargetKind.POST, TargetKind.THREAD, TargetKind.IDEA, TargetKind.COMMENT, TargetKind.MESSAGE}
)
WRITTEN = frozenset({TargetKind.POST, TargetKind.THREAD})
EVERYTHING = frozenset(TargetKind)


# --- the one way in ---------------------------------------------------------------------------


def act(
    moderator: Member,
    kind: str,
    target_id: int,
    action: str,
    params: Params | None = None,
    *,
    case_id: int | None = None,
    case_round: int | None = None,
) -> Done:
    """Do ``action`` on a thing, as described in the module docstring, and commit.

    Raises NotFound (unknown thing or action, or outside the moderator's regions),
    ValidationFailed (bad input), Conflict or AlreadyHandled (someone acted first).
    """
    params = params or {}
    if not moderator.is_moderator:
        raise NotFound("This page does not exist.")
    entry = ACTIONS.get(action)
    if entry is None:
        raise NotFound("There is no such action.")
    kinds, handler, state = entry
    target = targets.load(kind, target_id)
    if target.kind not in kinds:
        raise NotFound("That action does not apply to this.")
    scope.require(moderator, target.region_id)
    region_id = target.region_id  # where it was when acted on: that region's log (``audit``)
    try:
        if case_id is not None:
            close_case(moderator, case_id, case_round, state, action)
        elif action == "dismiss":
            raise ValidationFailed({"case": "There are no reports to dismiss here."})
        done = handler(moderator, target, params)
        announce(target)
        kind_name, audit_id = done.audit_target or (target.kind.value, target.id)
        audit.record(
            moderator,
            done.action,
            kind_name,
            audit_id,
            region_id=region_id,
            summary=target.label,
            reason=done.reason,
            before=done.before,
            after=done.after,
        )
        db.session.commit()
    except DomainError:
        db.session.rollback()
        raise
    return done


def announce(target: Target) -> None:
    """After an action (or an automatic hiding), once committed: open pages showing the thing
    refetch it through their own access-checked partials (so a hidden post disappears, an
    approved one appears), and the moderators' queue and badges refresh."""
    events.publish_after_commit(topics.MODERATION)
    obj = target.obj
    if target.kind == TargetKind.POST:
        events.publish_after_commit(topics.thread(obj.thread_id), topics.post_event(obj.id))
        events.publish_after_commit(topics.thread(obj.thread_id))  # an approved reply to fetch
    elif target.kind == TargetKind.THREAD:
        events.publish_after_commit(topics.forum(obj.forum_id), topics.row_event(obj.id))
        events.publish_after_commit(topics.forum(obj.forum_id))
        if obj.first_post_id:
            events.publish_after_commit(topics.thread(obj.id), topics.post_event(obj.first_post_id))
    elif target.kind == TargetKind.IDEA:
        access.announce(obj, "status", card=True)
    elif target.kind == TargetKind.COMMENT:
        events.publish_after_commit(topics.idea(obj.idea_id), topics.comment_event(obj.id))
        access.announce(obj.idea, "comments", card=True)
    elif target.kind == TargetKind.MESSAGE:
        conversation_id = obj.conversation_id
        events.publish_after_commit(
            topics.conversation(conversation_id), topics.conversation_event(conversation_id)
        )


def close_case(
    moderator: Member, case_id: int, case_round: int | None, state: CaseState, action: str
) -> ModerationCase:
    """Close an open case (and its open reports) as handled by ``moderator``: a guarded UPDATE,
    so of two moderators only the first closes it; the second gets AlreadyHandled."""
    case = db.session.get(ModerationCase, case_id)
    if case is None:
        raise NotFound("Those reports no longer exist.")
    scope.require(moderator, case.region_id)
    guard = [ModerationCase.id == case_id, ModerationCase.state == CaseState.OPEN]
    if case_round is not None:
        guard.append(ModerationCase.round == case_round)
    closed = database.changed_rows(
        sa.update(ModerationCase)
        .where(*guard)
        .values(
            state=state,
            handled_by_id=moderator.id,
            handled_at=utcnow(),
            outcome=OUTCOMES[action],
        )
        .execution_options(synchronize_session=False)
    )
    if closed != 1:
        db.session.rollback()
        db.session.refresh(case)
        if case.state == CaseState.OPEN:  # closed and reported again since the page was shown
            raise Conflict("New reports arrived since you looked. Please look again.")
        who = case.handled_by.display_name if case.handled_by else "Another moderator"
        raise AlreadyHandled(who, case.handled_at, case.outcome or case.state.value)
    db.session.execute(
        sa.update(Report)
        .where(Report.case_id == case_id, Report.state == CaseState.OPEN)
        .values(state=state)
        .execution_options(synchronize_session=False)
    )
    return case


def _conflict(target: Target, actions: tuple[str, ...]) -> Conflict:
    """The Conflict to raise when a guarded change found the thing already changed."""
    return audit.conflict(target.kind.value, target.id, actions)


def _text(params: Params, field: str, limit: int, *, required: str = "") -> str:
    """A free-text field, trimmed; ValidationFailed when required and empty, or too long."""
    value = str(params.get(field) or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationFailed({field: required})
    if len(value) > limit:
        raise ValidationFailed({field: f"Keep this under {limit:,} characters."})
    return value


def _update(model, *conditions, **values) -> int:
    result = database.changed_rows(
        sa.update(model)
        .where(*conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return result


# --- hiding and restoring ---------------------------------------------------------------------


def _hidden_state(obj) -> dict:
    return {
        "hidden": obj.hidden_at is not None,
        "hidden_by": obj.hidden_by_id,
        "hidden_reason": obj.hidden_reason,
    }


def _not_held(target: Target) -> list:
    return [type(target.obj).held_at.is_(None)] if target.kind in WRITTEN else []


def hide(moderator: Member, target: Target, params: Params) -> Done:
    """Hide it with a reason its author will read. Hiding what the app hid after reports
    confirms it (the moderator's name and reason replace the automatic ones)."""
    reason = _text(params, "reason", HIDE_REASON_MAX, required="Say why: its author reads this.")
    model, obj = type(target.obj), target.obj
    before = _hidden_state(obj)
    changed = _update(
        model,
        model.id == obj.id,
        model.hidden_by_id.is_(None),
        *_not_held(target),
        hidden_at=utcnow(),
        hidden_by_id=moderator.id,
        hidden_reason=reason,
    )
    if not changed:
        if target.is_held:
            raise Conflict("This waits for approval: approve it or turn it down instead.")
        raise _conflict(target, ("content.hide",))
    db.session.refresh(obj)
    return Done(
        f"Hidden: {target.label}. Its author sees your reason; other members see "
        "“hidden by a moderator”.",
        "content.hide",
        before,
        _hidden_state(obj),
        reason,
    )


def auto_hide(target: Target, reporters: int) -> bool:
    """Hide reported content until a moderator looks (no commit). False when already hidden."""
    model = type(target.obj)
    changed = _update(
        model,
        model.id == target.id,
        model.hidden_at.is_(None),
        hidden_at=utcnow(),
        hidden_by_id=None,
        hidden_reason=AUTO_HIDE_REASON,
    )
    if changed:
        audit.record(
            None,
            "content.auto_hide",
            target.kind.value,
            target.id,
            region_id=target.region_id,
            summary=target.label,
            reason=f"Reported by {reporters} different members.",
            before={"hidden": False},
            after={"hidden": True, "hidden_reason": AUTO_HIDE_REASON},
        )
    return bool(changed)


def restore(moderator: Member, target: Target, params: Params) -> Done:
    """Show it again as it was (it was never changed while hidden)."""
    reason = _text(params, "reason", NOTE_MAX)
    model, obj = type(target.obj), target.obj
    before = _hidden_state(obj)
    changed = _update(
        model,
        model.id == obj.id,
        model.hidden_at.is_not(None),
        *_not_held(target),
        hidden_at=None,
        hidden_by_id=None,
        hidden_reason="",
    )
    if not changed:
        raise _conflict(target, ("content.restore",))
    db.session.refresh(obj)
    return Done(
        f"Restored: {target.label} is shown again.",
        "content.restore",
        before,
        _hidden_state(obj),
        reason,
    )


def dismiss(moderator: Member, target: Target, params: Params) -> Done:
    """No action needed (the case is closed by ``act``). What the app hid after these reports
    is shown again."""
    note = _text(params, "reason", NOTE_MAX)
    restored = False
    if target.kind.is_content and target.obj.hidden_at and target.obj.hidden_by_id is None:
        model = type(target.obj)
        restored = bool(
            _update(
                model,
                model.id == target.id,
                model.hidden_by_id.is_(None),
                hidden_at=None,
                hidden_reason="",
            )
        )
    message = "Dismissed: no action taken."
    if restored:
        message += " It was hidden automatically after the reports, and is shown again."
    return Done(message, "report.dismiss", {"hidden": restored}, {"hidden": False}, note)


# --- posts and threads ------------------------------------------------------------------------


def _post_of(target: Target) -> Post:
    post = target.opening if target.kind == TargetKind.THREAD else target.obj
    if post is None:
        raise NotFound("This thread has no opening post.")
    return post


def set_warnings(moderator: Member, target: Target, params: Params) -> Done:
    """Set the content warnings (and their note) of a post, or of a thread's opening post."""
    post = _post_of(target)
    chosen, note = content_warnings.chosen(params.get("warnings") or [], params.get("note"))
    before = {"warnings": [w.name for w in post.warnings], "note": post.warning_note}
    post.warnings, post.warning_note = chosen, note if chosen else ""
    after = {"warnings": [w.name for w in chosen], "note": post.warning_note}
    if after == before:
        raise ValidationFailed({"warnings": "These are already its content warnings."})
    described = content_warnings.sentence(chosen) or "none"
    return Done(
        f"Content warnings of {target.label}: {described}.",
        "post.warnings",
        before,
        after,
        _text(params, "reason", NOTE_MAX),
        audit_target=("post", post.id),
    )


def _flag(column: str, value: bool, action: str, message: str) -> Handler:
    """An action that turns a thread's flag on or off, once."""

    def handler(moderator: Member, target: Target, params: Params) -> Done:
        changed = _update(
            Thread,
            Thread.id == target.id,
            getattr(Thread, column).is_(not value),
            **{column: value},
        )
        if not changed:
            raise _conflict(target, (action,))
        return Done(
            message.format(title=target.title),
            action,
            {column: not value},
            {column: value},
            _text(params, "reason", NOTE_MAX),
        )

    return handler


def move(moderator: Member, target: Target, params: Params) -> Done:
    """Move a thread to another forum (both must be in the moderator's regions). Counters and
    the region of its open reports follow."""
    thread = target.obj
    forum_id = whole_or_none(params.get("forum_id"))
    destination = db.session.get(Forum, forum_id) if forum_id is not None else None
    if destination is None or destination.is_archived:
        raise ValidationFailed({"forum_id": "Choose a forum from the list."})
    if destination.id == thread.forum_id:
        raise ValidationFailed({"forum_id": "The thread is already in this forum."})
    scope.require(moderator, destination.region_id)
    source = thread.forum
    if not _update(Thread, Thread.id == thread.id, Thread.forum_id == source.id,
                   forum_id=destination.id):  # fmt: skip
        raise _conflict(target, ("thread.move",))
    if not thread.is_held:
        posts = thread.reply_count + 1
        for forum_id, sign in ((source.id, -1), (destination.id, 1)):
            _update(
                Forum,
                Forum.id == forum_id,
                thread_count=Forum.thread_count + sign,
                post_count=Forum.post_count + sign * posts,
            )
        _refresh_last_post_at([source.id, destination.id])
    _move_cases(thread.id, destination.region_id)
    events.publish_after_commit(
        topics.forum(destination.id)
    )  # it arrives there (``announce``: left)
    return Done(
        f"Moved “{thread.title}” to {destination.name}.",
        "thread.move",
        {"forum": source.name, "forum_id": source.id},
        {"forum": destination.name, "forum_id": destination.id},
        _text(params, "reason", NOTE_MAX),
    )


def _refresh_last_post_at(forum_ids: list[int]) -> None:
    latest = (
        sa.select(sa.func.max(Thread.last_post_at))
        .where(Thread.forum_id == Forum.id, Thread.held_at.is_(None))
        .scalar_subquery()
    )
    _update(Forum, Forum.id.in_(forum_ids), last_post_at=latest)


def _move_cases(thread_id: int, region_id: int | None) -> None:
    """Reports on a moved thread and its posts go to the moderators of its new region."""
    posts = sa.select(Post.id).where(Post.thread_id == thread_id)
    _update(
        ModerationCase,
        sa.or_(
            sa.and_(
                ModerationCase.target_kind == TargetKind.THREAD,
                ModerationCase.target_id == thread_id,
            ),
            sa.and_(
                ModerationCase.target_kind == TargetKind.POST, ModerationCase.target_id.in_(posts)
            ),
        ),
        region_id=region_id,
    )


def approve(moderator: Member, target: Target, params: Params) -> Done:
    """Show a post (or thread) that waited for approval, and count it."""
    post = _post_of(target)
    try:
        threads.approve_held(post)
    except Conflict:
        raise _conflict(target, ("post.approve", "post.reject")) from None
    return Done(
        f"Approved: {target.label} is now shown to members.",
        "post.approve",
        {"waiting": True},
        {"waiting": False},
    )


def reject(moderator: Member, target: Target, params: Params) -> Done:
    """Turn down a post (or thread) that waited for approval: it stays hidden, kept, and its
    author sees the reason."""
    reason = _text(params, "reason", HIDE_REASON_MAX) or REJECT_REASON
    post = _post_of(target)
    values = {"hidden_at": utcnow(), "hidden_by_id": moderator.id, "hidden_reason": reason}
    if not _update(
        Post, Post.id == post.id, Post.held_at.is_not(None), Post.hidden_at.is_(None), **values
    ):
        raise _conflict(target, ("post.approve", "post.reject"))
    if target.kind == TargetKind.THREAD:
        _update(Thread, Thread.id == target.id, **values)
    return Done(
        f"Turned down: {target.label}. Its author sees your reason.",
        "post.reject",
        {"waiting": True},
        {"waiting": False, "hidden": True},
        reason,
    )


# --- members ----------------------------------------------------------------------------------


def warn(moderator: Member, target: Target, params: Params) -> Done:
    message = _text(params, "message", sanctions.MESSAGE_MAX, required="Write the message.")
    sanctions.warn(moderator, target.obj, message)
    return Done(
        f"Your message to {target.obj.display_name} is sent. They see it when they next "
        "visit, and by email.",
        "member.warn",
        reason=message,
    )


def suspend(moderator: Member, target: Target, params: Params) -> Done:
    reason = _text(
        params, "reason", sanctions.REASON_MAX, required="Say why: the member reads this."
    )
    before, after = sanctions.suspend(moderator, target.obj, str(params.get("period")), reason)
    return Done(
        f"{target.obj.display_name} is suspended and signed out everywhere.",
        "member.suspend",
        before,
        after,
        reason,
    )


def lift(moderator: Member, target: Target, params: Params) -> Done:
    reason = _text(params, "reason", NOTE_MAX)
    before, after = sanctions.lift(moderator, target.obj)
    return Done(
        f"{target.obj.display_name}'s suspension is lifted.", "member.lift", before, after, reason
    )


# What each action applies to, how it runs, and how it closes a case it was taken from.
ACTIONS: dict[str, tuple[frozenset[TargetKind], Handler, CaseState]] = {
    "dismiss": (EVERYTHING, dismiss, CaseState.DISMISSED),
    "hide": (CONTENT, hide, CaseState.ACTIONED),
    "restore": (CONTENT, restore, CaseState.ACTIONED),
    "warnings": (WRITTEN, set_warnings, CaseState.ACTIONED),
    "lock": (
        frozenset({TargetKind.THREAD}),
        _flag("locked", True, "thread.lock", "Locked: “{title}” takes no new replies."),
        CaseState.ACTIONED,
    ),
    "unlock": (
        frozenset({TargetKind.THREAD}),
        _flag("locked", False, "thread.unlock", "Unlocked: “{title}” takes replies again."),
        CaseState.ACTIONED,
    ),
    "pin": (
        frozenset({TargetKind.THREAD}),
        _flag("pinned", True, "thread.pin", "Pinned: “{title}” is at the top of its forum."),
        CaseState.ACTIONED,
    ),
    "unpin": (
        frozenset({TargetKind.THREAD}),
        _flag("pinned", False, "thread.unpin", "Unpinned: “{title}”."),
        CaseState.ACTIONED,
    ),
    "move": (frozenset({TargetKind.THREAD}), move, CaseState.ACTIONED),
    "approve": (WRITTEN, approve, CaseState.ACTIONED),
    "reject": (WRITTEN, reject, CaseState.ACTIONED),
    "warn": (frozenset({TargetKind.MEMBER}), warn, CaseState.ACTIONED),
    "suspend": (frozenset({TargetKind.MEMBER}), suspend, CaseState.ACTIONED),
    "lift": (frozenset({TargetKind.MEMBER}), lift, CaseState.ACTIONED),
}

# How a closed case reads in the queue and on "My reports" for moderators ("Kenny: hid it").
OUTCOMES = {
    "dismiss": "dismissed the reports",
    "hide": "hid it",
    "restore": "restored it",
    "warnings": "changed its content warnings",
    "lock": "locked the thread",
    "unlock": "unlocked the thread",
    "pin": "pinned the thread",
    "unpin": "unpinned the thread",
    "move": "moved the thread",
    "approve": "approved it",
    "reject": "turned it down",
    "warn": "sent the member a message",
    "suspend": "suspended the member",
    "lift": "lifted the member's suspension",
}


def forums_to_move_to(moderator: Member, thread: Thread) -> list[Forum]:
    """Open forums in the moderator's regions, other than the thread's own."""
    return list(
        db.session.scalars(
            sa.select(Forum)
            .where(
                Forum.archived_at.is_(None),
                Forum.id != thread.forum_id,
                scope.moderated_clause(moderator, Forum.region_id),
            )
            .order_by(Forum.region_id.is_not(None), Forum.position, Forum.name)
        )
    )
