"""Every read of the directory. The public search is one queryset whatever its filters:
``count`` + page + three prefetches (endorsements shown as endorsed, locations, public
model credentials) = 5 queries per page, the organization comes in by join."""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateField,
    Exists,
    Expression,
    F,
    FloatField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import geo, search_terms, service_areas

# The model catalogue, re-exported: the reads other apps (the groups API) reuse.
from directory.model_catalogue import EvidenceModel as EvidenceModel
from directory.model_catalogue import evidence_model as evidence_model
from directory.model_catalogue import model_catalogue as model_catalogue
from directory.model_catalogue import model_choices as model_choices
from directory.model_catalogue import model_codes as model_codes
from directory.model_catalogue import model_name as model_name
from directory.models import (
    CAPACITY_CODES,
    CAPACITY_FRESH_DAYS,
    CAPACITY_UNKNOWN,
    STALE_AFTER_DAYS,
    Capacity,
    Discipline,
    Endorsement,
    EndorsementCategory,
    EndorsementReview,
    ListingClaim,
    ListingFlag,
    Location,
    ModelCredential,
    Organization,
    PaymentOption,
    Provider,
    directory_today,
)
from referral_hub.errors import ApplicationError, NotFound

DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 500.0
ORDERINGS = ("distance", "name", "-endorsed_since")
LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
LATLNG_RE = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
# ``accepting=false``: the providers who said they cannot take a family right away.
NOT_ACCEPTING_CODES = (
    Capacity.WAITLIST.value,
    Capacity.NO_CAPACITY.value,
    Capacity.ASSESSMENT_REQUIRED.value,
)
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}

# PostgreSQL only: one stored tsvector column per text-search configuration, each with
# its GIN index (migrations 0006: English, 0007: Spanish). A query matches when it
# matches in either language (PostgreSQL ORs the two index scans).
FTS_CONFIGS = (("search_vector", "english"), ("search_vector_es", "spanish"))


@dataclass(frozen=True)
class ProviderSearch:
    """A validated search. Build it with ``parse_provider_search`` from query params."""

    q: str = ""
    discipline: str | None = None
    endorsement: str | None = None
    language: str | None = None
    near: tuple[float, float] | None = None
    near_label: str = ""
    radius_miles: float = DEFAULT_RADIUS_MILES
    age_months: int | None = None
    accepting: bool | None = None
    telehealth: bool | None = None
    payment: str | None = None
    ordering: str | None = None
    capacity: tuple[str, ...] = ()
    model: str | None = None
    terms: search_terms.SearchTerms = field(default_factory=search_terms.SearchTerms)
    # A place named in ``q`` ("speech therapist in Detroit"): used as ``near`` when it is
    # one place; the places it may be (best first) when several states share the name.
    near_from_q: bool = False
    place_choices: tuple[str, ...] = ()

    @property
    def effective_ordering(self) -> str:
        return self.ordering or ("distance" if self.near else "name")


def _bad(parameter: str, message: str) -> ApplicationError:
    return ApplicationError("invalid_parameter", message, extra={"parameter": parameter})


def _code(params: Mapping[str, str], name: str, choices: list[str]) -> str | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if raw not in choices:
        raise _bad(
            name, _("%(name)s must be one of: %(choices)s.") % {"name": name, "choices": ", ".join(choices)}
        )
    return raw


def _flag(params: Mapping[str, str], name: str) -> bool | None:
    raw = (params.get(name) or "").strip().lower()
    if not raw:
        return None
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise _bad(name, _("%(name)s must be true or false.") % {"name": name})


def parse_place(raw: str) -> tuple[tuple[float, float], str]:
    """``near`` as a point and the label to show for it: a 5-digit US ZIP (ZIP+4
    accepted), ``lat,lng`` in decimal degrees, or a US city ("Ann Arbor", "Ann Arbor, MI",
    "Ann Arbor, Michigan"; an ambiguous or unknown name is a 400 naming ``near``)."""
    value = raw.strip()
    if re.fullmatch(r"\d{5}(-\d{4})?", value):
        point = geo.zip_centroid(value[:5])
        if point is None:
            raise _bad(
                "near",
                _("%(zip)s is not a known US ZIP code. Check the digits, or type a city.") % {"zip": value},
            )
        return point, value
    match = LATLNG_RE.match(value)
    if match:
        lat, lng = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lng <= 180:
            return (lat, lng), value
    return _parse_city(value)


