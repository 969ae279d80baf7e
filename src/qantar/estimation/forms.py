"""Web forms for estimation: the capture-history input, the method, the seed and the level.

Forms parse what people type or upload; the guard rails (too few lists, too little overlap,
a list holding everyone) stay in the library, whose refusals the views show.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.common.access import Gate
from qantar.core.errors import ValidationFailed
from qantar.core.estimation import (
    DEFAULT_METHOD,
    CaptureHistories,
    from_csv_bytes,
    from_csv_text,
    strata_from_csv_text,
)
from qantar.estimation import queries
from qantar.estimation.choices import (
    DEFAULT_LEVEL,
    LEVEL_CHOICES,
    MAX_SEED,
    InputOrigin,
    MethodChoice,
    StratifyBy,
)
from qantar.records.choices import PersonStatus
from qantar.vocab.choices import Vocabulary
from qantar.vocab.queries import terms

MAX_UPLOAD_BYTES = 1_000_000
CSV_EXAMPLE = "Volunteers,Hospital,Prosecutor,count\n1,0,0,40\n0,1,0,30\n1,1,0,12\n..."


def collection_choices(gate: Gate) -> list[tuple[str, str]]:
    """Collections where the user may see statistics."""
    return [(str(c.pk), c.name) for c in queries.statistics_collections(gate)]


class RunSettingsForm(forms.Form):
    """How to estimate: method, seed, interval level, and a title for the run history."""

    method = forms.ChoiceField(
        label=_("Method"), choices=MethodChoice.choices, initial=DEFAULT_METHOD.value,
        help_text=_("The recommended method takes about a second for three lists; the "
                    "latent-class model (LCMCR) can take a minute. Times for every method are "
                    "listed below."))
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, max_value=MAX_SEED,
        help_text=_("Every random draw comes from this number; it is stored with the run so "
                    "the result can be reproduced exactly."))
    level = forms.TypedChoiceField(label=_("Interval"), choices=LEVEL_CHOICES, coerce=float,
                                   initial=str(DEFAULT_LEVEL))
    title = forms.CharField(label=_("Title (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seed"].initial = secrets.randbelow(MAX_SEED)


class CsvInputForm(RunSettingsForm):
    """A capture-history CSV, pasted or uploaded, optionally with a stratum column."""

    collection = forms.ChoiceField(label=_("Keep the run in collection"))
    csv_text = forms.CharField(
        label=_("Paste a capture-history CSV"), required=False,
        widget=forms.Textarea(attrs={"rows": 9, "spellcheck": "false",
                                     "placeholder": CSV_EXAMPLE}),
        help_text=_("One 0/1 column per list, then count. Each row: how many people are on "
                    "exactly that combination of lists. Leave out the row of zeros."))
    csv_file = forms.FileField(label=_("…or upload a CSV file"), required=False)
    stratum_column = forms.CharField(
        label=_("Stratum column (optional)"), max_length=100, required=False,
        help_text=_("The name of a column (for example region) placed before count: each "
                    "stratum is estimated separately and the estimates added up."))

    field_order = ["collection", "csv_text", "csv_file", "stratum_column", "method", "seed",
                   "level", "title"]

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = collection_choices(gate)
        self.table: CaptureHistories | dict[str, CaptureHistories] | None = None
        self.origin = InputOrigin.PASTED

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text, upload = cleaned.get("csv_text", ""), cleaned.get("csv_file")
        if bool(text.strip()) == bool(upload):
            raise forms.ValidationError(_("Paste a capture-history CSV or upload a file (one "
                                          "of the two)."))
        try:
            self.table = self._parse(text, upload, cleaned.get("stratum_column", "").strip())
        except ValidationFailed as error:
            self.add_error("csv_file" if upload else "csv_text", error.message)
        return cleaned

    def _parse(self, text: str, upload: Any,
               column: str) -> CaptureHistories | dict[str, CaptureHistories]:
        if upload:
            self.origin = InputOrigin.UPLOADED
            if upload.size > MAX_UPLOAD_BYTES:
                raise ValidationFailed("file_too_large", "The file is larger than 1 MB; a "
                                       "capture-history table is a few lines.")
            data = upload.read()
            if not column:
                return from_csv_bytes(data)
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationFailed("bad_encoding", "To use a stratum column, save the file "
                                       "as UTF-8 (or paste its text).") from None
        return strata_from_csv_text(text, column) if column else from_csv_text(text)


class RecordSourcesForm(forms.Form):
    """The parameters of the ``record_sources`` provider: which sources, which people."""

    collection = forms.ChoiceField(label=_("Collection"))
    sources = forms.MultipleChoiceField(
        label=_("Sources (one list each)"), widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose 3 to 5 sources compiled independently of each other (2 to 12 are "
                    "accepted). A person is on a source's list when the source is cited for "
                    "the person, for a violation they suffered, or for their testimony."))
    status = forms.ChoiceField(label=_("Only people whose status is"), required=False)
    violation_type = forms.ChoiceField(label=_("Only victims of"), required=False)
    stratify_by = forms.ChoiceField(label=_("Strata"), choices=StratifyBy.choices,
                                    required=False)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = collection_choices(gate)
        self.fields["sources"].choices = [
            (str(s.pk), f"{s.title} ({s.collection.name})") for s in queries.citable_sources(gate)]
        self.fields["status"].choices = [("", _("any"))] + list(PersonStatus.choices)
        self.fields["violation_type"].choices = [("", _("any violation or none"))] + [
            (term.code, term.label) for term in terms(Vocabulary.VIOLATION_TYPE)]
