"""Demo directory: organizations, one provider login per discipline on family 1's team,
an outsider, a curator, and about thirty more listings around Ann Arbor and Detroit
(Michigan, home of the first infant mental health endorsement) so searching is useful.
Idempotent (natural keys and UUIDv5 ids)."""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

from django.contrib.auth.models import Group, User
from django.utils import timezone

from directory import geo, services, synthetic
from directory.model_catalogue import evidence_model
from directory.models import (
    Capacity,
    Discipline,
    Endorsement,
    EndorsementCategory,
    EndorsementReview,
    ListingFlag,
    Location,
    ModelCredential,
    Organization,
    Provider,
    join_codes,
)
from people.demo import Writer, ensure_user

DEMO_NS = uuid.UUID("0b7a1a52-2f0e-4a43-8a8c-5d6c0f1d2e33")

ORGANIZATIONS = {
    "clinic": "Sunrise Pediatrics",
    "center": "Little Sprouts Early Learning Center",
    "imh": "Harbor Infant & Family Mental Health",
    "county": "County Family Services",
    "elsewhere": "Faraway Child Development Clinic",
}
ORG_ZIPS = {"clinic": "48104", "center": "48103", "imh": "48108", "county": "48197", "elsewhere": "49855"}

# username -> (full name, discipline, organization key)
PROVIDER_LOGINS = {
    "pediatrician": ("Dr. Maya Chen", Discipline.PEDIATRICIAN, "clinic"),
    "educator": ("Jordan Ellis", Discipline.EARLY_CHILDHOOD_EDUCATOR, "center"),
    "social_worker": ("Priya Natarajan", Discipline.SOCIAL_WORKER, "county"),
    "slp": ("Samuel Okafor", Discipline.SPEECH_LANGUAGE_PATHOLOGIST, "clinic"),
    "imh_clinician": ("Dr. Lucia Romero", Discipline.MENTAL_HEALTH_CLINICIAN, "imh"),
    "outsider": ("Alex Outsider", Discipline.PSYCHOLOGIST, "elsewhere"),
}

# username -> listing details
LOGIN_DETAILS: dict[str, dict[str, Any]] = {
    "pediatrician": {
        "bio": "Pediatrician who screens every baby's development and every parent's mood at well visits.",
        "services": ["well-child visits", "developmental screening", "postpartum depression screening"],
        "specialties": ["prematurity and NICU follow-up"],
        "languages": ["en", "zh"],
        "payment": ["medicaid", "chip", "private_insurance"],
        "ages": (0, 72),
        "telehealth": False,
    },
    "educator": {
        "bio": "Infant-toddler teacher focused on social-emotional learning and partnering with families.",
        "services": ["infant and toddler care", "social-emotional learning"],
        "specialties": ["challenging behavior"],
        "languages": ["en"],
        "payment": ["sliding_scale", "self_pay"],
        "ages": (6, 60),
        "telehealth": False,
    },
    "social_worker": {
        "bio": "Connects families with housing, food and benefits, and coordinates care across providers.",
        "services": ["care coordination", "family support", "benefits navigation"],
        "specialties": ["foster and adoptive families"],
        "languages": ["en", "hi"],
        "payment": ["free"],
        "ages": (0, 72),
        "telehealth": True,
    },
    "slp": {
        "bio": "Speech-language pathologist for late talkers and babies with feeding difficulties.",
        "services": ["speech therapy", "feeding therapy", "language delay evaluation"],
        "specialties": ["feeding difficulties"],
        "languages": ["en"],
        "payment": ["medicaid", "private_insurance"],
        "ages": (12, 72),
        "telehealth": True,
    },
    "imh_clinician": {
        "bio": "Infant mental health clinician offering child-parent psychotherapy in English and Spanish, "
        "at home, in the clinic or by video.",
        "services": [
            "child-parent psychotherapy",
            "infant mental health consultation",
            "perinatal mood support",
        ],
        "specialties": ["attachment", "trauma and loss", "perinatal mental health"],
        "languages": ["en", "es"],
        "payment": ["medicaid", "sliding_scale", "private_insurance"],
        "ages": (0, 60),
        "telehealth": True,
    },
    "outsider": {
        "bio": "Developmental and autism evaluations in the Upper Peninsula.",
        "services": ["developmental evaluation", "autism evaluation"],
        "specialties": ["autism spectrum"],
        "languages": ["en"],
        "payment": ["private_insurance", "self_pay"],
        "ages": (18, 72),
        "telehealth": True,
    },
}

