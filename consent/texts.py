"""The authorization a guardian reads before signing, rendered from one versioned
template. The exact rendered text and its version are stored on the consent, so what
was signed can always be shown again word for word.

HIPAA 45 CFR 164.508(c)(1)-(2) core elements and required statements: a specific
description of the information; who may disclose it; who receives it; the purpose; an
expiration date; the right to revoke in writing and how; that treatment is not
conditioned on signing; that information disclosed may be re-disclosed by the recipient
and no longer protected; signature and date. When the recipient is an educator, the
FERPA 34 CFR 99.30(b) elements are added: the records that may be disclosed, the
purpose, and the parties to whom disclosure may be made.

Changing any wording means a new ``TEXT_VERSION``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from consent.models import Consent, DataCategory, Purpose
from directory.models import Organization, Provider

TEXT_VERSION = "rh-authorization-2026-11"

EDUCATOR_DISCIPLINES = {"early_childhood_educator"}

PLAIN_PURPOSES = {
    Purpose.REFERRAL: "to send or receive a referral for services",
    Purpose.CARE_COORDINATION: "to coordinate care among the people helping your child",
    Purpose.MESSAGING: "to message with the other members of your child's care team",
}
PLAIN_CATEGORIES = {
    DataCategory.DEMOGRAPHICS: "your child's name, birth date and preferred language",
    DataCategory.SCREENING_RESULTS: "developmental and social-emotional screening results",
    DataCategory.DEVELOPMENTAL_HISTORY: "your child's developmental history",
    DataCategory.FAMILY_HISTORY: "family history",
    DataCategory.CASE_NOTES: "case notes and care-team messages",
    DataCategory.CAREGIVER_SCREENING: "caregiver screening results (for example a depression screen)",
}


@dataclass(frozen=True)
class Section:
    """One element of the authorization: ``key`` names the regulatory element."""

    key: str
    heading: str
    body: str


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def recipient_is_educator(
    *, provider: Provider | None = None, organization: Organization | None = None
) -> bool:
    if provider is not None:
        return provider.discipline in EDUCATOR_DISCIPLINES
    if organization is not None:
        return bool(organization.providers.filter(discipline__in=EDUCATOR_DISCIPLINES).exists())
    return False


def authorization_sections(
    *,
    child_name: str,
    guardian_name: str,
    recipient_name: str,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    expires_on: date,
    educator: bool,
) -> list[Section]:
    what = _join([PLAIN_CATEGORIES[DataCategory(c)] for c in data_categories])
    why = _join([PLAIN_PURPOSES[Purpose(p)] for p in purposes])
    sections = [
        Section("information", "What will be shared", f"About {child_name}: {what}."),
        Section(
            "discloser",
            "Who may share it",
            f"{guardian_name}, and the providers already caring for {child_name} through Referral Hub.",
        ),
        Section("recipient", "Who will receive it", f"{recipient_name}."),
        Section("purpose", "Why", f"Only {why}."),
        Section(
            "expiration",
            "Until when",
            f"This authorization ends on {expires_on.isoformat()} unless you revoke it sooner.",
        ),
        Section(
            "revocation",
            "Your right to revoke",
            "You may revoke this authorization at any time in the family portal (one click) or "
            "in writing to any provider on the care team. Revocation takes effect at once; it "
            "does not undo disclosures already made while it was in force.",
        ),
        Section(
            "conditioning",
            "Care does not depend on signing",
            "Your child's treatment, payment, enrollment or eligibility for benefits will not "
            "be conditioned on whether you sign.",
        ),
        Section(
            "redisclosure",
            "Re-disclosure",
            "Information shared under this authorization may be re-disclosed by the recipient "
            "and may then no longer be protected by federal privacy rules (HIPAA).",
        ),
    ]
    if educator:
        sections.append(
            Section(
                "ferpa",
                "Education records (FERPA)",
                f"This includes education records about {child_name}: {what}. They may be "
                f"disclosed to {recipient_name} {why}. You have the right to a copy of any "
                "records disclosed (34 CFR 99.30).",
            )
        )
    sections.append(
        Section(
            "signature",
            "Signature",
            f"Signed by {guardian_name}, the child's parent or legal guardian, on the date recorded "
            "with this authorization.",
        )
    )
    return sections


def render_text(sections: list[Section]) -> str:
    lines = [f"Authorization to share information (version {TEXT_VERSION})", ""]
    for section in sections:
        lines += [section.heading, section.body, ""]
    return "\n".join(lines).rstrip() + "\n"


def plain_summary(consent: Consent) -> str:
    """One sentence a family can read at a glance."""
    recipient = consent.recipient_provider or consent.recipient_organization
    what = _join([PLAIN_CATEGORIES[DataCategory(c)] for c in consent.data_categories])
    why = _join([PLAIN_PURPOSES[Purpose(p)] for p in consent.purposes])
    return f"{recipient} may see {what}, {why}, until {consent.expires_on.isoformat()}."
