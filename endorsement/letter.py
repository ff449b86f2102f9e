"""The verification letter: a one-page PDF written by hand (PDF 1.4, Helvetica, no
dependency) naming the provider, the endorsement, its credential number, validity and
the public URL where anyone can check it."""

from __future__ import annotations

from django.utils import timezone

from directory.models import Endorsement
from referral_hub.sitelinks import absolute_url


def _text(value: str) -> bytes:
    """A PDF string literal in WinAnsi (Latin-1): escape the delimiters, replace the rest."""
    cleaned = value.replace("\u2013", "-").replace("\u2014", "-")
    raw = cleaned.encode("latin-1", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _content(lines: list[tuple[int, str]]) -> bytes:
    out = [b"BT", b"72 740 Td"]
    for size, line in lines:
        out.append(b"/F1 %d Tf" % size)
        out.append(_text(line) + b" Tj")
        out.append(b"0 -%d Td" % (size + 10))
    out.append(b"ET")
    return b"\n".join(out)


def verification_url(endorsement: Endorsement) -> str:
    return absolute_url(f"/verify/?credential={endorsement.credential_number}")


def letter_lines(endorsement: Endorsement) -> list[tuple[int, str]]:
    status = endorsement.effective_status()
    return [
        (18, "Endorsement verification letter"),
        (11, f"Issued {timezone.now().date():%Y-%m-%d} by Referral Hub"),
        (12, ""),
        (12, f"This letter confirms that {endorsement.provider.name}"),
        (12, f"holds the {endorsement.get_category_display()} endorsement"),
        (12, f"issued by {endorsement.issuing_association or 'the issuing association'}."),
        (12, f"Credential number: {endorsement.credential_number}"),
        (12, f"Status: {status}; valid through {endorsement.expires_on:%Y-%m-%d}."),
        (12, ""),
        (11, "Check the current status at any time:"),
        (11, verification_url(endorsement)),
    ]


def render_letter(endorsement: Endorsement) -> bytes:
    stream = _content(letter_lines(endorsement))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
