"""What apps above directory add to its writes, from their ``AppConfig.ready()``
(directory imports none of them).

- ``register_claim_listener(fn)``: ``fn(provider_id=, user_id=)`` runs inside the
  transaction that approves a listing claim, once the listing belongs to the account
  (referrals: the account now sees the referrals sent to the listing before it had one,
  e.g. by e-mailed link to a partner without an account).
- ``register_hsds_services(name, export=, lookup=)``: more HSDS ``service`` objects for
  the HSDS export (``export_hsds``) and ``/hsds/services/{id}`` (groups: its groups and
  events, with ``schedules``). ``export()`` yields whole services; ``lookup(id)`` gives
  one by its id, or None when the id is not one of that app's; ``count()`` and
  ``page(start, stop)`` add them (list shape) after the listings on the unfiltered
  ``/hsds/services`` pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

ClaimListener = Callable[..., None]

_claim_listeners: dict[str, ClaimListener] = {}


def register_claim_listener(name: str, fn: ClaimListener) -> None:
    """Register (or replace: ``ready()`` may run twice) a listener by name."""
    _claim_listeners[name] = fn


def listing_claimed(*, provider_id: int, user_id: int) -> None:
    for fn in _claim_listeners.values():
        fn(provider_id=provider_id, user_id=user_id)


HsdsService = dict[str, Any]


class HsdsSource:
    def __init__(
        self,
        export: Callable[[], Iterable[HsdsService]],
        lookup: Callable[[str], HsdsService | None],
        count: Callable[[], int],
        page: Callable[[int, int], list[HsdsService]],
    ) -> None:
        self.export = export
        self.lookup = lookup
        self.count = count
        self.page = page


_hsds_sources: dict[str, HsdsSource] = {}


def register_hsds_services(
    name: str,
    *,
    export: Callable[[], Iterable[HsdsService]],
    lookup: Callable[[str], HsdsService | None],
    count: Callable[[], int],
    page: Callable[[int, int], list[HsdsService]],
) -> None:
    """Register (or replace) a source of more HSDS services by name: ``export()`` the
    fully nested services, ``lookup(id)`` one of them, ``count()`` how many and
    ``page(start, stop)`` a slice of them in the list shape (one-to-one fields)."""
    _hsds_sources[name] = HsdsSource(export, lookup, count, page)


class MoreHsdsServices:
    """The registered sources' services in the list shape, as one countable, sliceable
    sequence (source by source, in registration order) for the ``/hsds/services`` pages."""

    def __init__(self) -> None:
        self._counts = [(source, source.count()) for source in _hsds_sources.values()]

    def count(self) -> int:
        return sum(n for _, n in self._counts)

    def slice(self, start: int, stop: int) -> list[HsdsService]:
        out: list[HsdsService] = []
        offset = 0
        for source, n in self._counts:
            low, high = max(start - offset, 0), min(stop - offset, n)
            if low < high:
                out += source.page(low, high)
            offset += n
        return out


def more_hsds_services() -> Iterable[HsdsService]:
    """Every registered source's services, source by source."""
    for source in _hsds_sources.values():
        yield from source.export()


def hsds_service_lookup(service_id: str) -> HsdsService | None:
    """The service ``service_id`` from a registered source, or None."""
    for source in _hsds_sources.values():
        found = source.lookup(service_id)
        if found is not None:
            return found
    return None