def _parse_city(value: str) -> tuple[tuple[float, float], str]:
    found = geo.find_place(value) if len(value) <= 100 else geo.PlaceLookup(None, city=value[:100])
    if found.place is not None:
        return (found.place.lat, found.place.lng), found.place.label
    if len(found.states) > 1:
        states = ", ".join(found.states[:8]) + ("…" if len(found.states) > 8 else "")
        error = _bad(
            "near",
            _(
                "There is a %(city)s in more than one state (%(states)s). Add the state, "
                "for example “%(city)s, %(state)s”, or type a ZIP code."
            )
            % {"city": found.city, "states": states, "state": found.states[0]},
        )
        error.extra["choices"] = list(place_choices(found))
        raise error
    raise _bad(
        "near",
        _(
            "We could not find the place “%(place)s”. Type a US ZIP code (for example 48104) "
            "or a city and state (for example Ann Arbor, MI)."
        )
        % {"place": value},
    )


def place_choices(lookup: geo.PlaceLookup) -> tuple[str, ...]:
    """ "Detroit" -> ("Detroit, MI", "Detroit, TX", ...): the states sharing a city name,
    the one with the most ZIP codes (the bigger city) first."""
    return tuple(f"{lookup.city_as_spelled or lookup.city}, {state}" for state in lookup.states)


def _names_a_place(text: str) -> bool:
    if re.fullmatch(r"\d{5}", text):
        return geo.zip_centroid(text) is not None
    if len(text) > 100:
        return False
    found = geo.find_place(text)
    return found.place is not None or len(found.states) > 1


@dataclass(frozen=True)
class _QueryPlace:
    terms: search_terms.SearchTerms
    near: tuple[float, float] | None = None
    near_label: str = ""
    choices: tuple[str, ...] = ()


def _place_in_query(q: str) -> _QueryPlace:
    """``q`` understood, with a place at its end taken as the search's place. A whole query
    that is only a city name ("Sunrise") stays text when some listing's text has it."""
    terms = search_terms.interpret(q, find_place=_names_a_place)
    place = terms.place
    if place is None:
        return _QueryPlace(terms)
    if not place.certain and Provider.objects.filter(_text_condition(place.text)).exists():
        return _QueryPlace(search_terms.interpret(q))
    if re.fullmatch(r"\d{5}", place.text):
        point = geo.zip_centroid(place.text)
        assert point is not None  # _names_a_place checked it
        return _QueryPlace(terms, point, place.text)
    found = geo.find_place(place.text)
    if found.place is not None:
        return _QueryPlace(terms, (found.place.lat, found.place.lng), found.place.label)
    return _QueryPlace(terms, choices=place_choices(found))


def _text(params: Mapping[str, str], name: str) -> str:
    return (params.get(name) or "").strip()


def _parse_language(params: Mapping[str, str]) -> str | None:
    language = _text(params, "language").lower() or None
    if language is not None and not LANGUAGE_RE.match(language):
        raise _bad("language", _("Choose a language from the list (or a two-letter code such as “es”)."))
    return language


def _parse_radius(params: Mapping[str, str]) -> float:
    radius_raw = _text(params, "radius_miles")
    if not radius_raw:
        return DEFAULT_RADIUS_MILES
    try:
        radius = float(radius_raw)
    except ValueError:
        raise _bad("radius_miles", _("Choose a distance from the list.")) from None
    if not (0 < radius <= MAX_RADIUS_MILES) or radius != radius:
        raise _bad("radius_miles", _("The distance must be more than 0 and at most 500 miles."))
    return radius


def _parse_age(params: Mapping[str, str]) -> int | None:
    age_raw = _text(params, "age_months")
    if not age_raw:
        return None
    try:
        age = int(age_raw)
    except ValueError:
        raise _bad(
            "age_months", _("Type the child's age as a whole number of months, for example 18.")
        ) from None
    if age < 0:
        raise _bad("age_months", _("The child's age cannot be below 0 months."))
    return age


