"""Referrals, cases, FHIR and the provider/family pages: the answer per role.
``team_provider`` is the pediatrician, who referred Mateo to the IMH clinician (the
demo's scheduled referral): referrer, so recipient-only actions are 403 for them."""

from tests.routes import Route, everyone


def _signed_in(status: int, anonymous: int = 403) -> dict[str, int]:
    return {**everyone(status), "anonymous": anonymous}


# Visible to the child's guardian and the referrer; 404 (never 403) for everyone else.
DETAIL = {
    "anonymous": 403,
    "guardian": 200,
    "guardian2": 404,
    "team_provider": 200,
    "outsider": 404,
    "curator": 404,
}
# Recipient-only transitions on the referrer's referral.
RECIPIENT_ONLY = {**DETAIL, "guardian": 403, "team_provider": 403}
PROVIDER_PAGE = {
    "anonymous": 302,
    "guardian": 403,
    "guardian2": 403,
    "team_provider": 200,
    "outsider": 200,
    "curator": 403,
}
PAGE_DETAIL = {**DETAIL, "anonymous": 302}


def _scheduled(w):
    return {"pk": w["referrals"]["scheduled"].pk}


def _completed(w):
    return {"pk": w["referrals"]["completed"].pk}


def _new_referral(w):
    return {
        "child": w["children"]["mateo"].pk,
        "to_provider": w["providers"]["slp"].pk,
        "reason": "Route inventory referral.",
        "screenings": [
            {"instrument": "asq_se_2", "administered_on": "2026-11-01", "interval_months": 18, "total": 70}
        ],
    }


ROUTES = [
    Route("api-referral-list", _signed_in(200)),
    Route(
        "api-referral-list",
        {
            "anonymous": 403,
            "guardian": 403,
            "guardian2": 403,
            "team_provider": 201,
            "outsider": 403,
            "curator": 403,
        },
        method="post",
        data=_new_referral,
        label="POST-api-referral-list",
    ),
    Route("api-referral-list", _signed_in(200), query="box=inbox&status=sent,received", label="GET-inbox"),
    Route("api-referral-counts", _signed_in(200)),
    Route("api-referral-recipients", _signed_in(200), query="q=romero"),
    Route(
        "api-referral-screening-validate",
        _signed_in(200),
        method="post",
        data=lambda w: {"instrument": "mchat_r_f", "administered_on": "2026-11-01", "total": 4},
    ),
    Route("api-referral-detail", DETAIL, kwargs=_scheduled),
    Route("api-referral-accept", RECIPIENT_ONLY, method="post", kwargs=_scheduled, data=lambda w: {}),
    Route(
        "api-referral-decline",
        RECIPIENT_ONLY,
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"decline_reason": "no_capacity"},
    ),
    Route(
        "api-referral-schedule",
        RECIPIENT_ONLY,
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"appointment_at": "2030-12-01T15:00:00Z"},
    ),
    Route(
        "api-referral-reschedule",
        RECIPIENT_ONLY,
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"appointment_at": "2030-12-02T15:00:00Z", "reason": "Clinic closed."},
    ),
    Route(
        "api-referral-complete",
        RECIPIENT_ONLY,
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"outcome": "connected"},
    ),
    Route(
        "api-referral-cancel",
        {**DETAIL, "guardian": 403},
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"reason": "Family moved."},
    ),
    # The family's own "was your need met?" on the demo's completed referral.
    Route(
        "api-referral-family-needs-met",
        {**DETAIL, "team_provider": 404},
        method="post",
        kwargs=_completed,
        data=lambda w: {"needs_met": "partly", "barriers": ["waitlist"]},
    ),
    Route("api-case-list", _signed_in(200)),
    Route("api-case-detail", DETAIL, kwargs=lambda w: {"pk": w["cases"]["mateo"].pk}),
    Route("fhir-servicerequest", DETAIL, kwargs=_scheduled),
    Route("fhir-task", DETAIL, kwargs=_scheduled),
    Route("referrals-dashboard", PROVIDER_PAGE),
    Route("referral-new", PROVIDER_PAGE),
    Route("referral-page", PAGE_DETAIL, kwargs=_scheduled),
    Route(
        "referral-action",
        {**PAGE_DETAIL, "guardian": 302, "team_provider": 302},
        method="post",
        kwargs=lambda w: {"pk": w["referrals"]["scheduled"].pk, "verb": "cancel"},
        data=lambda w: {},
    ),
    Route("case-page", PAGE_DETAIL, kwargs=lambda w: {"pk": w["cases"]["mateo"].pk}),
    Route(
        "portal-referral-needs-met",
        {**PAGE_DETAIL, "guardian": 302, "team_provider": 404},
        method="post",
        kwargs=_completed,
        data=lambda w: {"needs_met": "met"},
    ),
    Route(
        "portal-referrals",
        {
            "anonymous": 302,
            "guardian": 200,
            "guardian2": 200,
            "team_provider": 403,
            "outsider": 403,
            "curator": 403,
        },
    ),
    # The family's next steps (issue 27): the referrer (team_provider) and the guardian read
    # them; the referrer adds; only the family marks one done; everyone else: the 404.
    Route("api-referral-steps", DETAIL, kwargs=_scheduled),
    Route(
        "api-referral-steps",
        {**DETAIL, "guardian": 403, "team_provider": 201},
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"kind": "general-information", "text_en": "Bring the insurance card."},
        label="POST-api-referral-steps",
    ),
    Route(
        "api-referral-step-done",
        {**DETAIL, "team_provider": 403},
        method="post",
        kwargs=lambda w: {
            "pk": w["referrals"]["scheduled"].pk,
            "step_pk": w["steps"]["general-information"].pk,
        },
        data=lambda w: {},
    ),
    Route("fhir-task-step", DETAIL, kwargs=lambda w: {"pk": w["steps"]["complete-questionnaire"].pk}),
    # A referral id no one has: 404 for everyone signed in (tests/referrals/test_next_steps.py
    # reads a real one); a part-of that is not a Task: 400.
    Route("fhir-task-search", _signed_in(404), query="part-of=Task/999999999"),
    Route("fhir-task-search", _signed_in(400), query="part-of=Patient/1", label="GET-fhir-task-search-bad"),
    # The walk posts JSON, which a page's form does not read: the referral page again, 400
    # (tests/referrals/test_next_steps.py posts the form).
    Route(
        "referral-step-add",
        {**PAGE_DETAIL, "guardian": 400, "team_provider": 400},
        method="post",
        kwargs=_scheduled,
        data=lambda w: {"kind": "make-contact", "text_en": "Call the clinic."},
    ),
    Route(
        "portal-step-done",
        {**PAGE_DETAIL, "guardian": 302, "team_provider": 403},
        method="post",
        kwargs=lambda w: {"pk": w["steps"]["general-information"].pk},
        data=lambda w: {"done": "true"},
    ),
    # A recipient without an account, from its e-mailed link (issue 27): no sign-in, the
    # token is the credential, so every role gets the same answer.
    Route("partner-link", everyone(200), kwargs=lambda w: {"token": w["partner_link_token"]}),
    Route(
        "partner-link",
        everyone(404),
        kwargs=lambda w: {"token": "not-a-token"},
        label="get-partner-link-altered",
    ),
    Route(
        "partner-link",
        everyone(400),
        method="post",
        kwargs=lambda w: {"token": w["partner_link_token"]},
        data=lambda w: {},
        label="post-partner-link-no-action",
    ),
]
