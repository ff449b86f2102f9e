"""Spanish text queries: on PostgreSQL through the Spanish text-search configuration
(stemming and stop words) beside the English one; on SQLite through the word-by-word
fallback, which keeps working."""

from __future__ import annotations

import pytest
from django.db import connection

from directory.selectors import full_text_sql
from tests.directory.conftest import names
from tests.factories.directory import OrganizationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def listing(name: str, **fields):
    return ProviderFactory(name=name, user=None, **fields)


@pytest.fixture
def listings():
    listing("Rosa Habla", services=["Terapia del habla para niños pequeños"])
    listing(
        "Centro Familia",
        organization=OrganizationFactory(name="Centro de Desarrollo Infantil"),
        specialties=["evaluación del desarrollo"],
    )
    listing("Cara Speech", services=["speech therapy for late talkers"])


def test_spanish_and_english_words_find_their_listings_on_both_databases(search, listings):
    assert names(search(q="terapia habla")) == ["Rosa Habla"]
    assert names(search(q="desarrollo")) == ["Centro Familia"]
    assert names(search(q="speech")) == ["Cara Speech"]
    assert names(search(q="habla talkers")) == []  # every word must match


def test_postgresql_stems_spanish_and_english_queries(search, listings):
    if connection.vendor != "postgresql":
        pytest.skip("text-search configurations are PostgreSQL's; SQLite matches words as typed")
    # Plurals and stop words in Spanish ("terapias", "del") and in English ("therapists").
    assert names(search(q="terapias del habla")) == ["Rosa Habla"]
    assert names(search(q="evaluaciones")) == ["Centro Familia"]
    assert names(search(q="centros infantiles")) == ["Centro Familia"]
    assert names(search(q="talker")) == ["Cara Speech"]


def test_postgresql_has_a_gin_index_per_language():
    if connection.vendor != "postgresql":
        pytest.skip("the GIN indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'directory_provider_search_vector%%'"
        )
        definitions = dict(cursor.fetchall())
    assert "USING gin (search_vector_es)" in definitions["directory_provider_search_vector_es"]
    sql, params = full_text_sql("niños")
    assert "'spanish'::regconfig" in sql and "'english'::regconfig" in sql and params == ["niños", "niños"]
