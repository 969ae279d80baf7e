"""Forms for evidence: parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from qantar.evidence.choices import MANUAL_ACTIONS, CustodyAction, EvidenceKind
from qantar.evidence.services import DESCRIPTION_MAX, NOTE_MAX
from qantar.records.forms import BLANK, DATE_HELP, choice, line, long_text

RECORD_FIELDS = ("person", "violation", "event", "testimony")


class UploadForm(forms.Form):
    """An evidence file, what it is, and the records it documents (ids from the record page)."""

    file = forms.FileField(label=_("File"), allow_empty_file=False)
    kind = choice(_("Kind"), BLANK + EvidenceKind.choices, required=True)
    description = long_text(
        _("Description"),
        DESCRIPTION_MAX,
        rows=4,
        help_text=_(
            "What the file shows, who made it, anything a court would ask. It is encrypted."
        ),
    )
    captured = line(
        _("Date taken or written"),
        64,
        help_text=format_lazy(
            "{} {}", DATE_HELP, _("Left empty, it is read from the photo when the photo says.")
        ),
    )
    received_from = long_text(
        _("How and from whom it was received"),
        NOTE_MAX,
        rows=2,
        help_text=_(
            "For example: from the victim's lawyer, on a USB stick, on 5 February "
            "2022. It starts the chain of custody, encrypted."
        ),
    )
    person = forms.UUIDField(required=False, widget=forms.HiddenInput)
    violation = forms.UUIDField(required=False, widget=forms.HiddenInput)
    event = forms.UUIDField(required=False, widget=forms.HiddenInput)
    testimony = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def values(self) -> dict[str, Any]:
        """The cleaned values as the service takes them (without the file)."""
        return {key: value for key, value in self.cleaned_data.items() if key != "file"}


class CustodyForm(forms.Form):
    """Something that happened to a file, recorded by hand."""

    action = choice(
        _("What happened"),
        BLANK + [(value, CustodyAction(value).label) for value in MANUAL_ACTIONS],
        required=True,
    )
    party = line(
        _("To whom"),
        300,
        help_text=_(
            "For a transfer: the court, prosecutor's office, partner or person "
            "who received the file. It is encrypted."
        ),
    )
    note = long_text(_("Note"), NOTE_MAX, rows=3, help_text=_("It is encrypted."))
