"""All writes to records. Each service checks the gate, validates, saves, indexes and audits.

Services take plain values (text, vocabulary codes, ids) so that web forms, the CLI, imports
and the demo loader all go through the same checks.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event, record_revision, record_revisions
from qantar.common.access import Gate
from qantar.common.changes import differences, snapshot
from qantar.common.keyring import get_keyring
from qantar.common.text import NAME_MAX, NARRATIVE_MAX, TITLE_MAX, clean_text
from qantar.common.values import clean_choice as _choice
from qantar.common.values import clean_partial_date as _date
from qantar.core.errors import NotFound, PermissionDenied, ValidationFailed
from qantar.core.names import search_keys
from qantar.records.choices import (
    InvolvementDegree,
    Language,
    NameKind,
    OrganisationKind,
    PersonStatus,
    PlaceKind,
    Reliability,
    Script,
    Sex,
    ViolationStatus,
)
from qantar.records.models import (
    Citation,
    Event,
    Involvement,
    Organisation,
    Person,
    PersonName,
    Place,
    SearchToken,
    Source,
    Testimony,
    Violation,
)
from qantar.vocab.choices import Vocabulary
from qantar.vocab.queries import term

_PSEUDONYM_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PERSON_FIELDS = (
    "sex",
    "status",
    "age",
    "groups",
    "birth_date",
    "iin",
    "occupation",
    "contact",
    "notes",
    "names",
)
EVENT_FIELDS = ("title", "description", "place", "date")
VIOLATION_FIELDS = (
    "event",
    "type",
    "methods",
    "consequences",
    "date",
    "place",
    "status",
    "description",
    "involvements",
)
SOURCE_FIELDS = (
    "title",
    "source_type",
    "publisher",
    "published",
    "language",
    "url",
    "reliability",
    "description",
)
TESTIMONY_FIELDS = ("text", "language", "taken_on", "taken_by")


# --- small checks ------------------------------------------------------------------------


def _age(value: Any) -> int | None:
    if value in (None, ""):
        return None
    try:
        age = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed("invalid_age", "The age must be a whole number.", "age") from None
    if not 0 <= age <= 130:
        raise ValidationFailed("invalid_age", f"An age of {age} is impossible.", "age")
    return age


def _terms(vocabulary: str, codes: Iterable[str] | None, field: str) -> list[Any]:
    return [term(vocabulary, code, field) for code in dict.fromkeys(codes or [])]


def _reference(model: type[Model], value: Any, field: str) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=value)
    except (model.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise ValidationFailed("unknown_reference", "That record does not exist.", field) from None


def _visible(gate: Gate, model: type[Model], value: Any, field: str) -> Any:
    """A collection record the user may see, or a validation error (never a leak)."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        value = value.pk
    try:
        return gate.fetch(model.objects.all(), value)
    except NotFound:
        raise ValidationFailed("unknown_reference", "That record does not exist.", field) from None


def _require_edit(
    gate: Gate, collection_id: uuid.UUID, capability: str = Capability.EDIT_RECORDS
) -> None:
    gate.require(collection_id, capability)


def _given_id(data: Mapping[str, Any]) -> uuid.UUID:
    """The id an import supplies (so importing twice changes nothing), or a new one."""
    value = data.get("id")
    if not value:
        return uuid.uuid4()
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("invalid_id", "The record id is not a UUID.", "id") from None


def _new_pseudonym(checked: bool = True) -> str:
    """A random pseudonym (40 bits); the unique constraint catches the rare collision."""
    while True:
        candidate = "P-" + "".join(secrets.choice(_PSEUDONYM_ALPHABET) for _ in range(8))
        if not checked or not Person.all_objects.filter(pseudonym=candidate).exists():
            return candidate


def _reindex(obj: Model, object_type: str, collection_id: uuid.UUID, texts: Iterable[str]) -> None:
    _reindex_many(object_type, collection_id, [(obj, texts)])


