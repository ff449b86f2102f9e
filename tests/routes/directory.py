"""Directory routes: public pages and API for everyone; curation for curators only."""

from tests.routes import Route, everyone


def _imh(world) -> dict:
    return {"provider_id": world["providers"]["imh_clinician"].pk}


def _pending_endorsement(world) -> dict:
    from directory.models import Endorsement

    return {"endorsement_id": Endorsement.objects.get(provider=world["providers"]["educator"]).pk}


def _revoked_endorsement(world) -> dict:
    from directory.models import Endorsement

    return {
        "endorsement_id": Endorsement.objects.get(
            status="revoked", provider=world["providers"]["outsider"]
        ).pk
    }


CURATOR_ONLY_PAGE = {**everyone(403), "anonymous": 302, "curator": 200}
CURATOR_ONLY_POST = {**everyone(403), "anonymous": 302, "curator": 302}

ROUTES = [
    Route("home", everyone(200)),
    Route(
        "home", everyone(200), query="near=48104&discipline=mental_health_clinician", label="get-home-search"
    ),
    Route("home", everyone(400), query="near=nowhere", label="get-home-bad-input"),
    Route("provider-page", everyone(200), kwargs=_imh),
    Route("curate", CURATOR_ONLY_PAGE),
    Route("curate-endorsement-verify", CURATOR_ONLY_POST, method="post", kwargs=_pending_endorsement),
    Route("curate-endorsement-revoke", CURATOR_ONLY_PAGE, kwargs=_pending_endorsement),
    # Without a reason and the confirmation the page answers again and nothing changes.
    Route(
        "curate-endorsement-revoke",
        {**CURATOR_ONLY_POST, "curator": 400},
        method="post",
        kwargs=_pending_endorsement,
        label="POST-curate-endorsement-revoke",
    ),
    # Verifying a revoked endorsement again: a page with a reason and a confirmation.
    Route("curate-endorsement-reverify", CURATOR_ONLY_PAGE, kwargs=_revoked_endorsement),
    Route(
        "curate-endorsement-reverify",
        {**CURATOR_ONLY_POST, "curator": 400},
        method="post",
        kwargs=_revoked_endorsement,
        label="POST-curate-endorsement-reverify-without-reason",
    ),
    Route(
        "api-curation-endorsement-verify",
        {**everyone(403), "curator": 400},
        method="post",
        kwargs=_revoked_endorsement,
        data=lambda w: {"note": "Appeal upheld"},
        label="post-api-reverify-unconfirmed",
    ),
    Route(
        "api-curation-endorsement-verify",
        {**everyone(403), "curator": 200},
        method="post",
        kwargs=_pending_endorsement,
        data=lambda w: {},
        label="post-api-verify-pending",
    ),
    # Provider sign-up (then claim a listing): open to anyone; a JSON post is an empty form.
    Route("provider-signup", everyone(200)),
    Route("provider-signup", everyone(400), method="post", label="post-provider-signup-empty"),
    Route(
        "provider-signup-confirm",
        everyone(400),
        kwargs=lambda w: {"uid": "MQ", "token": "not-a-token"},
        label="get-provider-signup-confirm-bad-link",
    ),
    Route("api-provider-list", everyone(200)),
    Route("api-provider-list", everyone(400), query="discipline=wizard", label="get-api-provider-list-bad"),
    Route("api-provider-detail", everyone(200), kwargs=_imh),
    Route("hsds-services", everyone(200)),
    Route(
        "hsds-service",
        everyone(200),
        kwargs=lambda w: {"service_id": str(w["providers"]["imh_clinician"].hsds_id)},
    ),
    Route("hsds-organizations", everyone(200)),
]


# --- listings: capacity, edit/confirm, report, claims, the curators' listing queue -----


def _own(world) -> dict:
    return {"provider_id": world["providers"]["pediatrician"].pk}


def _unclaimed(world) -> dict:
    from directory.models import Provider

    return {"provider_id": Provider.objects.get(name="Willow Family Therapy").pk}


def _pending_claim(world) -> dict:
    from django.contrib.auth.models import User

    from directory.models import ListingClaim, Provider

    user, _ = User.objects.get_or_create(username="claimant", defaults={"email": "claimant@example.org"})
    claim, _ = ListingClaim.objects.get_or_create(
        provider=Provider.objects.get(name="Willow Family Therapy"), user=user, status="pending"
    )
    return {"claim_id": claim.pk}


def _open_flag(world) -> dict:
    from directory.models import ListingFlag

    return {"flag_id": ListingFlag.objects.filter(status="open").order_by("id").first().pk}


EDITOR_PAGE = {**everyone(403), "anonymous": 302, "curator": 200}
OWN_PAGE = {**EDITOR_PAGE, "team_provider": 200}
API_CURATOR = {**everyone(403), "curator": 200}
API_OWN = {**API_CURATOR, "team_provider": 200}
WEB_CURATOR_POST = {**everyone(403), "anonymous": 302, "curator": 302}

