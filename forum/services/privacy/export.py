"""Your data: everything a member gave the network, as a ZIP to take away.

``build_export(member_id)`` is the one function: it takes a member's id (not a signed-in
member), needs an application context only, and returns the ZIP's bytes, so a background job
can build a large export the same way the page builds a small one. The ZIP holds
``your-data.json`` (machine-readable) and ``your-data.html`` (to read in a browser).

What is in it: the profile and application answers, consents (what, which version of the
notice, given and withdrawn when), threads, posts, ideas, votes, comments on ideas, reports
the member made (what they said, never what moderators decided), content warning settings,
mutes, devices signed in, messages the moderators sent them, the state of a break or an
erasure, their bookings and access answers, the messages they wrote in conversations, their
appeals (what they asked, and whether it was decided), and their choices about notifications,
email, messages and the calendar feed. Nothing of anyone else: other members' threads, ideas,
conversations and members the member muted appear as links and ids only, never with their
words or names. Moderators' notes about a member are not in it: they are answered, with any
exemption that applies, by the operator on a subject access request (docs/privacy/).
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import render_template

from forum.extensions import db
from forum.models import (
    Appeal,
    Booking,
    CalendarFeed,
    ContentWarning,
    Conversation,
    EmailPreference,
    Event,
    Idea,
    IdeaComment,
    IdeaVote,
    Member,
    Message,
    MessageSetting,
    ModeratorMessage,
    Mute,
    NotificationSetting,
    Post,
    PostRevision,
    Report,
    SignIn,
    Thread,
    WarningPreference,
    Watch,
    utcnow,
)
from forum.services import site_settings
from forum.services.errors import NotFound

FORMAT_VERSION = 1


def filename(member_id: int, now: datetime | None = None) -> str:
    return f"your-data-{(now or utcnow()).strftime('%Y-%m-%d')}.zip"


def build_export(member_id: int) -> bytes:
    """The ZIP of everything member ``member_id`` gave the network (NotFound for an unknown
    or erased member). Reads only; commits nothing."""
    data = collect(member_id)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("your-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        archive.writestr("your-data.html", render_template("privacy/export.html", data=data))
    return buffer.getvalue()


def collect(member_id: int) -> dict[str, Any]:
    """The export as plain values (what ``your-data.json`` holds)."""
    member = db.session.get(Member, member_id)
    if member is None or member.is_erased:
        raise NotFound("There is no such member.")
    site = site_settings.settings()
    return {
        "format_version": FORMAT_VERSION,
        "network": site.network_name if site else "",
        "exported_at": _when(utcnow()),
        "profile": _profile(member),
        "consents": [
            {
                "kind": c.kind.value,
                "notice_version": c.document_version,
                "given_at": _when(c.given_at),
                "withdrawn_at": _when(c.withdrawn_at),
            }
            for c in member.consents
        ],
        "threads": _threads(member_id),
        "posts": _posts(member_id),
        "earlier_versions_of_posts": _post_versions(member_id),
        "ideas": _ideas(member_id),
        "votes": _votes(member_id),
        "comments": _comments(member_id),
        "reports": _reports(member_id),
        "content_warning_settings": _warning_settings(member_id),
        "muted_members": [
            {"member": f"/members/{m.muted_id}", "since": _when(m.created_at)}
            for m in db.session.scalars(sa.select(Mute).where(Mute.muter_id == member_id))
        ],
        "watching": [
            {
                "thread_id": w.thread_id,
                "forum_id": w.forum_id,
                "level": w.level.value,
                "chosen_at": _when(w.chosen_at),
            }
            for w in db.session.scalars(sa.select(Watch).where(Watch.member_id == member_id))
        ],
        "devices": _devices(member_id),
        "bookings": _bookings(member_id),
        "messages_in_conversations": _messages(member_id),
        "appeals": _appeals(member_id),
        "choices": _choices(member_id),
        "messages_from_moderators": [
            {"sent_at": _when(m.created_at), "text": m.body, "read_at": _when(m.read_at)}
            for m in db.session.scalars(
                sa.select(ModeratorMessage)
                .where(ModeratorMessage.member_id == member_id)
                .order_by(ModeratorMessage.id)
            )
        ],
    }


def _when(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _profile(member: Member) -> dict[str, Any]:
    return {
        "id": member.id,
        "display_name": member.display_name,
        "email": member.email,
        "region": member.region.name if member.region else None,
        "role": member.role.value,
        "status": member.status.value,
        "applied_at": _when(member.created_at),
        "decided_at": _when(member.decided_at),
        "application": {"organisation": member.organisation, "reason": member.reason},
        "suspended_until": _when(member.suspended_until),
        "break_until": _when(member.break_until),
        "health_consent_withdrawn_at": _when(member.health_consent_withdrawn_at),
        "erasure_due_at": _when(member.erasure_due_at),
    }


def _devices(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(SignIn).where(SignIn.member_id == member_id).order_by(SignIn.id)
    )
    return [
        {"device": s.device, "signed_in_at": _when(s.created_at),
         "last_seen_at": _when(s.last_seen_at), "remembered": s.remembered}
        for s in rows
    ]  # fmt: skip


def _threads(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Thread).where(Thread.author_id == member_id).order_by(Thread.id)
    )
    return [
        {"id": t.id, "title": t.title, "forum": t.forum.name, "started_at": _when(t.created_at),
         "link": f"/threads/{t.id}", "removed_at": _when(t.removed_at)}
        for t in rows
    ]  # fmt: skip


def _posts(member_id: int) -> list[dict[str, Any]]:
    """Their posts; the thread only as a link when someone else started it."""
    rows = db.session.execute(
        sa.select(Post, Thread.author_id, Thread.title)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == member_id)
        .order_by(Post.id)
    )
    return [
        {
            "id": post.id,
            "thread": f"/threads/{post.thread_id}",
            "thread_title": title if starter == member_id else None,
            "written_at": _when(post.created_at),
            "edited_at": _when(post.edited_at),
            "removed_at": _when(post.deleted_at),
            "text": post.body_source,
            "link": f"/posts/{post.id}",
        }
        for post, starter, title in rows
    ]


def _post_versions(member_id: int) -> list[dict[str, Any]]:
    """What their posts said before they edited them (moderators can read these too)."""
    rows = db.session.scalars(
        sa.select(PostRevision)
        .join(Post, Post.id == PostRevision.post_id)
        .where(Post.author_id == member_id)
        .order_by(PostRevision.id)
    )
    return [
        {"post": f"/posts/{r.post_id}", "title": r.title, "written_at": _when(r.written_at),
         "replaced_at": _when(r.replaced_at), "text": r.body_source}
        for r in rows
    ]  # fmt: skip


def _ideas(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(sa.select(Idea).where(Idea.author_id == member_id).order_by(Idea.id))
    return [
        {"id": i.id, "title": i.title, "description": i.body_source, "status": i.status.value,
         "submitted_at": _when(i.created_at), "link": f"/ideas/{i.id}"}
        for i in rows
    ]  # fmt: skip


def _votes(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(IdeaVote).where(IdeaVote.member_id == member_id).order_by(IdeaVote.created_at)
    )
    return [{"idea": f"/ideas/{v.idea_id}", "voted_at": _when(v.created_at)} for v in rows]


def _comments(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(IdeaComment).where(IdeaComment.author_id == member_id).order_by(IdeaComment.id)
    )
    return [
        {"id": c.id, "idea": f"/ideas/{c.idea_id}", "written_at": _when(c.created_at),
         "edited_at": _when(c.edited_at), "removed_at": _when(c.deleted_at),
         "text": c.body_source, "link": f"/ideas/{c.idea_id}#comment-{c.id}"}
        for c in rows
    ]  # fmt: skip


def _reports(member_id: int) -> list[dict[str, Any]]:
    """What the member reported and said; not the case, its state or what was decided."""
    rows = db.session.scalars(
        sa.select(Report).where(Report.reporter_id == member_id).order_by(Report.id)
    )
    return [
        {"about": r.target_kind.label, "about_id": r.target_id, "reason": r.reason.label,
         "note": r.note, "sent_at": _when(r.created_at)}
        for r in rows
    ]  # fmt: skip


def _warning_settings(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        sa.select(ContentWarning.name, WarningPreference.choice)
        .join(WarningPreference, WarningPreference.warning_id == ContentWarning.id)
        .where(WarningPreference.member_id == member_id)
        .order_by(ContentWarning.position)
    )
    return [{"warning": name, "choice": choice.value} for name, choice in rows]


def _bookings(member_id: int) -> list[dict[str, Any]]:
    """Their places at events, with the access answers the organisers keep until 30 days
    after the event."""
    rows = db.session.execute(
        sa.select(Booking, Event.title, Event.starts_at)
        .join(Event, Event.id == Booking.event_id)
        .where(Booking.member_id == member_id)
        .order_by(Booking.id)
    )
    return [
        {"event": f"/events/{b.event_id}", "event_title": title, "starts_at": _when(starts),
         "status": b.status.value, "booked_at": _when(b.created_at), "attended": b.attended,
         "access_needs": list(b.access_ticks or []), "access_note": b.access_text,
         "access_answers_deleted_at": _when(b.answers_purged_at)}
        for b, title, starts in rows
    ]  # fmt: skip


def _messages(member_id: int) -> list[dict[str, Any]]:
    """The messages they wrote; the conversation as a link (its subject when they started
    it), never the others' messages or names."""
    rows = db.session.execute(
        sa.select(Message, Conversation.started_by_id, Conversation.subject)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.author_id == member_id)
        .order_by(Message.id)
    )
    return [
        {"conversation": f"/conversations/{m.conversation_id}",
         "subject": subject if starter == member_id else None,
         "written_at": _when(m.created_at), "text": m.body_source}
        for m, starter, subject in rows
    ]  # fmt: skip


def _appeals(member_id: int) -> list[dict[str, Any]]:
    rows = db.session.scalars(
        sa.select(Appeal).where(Appeal.member_id == member_id).order_by(Appeal.id)
    )
    return [
        {"against": a.action, "sent_at": _when(a.created_at), "text": a.body,
         "state": a.state.value, "decided_at": _when(a.decided_at)}
        for a in rows
    ]  # fmt: skip


def _choices(member_id: int) -> dict[str, Any]:
    """What they chose about notifications, email, messages and the calendar feed."""
    mode = db.session.scalar(
        sa.select(EmailPreference.mode).where(EmailPreference.member_id == member_id)
    )
    off = db.session.scalars(
        sa.select(NotificationSetting.kind)
        .where(NotificationSetting.member_id == member_id, NotificationSetting.on_site.is_(False))
        .order_by(NotificationSetting.kind)
    )
    feed = db.session.get(CalendarFeed, member_id)
    setting = db.session.get(MessageSetting, member_id)
    return {
        "email": mode.value if mode is not None else "weekly (the default)",
        "notifications_switched_off": list(off),
        "messages_off": bool(setting and setting.messages_off),
        "calendar_feed_since": _when(feed.created_at) if feed else None,
    }
