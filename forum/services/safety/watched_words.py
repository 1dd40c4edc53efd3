"""Watched words: what administrators keep (*Admin → Watched words*) and how writing is
checked against them.

- A phrase is one or more words; a ``*`` at the end of a word matches any ending (``suicid*``
  matches "suicide" and "suicidal"). Matching ignores case and accents and is Unicode-aware:
  both sides are normalised (NFKD, marks and invisible format characters dropped, casefolded),
  words match whole (``die`` is not found in "diet"), and the words of a phrase may be
  separated by any spaces or punctuation ("end... it all").
- ``screen(**fields)`` checks what a member wrote, field by field, and raises ValidationFailed
  on the field with a *block* word (the form keeps the text). Otherwise it returns a
  ``Verdict``: whether the writing must wait for approval (*hold*), be reported by the system
  (*flag*), or show the crisis contacts (*signpost*).
- ``after_saving(verdict, ...)`` does what the verdict asks once the thing is saved, in the
  caller's transaction: a system report (``flag``) and an alert for the moderators
  (``signpost``, see ``alerts``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    CaseState,
    Member,
    ModerationCase,
    Report,
    ReportReason,
    SafetyAlert,
    TargetKind,
    UTCDateTime,
    WatchAction,
    WatchedWord,
    utcnow,
)
from forum.services import audit
from forum.services.database import insert_for
from forum.services.errors import NotFound, ValidationFailed
from forum.services.live import events, topics
from forum.services.safety import alerts

PHRASE_MAX = 200
DROPPED = frozenset({"Mn", "Me", "Cf"})  # accents and other marks; zero-width characters


def normalize(text: str) -> str:
    """``text`` without case, accents or invisible characters, spaces collapsed: what is
    compared. "KILL Mysélf" (or in full-width letters) and "kill myself" normalise alike."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in DROPPED)
    return " ".join(unicodedata.normalize("NFKD", kept.casefold()).split())


@lru_cache(maxsize=2048)
def _pattern(normalized: str) -> re.Pattern[str]:
    words = []
    for word in normalized.split():
        if word.endswith("*") and len(word) > 1:
            words.append(re.escape(word.rstrip("*")) + r"\w*")
        else:
            words.append(re.escape(word))
    return re.compile(r"(?<!\w)" + r"[\W_]+".join(words) + r"(?!\w)")


def matches(phrase: str, text: str) -> bool:
    """Whether ``text`` contains the watched ``phrase`` (both as typed)."""
    return _phrase_found(normalize(phrase), normalize(text))


def _phrase_found(normalized_phrase: str, normalized_text: str) -> bool:
    return (
        bool(normalized_phrase) and _pattern(normalized_phrase).search(normalized_text) is not None
    )


# --- checking what members write ---------------------------------------------------------------


@dataclass
class Verdict:
    """What the watched words found, by action: the phrases (as the administrators wrote them)."""

    found: dict[WatchAction, list[str]] = field(default_factory=dict)

    @property
    def hold(self) -> bool:
        return bool(self.found.get(WatchAction.HOLD))

    @property
    def flag(self) -> bool:
        return bool(self.found.get(WatchAction.FLAG))

    @property
    def signpost(self) -> bool:
        return bool(self.found.get(WatchAction.SIGNPOST))

    def phrases(self, action: WatchAction) -> list[str]:
        return self.found.get(action, [])


def _words() -> list[tuple[str, str, WatchAction]]:
    rows = db.session.execute(
        sa.select(WatchedWord.phrase, WatchedWord.normalized, WatchedWord.action).order_by(
            WatchedWord.id
        )
    )
    return [(r.phrase, r.normalized, r.action) for r in rows]


def check(*texts: str | None) -> Verdict:
    """Which watched words ``texts`` contain (one query), without refusing anything."""
    return _check({str(n): t for n, t in enumerate(texts)})[1]


def _check(fields: dict[str, str | None]) -> tuple[dict[str, list[str]], Verdict]:
    words = _words()
    blocked: dict[str, list[str]] = {}
    verdict = Verdict()
    if not words:
        return blocked, verdict
    for name, text in fields.items():
        normalized = normalize(text or "")
        for phrase, normal, action in words:
            if not _phrase_found(normal, normalized):
                continue
            if action == WatchAction.BLOCK:
                blocked.setdefault(name, []).append(phrase)
            found = verdict.found.setdefault(action, [])
            if phrase not in found:
                found.append(phrase)
    return blocked, verdict


def screen(**fields: str | None) -> Verdict:
    """Check each field (its name as the form calls it) against the watched words. Raises
    ValidationFailed on every field with a *block* word, naming it; otherwise the verdict."""
    blocked, verdict = _check(fields)
    if blocked:
        raise ValidationFailed(
            {name: _blocked_message(phrases) for name, phrases in blocked.items()}
        )
    return verdict


def _blocked_message(phrases: list[str]) -> str:
    quoted = ", ".join(f"“{p}”" for p in phrases)
    return (
        f"This network does not allow {quoted} here, so we have not posted it. Your text is "
        "kept: change it and send it again."
    )


def signposts(*texts: str | None) -> bool:
    """Whether ``texts`` contain a *signpost* word: the page then shows the crisis contacts."""
    return check(*texts).signpost