def _parse_ordering(params: Mapping[str, str], near: tuple[float, float] | None) -> str | None:
    ordering = _text(params, "ordering") or None
    if ordering is not None and ordering not in ORDERINGS:
        raise _bad("ordering", _("Choose a sort order from the list."))
    if ordering == "distance" and near is None:
        raise _bad("ordering", _("To sort nearest first, type a ZIP code or a city in “Near”."))
    return ordering


def _parse_q(params: Mapping[str, str]) -> str:
    # NUL cannot travel in a PostgreSQL string; it never means anything in a search.
    q = (params.get("q") or "").replace("\x00", "").strip()
    if len(q) > 200:
        raise _bad("q", _("Use at most 200 characters (you typed %(count)d).") % {"count": len(q)})
    return q


def _parse_capacity(params: Mapping[str, str]) -> tuple[str, ...]:
    """``capacity=waitlist,accepting``: any of the codes, ``unknown`` included."""
    raw = _text(params, "capacity")
    if not raw:
        return ()
    codes = tuple(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))
    wrong = [c for c in codes if c not in CAPACITY_CODES]
    if wrong:
        raise _bad(
            "capacity",
            _("%(wrong)s is not an openings choice; use any of: %(codes)s.")
            % {"wrong": ", ".join(wrong), "codes": ", ".join(CAPACITY_CODES)},
        )
    return codes


def capacity_filter(codes: tuple[str, ...], today: datetime.date) -> Q:
    """Rows whose *shown* capacity is one of ``codes`` (an answer older than 30 days
    counts as ``unknown``)."""
    fresh_since = today - datetime.timedelta(days=CAPACITY_FRESH_DAYS)
    wanted = Q(pk__in=[])
    stored = [c for c in codes if c != CAPACITY_UNKNOWN]
    if stored:
        wanted |= Q(capacity__in=stored, capacity_as_of__gte=fresh_since)
    if CAPACITY_UNKNOWN in codes:
        wanted |= Q(capacity="") | Q(capacity_as_of__isnull=True) | Q(capacity_as_of__lt=fresh_since)
    return wanted


def parse_model_code(params: Mapping[str, str]) -> str | None:
    """``model=<code>`` from the catalogue (``model_codes()``), or None when not given;
    anything else is 400 ``invalid_parameter`` naming ``model``. For every API that
    filters by evidence-based model."""
    return _code(params, "model", model_codes())


def current_model_condition(code: str, today: datetime.date | None = None) -> Exists:
    """Providers holding ``code`` today (verified, rostered or certified, not expired):
    an ``Exists`` on the provider's ``pk`` for ``.filter()``."""
    current = ModelCredential.objects.current(today or directory_today())
    return Exists(current.filter(provider=OuterRef("pk"), code=code))


def parse_provider_search(params: Mapping[str, str]) -> ProviderSearch:
    """Validate query parameters; every refusal is a 400 ``invalid_parameter`` naming the
    parameter. Empty values mean "not given" (an empty web form field). Parameters are
    checked in a fixed order; the first refusal is the answer."""
    discipline = _code(params, "discipline", Discipline.values)
    endorsement = _code(params, "endorsement", EndorsementCategory.values)
    payment = _code(params, "payment", PaymentOption.values)
    model = parse_model_code(params)
    language = _parse_language(params)
    near_raw = _text(params, "near")
    near, near_label = parse_place(near_raw) if near_raw else (None, "")
    radius = _parse_radius(params)
    age = _parse_age(params)
    q = _parse_q(params)
    # A place in the words counts only when the place field is empty.
    understood = _place_in_query(q) if q and near is None else _QueryPlace(search_terms.interpret(q))
    near_from_q = near is None and understood.near is not None
    if near_from_q:
        near, near_label = understood.near, understood.near_label
    ordering = _parse_ordering(params, near)
    return ProviderSearch(
        q=q,
        discipline=discipline,
        endorsement=endorsement,
        language=language,
        near=near,
        near_label=near_label,
        radius_miles=radius,
        age_months=age,
        accepting=_flag(params, "accepting"),
        telehealth=_flag(params, "telehealth"),
        payment=payment,
        ordering=ordering,
        capacity=_parse_capacity(params),
        model=model,
        terms=understood.terms,
        near_from_q=near_from_q,
        place_choices=understood.choices,
    )