ROUTES += [
    Route("listing-edit", EDITOR_PAGE, kwargs=_imh, label="get-listing-edit-someone-elses"),
    Route("listing-edit", OWN_PAGE, kwargs=_own, label="get-listing-edit-own"),
    Route("listing-confirm", {**WEB_CURATOR_POST, "team_provider": 302}, method="post", kwargs=_own),
    Route("listing-report", everyone(200), kwargs=_imh),
    # The inventory posts JSON, so the form arrives empty: 400 naming the reason, nothing saved.
    Route("listing-report", everyone(400), method="post", kwargs=_imh, label="post-listing-report-empty"),
    Route("listing-claim", everyone(302), method="post", kwargs=_unclaimed),
    Route(
        "directory-capacity-quick",
        {**everyone(403), "anonymous": 302, "team_provider": 302, "outsider": 302},
        method="post",
    ),
    Route("listing-queue", EDITOR_PAGE),
    Route("listing-claim-approve", WEB_CURATOR_POST, method="post", kwargs=_pending_claim),
    Route("listing-claim-reject", WEB_CURATOR_POST, method="post", kwargs=_pending_claim),
    Route("listing-flag-resolve", WEB_CURATOR_POST, method="post", kwargs=_open_flag),
    Route(
        "api-provider-capacity",
        API_CURATOR,
        method="put",
        kwargs=_imh,
        data=lambda w: {"capacity": "waitlist", "waitlist_weeks": 4},
        label="put-capacity-someone-elses",
    ),
    Route(
        "api-provider-capacity",
        API_OWN,
        method="put",
        kwargs=_own,
        data=lambda w: {"capacity": "accepting"},
        label="put-capacity-own",
    ),
    Route(
        "api-provider-capacity",
        {**everyone(404), "anonymous": 403},
        method="put",
        kwargs=lambda w: {"provider_id": 999_999_999},
        data=lambda w: {"capacity": "accepting"},
        label="put-capacity-missing",
    ),
    Route(
        "api-provider-capacity",
        {**everyone(403), "curator": 400},
        method="put",
        kwargs=_imh,
        data=lambda w: {"capacity": "waitlist"},
        label="put-capacity-bad-input",
    ),
    Route(
        "api-provider-claim",
        {
            "anonymous": 403,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 409,
            "outsider": 409,
            "curator": 201,
            "network_lead": 201,
            # Routes families to providers: must not become one (not_a_provider_account).
            "coordinator": 403,
        },
        method="post",
        kwargs=_unclaimed,
        data=lambda w: {"note": "I run this practice."},
        label="post-claim-unclaimed",
    ),
    Route(
        "api-provider-claim",
        {**everyone(409), "anonymous": 403, "guardian": 403, "guardian2": 403, "coordinator": 403},
        method="post",
        kwargs=_imh,
        data=lambda w: {},
        label="post-claim-claimed",
    ),
    Route(
        "api-provider-flag",
        everyone(201),
        method="post",
        kwargs=_imh,
        data=lambda w: {"reason": "phone_wrong", "note": "rings out"},
    ),
    Route(
        "api-provider-flag",
        everyone(400),
        method="post",
        kwargs=_imh,
        data=lambda w: {"reason": "bored"},
        label="post-flag-bad-reason",
    ),
    Route("api-listing-queue", API_CURATOR),
    Route("api-listing-claim-approve", API_CURATOR, method="post", kwargs=_pending_claim, data=lambda w: {}),
    Route("api-listing-claim-reject", API_CURATOR, method="post", kwargs=_pending_claim, data=lambda w: {}),
    Route(
        "api-listing-flag-resolve",
        API_CURATOR,
        method="post",
        kwargs=_open_flag,
        data=lambda w: {"note": "Called them; number fixed."},
    ),
]


# --- evidence-based model credentials (issue 28) ----------------------------------------


def _pending_model(world) -> dict:
    from directory.models import ModelCredential

    return {"credential_id": ModelCredential.objects.get(provider=world["providers"]["slp"], code="hanen").pk}


def _imh_model(world) -> dict:
    return {"provider_id": world["providers"]["imh_clinician"].pk, "code": "cos"}


OWN_POST_EMPTY = {**WEB_CURATOR_POST, "curator": 400, "team_provider": 400}

ROUTES += [
    Route("provider-models", EDITOR_PAGE, kwargs=_imh, label="get-provider-models-someone-elses"),
    Route("provider-models", OWN_PAGE, kwargs=_own, label="get-provider-models-own"),
    # The inventory posts JSON, so the form arrives empty: 400 naming the model, nothing saved.
    Route("provider-models", OWN_POST_EMPTY, method="post", kwargs=_own, label="post-provider-models-empty"),
    Route("provider-model-remove", WEB_CURATOR_POST, method="post", kwargs=_imh_model),
    Route("curate-models", CURATOR_ONLY_PAGE),
    Route("curate-model-verify", CURATOR_ONLY_POST, method="post", kwargs=_pending_model),
    # Without a reason the curator is told so (a message) and nothing changes.
    Route("curate-model-reject", CURATOR_ONLY_POST, method="post", kwargs=_pending_model),
    Route("api-provider-models", API_CURATOR, kwargs=_imh, label="get-api-provider-models-someone-elses"),
    Route("api-provider-models", API_OWN, kwargs=_own, label="get-api-provider-models-own"),
    Route(
        "api-provider-models",
        {**everyone(403), "curator": 201, "team_provider": 201},
        method="post",
        kwargs=_own,
        data=lambda w: {"code": "abc", "status": "in_training"},
        label="post-api-provider-models-own",
    ),
    Route(
        "api-provider-models",
        {**everyone(403), "curator": 400},
        method="post",
        kwargs=_imh,
        data=lambda w: {"code": "astrology", "status": "certified"},
        label="post-api-provider-models-bad-code",
    ),
    Route("api-provider-model-remove", {**everyone(403), "curator": 204}, method="delete", kwargs=_imh_model),
    Route("api-curation-models", API_CURATOR),
    Route("api-curation-model-verify", API_CURATOR, method="post", kwargs=_pending_model, data=lambda w: {}),
    Route(
        "api-curation-model-reject",
        API_CURATOR,
        method="post",
        kwargs=_pending_model,
        data=lambda w: {"note": "Not on the Hanen Centre's list."},
    ),
]
