"""An order's document, stored in its one home (``OrderDocument``): the file under a
random name, its size, type (read from the content) and SHA-256. Who may store one and
what it must be are consent's to say (``consent.authority_services.order_document_upload``:
recorders only, a PDF, PNG or JPEG, at most 10 MB, audited); the demo data stores its
sample orders here directly."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import File

from families.models import OrderDocument

# What a file's first bytes make it; its name and a browser's claimed type count for
# nothing (the endorsement portfolio's rule).
DOCUMENT_TYPES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def content_type_of(content: File[Any]) -> str | None:
    """The type the file's first bytes make it, or None (not a PDF, PNG or JPEG)."""
    content.seek(0)
    head = content.read(16)
    content.seek(0)
    return next((kind for magic, kind in DOCUMENT_TYPES if head.startswith(magic)), None)


def order_document_store(*, content: File[Any], uploaded_by: User | None, name: str = "") -> OrderDocument:
    """Store ``content`` as an order's document (not checked here: see the module)."""
    digest, size = hashlib.sha256(), 0
    content.seek(0)
    for chunk in content.chunks():
        digest.update(chunk)
        size += len(chunk)
    document = OrderDocument(
        name=(name or content.name or "order")[:255],
        content_type=content_type_of(content) or "",
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=uploaded_by,
    )
    document.file.save(document.name, content, save=False)
    document.save()
    return document
