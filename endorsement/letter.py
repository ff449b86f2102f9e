"""The verification letter: a one-page PDF (fpdf2, with DejaVu Sans embedded so every
name prints as written: "Nguyễn Thị Ánh", not "Nguy?n") naming the provider, the
endorsement, its credential number, validity and the public URL where anyone can check
it. The font and its licence are vendored in ``endorsement/fonts/``."""

from __future__ import annotations

from pathlib import Path

from django.utils import timezone
from fpdf import FPDF

from directory.models import Endorsement
from referral_hub.sitelinks import absolute_url

FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans.ttf"
FONT_NAME = "DejaVuSans"
MARGIN_PT = 72  # one inch


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
    """US Letter, one-inch margins; long lines (a long name or URL) wrap."""
    pdf = FPDF(orientation="portrait", unit="pt", format="letter")
    pdf.set_margins(MARGIN_PT, MARGIN_PT, MARGIN_PT)
    pdf.set_auto_page_break(auto=True, margin=MARGIN_PT)
    pdf.add_font(FONT_NAME, fname=str(FONT))
    pdf.set_title("Endorsement verification letter")
    pdf.set_creator("Referral Hub")
    pdf.set_lang("en")
    pdf.add_page()
    for size, line in letter_lines(endorsement):
        if not line:
            pdf.ln(size + 10)
            continue
        pdf.set_font(FONT_NAME, size=size)
        pdf.multi_cell(0, size + 10, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
