"""A large export, made by the background jobs and sent as a link that expires.

A member whose export holds more than ``EXPORT_INLINE_MAX`` things (posts, threads, ideas,
comments, votes) does not wait for it in the request: ``ask`` queues the job
``privacy.export``, which builds the ZIP (``export.build_export``), keeps it under
``instance/exports/`` and mails the member a link. The link carries a random secret of 256
bits; the file's name holds only its SHA-256 and the member's number, so the link opens the
file only for that member, signed in, and only for ``EXPORT_LINK_DAYS`` (7) days from when it
was made. Expired files are deleted by ``expire`` (a periodic job), and every file of a member
when they are erased (``forget``).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from forum.extensions import db
from forum.models import Idea, IdeaComment, IdeaVote, Member, MemberStatus, Post, utcnow
from forum.services import jobs, mail, passwords, tokens
from forum.services.errors import NotFound, ValidationFailed
from forum.services.privacy import export

EXPIRED = "This link has expired. Ask for your data again on Your data and privacy."


def inline_max() -> int:
    return int(current_app.config.get("EXPORT_INLINE_MAX", 5000))


def link_days() -> int:
    return int(current_app.config.get("EXPORT_LINK_DAYS", 7))


def _folder() -> Path:
    return Path(current_app.instance_path) / "exports"


def size_of(member_id: int) -> int:
    """How many things the member's export holds (one query)."""
    counts = [
        sa.select(sa.func.count()).where(Post.author_id == member_id).scalar_subquery(),
        sa.select(sa.func.count()).where(Idea.author_id == member_id).scalar_subquery(),
        sa.select(sa.func.count()).where(IdeaComment.author_id == member_id).scalar_subquery(),
        sa.select(sa.func.count()).where(IdeaVote.member_id == member_id).scalar_subquery(),
    ]
    return int(db.session.scalar(sa.select(sum(counts[1:], counts[0]))) or 0)


def ask(member: Member, password: str) -> bytes | None:
    """The member's export now (the ZIP's bytes), or None when it is large: then the job
    makes it and mails a link. ValidationFailed on ``password``."""
    if not passwords.verify_password(member.password_hash, password or ""):
        raise ValidationFailed({"password": "That is not your password."})
    if size_of(member.id) <= inline_max():
        return export.build_export(member.id)
    jobs.enqueue("privacy.export", member.id)
    return None


def build_and_mail(member_id: int, now: datetime | None = None) -> str | None:
    """The job: make the ZIP, keep it, and mail its link. Returns the file's name (None for
    someone no longer a member). Its own transaction (the mail)."""
    member = db.session.get(Member, member_id)
    if member is None or member.status != MemberStatus.ACTIVE or member.erased_at:
        return None
    data = export.build_export(member_id)
    secret, digest = tokens.new_secret()
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{member_id}-{digest}.zip"
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    os.chmod(partial, 0o600)
    partial.replace(path)  # whole or not at all
    made = now or utcnow()
    os.utime(path, (made.timestamp(), made.timestamp()))
    mail.queue(
        member.email,
        "export_ready",
        member=member,
        link=url_for("privacy.export_file", secret=secret, _external=True),
        until=made + timedelta(days=link_days()),
        size_kb=max(1, len(data) // 1024),
    )
    db.session.commit()
    return path.name


def opened(member: Member, secret: str, now: datetime | None = None) -> bytes:
    """The file behind a link, for the member it was made for. NotFound for any other link,
    member, or a file past its days (with ``EXPIRED``)."""
    path = _folder() / f"{member.id}-{tokens.digest(secret)}.zip"
    if not secret or not path.is_file():
        raise NotFound("This link is not one of yours, or its file was deleted.")
    made = datetime.fromtimestamp(path.stat().st_mtime, tz=(now or utcnow()).tzinfo)
    if (now or utcnow()) - made > timedelta(days=link_days()):
        path.unlink(missing_ok=True)
        raise NotFound(EXPIRED)
    return path.read_bytes()


def expire(now: datetime | None = None) -> int:
    """Delete the files whose links have expired (the periodic job). Returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    limit = ((now or utcnow()) - timedelta(days=link_days())).timestamp()
    gone = 0
    for path in folder.glob("*.zip"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            gone += 1
    return gone


def forget(member_id: int) -> int:
    """Delete every export file of a member (their erasure). Returns how many."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    files = list(folder.glob(f"{member_id}-*.zip"))
    for path in files:
        path.unlink(missing_ok=True)
    return len(files)
