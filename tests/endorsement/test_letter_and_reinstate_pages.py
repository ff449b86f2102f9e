"""The verification letter (a PDF with the credential number and the verification URL,
for the holder and curators only) and the curator's reinstatement on the queue page."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfReader

from directory.models import Endorsement, EndorsementReview
from endorsement.models import EndorsementTerm
from endorsement.services import terms_lapse_overdue
from tests.factories.directory import EndorsementFactory, ProviderFactory

pytestmark = pytest.mark.django_db


def letter_text(pdf: bytes) -> str:
    """The letter's words as a PDF reader extracts them (pypdf, through the embedded
    font's Unicode map): what a person copying from the letter would get."""
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def login(client, username):
    client.force_login(User.objects.get(username=username))


def test_the_holder_downloads_a_verification_letter_others_do_not(demo, client):
    endorsement = Endorsement.objects.get(credential_number="MI-IMH-2041")
    url = f"/endorsement/letters/{endorsement.pk}.pdf"
    login(client, "imh_clinician")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = letter_text(response.content)
    assert "Dr. Lucia Romero" in text and "MI-IMH-2041" in text
    assert "/verify/?credential=MI-IMH-2041" in text
    login(client, "pediatrician")
    assert client.get(url).status_code == 404
    pending = Endorsement.objects.get(credential_number="MI-IFA-7710")
    login(client, "curator")
    assert client.get(f"/endorsement/letters/{pending.pk}.pdf").status_code == 404
    assert client.get(url).status_code == 200


def test_a_name_outside_latin_1_prints_as_written(client):
    endorsement = EndorsementFactory(
        provider=ProviderFactory(name="Nguyễn Thị Ánh"),
        issuing_association="Hội Sức khỏe Tâm thần Trẻ sơ sinh",
        credential_number="MI-IMH-8086",
    )
    client.force_login(endorsement.provider.user)
    response = client.get(f"/endorsement/letters/{endorsement.pk}.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = letter_text(response.content)
    assert "Nguyễn Thị Ánh" in text and "?" not in text.replace("/verify/?credential", "")
    assert "Hội Sức khỏe Tâm thần Trẻ sơ sinh" in text
    assert "MI-IMH-8086" in text


def test_a_curator_reinstates_a_lapsed_endorsement_from_the_queue_page(demo, client):
    endorsement = demo["endorsement"]["renewal_endorsement"]
    term = EndorsementTerm.objects.get(endorsement=endorsement)
    term.due_on = timezone.localdate() - datetime.timedelta(days=60)
    term.save()
    Endorsement.objects.filter(pk=endorsement.pk).update(expires_on=term.due_on + datetime.timedelta(days=30))
    terms_lapse_overdue()
    login(client, "curator")
    page = client.get("/endorsement/curate/").content.decode()
    assert "Taylor Brooks" in page.split("Lapsed endorsements")[1]
    new_due = (timezone.localdate() + datetime.timedelta(days=120)).isoformat()
    no_reason = client.post(
        f"/endorsement/curate/endorsements/{endorsement.pk}/reinstate/", {"due_on": new_due}, follow=True
    )
    assert "Say why" in no_reason.content.decode()
    client.post(
        f"/endorsement/curate/endorsements/{endorsement.pk}/reinstate/",
        {"due_on": new_due, "note": "Board approved late renewal."},
    )
    assert Endorsement.objects.shown_as_endorsed().filter(pk=endorsement.pk).exists()
    assert EndorsementReview.objects.filter(endorsement=endorsement, note__contains="Board approved").exists()


def test_a_provider_uploads_a_document_from_the_portfolio(demo, client, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    login(client, "educator")
    ok = client.post(
        "/endorsement/documents/",
        {"file": SimpleUploadedFile("t.pdf", b"%PDF-1.7 x"), "kind": "transcript"},
        follow=True,
    )
    assert "Document uploaded." in ok.content.decode() and "t.pdf" in ok.content.decode()
    bad = client.post(
        "/endorsement/documents/", {"file": SimpleUploadedFile("t.pdf", b"GIF89a")}, follow=True
    )
    assert "Upload a PDF, PNG or JPEG file." in bad.content.decode()
