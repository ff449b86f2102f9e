"""An IDOR walk over every endorsement endpoint that takes an application id: as every
signed-in stranger (guardians, other providers, an unassigned reviewer, another
applicant) and anonymously. Nobody reads another provider's application, and foreign
writes change nothing (status, timeline, references, assignments)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from endorsement.models import Application
from endorsement.services import application_create

pytestmark = pytest.mark.django_db

READS = ["/api/v1/endorsement/applications/{pk}/", "/endorsement/applications/{pk}/"]
WRITES = [
    ("/api/v1/endorsement/applications/{pk}/submit/", {"attest_ethics": True}),
    ("/api/v1/endorsement/applications/{pk}/withdraw/", {}),
    ("/api/v1/endorsement/applications/{pk}/references/", {"name": "Mallory", "email": "m@example.test"}),
    ("/api/v1/endorsement/applications/{pk}/assign/", {"reviewers": [1, 2]}),
    ("/api/v1/endorsement/applications/{pk}/review/", {"decision": "approve"}),
    ("/endorsement/applications/{pk}/submit/", {"attest_ethics": "on"}),
    ("/endorsement/applications/{pk}/references/", {"name": "Mallory", "email": "m@example.test"}),
    ("/endorsement/applications/{pk}/review/", {"decision": "approve"}),
]


def state(pk: int) -> tuple:
    app = Application.objects.get(pk=pk)
    return (
        app.status,
        app.round,
        app.events.count(),
        app.references.count(),
        app.assignments.count(),
    )


@pytest.fixture
def walk_world(demo):
    """The educator's submitted application and a draft of the pediatrician's."""
    draft = application_create(actor=demo["users"]["pediatrician"], category="infant_family_associate")
    return demo, {"educator": demo["endorsement"]["application"].pk, "pediatrician": draft.pk}


@pytest.mark.parametrize(
    "who, foreign",
    [
        ("guardian", ["educator", "pediatrician"]),
        ("guardian2", ["educator", "pediatrician"]),
        ("outsider", ["educator", "pediatrician"]),
        ("reviewer", ["educator", "pediatrician"]),
        ("pediatrician", ["educator"]),
        ("educator", ["pediatrician"]),
        ("anonymous", ["educator", "pediatrician"]),
    ],
)
def test_nobody_reads_or_changes_another_providers_application(walk_world, who, foreign):
    world, apps = walk_world
    client = APIClient()
    if who != "anonymous":
        client.force_login(world["users"][who])
    before = {key: state(apps[key]) for key in foreign}
    for key in foreign:
        pk = apps[key]
        for url in READS:
            response = client.get(url.format(pk=pk))
            assert response.status_code in (302, 403, 404), (who, url)
            assert world["providers"][key].name not in response.content.decode()
        for url, data in WRITES:
            response = client.post(url.format(pk=pk), data, format="json")
            assert response.status_code in (302, 403, 404), (who, url, response.status_code)
    listed = client.get("/api/v1/endorsement/applications/")
    if listed.status_code == 200:
        assert not {r["id"] for r in listed.json()["results"]} & {apps[k] for k in foreign}
    assert {key: state(apps[key]) for key in foreign} == before


def test_an_assigned_reviewer_sees_the_application_and_the_applicant_does_not_see_reviewer_names(walk_world):
    world, apps = walk_world
    curator = APIClient()
    curator.force_login(world["users"]["curator"])
    reviewers = [world["users"]["reviewer"].pk, world["users"]["reviewer2"].pk]
    url = f"/api/v1/endorsement/applications/{apps['educator']}/"
    assert curator.post(url + "assign/", {"reviewers": reviewers}, format="json").status_code == 200
    reviewer = APIClient()
    reviewer.force_login(world["users"]["reviewer"])
    assert reviewer.get(url).status_code == 200
    assert apps["educator"] in {
        r["id"] for r in reviewer.get("/api/v1/endorsement/applications/").json()["results"]
    }
    applicant = APIClient()
    applicant.force_login(world["users"]["educator"])
    assert all(r["reviewer"] is None for r in applicant.get(url).json()["reviews"])


ENDORSEMENT_NOTICE_KINDS = {
    "endorsement.application.submitted",
    "endorsement.reference.received",
    "endorsement.application.more_info",
    "endorsement.application.decided",
    "endorsement.renewal.due",
    "endorsement.renewal.lapsed",
    "endorsement.review.assigned",
    "endorsement.review.second_needed",
}


def test_the_walk_knows_every_endorsement_notice_kind():
    from endorsement.notices import STEPS

    assert set(STEPS) == ENDORSEMENT_NOTICE_KINDS, "a new endorsement notice kind joins this walk"


def test_nobody_opens_or_follows_another_persons_endorsement_notices(
    walk_world, django_capture_on_commit_callbacks
):
    """The educator's application is assigned and decided once by a reviewer: the
    educator and both reviewers hold notices. Strangers cannot open them, their links
    lead strangers nowhere, and the notice list shows each person only their own."""
    from outbox.models import OutboxMessage

    world, apps = walk_world
    users = world["users"]
    pk = apps["educator"]
    office = APIClient()
    office.force_login(users["curator"])
    with django_capture_on_commit_callbacks(execute=True):
        office.post(
            f"/api/v1/endorsement/applications/{pk}/assign/",
            {"reviewers": [users["reviewer"].pk, users["reviewer2"].pk]},
            format="json",
        )
        first = APIClient()
        first.force_login(users["reviewer"])
        first.post(f"/api/v1/endorsement/applications/{pk}/review/", {"decision": "hold"}, format="json")
    notices = list(OutboxMessage.objects.filter(channel="in_app", kind__in=ENDORSEMENT_NOTICE_KINDS))
    assert {n.kind for n in notices} == {"endorsement.review.assigned", "endorsement.review.second_needed"}
    for who in ("guardian", "outsider", "pediatrician", "educator", "anonymous"):
        client = APIClient()
        if who != "anonymous":
            client.force_login(users[who])
        for notice in notices:
            if notice.recipient_id == getattr(users.get(who), "pk", None):
                continue
            assert client.get(f"/notices/{notice.pk}/").status_code in (302, 404), (who, notice.kind)
            link = notice.payload["url"]
            if who != "educator":  # the applicant's own application
                assert client.get(link).status_code in (302, 403, 404), (who, link)
        listed = client.get("/api/v1/notices/")
        if listed.status_code == 200:
            assert not {r["id"] for r in listed.json()["results"]} & {n.pk for n in notices}


def test_only_curators_verify_a_revoked_endorsement_again(walk_world):
    from directory.models import Endorsement

    world, _ = walk_world
    revoked = Endorsement.objects.get(status="revoked", provider=world["providers"]["outsider"])
    for who in ("guardian", "outsider", "pediatrician", "reviewer", "anonymous"):
        client = APIClient()
        if who != "anonymous":
            client.force_login(world["users"][who])
        body = {"note": "mine again", "confirm": True}
        assert (
            client.post(
                f"/api/v1/curation/endorsements/{revoked.pk}/verify/", body, format="json"
            ).status_code
            == 403
        )
        page = client.post(
            f"/curate/endorsements/{revoked.pk}/reverify/", {"note": "x", "confirm": "reverify"}
        )
        assert page.status_code in (302, 403), who
    revoked.refresh_from_db()
    assert revoked.status == "revoked"
