"""Attendance that feeds endorsement: a provider's attendance at a reflective supervision
group or a training (taken by the facilitator, in the groups app) becomes an RSC or
training entry of their portfolio through ``endorsement.services.record_attendance``.
Such an entry says where it came from, the provider cannot edit or delete it (the
facilitator corrects attendance: ``withdraw_attendance``), and the rules count it like
any other entry, group RSC as group."""

from __future__ import annotations

import datetime
import json
import re
import threading
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from endorsement.models import RscEntry, TrainingEntry
from endorsement.services import (
    application_create,
    application_submit,
    record_attendance,
    rules_load,
    withdraw_attendance,
)
from people.preferences import update_preferences
from referral_hub.errors import ApplicationError
from tests.endorsement.conftest import TODAY, as_user, days_ago, requirement
from tests.factories.directory import ProviderFactory

pytestmark = pytest.mark.django_db
DEFAULT = Path(__file__).resolve().parents[2] / "endorsement" / "rules" / "default.json"


def ago(n: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=n)


def attend_group(provider, consultant, *, ref: str, day: int = 3, hours: str = "1.5"):
    return record_attendance(
        provider,
        kind="rsc",
        source_ref=ref,
        on=ago(day),
        hours=Decimal(hours),
        title="Tuesday reflective supervision group",
        facilitator=consultant,
    )


def attend_training(provider, *, ref: str, day: int = 5, hours: str = "6"):
    return record_attendance(
        provider,
        kind="training",
        source_ref=ref,
        on=ago(day),
        hours=Decimal(hours),
        title="Circle of Security facilitator training",
        facilitator=None,
        facilitator_name="Michigan AIMH",
        domains=["thinking", "reflection"],
    )


# --- recorded once per attendance ------------------------------------------------------


def test_a_session_attended_becomes_one_rsc_entry_however_often_it_is_reported(applicant, consultant):
    entry = attend_group(applicant, consultant, ref="groups.attendance:42")
    assert isinstance(entry, RscEntry)
    assert (entry.started_on, entry.ended_on, entry.hours) == (ago(3), ago(3), Decimal("1.5"))
    assert (entry.format, entry.consultant, entry.source) == ("group", consultant, "attendance")
    assert entry.source_title == "Tuesday reflective supervision group"
    again = record_attendance(
        applicant,
        kind="rsc",
        source_ref="groups.attendance:42",
        on=ago(1),
        hours=Decimal("9"),
        title="Renamed",
        facilitator=consultant,
    )
    assert again.pk == entry.pk and again.hours == Decimal("1.5"), "the same ref returns the entry unchanged"
    assert RscEntry.objects.filter(provider=applicant).count() == 1


def test_a_training_attended_becomes_one_training_entry(applicant):
    entry = attend_training(applicant, ref="groups.attendance:7")
    assert isinstance(entry, TrainingEntry)
    assert (entry.title, entry.provider_org, entry.completed_on) == (
        "Circle of Security facilitator training",
        "Michigan AIMH",
        ago(5),
    )
    assert entry.domains == ["reflection", "thinking"] and entry.source == "attendance"
    assert attend_training(applicant, ref="groups.attendance:7", hours="2").pk == entry.pk
    assert TrainingEntry.objects.filter(provider=applicant).count() == 1
    offered = ProviderFactory(name="Dana Trainer")
    by_provider = record_attendance(
        applicant,
        kind="training",
        source_ref="groups.attendance:8",
        on=ago(6),
        hours=Decimal("3"),
        title="Attachment basics",
        facilitator=offered,
        group=False,
    )
    assert by_provider.provider_org == "Dana Trainer"


def test_individual_rsc_from_attendance_and_the_checks_of_logging(applicant, consultant):
    individual = record_attendance(
        applicant,
        kind="rsc",
        source_ref="groups.attendance:1",
        on=ago(2),
        hours=Decimal("1"),
        title="One-to-one",
        facilitator=consultant,
        group=False,
    )
    assert individual.format == "individual"
    refusals = (
        ({"facilitator": None}, "consultant_not_eligible"),
        ({"facilitator": ProviderFactory()}, "consultant_not_eligible"),
        ({"facilitator": applicant}, "consultant_not_eligible"),
        ({"on": ago(-1)}, "invalid"),
        ({"hours": Decimal("0")}, "invalid"),
    )
    for change, code in refusals:
        arguments = {
            "kind": "rsc",
            "source_ref": "groups.attendance:2",
            "on": ago(2),
            "hours": Decimal("1"),
            "title": "Group",
            "facilitator": consultant,
            **change,
        }
        with pytest.raises(ApplicationError) as refused:
            record_attendance(applicant, **arguments)
        assert refused.value.code == code, change
    with pytest.raises(ApplicationError) as unknown:
        record_attendance(
            applicant,
            kind="training",
            source_ref="groups.attendance:3",
            on=ago(2),
            hours=Decimal("1"),
            title="T",
            facilitator=None,
            domains=["juggling"],
        )
    assert unknown.value.code == "invalid"
    with pytest.raises(ApplicationError) as other_kind:
        attend_training(applicant, ref="groups.attendance:1")
    assert other_kind.value.code == "source_ref_conflict"
    assert RscEntry.objects.filter(provider=applicant).count() == 1
    assert not TrainingEntry.objects.filter(provider=applicant).exists()


