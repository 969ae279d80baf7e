"""Web forms for the justice app: they parse what people type into the values services take.

Only what a browser can get wrong is checked here; the stage rules and every other domain
check stay in the services, whose errors the views put next to the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.common.access import Gate
from qantar.common.text import NAME_MAX
from qantar.common.web import person_label
from qantar.justice import queries
from qantar.justice.choices import (
    Against,
    Answer,
    AppealOutcome,
    AuthorityKind,
    ClosureGround,
    ComplaintResponse,
    DeadlineKind,
    FiledBy,
    Funnel,
    FunnelStage,
    Openness,
    Procedure,
    ProceedingStatus,
    RemedyKind,
    SentenceKind,
    StageKind,
    VerdictOutcome,
)
from qantar.justice.models import Proceeding, StageEntry
from qantar.records import queries as record_queries
from qantar.records.forms import (
    BLANK,
    DATE_HELP,
    FilterForm,
    long_text,
    organisation_choices,
    partial_date,
    place_choices,
    vocabulary_choices,
)
from qantar.records.forms import choice as choice_field
from qantar.records.forms import line as line_field
from qantar.vocab.choices import Vocabulary

Choices = list[tuple[str, Any]]


def justice_collections(gate: Gate) -> Choices:
    """Collections where the user may edit complaints and proceedings."""
    ids = gate.collections(Capability.EDIT_JUSTICE)
    return [(str(c.pk), c.name) for c in Collection.objects.filter(pk__in=ids).order_by("name")]


def people_choices(gate: Gate) -> Choices:
    """People in those collections, by the name the user may see."""
    editable = set(gate.collections(Capability.EDIT_JUSTICE))
    return BLANK + [(str(p.pk), f"{person_label(gate, p)} ({p.pseudonym})")
                    for p in record_queries.people(gate) if p.collection_id in editable]


def violation_choices(gate: Gate) -> Choices:
    """Violations in those collections: type, victim and date."""
    editable = set(gate.collections(Capability.EDIT_JUSTICE))
    return [(str(v.pk), f"{v.type.label} — {person_label(gate, v.victim)} — {v.date or '?'}")
            for v in record_queries.violations(gate) if v.collection_id in editable]


def article_choices() -> Choices:
    """Live articles, "CC 146 Torture"."""
    return [(a.code, str(a)) for a in queries.articles()]


def source_choices(gate: Gate) -> Choices:
    """Sources the user may see."""
    return BLANK + [(str(s.pk), s.title) for s in record_queries.sources(gate)]


def _pseudonym(party: Any) -> str:
    return str(party.person.pseudonym) if party.person else ""


def _blank(choices: Iterable[tuple[str, Any]]) -> Choices:
    return BLANK + list(choices)


def _multi(label: Any, choices: Choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(label=label, choices=choices, required=False,
                                     widget=forms.SelectMultiple(attrs={"size": 6}))


class ComplaintForm(forms.Form):
    """A complaint and, when it came, the authority's answer."""

    collection = forms.ChoiceField(label=_("Collection"))
    person = forms.ChoiceField(label=_("Victim"), required=False)
    filed_by = choice_field(_("Filed by"), FiledBy.choices, required=True)
    filer_name = line_field(_("Name of who filed it"), NAME_MAX)
    authority_kind = choice_field(_("Filed with"), AuthorityKind.choices, required=True)
    authority = forms.ChoiceField(label=_("Office"), required=False)
    filed_on = partial_date(_("Filed on"))
    reference = line_field(_("Reference number"), 200)
    violations = _multi(_("Violations complained of"), [])
    summary = long_text(_("What the complaint says"))
    response = choice_field(_("Answer"), _blank(ComplaintResponse.choices))
    response_on = partial_date(_("Answered on"))
    response_text = long_text(_("Answer as worded"), rows=3)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["filed_on"].required = True
        self.fields["collection"].choices = justice_collections(gate)
        self.fields["person"].choices = people_choices(gate)
        self.fields["authority"].choices = organisation_choices()
        self.fields["violations"].choices = violation_choices(gate)
        self.fields["response"].initial = ComplaintResponse.AWAITING


