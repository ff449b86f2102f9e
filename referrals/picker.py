"""The new-referral form's recipient picker with consent in view: who the selected
child's active consents cover (offered first, and the only possible default), who the
family was already asked about, and everyone else the directory search finds (offered
with "ask the family to share with this provider")."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from consent import selectors as consent_selectors
from consent.models import ConsentRequest, ConsentRequestStatus
from consent.policies import referral_cover_by_child
from directory.models import Provider
from people.roles import Actor
from referral_hub.ids import parse_id
from referrals import selectors

RECIPIENT_LIMIT = 100
REQUESTS_SHOWN = 10


@dataclass
class Picker:
    child: Any = None
    covered: list[Provider] = field(default_factory=list)
    others: list[Provider] = field(default_factory=list)
    selected_id: int | None = None
    selected: Provider | None = None
    selected_covered: bool = False
    pending_ids: set[int] = field(default_factory=set)
    coverage: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    requests: list[ConsentRequest] = field(default_factory=list)

    @property
    def coverage_json(self) -> str:
        """Per child: covered provider and organization ids, and providers asked about."""
        return json.dumps(self.coverage, separators=(",", ":"))


def _is_covered(provider: Provider, cover: dict[str, set[int]]) -> bool:
    return provider.pk in cover["providers"] or provider.organization_id in cover["organizations"]


def _requests(actor: Actor, me: Provider, ids: list[int]) -> tuple[list[ConsentRequest], dict[int, set[int]]]:
    """The asker's requests about these children, and per child the providers still awaited."""
    rows = list(consent_selectors.consent_request_list(actor=actor).filter(child_id__in=ids, requested_by=me))
    pending: dict[int, set[int]] = {pk: set() for pk in ids}
    for row in rows:
        if row.status == ConsentRequestStatus.PENDING:
            pending[row.child_id].add(row.provider_id)
    return rows, pending


def _chosen(wanted: int | None, me: Provider, picker: Picker) -> Provider | None:
    """The recipient asked for by id (the form, a notice's link), if it may receive one."""
    if wanted is None or wanted == me.pk:
        return None
    chosen = next((p for p in [*picker.covered, *picker.others] if p.pk == wanted), None)
    if chosen is None:
        chosen = (
            Provider.objects.select_related("organization").filter(selectors.can_receive(), pk=wanted).first()
        )
        if chosen is not None:
            picker.others.insert(0, chosen)
    return chosen


def build(
    *, actor: Actor, me: Provider, children: list[Any], child_id: object, to_provider_id: object
) -> Picker:
    """Everything the picker shows, in a constant number of queries."""
    picker = Picker()
    ids = [c.pk for c in children]
    wanted_child = parse_id(child_id)
    picker.child = next((c for c in children if c.pk == wanted_child), children[0] if children else None)
    cover = referral_cover_by_child(ids)
    requests, pending = _requests(actor, me, ids)
    picker.requests = requests[:REQUESTS_SHOWN]
    picker.coverage = {
        str(pk): {
            "providers": sorted(cover[pk]["providers"]),
            "organizations": sorted(cover[pk]["organizations"]),
            "pending": sorted(pending[pk]),
        }
        for pk in ids
    }
    if picker.child is None:
        return picker
    mine = cover[picker.child.pk]
    picker.pending_ids = pending[picker.child.pk]
    found = list(selectors.recipient_search(q="", exclude_provider_id=me.pk, limit=RECIPIENT_LIMIT))
    picker.covered = list(selectors.covered_recipients(cover=mine, exclude_provider_id=me.pk))
    covered_ids = {p.pk for p in picker.covered}
    picker.others = [p for p in found if p.pk not in covered_ids and not _is_covered(p, mine)]
    # The default is never a provider no consent covers.
    picker.selected = _chosen(parse_id(to_provider_id), me, picker) or next(iter(picker.covered), None)
    if picker.selected is not None:
        picker.selected_id = picker.selected.pk
        picker.selected_covered = _is_covered(picker.selected, mine)
    return picker