def _reindex_many(
    object_type: str, collection_id: uuid.UUID, indexed: Sequence[tuple[Model, Iterable[str]]]
) -> None:
    """Replace the blind-index tokens of each (record, its texts), in one delete and one insert."""
    keyring = get_keyring()
    SearchToken.objects.filter(
        object_type=object_type, object_id__in=[obj.pk for obj, _ in indexed]
    ).delete()
    _insert_tokens(object_type, collection_id, [
        (obj.pk, sorted({keyring.blind_index(key) for text in texts if text
                         for key in search_keys(text)}))
        for obj, texts in indexed
    ])


def _insert_tokens(
    object_type: str, collection_id: uuid.UUID, digests: list[tuple[Any, list[str]]]
) -> None:
    """Write each (record id, its digests) as search tokens: one statement run for them all.

    Plain SQL because building a model instance and its INSERT per token (about ten a name)
    cost more than the rest of recording a person. The ids go through their fields' own
    conversion for the database in use (type and digests are plain text), so the rows are
    exactly what ``bulk_create`` would write.
    """
    field = SearchToken._meta.get_field
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field(name).column)
                        for name in ("collection_id", "object_type", "object_id", "digest"))
    # Table and column names are the model's own, never input.
    sql = f"INSERT INTO {quote(SearchToken._meta.db_table)} ({columns}) VALUES (%s, %s, %s, %s)"  # noqa: S608
    collection = field("collection_id").get_db_prep_save(collection_id, connection)
    rows = []
    for object_id, object_digests in digests:
        stored_id = field("object_id").get_db_prep_save(object_id, connection)
        rows += [(collection, object_type, stored_id, digest) for digest in object_digests]
    if rows:
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)


def _save_with_history(
    gate: Gate,
    obj: Any,
    before: dict[str, Any],
    fields: Sequence[str],
    action: str,
    reason: str = "",
) -> None:
    after = snapshot_of(obj, fields)
    changes = differences(before, after)
    if changes or action == AuditAction.CREATE:
        record_revision(obj, action, gate.user, changes, reason)


def snapshot_of(obj: Any, fields: Sequence[str]) -> dict[str, Any]:
    """Values of a record for history, including derived lists (names, involvements)."""
    plain = [name for name in fields if name not in {"names", "involvements"}]
    values = snapshot(obj, plain)
    if "names" in fields:
        values["names"] = (
            sorted(
                _name_label(name.value, name.script, name.language, name.kind)
                for name in obj.names.all()
            )
            if not obj._state.adding
            else []
        )
    if "involvements" in fields:
        values["involvements"] = (
            sorted(
                f"{inv.organisation_id or ''}|{inv.perpetrator_name or ''}|{inv.degree}"
                for inv in obj.involvements.all()
            )
            if not obj._state.adding
            else []
        )
    return values


def _name_label(value: str, script: str, language: str, kind: str) -> str:
    """A name as history keeps it: its text, script, language and kind."""
    return f"{value} [{script}/{language}/{kind}]"


# --- reference data ------------------------------------------------------------------------


def _require_any_editor(gate: Gate) -> None:
    if not gate.collections(Capability.EDIT_RECORDS):
        raise PermissionDenied()


@transaction.atomic
def create_place(gate: Gate, data: Mapping[str, Any]) -> Place:
    """Add a place to the shared hierarchy."""
    _require_any_editor(gate)
    place = Place(
        id=_given_id(data),
        name=clean_text(
            data.get("name"), "name", max_length=NAME_MAX, required=True, label="The name"
        ),
        kind=_choice(data.get("kind"), PlaceKind, "kind"),
        parent=_reference(Place, data.get("parent"), "parent"),
        site_type=term(Vocabulary.SITE_TYPE, data["site_type"], "site_type")
        if data.get("site_type")
        else None,
    )
    place.save()
    record_event(AuditAction.CREATE, actor=gate.user, obj=place)
    return place


