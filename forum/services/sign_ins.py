"""Sign-ins that really end: one server-side row for each browser a member signs in on.

Both cookies of a browser, the session cookie and the "keep me signed in" cookie, carry the
key of its row (``<id>:<secret>``, through Flask-Login's alternative id, ``Member.get_id``),
never the member's own id. So:

- **signing out deletes the row**, and a copy of either cookie taken before is refused on its
  next request, on any process (every request looks the row up);
- a sign-in ends by itself after ``SIGN_IN_IDLE_DAYS`` without a visit, and
  ``SIGN_IN_REMEMBERED_DAYS`` after it began (``SIGN_IN_BROWSER_HOURS`` when "keep me signed
  in" was not ticked), whatever its cookies say: the server decides, with the clock of this
  module (``utcnow``, which tests replace);
- a password change, a suspension and a decision on an application end all of a member's
  sign-ins (``end_all``; the member's new ``session_token`` refuses any the same instant);
- open live streams follow their sign-in (``live``: a stream of a sign-in that ended closes
  with "session ended").

Looking the row up costs no query of its own: it is one statement with the member, their
region and the regions they moderate, which every page loaded before anyway. The time of the
last visit is written at most every ``SEEN_EVERY``, after the page is built.

A row keeps no IP address and no location: the browser and system it says it is ("Firefox on
Windows"), when it began and was last used, and whether it is remembered.
"""

from __future__ import annotations

import hmac
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, g

from forum.extensions import db
from forum.models import Member, SignIn, utcnow
from forum.numbers import whole_or_none
from forum.services import tokens
from forum.services.errors import NotFound

log = logging.getLogger(__name__)

SEEN_EVERY = timedelta(minutes=5)  # how often a sign-in's last visit is written
_SEEN = "forum.sign_in_seen"


@dataclass(frozen=True)
class CurrentSignIn:
    """The sign-in a request came with (``Member.sign_in``): plain values, safe after commits."""

    id: int
    key: str
    remembered: bool
    created_at: datetime
    last_seen_at: datetime


# --- beginning and loading -------------------------------------------------------------------


def start(member: Member, *, remembered: bool, user_agent: str = "") -> CurrentSignIn:
    """Begin a sign-in for ``member`` on this browser and commit; it becomes ``member.sign_in``,
    whose key Flask-Login puts in the cookies. Sign-ins that have ended (anyone's) are forgotten
    on the way."""
    now = utcnow()
    _forget_ended(now)
    secret, digest = tokens.new_secret()
    row = SignIn(
        member_id=member.id,
        secret_hash=digest,
        member_token=member.session_token,
        remembered=remembered,
        device=describe(user_agent),
        created_at=now,
        last_seen_at=now,
    )
    db.session.add(row)
    db.session.flush()
    current = CurrentSignIn(row.id, f"{row.id}:{secret}", remembered, now, now)
    db.session.commit()
    member.sign_in = current  # type: ignore[assignment]  # set on the instance, not a column
    return current


def load(key: str) -> Member | None:
    """Flask-Login's user loader: the member whose sign-in ``key`` names (from either cookie),
    with their regions, in one query; None when it does not exist, its secret is wrong, or it
    has ended."""
    id_text, _, secret = (key or "").partition(":")
    sign_in_id = whole_or_none(id_text)
    if sign_in_id is None or not secret:
        return None
    row = _row(sign_in_id)
    now = utcnow()
    if row is None or not hmac.compare_digest(row.secret_hash, tokens.digest(secret)):
        return None
    if not lasting(row, now):
        return None
    if now - row.last_seen_at >= SEEN_EVERY:
        g.setdefault(_SEEN, row.id)  # written after the page (``_note_visit``)
    member = row.member
    member.sign_in = CurrentSignIn(  # type: ignore[assignment]  # on the instance, not a column
        row.id, key, row.remembered, row.created_at, row.last_seen_at
    )
    return member


def member_of(sign_in_id: int | None) -> Member | None:
    """The member of a sign-in that has not ended (for a live stream checking it still may
    send), or None."""
    row = _row(sign_in_id) if sign_in_id is not None else None
    return row.member if row is not None and lasting(row, utcnow()) else None


# Built once: every request runs it, and a statement kept is one SQLAlchemy need not build
# (nor work out the cache key of) again.
_ROW = (
    sa.select(SignIn)
    .where(SignIn.id == sa.bindparam("sign_in_id", type_=sa.Integer))
    .options(so.joinedload(SignIn.member).joinedload(Member.moderated_regions))
)


def _row(sign_in_id: int) -> SignIn | None:
    return db.session.scalars(_ROW, {"sign_in_id": sign_in_id}).unique().first()