# --- what a verdict leaves behind, once the writing is saved ------------------------------------


def after_saving(
    verdict: Verdict,
    member: Member,
    kind: TargetKind,
    target_id: int,
    region_id: int | None,
    *,
    hold_as_flag: bool = False,
) -> None:
    """File the system's report (*flag*; *hold* too with ``hold_as_flag``, where the thing
    cannot wait for approval, as ideas and comments) and record the alert (*signpost*), in
    the caller's transaction."""
    flagged = verdict.phrases(WatchAction.FLAG)
    if hold_as_flag:
        flagged = flagged + verdict.phrases(WatchAction.HOLD)
    if flagged:
        flag(kind, target_id, region_id, flagged)
    if verdict.signpost:
        db.session.add(
            SafetyAlert(
                member_id=member.id,
                target_kind=kind.value,
                target_id=target_id,
                region_id=region_id,
                phrases=", ".join(verdict.phrases(WatchAction.SIGNPOST))[:400],
                created_at=utcnow(),
            )
        )
        alerts.after_alert()  # the moderators are told by a job, once this commits


def flag(kind: TargetKind, target_id: int, region_id: int | None, phrases: list[str]) -> None:
    """A report from the system ("a watched word") in the thing's case, opening it (again) in
    the review queue. The case follows moderation's rules (``moderation/reports.py``): one case
    per thing, a closed one opens again in a new round."""
    now = utcnow()
    db.session.execute(
        insert_for(ModerationCase)
        .values(
            target_kind=kind,
            target_id=target_id,
            region_id=region_id,
            state=CaseState.OPEN,
            round=1,
            urgent=False,
            report_count=0,
            opened_at=now,
            last_report_at=now,
            auto_hidden=False,
            outcome="",
        )
        .on_conflict_do_nothing(index_elements=["target_kind", "target_id"])
    )
    case = ModerationCase
    case_id = db.session.scalars(
        sa.select(case.id).where(case.target_kind == kind, case.target_id == target_id)
    ).one()
    quoted = ", ".join(f"“{p}”" for p in phrases)
    db.session.add(
        Report(
            case_id=case_id,
            reporter_id=None,
            target_kind=kind,
            target_id=target_id,
            reason=ReportReason.OTHER,
            note=f"Flagged by the watched words: {quoted}"[:1000],
            created_at=now,
            state=CaseState.OPEN,
        )
    )
    is_open = case.state == CaseState.OPEN
    when = sa.literal(now, UTCDateTime())
    db.session.execute(
        sa.update(case)
        .where(case.id == case_id)
        .values(
            report_count=sa.case((is_open, case.report_count + 1), else_=1),
            round=sa.case((is_open, case.round), else_=case.round + 1),
            opened_at=sa.case((is_open, case.opened_at), else_=when),
            auto_hidden=sa.case((is_open, case.auto_hidden), else_=False),
            state=CaseState.OPEN,
            last_report_at=when,
            region_id=region_id,
        )
        .execution_options(synchronize_session=False)
    )
    events.publish_after_commit(topics.MODERATION)


# --- what administrators keep --------------------------------------------------------------------


def watched_words() -> list[WatchedWord]:
    """Every watched word, by action then phrase."""
    return list(
        db.session.scalars(sa.select(WatchedWord).order_by(WatchedWord.action, WatchedWord.phrase))
    )


def clean_phrase(phrase: str | None) -> tuple[str, str]:
    """The phrase as shown (spaces tidied) and its normalised form. Raises ValidationFailed."""
    shown = " ".join((phrase or "").replace("\x00", "").split())
    normalized = normalize(shown)
    if not normalized.strip("* "):
        raise ValidationFailed({"phrase": "Write the word or phrase to watch for."})
    if len(shown) > PHRASE_MAX:
        raise ValidationFailed({"phrase": f"Keep it to {PHRASE_MAX} characters."})
    return shown, normalized


def add(admin: Member, phrase: str | None, action: str | None) -> WatchedWord:
    """Watch for a new phrase; recorded in the audit log. Raises ValidationFailed (an empty,
    too long or already watched phrase, or an unknown action)."""
    shown, normalized = clean_phrase(phrase)
    if action not in {a.value for a in WatchAction}:
        raise ValidationFailed({"action": "Choose what happens when someone writes it."})
    word_id = db.session.scalar(
        insert_for(WatchedWord)
        .values(
            phrase=shown,
            normalized=normalized,
            action=WatchAction(action),
            created_by_id=admin.id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["normalized"])
        .returning(WatchedWord.id)
    )
    if word_id is None:
        db.session.rollback()
        raise ValidationFailed({"phrase": f"“{shown}” is already watched."})
    audit.record(
        admin, "watched_word.add", "watched_word", word_id, summary=shown, after={"action": action}
    )
    db.session.commit()
    return db.session.get_one(WatchedWord, word_id)


def remove(admin: Member, word_id: int) -> WatchedWord:
    """Stop watching a phrase; recorded in the audit log. Raises NotFound."""
    word = db.session.get(WatchedWord, word_id)
    if word is None:
        raise NotFound("That word is not watched.")
    audit.record(
        admin,
        "watched_word.remove",
        "watched_word",
        word.id,
        summary=word.phrase,
        before={"action": word.action},
    )
    db.session.delete(word)
    db.session.commit()
    return word
