"""Endorsement routes. The demo application belongs to the educator (not a role here),
so every role but the curator gets 404 for it; the provider roles (pediatrician,
outsider) keep their own logs; verification, references and FHIR are public."""

from tests.routes import Route, everyone

PROVIDERS_ONLY = {**everyone(403), "team_provider": 200, "outsider": 200}
PROVIDERS_CREATE = {**everyone(403), "team_provider": 201, "outsider": 201}
SIGNED_IN = {**everyone(200), "anonymous": 403}
CURATOR_SEES = {**everyone(404), "anonymous": 403, "curator": 200}
# The applicant's own actions on the educator's application: the curator may see it
# but not act for the applicant.
OWNER_ONLY = {**everyone(404), "anonymous": 403, "curator": 403}
CURATOR_ONLY = {**everyone(403), "curator": 200}

PAGE_PROVIDERS = {**everyone(403), "anonymous": 302, "team_provider": 200, "outsider": 200}
PAGE_CURATOR = {**everyone(403), "anonymous": 302, "curator": 200}
FORM_PROVIDERS = {**everyone(403), "anonymous": 302, "team_provider": 302, "outsider": 302}
PAGE_APP = {**everyone(404), "anonymous": 302, "curator": 200}
PAGE_APP_OWNER = {**everyone(404), "anonymous": 302, "curator": 403}


def _app(world) -> dict:
    return {"pk": world["endorsement"]["application"].pk}


def _token(world) -> dict:
    return {"token": world["endorsement"]["reference_token"]}


def _reviewers(world) -> dict:
    return {"reviewers": [world["users"]["reviewer"].pk, world["users"]["reviewer2"].pk]}


def _training(world) -> dict:
    return {"title": "Route inventory", "completed_on": "2026-01-05", "hours": "2"}


def _rsc(world) -> dict:
    return {
        "consultant": world["providers"]["imh_clinician"].pk,
        "started_on": "2026-01-01",
        "ended_on": "2026-01-31",
        "hours": "4",
    }


# Someone else's entry (the educator's): providers get one not-found, others 403.
NOT_MINE = {**everyone(403), "team_provider": 404, "outsider": 404}
PAGE_NOT_MINE = {**NOT_MINE, "anonymous": 302}


def _entry(kind: str):
    return lambda world: {"pk": world["endorsement"][kind].pk}


def _page_entry(kind: str):
    return lambda world: {"kind": kind, "pk": world["endorsement"][kind].pk}


def _education(world) -> dict:
    return {"degree": "MSW", "field": "Social work", "institution": "U", "completed_on": "2020-05-01"}


def _work(world) -> dict:
    return {"role": "Home visitor", "employer": "Agency", "started_on": "2020-01-01", "ended_on": None}


def _entry_routes() -> list[Route]:
    routes = []
    for kind, body in (("training", _training), ("rsc", _rsc), ("education", _education), ("work", _work)):
        api = f"api-endorsement-{kind}-entry"
        routes += [
            Route(api, NOT_MINE, method="patch", kwargs=_entry(kind), data=body, label=f"patch-{kind}"),
            Route(api, NOT_MINE, method="delete", kwargs=_entry(kind), label=f"delete-{kind}"),
            Route(
                "endorsement-entry-edit",
                PAGE_NOT_MINE,
                kwargs=_page_entry(kind),
                label=f"get-edit-{kind}-page",
            ),
            Route(
                "endorsement-entry-delete",
                PAGE_NOT_MINE,
                method="post",
                kwargs=_page_entry(kind),
                data=lambda w: {},
                label=f"post-delete-{kind}-page",
            ),
        ]
    return routes