def _public_prefetches(today: datetime.date) -> list[Prefetch[Any]]:
    return [
        Prefetch(
            "endorsements",
            queryset=Endorsement.objects.shown_as_endorsed(today).order_by("issued_on", "id"),
            to_attr="public_endorsements",
        ),
        Prefetch("locations", queryset=Location.objects.order_by("id")),
    ]


def public_models_prefetch() -> Prefetch[Any]:
    """``public_models`` on each provider: its verified, unexpired model credentials (in
    training included), by code."""
    return Prefetch(
        "model_credentials",
        queryset=ModelCredential.objects.public(directory_today()).order_by("code", "id"),
        to_attr="public_models",
    )


def full_text_sql(q: str, table: str = '"directory_provider"') -> tuple[str, list[str]]:
    """The PostgreSQL condition for the text query ``q`` in English or Spanish, with its
    parameters. The user text is a bound parameter; only constant SQL is spliced in."""
    terms = [
        f"{table}.\"{column}\" @@ websearch_to_tsquery('{config}'::regconfig, %s)"
        for column, config in FTS_CONFIGS
    ]
    return "(" + " OR ".join(terms) + ")", [q] * len(terms)


class _FullTextMatch(Expression):
    """``full_text_sql`` on the query's own provider table, under whatever alias Django
    gives it (``U0`` inside a subquery), since the tsvector columns are not model fields."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, q: str) -> None:
        super().__init__()
        self.q = q

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[str]]:  # type: ignore[override]
        return full_text_sql(self.q, compiler.quote_name_unless_alias(compiler.query.base_table))


class _EndorsedCopy(Expression):
    """PostgreSQL: the listing's copy of its verified endorsements' categories (migration
    0018, kept by a trigger on the endorsements) names ``category``. The category is one
    of the choices (checked, then written into the SQL) so that the condition is the
    partial index's own predicate and the planner can walk that index in name order."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, category: str) -> None:
        super().__init__()
        if category not in EndorsementCategory.values:
            raise ValueError(f"not an endorsement category: {category!r}")
        self.category = category

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[str]]:  # type: ignore[override]
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        # Bound client-side (Django's default for psycopg): the planner sees the literal.
        return f'{table}."endorsed_categories" LIKE %s', [f"%|{self.category}|%"]


class _ExistsPerRow(Exists):
    """PostgreSQL: ``EXISTS (... OFFSET 0)``, the same condition, which the planner keeps
    as a check of each listing it reads (an index probe) instead of turning it into a
    join: as a join it hashed every current endorsement of the category (~35,000 at a
    million listings, ~50 ms) before returning the first of a page or of the bounded count,
    since it guessed the two conditions independent (1,578 matches for 34,000)."""

    template = "EXISTS(%(subquery)s OFFSET 0)"


def _text_condition(q: str) -> Q:
    if connection.vendor == "postgresql":
        return Q(_FullTextMatch(q))
    # SQLite fallback: every word must appear somewhere in the searchable text.
    return reduce(lambda acc, word: acc & Q(search_text__icontains=word), q.split(), Q())


def _terms_filter(qs: QuerySet[Provider], terms: search_terms.SearchTerms) -> QuerySet[Provider]:
    """What ``q`` was understood as (``directory/search_terms.py``): recognized phrases
    become discipline / language filters, alternatives are ORed, the rest is text."""
    if terms.disciplines:
        wanted = Q(discipline__in=terms.disciplines)
        if terms.discipline_words:
            wanted |= _text_condition(" ".join(terms.discipline_words))
        qs = qs.filter(wanted)
    if terms.languages:
        qs = qs.filter(reduce(or_, (Q(languages__contains=f"|{code}|") for code in terms.languages)))
    if terms.endorsements:
        shown = Endorsement.objects.shown_as_endorsed(timezone.now().date())
        qs = qs.filter(Exists(shown.filter(provider=OuterRef("pk"), category__in=terms.endorsements)))
    for group in terms.text_groups:
        qs = qs.filter(reduce(or_, (_text_condition(text) for text in group)))
    return qs


