"""Searches as people type them: "speech therapist", "SLP", "late talker", "terapia del
habla", "español", "therapist", "daycare", "speach therapy", "speech therapist in Detroit".
The words families use are data (``directory/data/search_terms.json``, format in
docs/directory.md), together with the directory's own category names (every discipline
and endorsement label, in English and Spanish, read from the models): a phrase maps to a
discipline filter (or several, for a broad word such as "therapist"), an endorsement
filter, a language filter or a set of alternative words for the text search. What is left
after the longest phrases are taken out (less filler words such as "my" or "para") is
searched as text; a place at its end ("... in Ann Arbor", "... Detroit, MI", "48104") can
be taken as the search's place (``find_place``).

Matching ignores case and accents ("espanol" finds "español") and a plural "s"
("terapeutas" = "terapeuta"); phrases match whole words only ("ot" never matches inside
"other"). A word the table does not know is corrected to a word it does when that makes a
phrase ("speach therapy" -> "speech therapy"): a bounded edit distance (one edit up to 7
letters, two from 8) over the table's own words, never a table scan."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

TERMS_FILE = Path(__file__).resolve().parent / "data" / "search_terms.json"
WORD_RE = re.compile(r"[\w']+")
ZIP_WORD_RE = re.compile(r"^\d{5}$")
# Words before a place: "speech therapist in Ann Arbor", "terapia cerca de Detroit".
PLACE_PREPOSITIONS = frozenset({"in", "near", "around", "by", "en", "cerca", "de", "close", "to"})
MAX_PLACE_WORDS = 5
MAX_CORRECTED_WORDS = 6  # per query: the cost of correcting stays bounded whatever is typed
ENDORSEMENT_SUFFIX_RE = re.compile(r"\s*\((IMH|ECMH)-E®\)\s*$")


@dataclass(frozen=True)
class PlaceInQuery:
    """A place found at the end of ``q``: the words as typed, and whether they can only be
    a place (a ZIP, a state given, after "in"/"near" or after a recognized phrase). An
    uncertain one (the whole query is a city name) is checked against the listings'
    text first: "Sunrise" may be "Sunrise Pediatrics"."""

    text: str
    certain: bool
    before: str = ""  # the words before the place (without "in"/"near"): the rest of the query


@dataclass(frozen=True)
class SearchTerms:
    """A text query understood. ``text_groups`` are ANDed; the alternatives inside a group
    are ORed. ``phrases`` keeps what was recognized, ``corrections`` the words corrected
    (typed, used), for telling the reader."""

    disciplines: tuple[str, ...] = ()
    # The discipline words as typed: a listing whose own text has them is found too
    # ("speech" finds a pediatric clinic offering "speech therapy").
    discipline_words: tuple[str, ...] = ()
    endorsements: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    text_groups: tuple[tuple[str, ...], ...] = ()
    phrases: tuple[str, ...] = ()
    corrections: tuple[tuple[str, str], ...] = ()
    place: PlaceInQuery | None = None
    rest: str = field(default="", compare=False)

    @property
    def recognized(self) -> bool:
        return bool(self.phrases)


@dataclass(frozen=True)
class _Meaning:
    kind: str  # "discipline" | "endorsement" | "language" | "expansion"
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Table:
    phrases: dict[tuple[str, ...], _Meaning]
    ignore: frozenset[str]
    longest: int
    words: frozenset[str] = frozenset()
    # closest_words answers, per word typed (the table never changes in a process).
    closest: dict[tuple[str, int], list[str]] = field(default_factory=dict, compare=False, hash=False)


def fold(text: str) -> str:
    """Lower case without accents: "Español" -> "espanol"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def stem(word: str) -> str:
    """A folded word without a plural "s" ("terapeutas" -> "terapeuta", "therapists" ->
    "therapist"); applied to both the table and the query, so they always agree."""
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _words(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(stem(fold(w)) for w in _words(phrase))


def label_variants(label: str) -> list[str]:
    """A category label as people would type it: "Psicólogo/a" -> "psicólogo",
    "psicóloga"; "Patólogo/a del habla y el lenguaje (terapia del habla)" -> without the
    parenthesis too; "Infant Mental Health Specialist (IMH-E®)" -> without the mark."""
    base = ENDORSEMENT_SUFFIX_RE.sub("", label)
    plain = re.sub(r"\s*\([^)]*\)", "", base)
    variants = []
    for text in dict.fromkeys([base, plain]):
        masculine = re.sub(r"(\w+)o/a\b", r"\1o", re.sub(r"(\w+)r/a\b", r"\1r", text))
        feminine = re.sub(r"(\w+)o/a\b", r"\1a", re.sub(r"(\w+)r/a\b", r"\1ra", text))
        variants += [masculine, feminine]
    return [v for v in dict.fromkeys(variants) if v.strip()]


def build_table(data: dict[str, Any], labels: Iterable[tuple[str, str, str]] = ()) -> _Table:
    """Index a terms document and the category ``labels`` ((kind, code, label) triples);
    a phrase listed twice with different meanings is an error (the file is data people
    edit; a silent overwrite would hide a mistake)."""
    phrases: dict[tuple[str, ...], _Meaning] = {}

    def add(phrase: str, meaning: _Meaning) -> None:
        key = _key(phrase)
        if not key:
            raise ValueError(f"search terms: empty phrase {phrase!r}")
        if key in phrases and phrases[key] != meaning:
            raise ValueError(f"search terms: {phrase!r} has two meanings")
        phrases[key] = meaning

    for kind, code, label in labels:
        for phrase in label_variants(label):
            add(phrase, _Meaning(kind, (code,)))
    for discipline, items in data.get("disciplines", {}).items():
        for phrase in items:
            add(phrase, _Meaning("discipline", (discipline,)))
    for _name, group in data.get("groups", {}).items():
        meaning = _Meaning("discipline", tuple(group["disciplines"]))
        for phrase in group["phrases"]:
            add(phrase, meaning)
    for code, items in data.get("languages", {}).items():
        for phrase in items:
            add(phrase, _Meaning("language", (code,)))
    for _name, alternatives in data.get("expansions", {}).items():
        meaning = _Meaning("expansion", tuple(alternatives))
        for phrase in alternatives:
            add(phrase, meaning)
    ignore = frozenset(stem(fold(w)) for w in data.get("ignore", []))
    words = frozenset(w for key in phrases for w in key) | ignore
    return _Table(phrases, ignore, max((len(k) for k in phrases), default=1), words)


def category_labels() -> list[tuple[str, str, str]]:
    """Every discipline and endorsement label in English and Spanish."""
    from django.utils import translation  # noqa: PLC0415  # only when the table is first built

    from directory.models import Discipline, EndorsementCategory  # noqa: PLC0415  # models load after apps

    labels = []
    for language in ("en", "es"):
        with translation.override(language):
            labels += [("discipline", code, str(label)) for code, label in Discipline.choices]
            labels += [("endorsement", code, str(label)) for code, label in EndorsementCategory.choices]
    return labels


@cache
def _default_table() -> _Table:
    with TERMS_FILE.open(encoding="utf-8") as handle:
        return build_table(json.load(handle), category_labels())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours),
    or ``limit + 1`` as soon as it is known to exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def _allowed_edits(word: str) -> int:
    if len(word) < 4 or not word.isalpha():
        return 0
    return 1 if len(word) <= 7 else 2