# --- locked: the provider cannot change what the facilitator recorded -------------------


def test_the_api_shows_the_source_and_refuses_to_change_an_entry_from_attendance(applicant, consultant):
    me = as_user(applicant.user)
    rsc = attend_group(applicant, consultant, ref="groups.attendance:10")
    training = attend_training(applicant, ref="groups.attendance:11")
    manual = me.post(
        "/api/v1/endorsement/training/",
        {"title": "Typed by hand", "completed_on": days_ago(2), "hours": "1"},
        format="json",
    ).json()
    assert manual["source"] == "manual" and manual["locked"] is False
    listed = {r["id"]: r for r in me.get("/api/v1/endorsement/training/").json()["results"]}
    assert (listed[training.pk]["source"], listed[training.pk]["locked"]) == ("attendance", True)
    rsc_listed = me.get("/api/v1/endorsement/rsc/").json()["results"][0]
    assert (rsc_listed["source"], rsc_listed["locked"], rsc_listed["format"]) == ("attendance", True, "group")
    assert rsc_listed["source_title"] == "Tuesday reflective supervision group"
    for kind, entry in (("rsc", rsc), ("training", training)):
        url = f"/api/v1/endorsement/{kind}/{entry.pk}/"
        for response in (me.patch(url, {"hours": "9"}, format="json"), me.delete(url)):
            assert (response.status_code, response.json()["code"]) == (409, "entry_from_attendance")
    faked = me.patch(f"/api/v1/endorsement/training/{manual['id']}/", {"source": "attendance"}, format="json")
    assert faked.status_code == 200 and faked.json()["source"] == "manual", "source is read-only"
    assert RscEntry.objects.get(pk=rsc.pk).hours == Decimal("1.5")
    assert TrainingEntry.objects.get(pk=training.pk).hours == Decimal("6")


def row(page: str, kind: str, pk: int) -> str:
    found = re.search(rf'<tr id="{kind}-{pk}">.*?</tr>', page, re.DOTALL)
    assert found, f"{kind}-{pk} not on the page"
    return found.group(0)


def test_the_portfolio_page_shows_entries_from_attendance_without_edit_or_delete(
    applicant, consultant, client
):
    rsc = attend_group(applicant, consultant, ref="groups.attendance:20")
    training = attend_training(applicant, ref="groups.attendance:21")
    me = as_user(applicant.user)
    manual = me.post(
        "/api/v1/endorsement/training/",
        {"title": "Typed by hand", "completed_on": days_ago(2), "hours": "1"},
        format="json",
    ).json()
    client.force_login(applicant.user)
    page = client.get("/endorsement/").content.decode()
    for kind, entry in (("rsc", rsc), ("training", training)):
        shown = row(page, kind, entry.pk)
        assert "From attendance" in shown
        assert "Edit" not in shown and "Delete" not in shown
    assert "Tuesday reflective supervision group" in row(page, "rsc", rsc.pk)
    typed = row(page, "training", manual["id"])
    assert "Edit" in typed and "Delete" in typed and "From attendance" not in typed

    edit = client.get(f"/endorsement/rsc/{rsc.pk}/edit/").content.decode()
    assert 'id="entry-form"' not in edit and "comes from attendance" in edit
    client.post(f"/endorsement/rsc/{rsc.pk}/edit/", {"consultant": consultant.pk, "hours": "9"})
    refused = client.post(f"/endorsement/training/{training.pk}/delete/", follow=True).content.decode()
    assert "comes from attendance" in refused
    assert RscEntry.objects.get(pk=rsc.pk).hours == Decimal("1.5")
    assert TrainingEntry.objects.filter(pk=training.pk).exists()


def test_a_spanish_reader_sees_por_asistencia(applicant, consultant, client):
    rsc = attend_group(applicant, consultant, ref="groups.attendance:30")
    update_preferences(applicant.user, preferred_language="es")
    client.force_login(applicant.user)
    page = client.get("/endorsement/").content.decode()
    assert "Por asistencia" in row(page, "rsc", rsc.pk)
    edit = client.get(f"/endorsement/rsc/{rsc.pk}/edit/").content.decode()
    assert "viene de la asistencia" in edit


