"""Migration families 0007: an order's file recorded before documents had their own row
becomes an ``OrderDocument`` (same file on disk, its recorder as uploader, its type and
SHA-256 read from the content) that the authority or restriction points to."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories.base import UserFactory
from tests.factories.families import ChildFactory, GuardianFactory

BEFORE = [("families", "0006_authority_and_restrictions")]
AFTER = [("families", "0007_order_documents")]
PDF = b"%PDF-1.7 recorded before\n"


@pytest.mark.django_db(transaction=True)
def test_a_file_recorded_before_becomes_an_order_document(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    recorder = UserFactory(is_staff=True)
    guardian = GuardianFactory()
    child = ChildFactory(family=guardian.family)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        apps = executor.loader.project_state(BEFORE).apps
        name = default_storage.save("authority/2026/order.pdf", ContentFile(PDF))
        old = apps.get_model("families", "Authority").objects.create(
            child_id=child.pk,
            holder_id=guardian.pk,
            basis="legal_guardian",
            order_number="OLD-7",
            document=name,
            recorded_by_id=recorder.pk,
        )
        plain = apps.get_model("families", "Restriction").objects.create(
            child_id=child.pk, person_id=guardian.pk, kind="no_contact", order_number="P-1"
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    authority = apps.get_model("families", "Authority").objects.get(pk=old.pk)
    document = apps.get_model("families", "OrderDocument").objects.get(pk=authority.document_id)
    assert document.file.name == name
    assert (document.name, document.content_type, document.size) == ("order.pdf", "application/pdf", len(PDF))
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    assert document.uploaded_by_id == recorder.pk
    assert apps.get_model("families", "Restriction").objects.get(pk=plain.pk).document_id is None
