"""Demo moderation and safety: what a moderator finds on a believable evening.

Called by ``demo.seed()`` after the forums and the ideas clinic. Written directly, with chosen
times (no mail, no rate limits):

- Isla moderates Highland only; Kenny is a national moderator; Morag an administrator.
- Open reports: an urgent one ("worried about someone's safety") in Stories, a possible advert
  in the Borders forum, an unkind reply in Highland's forum (for Isla), a pushy idea comment.
- A reply by Sandy reported by three members, so hidden automatically until a moderator looks.
- Callum's reply that named a client, hidden by Kenny, and a message from the moderators to
  Callum about it (unread, so "Messages" shows in his menu).
- Sandy's trail: a warning a week ago, then a suspension yesterday, both in the audit log.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    AuditEntry,
    CaseState,
    Forum,
    Idea,
    IdeaComment,
    Member,
    ModerationCase,
    ModeratorMessage,
    ModeratorRegion,
    Post,
    Region,
    Report,
    ReportReason,
    TargetKind,
    Thread,
    utcnow,
)
from forum.services import audit, posting
from forum.services.forums import manage
from forum.services.moderation import actions

SANDY_WARNING = (
    "Hi Sandy. A few of your replies this week have been sharp with people who were "
    "struggling. Please take a breath before replying; disagreeing is fine, unkindness is not. "
    "The moderators"
)
CALLUM_MESSAGE = (
    "Hi Callum, thank you for your reply about the drop-in. It named someone you support and "
    "their town, so we have hidden it for now. Could you post it again without those details? "
    "Thanks, the moderators"
)


def seed(members: list[Member]) -> None:
    """Add the moderation demo. Does not commit."""
    now = utcnow()
    people = {m.email.split("@")[0]: m for m in members}
    highland = db.session.scalar(sa.select(Region).where(Region.name == "Highland"))
    db.session.add(ModeratorRegion(moderator_id=people["isla"].id, region_id=highland.id))
    _urgent_report(people, now)
    _open_reports(people, now)
    _auto_hidden(people, now)
    _hidden_with_a_message(people, now)
    _sandys_trail(people, now)
    db.session.flush()
    manage.recount()


def _thread(title: str) -> Thread:
    return db.session.scalar(sa.select(Thread).where(Thread.title.startswith(title)))


def _reply(thread: Thread, author: Member, text: str, at: datetime) -> Post:
    post = Post(
        thread_id=thread.id,
        author_id=author.id,
        created_at=at,
        fingerprint=posting.fingerprint(text),
    )
    post.set_body(text)
    db.session.add(post)
    db.session.flush()
    return post


def _region_of(kind: TargetKind, obj) -> int | None:
    if kind == TargetKind.POST:
        return db.session.get(Forum, db.session.get(Thread, obj.thread_id).forum_id).region_id
    if kind == TargetKind.THREAD:
        return db.session.get(Forum, obj.forum_id).region_id
    if kind == TargetKind.COMMENT:
        return db.session.get(Idea, obj.idea_id).region_id
    return obj.region_id


def _reports(
    kind: TargetKind,
    obj,
    reports: list[tuple],
    *,
    auto_hidden: bool = False,
    handled: tuple | None = None,
) -> ModerationCase:
    """A case and its reports: (reporter, reason, note, when) each. ``handled`` (moderator,
    state, outcome, when) closes it."""
    first, last = reports[0][3], reports[-1][3]
    case = ModerationCase(
        target_kind=kind,
        target_id=obj.id,
        state=CaseState.OPEN,
        region_id=_region_of(kind, obj),
        report_count=len(reports),
        urgent=any(reason == ReportReason.SAFETY for _who, reason, _note, _at in reports),
        opened_at=first,
        last_report_at=last,
        auto_hidden=auto_hidden,
    )
    if handled:
        moderator, state, outcome, at = handled
        case.state, case.handled_by_id, case.handled_at, case.outcome = (
            state,
            moderator.id,
            at,
            outcome,
        )
    db.session.add(case)
    db.session.flush()
    for who, reason, note, at in reports:
        db.session.add(
            Report(
                case_id=case.id,
                reporter_id=who.id,
                target_kind=kind,
                target_id=obj.id,
                reason=reason,
                note=note,
                created_at=at,
                state=case.state,
            )
        )
    return case


def _logged(
    actor: Member | None, action: str, kind: str, target_id: int, at: datetime, **fields
) -> AuditEntry:
    entry = audit.record(actor, action, kind, target_id, **fields)
    entry.created_at = at  # still pending: the entry is written once, with its own time
    return entry


def _urgent_report(people: dict[str, Member], now: datetime) -> None:
    thread = _thread("The night the drop-in made the difference")
    post = _reply(
        thread,
        people["jo"],
        "Reading this tonight hit hard. Some nights lately I'm not sure what the point of any "
        "of it is, and I don't really want to be here. Sorry, I don't know why I'm posting this.",
        now - timedelta(hours=2),
    )
    _reports(
        TargetKind.POST,
        post,
        [
            (
                people["rhona"],
                ReportReason.SAFETY,
                "I'm worried about Jo. This sounds like more than a bad day.",
                now - timedelta(hours=1),
            ),
            (people["fiona"], ReportReason.SAFETY, "", now - timedelta(minutes=40)),
        ],
    )


def _open_reports(people: dict[str, Member], now: datetime) -> None:
    borders = _thread("Recovery college spring prospectus")
    _reports(
        TargetKind.THREAD,
        borders,
        [
            (
                people["fiona"],
                ReportReason.SPAM,
                "Is this advertising? It links to a paid course.",
                now - timedelta(hours=20),
            ),
        ],
    )
    highland = _thread("Getting to training when you live two hours")
    reply = _reply(
        highland,
        people["callum"],
        "If you can't be bothered to drive two hours, maybe peer work isn't for you.",
        now - timedelta(hours=9),
    )
    _reports(
        TargetKind.POST,
        reply,
        [
            (people["isla"], ReportReason.UNKIND, "", now - timedelta(hours=8)),
        ],
    )
    comment = db.session.scalar(sa.select(IdeaComment).order_by(IdeaComment.id.desc()).limit(1))
    if comment is not None and comment.author_id != people["ahmed"].id:
        _reports(
            TargetKind.COMMENT,
            comment,
            [
                (
                    people["ahmed"],
                    ReportReason.OTHER,
                    "Not sure this is helpful, feels a bit pushy.",
                    now - timedelta(days=1),
                ),
            ],
        )


def _auto_hidden(people: dict[str, Member], now: datetime) -> None:
    thread = _thread("Supervision: what does good look like")
    post = _reply(
        thread,
        people["sandy"],
        "Supervision is a waste of time for anyone with real experience. Some of you need to "
        "toughen up.",
        now - timedelta(days=2),
    )
    reports = [
        (people["ahmed"], ReportReason.UNKIND, "", now - timedelta(days=2, hours=-1)),
        (people["callum"], ReportReason.UNKIND, "Not on.", now - timedelta(days=2, hours=-2)),
        (people["jo"], ReportReason.UNKIND, "", now - timedelta(days=2, hours=-3)),
    ]
    _reports(TargetKind.POST, post, reports, auto_hidden=True)
    post.hidden_at, post.hidden_by_id = reports[-1][3], None
    post.hidden_reason = actions.AUTO_HIDE_REASON
    _logged(
        None,
        "content.auto_hide",
        "post",
        post.id,
        reports[-1][3],
        region_id=thread.forum.region_id,
        summary=f"Sandy's reply in “{thread.title}”",
        reason="Reported by 3 different members.",
        before={"hidden": False},
        after={"hidden": True},
    )


def _hidden_with_a_message(people: dict[str, Member], now: datetime) -> None:
    thread = _thread("The night the drop-in made the difference")
    kenny, callum = people["kenny"], people["callum"]
    post = _reply(
        thread,
        callum,
        "Same at our drop-in in Kirkcaldy: M. from the Templehall estate came in every night "
        "that winter.",
        now - timedelta(days=3),
    )
    at = now - timedelta(days=3) + timedelta(hours=2)
    _reports(
        TargetKind.POST,
        post,
        [
            (
                people["rhona"],
                ReportReason.PERSONAL,
                "Names someone and where they live.",
                now - timedelta(days=3) + timedelta(hours=1),
            ),
        ],
        handled=(kenny, CaseState.ACTIONED, "hid it", at),
    )
    reason = "It names someone you support and their town."
    post.hidden_at, post.hidden_by_id, post.hidden_reason = at, kenny.id, reason
    label = f"Callum's reply in “{thread.title}”"
    _logged(
        kenny,
        "content.hide",
        "post",
        post.id,
        at,
        region_id=thread.forum.region_id,
        summary=label,
        reason=reason,
        before={"hidden": False, "hidden_by": None, "hidden_reason": ""},
        after={"hidden": True, "hidden_by": kenny.id, "hidden_reason": reason},
    )
    db.session.add(
        ModeratorMessage(
            member_id=callum.id, sent_by_id=kenny.id, body=CALLUM_MESSAGE, created_at=at
        )
    )
    callum.unread_messages = 1
    _logged(
        kenny,
        "member.warn",
        "member",
        callum.id,
        at,
        region_id=callum.region_id,
        summary="the member Callum",
        reason=CALLUM_MESSAGE,
    )


def _sandys_trail(people: dict[str, Member], now: datetime) -> None:
    kenny, sandy = people["kenny"], people["sandy"]
    warned = now - timedelta(days=8)
    db.session.add(
        ModeratorMessage(
            member_id=sandy.id,
            sent_by_id=kenny.id,
            body=SANDY_WARNING,
            created_at=warned,
            read_at=warned + timedelta(hours=5),
        )
    )
    summary = "the member Sandy"
    _logged(
        kenny, "member.warn", "member", sandy.id, warned,
        region_id=sandy.region_id, summary=summary, reason=SANDY_WARNING,
    )  # fmt: skip
    suspended = now - timedelta(days=1)
    _logged(
        kenny,
        "member.suspend",
        "member",
        sandy.id,
        suspended,
        region_id=sandy.region_id,
        summary=summary,
        reason=sandy.suspension_reason,
        before={"status": "active", "suspended_until": None, "suspension_reason": ""},
        after={
            "status": "suspended",
            "suspended_until": sandy.suspended_until,
            "suspension_reason": sandy.suspension_reason,
        },
    )
