"""Portfolio documents: at most 10 MB, PDF/PNG/JPEG by their content (not their name),
stored through Django's storage API, read only by the owner, the reviewers assigned to
the owner's application and curators, and every read is in the audit log."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from endorsement.models import Document
from tests.endorsement.conftest import as_user
from tests.factories.base import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def upload(client, name, content, kind="transcript"):
    return client.post(
        "/api/v1/endorsement/documents/",
        {"file": SimpleUploadedFile(name, content), "kind": kind},
        format="multipart",
    )


def test_a_provider_uploads_a_transcript_and_reads_it_back(applicant):
    me = as_user(applicant.user)
    created = upload(me, "transcript.pdf", PDF)
    assert created.status_code == 201 and created.json()["content_type"] == "application/pdf"
    assert upload(me, "badge.png", PNG, kind="certificate").json()["content_type"] == "image/png"
    assert me.get("/api/v1/endorsement/documents/").json()["count"] == 2
    read = me.get(f"/api/v1/endorsement/documents/{created.json()['id']}/")
    assert read.status_code == 200 and b"".join(read.streaming_content) == PDF
    assert (
        AuditEvent.objects.filter(
            object_type="endorsement_document", object_id=str(created.json()["id"])
        ).count()
        == 1
    )


def test_type_is_judged_by_content_and_size_is_capped(applicant):
    me = as_user(applicant.user)
    disguised = upload(me, "transcript.pdf", b"MZ\x90\x00 this is an executable")
    assert disguised.status_code == 415 and disguised.json()["code"] == "unsupported_file_type"
    huge = upload(me, "big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    assert huge.status_code == 413 and huge.json()["code"] == "file_too_large"
    assert Document.objects.count() == 0


def test_only_owner_assigned_reviewers_and_curators_read_a_document(demo):
    educator = demo["users"]["educator"]
    doc_id = upload(as_user(educator), "certificate.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20).json()["id"]
    url = f"/api/v1/endorsement/documents/{doc_id}/"
    for stranger in ("pediatrician", "outsider", "guardian", "reviewer"):
        assert as_user(demo["users"][stranger]).get(url).status_code == 404, stranger
    assert as_user(UserFactory()).get(url).status_code == 404
    assert as_user(None).get(url).status_code == 403
    assert as_user(demo["users"]["curator"]).get(url).status_code == 200
    reviewers = [demo["users"]["reviewer"].pk, demo["users"]["reviewer2"].pk]
    app = demo["endorsement"]["application"]
    as_user(demo["users"]["curator"]).post(
        f"/api/v1/endorsement/applications/{app.pk}/assign/", {"reviewers": reviewers}, format="json"
    )
    assert as_user(demo["users"]["reviewer"]).get(url).status_code == 200
    readers = set(
        AuditEvent.objects.filter(object_type="endorsement_document").values_list(
            "actor__username", flat=True
        )
    )
    assert readers == {"curator", "reviewer"}


def test_guardians_cannot_upload(demo):
    response = upload(as_user(demo["users"]["guardian"]), "x.pdf", PDF)
    assert response.status_code == 403 and response.json()["code"] == "not_a_provider"


def test_reviewers_stop_reading_the_documents_once_the_application_is_withdrawn(demo):
    app = demo["endorsement"]["application"]
    owner = as_user(app.provider.user)
    reviewer = as_user(demo["users"]["reviewer"])
    before = upload(owner, "transcript.pdf", PDF).json()["id"]
    as_user(demo["users"]["curator"]).post(
        f"/api/v1/endorsement/applications/{app.pk}/assign/",
        {"reviewers": [demo["users"]["reviewer"].pk, demo["users"]["reviewer2"].pk]},
        format="json",
    )
    assert reviewer.get(f"/api/v1/endorsement/documents/{before}/").status_code == 200

    withdrawn = owner.post(f"/api/v1/endorsement/applications/{app.pk}/withdraw/")
    assert withdrawn.status_code == 200, withdrawn.content
    after = upload(owner, "certificate.pdf", PDF, kind="certificate").json()["id"]
    reads_before = AuditEvent.objects.filter(object_type="endorsement_document").count()
    for doc_id in (before, after):
        refused = reviewer.get(f"/api/v1/endorsement/documents/{doc_id}/")
        assert refused.status_code == 404 and refused.json()["code"] == "not_found", doc_id
    assert AuditEvent.objects.filter(object_type="endorsement_document").count() == reads_before
    # The owner and curators still read them.
    assert owner.get(f"/api/v1/endorsement/documents/{after}/").status_code == 200
    assert as_user(demo["users"]["curator"]).get(f"/api/v1/endorsement/documents/{after}/").status_code == 200