class ComplaintAnswerForm(forms.Form):
    """The authority's answer to a complaint."""

    response = choice_field(_("Answer"), ComplaintResponse.choices, required=True)
    response_on = partial_date(_("Answered on"))
    response_text = long_text(_("Answer as worded"), rows=3)


class ProceedingForm(forms.Form):
    """A case, with its first defendant (more can be added on the case page)."""

    collection = forms.ChoiceField(label=_("Collection"))
    against = choice_field(_("Against"), Against.choices, required=True)
    procedure = choice_field(_("Procedure"), Procedure.choices, required=True)
    number = line_field(_("Case number"), 200)
    authority_kind = choice_field(_("Authority"), _blank(AuthorityKind.choices))
    authority = forms.ChoiceField(label=_("Office or court"), required=False)
    place = forms.ChoiceField(label=_("Place"), required=False)
    person = forms.ChoiceField(label=_("Person concerned"), required=False)
    articles = _multi(_("Articles charged"), [])
    violations = _multi(_("Violations concerned"), [])
    summary = long_text(_("Summary"), rows=3)
    defendant_person = forms.ChoiceField(label=_("Defendant (a recorded person)"),
                                         required=False)
    defendant_name = line_field(_("…or the defendant's name as reported"), NAME_MAX)
    defendant_count = forms.IntegerField(label=_("Number of people this defendant stands for"),
                                         min_value=1, initial=1, required=False)
    complaint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].choices = justice_collections(gate)
        self.fields["authority"].choices = organisation_choices()
        self.fields["place"].choices = place_choices()
        people = people_choices(gate)
        self.fields["person"].choices = people
        self.fields["defendant_person"].choices = people
        self.fields["articles"].choices = article_choices()
        self.fields["violations"].choices = violation_choices(gate)

    def values(self) -> dict[str, Any]:
        """The service's input."""
        data = dict(self.cleaned_data)
        party = {"role": "defendant", "person": data.pop("defendant_person"),
                 "name": data.pop("defendant_name"),
                 "headcount": data.pop("defendant_count") or 1,
                 "is_official": data["against"] == Against.OFFICIALS}
        data["parties"] = [party] if party["person"] or party["name"] else []
        complaint = data.pop("complaint")
        data["complaints"] = [complaint] if complaint else []
        data.pop("collection")
        return data