ROUTES = [
    *_entry_routes(),
    Route(
        "endorsement-entry-edit",
        PAGE_NOT_MINE,
        method="post",
        kwargs=_page_entry("training"),
        data=_training,
        label="post-edit-training-page",
    ),
    Route("endorsement-education-add", FORM_PROVIDERS, method="post", data=_education),
    Route("endorsement-work-add", FORM_PROVIDERS, method="post", data=_work),
    Route("api-endorsement-education", PROVIDERS_ONLY),
    Route(
        "api-endorsement-education", PROVIDERS_CREATE, method="post", data=_education, label="post-education"
    ),
    Route("api-endorsement-work", PROVIDERS_ONLY),
    Route("api-endorsement-work", PROVIDERS_CREATE, method="post", data=_work, label="post-work"),
    Route("endorsement-portfolio", PAGE_PROVIDERS),
    Route("endorsement-training-add", FORM_PROVIDERS, method="post", data=_training),
    Route("endorsement-rsc-add", FORM_PROVIDERS, method="post", data=_rsc),
    Route("endorsement-apply", FORM_PROVIDERS, method="post", data=lambda w: {}),
    Route("endorsement-application", PAGE_APP, kwargs=_app),
    Route("endorsement-submit", PAGE_APP_OWNER, method="post", kwargs=_app, data=lambda w: {}),
    Route("endorsement-reference-add", PAGE_APP_OWNER, method="post", kwargs=_app, data=lambda w: {}),
    Route(
        "endorsement-assign",
        {**everyone(403), "anonymous": 302, "curator": 302},
        method="post",
        kwargs=_app,
        data=lambda w: {},
    ),
    # No decision in the body: the page answers again with the reason beside the field (400).
    Route("endorsement-review", {**PAGE_APP, "curator": 400}, method="post", kwargs=_app, data=lambda w: {}),
    Route("endorsement-curate", PAGE_CURATOR),
    Route(
        "endorsement-reinstate",
        {**everyone(403), "anonymous": 302, "curator": 302},
        method="post",
        kwargs=lambda w: {"endorsement_id": w["endorsement"]["renewal_endorsement"].pk},
        data=lambda w: {},
    ),
    Route("endorsement-document-upload", FORM_PROVIDERS, method="post", data=lambda w: {}),
    Route(
        "endorsement-letter",
        {**everyone(404), "anonymous": 302, "curator": 200},
        kwargs=lambda w: {"endorsement_id": w["providers"]["imh_clinician"].endorsements.get().pk},
    ),
    Route("endorsement-reviews", {**everyone(403), "anonymous": 302}),
    Route(
        "endorsement-exam-score",
        {**everyone(403), "anonymous": 302},
        method="post",
        kwargs=lambda w: {"exam_code": "EX-DEMO0001"},
        data=lambda w: {},
    ),
    Route("endorsement-reference-answer", everyone(200), kwargs=_token),
    Route(
        "endorsement-reference-answer",
        everyone(404),
        kwargs=lambda w: {"token": "not-a-token"},
        label="get-reference-unknown",
    ),
    Route("verify", everyone(200)),
    Route("verify", everyone(200), query="credential=MI-IMH-2041", label="get-verify-known"),
    Route("verify", everyone(404), query="credential=MI-NOPE-1", label="get-verify-unknown"),
    Route("api-endorsement-training", PROVIDERS_ONLY),
    Route("api-endorsement-training", PROVIDERS_CREATE, method="post", data=_training, label="post-training"),
    Route("api-endorsement-rsc", PROVIDERS_ONLY),
    Route("api-endorsement-rsc", PROVIDERS_CREATE, method="post", data=_rsc, label="post-rsc"),
    Route("api-endorsement-applications", SIGNED_IN),
    Route(
        "api-endorsement-applications",
        PROVIDERS_CREATE,
        method="post",
        data=lambda w: {"category": "infant_family_associate"},
        label="post-application",
    ),
    Route("api-endorsement-application", CURATOR_SEES, kwargs=_app),
    Route(
        "api-endorsement-submit",
        OWNER_ONLY,
        method="post",
        kwargs=_app,
        data=lambda w: {"attest_ethics": True},
    ),
    Route("api-endorsement-withdraw", OWNER_ONLY, method="post", kwargs=_app, data=lambda w: {}),
    Route(
        "api-endorsement-references",
        OWNER_ONLY,
        method="post",
        kwargs=_app,
        data=lambda w: {"name": "R", "email": "r@example.test"},
    ),
    Route("api-endorsement-assign", CURATOR_ONLY, method="post", kwargs=_app, data=_reviewers),
    Route(
        "api-endorsement-review",
        {**CURATOR_SEES, "curator": 403},
        method="post",
        kwargs=_app,
        data=lambda w: {"decision": "hold"},
    ),
    Route("api-endorsement-renewal", PROVIDERS_ONLY),
    Route("api-endorsement-exam", OWNER_ONLY, method="post", kwargs=_app, data=lambda w: {"answers": "A"}),
    Route("api-endorsement-exams", SIGNED_IN),
    Route(
        "api-endorsement-exam-score",
        {**everyone(404), "anonymous": 403},
        method="post",
        kwargs=lambda w: {"exam_code": "EX-DEMO0001"},
        data=lambda w: {"score": 80},
    ),
    Route("api-endorsement-documents", PROVIDERS_ONLY),
    Route(
        "api-endorsement-documents",
        {**everyone(403), "team_provider": 415, "outsider": 415},
        method="post",
        data=lambda w: {},
        label="post-documents-as-json",
    ),
    # Reads by owner, reviewer and curator are in tests/endorsement/test_documents.py.
    Route("api-endorsement-document", {**everyone(404), "anonymous": 403}, kwargs=lambda w: {"pk": 999999}),
    Route("api-verify", everyone(200), kwargs=lambda w: {"credential_number": "MI-IMH-2041"}),
    Route(
        "api-verify",
        everyone(404),
        kwargs=lambda w: {"credential_number": "MI-NOPE-1"},
        label="get-api-verify-unknown",
    ),
    Route(
        "fhir-practitioner",
        everyone(200),
        kwargs=lambda w: {"provider_id": w["providers"]["imh_clinician"].pk},
    ),
    Route(
        "fhir-verificationresult",
        everyone(200),
        kwargs=lambda w: {"endorsement_id": w["providers"]["imh_clinician"].endorsements.get().pk},
    ),
]
