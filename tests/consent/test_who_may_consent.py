"""Who may consent for a child (issue 26, "Done means"): one table of scenarios, each
stating who tries what in which household and the answer expected.

Every row runs through the public API (``/api/v1/``: consents, attested consents,
consent requests, family requests, children) as the person named, then is checked

- at the decision point (``consent.decision.decide``) for every read it involves: the
  relation through which the provider a consent names, the reader, and each person
  named in ``sees`` may see the child afterwards (``guardian``, ``consent``, or None for
  no access; ``implied_sights``), and the same answer from
  ``GET /api/v1/children/{id}/`` (200 or 404);
- in the access log (``audit.models.AuditEvent``): who acted, the outcome, and for an
  allowed consent action the basis it rests on (``basis=<basis> ... authority=<id>``,
  ``consent.authority.audit_basis``); a refusal is logged as a denied attempt;
- for the notices named: who is told, and who never hears about the child.

Households are built with the factories: a guardian recorded as a parent (mother,
father, parent) holds ``parent`` authority from the child's birth; anyone else holds
only what an order records (``Member.basis``). Times are days from now.

Rows marked ``bug=`` state what the issue demands and fail on main for the reason
given (strict xfail: they turn red once fixed, so the mark is removed with the fix).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIClient

from audit.models import AuditEvent, Outcome
from consent import requests as consent_requests
from consent.decision import CONSENT, GUARDIAN, decide
from consent.services import consent_grant
from directory.models import Provider
from families.models import (
    Authority,
    AuthorityBasis,
    Child,
    Guardian,
    Invitation,
    Relationship,
    RestrictionKind,
)
from intake.models import FamilyRequest
from intake.services import family_request_route
from outbox.models import OutboxMessage
from people.roles import COORDINATOR_GROUP
from tests.factories.base import PASSWORD, UserFactory
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import (
    AuthorityFactory,
    ChildFactory,
    FamilyFactory,
    GuardianFactory,
    RestrictionFactory,
)

pytestmark = pytest.mark.django_db

REFERRAL = ("referral",)
CARE = ("care_coordination",)
MESSAGING = ("messaging",)
EVERY_PURPOSE = ("referral", "care_coordination", "messaging")

# Who acts, besides household members.
PROVIDER = "provider"  # the provider a consent names (attests, reads under a consent)
RECORDER = "recorder"  # network staff who record and end court orders
ASKER = "asker"  # a provider already covered, who asks the family to share with PROVIDER


# --- the households -----------------------------------------------------------------


@dataclass(frozen=True)
class Member:
    """One household member: how they are recorded, what order they hold, what a court
    restricts. ``starts``/``ends`` (days from now) set every authority row the member
    holds (the automatic parent one included); None leaves it as recorded."""

    relationship: str = Relationship.PARENT
    basis: str | None = None
    scope: tuple[str, ...] = ()
    starts: float | None = None
    ends: float | None = None
    restriction: str | None = None
    restriction_starts: float = -30
    restriction_ends: float | None = None


MOTHER = Member(Relationship.MOTHER)
FATHER = Member(Relationship.FATHER)
CASEWORKER = Member(Relationship.CASEWORKER, basis=AuthorityBasis.AGENCY_CUSTODY)
FOSTER = Member(Relationship.FOSTER_PARENT)
FOSTER_REFERRAL = Member(Relationship.FOSTER_PARENT, basis=AuthorityBasis.DELEGATED, scope=REFERRAL)
KIN_CARE = Member(Relationship.GRANDPARENT, basis=AuthorityBasis.DELEGATED, scope=CARE)
GRANDPARENT = Member(Relationship.GRANDPARENT)
LEGAL_GUARDIAN = Member(Relationship.LEGAL_GUARDIAN, basis=AuthorityBasis.LEGAL_GUARDIAN)
TEEN_MOTHER = Member(Relationship.MOTHER, basis=AuthorityBasis.MINOR_PARENT)

JOINT_CUSTODY = {"mother": MOTHER, "father": FATHER}
FOSTER_CARE = {"caseworker": CASEWORKER, "foster": FOSTER}
FOSTER_DELEGATED = {"caseworker": CASEWORKER, "foster": FOSTER_REFERRAL}
CUSTODY_MOVED = {"mother": Member(Relationship.MOTHER, ends=-1), "caseworker": CASEWORKER}
KINSHIP = {"caseworker": CASEWORKER, "grandma": KIN_CARE}
WITH_GRANDPARENT = {"mother": MOTHER, "grandpa": GRANDPARENT}
GUARDIANSHIP = {"guardian": LEGAL_GUARDIAN, "aunt": Member(Relationship.OTHER)}
GUARDIANSHIP_ENDED = {
    "guardian": Member(Relationship.LEGAL_GUARDIAN, basis=AuthorityBasis.LEGAL_GUARDIAN, ends=-1),
    "mother": MOTHER,
}
GUARDIANSHIP_TOMORROW = {
    "guardian": Member(Relationship.LEGAL_GUARDIAN, basis=AuthorityBasis.LEGAL_GUARDIAN, starts=1),
    "mother": MOTHER,
}
GUARDIAN_AND_MOTHER = {"guardian": LEGAL_GUARDIAN, "mother": MOTHER}
TEEN_PARENT = {"teen": TEEN_MOTHER}
ADOPTION_PENDING = {"mother": MOTHER, "adoptive": Member(Relationship.PARENT, starts=7)}
NO_INFORMATION = {
    "mother": MOTHER,
    "father": Member(Relationship.FATHER, restriction=RestrictionKind.NO_INFORMATION),
}
NO_INFORMATION_ENDED = {
    "mother": MOTHER,
    "father": Member(Relationship.FATHER, restriction=RestrictionKind.NO_INFORMATION, restriction_ends=-1),
}
NO_INFORMATION_FROM_TOMORROW = {
    "mother": MOTHER,
    "father": Member(Relationship.FATHER, restriction=RestrictionKind.NO_INFORMATION, restriction_starts=1),
}
NO_CONTACT = {"mother": MOTHER, "father": Member(Relationship.FATHER, restriction=RestrictionKind.NO_CONTACT)}
ADDRESS_CONFIDENTIAL = {
    "mother": Member(Relationship.MOTHER, restriction=RestrictionKind.ADDRESS_CONFIDENTIAL),
    "father": FATHER,
}


@dataclass
class World:
    child: Child
    people: dict[str, Guardian]
    provider: Provider
    asker: Provider
    recorder: User
    target: int | None = None  # the consent, consent request or family request acted on

    def user(self, who: str) -> User:
        if who == PROVIDER:
            return self.provider.user
        if who == ASKER:
            return self.asker.user
        if who == RECORDER:
            return self.recorder
        return self.people[who].user


def days(n: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(days=n)


def household(members: Mapping[str, Member]) -> World:
    """The child, its household as described, and two providers with accounts."""
    family = FamilyFactory()
    child = ChildFactory(family=family)
    people: dict[str, Guardian] = {}
    for name, member in members.items():
        guardian = GuardianFactory(family=family, relationship=member.relationship, user__first_name=name)
        if member.basis:
            AuthorityFactory(child=child, holder=guardian, basis=member.basis, purposes=list(member.scope))
        held = Authority.objects.filter(holder=guardian, child=child)
        if member.starts is not None:
            held.update(starts_at=days(member.starts))
        if member.ends is not None:
            held.update(ends_at=days(member.ends))
        if member.restriction:
            RestrictionFactory(
                child=child,
                person=guardian,
                kind=member.restriction,
                starts_at=days(member.restriction_starts),
                ends_at=None if member.restriction_ends is None else days(member.restriction_ends),
            )
        people[name] = guardian
    return World(
        child=child,
        people=people,
        provider=ProviderFactory(),
        asker=ProviderFactory(),
        recorder=UserFactory(is_staff=True),
    )


# --- the scenarios ------------------------------------------------------------------

READ = "read the child"
LIST = "list children"
GRANT = "sign a consent"
ATTEST = "provider attests a paper consent"
REVOKE = "revoke a consent"
REQUEST = "provider asks the family to share"
DECLINE = "decline a consent request"
SIGN_REQUEST = "sign a consent request"
ASK = "ask a provider for help"
ASK_QUEUE = "ask the care coordinators for help"
SIGN_ROUTED = "sign a routed request"
END = "a recorder ends an authority now"

Sight = tuple[str, tuple[str, ...] | None, str | None]  # (who, purposes or None: any, relation)


@dataclass(frozen=True)
class Scenario:
    says: str  # the row, as a sentence (the test id)
    household: Mapping[str, Member]
    actor: str  # a household member, PROVIDER or ASKER
    action: str
    status: int
    code: str | None = None  # the API's ``code`` on a refusal
    purposes: tuple[str, ...] = REFERRAL  # what is consented to (or asked for, or read for)
    by: str | None = None  # who gave the consent acted on / is named in an attestation / asked first
    given: tuple[str, ...] | None = None  # what the consent given first covers (default: ``purposes``)
    basis: str | None = None  # allowed consent action: the basis the access log names
    sees: tuple[Sight, ...] = ()  # afterwards, at the decision point and GET /children/{id}/
    listed: bool | None = None  # LIST: is the child in the list
    told: tuple[str, ...] = ()  # members a notice reaches
    quiet: tuple[str, ...] = ()  # members who hear nothing
    bug: str | None = None  # how main answers otherwise (strict xfail)


# fmt: off
SCENARIOS: tuple[Scenario, ...] = (
    # Foster care: the agency (its caseworker) decides; the foster parent only by delegation.
    Scenario(
        "a foster parent without delegation cannot sign a referral consent",
        FOSTER_CARE, "foster", GRANT, 403, "no_legal_authority", sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent with delegation for referral signs a referral consent",
        FOSTER_DELEGATED, "foster", GRANT, 201, basis=AuthorityBasis.DELEGATED,
        sees=((PROVIDER, REFERRAL, CONSENT), (PROVIDER, CARE, None)),
    ),
    Scenario(
        "a foster parent with delegation for referral cannot sign referral and care coordination",
        FOSTER_DELEGATED, "foster", GRANT, 403, "outside_authority",
        purposes=("referral", "care_coordination"), sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent with delegation for referral cannot sign a messaging consent",
        FOSTER_DELEGATED, "foster", GRANT, 403, "outside_authority", purposes=MESSAGING,
    ),
    Scenario(
        "the agency caseworker with a custody order signs for every purpose",
        FOSTER_CARE, "caseworker", GRANT, 201, purposes=EVERY_PURPOSE, basis=AuthorityBasis.AGENCY_CUSTODY,
        sees=((PROVIDER, CARE, CONSENT), (PROVIDER, MESSAGING, CONSENT)),
    ),
    Scenario(
        "the caseworker whose custody order ended yesterday cannot sign",
        {"caseworker": Member(Relationship.CASEWORKER, basis=AuthorityBasis.AGENCY_CUSTODY, ends=-1)},
        "caseworker", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "a birth mother whose custody moved to the agency yesterday cannot sign",
        CUSTODY_MOVED, "mother", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "after custody moved to the agency the caseworker signs",
        CUSTODY_MOVED, "caseworker", GRANT, 201, basis=AuthorityBasis.AGENCY_CUSTODY,
    ),
    Scenario(
        "a foster parent without delegation still sees the child in the household",
        FOSTER_CARE, "foster", READ, 200, sees=(("foster", None, GUARDIAN),),
    ),
    Scenario(
        "a foster parent without delegation cannot revoke the caseworker's consent",
        FOSTER_CARE, "foster", REVOKE, 403, "no_legal_authority", by="caseworker",
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "the caseworker revokes the consent the delegated foster parent gave and the provider loses access",
        FOSTER_DELEGATED, "caseworker", REVOKE, 200, by="foster", basis=AuthorityBasis.AGENCY_CUSTODY,
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a delegated foster parent revokes a consent the caseworker gave for every purpose",
        FOSTER_DELEGATED, "foster", REVOKE, 200, by="caseworker", purposes=EVERY_PURPOSE,
        basis=AuthorityBasis.DELEGATED, sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent without delegation cannot decline a consent request",
        FOSTER_CARE, "foster", DECLINE, 403, "no_legal_authority",
    ),
    Scenario(
        "a foster parent with delegation for referral declines a consent request",
        FOSTER_DELEGATED, "foster", DECLINE, 200, basis=AuthorityBasis.DELEGATED,
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent with delegation for referral signs a request to share for referral",
        FOSTER_DELEGATED, "foster", SIGN_REQUEST, 200, basis=AuthorityBasis.DELEGATED,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a foster parent with delegation for referral cannot sign a request to share for care coordination",
        FOSTER_DELEGATED, "foster", SIGN_REQUEST, 403, "outside_authority", purposes=CARE,
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent with delegation for referral asks a provider for help",
        FOSTER_DELEGATED, "foster", ASK, 201, basis=AuthorityBasis.DELEGATED,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a foster parent without delegation cannot ask a provider for help",
        FOSTER_CARE, "foster", ASK, 403, "no_legal_authority", sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a foster parent without delegation cannot sign the request a coordinator routed",
        FOSTER_CARE, "foster", SIGN_ROUTED, 403, "no_legal_authority", by="caseworker",
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "the caseworker signs the request a coordinator routed",
        FOSTER_CARE, "caseworker", SIGN_ROUTED, 200, by="caseworker", basis=AuthorityBasis.AGENCY_CUSTODY,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    # Kinship care: a grandparent with a delegation for care coordination only.
    Scenario(
        "a kinship caregiver with delegation for care coordination signs a care coordination consent",
        KINSHIP, "grandma", GRANT, 201, purposes=CARE, basis=AuthorityBasis.DELEGATED,
        sees=((PROVIDER, CARE, CONSENT), (PROVIDER, REFERRAL, None)),
    ),
    Scenario(
        "a kinship caregiver with delegation for care coordination cannot sign a referral consent",
        KINSHIP, "grandma", GRANT, 403, "outside_authority",
    ),
    Scenario(
        "a kinship caregiver with delegation for care coordination cannot ask a provider for help",
        KINSHIP, "grandma", ASK, 403, "outside_authority",
    ),
    Scenario(
        "a kinship caregiver with delegation for care coordination cannot be named in a paper referral consent",
        KINSHIP, PROVIDER, ATTEST, 403, "outside_authority", by="grandma",
    ),
    # A grandparent in the household without any authority.
    Scenario(
        "a grandparent without authority cannot sign",
        WITH_GRANDPARENT, "grandpa", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "a grandparent without authority cannot revoke the mother's consent",
        WITH_GRANDPARENT, "grandpa", REVOKE, 403, "no_legal_authority", by="mother",
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a grandparent without authority cannot decline a consent request",
        WITH_GRANDPARENT, "grandpa", DECLINE, 403, "no_legal_authority",
    ),
    Scenario(
        "a grandparent without authority sees the child in the household",
        WITH_GRANDPARENT, "grandpa", READ, 200, sees=(("grandpa", None, GUARDIAN),),
    ),
    Scenario(
        "a provider cannot record a paper consent in the name of a grandparent without authority",
        WITH_GRANDPARENT, PROVIDER, ATTEST, 403, "no_legal_authority", by="grandpa",
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a grandparent without authority cannot sign the request a coordinator routed",
        WITH_GRANDPARENT, "grandpa", SIGN_ROUTED, 403, "no_legal_authority", by="mother",
    ),
    # A court-appointed legal guardian.
    Scenario(
        "a legal guardian under a court order signs",
        GUARDIANSHIP, "guardian", GRANT, 201, purposes=EVERY_PURPOSE, basis=AuthorityBasis.LEGAL_GUARDIAN,
        sees=((PROVIDER, MESSAGING, CONSENT),),
    ),
    Scenario(
        "a legal guardian whose order ended yesterday cannot sign",
        GUARDIANSHIP_ENDED, "guardian", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "a legal guardian whose order ended yesterday cannot revoke the mother's consent",
        GUARDIANSHIP_ENDED, "guardian", REVOKE, 403, "no_legal_authority", by="mother",
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a legal guardian whose order ended yesterday cannot sign the request a coordinator routed",
        GUARDIANSHIP_ENDED, "guardian", SIGN_ROUTED, 403, "no_legal_authority", by="guardian",
    ),
    Scenario(
        "a legal guardian whose order starts tomorrow cannot sign yet",
        GUARDIANSHIP_TOMORROW, "guardian", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "another relative in the legal guardian's household cannot sign",
        GUARDIANSHIP, "aunt", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "a provider records a paper consent the legal guardian signed",
        GUARDIANSHIP, PROVIDER, ATTEST, 201, by="guardian", basis=AuthorityBasis.LEGAL_GUARDIAN,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    # A teen mother.
    Scenario(
        "a minor parent signs for her infant",
        TEEN_PARENT, "teen", GRANT, 201, basis=AuthorityBasis.MINOR_PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a minor parent asks a provider for help for her infant",
        TEEN_PARENT, "teen", ASK, 201, basis=AuthorityBasis.MINOR_PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    # Parents, joint custody.
    Scenario(
        "a parent signs a consent",
        JOINT_CUSTODY, "mother", GRANT, 201, purposes=EVERY_PURPOSE, basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, CARE, CONSENT), ("father", None, GUARDIAN)),
    ),
    Scenario(
        "one of two joint-custody parents revokes the other's consent and the provider's access ends",
        JOINT_CUSTODY, "father", REVOKE, 200, by="mother", purposes=EVERY_PURPOSE,
        basis=AuthorityBasis.PARENT, sees=((PROVIDER, None, None), ("mother", None, GUARDIAN)),
    ),
    Scenario(
        "a parent revokes the consent she gave herself",
        JOINT_CUSTODY, "mother", REVOKE, 200, by="mother", basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a parent revokes the consent a legal guardian gave",
        GUARDIAN_AND_MOTHER, "mother", REVOKE, 200, by="guardian", basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a parent declines a consent request",
        JOINT_CUSTODY, "father", DECLINE, 200, basis=AuthorityBasis.PARENT, sees=((PROVIDER, None, None),),

    ),
    Scenario(
        "a parent signs a consent request",
        JOINT_CUSTODY, "father", SIGN_REQUEST, 200, purposes=("referral", "care_coordination"),
        basis=AuthorityBasis.PARENT, sees=((PROVIDER, CARE, CONSENT),),
    ),
    Scenario(
        "a parent asks a provider for help",
        JOINT_CUSTODY, "mother", ASK, 201, basis=AuthorityBasis.PARENT, sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a parent asks the care coordinators for help",
        JOINT_CUSTODY, "mother", ASK_QUEUE, 201, basis=AuthorityBasis.PARENT, sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "the other parent signs the request a coordinator routed",
        JOINT_CUSTODY, "father", SIGN_ROUTED, 200, by="mother", basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a provider records a paper consent a parent signed",
        JOINT_CUSTODY, PROVIDER, ATTEST, 201, by="father", basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),), told=("mother", "father"),
    ),
    Scenario(
        "a provider reads the child under the consent a parent gave",
        JOINT_CUSTODY, PROVIDER, READ, 200, by="mother", sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a provider cannot read the child for a purpose the delegated consent does not cover",
        FOSTER_DELEGATED, PROVIDER, READ, 404, "not_found", by="foster", purposes=CARE, given=REFERRAL,
        sees=((PROVIDER, CARE, None), (PROVIDER, REFERRAL, CONSENT)),
    ),
    Scenario(
        "a parent whose authority starts next week cannot sign",
        ADOPTION_PENDING, "adoptive", GRANT, 403, "no_legal_authority",
    ),
    Scenario(
        "a parent whose authority starts next week cannot revoke",
        ADOPTION_PENDING, "adoptive", REVOKE, 403, "no_legal_authority", by="mother",
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    # Court orders restricting a parent.
    Scenario(
        "a parent under no_information gets 404 on the child",
        NO_INFORMATION, "father", READ, 404, "not_found",
        sees=(("father", None, None), ("mother", None, GUARDIAN)),
    ),
    Scenario(
        "a parent under no_information does not find the child in the list",
        NO_INFORMATION, "father", LIST, 200, listed=False, sees=(("father", None, None),),
    ),
    Scenario(
        "a parent under no_information cannot sign",
        NO_INFORMATION, "father", GRANT, 404, "not_found", sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a parent under no_information cannot revoke the other parent's consent",
        NO_INFORMATION, "father", REVOKE, 404, "not_found", by="mother",
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a parent under no_information cannot decline a consent request",
        NO_INFORMATION, "father", DECLINE, 404, "not_found",
    ),
    Scenario(
        "a parent under no_information cannot ask for help for the child",
        NO_INFORMATION, "father", ASK, 404, "not_found", sees=((PROVIDER, None, None),),
    ),
    Scenario(
        "a parent under no_information gets no notice when a provider asks the family to share",
        NO_INFORMATION, ASKER, REQUEST, 201, told=("mother",), quiet=("father",),
    ),
    Scenario(
        "a parent under no_information gets no notice when a provider records a paper consent",
        NO_INFORMATION, PROVIDER, ATTEST, 201, by="mother", basis=AuthorityBasis.PARENT, told=("mother",),
        quiet=("father",),
    ),
    Scenario(
        "a provider cannot record a paper consent in the name of a parent under no_information",
        NO_INFORMATION, PROVIDER, ATTEST, 403, "no_legal_authority", by="father", quiet=("father",),
    ),
    Scenario(
        "a parent whose no_information restriction ended yesterday sees the child again",
        NO_INFORMATION_ENDED, "father", READ, 200, sees=(("father", None, GUARDIAN),),
    ),
    Scenario(
        "a parent whose no_information restriction ended yesterday signs",
        NO_INFORMATION_ENDED, "father", GRANT, 201, basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a parent under a no_information order that starts tomorrow still sees the child today",
        NO_INFORMATION_FROM_TOMORROW, "father", READ, 200, sees=(("father", None, GUARDIAN),),
    ),
    Scenario(
        "a parent under no_contact gets no notice when a provider asks the family to share",
        NO_CONTACT, ASKER, REQUEST, 201, told=("mother",), quiet=("father",),
    ),
    Scenario(
        "a parent under no_contact still holds authority and signs",
        NO_CONTACT, "father", GRANT, 201, basis=AuthorityBasis.PARENT, sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    Scenario(
        "a parent whose address is confidential signs",
        ADDRESS_CONFIDENTIAL, "mother", GRANT, 201, basis=AuthorityBasis.PARENT,
        sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
    # Authority ends now (custody moves): the consents no one with authority stands
    # behind end like a revocation, and whoever holds authority now is asked.
    Scenario(
        "custody moves to the agency: the mother's authority ends and her consent with it; the caseworker is asked",
        {"mother": MOTHER, "caseworker": CASEWORKER}, RECORDER, END, 200, by="mother",
        sees=((PROVIDER, None, None), ("mother", None, GUARDIAN)), told=("caseworker",), quiet=("mother",),
    ),
    Scenario(
        "the agency withdraws a foster parent's delegation: the referral consent she gave ends",
        FOSTER_DELEGATED, RECORDER, END, 200, by="foster",
        sees=((PROVIDER, None, None),), told=("caseworker",), quiet=("foster",),
    ),
    Scenario(
        "a mother who is also the legal guardian: her guardianship ends, her consent stands on her parenthood",
        {"mother": Member(Relationship.MOTHER, basis=AuthorityBasis.LEGAL_GUARDIAN)}, RECORDER, END, 200,
        by="mother", sees=((PROVIDER, REFERRAL, CONSENT),), quiet=("mother",),
    ),
    Scenario(
        "a parent cannot end another parent's authority (only a recorder can)",
        JOINT_CUSTODY, "father", END, 404, "not_found", by="mother", sees=((PROVIDER, REFERRAL, CONSENT),),
    ),
)
# fmt: on


# --- what each action needs first, and the request that does it ------------------------


def expires_on() -> str:
    return (timezone.localdate() + datetime.timedelta(days=90)).isoformat()


def given_consent(s: Scenario, world: World) -> int:
    """The consent a household member gave (through the service, as the portal does)."""
    giver = world.people[s.by or s.actor]
    return consent_grant(
        actor=giver.user,
        child_id=world.child.pk,
        recipient_provider_id=world.provider.pk,
        purposes=list(s.given or s.purposes),
        data_categories=["demographics"],
        expires_on=timezone.localdate() + datetime.timedelta(days=90),
        password=PASSWORD,
    ).pk


def cover_asker(world: World) -> None:
    """The asking provider already works with the child under a consent."""
    ConsentFactory(
        child=world.child,
        granted_by=next(iter(world.people.values())),
        recipient_provider=world.asker,
        **scope(EVERY_PURPOSE, ["demographics"]),
    )


def asked_to_share(s: Scenario, world: World) -> int:
    """A pending consent request: the asking provider asks the family to share with the
    provider, for the row's purposes."""
    cover_asker(world)
    return consent_requests.consent_request_create(
        actor=world.asker.user,
        child_id=world.child.pk,
        provider_id=world.provider.pk,
        purposes=list(s.purposes),
        data_categories=["demographics"],
    ).pk


