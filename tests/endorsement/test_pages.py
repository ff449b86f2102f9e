"""The endorsement pages as their users see them, and the curator queue's cost: a
constant number of queries however many applications wait."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from endorsement.models import Application
from tests.endorsement.conftest import days_ago
from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db


def login(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def test_a_provider_logs_training_and_opens_an_application_from_the_portfolio(demo, client):
    login(client, "pediatrician")
    page = client.get("/endorsement/")
    assert page.status_code == 200 and "Training log" in page.content.decode()
    logged = client.post(
        "/endorsement/training/",
        {
            "title": "Newborn behavior",
            "completed_on": days_ago(2),
            "hours": "3",
            "domains": ["thinking", "reflection"],
        },
        follow=True,
    )
    assert "Training logged." in logged.content.decode() and "Newborn behavior" in logged.content.decode()
    future = client.post(
        "/endorsement/training/", {"title": "X", "completed_on": days_ago(-3), "hours": "1"}, follow=True
    )
    assert "future" in future.content.decode()
    opened = client.post("/endorsement/apply/", {"category": "infant_family_associate"}, follow=True)
    assert "Requirements" in opened.content.decode() and "training_hours" in opened.content.decode()


def test_the_renewing_provider_sees_progress_bars_and_the_due_date(demo, client):
    login(client, "renewing")
    html = client.get("/endorsement/").content.decode()
    assert (
        "MI-IFS-E000900" in html and "<progress" in html and 'data-renewal-status="current">Current' in html
    )


def test_the_curator_assigns_and_reviewers_approve_through_the_pages(demo, client):
    app = demo["endorsement"]["application"]
    login(client, "curator")
    assert "Jordan Ellis" in client.get("/endorsement/curate/").content.decode()
    page = client.get(f"/endorsement/applications/{app.pk}/").content.decode()
    assert (
        "Renee Castillo" in page
        and "Lucia Romero" not in page.split("Eligible reviewers")[1].split("</fieldset>")[0]
    )
    ids = [demo["users"]["reviewer"].pk, demo["users"]["reviewer2"].pk]
    client.post(f"/endorsement/applications/{app.pk}/assign/", {"reviewers": ids})
    assert Application.objects.get(pk=app.pk).status == "in_review"
    login(client, "reviewer")
    assert "Jordan Ellis" in client.get("/endorsement/reviews/").content.decode()
    client.post(
        f"/endorsement/applications/{app.pk}/review/", {"decision": "hold", "feedback": "Waiting for Kim."}
    )
    login(client, "reviewer2")
    client.post(f"/endorsement/applications/{app.pk}/review/", {"decision": "hold"})
    assert Application.objects.get(pk=app.pk).status == "on_hold"


def test_a_reference_answers_through_the_web_form_once(demo, client):
    url = f"/references/{demo['endorsement']['reference_token']}/"
    assert "Reference for Jordan Ellis" in client.get(url).content.decode()
    done = client.post(url, {"reflection": "5", "thinking": "4", "recommend": "yes", "comments": "Great."})
    assert done.status_code == 200 and "Thank you" in done.content.decode()
    assert client.get(url).status_code == 410


def test_the_curator_queue_costs_the_same_for_3_or_30_applications(
    demo, client, django_assert_max_num_queries
):
    login(client, "curator")
    rule_set = demo["endorsement"]["application"].rule_set

    def add(n):
        for i in range(n):
            provider = ProviderFactory()
            Application.objects.create(
                provider=provider,
                category="infant_family_associate",
                rule_set=rule_set,
                status="submitted",
                exam_code=f"EX-Q{Application.objects.count()}-{i}",
            )

    add(2)
    with django_assert_max_num_queries(14):
        assert client.get("/endorsement/curate/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/endorsement/applications/?status=submitted").json()["count"] == 3
    add(27)
    with django_assert_max_num_queries(14):
        assert client.get("/endorsement/curate/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/endorsement/applications/?status=submitted").json()["count"] == 30
