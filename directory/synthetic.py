"""Realistic synthetic listings for ``generate_directory`` and the demo: names,
disciplines with fitting services, languages, payment, ages and real US ZIP centroids."""

from __future__ import annotations

import datetime
import random
import uuid
from typing import Any

from directory import geo
from directory.models import Discipline, EndorsementCategory, PaymentOption

FIRST_NAMES = (
    "Maya Liam Olivia Noah Emma Mateo Ava Elijah Sophia Lucas Isabella Mia Ethan Amelia Aiden Harper "
    "Camila Daniel Aaliyah Jayden Priya Arjun Mei Wei Nguyen Linh Fatima Omar Aisha Yusuf Grace Samuel "
    "Chloe David Zoe Gabriel Layla Carlos Lucia Diego Sofia Jose Valentina Andre Imani Malik Keisha "
    "Darnell Hannah Benjamin Leah Isaac Naomi Elena Marco Rosa Luis Ana Tomas Ingrid Lars Keiko Hiroshi "
    "Min-jun Seo-yeon Anh Thanh Amara Kwame Chidi Ngozi Tariq Leila Nadia Ivan Olga Sanjay Deepa Rahul "
    "Ruth Esther Miriam Joseph Rebecca Paul Teresa Monica Victor Alicia Brenda Curtis Dana Erin Frank"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Chen Patel Kim Okafor Mensah Haddad "
    "Kowalski Novak Schmidt Rossi Silva Santos Tanaka Yamamoto Park Choi Tran Pham Ali Khan Hussain "
    "Cohen Levy Friedman Murphy Kelly Sullivan O'Brien Romero Castillo Ortiz Morales Reyes Cruz Gutierrez"
).split()
ORG_SUFFIXES = [
    "Pediatrics",
    "Family Services",
    "Early Learning Center",
    "Infant & Family Mental Health",
    "Child Development Clinic",
    "Early Intervention Program",
    "Community Health Center",
    "Parent-Child Center",
    "Home Visiting Program",
    "Therapy Associates",
]
SERVICES = {
    Discipline.PEDIATRICIAN: [
        "well-child visits",
        "developmental screening",
        "ASQ-3 screening",
        "postpartum depression screening",
        "newborn care",
    ],
    Discipline.EARLY_CHILDHOOD_EDUCATOR: [
        "infant and toddler care",
        "preschool",
        "social-emotional learning",
        "family engagement",
    ],
    Discipline.SOCIAL_WORKER: [
        "care coordination",
        "family support",
        "benefits navigation",
        "housing referrals",
    ],
    Discipline.SPEECH_LANGUAGE_PATHOLOGIST: [
        "speech therapy",
        "feeding therapy",
        "language delay evaluation",
        "AAC support",
    ],
    Discipline.MENTAL_HEALTH_CLINICIAN: [
        "child-parent psychotherapy",
        "parent-child interaction therapy",
        "infant mental health consultation",
        "perinatal mood support",
        "trauma-informed care",
    ],
    Discipline.OCCUPATIONAL_THERAPIST: [
        "sensory processing therapy",
        "fine motor skills",
        "feeding therapy",
        "self-regulation",
    ],
    Discipline.PSYCHOLOGIST: [
        "developmental evaluation",
        "autism evaluation",
        "behavioral consultation",
        "parent coaching",
    ],
    Discipline.HOME_VISITOR: [
        "home visiting",
        "Parents as Teachers",
        "Nurse-Family Partnership",
        "breastfeeding support",
    ],
    Discipline.EARLY_INTERVENTION_COORDINATOR: [
        "Part C early intervention",
        "IFSP coordination",
        "developmental evaluation",
        "transition planning",
    ],
}
SPECIALTIES = [
    "attachment",
    "prematurity and NICU follow-up",
    "autism spectrum",
    "trauma and loss",
    "foster and adoptive families",
    "perinatal mental health",
    "sleep",
    "feeding difficulties",
    "challenging behavior",
    "military families",
    "fathers",
    "teen parents",
]
OTHER_LANGUAGES = ["zh", "vi", "ar", "fr", "ht", "ko", "ru", "pt", "so", "tl", "hi", "pl"]
ASSOCIATIONS = [
    "Michigan Association for Infant Mental Health",
    "California Center for Infant-Family and Early Childhood Mental Health",
    "Texas Association for Infant Mental Health",
    "New York State Association for Infant Mental Health",
    "Alliance for the Advancement of Infant Mental Health",
]
TITLED = {Discipline.PEDIATRICIAN, Discipline.PSYCHOLOGIST}