def provider_pick_condition(q: str) -> Q:
    """For the provider pickers (consent wizard, referral form): a name or organization
    containing what was typed (so "Rom" finds Romero while typing), or whatever the
    directory search finds for the words ("speech therapist", "psicólogo", "español").
    Refuses what the search refuses (over 200 characters)."""
    q = _parse_q({"q": q})
    if not q:
        return Q()
    found = _terms_filter(Provider.objects.all(), search_terms.interpret(q)).values("pk")
    return Q(name__icontains=q) | Q(organization__name__icontains=q) | Q(pk__in=found)


CLOSE_NAMES = 5
CLOSE_NAME_SIMILARITY = "0.45"


def close_names(text: str) -> list[Provider]:
    """PostgreSQL: listings whose name is closest to ``text`` ("okafur" -> "Samuel
    Okafor"), by trigram word similarity from the GIN index of migration 0012 (one
    query, for a search that found nothing). SQLite: none (no index to serve it)."""
    if connection.vendor != "postgresql" or not text.strip():
        return []
    closest = (
        Provider.objects.filter(name__trigram_word_similar=text, unlisted=False)
        .annotate(similarity=TrigramWordSimilarity(text, "name"))
        .order_by("-similarity", "name", "id")[:CLOSE_NAMES]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_trgm's default (0.6) misses one wrong letter in a short name ("okafur" is
        # 0.57 from "Okafor"); the index reads this threshold, for this transaction only.
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [CLOSE_NAME_SIMILARITY]
        )
        return list(closest)


class _LocationDiscipline(Expression):
    """PostgreSQL: the location's copy of its listing's discipline (migration 0017, kept
    by triggers) equals ``discipline``; with the point it is one GiST index scan."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, discipline: str) -> None:
        super().__init__()
        self.discipline = discipline

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[str]]:  # type: ignore[override]
        table = compiler.quote_name_unless_alias(compiler.query.base_table)
        return f'{table}."provider_discipline" = %s', [self.discipline]


def location_discipline(discipline: str) -> Q:
    """PostgreSQL only: locations of listings in ``discipline``, from the copy on the
    location (for the GiST index over point and discipline)."""
    return Q(_LocationDiscipline(discipline))


def near_locations(search: ProviderSearch, **lookups: Any) -> QuerySet[Location]:
    """Locations (with ``lookups``) within the search radius, exact great-circle miles
    annotated ``d``. The prefilter is an indexed box: on PostgreSQL the GiST cube around
    the point (with the discipline, when the search has one: the listing's discipline
    copied onto its locations), on SQLite the lat/lng range; either holds every point the
    exact distance keeps."""
    assert search.near is not None
    lat, lng = search.near
    locations = Location.objects.filter(lat__isnull=False, lng__isnull=False, **lookups)
    if connection.vendor == "postgresql":
        locations = locations.filter(geo.within_cube(lat, lng, search.radius_miles))
        if search.discipline:
            locations = locations.filter(location_discipline(search.discipline))
    else:
        min_lat, max_lat, min_lng, max_lng = geo.bounding_box(lat, lng, search.radius_miles)
        locations = locations.filter(lat__range=(min_lat, max_lat), lng__range=(min_lng, max_lng))
    return locations.annotate(d=geo.distance_expression(lat, lng)).filter(d__lte=search.radius_miles)


def provider_matches(
    search: ProviderSearch, *, today: datetime.date | None = None, for_estimate: bool = False
) -> QuerySet[Provider]:
    """The listings a search finds: filters only (no ordering, no joins for display),
    what counts and the page fetchers in ``directory/paging.py`` start from.
    ``for_estimate``: the same listings, written for the planner's row estimate."""
    today = today or timezone.now().date()
    qs = Provider.objects.filter(unlisted=False)
    if search.q:
        qs = _terms_filter(qs, search.terms)
    if search.discipline:
        qs = qs.filter(discipline=search.discipline)
    if search.language:
        qs = qs.filter(languages__contains=f"|{search.language}|")
    if search.payment:
        qs = qs.filter(payment_options__contains=f"|{search.payment}|")
    if search.age_months is not None:
        qs = qs.filter(ages_min_months__lte=search.age_months, ages_max_months__gte=search.age_months)
    if search.accepting is not None:
        # What the listing *shows*: an unknown capacity is neither accepting nor not.
        codes = (Capacity.ACCEPTING.value,) if search.accepting else NOT_ACCEPTING_CODES
        qs = qs.filter(capacity_filter(codes, directory_today()))
    if search.telehealth is not None:
        qs = qs.filter(telehealth=search.telehealth)
    if search.capacity:
        qs = qs.filter(capacity_filter(search.capacity, directory_today()))
    if search.endorsement:
        shown = Endorsement.objects.shown_as_endorsed(today).filter(
            provider=OuterRef("pk"), category=search.endorsement
        )
        if connection.vendor == "postgresql" and not for_estimate:
            # Which listings to look at, from the per-category index (migration 0018);
            # the ``EXISTS`` alone decides whether the endorsement is shown, checked per
            # listing read (see ``_ExistsPerRow``).
            qs = qs.filter(_EndorsedCopy(search.endorsement), _ExistsPerRow(shown))
        else:
            qs = qs.filter(Exists(shown))
    if search.model:
        qs = qs.filter(current_model_condition(search.model))
    if search.near:
        # A site within the radius, or a home-visiting area that holds the family's place
        # (whatever the radius: the provider travels to the family).
        at_a_site = Q(at_site=True, pk__in=near_locations(search).values("provider_id"))
        qs = qs.filter(at_a_site | home_visit_condition(search))
    return qs


