"""Families type what they would say: "speech therapist", "late talker", "terapia del
habla", "español", "Ann Arbor, MI". The search understands it on both databases."""

from __future__ import annotations

import json

import pytest

from directory import search_terms
from directory.models import join_codes
from tests.directory.conftest import names
from tests.factories.directory import LocationFactory, ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listings():
    def make(name, discipline, languages=("en",), services=(), zip_code="48104"):
        provider = ProviderFactory(
            name=name,
            user=None,
            discipline=discipline,
            languages=join_codes(languages),
            services=list(services),
        )
        LocationFactory(provider=provider, zip=zip_code)
        return provider

    make("Sam Ortiz", "speech_language_pathologist", services=["speech and language therapy"])
    make("Rosa Delgado", "speech_language_pathologist", languages=("en", "es"))
    make("Olivia Tran", "occupational_therapist", languages=("en", "vi"), services=["feeding therapy"])
    make("Lucia Romero", "mental_health_clinician", languages=("en", "es"), services=["alimentación"])
    make("Peter Park", "psychologist", languages=("en", "ko"))
    make("Paula Grant", "pediatrician", services=["well-child visits"], zip_code="62701")
    return make


@pytest.mark.parametrize(
    "typed",
    [
        "speech therapist",
        "SLP",
        "speech-language pathologist",
        "late talker",
        "my toddler is a late talker",
        "terapia del habla",
        "Terapia del Habla para mi hijo",
        "logopeda",
    ],
)
def test_lay_and_spanish_words_for_speech_find_the_speech_language_pathologists(search, listings, typed):
    assert sorted(names(search(q=typed))) == ["Rosa Delgado", "Sam Ortiz"]


@pytest.mark.parametrize("typed", ["español", "espanol", "Spanish", "spanish speaking", "habla español"])
def test_a_language_name_in_english_or_spanish_finds_who_speaks_it(search, listings, typed):
    assert sorted(names(search(q=typed))) == ["Lucia Romero", "Rosa Delgado"]


def test_discipline_and_language_words_combine(search, listings):
    assert names(search(q="speech therapist en español")) == ["Rosa Delgado"]
    assert names(search(q="Spanish-speaking SLP")) == ["Rosa Delgado"]
    assert names(search(q="OT vietnamita")) == ["Olivia Tran"]
    assert names(search(q="terapeuta ocupacional")) == ["Olivia Tran"]
    assert names(search(q="psicólogo")) == ["Peter Park"]
    assert names(search(q="therapist for my baby")) == ["Lucia Romero"]
    assert names(search(q="pediatra")) == ["Paula Grant"]


def test_an_explicit_filter_still_applies_to_what_the_words_mean(search, listings):
    assert names(search(q="speech therapist", language="es")) == ["Rosa Delgado"]
    assert names(search(q="speech therapist", discipline="pediatrician")) == []


def test_alternative_words_are_searched_together_and_plain_text_still_works(search, listings):
    # "feeding" and "alimentación" are one group: either word in a listing matches.
    assert sorted(names(search(q="alimentación"))) == ["Lucia Romero", "Olivia Tran"]
    assert sorted(names(search(q="feeding"))) == ["Lucia Romero", "Olivia Tran"]
    # "speech" is a word for the discipline (and still text: a listing that says it is found).
    assert names(search(q="speech")) == ["Rosa Delgado", "Sam Ortiz"]
    assert names(search(q="Paula Grant")) == ["Paula Grant"]
    assert names(search(q="well-child")) == ["Paula Grant"]


def test_whole_words_only_and_accents_ignored():
    terms = search_terms.interpret("other")
    assert terms.disciplines == () and terms.text_groups == (("other",),)
    assert search_terms.interpret("ESPAÑOL").languages == ("es",)
    assert search_terms.interpret("Psicologa").disciplines == ("psychologist",)
    late = search_terms.interpret("late talker Dr. Chen")
    assert late.disciplines == ("speech_language_pathologist",)
    assert late.text_groups == (("dr chen",),)
    assert late.phrases == ("late talker",)


