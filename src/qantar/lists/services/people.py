"""One list of people: accepted clusters become (or join) Person records; wrong merges split.

Persons are written through the records services (``record_person``, ``update_person``), so
they get their own data key, history and audit like any other person. Every list's own values
stay in its entries: the person shows each field as every list wrote it, and a field on which
the lists disagree (date or place of death, cause, status...) is flagged for review.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.core.dates import parse_optional
from qantar.core.errors import Conflict, QantarError, ValidationFailed
from qantar.core.hashing import sha256_hex
from qantar.lists import io as list_io
from qantar.lists.choices import Decision, FlaggedField
from qantar.lists.models import (
    Disagreement,
    LinkageRun,
    ListEntry,
    ReviewDecision,
    RunAssignment,
)
from qantar.lists.services.linkage import record_decision, require_reviewer
from qantar.records import services as records
from qantar.records.choices import Language, PersonStatus, Sex
from qantar.records.models import Person

_KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
_SEX = {"m": Sex.MALE, "f": Sex.FEMALE}
_SEX_WORDS = {"m": "m", "male": "m", "м": "m", "муж": "m", "мужской": "m", "ер": "m",
              "f": "f", "female": "f", "ж": "f", "жен": "f", "женский": "f", "әйел": "f"}


@dataclass
class AcceptResult:
    """What accepting a run's clusters did."""

    created: list[Person] = field(default_factory=list)
    joined: list[Person] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def entry_values(entry: ListEntry) -> dict[str, str]:
    """An entry's standard values, from its original row and its file's column mapping."""
    return list_io.mapped_values(json.loads(entry.original or "[]"), entry.job.column_mapping)


def _normal(column: str, value: str) -> str:
    """A value made comparable across lists (dates in one form, case and spacing ignored)."""
    value = " ".join(value.split())
    if column in {"date_of_death", "birth_date"}:
        try:
            parsed = parse_optional(value, column)
        except QantarError:
            return value
        return str(parsed) if parsed else ""
    if column == "sex":
        return _SEX_WORDS.get(value.casefold().rstrip("."), value.casefold())
    return value.casefold()


def field_values(entries: Iterable[ListEntry]) -> dict[str, list[tuple[ListEntry, str]]]:
    """Each flagged field → (entry, the value its list gave), for every entry that gave one."""
    values: dict[str, list[tuple[ListEntry, str]]] = defaultdict(list)
    for entry in entries:
        row = entry_values(entry)
        for column in FlaggedField.values:
            if column == FlaggedField.STATUS:
                status = entry.imported_list.person_status
                if status != PersonStatus.UNKNOWN:
                    values[column].append((entry, status))
            elif row.get(column):
                values[column].append((entry, row[column]))
    return values


def disagreeing_fields(entries: Iterable[ListEntry]) -> set[str]:
    """The flagged fields on which the entries' lists give different values."""
    return {column for column, pairs in field_values(entries).items()
            if len({_normal(column, value) for _, value in pairs}) > 1}


def _agreed(pairs: list[tuple[ListEntry, str]], column: str) -> str:
    """The one value all lists agree on (normalised), or ``""``."""
    found = {_normal(column, value) for _, value in pairs}
    return found.pop() if len(found) == 1 else ""


def _language(name: str) -> str:
    if any(char in _KAZAKH_LETTERS for char in name):
        return Language.KAZAKH
    if any("\u0400" <= char <= "\u04ff" for char in name):
        return Language.RUSSIAN
    return Language.ENGLISH if name.isascii() else Language.OTHER


def entry_names(entries: Iterable[ListEntry]) -> list[str]:
    """The distinct names the entries give, in list order."""
    return list(dict.fromkeys(name for entry in entries
                              if (name := " ".join(list_io.display_name(
                                  entry_values(entry)).split()))))


def _derived(entries: list[ListEntry]) -> dict[str, Any]:
    """Person values on which all the entries' lists agree (blank where they do not)."""
    values = field_values(entries)
    rows = [entry_values(entry) for entry in entries]
    sex = _agreed([(entry, row["sex"]) for entry, row in zip(entries, rows, strict=True)
                   if row.get("sex")], "sex")
    birth = _agreed(values.get("birth_date", []), "birth_date") or _agreed(
        [(entry, row["birth_year"]) for entry, row in zip(entries, rows, strict=True)
         if row.get("birth_year")], "birth_year")
    ages = {int(row["age"]) for row in rows if row.get("age", "").isdigit()
            and int(row["age"]) <= 130}
    return {"sex": _SEX.get(sex, Sex.UNKNOWN),
            "status": _agreed(values.get("status", []), "status") or PersonStatus.UNKNOWN,
            "birth_date": birth if _valid_date(birth) else "",
            "age": ages.pop() if len(ages) == 1 else None,
            "iin": _agreed(values.get("iin", []), "iin")}


