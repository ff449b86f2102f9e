"""The search test table (issue 25, item 3): every word a family typed that found nothing,
with the listings it must find, on SQLite and on PostgreSQL (the suite's services pass).

The directory is the demo's (``directory/demo.py``) in miniature: one listing per kind of
provider in Ann Arbor, Ypsilanti and Detroit, with the demo's names, organizations and
services."""

from __future__ import annotations

import pytest
from django.db import connection

from directory.models import Provider, join_codes
from tests.directory.conftest import names
from tests.factories.directory import (
    EndorsementFactory,
    LocationFactory,
    OrganizationFactory,
    ProviderFactory,
)

pytestmark = pytest.mark.django_db

ANN_ARBOR, YPSILANTI, DETROIT, MARQUETTE = "48104", "48197", "48202", "49855"


@pytest.fixture
def demo_directory():
    orgs = {
        key: OrganizationFactory(name=name)
        for key, name in {
            "clinic": "Sunrise Pediatrics",
            "center": "Little Sprouts Early Learning Center",
            "imh": "Harbor Infant & Family Mental Health",
            "county": "County Family Services",
            "elsewhere": "Faraway Child Development Clinic",
            "detroit": "Detroit Family Health",
        }.items()
    }

    def listing(name, discipline, org, zip_code, services=(), languages=("en",)):
        provider = ProviderFactory(
            name=name,
            user=None,
            discipline=discipline,
            organization=orgs[org],
            services=list(services),
            languages=join_codes(languages),
        )
        LocationFactory(provider=provider, zip=zip_code)
        return provider

    listing(
        "Dr. Maya Chen", "pediatrician", "clinic", ANN_ARBOR, ["well-child visits", "developmental screening"]
    )
    listing("Jordan Ellis", "early_childhood_educator", "center", "48103", ["infant and toddler care"])
    listing("Priya Natarajan", "social_worker", "county", YPSILANTI, ["care coordination", "family support"])
    listing(
        "Samuel Okafor",
        "speech_language_pathologist",
        "clinic",
        ANN_ARBOR,
        ["speech therapy", "feeding therapy"],
    )
    romero = listing(
        "Dr. Lucia Romero",
        "mental_health_clinician",
        "imh",
        "48108",
        ["child-parent psychotherapy", "infant mental health consultation"],
        ("en", "es"),
    )
    EndorsementFactory(provider=romero)
    listing("Alex Outsider", "psychologist", "elsewhere", MARQUETTE, ["developmental evaluation"])
    listing(
        "Willow Family Therapy",
        "mental_health_clinician",
        "county",
        YPSILANTI,
        ["play therapy"],
        ("en", "es"),
    )
    listing("Omar Haddad", "occupational_therapist", "detroit", DETROIT, ["sensory processing"])
    listing("Nadia Brooks", "speech_language_pathologist", "detroit", DETROIT, ["language delay evaluation"])
    listing(
        "Grace Kim", "early_intervention_coordinator", "detroit", "48226", ["Part C service coordination"]
    )
    listing("Tomás Rivera", "home_visitor", "detroit", "48207", ["home visits"], ("en", "es"))


THERAPISTS = [
    "Alex Outsider",
    "Dr. Lucia Romero",
    "Nadia Brooks",
    "Omar Haddad",
    "Samuel Okafor",
    "Willow Family Therapy",
]

# (what the family typed, the listings it finds). Every word of issue 25, item 3.
TABLE = [
    ("therapist", THERAPISTS),
    ("terapia", THERAPISTS),
    ("terapeuta", THERAPISTS),
    ("terapeutas", THERAPISTS),  # a plural
    ("clinician", ["Alex Outsider", "Dr. Lucia Romero", "Willow Family Therapy"]),
    ("family therapist", ["Dr. Lucia Romero", "Willow Family Therapy"]),
    ("daycare", ["Jordan Ellis"]),
    ("hablar", ["Nadia Brooks", "Samuel Okafor"]),
    ("speach therapy", ["Nadia Brooks", "Samuel Okafor"]),  # a typo
    ("mental health clinician", ["Dr. Lucia Romero", "Willow Family Therapy"]),
    ("Early intervention coordinator", ["Grace Kim"]),
    ("early intervention coordinater", ["Grace Kim"]),  # a typo in a category name
    ("Infant Mental Health Specialist", ["Dr. Lucia Romero"]),  # an endorsement's name
    ("psicologa", ["Alex Outsider"]),  # no accent
    # A city typed in the "what" box is the search's place.
    ("speech therapist in Ann Arbor", ["Samuel Okafor"]),
    ("logopeda Detroit, MI", ["Nadia Brooks"]),
    ("terapia cerca de 48202", ["Nadia Brooks", "Omar Haddad"]),
    ("Detroit, MI", ["Grace Kim", "Nadia Brooks", "Omar Haddad", "Tomás Rivera"]),
]


@pytest.mark.parametrize(("typed", "expected"), TABLE, ids=[typed for typed, _ in TABLE])
def test_the_search_finds_what_families_type(search, demo_directory, typed, expected):
    assert sorted(names(search(q=typed, page_size=100))) == sorted(expected)


