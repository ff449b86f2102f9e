"""A consented care team on a case, built directly (cases and teams belong to the
referrals app; chat tests only need the rows)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from cases.models import CareTeamMember, Case, TeamRole
from consent.models import Consent
from directory.models import Provider
from families.models import Child, Guardian
from messaging.models import Message
from tests.factories.consent import ConsentFactory, scope
from tests.factories.directory import ProviderFactory
from tests.factories.families import ChildFactory, GuardianFactory


@dataclass
class Team:
    case: Case
    child: Child
    guardian: Guardian
    providers: list[Provider]
    consents: dict[int, Consent] = field(default_factory=dict)

    @property
    def users(self):  # type: ignore[no-untyped-def]
        return [p.user for p in self.providers]


def add_member(
    team: Team, provider: Provider | None = None, *, consent: bool = True, **consent_scope
) -> Provider:  # type: ignore[no-untyped-def]
    provider = provider or ProviderFactory()
    CareTeamMember.objects.create(
        case=team.case, provider=provider, user=provider.user, role=TeamRole.RECIPIENT
    )
    if consent:
        team.consents[provider.pk] = ConsentFactory(
            child=team.child,
            granted_by=team.guardian,
            recipient_provider=provider,
            **(consent_scope or scope(["messaging", "care_coordination"], ["case_notes"])),
        )
    team.providers.append(provider)
    return provider


def care_team(size: int = 2) -> Team:
    """A case for a new child with ``size`` providers, each a current member covered by
    a consent for messaging about case notes."""
    guardian = GuardianFactory()
    child = ChildFactory(family=guardian.family)
    team = Team(case=Case.objects.create(child=child), child=child, guardian=guardian, providers=[])
    for _ in range(size):
        add_member(team)
    return team


def stored_message(team: Team, author_index: int = 0, body: str = "Hello team") -> Message:
    from messaging.services import message_send

    return message_send(
        actor=team.users[author_index], case_id=team.case.pk, body=body, client_msg_id=uuid.uuid4()
    ).message
