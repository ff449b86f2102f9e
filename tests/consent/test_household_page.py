"""The household page (issue 26): a guardian reads, for each of their children, who may
consent and why (the basis in words, since when, until when, what a delegation covers),
and what they themselves may do ("You may sign consents for Mateo" / "You may not sign
consents for Mateo; ask Rosa Rivera"). A person a ``no_information`` order covers never
learns anything about the child here (404 on the child's page, nothing on the
household page); an ``address_confidential`` or ``no_contact`` person's phone and
e-mail reach nobody else."""

from __future__ import annotations

import datetime
import html
import re
import zoneinfo

import pytest
from django.utils import dateformat, timezone

from audit.models import Action, AuditEvent
from families.models import AuthorityBasis, Relationship, RestrictionKind
from people.preferences import DEFAULT_TIME_ZONE
from tests.factories.directory import ProviderFactory
from tests.factories.families import AuthorityFactory, ChildFactory, GuardianFactory, RestrictionFactory

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    page = html.unescape(re.sub(r"\s+", " ", response.content.decode()))
    return page[page.index("<main") : page.index("</main>")]


def shown(moment: datetime.datetime, language: str = "en") -> str:
    """A date as the project's pages show it ("7 Dec 2026" / "7 dic 2026")."""
    local = timezone.localtime(moment, zoneinfo.ZoneInfo(DEFAULT_TIME_ZONE))
    return dateformat.format(local, "j M Y") if language == "en" else dateformat.format(local, "j b Y")


@pytest.fixture
def riveras(db):
    """Rosa (mother, parent authority by birth, phone on file) and Mateo; a foster
    parent (Dana) in the same household with no authority yet."""
    rosa = GuardianFactory(
        relationship=Relationship.MOTHER,
        user__first_name="Rosa",
        user__last_name="Rivera",
        user__email="rosa@example.test",
        phone="313-555-0101",
    )
    mateo = ChildFactory(family=rosa.family, first_name="Mateo", last_name="Rivera")
    dana = GuardianFactory(
        family=rosa.family,
        relationship=Relationship.FOSTER_PARENT,
        user__first_name="Dana",
        user__last_name="Foster",
        phone="313-555-0202",
    )
    return {"rosa": rosa, "mateo": mateo, "dana": dana}


def test_a_parent_reads_who_may_consent_and_that_she_may_sign(client, riveras):
    rosa = riveras["rosa"]
    client.force_login(rosa.user)
    response = client.get("/portal/household/")
    assert response.status_code == 200
    main = _main(response)
    assert "<h1>Who may consent for your children</h1>" in main
    assert '<h2 id="household-child-' in main and "Mateo Rivera</h2>" in main
    assert "Rosa Rivera (you)" in main
    assert "as the child's parent" in main
    # A parent's authority runs from the child's birth.
    assert "Since Mateo's birth" in main
    assert "You may sign consents for Mateo." in main
    assert "Your authority ends" not in main  # a parent's does not end on a date
    # Dana (foster parent, no delegation) holds no authority: she is not listed as one.
    assert "Dana Foster" not in main
    assert "<table" not in main


def test_the_same_page_in_spanish(client, riveras):
    rosa, mateo = riveras["rosa"], riveras["mateo"]
    AuthorityFactory(
        child=mateo,
        holder=riveras["dana"],
        basis=AuthorityBasis.DELEGATED,
        purposes=["referral"],
        order_number="",
        ends_at=timezone.now() + datetime.timedelta(days=90),
    )
    client.force_login(rosa.user)
    main = _main(client.get("/portal/household/?lang=es"))
    assert "<h1>Quién puede dar consentimiento por sus hijos</h1>" in main
    assert "como madre o padre del niño o la niña" in main
    assert "Usted puede firmar consentimientos para Mateo." in main
    assert "como cuidador con autoridad delegada por la agencia" in main
    assert "Solo para hacer una remisión" in main
    assert f"Hasta el {shown(timezone.now() + datetime.timedelta(days=90), 'es')}" in main


def test_a_legal_guardian_reads_her_order_and_when_her_authority_ends(client, riveras):
    mateo = riveras["mateo"]
    ends = timezone.now() + datetime.timedelta(days=200)
    guardian = AuthorityFactory(
        child=mateo,
        holder__relationship=Relationship.LEGAL_GUARDIAN,
        holder__user__first_name="Gloria",
        holder__user__last_name="Grant",
        basis=AuthorityBasis.LEGAL_GUARDIAN,
        order_number="24-JV-118",
        ends_at=ends,
    ).holder
    client.force_login(guardian.user)
    main = _main(client.get(f"/portal/children/{mateo.pk}/household/"))
    assert "<h1>Who may consent for Mateo</h1>" in main
    assert "Gloria Grant (you)" in main
    assert "as the child's legal guardian under order no. 24-JV-118" in main
    assert f"Until {shown(ends)}" in main
    assert "You may sign consents for Mateo." in main
    assert f"Your authority ends on {shown(ends)}." in main
    # The other holder (Rosa, the parent) is listed with her basis.
    assert "Rosa Rivera" in main and "as the child's parent" in main