def _valid_date(text: str) -> bool:
    try:
        return parse_optional(text, "birth_date") is not None
    except QantarError:
        return False


def _name_items(names: Iterable[str]) -> list[dict[str, Any]]:
    return [{"value": name[:300], "language": _language(name)} for name in names]


def _person_data(person: Person) -> dict[str, Any]:
    """Everything a person holds now, as input for ``update_person`` (nothing is dropped)."""
    return {"names": [{"value": name.value, "script": name.script, "language": name.language,
                       "kind": name.kind, "is_primary": name.is_primary}
                      for name in person.names.all()],
            "sex": person.sex, "status": person.status, "age": person.age,
            "groups": [term.code for term in person.groups.all()],
            "birth_date": person.birth_date or "", "iin": person.iin or "",
            "occupation": person.occupation or "", "contact": person.contact or "",
            "notes": person.notes or ""}


def _with_entries(data: dict[str, Any], entries: list[ListEntry]) -> dict[str, Any]:
    """A person's data with the entries' names added and their agreed values filling blanks."""
    known = {item["value"] for item in data["names"]}
    data["names"] += _name_items(name for name in entry_names(entries) if name not in known)
    derived = _derived(entries)
    for key, blank in (("sex", Sex.UNKNOWN), ("status", PersonStatus.UNKNOWN),
                       ("birth_date", ""), ("age", None), ("iin", "")):
        if data.get(key) in (blank, None, ""):
            data[key] = derived[key]
    return data


def _new_person(gate: Gate, collection_id: uuid.UUID, entries: list[ListEntry]) -> Person:
    data = _derived(entries) | {"names": _name_items(entry_names(entries))}
    return records.record_person(gate, collection_id, data)


def _assign(gate: Gate, person: Person, entries: list[ListEntry], action: str) -> None:
    ids = sorted(str(entry.pk) for entry in entries)
    ListEntry.objects.filter(pk__in=ids).update(person=person, updated_at=timezone.now())
    for entry in entries:
        entry.person = person
    record_event(action, actor=gate.user, obj=person,
                 details={"list_entries": len(ids),
                          "entries_sha256": sha256_hex("\n".join(ids).encode())})


def flag_disagreements(person: Person) -> list[Disagreement]:
    """Flag (once) every field on which the person's lists disagree; returns the open flags."""
    entries = list(ListEntry.objects.filter(person=person)
                   .select_related("job", "imported_list"))
    now = timezone.now()
    for column in sorted(disagreeing_fields(entries)):
        Disagreement.objects.get_or_create(
            person=person, field=column,
            defaults={"collection_id": person.collection_id, "flagged_at": now})
    return list(Disagreement.objects.filter(person=person, resolved_at__isnull=True))


def _newer_decisions(run: LinkageRun) -> int:
    return ReviewDecision.objects.filter(collection_id=run.collection_id,
                                         at__gt=run.created_at).count()


@transaction.atomic
def accept_clusters(gate: Gate, run: LinkageRun, clusters: Iterable[str] | None = None, *,
                    limit: int | None = None) -> AcceptResult:
    """Make a run's clusters people: a new Person, or the one its entries already belong to.

    Refused when reviewers decided pairs after the run (run the linkage again so their
    decisions count), and, with ``limit``, when more clusters than that have entries that
    are no one's yet (the web page passes a limit it can do within a request; the command
    line has none). A cluster whose entries already belong to two different people is left
    alone and reported.
    """
    require_reviewer(gate, run.collection_id)
    newer = _newer_decisions(run)
    if newer:
        raise Conflict("stale_run", f"{newer} review decisions were made after this linkage "
                       "run: run the linkage again so that they count.", "run")
    wanted = set(clusters) if clusters is not None else None
    if limit is not None:
        _check_accept_limit(run, wanted, limit)
    groups: dict[str, list[ListEntry]] = defaultdict(list)
    assignments = RunAssignment.objects.filter(run=run).select_related(
        "entry", "entry__job", "entry__imported_list").order_by("cluster", "entry__line")
    for item in assignments:
        if wanted is None or item.cluster in wanted:
            groups[item.cluster].append(item.entry)
    result = AcceptResult()
    for label, entries in sorted(groups.items()):
        _accept_one(gate, run.collection_id, label, entries, result)
    return result