# --- counted by the rules ------------------------------------------------------------


def test_four_group_sessions_are_counted_by_the_rules(applicant, consultant):
    for session in range(4):
        attend_group(
            applicant, consultant, ref=f"groups.attendance:{100 + session}", day=7 * session + 1, hours="2"
        )
    application = application_create(actor=applicant.user, category="infant_family_specialist")
    body = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{application.pk}/").json()
    rsc = requirement(body, "rsc_hours")
    assert (rsc["have"], rsc["met"]) == (8.0, False)
    for session in range(4, 12):
        attend_group(
            applicant, consultant, ref=f"groups.attendance:{100 + session}", day=7 * session + 1, hours="2"
        )
    body = as_user(applicant.user).get(f"/api/v1/endorsement/applications/{application.pk}/").json()
    assert (requirement(body, "rsc_hours")["have"], requirement(body, "rsc_hours")["met"]) == (24.0, True)
    assert requirement(body, "rsc_primary_consultant_share")["met"] is True


def capped_rules() -> dict:
    """An association whose rules count at most 12 hours of group RSC toward the 24."""
    data = json.loads(DEFAULT.read_text())
    data["association"] = "Capped Association"
    family = data["categories"]["infant_family_specialist"]
    for rule in family["application"]:
        if rule["kind"] == "rsc_hours":
            rule["max_group_hours"] = 12
    data["categories"] = {"infant_family_specialist": family}
    return data


def test_group_hours_beyond_the_rule_sets_cap_do_not_count(applicant, consultant):
    rules_load(data=capped_rules())
    for session in range(12):
        attend_group(
            applicant, consultant, ref=f"groups.attendance:{200 + session}", day=7 * session + 1, hours="2"
        )
    application = application_create(
        actor=applicant.user, category="infant_family_specialist", association="Capped Association"
    )
    me = as_user(applicant.user)
    rsc = requirement(me.get(f"/api/v1/endorsement/applications/{application.pk}/").json(), "rsc_hours")
    assert (rsc["required"], rsc["have"], rsc["met"]) == (24.0, 12.0, False), "24 group hours, 12 count"
    individual = me.post(
        "/api/v1/endorsement/rsc/",
        {
            "consultant": consultant.pk,
            "started_on": days_ago(200),
            "ended_on": days_ago(100),
            "hours": "12",
            "format": "individual",
        },
        format="json",
    )
    assert individual.status_code == 201, individual.json()
    rsc = requirement(me.get(f"/api/v1/endorsement/applications/{application.pk}/").json(), "rsc_hours")
    assert (rsc["have"], rsc["met"]) == (24.0, True)


def test_a_rules_file_with_a_bad_group_cap_is_refused():
    data = capped_rules()
    data["categories"]["infant_family_specialist"]["application"][1]["max_group_hours"] = -1
    with pytest.raises(ApplicationError) as refused:
        rules_load(data=data)
    assert refused.value.code == "invalid_rules"


# --- withdrawn by the facilitator -------------------------------------------------------


def test_withdrawn_attendance_removes_an_open_entry_and_keeps_a_counted_one(applicant, consultant):
    open_entry = attend_group(applicant, consultant, ref="groups.attendance:300")
    assert withdraw_attendance("groups.attendance:300") is True
    assert not RscEntry.objects.filter(pk=open_entry.pk).exists()
    assert withdraw_attendance("groups.attendance:300") is False, "nothing left to remove"
    assert withdraw_attendance("groups.attendance:unknown") is False

    counted = attend_training(applicant, ref="groups.attendance:301")
    application = application_create(actor=applicant.user, category="infant_family_associate")
    application_submit(actor=applicant.user, application_id=application.pk, attest_ethics=True)
    assert withdraw_attendance("groups.attendance:301") is False
    assert TrainingEntry.objects.filter(pk=counted.pk).exists(), "a submitted application counted it"
    assert as_user(applicant.user).get("/api/v1/endorsement/training/").json()["results"][0]["locked"] is True


# --- the same attendance reported twice at once ----------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_reports_of_one_attendance_make_one_entry(postgres_url, applicant, consultant):
    """The facilitator's double click (or a retried job): both calls answer the same entry."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are exercised in the PostgreSQL pass (DATABASE_URL set)")
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def report(i: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            answers[i] = attend_group(applicant, consultant, ref="groups.attendance:race").pk
        except Exception as exc:  # the assertion below names it
            answers[i] = repr(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=report, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert isinstance(answers[0], int) and answers[0] == answers[1], answers
    assert RscEntry.objects.filter(source_ref="groups.attendance:race").count() == 1
