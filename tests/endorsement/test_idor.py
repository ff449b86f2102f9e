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