@transaction.atomic
def create_organisation(gate: Gate, data: Mapping[str, Any]) -> Organisation:
    """Add an organisation (agency, unit, court, NGO, media outlet…)."""
    _require_any_editor(gate)
    organisation = Organisation(
        id=_given_id(data),
        name=clean_text(
            data.get("name"), "name", max_length=NAME_MAX, required=True, label="The name"
        ),
        kind=_choice(data.get("kind"), OrganisationKind, "kind"),
        agency=term(Vocabulary.AGENCY, data["agency"], "agency") if data.get("agency") else None,
        parent=_reference(Organisation, data.get("parent"), "parent"),
    )
    organisation.save()
    record_event(AuditAction.CREATE, actor=gate.user, obj=organisation)
    return organisation


# --- people ----------------------------------------------------------------------------------


def _clean_names(names: Sequence[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    cleaned = []
    for index, name in enumerate(names or []):
        value = clean_text(name.get("value"), "names", max_length=NAME_MAX, label="A name")
        if not value:
            continue
        cleaned.append(
            {
                "value": value,
                "script": _choice(name.get("script") or _guess_script(value), Script, "names"),
                "language": _choice(name.get("language"), Language, "names", Language.OTHER),
                "kind": _choice(name.get("kind"), NameKind, "names", NameKind.AS_WRITTEN),
                "is_primary": bool(name.get("is_primary")) or index == 0,
            }
        )
    if not cleaned:
        raise ValidationFailed("required", "A person needs at least one name.", "names")
    primary_seen = False
    for name in cleaned:
        name["is_primary"] = name["is_primary"] and not primary_seen
        primary_seen = primary_seen or name["is_primary"]
    return cleaned


def _guess_script(value: str) -> str:
    if any("\u0400" <= char <= "\u04ff" for char in value):
        return Script.CYRILLIC
    if any(char.isascii() and char.isalpha() for char in value):
        return Script.LATIN
    return Script.OTHER


def _apply_person(
    person: Person, data: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[Any]]:
    names = _clean_names(data.get("names"))
    person.sex = _choice(data.get("sex"), Sex, "sex", Sex.UNKNOWN)
    person.status = _choice(data.get("status"), PersonStatus, "status", PersonStatus.UNKNOWN)
    person.age = _age(data.get("age"))
    person.birth_date = _date(data.get("birth_date"), "birth_date") or None
    person.iin = clean_text(data.get("iin"), "iin", max_length=32) or None
    person.occupation = (
        clean_text(data.get("occupation"), "occupation", max_length=NAME_MAX) or None
    )
    person.contact = clean_text(data.get("contact"), "contact", max_length=5000) or None
    person.notes = clean_text(data.get("notes"), "notes", max_length=NARRATIVE_MAX) or None
    groups = _terms(Vocabulary.VICTIM_GROUP, data.get("groups"), "groups")
    return names, groups


def _write_names(person: Person, names: list[dict[str, Any]]) -> None:
    person.names.all().delete()
    for name in names:
        PersonName.objects.create(person=person, key_id=person.key_id, **name)
    _reindex(person, "person", person.collection_id, [name["value"] for name in names])


_PERSON_GROUPS = Person.groups.through
# A checked person not yet written, with their cleaned names and group terms.
_Prepared = tuple[Person, list[dict[str, Any]], list[Any]]
# People written per statement by record_people: a few hundred keeps statements and the
# pseudonym check well inside every database's limit on query parameters.
PEOPLE_BATCH = 500


def record_person(
    gate: Gate, collection: Collection | uuid.UUID, data: Mapping[str, Any]
) -> Person:
    """Record a person with their names and identifying details (sealed under a new key)."""
    return record_people(gate, collection, [data])[0]


@transaction.atomic
def record_people(
    gate: Gate, collection: Collection | uuid.UUID, items: Sequence[Mapping[str, Any]]
) -> list[Person]:
    """Record people, each exactly as :func:`record_person` would, written together.

    Every item is checked before anything is written, so one bad item changes nothing (with
    several items, its error names it: "Person #3: ..."). Each person gets a data key of their
    own (the batch's keys are created in one key-store write), sealed details and names,
    blind-index tokens, a sealed "create" revision and that revision's audit entry; rows are
    inserted a batch at a time and the audit entries appended in the items' order.
    """
    collection_id = collection.pk if isinstance(collection, Collection) else collection
    _require_edit(gate, collection_id)
    prepared = [_prepared_person(collection_id, data, index, len(items))
                for index, data in enumerate(items)]
    for start in range(0, len(prepared), PEOPLE_BATCH):
        _write_people(gate, collection_id, prepared[start:start + PEOPLE_BATCH])
    return [person for person, _, _ in prepared]


def _prepared_person(
    collection_id: uuid.UUID, data: Mapping[str, Any], index: int, count: int
) -> _Prepared:
    """A checked, unsaved person with their cleaned names and group terms."""
    person = Person(id=_given_id(data), collection_id=collection_id)
    try:
        names, groups = _apply_person(person, data)
    except ValidationFailed as error:
        if count == 1:
            raise
        raise ValidationFailed(
            error.code, f"Person #{index + 1}: {error.message}", error.field
        ) from None
    return person, names, groups


def _write_people(gate: Gate, collection_id: uuid.UUID, prepared: list[_Prepared]) -> None:
    people = [person for person, _, _ in prepared]
    _give_pseudonyms(people)
    key_ids = get_keyring().new_data_keys(collection_id, [f"person:{p.pk}" for p in people])
    for person, key_id in zip(people, key_ids, strict=True):
        person.key_id = key_id
    Person.objects.bulk_create(people)
    _PERSON_GROUPS.objects.bulk_create(
        _PERSON_GROUPS(person_id=person.pk, term_id=term.pk)
        for person, _, groups in prepared
        for term in groups
    )
    PersonName.objects.bulk_create(
        PersonName(person=person, key_id=person.key_id, **name)
        for person, names, _ in prepared
        for name in names
    )
    _reindex_many("person", collection_id,
                  [(person, [name["value"] for name in names]) for person, names, _ in prepared])
    record_revisions(AuditAction.CREATE, gate.user, [
        (person, differences({}, _created_snapshot(person, names, groups)))
        for person, names, groups in prepared
    ])


def _give_pseudonyms(people: list[Person]) -> None:
    """A random pseudonym each, none in use: one query per round (a clash is very rare)."""
    waiting, chosen = list(people), set()
    while waiting:
        candidates = [c for c in dict.fromkeys(_new_pseudonym(checked=False) for _ in waiting)
                      if c not in chosen]
        taken = set(Person.all_objects.filter(pseudonym__in=candidates)
                    .values_list("pseudonym", flat=True))
        fresh = [candidate for candidate in candidates if candidate not in taken]
        for person, pseudonym in zip(waiting, fresh, strict=False):
            person.pseudonym = pseudonym
        chosen.update(fresh)
        waiting = waiting[len(fresh):]


def _created_snapshot(
    person: Person, names: list[dict[str, Any]], groups: list[Any]
) -> dict[str, Any]:
    """What ``snapshot_of`` reads back from a person just written, from the values in hand."""
    known = {
        "groups": sorted(term.code for term in groups),
        "names": sorted(_name_label(n["value"], n["script"], n["language"], n["kind"])
                        for n in names),
    }
    values = snapshot(person, [name for name in PERSON_FIELDS if name not in known])
    return {name: known[name] if name in known else values[name] for name in PERSON_FIELDS}


@transaction.atomic
def update_person(gate: Gate, person: Person, data: Mapping[str, Any], reason: str = "") -> Person:
    """Change a person; the old values are kept, sealed, in the history."""
    _require_edit(gate, person.collection_id)
    before = snapshot_of(person, PERSON_FIELDS)
    names, groups = _apply_person(person, data)
    person.save()
    person.groups.set(groups)
    _write_names(person, names)
    _save_with_history(gate, person, before, PERSON_FIELDS, AuditAction.UPDATE, reason)
    return person


# --- events, sources, violations, testimonies ---------------------------------------------


def _apply_event(gate: Gate, event: Event, data: Mapping[str, Any]) -> None:
    event.title = clean_text(
        data.get("title"), "title", max_length=TITLE_MAX, required=True, label="The title"
    )
    event.description = (
        clean_text(data.get("description"), "description", max_length=NARRATIVE_MAX) or None
    )
    event.place = _reference(Place, data.get("place"), "place")
    event.date = _date(data.get("date"), "date")


@transaction.atomic
def record_event_record(
    gate: Gate, collection: Collection | uuid.UUID, data: Mapping[str, Any]
) -> Event:
    """Record an event (what happened, where, when)."""
    collection_id = collection.pk if isinstance(collection, Collection) else collection
    _require_edit(gate, collection_id)
    event = Event(
        id=_given_id(data),
        collection_id=collection_id,
        key_id=Collection.objects.get(pk=collection_id).records_key_id,
    )
    _apply_event(gate, event, data)
    event.save(force_insert=True)
    _reindex(event, "event", collection_id, [event.title, event.description or ""])
    _save_with_history(gate, event, {}, EVENT_FIELDS, AuditAction.CREATE)
    return event


@transaction.atomic
def update_event(gate: Gate, event: Event, data: Mapping[str, Any], reason: str = "") -> Event:
    """Change an event, keeping history."""
    _require_edit(gate, event.collection_id)
    before = snapshot_of(event, EVENT_FIELDS)
    _apply_event(gate, event, data)
    event.save()
    _reindex(event, "event", event.collection_id, [event.title, event.description or ""])
    _save_with_history(gate, event, before, EVENT_FIELDS, AuditAction.UPDATE, reason)
    return event


def _apply_source(source: Source, data: Mapping[str, Any]) -> None:
    source.title = clean_text(
        data.get("title"), "title", max_length=TITLE_MAX, required=True, label="The title"
    )
    source.source_type = term(Vocabulary.SOURCE_TYPE, data.get("source_type") or "", "source_type")
    source.publisher = clean_text(data.get("publisher"), "publisher", max_length=NAME_MAX)
    source.published = _date(data.get("published"), "published")
    source.language = _choice(data.get("language"), Language, "language", Language.ENGLISH)
    source.url = _url(data.get("url"))
    source.reliability = _choice(data.get("reliability"), Reliability, "reliability", Reliability.F)
    source.description = (
        clean_text(data.get("description"), "description", max_length=NARRATIVE_MAX) or None
    )


def _url(value: Any) -> str:
    from django.core.validators import URLValidator

    text = clean_text(value, "url", max_length=1000)
    if text:
        try:
            URLValidator(schemes=["http", "https"])(text)
        except DjangoValidationError:
            raise ValidationFailed(
                "invalid_url", "That is not a web address (http or https).", "url"
            ) from None
    return text


@transaction.atomic
def record_source(
    gate: Gate, collection: Collection | uuid.UUID, data: Mapping[str, Any]
) -> Source:
    """Record a source with its reliability grade."""
    collection_id = collection.pk if isinstance(collection, Collection) else collection
    _require_edit(gate, collection_id)
    source = Source(
        id=_given_id(data),
        collection_id=collection_id,
        key_id=Collection.objects.get(pk=collection_id).records_key_id,
    )
    _apply_source(source, data)
    source.save(force_insert=True)
    _save_with_history(gate, source, {}, SOURCE_FIELDS, AuditAction.CREATE)
    return source


@transaction.atomic
def update_source(gate: Gate, source: Source, data: Mapping[str, Any], reason: str = "") -> Source:
    """Change a source, keeping history."""
    _require_edit(gate, source.collection_id)
    before = snapshot_of(source, SOURCE_FIELDS)
    _apply_source(source, data)
    source.save()
    _save_with_history(gate, source, before, SOURCE_FIELDS, AuditAction.UPDATE, reason)
    return source


def _apply_violation(gate: Gate, violation: Violation, data: Mapping[str, Any]) -> dict[str, Any]:
    violation.event = _visible(gate, Event, data.get("event"), "event")
    if violation.event is not None and violation.event.collection_id != violation.collection_id:
        raise ValidationFailed("other_collection", "The event is in another collection.", "event")
    violation.type = term(Vocabulary.VIOLATION_TYPE, data.get("type") or "", "type")
    violation.date = _date(data.get("date"), "date")
    violation.place = _reference(Place, data.get("place"), "place")
    violation.status = _choice(
        data.get("status"), ViolationStatus, "status", ViolationStatus.ALLEGED
    )
    violation.description = (
        clean_text(data.get("description"), "description", max_length=NARRATIVE_MAX) or None
    )
    return {
        "methods": _terms(Vocabulary.TORTURE_METHOD, data.get("methods"), "methods"),
        "consequences": _terms(Vocabulary.CONSEQUENCE, data.get("consequences"), "consequences"),
        "involvements": [
            cleaned
            for item in data.get("involvements") or []
            if (cleaned := _clean_involvement(item)) is not None
        ],
    }


def _clean_involvement(item: Mapping[str, Any]) -> dict[str, Any] | None:
    """One perpetrator row; an empty row (no one named, degree unknown) is ignored."""
    organisation = _reference(Organisation, item.get("organisation"), "involvements")
    name = clean_text(item.get("perpetrator_name"), "involvements", max_length=NAME_MAX)
    degree = _choice(
        item.get("degree"), InvolvementDegree, "involvements", InvolvementDegree.UNKNOWN
    )
    if organisation is None and not name:
        if degree == InvolvementDegree.UNKNOWN:
            return None
        raise ValidationFailed(
            "required", "Name the organisation or the person responsible.", "involvements"
        )
    return {"organisation": organisation, "perpetrator_name": name or None, "degree": degree}


def _write_violation_relations(violation: Violation, related: dict[str, Any]) -> None:
    violation.methods.set(related["methods"])
    violation.consequences.set(related["consequences"])
    violation.involvements.all().delete()
    for item in related["involvements"]:
        Involvement.objects.create(violation=violation, key_id=violation.key_id, **item)
    _reindex(violation, "violation", violation.collection_id, [violation.description or ""])


@transaction.atomic
def record_violation(gate: Gate, data: Mapping[str, Any]) -> Violation:
    """Record what was done to a victim; sealed under the victim's key."""
    victim = _visible(gate, Person, data.get("victim"), "victim")
    if victim is None:
        raise ValidationFailed("required", "Choose the victim.", "victim")
    _require_edit(gate, victim.collection_id)
    violation = Violation(
        id=_given_id(data), collection_id=victim.collection_id, victim=victim, key_id=victim.key_id
    )
    related = _apply_violation(gate, violation, data)
    violation.save(force_insert=True)
    _write_violation_relations(violation, related)
    _save_with_history(gate, violation, {}, VIOLATION_FIELDS, AuditAction.CREATE)
    return violation


@transaction.atomic
def update_violation(
    gate: Gate, violation: Violation, data: Mapping[str, Any], reason: str = ""
) -> Violation:
    """Change a violation, keeping history (the victim cannot change)."""
    _require_edit(gate, violation.collection_id)
    before = snapshot_of(violation, VIOLATION_FIELDS)
    related = _apply_violation(gate, violation, data)
    violation.save()
    _write_violation_relations(violation, related)
    _save_with_history(gate, violation, before, VIOLATION_FIELDS, AuditAction.UPDATE, reason)
    return violation


def _apply_testimony(testimony: Testimony, data: Mapping[str, Any]) -> None:
    testimony.text = clean_text(
        data.get("text"), "text", max_length=NARRATIVE_MAX, required=True, label="The testimony"
    )
    testimony.language = _choice(data.get("language"), Language, "language", Language.RUSSIAN)
    testimony.taken_on = _date(data.get("taken_on"), "taken_on")
    testimony.taken_by = clean_text(data.get("taken_by"), "taken_by", max_length=200)


@transaction.atomic
def record_testimony(gate: Gate, data: Mapping[str, Any]) -> Testimony:
    """Record a person's testimony, sealed under their key."""
    person = _visible(gate, Person, data.get("person"), "person")
    if person is None:
        raise ValidationFailed("required", "Choose who gave the testimony.", "person")
    _require_edit(gate, person.collection_id)
    testimony = Testimony(
        id=_given_id(data), collection_id=person.collection_id, person=person, key_id=person.key_id
    )
    _apply_testimony(testimony, data)
    testimony.save(force_insert=True)
    _reindex(testimony, "testimony", person.collection_id, [testimony.text or ""])
    _save_with_history(gate, testimony, {}, TESTIMONY_FIELDS, AuditAction.CREATE)
    return testimony


@transaction.atomic
def update_testimony(
    gate: Gate, testimony: Testimony, data: Mapping[str, Any], reason: str = ""
) -> Testimony:
    """Change a testimony (not whose it is); the old text stays, sealed, in the history."""
    _require_edit(gate, testimony.collection_id)
    if testimony.person.erased_at is not None:
        raise ValidationFailed("erased", "This person was erased: their testimony is gone.")
    before = snapshot_of(testimony, TESTIMONY_FIELDS)
    _apply_testimony(testimony, data)
    testimony.save()
    _reindex(testimony, "testimony", testimony.collection_id, [testimony.text or ""])
    _save_with_history(gate, testimony, before, TESTIMONY_FIELDS, AuditAction.UPDATE, reason)
    return testimony


@transaction.atomic
def cite(
    gate: Gate,
    source: Source | uuid.UUID | str,
    record: Any,
    field: str = "",
    locator: str = "",
    quote: str = "",
) -> Citation:
    """Cite a source in support of a record (or one field of it)."""
    _require_edit(gate, record.collection_id)
    source = _visible(gate, Source, source, "source")
    if source is None:
        raise ValidationFailed("required", "Choose the source.", "source")
    if field and field not in {f.name for f in record._meta.get_fields()}:
        raise ValidationFailed("unknown_field", f"The record has no field “{field[:40]}”.", "field")
    citation = Citation(
        source=source,
        object_type=record._meta.model_name,
        object_id=record.pk,
        key_id=record.key_id,
        field=field,
        locator=clean_text(locator, "locator", max_length=200),
        created_by=gate.user if getattr(gate.user, "pk", None) else None,
    )
    citation.quote = clean_text(quote, "quote", max_length=20_000) or None
    citation.save(force_insert=True)
    record_event(
        AuditAction.CREATE,
        actor=gate.user,
        obj=citation,
        collection_id=record.collection_id,
        details={"cites": f"{record._meta.model_name}:{record.pk}", "source": str(source.pk)},
    )
    return citation


# --- deletion --------------------------------------------------------------------------------


@transaction.atomic
def delete_record(gate: Gate, record: Any, reason: str) -> None:
    """Soft-delete a record with a reason; it stays in the database and in history."""
    _require_edit(gate, record.collection_id)
    reason = clean_text(reason, "reason", max_length=500, required=True, label="The reason")
    if record.is_deleted:
        raise ValidationFailed("already_deleted", "This record is already deleted.")
    record.deleted_at = timezone.now()
    record.deleted_by = gate.user if getattr(gate.user, "pk", None) else None
    record.deletion_reason = reason
    record.save(update_fields=["deleted_at", "deleted_by", "deletion_reason"])
    record_revision(record, AuditAction.DELETE, gate.user, {"deleted": (False, True)}, reason)


from qantar.records.services.protection import (  # noqa: E402  (re-exported for adapters)
    erase_person,
    lift_legal_hold,
    place_legal_hold,
    record_consent,
    require_consent,
)

__all__ = [
    "cite",
    "create_organisation",
    "create_place",
    "delete_record",
    "erase_person",
    "lift_legal_hold",
    "place_legal_hold",
    "record_consent",
    "record_event_record",
    "record_people",
    "record_person",
    "record_source",
    "record_testimony",
    "record_violation",
    "require_consent",
    "update_event",
    "update_person",
    "update_source",
    "update_testimony",
    "update_violation",
]