def _check_accept_limit(run: LinkageRun, wanted: set[str] | None, limit: int) -> None:
    """Refuse, before loading anything, more clusters with entries of no one than ``limit``."""
    waiting = RunAssignment.objects.filter(run=run, entry__person__isnull=True)
    if wanted is not None:
        waiting = waiting.filter(cluster__in=wanted)
    count = waiting.values("cluster").distinct().count()
    if count > limit:
        raise ValidationFailed(
            "too_many_to_accept_here",
            f"{count:,} clusters to accept: more than {limit:,} take too long for a web page. "
            "Accept them from the command line: qantar lists link --collection NAME --accept.",
            "run")


def _accept_one(gate: Gate, collection_id: uuid.UUID, label: str, entries: list[ListEntry],
                result: AcceptResult) -> None:
    people = {entry.person_id for entry in entries if entry.person_id}
    if len(people) > 1:
        result.conflicts.append(label)
        return
    waiting = [entry for entry in entries if not entry.person_id]
    if not waiting:
        return
    if people:
        person = Person.objects.get(pk=people.pop())
        records.update_person(gate, person, _with_entries(_person_data(person), waiting),
                              reason="joined from person lists")
        result.joined.append(person)
    else:
        person = _new_person(gate, collection_id, entries)
        result.created.append(person)
    _assign(gate, person, waiting, AuditAction.UPDATE)
    flag_disagreements(person)


@transaction.atomic
def split_person(gate: Gate, person: Person, entry_ids: Iterable[Any], reason: str = ""
                 ) -> Person:
    """Undo a wrong merge in one action: the chosen entries become a person of their own.

    The person keeps every other entry and every name not given only by the chosen entries; the
    chosen entries' names go to the new person. Each chosen entry is recorded as "not the same
    person" as each remaining one, so the next linkage run will not merge them again. Old
    values stay in the person's history.
    """
    require_reviewer(gate, person.collection_id)
    entries = list(ListEntry.objects.filter(person=person).select_related("job",
                                                                          "imported_list"))
    chosen_ids = {str(value) for value in entry_ids}
    chosen = [entry for entry in entries if str(entry.pk) in chosen_ids]
    remaining = [entry for entry in entries if str(entry.pk) not in chosen_ids]
    if not chosen or len(chosen) != len(chosen_ids) or not remaining:
        raise ValidationFailed("invalid_split", "Choose some, but not all, of this person's "
                               "list entries.", "entries")
    newcomer = _new_person(gate, person.collection_id, chosen)
    _assign(gate, newcomer, chosen, AuditAction.UPDATE)
    data = _person_data(person)
    staying = set(entry_names(remaining))
    leaving = set(entry_names(chosen)) - staying
    data["names"] = [item for item in data["names"] if item["value"] not in leaving] or \
        _name_items(sorted(staying))
    records.update_person(gate, person, data, reason=reason or "split: wrong merge of lists")
    for left in chosen:
        for right in remaining:
            record_decision(gate, left, right, Decision.NOT_MATCH, note=reason or "split")
    record_event(AuditAction.UPDATE, actor=gate.user, obj=person,
                 details={"split_into": str(newcomer.pk), "entries": len(chosen)})
    _reset_flags(person)
    flag_disagreements(newcomer)
    return newcomer


def _reset_flags(person: Person) -> None:
    """Resolve flags that no longer hold (the disagreeing entry left); flag new ones."""
    entries = list(ListEntry.objects.filter(person=person).select_related("job",
                                                                          "imported_list"))
    holding = disagreeing_fields(entries)
    Disagreement.objects.filter(person=person, resolved_at__isnull=True).exclude(
        field__in=holding).update(resolved_at=timezone.now())
    flag_disagreements(person)


@transaction.atomic
def resolve_disagreement(gate: Gate, flag: Disagreement) -> Disagreement:
    """Mark a flagged disagreement as reviewed (the lists' values stay as they are)."""
    require_reviewer(gate, flag.collection_id)
    if flag.resolved_at is None:
        flag.resolved_at, flag.resolved_by = timezone.now(), gate.user
        flag.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        record_event(AuditAction.UPDATE, actor=gate.user, obj=flag,
                     collection_id=flag.collection_id, details={"resolved": flag.field})
    return flag