def standard_zips() -> list[tuple[str, float, float, str, str]]:
    """Residential ZIPs (``STANDARD``) with centroids, in a stable order."""
    import zipcodes

    rows = [
        (z["zip_code"], float(z["lat"]), float(z["long"]), z["city"], z["state"])
        for z in zipcodes.list_all()  # type: ignore[no-untyped-call]  # zipcodes ships no type hints
        if z.get("zip_code_type") == "STANDARD" and z.get("lat") and z.get("long")
    ]
    return sorted(rows)


def rng_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def person_name(rng: random.Random, discipline: str) -> str:
    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    return f"Dr. {name}" if discipline in TITLED else name


def organization_name(rng: random.Random, city: str) -> str:
    return f"{city.title()} {rng.choice(ORG_SUFFIXES)}"


def provider_fields(rng: random.Random, discipline: str, today: datetime.date) -> dict[str, Any]:
    languages = ["en"]
    if rng.random() < 0.32:
        languages.append("es")
    if rng.random() < 0.12:
        languages.append(rng.choice(OTHER_LANGUAGES))
    payments = rng.sample(PaymentOption.values, k=rng.randint(1, 3))
    low = rng.choice([0, 0, 0, 6, 12, 18, 24, 36])
    high = rng.choice([h for h in (12, 24, 36, 48, 60, 72, 96) if h > low])
    services = rng.sample(SERVICES[Discipline(discipline)], k=min(3, len(SERVICES[Discipline(discipline)])))
    specialties = rng.sample(SPECIALTIES, k=rng.randint(0, 3))
    return {
        "discipline": discipline,
        "services": services,
        "specialties": specialties,
        "languages": "|" + "|".join(sorted(set(languages))) + "|",
        "payment_options": "|" + "|".join(sorted(payments)) + "|",
        "ages_min_months": low,
        "ages_max_months": high,
        "accepting_new_families": rng.random() < 0.7,
        "telehealth": rng.random() < 0.4,
        "assured_date": today - datetime.timedelta(days=rng.randint(0, 540)),
    }


def endorsement_fields(rng: random.Random, discipline: str, today: datetime.date) -> dict[str, Any] | None:
    """About half of listings claim an endorsement; of those most are verified, some
    pending, some revoked and some past their expiry (so shown as expired)."""
    if rng.random() > 0.5:
        return None
    clinical = discipline in (
        Discipline.MENTAL_HEALTH_CLINICIAN,
        Discipline.PSYCHOLOGIST,
        Discipline.SOCIAL_WORKER,
    )
    category = rng.choice(
        [
            EndorsementCategory.INFANT_MENTAL_HEALTH_SPECIALIST,
            EndorsementCategory.EARLY_CHILDHOOD_MENTAL_HEALTH_SPECIALIST,
            EndorsementCategory.INFANT_MENTAL_HEALTH_MENTOR_CLINICAL,
        ]
        if clinical
        else [
            EndorsementCategory.INFANT_FAMILY_ASSOCIATE,
            EndorsementCategory.INFANT_FAMILY_SPECIALIST,
            EndorsementCategory.EARLY_CHILDHOOD_FAMILY_ASSOCIATE,
            EndorsementCategory.EARLY_CHILDHOOD_FAMILY_SPECIALIST,
        ]
    )
    roll = rng.random()
    issued = today - datetime.timedelta(days=rng.randint(30, 3000))
    expires = today + datetime.timedelta(days=rng.randint(30, 365))
    status = "verified"
    if roll < 0.15:
        expires = today - datetime.timedelta(days=rng.randint(1, 400))
        issued = min(issued, expires - datetime.timedelta(days=365))
    elif roll < 0.33:
        status = "pending"
    elif roll < 0.38:
        status = "revoked"
    return {
        "category": category.value,
        "credential_number": f"IMH-{rng.randint(10000, 99999)}",
        "issuing_association": rng.choice(ASSOCIATIONS),
        "issued_on": issued,
        "expires_on": expires,
        "status": status,
    }


def zip_location(zip_row: tuple[str, float, float, str, str], rng: random.Random) -> dict[str, Any]:
    code, lat, lng, city, state = zip_row
    return {
        "name": "",
        "address_1": f"{rng.randint(100, 9999)} {rng.choice(['Main', 'Oak', 'Maple', 'Cedar', 'Park', 'Elm', 'Washington', 'Lake'])} "
        f"{rng.choice(['St', 'Ave', 'Blvd', 'Rd'])}",
        "city": city,
        "state": state,
        "zip": code,
        # A little jitter: providers are not all at the ZIP's centroid.
        "lat": round(lat + rng.uniform(-0.02, 0.02), 6),
        "lng": round(lng + rng.uniform(-0.02, 0.02), 6),
    }


__all__ = ["geo"]
