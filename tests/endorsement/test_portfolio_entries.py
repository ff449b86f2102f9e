"""The provider corrects the portfolio: training and RSC entries are edited or deleted
while the period they count toward is open (a submitted or approved application locks
them: 409 ``log_entry_locked``), with the same checks as when they were logged;
education and work history are kept, edited and deleted by their owner only, and the
assigned reviewers and curators read them with the application."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from endorsement.models import EducationEntry, RscEntry, TrainingEntry, WorkEntry
from endorsement.services import application_create, application_submit
from tests.endorsement.conftest import as_user, days_ago

pytestmark = pytest.mark.django_db


def log_training(client, **overrides):
    body = {"title": "Attachment", "completed_on": days_ago(3), "hours": "2.5", "domains": ["thinking"]}
    response = client.post("/api/v1/endorsement/training/", {**body, **overrides}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_open_training_entry_is_corrected_and_deleted_with_the_checks_of_logging(applicant):
    me = as_user(applicant.user)
    entry = log_training(me)
    assert entry["locked"] is False
    url = f"/api/v1/endorsement/training/{entry['id']}/"
    fixed = me.patch(url, {"hours": "3", "dei": True}, format="json")
    assert fixed.status_code == 200 and (fixed.json()["hours"], fixed.json()["dei"]) == ("3.00", True)
    assert fixed.json()["title"] == "Attachment", "a partial edit keeps the other fields"
    for bad, field in (({"hours": "0"}, "hours"), ({"completed_on": days_ago(-1)}, "completed_on")):
        refused = me.patch(url, bad, format="json")
        assert refused.status_code == 400 and field in refused.json()["detail"]
    log_training(me, hours="22", completed_on=days_ago(4))
    over = me.patch(url, {"completed_on": days_ago(4)}, format="json")
    assert (over.status_code, over.json()["code"]) == (400, "too_many_hours")
    assert TrainingEntry.objects.get(pk=entry["id"]).hours == 3, "a refused edit changes nothing"
    assert me.delete(url).status_code == 204
    assert not TrainingEntry.objects.filter(pk=entry["id"]).exists()
    assert me.delete(url).status_code == 404


def test_an_rsc_entry_is_corrected_and_a_new_consultant_must_be_eligible(applicant, consultant):
    me = as_user(applicant.user)
    created = me.post(
        "/api/v1/endorsement/rsc/",
        {"consultant": consultant.pk, "started_on": days_ago(30), "ended_on": days_ago(2), "hours": "6"},
        format="json",
    ).json()
    url = f"/api/v1/endorsement/rsc/{created['id']}/"
    assert me.patch(url, {"hours": "8", "format": "group"}, format="json").json()["hours"] == "8.00"
    not_eligible = me.patch(url, {"consultant": applicant.pk}, format="json")
    assert (not_eligible.status_code, not_eligible.json()["code"]) == (400, "consultant_not_eligible")
    backwards = me.patch(url, {"started_on": days_ago(1)}, format="json")
    assert backwards.status_code == 400 and "ended_on" in backwards.json()["detail"]
    assert RscEntry.objects.get(pk=created["id"]).hours == 8
    assert me.delete(url).status_code == 204


def test_a_submitted_application_locks_the_entries_it_counts(applicant, consultant):
    me = as_user(applicant.user)
    entry = log_training(me)
    application = application_create(actor=applicant.user, category="infant_family_associate")
    application_submit(actor=applicant.user, application_id=application.pk, attest_ethics=True)
    url = f"/api/v1/endorsement/training/{entry['id']}/"
    for response in (me.patch(url, {"hours": "1"}, format="json"), me.delete(url)):
        assert (response.status_code, response.json()["code"]) == (409, "log_entry_locked")
    assert TrainingEntry.objects.get(pk=entry["id"]).hours == 2.5
    assert me.get("/api/v1/endorsement/training/").json()["results"][0]["locked"] is True


def test_a_withdrawn_application_unlocks_and_an_approved_one_locks_only_its_period(demo):
    """The demo renewal provider's entries are open (no renewal submitted); the educator's,
    counted by a submitted application, are locked."""
    renewing = as_user(demo["users"]["renewing"])
    mine = renewing.get("/api/v1/endorsement/training/").json()["results"][0]
    assert mine["locked"] is False
    assert (
        renewing.patch(
            f"/api/v1/endorsement/training/{mine['id']}/", {"title": "Renamed"}, format="json"
        ).status_code
        == 200
    )
    educator = as_user(demo["users"]["educator"])
    theirs = educator.get("/api/v1/endorsement/training/").json()["results"][0]
    assert theirs["locked"] is True
    locked = educator.patch(f"/api/v1/endorsement/training/{theirs['id']}/", {"title": "X"}, format="json")
    assert locked.status_code == 409


def test_education_and_work_history_are_kept_and_corrected_by_their_owner(applicant):
    me = as_user(applicant.user)
    degree = me.post(
        "/api/v1/endorsement/education/",
        {
            "degree": "MSW",
            "field": "Social work",
            "institution": "University of Michigan",
            "completed_on": "2015-05-02",
        },
        format="json",
    )
    assert degree.status_code == 201, degree.json()
    future = me.post(
        "/api/v1/endorsement/education/",
        {"degree": "PhD", "field": "Psychology", "institution": "U", "completed_on": days_ago(-30)},
        format="json",
    )
    assert future.status_code == 400 and "completed_on" in future.json()["detail"]
    job = me.post(
        "/api/v1/endorsement/work/",
        {
            "role": "Home visitor",
            "employer": "Early Head Start",
            "started_on": "2016-01-04",
            "ended_on": None,
            "infant_family_focus": "Weekly visits with families of infants.",
        },
        format="json",
    )
    assert job.status_code == 201 and job.json()["ended_on"] is None
    url = f"/api/v1/endorsement/work/{job.json()['id']}/"
    backwards = me.patch(url, {"ended_on": "2015-01-01"}, format="json")
    assert backwards.status_code == 400 and "ended_on" in backwards.json()["detail"]
    assert me.patch(url, {"ended_on": "2020-06-30"}, format="json").json()["ended_on"] == "2020-06-30"
    edu_url = f"/api/v1/endorsement/education/{degree.json()['id']}/"
    assert (
        me.patch(edu_url, {"degree": "MSW, IMH certificate"}, format="json").json()["degree"]
        == "MSW, IMH certificate"
    )
    assert [r["role"] for r in me.get("/api/v1/endorsement/work/").json()["results"]] == ["Home visitor"]
    assert me.delete(edu_url).status_code == 204 and me.delete(url).status_code == 204
    assert not EducationEntry.objects.exists() and not WorkEntry.objects.exists()


def test_portfolio_lists_cost_a_constant_number_of_queries(
    applicant, consultant, django_assert_max_num_queries
):
    me = as_user(applicant.user)
    for i in range(5):
        log_training(me, completed_on=days_ago(10 + i))
        me.post(
            "/api/v1/endorsement/education/",
            {"degree": f"D{i}", "field": "F", "institution": "I", "completed_on": "2015-05-02"},
            format="json",
        )
        me.post(
            "/api/v1/endorsement/work/",
            {"role": f"R{i}", "employer": "E", "started_on": "2016-01-04"},
            format="json",
        )
        me.post(
            "/api/v1/endorsement/rsc/",
            {
                "consultant": consultant.pk,
                "started_on": days_ago(30),
                "ended_on": days_ago(2 + i),
                "hours": "1",
            },
            format="json",
        )
    for path in ("training", "rsc", "education", "work"):
        with django_assert_max_num_queries(8):
            assert me.get(f"/api/v1/endorsement/{path}/").json()["count"] == 5


# --- IDOR walk: nobody but the owner changes an entry; reviewers and curators read the
# --- portfolio only with an application they may see.

ENTRY_KINDS = ("training", "rsc", "education", "work")


def snapshot(world) -> tuple:
    return tuple(
        tuple(type(world["endorsement"][k]).objects.filter(pk=world["endorsement"][k].pk).values_list())
        for k in ENTRY_KINDS
    )


@pytest.mark.parametrize(
    "who", ["guardian", "guardian2", "outsider", "pediatrician", "reviewer", "curator", "anonymous"]
)
def test_nobody_but_the_owner_changes_or_lists_a_portfolio_entry(demo, client, who):
    api = as_user(None if who == "anonymous" else demo["users"][who])
    if who != "anonymous":
        client.force_login(demo["users"][who])
    before = snapshot(demo)
    for kind in ENTRY_KINDS:
        pk = demo["endorsement"][kind].pk
        url = f"/api/v1/endorsement/{kind}/{pk}/"
        assert api.patch(url, {"hours": "1", "degree": "X", "role": "X"}, format="json").status_code in (
            403,
            404,
        )
        assert api.delete(url).status_code in (403, 404)
        for page in (f"/endorsement/{kind}/{pk}/edit/",):
            response = client.get(page)
            assert response.status_code in (302, 403, 404)
        assert client.post(f"/endorsement/{kind}/{pk}/delete/").status_code in (302, 403, 404)
        assert client.post(f"/endorsement/{kind}/{pk}/edit/", {"title": "X"}).status_code in (302, 403, 404)
        listed = api.get(f"/api/v1/endorsement/{kind}/")
        if listed.status_code == 200:
            assert pk not in {r["id"] for r in listed.json()["results"]}
    assert snapshot(demo) == before


def test_assigned_reviewers_and_curators_read_education_and_work_with_the_application(demo, client):
    world = demo
    pk = world["endorsement"]["application"].pk
    url = f"/api/v1/endorsement/applications/{pk}/"
    curator = as_user(world["users"]["curator"])
    body = curator.get(url).json()
    assert [e["degree"] for e in body["education"]] == ["BA"]
    assert body["work"][0]["employer"] == "Detroit Family Services" and body["work"][0]["ended_on"] is None
    reviewer = as_user(world["users"]["reviewer"])
    assert reviewer.get(url).status_code == 404, "not assigned yet"
    curator.post(
        url + "assign/",
        {"reviewers": [world["users"]["reviewer"].pk, world["users"]["reviewer2"].pk]},
        format="json",
    )
    assert reviewer.get(url).json()["work"][0]["role"] == "Early Head Start home visitor"
    client.force_login(world["users"]["reviewer"])
    page = client.get(f"/endorsement/applications/{pk}/")
    assert "Wayne State University" in page.content.decode()


def test_the_portfolio_crud_is_written_once_for_the_four_kinds():
    """One generic service, one viewset and one page view for training, RSC, education
    and work; no per-kind copies beside them."""
    root = Path(__file__).resolve().parents[2] / "endorsement"
    copies = re.compile(
        r"^def (training|rsc|education|work)_(add|edit|delete)\b|"
        r"^class (Training|Rsc|Education|Work)(List|Detail)Api\b",
        re.MULTILINE,
    )
    found = {p.name: copies.findall(p.read_text()) for p in root.glob("*.py")}
    assert not any(found.values()), found
    services_text = (root / "services.py").read_text()
    for name in ("portfolio_entry_add", "portfolio_entry_edit", "portfolio_entry_delete"):
        assert f"def {name}(" in services_text


OTHER_KIND_BODIES = {
    "education": {
        "degree": "MA",
        "field": "Early childhood",
        "institution": "EMU",
        "completed_on": "2012-05-01",
    },
    "work": {"role": "Educator", "employer": "Head Start", "started_on": "2013-01-07", "ended_on": None},
}


@pytest.mark.parametrize("kind", ["training", "rsc", "education", "work"])
def test_each_kind_is_added_corrected_and_deleted_by_its_owner_only(kind, applicant, consultant):
    me, stranger = as_user(applicant.user), as_user(consultant.user)
    bodies = {
        "training": {"title": "Attachment", "completed_on": days_ago(3), "hours": "2"},
        "rsc": {
            "consultant": consultant.pk,
            "started_on": days_ago(9),
            "ended_on": days_ago(2),
            "hours": "4",
        },
        **OTHER_KIND_BODIES,
    }
    created = me.post(f"/api/v1/endorsement/{kind}/", bodies[kind], format="json")
    assert created.status_code == 201, created.json()
    url = f"/api/v1/endorsement/{kind}/{created.json()['id']}/"
    assert me.get(f"/api/v1/endorsement/{kind}/").json()["results"][0]["id"] == created.json()["id"]
    assert stranger.get(f"/api/v1/endorsement/{kind}/").json()["results"] == []
    for response in (stranger.patch(url, {}, format="json"), stranger.delete(url)):
        assert (response.status_code, response.json()["code"]) == (404, "not_found")
    assert me.patch(url, {}, format="json").status_code == 200, "an empty correction changes nothing"
    assert me.delete(url).status_code == 204
    assert me.delete(url).status_code == 404


def test_a_spanish_reader_is_told_in_spanish_that_a_log_was_added(applicant, consultant, client):
    from people.preferences import update_preferences

    update_preferences(applicant.user, preferred_language="es")
    client.force_login(applicant.user)
    training = client.post(
        "/endorsement/training/",
        {"title": "Vínculo", "completed_on": days_ago(2), "hours": "3", "domains": ["thinking"]},
        follow=True,
    )
    assert "Capacitación registrada." in training.content.decode()
    rsc = client.post(
        "/endorsement/rsc/",
        {"consultant": consultant.pk, "started_on": days_ago(9), "ended_on": days_ago(2), "hours": "4"},
        follow=True,
    )
    assert "RSC registrada." in rsc.content.decode()
    assert TrainingEntry.objects.filter(provider=applicant).count() == 1
    assert RscEntry.objects.filter(provider=applicant).count() == 1