def home_visit_condition(search: ProviderSearch) -> Q:
    """Listings that visit families at home where the searching family is (``near``)."""
    assert search.near is not None
    return service_areas.covering(service_areas.family_place(search.near, search.near_label))


def endorsement_order_key(today: datetime.date) -> Case:
    """``-endorsed_since`` sorts by this, descending, nulls last: the start of the current
    verified endorsement from the per-listing summary (kept on every save), so the sort
    reads one row per listing instead of running a subquery for each. Display never uses
    it: ``endorsed_since`` in results comes from the dates."""
    return Case(
        When(verified_until__gte=today, then=F("verified_since")), default=None, output_field=DateField()
    )


def provider_search(search: ProviderSearch, *, today: datetime.date | None = None) -> QuerySet[Provider]:
    """Public search: anyone may read every listing. Endorsements come prefetched as
    ``public_endorsements`` (verified and unexpired only); with ``near`` each row carries
    ``distance_miles`` to its nearest location. This queryset *defines* the order; on
    PostgreSQL ``provider_search_results`` fetches the same pages without sorting every
    match."""
    today = today or timezone.now().date()
    return order_search(provider_matches(search, today=today), search, today=today)


def order_search(
    qs: QuerySet[Provider], search: ProviderSearch, *, today: datetime.date
) -> QuerySet[Provider]:
    """``qs`` (some of a search's matches) in the search's order, with what a result
    shows: the organization, the public endorsements, the locations, ``distance_miles``."""
    qs = qs.select_related("organization").prefetch_related(
        *_public_prefetches(today), public_models_prefetch()
    )
    if search.near:
        nearest = near_locations(search, provider=OuterRef("pk")).order_by("d").values("d")[:1]  # type: ignore[misc]  # ``d`` is annotated inside; the plugin sees model fields only
        home_here = Case(
            When(home_visit_condition(search), then=True), default=False, output_field=BooleanField()
        )
        qs = qs.annotate(distance_miles=Subquery(nearest), visits_home_here=home_here)

    ordering = search.effective_ordering
    if ordering == "distance":
        # A listing that comes to the family's home is as near as can be (0 miles).
        near_key = Case(
            When(visits_home_here=True, then=Value(0.0)),
            default=F("distance_miles"),
            output_field=FloatField(),
        )
        return qs.order_by(near_key, "name", "id")
    if ordering == "-endorsed_since":
        return qs.annotate(endorsement_order=endorsement_order_key(today)).order_by(
            F("endorsement_order").desc(nulls_last=True), "name", "id"
        )
    return qs.order_by("name", "id")


def provider_get_public(*, provider_id: int, today: datetime.date | None = None) -> Provider:
    provider = (
        Provider.objects.select_related("organization")
        .prefetch_related(*_public_prefetches(today or timezone.now().date()), public_models_prefetch())
        .filter(pk=provider_id, unlisted=False)
        .first()
    )
    if provider is None:
        raise NotFound("Provider")
    return provider


