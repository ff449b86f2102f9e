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

The text exists in English and Spanish, each language with its own version
(``TEXT_VERSIONS``): changing any wording of one language means a new version for that
language only. The consent stores the version and the language it was signed in.

``plain_summary`` is a different thing: one sentence for the family's pages, rendered
in the reader's language through the catalogues (it is never what was signed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from consent.models import Consent, DataCategory, Purpose
from directory.models import Organization, Provider
from families.models import AuthorityBasis

TEXT_LANGUAGES = ("en", "es")
# 2026-12: the "contact" element (a family's request for help shares how to reach it).
# 2026-12b (en) / 2026-12c (es): the signature names the signer's basis (issue 26).
TEXT_VERSIONS = {"en": "rh-authorization-2026-12b", "es": "rh-autorizacion-es-2026-12c"}
# The English version, kept under its old name for API clients that send it.
TEXT_VERSION = TEXT_VERSIONS["en"]
LANGUAGE_OF_VERSION = {version: language for language, version in TEXT_VERSIONS.items()}

EDUCATOR_DISCIPLINES = {"early_childhood_educator"}


@dataclass(frozen=True)
class Wording:
    """One language's authorization wording (changing it means a new version)."""

    title: str
    purposes: dict[str, str]
    categories: dict[str, str]
    headings: dict[str, str]
    bodies: dict[str, str]
    joiner: str
    # The signer's basis, as ``consent.authority.basis_words`` words it, but kept here:
    # the words are part of the versioned text, not of a catalogue that may change.
    bases: dict[str, str]
    order: str
    any_basis: str


ENGLISH = Wording(
    title="Authorization to share information (version {version})",
    purposes={
        Purpose.REFERRAL: "to send or receive a referral for services",
        Purpose.CARE_COORDINATION: "to coordinate care among the people helping your child",
        Purpose.MESSAGING: "to message with the other members of your child's care team",
    },
    categories={
        DataCategory.DEMOGRAPHICS: "your child's name, birth date and preferred language",
        DataCategory.SCREENING_RESULTS: "developmental and social-emotional screening results",
        DataCategory.DEVELOPMENTAL_HISTORY: "your child's developmental history",
        DataCategory.FAMILY_HISTORY: "family history",
        DataCategory.CASE_NOTES: "case notes and care-team messages",
        DataCategory.CAREGIVER_SCREENING: "caregiver screening results (for example a depression screen)",
    },
    headings={
        "information": "What will be shared",
        "contact": "How to reach you",
        "discloser": "Who may share it",
        "recipient": "Who will receive it",
        "purpose": "Why",
        "expiration": "Until when",
        "revocation": "Your right to revoke",
        "conditioning": "Care does not depend on signing",
        "redisclosure": "Re-disclosure",
        "ferpa": "Education records (FERPA)",
        "signature": "Signature",
    },
    bodies={
        "information": "About {child}: {what}.",
        "contact": "Also shared with {recipient}: how to reach you, as you give it with this request "
        "(your name, phone number, e-mail address, the language to contact you in and the best "
        "times). They use it only to contact you about this request.",
        "discloser": "{guardian}, and the providers already caring for {child} through Referral Hub.",
        "recipient": "{recipient}.",
        "purpose": "Only {why}.",
        "expiration": "This authorization ends on {until} unless you revoke it sooner.",
        "revocation": "You may revoke this authorization at any time in the family portal (one click) or "
        "in writing to any provider on the care team. Revocation takes effect at once; it "
        "does not undo disclosures already made while it was in force.",
        "conditioning": "Your child's treatment, payment, enrollment or eligibility for benefits will not "
        "be conditioned on whether you sign.",
        "redisclosure": "Information shared under this authorization may be re-disclosed by the recipient "
        "and may then no longer be protected by federal privacy rules (HIPAA).",
        "ferpa": "This includes education records about {child}: {what}. They may be "
        "disclosed to {recipient} {why}. You have the right to a copy of any "
        "records disclosed (34 CFR 99.30).",
        "signature": "I, {guardian}, {basis}, sign this authorization on the date recorded with it.",
    },
    joiner=" and ",
    bases={
        AuthorityBasis.PARENT: "as the child's parent",
        AuthorityBasis.MINOR_PARENT: "as the child's parent (a parent under 18)",
        AuthorityBasis.LEGAL_GUARDIAN: "as the child's legal guardian",
        AuthorityBasis.AGENCY_CUSTODY: "as the caseworker for the agency that has custody of the child",
        AuthorityBasis.DELEGATED: "as a caregiver with authority delegated by the agency",
    },
    order="under order no. {number}",
    any_basis="as the child's parent or legal guardian",
)

