"""Extension points of the access log. audit is a low layer and imports no domain app;
the apps that know the answers register them here from their ``AppConfig.ready``.

- ``register_own_visit``: "is this user one of this child's own family?" (``families``).
  Asked once, when a row is written; the answer is stored in the row (``own_visit``,
  covered by its MAC), never recomputed when the log is read. A guardian row inserted
  later therefore cannot fold anyone's earlier reads into "the family's own visits".
- ``register_verifier``: a check ``manage.py verify_audit`` runs after the access log's
  own (``messaging`` checks that every message body and revision carries its MAC). It
  returns the first problem in words, or "" when intact.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import User

OwnVisit = Callable[[User, int], bool]
Verifier = Callable[[], str]

_own_visit: list[OwnVisit] = []
_verifiers: dict[str, Verifier] = {}


def register_own_visit(decider: OwnVisit) -> None:
    """Replaces any earlier decider (Django may call ``ready()`` twice in tests)."""
    _own_visit[:] = [decider]


def is_own_visit(user: User | None, child_id: int | None) -> bool:
    """Whether ``user`` is of ``child_id``'s own family, asked when the row is written.
    No registered decider (or no user, or no child): not an own visit."""
    if user is None or child_id is None or not _own_visit:
        return False
    return _own_visit[0](user, child_id)


def register_verifier(name: str, verifier: Verifier) -> None:
    """Re-registering a name replaces it."""
    _verifiers[name] = verifier


def verifiers() -> dict[str, Verifier]:
    return dict(_verifiers)