# username -> (category, status, credential, expires in days from today)
LOGIN_ENDORSEMENTS = {
    "imh_clinician": (EndorsementCategory.INFANT_MENTAL_HEALTH_SPECIALIST, "verified", "MI-IMH-2041", 300),
    "educator": (EndorsementCategory.INFANT_FAMILY_ASSOCIATE, "pending", "MI-IFA-7710", 365),
    "social_worker": (EndorsementCategory.INFANT_FAMILY_SPECIALIST, "verified", "MI-IFS-3307", -30),
    "outsider": (
        EndorsementCategory.EARLY_CHILDHOOD_MENTAL_HEALTH_SPECIALIST,
        "revoked",
        "MI-ECMH-0099",
        200,
    ),
}

# username -> evidence-based model credentials (issue 28):
# (code, status, verification, expires in days from today or None, credential number)
LOGIN_MODELS: dict[str, list[tuple[str, str, str, int | None, str]]] = {
    "imh_clinician": [
        ("cpp", "rostered", "verified", 420, "CPP-MI-0117"),
        ("cos", "certified", "verified", 600, ""),
    ],
    "outsider": [("pcit", "certified", "verified", 300, "PCIT-4410")],
    "social_worker": [("abc", "in_training", "verified", None, "")],
    # Waiting for the curator (the curators' queue at /curate/models/ has it).
    "slp": [("hanen", "certified", "pending", 365, "HAN-2231")],
}

# More listings: ZIPs around Ann Arbor, Ypsilanti and Detroit.
EXTRA_ZIPS = [
    "48104",
    "48103",
    "48105",
    "48108",
    "48197",
    "48198",
    "48201",
    "48202",
    "48207",
    "48226",
    "48126",
    "48170",
]
EXTRA_LISTINGS = 30
MICHIGAN_AIMH = "Michigan Association for Infant Mental Health"


def _location(provider: Provider, zip_code: str, address: str) -> None:
    lat, lng, city, state = geo.zip_place(zip_code) or (None, None, "", "")
    Location.objects.update_or_create(
        provider=provider,
        hsds_id=uuid.uuid5(DEMO_NS, f"location:{provider.hsds_id}"),
        defaults={
            "address_1": address,
            "city": city.title(),
            "state": state,
            "zip": zip_code,
            "lat": lat,
            "lng": lng,
        },
    )


def _endorsement(
    provider: Provider, category: str, status: str, credential: str, expires_in: int, curator: User
) -> None:
    today = timezone.now().date()
    endorsement, created = Endorsement.objects.get_or_create(
        provider=provider,
        category=category,
        credential_number=credential,
        defaults={
            "issuing_association": MICHIGAN_AIMH,
            "issued_on": today + datetime.timedelta(days=expires_in) - datetime.timedelta(days=3 * 365),
            "expires_on": today + datetime.timedelta(days=expires_in),
            "status": status,
            "status_changed_by": curator if status != "pending" else None,
            "status_changed_at": timezone.now() if status != "pending" else None,
        },
    )
    if created:
        EndorsementReview.objects.create(
            endorsement=endorsement, actor=None, action=EndorsementReview.Action.CREATED, to_status="pending"
        )
        if status != "pending":
            EndorsementReview.objects.create(
                endorsement=endorsement,
                actor=curator,
                actor_username=curator.username,
                action=status,
                from_status="pending",
                to_status=status,
                note="Checked with the issuing association (demo).",
            )
    services.provider_verified_summary_refresh(provider_ids=[provider.pk])


def _model_credential(
    provider: Provider,
    code: str,
    status: str,
    verification: str,
    expires_in: int | None,
    number: str,
    curator: User,
) -> None:
    today = timezone.now().date()
    model = evidence_model(code)
    assert model is not None, code
    ModelCredential.objects.get_or_create(
        provider=provider,
        code=code,
        defaults={
            "status": status,
            "issuer": model.issuer,
            "credential_number": number,
            "expires_on": None if expires_in is None else today + datetime.timedelta(days=expires_in),
            "verification": verification,
            "reviewed_by": curator if verification != "pending" else None,
            "reviewed_at": timezone.now() if verification != "pending" else None,
            "review_note": "Checked with the issuer's roster (demo)." if verification != "pending" else "",
        },
    )


