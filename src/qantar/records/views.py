"""Record pages: thin adapters that parse a request, call queries or services, and render.

Every view gets the user's gate once (:func:`qantar.common.web.gated`). Records the user may
not see are "not found" (the error middleware turns ``NotFound`` into a 404). Names and
identifying details reach a template only where the gate says the user sees identities;
everywhere else a person is shown by pseudonym.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.common.access import Gate
from qantar.common.web import (
    gated,
    page_of,
    person_label,
    query_without,
    show_error,
    wants_fragment,
    without_errors,
)
from qantar.core.errors import NotFound, PermissionDenied, ValidationFailed
from qantar.records import forms as record_forms
from qantar.records import queries, services
from qantar.records.models import Event, Person, Testimony, Violation
from qantar.vocab.choices import Vocabulary
from qantar.vocab.queries import terms

FORM_METHODS = require_http_methods(["GET", "POST"])
Form = forms.Form | forms.BaseFormSet  # type: ignore[type-arg]


# --- helpers --------------------------------------------------------------------------------


def _require_editor(gate: Gate) -> None:
    """Creating records needs a collection where the user may edit."""
    if not gate.collections(Capability.EDIT_RECORDS):
        raise PermissionDenied()


def _label(gate: Gate, people: Iterable[Person]) -> None:
    """Give each person the name this user may see (``shown_name``)."""
    for person in people:
        person.shown_name = person_label(gate, person)  # type: ignore[attr-defined]


def _value_text(value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def _names_for(gate: Gate, field: str, ids: set[str]) -> dict[str, str]:
    """Readable names for ids kept in history (places, events, terms, organisations)."""
    numeric = {value for value in ids if value.isdigit()}
    ids = {value for value in ids if _is_uuid(value)}
    if field == "place":
        return {str(p.pk): p.name for p in queries.places().filter(pk__in=ids)}
    if field == "event":
        return {str(e.pk): e.title for e in queries.events(gate).filter(pk__in=ids)}
    if field == "involvements":
        return {str(o.pk): o.name for o in queries.organisations().filter(pk__in=ids)}
    vocabulary = {"type": Vocabulary.VIOLATION_TYPE, "source_type": Vocabulary.SOURCE_TYPE}
    return {str(t.pk): t.label for t in terms(vocabulary[field], include_deprecated=True)
            .filter(pk__in=numeric)}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _involvement_text(value: str, organisations: dict[str, str]) -> str:
    organisation, _sep, rest = value.partition("|")
    name, _sep, degree = rest.rpartition("|")
    who = ", ".join(part for part in (organisations.get(organisation, organisation), name) if part)
    return f"{who} ({degree})" if degree else who


REFERENCE_FIELDS = ("place", "event", "type", "source_type", "involvements")


def _history(gate: Gate, record: Any) -> list[dict[str, Any]]:
    """The record's history with field labels and readable values (names, not ids)."""
    items = queries.history(gate, record)
    labels = {field.name: getattr(field, "verbose_name", field.name)
              for field in record._meta.get_fields()}
    labels.update({"names": _("names"), "involvements": _("perpetrators"),
                   "deleted": _("deleted")})
    known: dict[str, dict[str, str]] = {}
    for field in REFERENCE_FIELDS:
        values = {value for item in items for pair in [item.changes.get(field) or []]
                  for side in pair for value in (side if isinstance(side, list) else [side])
                  if isinstance(value, str)}
        if field == "involvements":
            values = {value.partition("|")[0] for value in values}
        known[field] = _names_for(gate, field, values)

    def readable(field: str, value: Any) -> str:
        if field == "involvements" and isinstance(value, list):
            return _value_text([_involvement_text(v, known[field]) for v in value])
        if field in known and isinstance(value, str):
            return known[field].get(value, value) or "—"
        return _value_text(value)

    return [
        {"item": item, "action": AuditAction(item.action).label if item.action in
         AuditAction.values else item.action,
         "changes": [(labels.get(name, name), readable(name, old), readable(name, new))
                     for name, (old, new) in item.changes.items()]}
        for item in items
    ]