def closest_words(word: str, table: _Table, limit: int | None = None) -> list[str]:
    """The table's words nearest ``word`` within the allowed edits, nearest first."""
    limit = _allowed_edits(word) if limit is None else limit
    if not limit:
        return []
    known = table.closest.get((word, limit))
    if known is not None:
        return known
    if len(table.closest) > 10_000:  # typed words are unbounded; the cache is not
        table.closest.clear()
    found = sorted(
        (distance, candidate)
        for candidate in table.words
        if abs(len(candidate) - len(word)) <= limit
        and (distance := edit_distance(word, candidate, limit)) <= limit
    )
    table.closest[(word, limit)] = [candidate for _distance, candidate in found]
    return table.closest[(word, limit)]


def _longest_match(table: _Table, folded: list[str], start: int) -> tuple[int, _Meaning | None]:
    for size in range(min(table.longest, len(folded) - start), 0, -1):
        meaning = table.phrases.get(tuple(folded[start : start + size]))
        if meaning is not None:
            return size, meaning
    return 1, None


def _corrected(table: _Table, folded: list[str], start: int) -> tuple[int, _Meaning | None, list[str]]:
    """The longest phrase at ``start`` once unknown words there are corrected to the
    table's nearest words (each tried in order; the first that makes a phrase wins)."""
    window = folded[start : start + table.longest]
    options = [[w] if w in table.words else [w, *closest_words(w, table)[:3]] for w in window]
    if all(len(o) == 1 for o in options):
        return 1, None, folded
    for size in range(len(window), 0, -1):
        for attempt in _combinations(options[:size]):
            meaning = table.phrases.get(tuple(attempt))
            if meaning is not None and list(attempt) != folded[start : start + size]:
                return size, meaning, [*folded[:start], *attempt, *folded[start + size :]]
    return 1, None, folded


