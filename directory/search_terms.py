"""Searches as people type them: "speech therapist", "SLP", "late talker", "terapia del
habla", "español". The words families use are data (``directory/data/search_terms.json``,
format in docs/directory.md): a phrase maps to a discipline filter, a language filter or a
set of alternative words for the text search. What is left after the longest phrases are
taken out (less filler words such as "my" or "para") is searched as text.

Matching ignores case and accents ("espanol" finds "español"); phrases match whole words
only ("ot" never matches inside "other")."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

TERMS_FILE = Path(__file__).resolve().parent / "data" / "search_terms.json"
WORD_RE = re.compile(r"[\w']+")


@dataclass(frozen=True)
class SearchTerms:
    """A text query understood. ``text_groups`` are ANDed; the alternatives inside a group
    are ORed. ``phrases`` keeps what was recognized, for telling the reader."""

    disciplines: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    text_groups: tuple[tuple[str, ...], ...] = ()
    phrases: tuple[str, ...] = ()

    @property
    def recognized(self) -> bool:
        return bool(self.phrases)


@dataclass(frozen=True)
class _Meaning:
    kind: str  # "discipline" | "language" | "expansion"
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    phrases: dict[tuple[str, ...], _Meaning]
    ignore: frozenset[str]
    longest: int


def fold(text: str) -> str:
    """Lower case without accents: "Español" -> "espanol"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(fold(w) for w in _words(phrase))


def build_table(data: dict[str, Any]) -> _Table:
    """Index a terms document; a phrase listed twice with different meanings is an error
    (the file is data people edit; a silent overwrite would hide a mistake)."""
    phrases: dict[tuple[str, ...], _Meaning] = {}

    def add(phrase: str, meaning: _Meaning) -> None:
        key = _key(phrase)
        if not key:
            raise ValueError(f"search terms: empty phrase {phrase!r}")
        if key in phrases and phrases[key] != meaning:
            raise ValueError(f"search terms: {phrase!r} has two meanings")
        phrases[key] = meaning

    for discipline, items in data.get("disciplines", {}).items():
        for phrase in items:
            add(phrase, _Meaning("discipline", (discipline,)))
    for code, items in data.get("languages", {}).items():
        for phrase in items:
            add(phrase, _Meaning("language", (code,)))
    for _name, alternatives in data.get("expansions", {}).items():
        meaning = _Meaning("expansion", tuple(alternatives))
        for phrase in alternatives:
            add(phrase, meaning)
    ignore = frozenset(fold(w) for w in data.get("ignore", []))
    return _Table(phrases, ignore, max((len(k) for k in phrases), default=1))


@cache
def _default_table() -> _Table:
    with TERMS_FILE.open(encoding="utf-8") as handle:
        return build_table(json.load(handle))


def _longest_match(table: _Table, folded: list[str], start: int) -> tuple[int, _Meaning | None]:
    for size in range(min(table.longest, len(folded) - start), 0, -1):
        meaning = table.phrases.get(tuple(folded[start : start + size]))
        if meaning is not None:
            return size, meaning
    return 1, None


def interpret(q: str, table: _Table | None = None) -> SearchTerms:
    """Split ``q`` into filters and text. A query with no recognized phrase is searched
    as typed (operators such as quotes keep working)."""
    table = table or _default_table()
    words = _words(q)
    folded = [fold(w) for w in words]
    disciplines: list[str] = []
    languages: list[str] = []
    expansions: list[tuple[str, ...]] = []
    phrases: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(words):
        size, meaning = _longest_match(table, folded, i)
        if meaning is None:
            if folded[i] not in table.ignore:
                rest.append(words[i])
        else:
            phrases.append(" ".join(words[i : i + size]))
            target = {"discipline": disciplines, "language": languages}.get(meaning.kind)
            if target is not None:
                target.extend(v for v in meaning.values if v not in target)
            elif meaning.values not in expansions:
                expansions.append(meaning.values)
        i += size
    if not phrases:
        return SearchTerms(text_groups=((q.strip(),),) if q.strip() else ())
    groups = [(" ".join(rest),)] if rest else []
    return SearchTerms(
        disciplines=tuple(disciplines),
        languages=tuple(languages),
        text_groups=tuple(groups + expansions),
        phrases=tuple(phrases),
    )