def _citations(gate: Gate, record: Any, identities: bool) -> list[Any]:
    """Citations of a record; quotes (sealed under the record's key) only with identities."""
    citations = list(queries.citations_of(gate, record))
    for citation in citations:
        citation.shown_quote = citation.quote if identities else ""
    return citations


def _can_edit(gate: Gate, record: Any) -> bool:
    return gate.can(record.collection_id, Capability.EDIT_RECORDS)


def _valid(*items: Form) -> bool:
    """Validate every form (all of them, so every error shows at once)."""
    return all([item.is_valid() for item in items])


def _write(form: forms.Form, write: Callable[[], Any],
           elsewhere: Sequence[str] = ()) -> tuple[Any, dict[str, str]]:
    """Call a service; a ValidationFailed goes next to its field. Returns (record, problems)."""
    try:
        return write(), {}
    except ValidationFailed as error:
        field = show_error(form, error, elsewhere)
        return None, ({field: error.message} if field in elsewhere else {})


# --- inline creation of related records -----------------------------------------------------


@dataclass(frozen=True)
class Picker:
    """A select in a form with a small "new …" form beside it."""

    form: type[forms.Form]
    field: str
    create: Callable[[Gate, Any], Any]
    choices: Callable[[Gate], list[tuple[str, Any]]]
    title: Any
    label: Any


PICKERS: dict[str, Picker] = {
    "place": Picker(
        record_forms.QuickPlaceForm, "place",
        lambda gate, form: services.create_place(gate, form.values()),
        lambda gate: record_forms.place_choices(), _("New place"), _("Place"),
    ),
    "victim": Picker(
        record_forms.QuickPersonForm, "victim",
        lambda gate, form: services.record_person(gate, form.cleaned_data["collection"],
                                                  form.values()),
        record_forms.victim_choices, _("New person"), _("Victim"),
    ),
    "event": Picker(
        record_forms.QuickEventForm, "event",
        lambda gate, form: services.record_event_record(gate, form.cleaned_data["collection"],
                                                        form.values()),
        record_forms.event_choices, _("New event"), _("Event"),
    ),
}


def _quick_forms(gate: Gate, kinds: Iterable[str], data: Any = None) -> dict[str, forms.Form]:
    return {kind: PICKERS[kind].form(gate, data, prefix=f"new_{kind}") for kind in kinds}


def _create_related(gate: Gate, kind: str, data: QueryDict) -> tuple[QueryDict, forms.Form]:
    """Create a place, person or event typed inside another form; select it in ``data``."""
    picker = PICKERS[kind]
    quick = picker.form(gate, data, prefix=f"new_{kind}")
    data = data.copy()
    if quick.is_valid():
        record, _problems = _write(quick, lambda: picker.create(gate, quick))
        if record is not None:
            data[picker.field] = str(record.pk)
            quick = picker.form(gate, prefix=f"new_{kind}")
    return data, quick


def _interim(request: HttpRequest, gate: Gate,
             kinds: Sequence[str]) -> tuple[QueryDict | None, dict[str, forms.Form], bool]:
    """Handle a form submitted to add a row or a related record (pages without JavaScript).

    Returns the data to show, the small "new …" forms, and whether this was such a submission
    (then the form is shown again, with what was typed, instead of being saved).
    """
    quicks = _quick_forms(gate, kinds)
    if request.method != "POST":
        return None, quicks, False
    data = request.POST
    adding, more = data.get("_add", ""), data.get("_more", "")
    if adding in kinds:
        data, quicks[adding] = _create_related(gate, adding, data)
        return data, quicks, True
    if more in {"names", "perpetrators"}:
        data = data.copy()
        total = f"{more}-TOTAL_FORMS"
        try:
            data[total] = str(min(int(data.get(total, "0")) + 1, 30))
        except ValueError:
            pass
        return data, quicks, True
    return data, quicks, False