def provider_get_by_hsds_id(*, hsds_id: str) -> Provider:
    try:
        key = uuid.UUID(hsds_id)
    except ValueError:
        raise NotFound("Service") from None  # a malformed id is simply not found
    provider = (
        Provider.objects.select_related("organization")
        .prefetch_related(*_public_prefetches(timezone.now().date()), public_models_prefetch())
        .filter(hsds_id=key, unlisted=False)
        .first()
    )
    if provider is None:
        raise NotFound("Service")
    return provider


def providers_for_export() -> QuerySet[Provider]:
    return (
        Provider.objects.select_related("organization")
        .prefetch_related(*_public_prefetches(timezone.now().date()), public_models_prefetch())
        .filter(unlisted=False)
        .order_by("id")
    )


def organizations_list() -> QuerySet[Organization]:
    return Organization.objects.order_by("name", "id")


def endorsements_for_curation(*, status: str | None = None) -> QuerySet[Endorsement]:
    """The curator's worklist: pending first, then the rest by provider."""
    qs = Endorsement.objects.select_related("provider", "provider__organization", "status_changed_by")
    if status:
        today = timezone.now().date()
        if status == "expired":
            qs = qs.filter(Q(expires_on__lt=today) | Q(status="lapsed")).exclude(status="revoked")
        elif status == "revoked":
            qs = qs.filter(status="revoked")
        else:
            qs = qs.filter(status=status, expires_on__gte=today)
    return qs.order_by("status", "provider__name", "id")


def endorsement_history(*, endorsement_ids: list[int]) -> QuerySet[EndorsementReview]:
    return EndorsementReview.objects.filter(endorsement_id__in=endorsement_ids).select_related("actor")


def endorsed_since(provider: Provider) -> datetime.date | None:
    """From the prefetched public endorsements (no query)."""
    dates = [e.issued_on for e in getattr(provider, "public_endorsements", [])]
    return min(dates) if dates else None


# --- listing freshness: the curators' queue -------------------------------------------

STALE_SHOWN = 50


@dataclass(frozen=True)
class ListingQueue:
    claims: list[ListingClaim]
    flags: list[ListingFlag]
    stale: list[Provider]
    stale_count: int


def stale_listings(*, today: datetime.date | None = None) -> QuerySet[Provider]:
    """Listings nobody confirmed in 12 months (or ever), oldest first."""
    today = today or directory_today()
    cutoff = today - datetime.timedelta(days=STALE_AFTER_DAYS)
    return Provider.objects.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff)).order_by(
        F("assured_date").asc(nulls_first=True), "id"
    )


def listing_queue(*, today: datetime.date | None = None) -> ListingQueue:
    """Open claims, open flags and the oldest stale listings: a fixed number of queries
    whatever the queue's length."""
    claims = list(
        ListingClaim.objects.filter(status=ListingClaim.Status.PENDING)
        .select_related("provider", "user")
        .order_by("created_at", "id")[:200]
    )
    flags = list(
        ListingFlag.objects.filter(status=ListingFlag.Status.OPEN)
        .select_related("provider", "reporter")
        .order_by("created_at", "id")[:200]
    )
    stale = stale_listings(today=today).select_related("organization", "user")
    return ListingQueue(
        claims=claims, flags=flags, stale=list(stale[:STALE_SHOWN]), stale_count=stale.count()
    )


# --- evidence-based model credentials --------------------------------------------------


def model_credentials_of(*, provider_id: int) -> QuerySet[ModelCredential]:
    """Every credential of a listing, whatever its verification (for the listing's own
    provider or a curator: the caller has asked ``policies.access_listing_for_edit``)."""
    return (
        ModelCredential.objects.filter(provider_id=provider_id)
        .select_related("reviewed_by")
        .order_by("code", "id")
    )


def model_credentials_for_curation(*, verification: str | None = "pending") -> QuerySet[ModelCredential]:
    """The curators' worklist: oldest claim first (``None``: every credential)."""
    qs = ModelCredential.objects.select_related("provider", "provider__organization", "reviewed_by")
    if verification:
        qs = qs.filter(verification=verification)
    return qs.order_by("created_at", "id")
