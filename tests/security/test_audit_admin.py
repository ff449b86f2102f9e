"""Finding 5 (issue 8): any staff user read the whole access log in the admin.

The audit and consent-history admins are read-only by model permission: the demo
curator (staff, without ``audit.view_auditevent``) is refused; an auditor holding the
view permission reads them, cannot change them, and each page they read is logged."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from audit.models import AuditEvent
from consent.models import Consent
from tests.factories.base import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/audit/auditevent/", "/admin/consent/consent/", "/admin/audit/auditseal/"]


def _detail_pages() -> list[str]:
    return [
        f"/admin/audit/auditevent/{AuditEvent.objects.filter(child__isnull=False).first().pk}/change/",
        f"/admin/consent/consent/{Consent.objects.first().pk}/change/",
    ]


def test_the_demo_curator_is_staff_but_cannot_read_the_access_log(client, demo):
    curator = demo["users"]["curator"]
    assert curator.is_staff and not curator.has_perm("audit.view_auditevent")
    client.force_login(curator)
    for url in ADMIN_PAGES + _detail_pages():
        response = client.get(url)
        assert response.status_code == 403, url
    index = client.get("/admin/").content.decode()
    assert "/admin/audit/" not in index and "/admin/consent/" not in index


def test_an_auditor_reads_but_cannot_change_and_every_read_is_logged(client, demo):
    auditor = UserFactory(is_staff=True)
    auditor.user_permissions.add(
        Permission.objects.get(codename="view_auditevent"),
        Permission.objects.get(codename="view_auditseal"),
        Permission.objects.get(codename="view_consent"),
        Permission.objects.get(codename="view_consentevent"),
    )
    client.force_login(auditor)
    mateo = demo["children"]["mateo"]

    before = AuditEvent.objects.count()
    listing = client.get("/admin/audit/auditevent/")
    assert listing.status_code == 200
    shown = {row.child_id for row in listing.context["cl"].result_list}
    logged = AuditEvent.objects.filter(pk__gt=before, actor=auditor)
    assert {row.child_id for row in logged} - {None} == shown - {None}
    assert all(row.action == "view" and row.object_type == "audit_log" for row in logged)

    consent = Consent.objects.filter(child=mateo).first()
    before = AuditEvent.objects.order_by("-id").first().pk
    page = client.get(f"/admin/consent/consent/{consent.pk}/change/")
    assert page.status_code == 200
    row = AuditEvent.objects.get(pk__gt=before, actor=auditor)
    assert (row.child_id, row.object_type, row.object_id) == (mateo.pk, "consent", str(consent.pk))

    event = AuditEvent.objects.filter(child=mateo).first()
    change = client.post(f"/admin/audit/auditevent/{event.pk}/change/", {"detail": "nothing happened"})
    assert change.status_code == 403
    assert client.post(f"/admin/audit/auditevent/{event.pk}/delete/").status_code == 403
    event.refresh_from_db()
    assert event.detail != "nothing happened"