def _extra_capacity(i: int, today: datetime.date) -> dict[str, Any]:
    """Openings as families meet them: some listings said "taking new families" or
    "waitlist" this month, one said so two months ago (reads "not confirmed recently"),
    the rest never said (unknown, which the "Taking new families" filter never counts)."""
    answers: dict[int, dict[str, Any]] = {
        0: {"capacity": Capacity.ACCEPTING, "capacity_as_of": today - datetime.timedelta(days=2 + i % 7)},
        1: {
            "capacity": Capacity.WAITLIST,
            "waitlist_weeks": 4,
            "capacity_as_of": today - datetime.timedelta(days=5),
        },
        2: {"capacity": Capacity.ACCEPTING, "capacity_as_of": today - datetime.timedelta(days=60)},
    }
    return answers.get(i % 6, {})


def _extra_listings(orgs: dict[str, Organization], curator: User) -> int:
    rng = random.Random(2026)  # the same listings every run
    today = timezone.now().date()
    disciplines = Discipline.values
    made = 0
    for i in range(EXTRA_LISTINGS):
        discipline = disciplines[i % len(disciplines)]
        fields = synthetic.provider_fields(rng, discipline, today)
        name = synthetic.person_name(rng, discipline)
        zip_code = EXTRA_ZIPS[i % len(EXTRA_ZIPS)]
        org = list(orgs.values())[i % 4]
        if i % 3 == 0:  # Spanish speakers are common in the demo area's families
            fields["languages"] = join_codes([*fields["languages"].strip("|").split("|"), "es"])
        hsds_id = uuid.uuid5(DEMO_NS, f"listing:{i}")
        fields.update(_extra_capacity(i, today))
        provider, created = Provider.objects.get_or_create(
            hsds_id=hsds_id, defaults={"name": name, "organization": org, **fields}
        )
        made += created
        _location(
            provider, zip_code, f"{100 + 17 * i} {rng.choice(['Main', 'Liberty', 'Washtenaw', 'Packard'])} St"
        )
        if i % 7 == 3:  # a few Circle of Security facilitators among the listings
            _model_credential(provider, "cos", "certified", "verified", 200 + i, "", curator)
        roll = i % 5
        if roll in (0, 1):
            category = (
                EndorsementCategory.INFANT_MENTAL_HEALTH_SPECIALIST
                if discipline in ("mental_health_clinician", "psychologist", "social_worker")
                else EndorsementCategory.INFANT_FAMILY_SPECIALIST
            )
            _endorsement(provider, category, "verified", f"MI-DEMO-{1000 + i}", 120 + 10 * i, curator)
        elif roll == 2:
            _endorsement(
                provider,
                EndorsementCategory.EARLY_CHILDHOOD_FAMILY_ASSOCIATE,
                "pending",
                f"MI-DEMO-{1000 + i}",
                365,
                curator,
            )
        elif roll == 3 and i % 2:
            _endorsement(
                provider,
                EndorsementCategory.INFANT_FAMILY_ASSOCIATE,
                "verified",
                f"MI-DEMO-{1000 + i}",
                -45,
                curator,
            )
    return made


def seed(world: dict[str, Any], stdout: Writer) -> None:
    password = world["password"]
    users = world.setdefault("users", {})
    orgs = world.setdefault("organizations", {})
    providers = world.setdefault("providers", {})
    curator = ensure_user("curator", "Casey Curator", password, is_staff=True)
    group, _ = Group.objects.get_or_create(name="curator")
    curator.groups.add(group)
    users["curator"] = curator
    for key, name in ORGANIZATIONS.items():
        orgs[key], _ = Organization.objects.get_or_create(name=name)
    for username, (full_name, discipline, org_key) in PROVIDER_LOGINS.items():
        user = ensure_user(username, full_name, password)
        users[username] = user
        provider, _ = Provider.objects.get_or_create(
            user=user,
            defaults={"name": full_name, "discipline": discipline, "organization": orgs[org_key]},
        )
        detail = LOGIN_DETAILS[username]
        provider.bio = detail["bio"]
        provider.services = detail["services"]
        provider.specialties = detail["specialties"]
        provider.languages = join_codes(detail["languages"])
        provider.payment_options = join_codes(detail["payment"])
        provider.ages_min_months, provider.ages_max_months = detail["ages"]
        provider.telehealth = detail["telehealth"]
        provider.accepting_new_families = username != "outsider"
        provider.assured_date = provider.assured_date or timezone.now().date()
        provider.save()
        _location(provider, ORG_ZIPS[org_key], f"{200 + len(username)} Main St")
        if username in LOGIN_ENDORSEMENTS:
            category, status, credential, expires_in = LOGIN_ENDORSEMENTS[username]
            _endorsement(provider, category, status, credential, expires_in, curator)
        for code, model_status, verification, model_expires_in, number in LOGIN_MODELS.get(username, []):
            _model_credential(provider, code, model_status, verification, model_expires_in, number, curator)
        providers[username] = provider
    extra = _extra_listings(orgs, curator)
    _listing_freshness(providers, orgs)
    world.setdefault("partners", {})["early_on"] = _listing_without_account(orgs)
    stdout.write(
        f"directory: {len(orgs)} organizations, {len(providers)} provider logins, "
        f"{EXTRA_LISTINGS} more listings ({extra} new)"
    )


