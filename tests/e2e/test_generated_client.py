"""A client developer's first hour: generate a Python client from ``/api/schema/`` with
``openapi-python-client`` and run a referral from send to completion with it. The
generated models parse every response strictly (required keys, enums, envelopes), so a
schema that documents something the server does not send fails here."""

from __future__ import annotations

import datetime
import importlib
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-2026"
PACKAGE = "referral_hub_client"


def _generate(base_url: str, where: Path):  # type: ignore[no-untyped-def]
    schema = where / "openapi.json"
    with urllib.request.urlopen(f"{base_url}/api/schema/?format=json", timeout=30) as response:  # noqa: S310
        schema.write_bytes(response.read())
    config = where / "config.yaml"
    config.write_text(f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n")
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("openapi-python-client")),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(where / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    sys.path.insert(0, str(where))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(where))


def _module(name: str):  # type: ignore[no-untyped-def]
    return importlib.import_module(f"{PACKAGE}.{name}")


@pytest.fixture
def generated(tmp_path):  # type: ignore[no-untyped-def]
    yield lambda url: _generate(url, tmp_path)
    for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_a_generated_client_runs_a_referral_from_send_to_completion(live_server_factory, generated):
    server = live_server_factory()
    client_package = generated(server.url)
    api = lambda name: _module(f"api.api.{name}")  # noqa: E731
    models = _module("models")

    def signed_in(username: str):  # type: ignore[no-untyped-def]
        anonymous = client_package.Client(base_url=server.url, raise_on_unexpected_status=True)
        token = api("api_v1_auth_token_create").sync(
            client=anonymous, body=models.TokenInputRequest(username=username, password=PASSWORD)
        )
        assert isinstance(token, models.TokenOutput), token
        return client_package.AuthenticatedClient(
            base_url=server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
        )

    maya = signed_in("pediatrician")  # Dr. Maya Chen, pediatrician
    sam = signed_in("slp")  # Samuel Okafor, speech-language pathologist

    # Maya finds Mateo's case and Samuel among the recipients, and sends the referral.
    cases = api("api_v1_cases_list").sync(client=maya)
    assert isinstance(cases, models.PaginatedCaseOutputList), cases
    mateo = next(case.child for case in cases.results if case.child.name.startswith("Mateo"))
    recipients = api("api_v1_referrals_recipients_list").sync(client=maya, q="Okafor")
    samuel = next(r for r in recipients if r.name == "Samuel Okafor")
    sent = api("api_v1_referrals_create").sync(
        client=maya,
        body=models.ReferralCreateInputRequest(
            child=mateo.id,
            to_provider=samuel.id,
            reason="Few words at 20 months; the family asked for a speech evaluation.",
            urgency=models.UrgencyEnum.SOON,
            concern_type=models.ConcernTypeEnum.SPEECH_LANGUAGE,
        ),
    )
    assert isinstance(sent, models.ReferralDetailOutput), sent
    assert sent.status == models.ReferralStatusEnum.SENT

    # Samuel sees it in his inbox, accepts, schedules and completes it.
    inbox = api("api_v1_referrals_list").sync(client=sam, box=models.ApiV1ReferralsListBox.INBOX)
    assert isinstance(inbox, models.PaginatedReferralListOutputList), inbox
    assert sent.id in [r.id for r in inbox.results]
    accepted = api("api_v1_referrals_accept_create").sync(
        sent.id, client=sam, body=models.NoteInputRequest(note="We can see Mateo next week.")
    )
    assert accepted.status == models.ReferralStatusEnum.ACCEPTED
    appointment = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=7)).replace(microsecond=0)
    scheduled = api("api_v1_referrals_schedule_create").sync(
        sent.id, client=sam, body=models.ScheduleInputRequest(appointment_at=appointment)
    )
    assert scheduled.status == models.ReferralStatusEnum.SCHEDULED
    assert scheduled.appointment_at == appointment
    completed = api("api_v1_referrals_complete_create").sync(
        sent.id,
        client=sam,
        body=models.CompleteInputRequest(
            outcome=models.OutcomeEnum.CONNECTED, note="Weekly speech sessions."
        ),
    )
    assert completed.status == models.ReferralStatusEnum.COMPLETED

    # Maya reads the outcome: the loop is closed.
    outcome = api("api_v1_referrals_retrieve").sync(sent.id, client=maya)
    assert isinstance(outcome, models.ReferralDetailOutput), outcome
    assert outcome.status == models.ReferralStatusEnum.COMPLETED
    assert outcome.outcome == "connected"
    assert outcome.outcome_note == "Weekly speech sessions."
    assert [event.to_status for event in outcome.timeline] == ["sent", "accepted", "scheduled", "completed"]


def test_the_same_client_reads_the_directory_and_a_familys_consents(live_server_factory, generated):
    """Conditional fields and typed enums as a client sees them: ``distance_miles`` only
    with ``near``; consent ``status`` and ``data_categories`` as named enums."""
    server = live_server_factory()
    client_package = generated(server.url)
    api = lambda name: _module(f"api.api.{name}")  # noqa: E731
    models = _module("models")
    types = _module("types")
    public = client_package.Client(base_url=server.url, raise_on_unexpected_status=True)

    near = api("providers_search").sync(client=public, near="48104", page_size=5)
    assert isinstance(near, models.PaginatedProviderOutputList), near
    assert near.count >= 1 and near.results
    # A listing that visits families at home publishes no distance to its base (null).
    assert all(isinstance(p.distance_miles, float) or p.visits_home_here for p in near.results)
    listing = api("providers_search").sync(client=public, q="Okafor")
    assert [p.name for p in listing.results] == ["Samuel Okafor"]
    assert isinstance(listing.results[0].distance_miles, types.Unset)
    detail = api("providers_detail").sync(listing.results[0].id, client=public)
    assert isinstance(detail, models.ProviderDetailOutput), detail
    assert isinstance(detail.email, str)

    token = api("api_v1_auth_token_create").sync(
        client=public, body=models.TokenInputRequest(username="guardian", password=PASSWORD)
    )
    rosa = client_package.AuthenticatedClient(
        base_url=server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )
    consents = api("api_v1_consents_list").sync(client=rosa)
    assert isinstance(consents, models.PaginatedConsentOutputList), consents
    assert consents.count == len(consents.results) >= 5
    statuses = {consent.status for consent in consents.results}
    assert statuses <= set(models.ConsentStatusEnum) and models.ConsentStatusEnum.ACTIVE in statuses
    shared = {category for consent in consents.results for category in consent.data_categories}
    assert models.DataCategoryEnum.DEMOGRAPHICS in shared