SPANISH = Wording(
    title="Autorización para compartir información (versión {version})",
    purposes={
        Purpose.REFERRAL: "para enviar o recibir una remisión a servicios",
        Purpose.CARE_COORDINATION: "para coordinar la atención entre las personas que ayudan a su hijo o hija",
        Purpose.MESSAGING: "para enviar mensajes a los demás miembros del equipo de atención de su hijo o hija",
    },
    categories={
        DataCategory.DEMOGRAPHICS: "el nombre, la fecha de nacimiento y el idioma preferido de su hijo o hija",
        DataCategory.SCREENING_RESULTS: "los resultados de las evaluaciones del desarrollo y socioemocionales",
        DataCategory.DEVELOPMENTAL_HISTORY: "la historia del desarrollo de su hijo o hija",
        DataCategory.FAMILY_HISTORY: "los antecedentes familiares",
        DataCategory.CASE_NOTES: "las notas del caso y los mensajes del equipo de atención",
        DataCategory.CAREGIVER_SCREENING: "los resultados de las evaluaciones de quien cuida al niño "
        "(por ejemplo, una evaluación de depresión)",
    },
    headings={
        "information": "Qué se compartirá",
        "contact": "Cómo comunicarse con usted",
        "discloser": "Quién puede compartirlo",
        "recipient": "Quién lo recibirá",
        "purpose": "Para qué",
        "expiration": "Hasta cuándo",
        "revocation": "Su derecho a revocarla",
        "conditioning": "La atención no depende de que firme",
        "redisclosure": "Nueva divulgación",
        "ferpa": "Registros educativos (FERPA)",
        "signature": "Firma",
    },
    bodies={
        "information": "Sobre {child}: {what}.",
        "contact": "También se compartirá con {recipient} cómo comunicarse con usted, según lo que "
        "indique en esta solicitud (su nombre, número de teléfono, correo electrónico, el idioma en "
        "que prefiere que le hablen y los mejores horarios). Solo lo usarán para comunicarse con "
        "usted sobre esta solicitud.",
        "discloser": "{guardian} y los proveedores que ya atienden a {child} por medio de Referral Hub.",
        "recipient": "{recipient}.",
        "purpose": "Solamente {why}.",
        "expiration": "Esta autorización termina el {until}, a menos que usted la revoque antes.",
        "revocation": "Usted puede revocar esta autorización en cualquier momento en el portal familiar "
        "(con un clic) o por escrito a cualquier proveedor del equipo de atención. La revocación "
        "tiene efecto de inmediato; no deshace lo que ya se compartió mientras estaba vigente.",
        "conditioning": "El tratamiento de su hijo o hija, el pago, la inscripción o el derecho a "
        "beneficios no dependerán de que usted firme.",
        "redisclosure": "La información compartida con esta autorización puede ser divulgada de nuevo "
        "por quien la recibe y es posible que ya no esté protegida por las normas federales de "
        "privacidad (HIPAA).",
        "ferpa": "Esto incluye registros educativos sobre {child}: {what}. Pueden divulgarse a "
        "{recipient} {why}. Usted tiene derecho a recibir una copia de todo registro divulgado "
        "(34 CFR 99.30).",
        "signature": "Yo, {guardian}, {basis}, firmo esta autorización en la fecha registrada con ella.",
    },
    joiner=" y ",
    bases={
        AuthorityBasis.PARENT: "como madre o padre del niño o la niña",
        AuthorityBasis.MINOR_PARENT: "como madre o padre del niño o la niña (menor de 18 años)",
        AuthorityBasis.LEGAL_GUARDIAN: "como tutor legal del niño o la niña",
        AuthorityBasis.AGENCY_CUSTODY: "como trabajador social de la agencia que tiene la custodia del niño o la niña",
        AuthorityBasis.DELEGATED: "como cuidador con autoridad delegada por la agencia",
    },
    order="según la orden n.º {number}",
    any_basis="como madre, padre o tutor legal del niño o la niña",
)

WORDINGS = {"en": ENGLISH, "es": SPANISH}
# The regulatory elements in order; "ferpa" only when the recipient is an educator,
# "contact" (after "information") only when a family's request shares how to reach it.
ELEMENTS = (
    "information",
    "discloser",
    "recipient",
    "purpose",
    "expiration",
    "revocation",
    "conditioning",
    "redisclosure",
)


def text_language(language: str | None = None) -> str:
    """The authorization language for ``language`` (default: the active one)."""
    code = (language or translation.get_language() or "en")[:2]
    return code if code in WORDINGS else "en"


@dataclass(frozen=True)
class Section:
    """One element of the authorization: ``key`` names the regulatory element."""

    key: str
    heading: str
    body: str


def _join(items: list[str], joiner: str = " and ") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + joiner + items[-1]


