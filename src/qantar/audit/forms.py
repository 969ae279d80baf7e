"""The audit log's filters: every field optional, checked like any other input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.audit.choices import AuditAction

BLANK = [("", "—")]
OBJECT_TYPES = [
    ("records.person", _("Person")),
    ("records.event", _("Event")),
    ("records.violation", _("Violation")),
    ("records.testimony", _("Testimony")),
    ("records.source", _("Source")),
    ("records.citation", _("Citation")),
    ("accounts.collection", _("Collection")),
    ("accounts.user", _("User")),
]


class AuditFilter(forms.Form):
    """Filters for the audit log (GET)."""

    action = forms.ChoiceField(label=_("Action"), required=False,
                               choices=BLANK + AuditAction.choices)
    object_type = forms.ChoiceField(label=_("Kind of record"), required=False,
                                    choices=BLANK + OBJECT_TYPES)
    object_id = forms.UUIDField(label=_("Record id"), required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "off",
                                                              "spellcheck": "false"}))
    actor = forms.CharField(label=_("Who (username)"), max_length=150, required=False)
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    collection = forms.ChoiceField(label=_("Collection"), required=False)

    def __init__(self, collections: list[tuple[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = BLANK + collections

    def clean(self) -> dict[str, Any]:
        """A date range must not run backwards."""
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    def values(self) -> dict[str, Any]:
        """The filters that were given and are valid (as text, as the query takes them)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: str(value) if name == "object_id" else value
                for name, value in cleaned.items() if value and name not in self.errors}