def routed_request(s: Scenario, world: World) -> int:
    """A request for help a household member made last week (``by``), which a care
    coordinator has just routed to the provider: waiting for the family's signature."""
    request = FamilyRequest.objects.create(
        child=world.child,
        requested_by=world.user(s.by or s.actor),
        via_coordinator=True,
        concern="He does not sleep.",
        contact_method="email",
        email="family@example.test",
    )
    coordinator = UserFactory()
    coordinator.groups.add(Group.objects.get_or_create(name=COORDINATOR_GROUP)[0])
    family_request_route(actor=coordinator, request_id=request.pk, to_provider_id=world.provider.pk)
    return request.pk


def ended_authority(s: Scenario, world: World) -> int:
    """``by`` gave a consent; the authority a recorder then ends is ``by``'s recorded one
    (an order, a delegation) or, having none, their parent authority."""
    given_consent(s, world)
    held = Authority.objects.filter(holder=world.people[s.by or ""], child=world.child)
    recorded = held.exclude(basis=AuthorityBasis.PARENT).first()
    return (recorded or held.get()).pk


def invited(s: Scenario, world: World) -> None:
    """The provider invited the family (only then may it record a paper consent)."""
    Invitation.objects.create(
        family=world.child.family,
        child=world.child,
        email="family@example.test",
        invited_by=world.provider,
        token_hash=uuid.uuid4().hex,
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


SETUP: dict[str, Callable[[Scenario, World], int | None]] = {
    READ: lambda s, w: given_consent(s, w) if s.actor == PROVIDER else None,
    LIST: lambda s, w: None,
    GRANT: lambda s, w: None,
    ATTEST: lambda s, w: invited(s, w),
    REVOKE: given_consent,
    REQUEST: lambda s, w: cover_asker(w),
    DECLINE: asked_to_share,
    SIGN_REQUEST: asked_to_share,
    ASK: lambda s, w: None,
    ASK_QUEUE: lambda s, w: None,
    SIGN_ROUTED: routed_request,
    END: lambda s, w: ended_authority(s, w),
}


def ask_body(world: World, provider: Provider | None) -> dict[str, Any]:
    return {
        "child": world.child.pk,
        "provider": provider.pk if provider else None,
        "concern": "She cries every night.",
        "preferred_language": "en",
        "contact_method": "email",
        "best_times": "",
        "password": PASSWORD,
    }


def scope_body(s: Scenario) -> dict[str, Any]:
    return {"purposes": list(s.purposes), "data_categories": ["demographics"], "expires_on": expires_on()}


ACT: dict[str, Callable[[APIClient, Scenario, World], Response]] = {
    READ: lambda c, s, w: c.get(f"/api/v1/children/{w.child.pk}/", {"purpose": s.purposes[0]}),
    LIST: lambda c, s, w: c.get("/api/v1/children/"),
    GRANT: lambda c, s, w: c.post(
        "/api/v1/consents/",
        {"child": w.child.pk, "recipient_provider": w.provider.pk, "password": PASSWORD, **scope_body(s)},
        format="json",
    ),
    ATTEST: lambda c, s, w: c.post(
        "/api/v1/consents/attested/",
        {
            "child": w.child.pk,
            "guardian": w.people[s.by or ""].pk,
            "signature_method": "provider_attested_paper",
            "paper_form_reference": "SCAN-0026",
            **scope_body(s),
        },
        format="json",
    ),
    REVOKE: lambda c, s, w: c.post(f"/api/v1/consents/{w.target}/revoke/", {}, format="json"),
    REQUEST: lambda c, s, w: c.post(
        "/api/v1/consent-requests/",
        {"child": w.child.pk, "provider": w.provider.pk, "note": "", **scope_body(s)},
        format="json",
    ),
    DECLINE: lambda c, s, w: c.post(f"/api/v1/consent-requests/{w.target}/decline/", {}, format="json"),
    SIGN_REQUEST: lambda c, s, w: c.post(
        f"/api/v1/consent-requests/{w.target}/sign/", {"password": PASSWORD}, format="json"
    ),
    ASK: lambda c, s, w: c.post("/api/v1/requests/", ask_body(w, w.provider), format="json"),
    ASK_QUEUE: lambda c, s, w: c.post("/api/v1/requests/", ask_body(w, None), format="json"),
    SIGN_ROUTED: lambda c, s, w: c.post(
        f"/api/v1/requests/{w.target}/sign/", {"password": PASSWORD}, format="json"
    ),
    END: lambda c, s, w: c.post(
        f"/api/v1/authorities/{w.target}/end/", {"note": "Custody moved to the agency"}, format="json"
    ),
}


# --- the checks ---------------------------------------------------------------------


def last_audit_row() -> int:
    return AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def notices(user: User) -> int:
    return OutboxMessage.objects.filter(recipient=user).count()


def check_access_log(s: Scenario, world: World, user: User, written: range) -> None:
    """Who acted, the outcome, and for an allowed consent action the authority it rests
    on; a refusal is a denied attempt (with its code, for a write). ``written``: the
    ids of the rows the action wrote."""
    rows = AuditEvent.objects.filter(pk__gt=written.start, pk__lt=written.stop, actor=user, child=world.child)
    if s.status >= 400:
        denied = rows.filter(outcome=Outcome.DENIED)
        assert denied.exists(), f"no denied row for {user} in {list(rows.values('detail', 'outcome'))}"
        if s.action != READ:
            assert any(d.startswith(f"{s.code}:") for d in denied.values_list("detail", flat=True)), list(
                denied.values_list("detail", flat=True)
            )
        return
    if s.listed is False:
        assert not rows.exists(), "a child kept from the reader is not logged as shown to them"
        return
    allowed = rows.filter(outcome=Outcome.ALLOWED)
    assert allowed.exists(), f"no allowed row for {user}"
    if s.basis:
        holder = world.people[s.by if s.action == ATTEST else s.actor]
        authority = Authority.objects.get(holder=holder, child=world.child, basis=s.basis)
        details = list(allowed.values_list("detail", flat=True))
        assert any(f"basis={s.basis}" in d and f"authority={authority.pk}" in d for d in details), details
    if s.action == READ and s.actor == PROVIDER:
        assert allowed.filter(consent_id__isnull=False).exists(), "a provider's read names its consent"


def check_sight(world: World, sight: Sight) -> None:
    """The decision point and the children API agree on what ``who`` sees now."""
    who, purposes, relation = sight
    user = world.user(who)
    for purpose in purposes or (None,):
        answer = decide(user, child_id=world.child.pk, purpose=purpose, categories="demographics")
        assert (answer.allowed, answer.relation) == (relation is not None, relation), (who, purpose)
        client = APIClient()
        client.force_authenticate(user)
        read = client.get(f"/api/v1/children/{world.child.pk}/", {"purpose": purpose} if purpose else {})
        assert read.status_code == (200 if relation else 404), (who, purpose, read.json())


GIVING = frozenset({GRANT, ATTEST, SIGN_REQUEST, ASK, SIGN_ROUTED})


def implied_sights(s: Scenario) -> tuple[Sight, ...]:
    """What every row of its kind implies at the decision point, besides its ``sees``: a
    consent given reaches the provider for its purposes, a refused one nowhere; a
    revocation ends the provider's access, a refused one leaves it; a decline gives
    nothing; a read's answer is the reader's relation."""
    done = s.status < 400
    if s.action in GIVING:
        return ((PROVIDER, s.purposes, CONSENT) if done else (PROVIDER, None, None),)
    if s.action == REVOKE:
        return ((PROVIDER, None, None) if done else (PROVIDER, s.given or s.purposes, CONSENT),)
    if s.action == DECLINE:
        return ((PROVIDER, None, None),)
    if s.action == READ:
        relation = CONSENT if s.actor == PROVIDER else GUARDIAN
        return ((s.actor, s.purposes if s.actor == PROVIDER else None, relation if done else None),)
    if s.action == LIST:
        return ((s.actor, None, GUARDIAN if s.listed else None),)
    return ()  # END: each row says what the provider sees afterwards


def check_notices(s: Scenario, world: World, before: dict[str, int]) -> None:
    for name in s.told:
        assert notices(world.user(name)) > before[name], f"{name} was not told"
    for name in s.quiet:
        assert notices(world.user(name)) == before[name], f"{name} was told about the child"


# --- the table ----------------------------------------------------------------------


def row(s: Scenario) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=s.bug)] if s.bug else []
    return pytest.param(s, id=s.says, marks=marks)


def test_the_table_has_forty_scenarios_or_more() -> None:
    assert len(SCENARIOS) >= 40
    assert len({s.says for s in SCENARIOS}) == len(SCENARIOS), "each row says something new"


@pytest.mark.parametrize("s", [row(s) for s in SCENARIOS])
def test_who_may_consent(s: Scenario, api_client: APIClient) -> None:
    world = household(s.household)
    world.target = SETUP[s.action](s, world)
    user = world.user(s.actor)
    before = {name: notices(world.user(name)) for name in (*s.told, *s.quiet)}
    first_row = last_audit_row()

    api_client.force_authenticate(user)
    response = ACT[s.action](api_client, s, world)

    written = range(first_row, last_audit_row() + 1)
    body = response.json()
    assert (response.status_code, body.get("code")) == (s.status, s.code), body
    if s.listed is not None:
        assert (world.child.pk in [c["id"] for c in body["results"]]) is s.listed
    check_notices(s, world, before)
    for sight in (*implied_sights(s), *s.sees):
        check_sight(world, sight)
    check_access_log(s, world, user, written)