def _combinations(options: list[list[str]], budget: int = 12) -> list[tuple[str, ...]]:
    combos: list[tuple[str, ...]] = [()]
    for choices in options:
        combos = [(*c, choice) for c in combos for choice in choices][:budget]
    return combos


@dataclass
class _Reading:
    disciplines: list[str] = field(default_factory=list)
    endorsements: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    expansions: list[tuple[str, ...]] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    corrections: list[tuple[str, str]] = field(default_factory=list)
    rest: list[int] = field(default_factory=list)  # positions of words searched as text
    matched_before: list[int] = field(default_factory=list)  # end of each recognized phrase

    discipline_sets: list[tuple[str, ...]] = field(default_factory=list)
    discipline_words: list[str] = field(default_factory=list)

    def take(self, meaning: _Meaning, phrase: str) -> None:
        self.phrases.append(phrase)
        if meaning.kind == "discipline":
            self.discipline_sets.append(meaning.values)
            # Short codes ("OT", "SLP", "Part C") would match inside other words as text.
            if any(len(word) >= 4 for word in phrase.split()) and all(len(w) > 1 for w in phrase.split()):
                self.discipline_words.append(phrase)
            return
        target = {
            "endorsement": self.endorsements,
            "language": self.languages,
        }.get(meaning.kind)
        if target is not None:
            target.extend(v for v in meaning.values if v not in target)
        elif meaning.values not in self.expansions:
            self.expansions.append(meaning.values)


def _misspelled_filler(table: _Table, word: str) -> bool:
    """A long word one or two edits from a filler word ("coordinater"): dropped like it.
    Short ones are not guessed at ("Park" is a name, not "para")."""
    return len(word) >= 8 and any(w in table.ignore for w in closest_words(word, table)[:1])


def combine_disciplines(sets: list[tuple[str, ...]]) -> list[str]:
    """Discipline words narrow each other when they overlap ("mental health" and
    "clinician": mental health clinicians) and add up when they do not ("pediatrician or
    psychologist")."""
    chosen: list[str] = []
    for values in sets:
        common = [code for code in chosen if code in values]
        chosen = common or [*chosen, *(v for v in values if v not in chosen)]
    return chosen


def _read(table: _Table, words: list[str]) -> _Reading:
    folded = [stem(fold(w)) for w in words]
    reading = _Reading()
    # Many unknown words are free text (a name, a sentence), not a typo of the vocabulary.
    unknown = sum(1 for w in folded if w not in table.words)
    corrections_left = MAX_CORRECTED_WORDS if unknown <= MAX_CORRECTED_WORDS else 0
    i = 0
    while i < len(words):
        size, meaning = _longest_match(table, folded, i)
        used = folded
        window = folded[i : i + table.longest]
        if corrections_left and any(w not in table.words for w in window):
            # A typo inside or after a phrase may make a longer one ("early intervention
            # coordinater"): the longer reading wins.
            corrected_size, corrected_meaning, corrected = _corrected(table, folded, i)
            if corrected_meaning is not None and corrected_size > (size if meaning else 0):
                size, meaning, used = corrected_size, corrected_meaning, corrected
                corrections_left -= 1
        if meaning is None:
            if folded[i] not in table.ignore and not _misspelled_filler(table, folded[i]):
                reading.rest.append(i)
        else:
            for j in range(i, i + size):
                if used[j] != folded[j]:
                    reading.corrections.append((words[j], used[j]))
            reading.take(
                meaning, " ".join(used[i : i + size]) if used is not folded else " ".join(words[i : i + size])
            )
            reading.matched_before.append(i + size)
        i += size
    return reading