def recipient_is_educator(
    *, provider: Provider | None = None, organization: Organization | None = None
) -> bool:
    if provider is not None:
        return provider.discipline in EDUCATOR_DISCIPLINES
    if organization is not None:
        return bool(organization.providers.filter(discipline__in=EDUCATOR_DISCIPLINES).exists())
    return False


def signer_basis(wording: Wording, basis: str | None, order_number: str = "") -> str:
    """The signer's basis in ``wording``'s language ("as the child's legal guardian under
    order no. 24-JV-118"); without a basis (a text shown before the child is chosen),
    the general "as the child's parent or legal guardian"."""
    if not basis:
        return wording.any_basis
    words = wording.bases[AuthorityBasis(basis)]
    if order_number and basis != AuthorityBasis.PARENT:
        words += " " + wording.order.format(number=order_number)
    return words


def authorization_sections(
    *,
    child_name: str,
    guardian_name: str,
    basis: str | None,
    order_number: str = "",
    recipient_name: str,
    purposes: Iterable[str],
    data_categories: Iterable[str],
    expires_on: date,
    educator: bool,
    language: str = "en",
    contact_details: bool = False,
) -> list[Section]:
    wording = WORDINGS[text_language(language)]
    values = {
        "child": child_name,
        "guardian": guardian_name,
        "basis": signer_basis(wording, basis, order_number),
        "recipient": recipient_name,
        "what": _join([wording.categories[DataCategory(c)] for c in data_categories], wording.joiner),
        "why": _join([wording.purposes[Purpose(p)] for p in purposes], wording.joiner),
        "until": expires_on.isoformat(),
    }
    elements = list(ELEMENTS)
    if contact_details:
        elements.insert(1, "contact")
    keys = [*elements, *(["ferpa"] if educator else []), "signature"]
    return [Section(key, wording.headings[key], wording.bodies[key].format(**values)) for key in keys]


def render_text(sections: list[Section], language: str = "en") -> str:
    language = text_language(language)
    title = WORDINGS[language].title.format(version=TEXT_VERSIONS[language])
    lines = [title, ""]
    for section in sections:
        lines += [section.heading, section.body, ""]
    return "\n".join(lines).rstrip() + "\n"


# The family's pages: one plain sentence per consent, in the reader's language.
SHORT_CATEGORIES = {
    DataCategory.DEMOGRAPHICS: gettext_lazy("basic details"),
    DataCategory.SCREENING_RESULTS: gettext_lazy("screening results"),
    DataCategory.DEVELOPMENTAL_HISTORY: gettext_lazy("developmental history"),
    DataCategory.FAMILY_HISTORY: gettext_lazy("family history"),
    DataCategory.CASE_NOTES: gettext_lazy("care-team notes"),
    DataCategory.CAREGIVER_SCREENING: gettext_lazy("caregiver screening results"),
}
SHORT_PURPOSES = {
    Purpose.REFERRAL: gettext_lazy("to make a referral"),
    Purpose.CARE_COORDINATION: gettext_lazy("to coordinate care"),
    Purpose.MESSAGING: gettext_lazy("to message the care team"),
}
AND = pgettext_lazy("list joiner", " and ")


def plain_date(value: date) -> str:
    """A date as a family writes it ("1 June 2027" / "1 de junio de 2027")."""
    return formats.date_format(value, _("j F Y"))


def _pieces(consent: Consent) -> dict[str, str]:
    recipient = consent.recipient_provider or consent.recipient_organization
    return {
        "who": str(getattr(recipient, "name", "") or recipient),
        "child": consent.child.first_name,
        "what": _join([str(SHORT_CATEGORIES[DataCategory(c)]) for c in consent.data_categories], str(AND)),
        "why": _join([str(SHORT_PURPOSES[Purpose(p)]) for p in consent.purposes], str(AND)),
        "until": plain_date(consent.expires_on),
    }


def plain_summary(consent: Consent) -> str:
    """One sentence a family reads at a glance (who, what, why, until), in the past tense
    once the consent was revoked or has expired."""
    pieces = _pieces(consent)
    now = timezone.now()
    if consent.revoked_at is not None and consent.revoked_at <= now:
        pieces["revoked"] = plain_date(timezone.localtime(consent.revoked_at).date())
        return (
            _("%(who)s could see %(child)s's %(what)s %(why)s, until you revoked this on %(revoked)s.")
            % pieces
        )
    if consent.expires_on < now.date():
        return (
            _("%(who)s could see %(child)s's %(what)s %(why)s, until %(until)s, when this consent ended.")
            % pieces
        )
    return _("%(who)s may see %(child)s's %(what)s %(why)s, until %(until)s.") % pieces
