"""Blind exam scoring: a Mental Health Specialist applicant hands in the exam; the two
assigned reviewers see it by code only, each scores once; the mean against the rules'
pass mark is one of the application's requirements."""

from __future__ import annotations

import pytest

from tests.endorsement.conftest import as_user, requirement
from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def specialist_application(applicant, reviewers, curator):
    me = as_user(applicant.user)
    app = me.post(
        "/api/v1/endorsement/applications/", {"category": "infant_mental_health_specialist"}, format="json"
    ).json()
    assert requirement(app, "exam")["required"] == 70.0
    assert (
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/exam/",
            {"answers": "Case study: ..."},
            format="json",
        ).status_code
        == 201
    )
    again = me.post(
        f"/api/v1/endorsement/applications/{app['id']}/exam/", {"answers": "Other"}, format="json"
    )
    assert again.status_code == 409
    me.post(f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json")
    return app


def test_scorers_see_the_exam_code_never_the_applicant(
    specialist_application, reviewers, curator, applicant, client
):
    app = specialist_application
    assert as_user(reviewers[0]).get("/api/v1/endorsement/exams/").json()["count"] == 0, "not assigned yet"
    # Mental Health Specialist: only the Mentor and the Specialist reviewers qualify.
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    listed = as_user(reviewers[0]).get("/api/v1/endorsement/exams/")
    item = listed.json()["results"][0]
    assert set(item) == {"exam_code", "category", "answers", "my_score", "scores_in"}
    assert item["exam_code"] == app["exam_code"] and applicant.name not in listed.content.decode()

    client.force_login(reviewers[0])
    page = client.get("/endorsement/reviews/")
    exams_section = page.content.decode().split("Exams to score")[1]
    assert app["exam_code"] in exams_section and applicant.name not in exams_section


def test_the_mean_of_two_scores_meets_the_pass_mark(specialist_application, reviewers, curator, applicant):
    app = specialist_application
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    url = f"/api/v1/endorsement/exams/{app['exam_code']}/score/"
    assert as_user(reviewers[0]).post(url, {"score": 90}, format="json").status_code == 201
    assert as_user(reviewers[0]).post(url, {"score": 10}, format="json").status_code == 409
    assert as_user(applicant.user).post(url, {"score": 100}, format="json").status_code == 404
    mine = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{app['id']}/").json()
    assert requirement(mine, "exam")["have"] == 0.0, "one score is not a result"
    as_user(reviewers[1]).post(url, {"score": 60}, format="json")
    mine = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{app['id']}/").json()
    assert requirement(mine, "exam") | {} == {**requirement(mine, "exam"), "have": 75.0, "met": True}


def test_reviewers_cannot_link_the_exam_code_to_the_application(specialist_application, reviewers, curator):
    app = specialist_application
    as_user(curator).post(
        f"/api/v1/endorsement/applications/{app['id']}/assign/",
        {"reviewers": [r.pk for r in reviewers]},
        format="json",
    )
    seen = as_user(reviewers[0]).get(f"/api/v1/endorsement/applications/{app['id']}/").json()
    assert seen["exam_code"] is None
    listed = as_user(reviewers[0]).get("/api/v1/endorsement/applications/").json()["results"]
    assert [a["exam_code"] for a in listed] == [None]
    assert (
        as_user(curator).get(f"/api/v1/endorsement/applications/{app['id']}/").json()["exam_code"]
        == app["exam_code"]
    )


def test_the_exam_list_does_not_follow_the_order_of_the_applications(reviewers, curator, client):
    """A reviewer sees the assigned applications (with names) in submission order; were
    the exams listed in that order too, the n-th exam would be the n-th applicant's."""
    from endorsement.models import Application

    submitted = []
    for n in range(4):
        me = as_user(ProviderFactory(name=f"Applicant {n}", discipline="home_visitor").user)
        app = me.post(
            "/api/v1/endorsement/applications/",
            {"category": "infant_mental_health_specialist"},
            format="json",
        ).json()
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/exam/", {"answers": f"Answers {n}"}, format="json"
        )
        me.post(
            f"/api/v1/endorsement/applications/{app['id']}/submit/", {"attest_ethics": True}, format="json"
        )
        as_user(curator).post(
            f"/api/v1/endorsement/applications/{app['id']}/assign/",
            {"reviewers": [r.pk for r in reviewers]},
            format="json",
        )
        submitted.append(app["id"])
    # Random codes may happen to sort like the submissions; give them an order that
    # is neither the submission order nor its reverse.
    for pk, rank in zip(submitted, (2, 0, 3, 1), strict=True):
        Application.objects.filter(pk=pk).update(exam_code=f"EX-{rank:08d}")
    in_submission_order = [f"EX-{rank:08d}" for rank in (2, 0, 3, 1)]
    linkable = (in_submission_order, in_submission_order[::-1])

    listed = as_user(reviewers[0]).get("/api/v1/endorsement/exams/").json()["results"]
    codes = [e["exam_code"] for e in listed]
    assert sorted(codes) == sorted(in_submission_order)
    assert codes not in linkable
    client.force_login(reviewers[0])
    page = client.get("/endorsement/reviews/").content.decode().split("Exams to score")[1]
    on_page = sorted(codes, key=lambda code: page.index(f'id="exam-{code}"'))
    assert on_page not in linkable
