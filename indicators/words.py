"""The words a reader sees for the codes an indicator report holds (the report itself,
its API and its CSV keep the codes: programs read those)."""

from __future__ import annotations

from django.db import models

from directory.models import Discipline
from referrals.models import Barrier, ConcernType, DeclineReason, NeedsMet

KINDS: dict[str, type[models.TextChoices]] = {
    "discipline": Discipline,
    "concern_type": ConcernType,
    "reason": DeclineReason,
    "answer": NeedsMet,
    "barrier": Barrier,
}


# Referral sources: a family's own request has no sending discipline (selectors).
EXTRA = {("discipline", "family"): "A family's own request"}


def word(code: object, kind: str) -> str:
    """The label of ``code`` among the ``kind`` choices; anything else as it is."""
    choices = KINDS.get(kind)
    text = str(code)
    if (kind, text) in EXTRA:
        return EXTRA[(kind, text)]
    if choices is None or text not in choices.values:
        return text
    return str(choices(text).label)