@require_POST
@gated
def quick_create(request: HttpRequest, gate: Gate, kind: str) -> HttpResponse:
    """htmx: create a related record and return its select with the new record chosen."""
    if kind not in PICKERS:
        raise Http404()
    picker = PICKERS[kind]
    data, quick = _create_related(gate, kind, request.POST)
    select = forms.ChoiceField(label=picker.label, choices=picker.choices(gate),
                               required=picker.field == "victim")
    holder = forms.Form(data={picker.field: data.get(picker.field, "")})
    holder.fields[picker.field] = select
    created = data.get(picker.field) != request.POST.get(picker.field)
    return render(request, "records/_picker.html", {
        "field": holder[picker.field], "quick": quick, "kind": kind, "picker": picker,
        "created": created,
    })


# --- home and lists -------------------------------------------------------------------------


@require_safe
@gated
def home(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Documented counts the user may see, and where to go next."""
    return render(request, "records/home.html", {
        "counts": queries.counts(gate),
        "can_create": bool(gate.collections(Capability.EDIT_RECORDS)),
    })


def _list_page(request: HttpRequest, gate: Gate, *, noun: str,
               query: Callable[[Gate, dict[str, Any]], Any],
               filter_form: type[record_forms.FilterForm],
               prepare: Callable[[Gate, list[Any]], None] | None = None) -> HttpResponse:
    """A filtered, paginated list; htmx filter requests get only the results."""
    filters = filter_form(request.GET or None)
    values = filters.values()
    try:
        items = query(gate, values)
    except ValidationFailed as error:
        show_error(filters, error)
        values.pop(error.field or "", None)
        items = query(gate, values)
    page = page_of(request, items)
    page.object_list = list(page.object_list)
    if prepare is not None:
        prepare(gate, page.object_list)
    context = {
        "filters": filters, "page": page, "query": query_without(request, "page"),
        "noun": noun, "searching": bool(values),
        "can_create": bool(gate.collections(Capability.EDIT_RECORDS)),
        "name_search_limited": bool(values.get("q")) and not gate.collections(
            Capability.VIEW_IDENTITIES),
    }
    template = "_results" if wants_fragment(request) else "_list"
    return render(request, f"records/{noun}{template}.html", context)


def _prepare_people(gate: Gate, people: list[Person]) -> None:
    _label(gate, people)
    for person in people:
        person.other_names = ([name.value for name in list(person.names.all())[1:]]  # type: ignore[attr-defined]
                              if gate.sees_identities(person.collection_id) else [])


def _prepare_violations(gate: Gate, violations: list[Violation]) -> None:
    _label(gate, [violation.victim for violation in violations])


@require_safe
@gated
def person_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """People, searchable by any spelling of any of their names."""
    return _list_page(request, gate, noun="person", query=queries.people,
                      filter_form=record_forms.PersonFilter, prepare=_prepare_people)


@require_safe
@gated
def event_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Events by date, filtered by words, place, type and dates."""
    return _list_page(request, gate, noun="event", query=queries.events,
                      filter_form=record_forms.EventFilter)


@require_safe
@gated
def violation_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Violations, filtered as documenters need."""
    return _list_page(request, gate, noun="violation", query=queries.violations,
                      filter_form=record_forms.ViolationFilter, prepare=_prepare_violations)


@require_safe
@gated
def source_list(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Sources by title."""
    return _list_page(request, gate, noun="source", query=queries.sources,
                      filter_form=record_forms.SourceFilter)


# --- detail pages ---------------------------------------------------------------------------


@require_safe
@gated
def person_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A person: names (if the user may see them), violations, testimonies, sources, history."""
    person = queries.person(gate, pk)
    identities = gate.sees_identities(person.collection_id)
    _label(gate, [person])
    violations = list(queries.violations(gate).filter(victim=person))
    return render(request, "records/person_detail.html", {
        "person": person, "identities": identities,
        "names": list(person.names.all()) if identities else [],
        "violations": violations,
        "testimonies": list(queries.testimonies_of(gate, person)),
        "citations": _citations(gate, person, identities),
        "history": _history(gate, person),
        "audit": list(queries.audit_trail(gate, person)[:200]),
        "can_edit": _can_edit(gate, person),
    })


@require_safe
@gated
def event_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """An event: its victims, the perpetrators named, its sources and history."""
    event = queries.event(gate, pk)
    violations = list(queries.violations(gate, {"event": event.pk}))
    _prepare_violations(gate, violations)
    involvements = [(violation, involvement) for violation in violations
                    for involvement in violation.involvements.all()]
    return render(request, "records/event_detail.html", {
        "event": event, "violations": violations, "involvements": involvements,
        "identities": gate.sees_identities(event.collection_id),
        "citations": _citations(gate, event, True),
        "history": _history(gate, event), "can_edit": _can_edit(gate, event),
    })


@require_safe
@gated
def violation_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A violation: victim, event, place, methods, consequences, perpetrators, sources."""
    violation = queries.violation(gate, pk)
    identities = gate.sees_identities(violation.collection_id)
    _label(gate, [violation.victim])
    return render(request, "records/violation_detail.html", {
        "violation": violation, "identities": identities,
        "lineage": violation.place.lineage() if violation.place else [],
        "involvements": list(violation.involvements.all()),
        "citations": _citations(gate, violation, identities),
        "history": _history(gate, violation), "can_edit": _can_edit(gate, violation),
    })


def _citing_rows(gate: Gate, found: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The records a source supports, as (kind, text, link) for the page."""
    rows = []
    for kind, record in found:
        if isinstance(record, Person):
            text, url = person_label(gate, record), reverse("records:person_detail",
                                                            args=[record.pk])
        elif isinstance(record, Violation):
            text = f"{record.type.label} — {person_label(gate, record.victim)}"
            url = reverse("records:violation_detail", args=[record.pk])
        elif isinstance(record, Event):
            text, url = record.title, reverse("records:event_detail", args=[record.pk])
        else:
            text = _t("Testimony of %(person)s") % {"person": person_label(gate, record.person)}
            url = reverse("records:person_detail", args=[record.person_id])
        rows.append({"kind": kind, "kind_label": KIND_LABELS.get(kind, kind), "text": text,
                     "url": url})
    return rows


KIND_LABELS = {"person": _("Person"), "event": _("Event"), "violation": _("Violation"),
               "testimony": _("Testimony")}


@require_safe
@gated
def source_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A source and the records it supports."""
    source = queries.source(gate, pk)
    return render(request, "records/source_detail.html", {
        "source": source, "citing": _citing_rows(gate, queries.records_citing(gate, source)),
        "history": _history(gate, source), "can_edit": _can_edit(gate, source),
    })


# --- people: create and edit ----------------------------------------------------------------


NEW_NAMES = [{"language": "ru"}, {"language": "en"}]


def _person_values(form: forms.Form, names: forms.BaseFormSet) -> dict[str, Any]:  # type: ignore[type-arg]
    values = {key: value for key, value in form.cleaned_data.items()
              if key not in {"collection", "reason"}}
    values["names"] = [row.cleaned_data for row in names.forms
                       if getattr(row, "cleaned_data", {}).get("value")]
    return values


def _person_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "records/person_form.html", context)


@FORM_METHODS
@gated
def person_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a person with several names (each with script, language and kind)."""
    _require_editor(gate)
    data, _quicks, interim = _interim(request, gate, [])
    form = record_forms.PersonForm(gate, data)
    names = record_forms.NameFormSet(data, prefix="names", initial=NEW_NAMES)
    problems: dict[str, str] = {}
    if data is not None and not interim and _valid(form, names):
        person, problems = _write(form, lambda: services.record_person(
            gate, form.cleaned_data["collection"], _person_values(form, names)), ["names"])
        if person is not None:
            messages.success(request, _t("The person was recorded as %(p)s.")
                             % {"p": person.pseudonym})
            return redirect("records:person_detail", pk=person.pk)
    if interim:
        without_errors([form, names])
    return _person_page(request, {"form": form, "names": names, "formsets": [names],
                                  "problems": problems, "is_new": True})


@FORM_METHODS
@gated
def person_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a person; the old values stay in the history."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    data, _quicks, interim = _interim(request, gate, [])
    initial = {"sex": person.sex, "status": person.status, "age": person.age,
               "groups": [term.code for term in person.groups.all()],
               "birth_date": person.birth_date or "", "iin": person.iin or "",
               "occupation": person.occupation or "", "contact": person.contact or "",
               "notes": person.notes or ""}
    form = record_forms.PersonEditForm(gate, data, initial=initial)
    names = record_forms.NameFormSet(data, prefix="names", initial=[
        {"value": n.value, "script": n.script, "language": n.language, "kind": n.kind}
        for n in person.names.all()])
    problems: dict[str, str] = {}
    if data is not None and not interim and _valid(form, names):
        saved, problems = _write(form, lambda: services.update_person(
            gate, person, _person_values(form, names), reason=form.cleaned_data["reason"]),
            ["names"])
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:person_detail", pk=person.pk)
    if interim:
        without_errors([form, names])
    _label(gate, [person])
    return _person_page(request, {"form": form, "names": names, "formsets": [names],
                                  "problems": problems, "record": person, "is_new": False})


# --- events and sources ---------------------------------------------------------------------


def _plain_values(form: forms.Form) -> dict[str, Any]:
    return {key: value for key, value in form.cleaned_data.items()
            if key not in {"collection", "reason"}}


@FORM_METHODS
@gated
def event_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record an event; a new place can be added from the form."""
    _require_editor(gate)
    data, quicks, interim = _interim(request, gate, ["place"])
    form = record_forms.EventForm(gate, data)
    if data is not None and not interim and form.is_valid():
        event, _problems = _write(form, lambda: services.record_event_record(
            gate, form.cleaned_data["collection"], _plain_values(form)))
        if event is not None:
            messages.success(request, _t("The event was recorded."))
            return redirect("records:event_detail", pk=event.pk)
    if interim:
        without_errors([form])
    return render(request, "records/event_form.html", {"form": form, "quicks": quicks,
                                                        "pickers": PICKERS, "is_new": True})


@FORM_METHODS
@gated
def event_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change an event, keeping history."""
    event = queries.event(gate, pk)
    gate.require(event.collection_id, Capability.EDIT_RECORDS)
    data, quicks, interim = _interim(request, gate, ["place"])
    form = record_forms.EventEditForm(gate, data, initial={
        "title": event.title, "date": event.date, "place": str(event.place_id or ""),
        "description": event.description or ""})
    if data is not None and not interim and form.is_valid():
        saved, _problems = _write(form, lambda: services.update_event(
            gate, event, _plain_values(form), reason=form.cleaned_data["reason"]))
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:event_detail", pk=event.pk)
    if interim:
        without_errors([form])
    return render(request, "records/event_form.html", {"form": form, "quicks": quicks,
                                                        "pickers": PICKERS, "record": event,
                                                        "is_new": False})


@FORM_METHODS
@gated
def source_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a source with its reliability grade."""
    _require_editor(gate)
    form = record_forms.SourceForm(gate, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        source, _problems = _write(form, lambda: services.record_source(
            gate, form.cleaned_data["collection"], _plain_values(form)))
        if source is not None:
            messages.success(request, _t("The source was recorded."))
            return redirect(request.GET.get("next") if _is_local(request.GET.get("next"))
                            else reverse("records:source_detail", args=[source.pk]))
    return render(request, "records/source_form.html", {"form": form, "is_new": True})


def _is_local(url: str | None) -> bool:
    """Only redirect to this site's own paths."""
    return bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url


@FORM_METHODS
@gated
def source_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a source, keeping history."""
    source = queries.source(gate, pk)
    gate.require(source.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.SourceEditForm(
        gate, request.POST if request.method == "POST" else None, initial={
            "title": source.title, "source_type": source.source_type.code,
            "publisher": source.publisher, "published": source.published,
            "language": source.language, "url": source.url, "reliability": source.reliability,
            "description": source.description or ""})
    if form.is_bound and form.is_valid():
        saved, _problems = _write(form, lambda: services.update_source(
            gate, source, _plain_values(form), reason=form.cleaned_data["reason"]))
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:source_detail", pk=source.pk)
    return render(request, "records/source_form.html", {"form": form, "record": source,
                                                         "is_new": False})


# --- violations -----------------------------------------------------------------------------


def _violation_values(form: forms.Form, perpetrators: forms.BaseFormSet) -> dict[str, Any]:  # type: ignore[type-arg]
    values = _plain_values(form)
    values["involvements"] = [
        row.cleaned_data for row in perpetrators.forms
        if getattr(row, "cleaned_data", {}).get("organisation")
        or getattr(row, "cleaned_data", {}).get("perpetrator_name")
    ]
    return values


def _perpetrator_formset(data: Any, initial: list[dict[str, Any]] | None = None) -> Any:
    return record_forms.PerpetratorFormSet(
        data, prefix="perpetrators", initial=initial,
        form_kwargs={"organisations": record_forms.organisation_choices()})


def _violation_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    return render(request, "records/violation_form.html", context | {"pickers": PICKERS})


@FORM_METHODS
@gated
def violation_create(request: HttpRequest, gate: Gate) -> HttpResponse:
    """Record a violation; victim, event and place can be created from the form."""
    _require_editor(gate)
    data, quicks, interim = _interim(request, gate, ["victim", "event", "place"])
    form = record_forms.ViolationForm(gate, data, initial={
        "victim": request.GET.get("victim", ""), "event": request.GET.get("event", "")})
    perpetrators = _perpetrator_formset(data)
    problems: dict[str, str] = {}
    if data is not None and not interim and _valid(form, perpetrators):
        violation, problems = _write(form, lambda: services.record_violation(
            gate, _violation_values(form, perpetrators)), ["involvements"])
        if violation is not None:
            messages.success(request, _t("The violation was recorded."))
            return redirect("records:violation_detail", pk=violation.pk)
    if interim:
        without_errors([form, perpetrators])
    return _violation_page(request, {"form": form, "perpetrators": perpetrators,
                                     "formsets": [perpetrators], "quicks": quicks,
                                     "problems": problems, "is_new": True})


@FORM_METHODS
@gated
def violation_edit(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Change a violation (not its victim), keeping history."""
    violation = queries.violation(gate, pk)
    gate.require(violation.collection_id, Capability.EDIT_RECORDS)
    data, quicks, interim = _interim(request, gate, ["event", "place"])
    form = record_forms.ViolationEditForm(gate, data, initial={
        "event": str(violation.event_id or ""), "type": violation.type.code,
        "methods": [term.code for term in violation.methods.all()],
        "consequences": [term.code for term in violation.consequences.all()],
        "date": violation.date, "place": str(violation.place_id or ""),
        "status": violation.status, "description": violation.description or ""})
    perpetrators = _perpetrator_formset(data, [
        {"organisation": str(inv.organisation_id or ""),
         "perpetrator_name": inv.perpetrator_name or "", "degree": inv.degree}
        for inv in violation.involvements.all()])
    problems: dict[str, str] = {}
    if data is not None and not interim and _valid(form, perpetrators):
        saved, problems = _write(form, lambda: services.update_violation(
            gate, violation, _violation_values(form, perpetrators),
            reason=form.cleaned_data["reason"]), ["involvements"])
        if saved is not None:
            messages.success(request, _t("The changes were saved."))
            return redirect("records:violation_detail", pk=violation.pk)
    if interim:
        without_errors([form, perpetrators])
    _label(gate, [violation.victim])
    return _violation_page(request, {"form": form, "perpetrators": perpetrators,
                                     "formsets": [perpetrators], "quicks": quicks,
                                     "problems": problems, "record": violation,
                                     "is_new": False})


# --- testimonies, citations, deletion -------------------------------------------------------


@FORM_METHODS
@gated
def testimony_create(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Record a person's testimony."""
    person = queries.person(gate, pk)
    gate.require(person.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.TestimonyForm(gate, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        testimony, _problems = _write(form, lambda: services.record_testimony(
            gate, {**form.cleaned_data, "person": person.pk}))
        if testimony is not None:
            messages.success(request, _t("The testimony was recorded."))
            return redirect("records:person_detail", pk=person.pk)
    _label(gate, [person])
    return render(request, "records/testimony_form.html", {"form": form, "person": person})


CITABLE: dict[str, Callable[[Gate, Any], Any]] = {
    "person": queries.person, "event": queries.event, "violation": queries.violation,
}


def _record_link(kind: str, record: Any) -> str:
    return reverse(f"records:{kind}_detail", args=[record.pk])


@FORM_METHODS
@gated
def cite(request: HttpRequest, gate: Gate, kind: str, pk: Any) -> HttpResponse:
    """Cite a source in support of a person, event or violation."""
    if kind not in CITABLE:
        raise Http404()
    record = CITABLE[kind](gate, pk)
    gate.require(record.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.CiteForm(gate, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        citation, _problems = _write(form, lambda: services.cite(
            gate, form.cleaned_data["source"], record, locator=form.cleaned_data["locator"],
            quote=form.cleaned_data["quote"]))
        if citation is not None:
            messages.success(request, _t("The source was cited."))
            return redirect(_record_link(kind, record))
    return render(request, "records/cite_form.html", {
        "form": form, "record": record, "kind": kind, "kind_label": KIND_LABELS[kind],
        "record_text": _record_text(gate, kind, record), "back": _record_link(kind, record),
    })


def _record_text(gate: Gate, kind: str, record: Any) -> str:
    if kind == "person":
        return person_label(gate, record)
    if kind == "violation":
        return f"{record.type.label} — {person_label(gate, record.victim)}"
    return str(record)


def _delete(request: HttpRequest, gate: Gate, record: Any, *, text: str, back: str,
            done: str) -> HttpResponse:
    """Ask for a reason, then soft-delete the record."""
    gate.require(record.collection_id, Capability.EDIT_RECORDS)
    form = record_forms.DeleteForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        deleted, _problems = _write(form, lambda: services.delete_record(
            gate, record, form.cleaned_data["reason"]) or True)
        if deleted:
            messages.success(request, _t("The record was deleted. It is kept in the history."))
            return redirect(done)
    return render(request, "records/delete_confirm.html", {
        "form": form, "record_text": text, "back": back})


@FORM_METHODS
@gated
def person_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a person with a reason."""
    person = queries.person(gate, pk)
    return _delete(request, gate, person, text=person_label(gate, person),
                   back=_record_link("person", person), done=reverse("records:person_list"))


@FORM_METHODS
@gated
def event_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete an event with a reason."""
    event = queries.event(gate, pk)
    return _delete(request, gate, event, text=event.title, back=_record_link("event", event),
                   done=reverse("records:event_list"))


@FORM_METHODS
@gated
def violation_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a violation with a reason."""
    violation = queries.violation(gate, pk)
    return _delete(request, gate, violation, text=_record_text(gate, "violation", violation),
                   back=_record_link("violation", violation),
                   done=reverse("records:violation_list"))


@FORM_METHODS
@gated
def source_delete(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """Soft-delete a source with a reason."""
    source = queries.source(gate, pk)
    return _delete(request, gate, source, text=source.title, back=_record_link("source", source),
                   done=reverse("records:source_list"))


@FORM_METHODS
@gated
def testimony_delete(request: HttpRequest, gate: Gate, person_pk: Any, pk: Any) -> HttpResponse:
    """Soft-delete a testimony with a reason."""
    person = queries.person(gate, person_pk)
    testimony: Testimony | None = queries.testimonies_of(gate, person).filter(pk=pk).first()
    if testimony is None:
        raise NotFound()
    back = _record_link("person", person)
    return _delete(request, gate, testimony,
                   text=_t("Testimony of %(person)s") % {"person": person_label(gate, person)},
                   back=back, done=back)

