"""A member's search, parsed into a safe form both engines understand the same way.

- words are all needed: ``supervision peer`` finds what has both;
- ``"quoted words"`` must appear together, in that order;
- ``-word`` or ``-"a phrase"`` leaves out what has it;
- ``OR`` (any case) between two words or phrases takes either: ``group OR circle support`` is
  (group or circle) and support, as in web search engines.

Everything else (``*``, ``NEAR(``, ``:``, brackets, SQL) is only punctuation between words:
a term keeps letters and digits, and reaches an engine as a quoted string or a bound value,
never as syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_LENGTH = 200
MAX_TERMS = 12
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


class Unsearchable(ValueError):
    """The query cannot be searched; the message says why, for the member."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Terms:
    # Each group is needed; a group with several terms needs any one of them.
    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [w for g in self.groups for t in g for w in t.words]


def _term(text: str) -> Term | None:
    words = tuple(_WORD.findall(text.replace("_", " ")))
    return Term(words) if words else None


def parse(text: str | None) -> Terms:
    """``text`` as ``Terms``; raises Unsearchable (with a message) for an empty or unusable
    query, one that is too long, or one that only leaves things out."""
    text = (text or "").strip()
    if not text:
        raise Unsearchable("Type a word or two to search for.")
    if len(text) > MAX_LENGTH:
        raise Unsearchable(f"Searches can be up to {MAX_LENGTH} characters; try fewer words.")
    terms = Terms()
    join_next = False
    for match in _TOKEN.finditer(text):
        negated, phrase, bare = match.group(1), match.group(2), match.group(3)
        if bare is not None and bare.upper() == "OR":
            join_next = bool(terms.groups)
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        term = _term(phrase if phrase is not None else bare)
        if term is None:
            continue
        if negated:
            terms.excluded.append(term)
        elif join_next:
            terms.groups[-1].append(term)
        else:
            terms.groups.append([term])
        join_next = False
    count = sum(len(g) for g in terms.groups) + len(terms.excluded)
    if count > MAX_TERMS:
        raise Unsearchable(f"Searches can have up to {MAX_TERMS} words or phrases.")
    if not terms.groups:
        if terms.excluded:
            raise Unsearchable("Say what to look for, not only what to leave out.")
        raise Unsearchable("Type a word or two to search for: letters or numbers.")
    return terms


def fts5(terms: Terms) -> str:
    """The FTS5 MATCH expression: every term a double-quoted string of letters and digits."""

    def quoted(term: Term) -> str:
        return '"' + " ".join(term.words) + '"'  # words hold no quote: \w only

    needed = " AND ".join("(" + " OR ".join(quoted(t) for t in g) + ")" for g in terms.groups)
    return "".join([f"({needed})", *(f" NOT {quoted(t)}" for t in terms.excluded)])


def websearch(term: Term) -> str:
    """One term for PostgreSQL's ``websearch_to_tsquery``: a word, or a quoted phrase."""
    return term.words[0] if len(term.words) == 1 else '"' + term.text + '"'
