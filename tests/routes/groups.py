"""Groups and events, family pages (issue 28): the search and a group's page are public;
registering is open to anyone (signed in: one click; without an account: a form, and the
walk's JSON body is no form: 400); a registration's page and its cancel answer 404 to
everyone but the account that registered (or the browser that registered without one)."""

from __future__ import annotations

from typing import Any

from groups.models import Group, Registration
from tests.routes import Route, everyone


def _group(w: dict[str, Any]) -> Group:
    group: Group = w["groups"]["spanish_parents"]
    return group


def _group_id(w: dict[str, Any]) -> dict[str, int]:
    return {"group_id": _group(w).pk}


def _guardians_registration(w: dict[str, Any]) -> dict[str, int]:
    return {"registration_id": w["group_registrations"]["guardian"].pk}


def _link_of_anonymous(w: dict[str, Any]) -> dict[str, str]:
    from django.core import signing

    from groups.links import SALT

    registration = Registration.objects.create(
        group=_group(w), name="A family without an account", email="family@example.test"
    )
    return {"token": signing.dumps(registration.pk, salt=SALT, compress=True)}


ROUTES = [
    Route("group-search", everyone(200)),
    Route(
        "group-search",
        everyone(200),
        query="near=48104&language=es&age_months=14",
        label="get-group-search-near",
    ),
    Route("group-page", everyone(200), kwargs=_group_id),
    Route(
        "group-register",
        {**everyone(302), "anonymous": 400},
        method="post",
        kwargs=_group_id,
        data=lambda w: {},
    ),
    Route("group-registration", {**everyone(404), "guardian": 200}, kwargs=_guardians_registration),
    Route(
        "group-registration-cancel",
        {**everyone(404), "guardian": 302},
        method="post",
        kwargs=_guardians_registration,
        data=lambda w: {},
    ),
    # The e-mailed link of a registration made without an account: anyone holding it may
    # see and cancel that registration (a forged or altered token: 404, in
    # tests/groups/test_notices.py).
    Route("group-registration-link", everyone(302), kwargs=_link_of_anonymous),
    Route(
        "group-registration-link",
        everyone(404),
        kwargs=lambda w: {"token": "forged:token"},
        label="get-group-registration-link-forged",
    ),
    Route("group-my-registrations", {**everyone(200), "anonymous": 302}),
]
