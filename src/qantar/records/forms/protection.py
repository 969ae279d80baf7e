"""Forms for protecting people: consent decisions, legal holds, erasure, exports.

As everywhere, forms check only what a browser can get wrong; the rules (a second approver for
intimate images, a legal hold blocking erasure) stay in the services.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qantar.accounts import queries as accounts
from qantar.common.access import Gate
from qantar.core.container import MIN_PASSPHRASE
from qantar.records.choices import ConsentDecision, ConsentMethod, ConsentPurpose
from qantar.records.forms import BLANK, choice, line, long_text
from qantar.records.io import EXPORT_PURPOSES
from qantar.records.models import Person


class ConsentForm(forms.Form):
    """One consent decision for one purpose (a withdrawal is a new decision)."""

    purpose = choice(_("Purpose"), BLANK + ConsentPurpose.choices, required=True)
    decision = choice(_("Decision"), BLANK + ConsentDecision.choices, required=True)
    method = choice(_("How it was given"), BLANK + ConsentMethod.choices, required=True)
    decided_on = forms.DateField(
        label=_("Date of the decision"), required=True,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The day the person decided (YYYY-MM-DD)."))
    conditions = long_text(
        _("Partners and conditions"), 5000, rows=3,
        help_text=_("For sharing: the partners named. Any condition the person set. It is "
                    "encrypted with the person's key."))
    testimony = choice(
        _("Only for this testimony"),
        help_text=_("Leave empty for a decision about everything on this person."))
    second_approver = choice(
        _("Second approval by"),
        help_text=_("Intimate images need another documenter of this collection to approve."))

    def __init__(self, gate: Gate, person: Person, testimonies: list[tuple[str, Any]],
                 *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.now().date()
        self.fields["testimony"].choices = BLANK + testimonies
        self.fields["second_approver"].choices = BLANK + [
            (str(user.pk), user.username)
            for user in accounts.second_approvers(person.collection_id, excluding=gate.user)
        ]


class LegalHoldForm(forms.Form):
    """A legal hold needs its reason."""

    reason = line(_("Reason for the hold"), 500, required=True,
                  help_text=_("For example: evidence in a pending trial. It is shown to "
                              "anyone who tries to erase the person."))


class EraseForm(forms.Form):
    """Erasure is for ever: the pseudonym typed again, and a reason."""

    confirmation = line(_("Type the pseudonym to confirm"), 32, required=True,
                        widget=forms.TextInput(attrs={"autocomplete": "off",
                                                      "spellcheck": "false"}))
    reason = line(_("Reason"), 500, required=True,
                  help_text=_("Why the person is erased. It is not stored, because it could "
                              "identify them: the audit log records who erased, when, and "
                              "that a reason was given."))

    def __init__(self, person: Person, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_confirmation(self) -> str:
        """The pseudonym, exactly (case and spaces forgiven)."""
        typed = "".join(self.cleaned_data["confirmation"].split()).upper()
        if typed != self.person.pseudonym:
            raise forms.ValidationError(
                _("This is not the pseudonym %(pseudonym)s. Nothing was erased."),
                params={"pseudonym": self.person.pseudonym}, code="mismatch")
        return typed


EXPORT_PURPOSE_LABELS = {
    "documentation": _("Internal documentation (a backup, a move to another instance)"),
    "share_partners": _("Sharing with named partners"),
    "submit_un_courts": _("Submission to UN bodies and courts"),
    "statistics": _("Anonymised statistics"),
}
EXPORT_FORMATS = [
    ("bundle", _("Qantar bundle (JSON): every record you may export")),
    ("people_csv", _("Person list (CSV): the standard columns for linkage and estimation")),
]


class ExportForm(forms.Form):
    """What an export is for, and in which format."""

    purpose = forms.ChoiceField(
        label=_("What is this export for?"), widget=forms.RadioSelect,
        choices=[(purpose, EXPORT_PURPOSE_LABELS[purpose]) for purpose in EXPORT_PURPOSES],
        help_text=_("People whose consent does not allow this purpose are left out, and the "
                    "audit log says how many."))
    format = forms.ChoiceField(label=_("Format"), choices=EXPORT_FORMATS,
                               widget=forms.RadioSelect, initial="bundle")
    passphrase = forms.CharField(
        label=_("Passphrase for the sealed file"), required=False, strip=False,
        min_length=MIN_PASSPHRASE,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The file holds names, so it is encrypted with this passphrase (at least "
                    "12 characters). Give it to the recipient by another channel; open the file "
                    "with `qantar open-sealed`."))
    passphrase_again = forms.CharField(
        label=_("The passphrase again"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args: Any, is_identifying: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.is_identifying = is_identifying
        if is_identifying:
            self.fields["passphrase"].required = True
            self.fields["passphrase_again"].required = True
        else:
            del self.fields["passphrase"], self.fields["passphrase_again"]

    def clean(self) -> dict[str, Any]:
        """The passphrase typed twice, the same."""
        data = super().clean()
        if (self.is_identifying and data.get("passphrase")
                and data.get("passphrase") != data.get("passphrase_again")):
            self.add_error("passphrase_again", _("The two passphrases differ."))
        return data