def lasting(row: SignIn, now: datetime) -> bool:
    """Whether a sign-in has not ended: the member's token still matches, it was used within
    the idle time, and it is younger than its lifetime."""
    return (
        row.member_token == row.member.session_token
        and now - row.last_seen_at <= idle_limit()
        and now - row.created_at <= lifetime(row.remembered)
    )


def idle_limit() -> timedelta:
    return timedelta(days=current_app.config["SIGN_IN_IDLE_DAYS"])


def lifetime(remembered: bool) -> timedelta:
    cfg = current_app.config
    if remembered:
        return timedelta(days=cfg["SIGN_IN_REMEMBERED_DAYS"])
    return timedelta(hours=cfg["SIGN_IN_BROWSER_HOURS"])


# --- ending ----------------------------------------------------------------------------------


def end_current(member: Member) -> None:
    """Sign out: this browser's sign-in is deleted (both its cookies are refused from now)."""
    if member.sign_in is not None:
        _delete(sa.select(SignIn).where(SignIn.id == member.sign_in.id))
        db.session.commit()


def end(member: Member, sign_in_id: int) -> SignIn:
    """Sign ``member`` out of one of their devices ("sign out of this device" on *Your
    devices*). Raises NotFound when it is not theirs or has already ended."""
    row = db.session.scalar(
        sa.select(SignIn).where(SignIn.id == sign_in_id, SignIn.member_id == member.id)
    )
    if row is None:
        raise NotFound("That device is already signed out.")
    db.session.delete(row)
    db.session.commit()
    return row


def end_others(member: Member) -> int:
    """Sign ``member`` out everywhere but this browser; how many sign-ins ended."""
    others = sa.select(SignIn).where(SignIn.member_id == member.id)
    if member.sign_in is not None:
        others = others.where(SignIn.id != member.sign_in.id)
    ended = _delete(others)
    db.session.commit()
    return ended


def end_all(member_id: int) -> int:
    """End every sign-in of a member, in the caller's transaction (the caller commits, and
    changes the member's ``session_token`` too, so nothing begun meanwhile survives)."""
    return _delete(sa.select(SignIn).where(SignIn.member_id == member_id))


def _delete(rows: sa.Select) -> int:
    """Delete through the session, so that open live streams of these sign-ins are told
    (``live`` watches for deleted sign-ins) once the transaction commits."""
    found = list(db.session.scalars(rows))
    for row in found:
        db.session.delete(row)
    return len(found)


def _forget_ended(now: datetime) -> None:
    """Delete the sign-ins that can no longer be used (idle or too old; those of a changed
    session token are deleted when it changes)."""
    db.session.execute(
        sa.delete(SignIn)
        .where(
            sa.or_(
                SignIn.last_seen_at < now - idle_limit(),
                sa.and_(SignIn.remembered, SignIn.created_at < now - lifetime(True)),
                sa.and_(~SignIn.remembered, SignIn.created_at < now - lifetime(False)),
            )
        )
        .execution_options(synchronize_session=False)
    )


# --- a member's devices ----------------------------------------------------------------------


def devices(member: Member) -> list[SignIn]:
    """Where ``member`` is signed in, the most recently used first."""
    rows = db.session.scalars(
        sa.select(SignIn)
        .where(SignIn.member_id == member.id)
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
    )
    now = utcnow()
    return [row for row in rows if lasting(row, now)]


_BROWSERS = (
    ("Edg", "Edge"),
    ("OPR/", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("iPad", "iPadOS"),
    ("iPhone", "iOS"),
    ("Android", "Android"),
    ("CrOS", "ChromeOS"),
    ("Windows", "Windows"),
    ("Macintosh", "macOS"),
    ("Linux", "Linux"),
)


def describe(user_agent: str) -> str:
    """A browser's name and system, from what it says it is ("Firefox on Windows"), short enough
    to recognise a device by and too vague to follow anyone with."""
    text = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in text), "")
    system = next((name for mark, name in _SYSTEMS if mark in text), "")
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    return "A web browser"


# --- the last visit ----------------------------------------------------------------------------


def _note_visit(response):
    """After a page: a sign-in last seen more than SEEN_EVERY ago is seen now (one small write,
    in its own transaction; the page is already built). Failing to write it changes nothing."""
    sign_in_id = g.pop(_SEEN, None)
    if sign_in_id is None:
        return response
    try:
        db.session.rollback()  # the request's own transaction is over (services committed)
        db.session.execute(
            sa.update(SignIn)
            .where(SignIn.id == sign_in_id)
            .values(last_seen_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
    except sa.exc.SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("sign-in %s: last visit not written: %s", sign_in_id, exc)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_note_visit)