def test_a_foster_parent_with_a_delegation_reads_its_scope(client, riveras):
    mateo, dana = riveras["mateo"], riveras["dana"]
    AuthorityFactory(
        child=mateo, holder=dana, basis=AuthorityBasis.DELEGATED, purposes=["referral"], order_number=""
    )
    client.force_login(dana.user)
    main = _main(client.get("/portal/household/"))
    assert "as a caregiver with authority delegated by the agency" in main
    assert "Only to make a referral" in main
    assert "You may sign consents for Mateo only to make a referral." in main
    assert "For anything else, ask Rosa Rivera." in main


def test_a_foster_parent_without_authority_is_told_whom_to_ask(client, riveras):
    client.force_login(riveras["dana"].user)
    main = _main(client.get("/portal/household/"))
    assert "You may not sign consents for Mateo; ask Rosa Rivera." in main
    assert "You may sign consents for Mateo" not in main


def test_nobody_to_ask_sends_the_reader_to_the_caseworker(client, riveras):
    mateo = riveras["mateo"]
    RestrictionFactory(child=mateo, person=riveras["rosa"], kind=RestrictionKind.NO_CONTACT)
    client.force_login(riveras["dana"].user)
    main = _main(client.get("/portal/household/"))
    assert "You may not sign consents for Mateo; ask the child's caseworker or a care coordinator." in main


def test_a_parent_under_a_no_information_order_learns_nothing_about_the_child(client, riveras):
    rosa, mateo = riveras["rosa"], riveras["mateo"]
    father = GuardianFactory(
        family=rosa.family,
        relationship=Relationship.FATHER,
        user__first_name="Victor",
        user__last_name="Vance",
    )
    RestrictionFactory(child=mateo, person=father, kind=RestrictionKind.NO_INFORMATION)
    client.force_login(father.user)
    assert client.get(f"/portal/children/{mateo.pk}/household/").status_code == 404
    main = _main(client.get("/portal/household/"))
    assert "Mateo" not in main and "Rosa Rivera" not in main
    # And the others do not see him as someone who may consent for Mateo.
    client.force_login(rosa.user)
    assert "Victor Vance" not in _main(client.get("/portal/household/"))


def test_a_confidential_address_and_phone_reach_nobody_else(client, riveras):
    rosa, mateo, dana = riveras["rosa"], riveras["mateo"], riveras["dana"]
    client.force_login(dana.user)
    before = _main(client.get("/portal/household/"))
    assert "313-555-0101" in before and "rosa@example.test" in before
    RestrictionFactory(child=mateo, person=rosa, kind=RestrictionKind.ADDRESS_CONFIDENTIAL)
    after = _main(client.get("/portal/household/"))
    assert "Rosa Rivera" in after
    assert "313-555-0101" not in after and "rosa@example.test" not in after
    # Rosa still reads her own details.
    client.force_login(rosa.user)
    own = _main(client.get("/portal/household/"))
    assert "313-555-0101" in own


def test_other_roles_get_no_household_page(client, riveras):
    mateo = riveras["mateo"]
    assert client.get("/portal/household/").status_code == 302  # to the login
    client.force_login(ProviderFactory().user)
    assert client.get("/portal/household/").status_code == 403
    assert client.get(f"/portal/children/{mateo.pk}/household/").status_code == 404
    client.force_login(GuardianFactory().user)  # another family's parent
    assert client.get(f"/portal/children/{mateo.pk}/household/").status_code == 404


def test_the_page_is_in_the_guardians_navigation_and_logs_each_child_shown(client, riveras):
    rosa, mateo = riveras["rosa"], riveras["mateo"]
    lucia = ChildFactory(family=rosa.family, first_name="Lucia", last_name="Rivera")
    client.force_login(rosa.user)
    page = client.get("/portal/").content.decode()
    assert 'href="/portal/household/"' in page
    before = AuditEvent.objects.count()
    main = _main(client.get("/portal/household/"))
    assert "Mateo Rivera" in main and "Lucia Rivera" in main
    rows = AuditEvent.objects.order_by("pk")[before:]
    assert {(r.child_id, r.action, r.object_type) for r in rows} == {
        (mateo.pk, Action.VIEW, "household"),
        (lucia.pk, Action.VIEW, "household"),
    }
    child_page = _main(client.get(f"/portal/children/{mateo.pk}/"))
    assert f'href="/portal/children/{mateo.pk}/household/"' in child_page


def test_the_page_costs_a_constant_number_of_queries(client, riveras, django_assert_max_num_queries):
    rosa = riveras["rosa"]
    for n in range(4):
        child = ChildFactory(family=rosa.family)
        AuthorityFactory(
            child=child, holder=riveras["dana"], basis=AuthorityBasis.DELEGATED, purposes=["referral"]
        )
        del n
    client.force_login(rosa.user)
    with django_assert_max_num_queries(16):
        assert client.get("/portal/household/").status_code == 200