class StageForm(forms.Form):
    """One new step; only the steps that may follow now are offered."""

    stage = forms.ChoiceField(label=_("Step"))
    date = partial_date(_("Date"))
    ground = choice_field(_("Legal ground (closure)"), _blank(ClosureGround.choices))
    result = choice_field(_("Result (appeal decision)"), _blank(AppealOutcome.choices))
    authority = forms.ChoiceField(label=_("Office or court"), required=False)
    articles = _multi(_("Articles (re-qualification, indictment)"), [])
    note = long_text(_("Note"), rows=3)
    source = forms.ChoiceField(label=_("Source"), required=False)
    corrects = forms.ChoiceField(label=_("Corrects an earlier entry"), required=False,
                                 help_text=_("History is never rewritten: a correction is a "
                                             "new entry that takes the place of a wrong one."))

    def __init__(self, gate: Gate, proceeding: Proceeding, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = {str(stage) for stage in queries.allowed_stages(proceeding)}
        entries = list(StageEntry.objects.filter(proceeding=proceeding).order_by("seq"))
        self.allowed = [(v, label) for v, label in StageKind.choices if v in allowed]
        others = [(v, label) for v, label in StageKind.choices if v not in allowed]
        offered: Choices = BLANK + [(_("Allowed next"), self.allowed)]
        if entries:
            offered.append((_("Only to correct an earlier entry"), others))
        self.fields["stage"].choices = offered
        self.fields["authority"].choices = organisation_choices()
        self.fields["articles"].choices = article_choices()
        self.fields["source"].choices = source_choices(gate)
        self.fields["corrects"].choices = BLANK + [
            (str(e.pk), f"#{e.seq} {e.get_stage_display()} {e.date}") for e in entries]
        self.defendants = list(proceeding.parties.filter(role="defendant"))
        for party in self.defendants:
            key = str(party.pk)
            self.fields[f"outcome_{key}"] = choice_field(_("Outcome"),
                                                         _blank(VerdictOutcome.choices))
            self.fields[f"sentence_kind_{key}"] = choice_field(_("Sentence"),
                                                               _blank(SentenceKind.choices))
            self.fields[f"sentence_days_{key}"] = forms.IntegerField(
                label=_("Sentence in days"), min_value=0, required=False)
            self.fields[f"sentence_text_{key}"] = line_field(_("Sentence as worded"), 300)
            self.fields[f"headcount_{key}"] = forms.IntegerField(
                label=_("Number of people"), min_value=1, required=False)
            self.fields[f"amnestied_{key}"] = forms.BooleanField(label=_("Amnestied"),
                                                                 required=False)

    def outcome_rows(self) -> list[tuple[Any, list[Any]]]:
        """(defendant's label, its bound fields) for the verdict table."""
        names = ("outcome", "sentence_kind", "sentence_days", "sentence_text", "headcount",
                 "amnestied")
        return [(party.name or (party.person.pseudonym if party.person else "—"),
                 [self[f"{name}_{party.pk}"] for name in names]) for party in self.defendants]

    def values(self) -> dict[str, Any]:
        """The service's input, with one outcome per defendant whose outcome was chosen."""
        data = {name: self.cleaned_data[name] for name in
                ("stage", "date", "ground", "result", "authority", "articles", "note",
                 "source", "corrects")}
        data["outcomes"] = [
            {"party": party.pk, "outcome": self.cleaned_data[f"outcome_{party.pk}"],
             "sentence_kind": self.cleaned_data[f"sentence_kind_{party.pk}"],
             "sentence_days": self.cleaned_data[f"sentence_days_{party.pk}"],
             "sentence_text": self.cleaned_data[f"sentence_text_{party.pk}"],
             "headcount": self.cleaned_data[f"headcount_{party.pk}"],
             "is_amnestied": self.cleaned_data[f"amnestied_{party.pk}"]}
            for party in self.defendants if self.cleaned_data.get(f"outcome_{party.pk}")]
        return data


class PartyForm(forms.Form):
    """Another defendant or victim."""

    role = choice_field(_("Role"), [("defendant", _("Defendant or suspect")),
                                    ("victim", _("Victim"))], required=True)
    person = forms.ChoiceField(label=_("A recorded person"), required=False)
    name = line_field(_("…or the name as reported"), NAME_MAX)
    position = line_field(_("Position or rank"), NAME_MAX)
    headcount = forms.IntegerField(label=_("Number of people"), min_value=1, initial=1,
                                   required=False)
    is_official = forms.BooleanField(label=_("An official"), required=False)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = people_choices(gate)


class RemedyForm(forms.Form):
    """What the victim obtained."""

    kind = choice_field(_("Remedy"), RemedyKind.choices, required=True)
    party = forms.ChoiceField(label=_("For"), required=False)
    amount = forms.DecimalField(label=_("Amount"), required=False, min_value=0,
                                max_digits=14, decimal_places=2)
    currency = line_field(_("Currency"), 3)
    date = partial_date(_("Date"))
    granted_by = line_field(_("Granted by"), 300)
    note = long_text(_("Note"), rows=2)

    def __init__(self, proceeding: Proceeding, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"].choices = BLANK + [
            (str(p.pk), f"{p.get_role_display()} {p.name or _pseudonym(p)}")
            for p in proceeding.parties.select_related("person")]


class DeadlineForm(forms.Form):
    """A time limit or next hearing."""

    kind = choice_field(_("What"), DeadlineKind.choices, required=True)
    due_on = forms.DateField(label=_("Due on"), help_text=_("YYYY-MM-DD"),
                             widget=forms.DateInput(attrs={"type": "date"}))
    note = line_field(_("What must be done"), 2000)


class HearingForm(forms.Form):
    """A monitor's report on one hearing, with the fair-trial checklist."""

    held_on = partial_date(_("Date of the hearing"))
    court = forms.ChoiceField(label=_("Court"), required=False)
    judge = line_field(_("Judge"), NAME_MAX)
    openness = choice_field(_("Was it public?"), Openness.choices, required=True)
    present = long_text(_("Who was present"), max_length=5000, rows=2)
    notes = long_text(_("Notes"), rows=4)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["held_on"].required = True
        self.fields["court"].choices = organisation_choices()
        self.indicators = list(queries.indicators())
        for indicator in self.indicators:
            self.fields[f"answer_{indicator.code}"] = forms.ChoiceField(
                label=indicator.title, required=False, choices=Answer.choices,
                widget=forms.RadioSelect)
            self.fields[f"note_{indicator.code}"] = forms.CharField(
                label=_("Note"), required=False, max_length=5000)

    def checklist(self) -> list[tuple[Any, Any, Any]]:
        """(indicator, answer field, note field) for the template."""
        return [(i, self[f"answer_{i.code}"], self[f"note_{i.code}"]) for i in self.indicators]

    def values(self) -> dict[str, Any]:
        """The service's input."""
        data = {name: self.cleaned_data[name] for name in
                ("held_on", "court", "judge", "openness", "present", "notes")}
        data["answers"] = {i.code: {"answer": self.cleaned_data[f"answer_{i.code}"],
                                    "note": self.cleaned_data[f"note_{i.code}"]}
                           for i in self.indicators}
        return data


class FigureForm(forms.Form):
    """A number an authority or organisation published."""

    collection = forms.ChoiceField(label=_("Collection"))
    indicator = line_field(_("Indicator code"), 80, required=True)
    label = line_field(_("What it counts"), 300)
    value = forms.DecimalField(label=_("Value"), min_value=0, max_digits=14, decimal_places=2)
    unit = choice_field(_("Unit"), [("count", _("Number")), ("percent", _("Percent"))],
                        required=True)
    is_lower_bound = forms.BooleanField(label=_("At least / over"), required=False)
    is_approximate = forms.BooleanField(label=_("Approximately"), required=False)
    as_of = partial_date(_("As of"))
    publisher = line_field(_("Published by"), 300, required=True)
    is_official = forms.BooleanField(label=_("Official (state) figure"), required=False,
                                     initial=True)
    source = forms.ChoiceField(label=_("Source"), required=False)
    funnel = choice_field(_("Funnel"), _blank(Funnel.choices))
    stage = choice_field(_("Funnel stage"), _blank(FunnelStage.choices))
    note = long_text(_("Note"), max_length=2000, rows=2)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["as_of"].required = True
        self.fields["collection"].choices = justice_collections(gate)
        self.fields["source"].choices = source_choices(gate)


class FunnelFilter(FilterForm):
    """Funnel filters: period, region, agency, violation type."""

    date_from = partial_date(_("From"))
    date_to = partial_date(_("To"))
    place = forms.ChoiceField(label=_("Region or place"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    type = forms.ChoiceField(label=_("Violation type"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date_from"].help_text = DATE_HELP
        self.fields["place"].choices = place_choices()
        self.fields["agency"].choices = vocabulary_choices(Vocabulary.AGENCY)
        self.fields["type"].choices = vocabulary_choices(Vocabulary.VIOLATION_TYPE)


class ProceedingFilter(FilterForm):
    """Case list filters."""

    against = forms.ChoiceField(label=_("Against"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = _blank(
            [(Funnel.PROSECUTIONS, _("Victims, activists and journalists"))]
            + list(Against.choices))
        self.fields["status"].choices = _blank(ProceedingStatus.choices)


class MonitoringFilter(FilterForm):
    """Monitoring aggregate filters."""

    date_from = partial_date(_("From"))
    date_to = partial_date(_("To"))
    against = forms.ChoiceField(label=_("Trials of"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["against"].choices = _blank(
            [(Funnel.PROSECUTIONS, _("Victims, activists and journalists")),
             (Against.OFFICIALS, _("Officials"))])

