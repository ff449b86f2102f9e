"""The access log in a family's words: who (name and role), what they did, which
information, why, when, and whether it was refused. Audit rows store codes
(``view``/``case_message``/``care_coordination``); no code reaches a family's page:
a code this table does not know reads as "information"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from audit.models import AuditEvent, Outcome
from consent.models import DataCategory, Purpose
from consent.texts import SHORT_PURPOSES

# The role an audit row's label names for a partner acting from a link: "<name> (partner_link)".
PARTNER_LINK_ROLE = "partner_link"

ROLES: dict[str, Promise] = {
    "provider": gettext_lazy("care provider"),
    "guardian": gettext_lazy("parent or guardian"),
    "curator": gettext_lazy("directory staff"),
    "coordinator": gettext_lazy("care coordinator"),
    "reviewer": gettext_lazy("endorsement reviewer"),
    "network_lead": gettext_lazy("network staff"),
    "user": gettext_lazy("account holder"),
    # A recipient without an account, acting from a link it was e-mailed (issue 27).
    PARTNER_LINK_ROLE: gettext_lazy("partner without an account"),
}
# Past-tense verbs of the access log, in their own context: the same English word
# elsewhere ("Sent" as a status) is translated differently.
ACTIONS: dict[str, Promise] = {
    "view": pgettext_lazy("access log action", "Viewed"),
    "create": pgettext_lazy("access log action", "Created"),
    "update": pgettext_lazy("access log action", "Changed"),
    "disclose": pgettext_lazy("access log action", "Shared"),
    "export": pgettext_lazy("access log action", "Exported"),
    "message": pgettext_lazy("access log action", "Sent"),
}
THINGS: dict[str, Promise] = {
    "portal": gettext_lazy("the family page"),
    "child": gettext_lazy("the child's record"),
    "consent": gettext_lazy("a consent"),
    "consent_form": gettext_lazy("the form to share information"),
    "consent_request": gettext_lazy("a request to share information"),
    "access_log": gettext_lazy("this list of who has seen the information"),
    "audit_log": gettext_lazy("the access records"),
    "case": gettext_lazy("the care team's page"),
    "case_message": gettext_lazy("a message to the care team"),
    "chat": gettext_lazy("the care team's chat"),
    "referral": gettext_lazy("a referral"),
    "screening": gettext_lazy("a screening"),
    "family_request": gettext_lazy("a request for help"),
    "partner_link": gettext_lazy("a referral link sent to a partner"),
    "request": gettext_lazy("a request for help"),
    "fhir_consent": gettext_lazy("a consent (electronic copy)"),
    "invitation": gettext_lazy("the family's invitation"),
    "provider_children": gettext_lazy("their list of children"),
    "authority": gettext_lazy("who may consent for the child"),
    "restriction": gettext_lazy("a court order about the household"),
    "authority_search": gettext_lazy("a search for the child, to record a court order"),
}
INFORMATION = gettext_lazy("information")


@dataclass(frozen=True)
class AccessEntry:
    at: datetime.datetime
    who: str
    role: str
    what: str
    information: str
    why: str
    refused: bool
    own: bool


def split_label(label: str) -> tuple[str, list[str]]:
    """``"Lucia Romero (provider,reviewer)"`` -> ("Lucia Romero", ["provider", "reviewer"])."""
    if label.endswith(")") and " (" in label:
        name, roles = label[:-1].rsplit(" (", 1)
        return name, [r for r in roles.split(",") if r]
    return label, []


def plain_role(roles: list[str]) -> str:
    words = [str(ROLES[r]) for r in roles if r in ROLES]
    return ", ".join(words) if words else str(ROLES["user"])


def plain_category(code: str) -> str:
    return str(DataCategory(code).label) if code in DataCategory.values else ""


def plain_purposes(codes: str) -> str:
    """``"referral,messaging"`` -> "to make a referral, to message the care team"."""
    return ", ".join(str(SHORT_PURPOSES[Purpose(c)]) for c in codes.split(",") if c in Purpose.values)


def entry(row: AuditEvent, *, viewer_id: int | None) -> AccessEntry:
    name, roles = split_label(row.actor_label)
    if row.actor_id is None and roles == [PARTNER_LINK_ROLE]:
        who, role = _("%(name)s, by link") % {"name": name}, plain_role(roles)
    elif row.actor_id is None:
        who, role = _("Someone not signed in"), ""
    elif row.actor_id == viewer_id:
        who, role = _("You"), plain_role(roles)
    else:
        who, role = name, plain_role(roles)
    what = _("%(action)s %(thing)s") % {
        "action": ACTIONS.get(row.action, ACTIONS["view"]),
        "thing": THINGS.get(row.object_type, INFORMATION),
    }
    return AccessEntry(
        at=row.at,
        who=who,
        role=role,
        what=what,
        information=plain_category(row.data_category),
        why=plain_purposes(row.purpose),
        refused=row.outcome == Outcome.DENIED,
        own=row.own_visit,
    )