def test_a_city_in_the_words_is_said_back_as_the_place(client, demo_directory):
    page = client.get("/", {"q": "speech therapist in Ann Arbor"}).content.decode()
    assert "1 provider found within 25 miles of Ann Arbor, MI." in page
    assert '<span class="chip">Near Ann Arbor, MI</span>' in page
    assert '<span class="chip">Speech-language pathologist</span>' in page


def test_a_name_that_is_also_a_city_stays_a_name(search, demo_directory):
    assert names(search(q="Sunrise")) == ["Dr. Maya Chen", "Samuel Okafor"]  # Sunrise, FL: not here


@pytest.mark.parametrize("field", ["q", "near"])
def test_an_ambiguous_place_offers_each_state_as_a_link_that_runs_the_search(client, demo_directory, field):
    params = (
        {"q": "speech therapist Detroit"} if field == "q" else {"q": "speech therapist", "near": "Detroit"}
    )
    page = client.get("/", params).content.decode()
    assert "There is a Detroit in more than one state. Search near:" in page
    links = [
        part.split('"')[0] for part in page.split('<li><a href="')[1:] if "near=Detroit" in part.split('"')[0]
    ]
    assert links[0] == "/?q=speech+therapist&amp;near=Detroit%2C+MI#results"  # the big one first
    assert len(links) >= 4
    chosen = client.get("/", {"q": "speech therapist", "near": "Detroit, MI"}).content.decode()
    assert "Nadia Brooks" in chosen and "Samuel Okafor" not in chosen


def test_the_api_names_the_choices_of_an_ambiguous_place(search):
    body = search(near="Detroit").json()
    assert body["code"] == "invalid_parameter" and body["parameter"] == "near"
    assert body["choices"][0] == "Detroit, MI" and "Detroit, TX" in body["choices"]


def test_a_search_that_finds_nothing_says_what_was_tried_and_suggests(client, demo_directory):
    page = client.get("/", {"q": "speach therapy", "language": "vi"}).content.decode()
    assert "No providers match your search" in page
    assert "Showing:" not in page
    assert "We looked for:" in page and '<span class="chip">Speech-language pathologist</span>' in page
    assert "We read “speach” as “speech”." in page

    nothing = client.get("/", {"q": "theraphy for tantrums"}).content.decode()
    assert "No providers match your search" in nothing and "Did you mean:" in nothing


@pytest.mark.parametrize(
    ("lang", "chip", "looked"),
    [("en", "Near Ann Arbor, MI", "We looked for:"), ("es", "Cerca de Ann Arbor, MI", "Buscamos:")],
)
def test_what_was_understood_reads_in_the_readers_language(client, demo_directory, lang, chip, looked):
    found = client.get("/", {"q": "terapia en Ann Arbor", "lang": lang}).content.decode()
    assert f'<span class="chip">{chip}</span>' in found
    empty = client.get("/", {"q": "terapia en Ann Arbor", "language": "vi", "lang": lang}).content.decode()
    assert looked in empty


def test_words_and_a_place_in_the_words_cost_the_same_queries(
    search, demo_directory, django_assert_max_num_queries
):
    for typed in ["speech therapist in Ann Arbor", "speach therapy", "Early intervention coordinator"]:
        with django_assert_max_num_queries(5):
            assert search(q=typed).status_code == 200


def test_postgresql_offers_the_listings_whose_name_is_close_to_a_typo(client, demo_directory):
    if connection.vendor != "postgresql":
        pytest.skip("trigram similarity is PostgreSQL's (pg_trgm); SQLite corrects the vocabulary only")
    page = client.get("/", {"q": "Okafur"}).content.decode()
    assert "No providers match your search" in page
    assert "Listings with a name close to what you typed:" in page and ">Samuel Okafor</a>" in page
    # Served by the GIN trigram index (migration 0012), not a scan of every listing.
    Provider.objects.bulk_create(
        Provider(name=f"Listing {n:05d} Number{n}", discipline="pediatrician") for n in range(3000)
    )
    query = Provider.objects.filter(name__trigram_word_similar="Okafur").order_by().values("pk")
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'directory_provider_name_trgm'")
        assert "USING gin (name gin_trgm_ops)" in cursor.fetchone()[0]
        # As after a bulk load: the rows in the index proper, not its pending list.
        cursor.execute("SELECT gin_clean_pending_list('directory_provider_name_trgm')")
        cursor.execute("ANALYZE directory_provider")
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test-sized table fits in a few pages
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "directory_provider_name_trgm" in plan, plan


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Tomas Rivera", ["Tomás Rivera"]),  # typed without the accent
        ("tomás", ["Tomás Rivera"]),
        ("psicoterapia infantil Romero", ["Dr. Lucia Romero"]),
    ],
)
def test_accents_are_ignored_on_both_sides_of_free_text(search, demo_directory, typed, expected):
    assert names(search(q=typed)) == expected
