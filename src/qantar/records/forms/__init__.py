"""Web forms for records: they parse what people type into the plain values services take.

Forms check only what a browser can get wrong (lengths, choices, required fields); every
domain rule stays in :mod:`qantar.records.services`, whose ``ValidationFailed`` errors the
views put next to the field they name. Choices come from the vocabularies in the active
language and, for collections, only from those where the user may edit records.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Capability
from qantar.accounts.queries import collection_choices
from qantar.common.access import Gate
from qantar.common.text import NAME_MAX, NARRATIVE_MAX, TITLE_MAX
from qantar.common.web import person_label
from qantar.records import queries
from qantar.records.choices import (
    InvolvementDegree,
    Language,
    NameKind,
    PersonStatus,
    PlaceKind,
    Reliability,
    Script,
    Sex,
    ViolationStatus,
)
from qantar.vocab.choices import Vocabulary
from qantar.vocab.queries import terms

DATE_HELP = _(
    "Type what the source says: 2022, 2022-01 or 2022-01-05. Start with ~ when it is "
    "approximate (~2022-02-15); use a slash for a range (2022-01-05/2022-01-12)."
)
REASON_HELP = _("Why you are changing this record. It is kept in the history.")
BLANK = [("", "—")]
Choices = list[tuple[str, Any]]


# --- choices --------------------------------------------------------------------------------


def vocabulary_choices(vocabulary: str, blank: bool = True) -> Choices:
    """The live terms of a vocabulary, labelled in the active language."""
    options = [(term.code, term.label) for term in terms(vocabulary)]
    return (BLANK + options) if blank else options


def place_choices() -> Choices:
    """Every place, labelled with its lineage (Kazakhstan › Almaty › …), sorted by label."""
    places = {place.pk: place for place in queries.places()}

    def lineage(place: Any) -> str:
        parts, seen = [], set()
        while place is not None and place.pk not in seen and len(parts) < 10:
            parts.append(place.name)
            seen.add(place.pk)
            place = places.get(place.parent_id)
        return " › ".join(reversed(parts))

    options = sorted(((str(pk), lineage(place)) for pk, place in places.items()),
                     key=lambda option: option[1].casefold())
    return BLANK + options


def organisation_choices() -> Choices:
    """Every organisation (agencies, units, courts…)."""
    return BLANK + [(str(org.pk), org.name) for org in queries.organisations()]


def editable_collections(gate: Gate) -> Choices:
    """The collections where the user may create and edit records."""
    return collection_choices(gate, Capability.EDIT_RECORDS)


# Up to this many people the victim select lists them all; beyond it, it lists the person
# already chosen and those whose name matches what was typed in the search box beside it
# (a select of thousands of names is unusable, and each name must be decrypted to show it).
VICTIMS_LISTED_IN_FULL = 200
VICTIMS_FOUND_AT_MOST = 50


def victim_choices(gate: Gate, search: str = "", selected: str = "") -> Choices:
    """People the user may name as a victim, by name (or pseudonym).

    All of them while there are few; otherwise the one already ``selected`` and those whose
    name matches ``search`` (the blind-index name search).
    """
    people = _editable_people(gate)
    if needs_victim_search(gate):
        chosen = list(people.filter(pk=selected)) if _is_uuid(selected) else []
        found = []
        if search.strip():
            matches = queries.people(gate, {"q": search[:200]})
            found = [p for p in matches.filter(collection_id__in=_editable(gate))
                     [:VICTIMS_FOUND_AT_MOST] if p.pk not in {c.pk for c in chosen}]
        people = [*chosen, *found]
    return BLANK + [
        (str(person.pk), f"{person_label(gate, person)} ({person.pseudonym})")
        for person in people
    ]


def needs_victim_search(gate: Gate) -> bool:
    """True when there are too many people to list them all in the victim select."""
    return bool(_editable_people(gate).count() > VICTIMS_LISTED_IN_FULL)


def _editable(gate: Gate) -> list[uuid.UUID]:
    return gate.collections(Capability.EDIT_RECORDS)


def _editable_people(gate: Gate) -> Any:
    return queries.people(gate).filter(collection_id__in=_editable(gate))


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def event_choices(gate: Gate) -> Choices:
    """Events in collections where the user may edit."""
    editable = set(gate.collections(Capability.EDIT_RECORDS))
    return BLANK + [
        (str(event.pk), f"{event.title} ({event.date})" if event.date else event.title)
        for event in queries.events(gate) if event.collection_id in editable
    ]


def source_choices(gate: Gate) -> Choices:
    """Sources the user may see."""
    return BLANK + [(str(source.pk), source.title) for source in queries.sources(gate)]


# --- fields ---------------------------------------------------------------------------------


def line(label: Any, max_length: int, required: bool = False, **extra: Any) -> forms.CharField:
    """A one-line text field."""
    return forms.CharField(label=label, max_length=max_length, required=required, **extra)


def long_text(label: Any, max_length: int = NARRATIVE_MAX, rows: int = 6,
              **extra: Any) -> forms.CharField:
    """A multi-line text field (kept as typed, line breaks included)."""
    return forms.CharField(label=label, max_length=max_length, required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": rows}), **extra)


def partial_date(label: Any) -> forms.CharField:
    """A partial date typed as text; services check it."""
    return forms.CharField(label=label, max_length=64, required=False, help_text=DATE_HELP,
                           widget=forms.TextInput(attrs={"inputmode": "numeric",
                                                         "autocomplete": "off",
                                                         "placeholder": "2022-01-05"}))


def choice(label: Any, choices: Any = (), required: bool = False,
           **extra: Any) -> forms.ChoiceField:
    """A drop-down list."""
    return forms.ChoiceField(label=label, choices=choices, required=required, **extra)


def checkboxes(label: Any) -> forms.MultipleChoiceField:
    """Several choices as check boxes."""
    return forms.MultipleChoiceField(label=label, required=False,
                                     widget=forms.CheckboxSelectMultiple)


class CollectionForm(forms.Form):
    """A record form that starts with the collection the record will belong to."""

    collection = forms.TypedChoiceField(
        label=_("Collection"), coerce=uuid.UUID, required=True,
        help_text=_("Who may see this record depends on its collection."))

    def __init__(self, gate: Gate, *args: Any, with_collection: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate
        if not with_collection:
            del self.fields["collection"]
            return
        options = editable_collections(gate)
        self.fields["collection"].choices = options
        if len(options) == 1:
            self.fields["collection"].initial = options[0][0]
            self.fields["collection"].widget = forms.HiddenInput()


class ReasonMixin(forms.Form):
    """An optional reason for an edit, kept in the history."""

    reason = line(_("Reason for the change"), 500, help_text=REASON_HELP)


# --- people ---------------------------------------------------------------------------------


class PersonForm(CollectionForm):
    """A person's details (names are a formset beside it)."""

    sex = choice(_("Sex"), Sex.choices, initial=Sex.UNKNOWN)
    status = choice(_("Status"), PersonStatus.choices, initial=PersonStatus.UNKNOWN)
    age = forms.IntegerField(label=_("Age at the time of the events"), required=False,
                             min_value=0, max_value=130)
    groups = checkboxes(_("Groups"))
    birth_date = partial_date(_("Birth date"))
    iin = line(_("Identity number (IIN)"), 32)
    occupation = line(_("Occupation"), NAME_MAX)
    contact = long_text(_("Contact and address"), 5000, rows=3)
    notes = long_text(_("Notes"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = vocabulary_choices(Vocabulary.VICTIM_GROUP, blank=False)


class PersonEditForm(ReasonMixin, PersonForm):
    """Editing a person: no collection change, a reason for the history."""

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(gate, *args, with_collection=False, **kwargs)


class NameForm(forms.Form):
    """One name of a person as a source wrote it."""

    value = line(_("Name"), NAME_MAX, widget=forms.TextInput(attrs={"autocomplete": "off"}))
    script = choice(_("Script"), [("", _("Detect"))] + Script.choices)
    language = choice(_("Language"), Language.choices, initial=Language.RUSSIAN)
    kind = choice(_("Kind"), NameKind.choices, initial=NameKind.AS_WRITTEN)


NameFormSet = forms.formset_factory(NameForm, extra=0, min_num=1, max_num=30,
                                    validate_max=True)


# --- events, sources, testimonies -----------------------------------------------------------


class EventForm(CollectionForm):
    """What happened, where and when."""

    title = line(_("Title"), TITLE_MAX, required=True)
    date = partial_date(_("Date"))
    place = choice(_("Place"))
    description = long_text(_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["place"].choices = place_choices()


class EventEditForm(ReasonMixin, EventForm):
    """Editing an event."""

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(gate, *args, with_collection=False, **kwargs)


class SourceForm(CollectionForm):
    """Where facts come from, with a reliability grade."""

    title = line(_("Title"), TITLE_MAX, required=True)
    source_type = choice(_("Type"), required=True)
    publisher = line(_("Publisher or author"), NAME_MAX)
    published = partial_date(_("Published"))
    language = choice(_("Language"), Language.choices, initial=Language.ENGLISH)
    url = line(_("Address (URL)"), 1000, widget=forms.URLInput)
    reliability = choice(_("Reliability"), Reliability.choices, initial=Reliability.F,
                         help_text=_("How far the source can usually be trusted (A best, "
                                     "F when it cannot be judged)."))
    description = long_text(_("Description"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_type"].choices = vocabulary_choices(Vocabulary.SOURCE_TYPE)


class SourceEditForm(ReasonMixin, SourceForm):
    """Editing a source."""

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(gate, *args, with_collection=False, **kwargs)


class TestimonyForm(forms.Form):
    """A person's own account."""

    text = long_text(_("Testimony"), rows=12)
    language = choice(_("Language"), Language.choices, initial=Language.RUSSIAN)
    taken_on = partial_date(_("Date taken"))
    taken_by = line(_("Taken by"), 200)

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].required = True


class TestimonyEditForm(ReasonMixin, TestimonyForm):
    """Editing a testimony: the old text stays in the history."""


# --- violations -----------------------------------------------------------------------------


class ViolationForm(forms.Form):
    """What was done to a victim (perpetrators are a formset beside it)."""

    victim = choice(_("Victim"), required=True)
    event = choice(_("Event"), help_text=_("The event this was part of, if any."))
    type = choice(_("Type of violation"), required=True)
    methods = checkboxes(_("Methods"))
    consequences = checkboxes(_("Consequences"))
    date = partial_date(_("Date"))
    place = choice(_("Place"))
    status = choice(_("Status"), ViolationStatus.choices, initial=ViolationStatus.ALLEGED,
                    help_text=_("Alleged: reported. Corroborated: supported by another "
                                "source. Verified: checked by your organisation."))
    description = long_text(_("Description"))

    def __init__(self, gate: Gate, *args: Any, with_victim: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.gate = gate
        if with_victim:
            values = self.data if self.is_bound else self.initial
            self.victim_search = str(values.get("victim_search", ""))[:200]
            self.fields["victim"].choices = victim_choices(
                gate, self.victim_search, str(values.get("victim", ""))
            )
            self.victim_is_searched = needs_victim_search(gate)
        else:
            del self.fields["victim"]
        self.fields["event"].choices = event_choices(gate)
        self.fields["type"].choices = vocabulary_choices(Vocabulary.VIOLATION_TYPE)
        self.fields["methods"].choices = vocabulary_choices(Vocabulary.TORTURE_METHOD, False)
        self.fields["consequences"].choices = vocabulary_choices(Vocabulary.CONSEQUENCE, False)
        self.fields["place"].choices = place_choices()


class ViolationEditForm(ReasonMixin, ViolationForm):
    """Editing a violation (its victim cannot change)."""

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(gate, *args, with_victim=False, **kwargs)


class PerpetratorForm(forms.Form):
    """Who was responsible: an organisation or unit, and/or a name as reported."""

    organisation = choice(_("Organisation or unit"))
    perpetrator_name = line(_("Name as reported"), NAME_MAX)
    degree = choice(_("Involvement"), InvolvementDegree.choices,
                    initial=InvolvementDegree.UNKNOWN)

    def __init__(self, *args: Any, organisations: Choices = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = organisations


PerpetratorFormSet = forms.formset_factory(PerpetratorForm, extra=1, max_num=30,
                                           validate_max=True)


# --- citing, deleting -----------------------------------------------------------------------


class CiteForm(forms.Form):
    """A source in support of a record."""

    source = choice(_("Source"), required=True)
    locator = line(_("Page or place in the source"), 200)
    quote = long_text(_("Quote"), 20_000, rows=4,
                      help_text=_("The words of the source that support the record."))

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = source_choices(gate)


class DeleteForm(forms.Form):
    """A soft deletion needs a reason."""

    reason = line(_("Reason"), 500, required=True,
                  help_text=_("The record stays in the database and in its history; it is "
                              "hidden from lists. Say why, for the people who check later."))


# --- quick creation from inside another form ------------------------------------------------


class QuickPlaceForm(forms.Form):
    """A new place typed inside an event or violation form."""

    use_required_attribute = False

    name = line(_("Name of the place"), NAME_MAX)
    kind = choice(_("Kind"), PlaceKind.choices, initial=PlaceKind.SITE)
    parent = choice(_("Part of"))
    site_type = choice(_("Site type"))

    def __init__(self, gate: Gate, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = place_choices()
        self.fields["site_type"].choices = vocabulary_choices(Vocabulary.SITE_TYPE)

    def values(self) -> dict[str, Any]:
        """Input for services.create_place."""
        return dict(self.cleaned_data)


class QuickPersonForm(CollectionForm):
    """A new victim (one name) typed inside a violation form."""

    use_required_attribute = False

    name = line(_("Name of the person"), NAME_MAX)

    def values(self) -> dict[str, Any]:
        """Input for services.record_person."""
        return {"names": [{"value": self.cleaned_data["name"]}]}


class QuickEventForm(CollectionForm):
    """A new event typed inside a violation form."""

    use_required_attribute = False

    title = line(_("Title of the event"), TITLE_MAX)
    date = partial_date(_("Date"))

    def values(self) -> dict[str, Any]:
        """Input for services.record_event_record."""
        return {"title": self.cleaned_data["title"], "date": self.cleaned_data["date"]}


# --- filters --------------------------------------------------------------------------------


class FilterForm(forms.Form):
    """A list's filters (GET); every field is optional.

    With a ``gate``, a ``collection`` field offers the collections the user may see, and is
    left out when there is only one.
    """

    def __init__(self, *args: Any, gate: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "collection" in self.fields:
            visible = [] if gate is None else collection_choices(gate, Capability.VIEW_RECORDS)
            if len(visible) > 1:
                self.fields["collection"].choices = BLANK + visible
            else:
                del self.fields["collection"]
        for field in self.fields.values():
            field.required = False

    def values(self) -> dict[str, Any]:
        """The filters that were given and are valid."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in getattr(self, "cleaned_data", {}).items() if value}


class PersonFilter(FilterForm):
    """Filters for the list of people."""

    q = forms.CharField(label=_("Name"), max_length=200, widget=forms.TextInput(
        attrs={"type": "search", "class": "search-input", "autocomplete": "off",
               "placeholder": _("Any spelling, Latin or Cyrillic")}))
    status = choice(_("Status"), BLANK + PersonStatus.choices)
    sex = choice(_("Sex"), BLANK + Sex.choices)
    group = choice(_("Group"))
    collection = choice(_("Collection"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = vocabulary_choices(Vocabulary.VICTIM_GROUP)


class DateRangeFilter(FilterForm):
    """From and to dates (partial dates allowed)."""

    date_from = forms.CharField(label=_("From"), max_length=64,
                                widget=forms.TextInput(attrs={"placeholder": "2022-01"}))
    date_to = forms.CharField(label=_("To"), max_length=64,
                              widget=forms.TextInput(attrs={"placeholder": "2022-01-31"}))


class EventFilter(DateRangeFilter):
    """Filters for the list of events."""

    q = forms.CharField(label=_("Words"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "class": "search-input"}))
    type = choice(_("Violation type"))
    place = choice(_("Place"))
    field_order = ["q", "type", "place", "date_from", "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = vocabulary_choices(Vocabulary.VIOLATION_TYPE)
        self.fields["place"].choices = place_choices()


class ViolationFilter(DateRangeFilter):
    """Filters for the list of violations."""

    q = forms.CharField(label=_("Victim's name"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "class": "search-input"}))
    type = choice(_("Type"))
    method = choice(_("Method"))
    place = choice(_("Place"))
    agency = choice(_("Agency"))
    group = choice(_("Victim group"))
    status = choice(_("Status"), BLANK + ViolationStatus.choices)
    field_order = ["q", "type", "method", "place", "agency", "group", "status", "date_from",
                   "date_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = vocabulary_choices(Vocabulary.VIOLATION_TYPE)
        self.fields["method"].choices = vocabulary_choices(Vocabulary.TORTURE_METHOD)
        self.fields["place"].choices = place_choices()
        self.fields["agency"].choices = vocabulary_choices(Vocabulary.AGENCY)
        self.fields["group"].choices = vocabulary_choices(Vocabulary.VICTIM_GROUP)


class SourceFilter(FilterForm):
    """Filters for the list of sources."""

    q = forms.CharField(label=_("Title or publisher"), max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "class": "search-input"}))