def _place_words_at(words: list[str], rest: set[int], k: int) -> bool:
    """Whether ``words[k:]`` may name a place: none recognized as something else (but a
    last two-letter word, a state such as "MI", which is also a Spanish filler word), and
    not starting with "in"/"near"."""
    if fold(words[k]) in PLACE_PREPOSITIONS:
        return False
    n = len(words)
    return all(j in rest or (j == n - 1 and len(words[j]) == 2) for j in range(k, n))


def _place_at(words: list[str], reading: _Reading, k: int) -> PlaceInQuery:
    text = " ".join(words[k:])
    after_words = any(end <= k for end in reading.matched_before)
    prepositioned = k > 0 and fold(words[k - 1]) in PLACE_PREPOSITIONS
    with_state = len(words) - k > 1 and len(words[-1]) == 2
    certain = bool(ZIP_WORD_RE.match(text)) or after_words or prepositioned or with_state
    start = k
    while start > 0 and fold(words[start - 1]) in PLACE_PREPOSITIONS:
        start -= 1
    return PlaceInQuery(text, certain, " ".join(words[:start]))


def _trailing_place(
    words: list[str], reading: _Reading, find_place: Callable[[str], bool]
) -> tuple[int, PlaceInQuery] | None:
    """The longest run of words at the end of the query that names a place: taken when it
    can only be one, or when it is the whole query (checked against the listings later)."""
    rest = set(reading.rest)
    for k in range(max(0, len(words) - MAX_PLACE_WORDS), len(words)):
        if not _place_words_at(words, rest, k) or not find_place(" ".join(words[k:])):
            continue  # a ZIP too: find_place knows it, an unknown one stays text
        place = _place_at(words, reading, k)
        if k == 0 or place.certain:
            return k, place
    return None


def interpret(
    q: str, table: _Table | None = None, find_place: Callable[[str], bool] | None = None
) -> SearchTerms:
    """Split ``q`` into filters, text and (with ``find_place``, which says whether some
    words name a place) a place at its end. A query with no recognized phrase and no place
    is searched as typed (operators such as quotes keep working)."""
    table = table or _default_table()
    words = _words(q)
    reading = _read(table, words)
    place = _trailing_place(words, reading, find_place) if find_place and words else None
    if place is not None:
        reading.rest = [j for j in reading.rest if j < place[0]]
    rest = " ".join(words[j] for j in reading.rest)
    reading.disciplines = combine_disciplines(reading.discipline_sets)
    if not reading.phrases and place is None:
        return SearchTerms(text_groups=((q.strip(),),) if q.strip() else (), rest=q.strip())
    groups = [(rest,)] if rest else []
    return SearchTerms(
        disciplines=tuple(reading.disciplines),
        discipline_words=tuple(reading.discipline_words),
        endorsements=tuple(reading.endorsements),
        languages=tuple(reading.languages),
        text_groups=tuple(groups + reading.expansions),
        phrases=tuple(reading.phrases),
        corrections=tuple(reading.corrections),
        place=place[1] if place else None,
        rest=rest,
    )


def suggestions(q: str, limit: int = 4) -> list[str]:
    """Phrases from the table nearest what was typed (for a search that found nothing):
    for each word not understood, the phrases holding one of its closest words."""
    table = _default_table()
    found: list[str] = []
    for word in _words(q):
        folded = stem(fold(word))
        if folded in table.ignore:
            continue
        near = [folded] if folded in table.words else closest_words(folded, table, limit=2)
        for candidate in near:
            found += [" ".join(key) for key in table.phrases if candidate in key and len(key) <= 3]
    return list(dict.fromkeys(found))[:limit]
