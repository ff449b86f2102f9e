"""Inputs of the curator's pages: one form per use case, bound by the page (the Django
admin's actions pass their own, empty, note)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

#: The longest note or reason a curator's status change keeps (the history shows it whole).
MAX_CURATION_NOTE = 2000


class CurationNoteForm(forms.Form):
    """The note of a verification, or the reason of a revocation: refused, never cut,
    when it is longer than ``MAX_CURATION_NOTE``."""

    note = forms.CharField(
        required=False,
        max_length=MAX_CURATION_NOTE,
        error_messages={
            "max_length": _("Keep the note to %(limit_value)d characters or fewer (it has %(show_value)d).")
        },
    )

    def refusal(self) -> str:
        """The first message about the note, in the reader's language ("" when valid)."""
        return "" if self.is_valid() else str(self.errors["note"][0])