def test_the_terms_file_is_valid_and_a_phrase_with_two_meanings_is_refused():
    with search_terms.TERMS_FILE.open(encoding="utf-8") as handle:
        data = json.load(handle)
    table = search_terms.build_table(data)
    assert table.phrases[("slp",)].values == ("speech_language_pathologist",)
    assert table.phrases[("vietnamita",)].values == ("vi",)
    with pytest.raises(ValueError, match="two meanings"):
        search_terms.build_table({"disciplines": {"psychologist": ["ot"], "occupational_therapist": ["OT"]}})


def test_a_search_with_words_costs_the_same_queries(search, listings, django_assert_max_num_queries):
    for typed in ["speech therapist en español", "alimentación", "late talker Ann"]:
        with django_assert_max_num_queries(5):
            assert search(q=typed).status_code == 200


@pytest.mark.parametrize("typed", ["Ann Arbor", "Ann Arbor, MI", "ann arbor mi", "Ann Arbor, Michigan"])
def test_a_city_name_works_in_the_place_field(search, listings, typed):
    body = search(near=typed, radius_miles=10).json()
    found = [r["name"] for r in body["results"]]
    assert "Paula Grant" not in found and "Sam Ortiz" in found
    assert all(r["distance_miles"] < 10 for r in body["results"])


def test_an_ambiguous_or_unknown_place_says_what_to_type(search):
    ambiguous = search(near="Springfield")
    assert ambiguous.status_code == 400 and ambiguous.json()["parameter"] == "near"
    assert (
        "more than one state" in ambiguous.json()["detail"] and "Springfield, " in ambiguous.json()["detail"]
    )
    assert search(near="Springfield, IL").status_code == 200
    unknown = search(near="Atlantis")
    assert unknown.status_code == 400 and "could not find" in unknown.json()["detail"]
    assert search(near="99999").json()["parameter"] == "near"


def test_the_search_page_says_what_it_understood_in_english_and_spanish(client, listings):
    page = client.get("/", {"q": "late talker"}).content.decode()
    assert "Sam Ortiz" in page and "Rosa Delgado" in page and "Lucia Romero" not in page
    assert "Speech-language pathologist" in page

    page = client.get("/", {"q": "terapia del habla", "lang": "es"}).content.decode()
    assert "Sam Ortiz" in page and "2 proveedores encontrados" in page

    page = client.get("/", {"q": "español", "near": "Ann Arbor", "lang": "es"}).content.decode()
    assert "Lucia Romero" in page and "Rosa Delgado" in page and "Sam Ortiz" not in page
    assert "Ann Arbor, MI" in page


def test_the_consent_wizard_finds_providers_with_the_same_search(client, listings):
    from tests.factories.families import ChildFactory, GuardianFactory  # noqa: PLC0415

    guardian = GuardianFactory()
    child = ChildFactory(family=guardian.family)
    client.force_login(guardian.user)
    share = f"/portal/children/{child.pk}/share/"
    page = client.get(share, {"q": "speech therapist"}).content.decode()
    assert "Sam Ortiz" in page and "Rosa Delgado" in page and "Peter Park" not in page
    assert "Peter Park" in client.get(share, {"q": "Peter Park"}).content.decode()
    assert "Peter Park" in client.get(share, {"q": "psicólogo"}).content.decode()
    refused = client.get(share, {"q": "x" * 201})
    assert refused.status_code == 200 and "200 characters" in refused.content.decode()


def test_the_referral_form_picker_finds_by_words_and_by_part_of_a_name(api_client):
    me = ProviderFactory(name="Maya Chen", discipline="pediatrician")
    ProviderFactory(name="Samuel Okafor", discipline="speech_language_pathologist")
    ProviderFactory(name="Peter Park", discipline="psychologist", languages=join_codes(["en", "es"]))
    api_client.force_authenticate(me.user)

    def found(q):
        answer = api_client.get("/api/v1/referrals/recipients/", {"q": q})
        assert answer.status_code == 200, answer.content
        return [row["name"] for row in answer.json()]

    assert found("speech therapist") == ["Samuel Okafor"]
    assert found("Oka") == ["Samuel Okafor"]  # while typing
    assert found("psicólogo español") == ["Peter Park"]
    assert found("Chen") == []  # never oneself
