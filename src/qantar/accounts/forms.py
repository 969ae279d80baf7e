"""Forms for administering members and users: they parse what is typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Role

BLANK = [("", "—")]


class MemberForm(forms.Form):
    """Give someone a role in a collection, or change their role."""

    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.VIEWER,
                             help_text=_("Give the least role the person needs."))


class NewUserForm(forms.Form):
    """A new account; a password is made up if none is typed."""

    username = forms.CharField(label=_("Username"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    password = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty and Qantar makes up a strong one, shown to you once. At "
                    "least 12 characters, not a common password."))
    collection = forms.ChoiceField(label=_("Collection"), required=False,
                                   help_text=_("Optional: a first role in a collection you "
                                               "administer."))
    role = forms.ChoiceField(label=_("Role"), required=False, choices=BLANK + Role.choices)

    def __init__(self, collections: list[tuple[str, Any]], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = BLANK + collections

    def clean(self) -> dict[str, Any]:
        """A collection and a role go together."""
        data = super().clean()
        if bool(data.get("collection")) != bool(data.get("role")):
            self.add_error("role", _("Choose both a collection and a role, or neither."))
        return data