# username -> (capacity, waitlist weeks, note, days since the provider said)
DEMO_CAPACITY: dict[str, tuple[str, int | None, str, int]] = {
    "imh_clinician": (Capacity.WAITLIST, 6, "Spanish-speaking families seen first.", 3),
    "pediatrician": (Capacity.ACCEPTING, None, "", 1),
    "social_worker": (Capacity.ASSESSMENT_REQUIRED, None, "Call for a short intake first.", 10),
    "slp": (Capacity.NO_CAPACITY, None, "Openings expected in the spring.", 5),
    # Said "accepting" 45 days ago: families see "Availability not confirmed recently".
    "educator": (Capacity.ACCEPTING, None, "", 45),
}
CONTACT = {
    "imh_clinician": {
        "phone": "(734) 555-0142",
        "email": "intake@harbor-imh.example.org",
        "website": "https://harbor-imh.example.org",
        "hours": "Mon–Thu 8am–6pm; Fri 8am–noon",
        "accessibility": "Step-free entrance from the parking lot; elevator to the 2nd floor; "
        "family restroom with changing table.",
    },
    "pediatrician": {
        "phone": "(734) 555-0100",
        "email": "front-desk@sunrise-peds.example.org",
        "website": "https://sunrise-peds.example.org",
        "hours": "Mon–Fri 8am–5pm; Sat 9am–noon",
        "accessibility": "Ground floor, automatic doors, stroller parking.",
    },
}


def _listing_freshness(providers: dict[str, Provider], orgs: dict[str, Organization]) -> None:
    """Each capacity value (one outdated), contact details, a stale listing (the
    outsider's, last confirmed 400 days ago), and an unclaimed stale listing with an open
    report from the public."""
    today = timezone.now().date()
    for username, (capacity, weeks, note, days) in DEMO_CAPACITY.items():
        provider = providers[username]
        provider.capacity, provider.waitlist_weeks, provider.capacity_note = capacity, weeks, note
        provider.capacity_as_of = today - datetime.timedelta(days=days)
        contact = CONTACT.get(username, {})
        for key in ("phone", "email", "website", "hours"):
            if key in contact:
                setattr(provider, key, contact[key])
        provider.save()
        if "accessibility" in contact:
            provider.locations.update(accessibility=contact["accessibility"])
    outsider = providers["outsider"]
    outsider.assured_date = today - datetime.timedelta(days=400)
    outsider.save(update_fields=["assured_date"])
    unclaimed, _ = Provider.objects.get_or_create(
        hsds_id=uuid.uuid5(DEMO_NS, "listing:unclaimed"),
        defaults={
            "name": "Willow Family Therapy",
            "discipline": Discipline.MENTAL_HEALTH_CLINICIAN,
            "organization": orgs["county"],
            "languages": join_codes(["en", "es"]),
            "phone": "(734) 555-0177",
            "services": ["parent-child therapy", "play therapy"],
        },
    )
    _location(unclaimed, "48197", "12 Cross St")
    ListingFlag.objects.get_or_create(
        provider=unclaimed,
        reason=ListingFlag.Reason.PHONE_WRONG,
        defaults={"note": "The number rings a dentist's office."},
    )


def _listing_without_account(orgs: dict[str, Organization]) -> Provider:
    """A listing nobody claimed, with an intake e-mail (issue 27): referrals reach it by
    e-mailed one-time links; referrals' demo sends it one."""
    listing, _ = Provider.objects.get_or_create(
        hsds_id=uuid.uuid5(DEMO_NS, "listing:early-on"),
        defaults={
            "name": "Early On Washtenaw",
            "discipline": Discipline.EARLY_INTERVENTION_COORDINATOR,
            "organization": orgs["county"],
            "languages": join_codes(["en", "es"]),
            "email": "intake@earlyon-washtenaw.example.test",
            "phone": "(734) 555-0190",
            "services": ["early intervention (Part C)", "developmental evaluation"],
        },
    )
    _location(listing, "48197", "1819 S Wagner Rd")
    return listing
