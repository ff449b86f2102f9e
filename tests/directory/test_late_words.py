"""A word whose matches sort late (issue 29): "screening" is offered by pediatricians only,
and their names all start "Dr.", so in name order every match comes after most of the
directory. On PostgreSQL such a page is a merge of name-ordered walks, one per discipline
with a match (``paging._name_page_by_discipline``); it must be the same rows in the same
order as sorting every match, on both databases, page after page."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from directory import paging, selectors
from directory.models import Discipline, Organization, Provider

pytestmark = pytest.mark.django_db

WORDS = {
    Discipline.PEDIATRICIAN: ["developmental screening", "newborn care"],
    Discipline.SPEECH_LANGUAGE_PATHOLOGIST: ["feeding therapy", "speech therapy"],
    Discipline.SOCIAL_WORKER: ["family support", "care coordination"],
    Discipline.PSYCHOLOGIST: ["autism evaluation", "parent coaching"],
}


def directory(total: int, seed: int = 3) -> None:
    """``total`` listings over four disciplines; pediatricians and psychologists are
    "Dr. ..." (sorting after every other name); a few social workers also screen (a
    discipline with few matches, read by id); some listings unlisted or Spanish-speaking."""
    rng = random.Random(seed)
    org = Organization.objects.create(name="Statewide Network")
    rows = []
    for i in range(total):
        discipline = rng.choice(list(WORDS))
        titled = discipline in (Discipline.PEDIATRICIAN, Discipline.PSYCHOLOGIST)
        services = list(WORDS[discipline])
        if discipline == Discipline.SOCIAL_WORKER and i % 17 == 0:
            services.append("postpartum depression screening")
        provider = Provider(
            name=f"{'Dr. ' if titled else ''}{rng.choice('ABCDEFGH')}{rng.choice('aeiou')} Listing {i % 50:02d}",
            discipline=discipline,
            organization=org,
            services=services,
            languages=rng.choice(["|en|", "|en|es|"]),
            unlisted=i % 23 == 0,
        )
        provider.search_text = provider.build_search_text(org.name)
        rows.append(provider)
    Provider.objects.bulk_create(rows)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE directory_provider")


def search(**params: str) -> selectors.ProviderSearch:
    return selectors.parse_provider_search(params)


def reference_ids(s: selectors.ProviderSearch) -> list[int]:
    return list(selectors.provider_search(s).values_list("pk", flat=True))


def paged_ids(s: selectors.ProviderSearch, size: int) -> list[int]:
    """What the API and the page do: count first, then one page after another."""
    results = paging.provider_search_results(s)
    results.counted()
    ids: list[int] = []
    for start in range(0, 10_000, size):
        page = results[start : start + size]
        ids.extend(p.pk for p in page)
        if len(page) < size:
            return ids
    raise AssertionError("more pages than listings")


@pytest.mark.parametrize(
    "params",
    [
        {"q": "screening"},
        {"q": "developmental screening"},  # two words, AND
        {"q": "screening", "language": "es"},
        {"q": "screening therapy"},  # no listing has both: empty
        {"q": "therapy"},  # an early-sorting word
        {"q": "screening", "discipline": "social_worker"},
    ],
    ids=["late-word", "two-words", "with-language", "no-match", "early-word", "with-discipline"],
)
@pytest.mark.parametrize("size", [7, 20])
def test_pages_of_a_late_sorting_word_equal_the_full_sort(params, size, settings, monkeypatch):
    # A low threshold: past it the pages are read by discipline (PostgreSQL), not by id.
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 10
    monkeypatch.setattr(paging, "DISCIPLINE_PROBE", 8)  # both kinds of read at this size
    directory(400)
    s = search(**params)
    expected = reference_ids(s)
    if params["q"] in ("screening", "developmental screening") and len(params) == 1:
        assert len(expected) > 3 * size  # several pages
    if params == {"q": "screening"}:
        # Social workers who screen (few: read by id) sort before the pediatricians (many:
        # walked in name order), so both reads meet on the pages.
        names = [p.name for p in Provider.objects.filter(pk__in=expected)]
        assert any(n.startswith("Dr.") for n in names) and any(not n.startswith("Dr.") for n in names)
    assert paged_ids(s, size) == expected
    results = paging.provider_search_results(s)
    last = max(0, len(expected) - 3)
    assert [p.pk for p in results[last : len(expected) + 5]] == expected[last:]  # a page past the end


def test_a_listing_that_changes_discipline_or_words_is_paged_under_the_new_ones(settings):
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 5
    directory(120)
    moved = Provider.objects.filter(discipline=Discipline.SPEECH_LANGUAGE_PATHOLOGIST, unlisted=False).first()
    moved.name = "Aaron First"
    moved.discipline = Discipline.PEDIATRICIAN
    moved.services = ["developmental screening"]
    moved.save()
    s = search(q="screening")
    assert paged_ids(s, 10)[0] == moved.pk
    assert paged_ids(s, 10) == reference_ids(s)


def explain(sql: str, params: list[object] | tuple[object, ...]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_a_late_sorting_word_is_read_by_discipline_from_indexes(
    on_postgres, settings, monkeypatch, django_assert_max_num_queries
):
    """The plans: which disciplines match is a bitmap of the GIN index over discipline and
    text (no walk of any discipline's listings), and the dense discipline's page is a
    walk of ``provider_discipline_name`` that stops after the page (no sort of all its
    matches)."""
    settings.DIRECTORY_EXACT_COUNT_LIMIT = 10
    monkeypatch.setattr(paging, "DISCIPLINE_PROBE", 8)
    directory(4000)
    s = search(q="screening")
    results = paging.provider_search_results(s)
    results.counted()
    with django_assert_max_num_queries(9) as captured:
        page = results[0:20]
    assert [p.pk for p in page] == reference_ids(s)[:20]
    statements = [q["sql"] for q in captured.captured_queries]
    probe = next(sql for sql in statements if "MATERIALIZED" in sql)
    merge = next(sql for sql in statements if sql.startswith("SELECT u.id"))

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # 600 rows are small enough to scan
        try:
            matches = selectors.provider_matches(s)
            probe_plan = explain(*_probe_sql(matches))
            walk_sql, walk_params = paging._in_name_order(
                matches.filter(discipline=Discipline.PEDIATRICIAN), 20
            )
            walk_plan = explain(walk_sql, walk_params)
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "Bitmap Index Scan on directory_provider_discipline_text" in probe_plan, probe_plan
    assert "Index Scan using provider_discipline_name" not in probe_plan, probe_plan
    assert "Index Scan using provider_discipline_name" in walk_plan, walk_plan
    assert "Sort" not in walk_plan, walk_plan
    # Each discipline's read stops after the page; only those few rows are merged.
    assert " UNION ALL " in merge and merge.count("LIMIT 20)") == merge.count("(SELECT "), merge
    assert "MATERIALIZED" in probe and "LIMIT 8" in probe, probe


def _probe_sql(matches):
    """The probe's statement as ``discipline_probe`` builds it (captured by running it)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        paging.discipline_probe(matches)
    sql = next(q["sql"] for q in captured.captured_queries if "MATERIALIZED" in q["sql"])
    return sql, []
