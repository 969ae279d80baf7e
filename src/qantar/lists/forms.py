"""Forms for person lists: parse input only; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.core.linkage import DEFAULT_THRESHOLD
from qantar.lists.choices import CompilationMethod, Decision
from qantar.lists.io import TARGETS
from qantar.records.choices import PersonStatus
from qantar.records.models import Source

UNMAPPED = ""


def _collection_field(collections: list[Any]) -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Collection"),
                             choices=[(str(item.pk), item.name) for item in collections])


class ImportForm(forms.Form):
    """A list's provenance and its file."""

    name = forms.CharField(label=_("List name"), max_length=200,
                           help_text=_("Importing into an existing list adds this file to it."))
    compiled_by = forms.CharField(label=_("Compiled by"), max_length=300, required=False,
                                  help_text=_("The person or organisation that made the list."))
    compiled_on = forms.CharField(label=_("Compiled on"), max_length=64, required=False,
                                  help_text=_("YYYY, YYYY-MM or YYYY-MM-DD."))
    method = forms.ChoiceField(label=_("How it was compiled"), choices=CompilationMethod.choices,
                               initial=CompilationMethod.OPEN_SOURCES)
    description = forms.CharField(label=_("Notes on the method"), max_length=2000,
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))
    person_status = forms.ChoiceField(label=_("The people on it are"),
                                      choices=PersonStatus.choices, initial=PersonStatus.DEAD)
    source = forms.ChoiceField(label=_("Source"), required=False)
    file = forms.FileField(label=_("File (CSV, XLSX or ODS, up to 10 MB)"),
                           help_text=_("Larger files: use the command line, "
                                       "qantar lists import FILE --list NAME."))

    def __init__(self, collections: list[Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"collection": _collection_field(collections), **self.fields}
        sources = Source.objects.filter(collection__in=collections).order_by("title")
        self.fields["source"].choices = [("", "—")] + [(str(item.pk), item.title)
                                                      for item in sources[:500]]


class MappingForm(forms.Form):
    """Which standard column each column of the file is (proposed, then confirmed)."""

    def __init__(self, header: list[str], proposed: dict[str, int], *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = {index: target for target, index in proposed.items()}
        options = [(UNMAPPED, _("— keep in the original row only"))] + [
            (target, target) for target in TARGETS]
        for index, name in enumerate(header):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=name or _("(column %(number)s, no header)") % {"number": index + 1},
                choices=options, required=False, initial=chosen.get(index, UNMAPPED))

    def mapping(self) -> dict[str, int]:
        """Standard column → file column index, from the cleaned form."""
        return {target: int(name.removeprefix("column_"))
                for name, target in self.cleaned_data.items() if target}


class LinkForm(forms.Form):
    """Which lists to link, and how."""

    lists = forms.MultipleChoiceField(label=_("Lists"), widget=forms.CheckboxSelectMultiple,
                                      required=False,
                                      help_text=_("None ticked: all the collection's lists."))
    threshold = forms.FloatField(label=_("Join pairs at or above this probability"),
                                 min_value=0.01, max_value=0.99, initial=DEFAULT_THRESHOLD)
    seed = forms.IntegerField(label=_("Seed"), initial=0, min_value=0,
                              help_text=_("The same lists and seed give the same result."))

    def __init__(self, collections: list[Any], lists: list[Any], *args: Any,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"collection": _collection_field(collections), **self.fields}
        self.fields["lists"].choices = [(str(item.pk), f"{item.name} ({item.collection.name})")
                                        for item in lists]


class DecisionForm(forms.Form):
    """A reviewer's decision on a pair."""

    decision = forms.ChoiceField(choices=Decision.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)


class PersonListsForm(forms.Form):
    """The parameters of the ``person_lists`` estimation provider: which lists."""

    collection = forms.ChoiceField(label=_("Collection"))
    lists = forms.MultipleChoiceField(
        label=_("Lists"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose 3 to 5 lists compiled independently of each other (2 to 12 are "
                    "accepted), all in the chosen collection. People are counted as accepted, "
                    "or as the latest linkage run grouped them: link the lists and decide the "
                    "review queue first."))

    def __init__(self, gate: Any, *args: Any, **kwargs: Any) -> None:
        from qantar.estimation.forms import collection_choices
        from qantar.lists.queries import lists

        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = collection_choices(gate)
        allowed = {value for value, _label in self.fields["collection"].choices}
        self.fields["lists"].choices = [
            (str(item.pk), f"{item.name} ({item.collection.name}, {item.entry_count})")
            for item in lists(gate) if str(item.collection_id) in allowed]
