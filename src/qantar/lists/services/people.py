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
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qantar.audit.choices import AuditAction
from qantar.audit.services import AuditEvent, record_event, record_events
from qantar.common.access import Gate
from qantar.core.dates import parse_optional
from qantar.core.errors import Conflict, QantarError, ValidationFailed
from qantar.core.hashing import sha256_hex
from qantar.lists import io as list_io
from qantar.lists.choices import Decision, FlaggedField
from qantar.lists.models import (
    Disagreement,
    ImportedList,
    ImportJob,
    LinkageRun,
    ListEntry,
    ReviewDecision,
    RunAssignment,
)
from qantar.lists.services.linkage import record_decision, require_reviewer
from qantar.records import services as records
from qantar.records.choices import Language, PersonStatus, Sex
from qantar.records.models import Person

# Clusters made people per round of bulk writes: the records services' batch.
ACCEPT_BATCH = records.PEOPLE_BATCH
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
    columns = FlaggedField.values  # built on every access
    for entry in entries:
        row = entry_values(entry)
        for column in columns:
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


def _person_input(entries: list[ListEntry]) -> dict[str, Any]:
    """Input for ``record_person``: the entries' names and the values their lists agree on."""
    return _derived(entries) | {"names": _name_items(entry_names(entries))}


def _new_person(gate: Gate, collection_id: uuid.UUID, entries: list[ListEntry]) -> Person:
    return records.record_person(gate, collection_id, _person_input(entries))


def _new_people(gate: Gate, collection_id: uuid.UUID, clusters: list[list[ListEntry]]
                ) -> list[Person]:
    """A new person for each cluster, written together: the person, the entries' assignment
    and the fields their lists disagree on (worked out from the entries in hand)."""
    people = records.record_people(gate, collection_id,
                                   [_person_input(entries) for entries in clusters])
    assigned = list(zip(people, clusters, strict=True))
    _assign_many(gate, assigned, AuditAction.UPDATE)
    now = timezone.now()
    Disagreement.objects.bulk_create(
        Disagreement(collection_id=collection_id, person=person, field=column, flagged_at=now)
        for person, entries in assigned for column in sorted(disagreeing_fields(entries)))
    return people


def _assign(gate: Gate, person: Person, entries: list[ListEntry], action: str) -> None:
    _assign_many(gate, [(person, entries)], action)


def _assign_many(gate: Gate, assigned: list[tuple[Person, list[ListEntry]]], action: str
                 ) -> None:
    """The entries become their person's (one UPDATE a batch); one audit entry per person."""
    now = timezone.now()
    for person, entries in assigned:
        for entry in entries:
            entry.person, entry.updated_at = person, now
    _save_people_of([entry for _, entries in assigned for entry in entries], now)
    record_events([AuditEvent(action, actor=gate.user, obj=person,
                              details=_assignment_details(entries))
                   for person, entries in assigned])


def _save_people_of(entries: list[ListEntry], now: datetime) -> None:
    """Write each entry's person: one statement run for every entry.

    Plain SQL because the ORM's ``bulk_update`` builds a CASE expression of one branch per
    entry, which cost more than all the other writes of accepting a cluster together. Values
    go through their fields' own conversion for the database in use; soft-deleted entries are
    left alone, as ``ListEntry.objects`` would leave them.
    """
    fields = {name: ListEntry._meta.get_field(name)
              for name in ("id", "person", "updated_at", "deleted_at")}
    column = {name: connection.ops.quote_name(field.column) for name, field in fields.items()}
    # Table and column names are the model's own, never input.
    sql = (f"UPDATE {connection.ops.quote_name(ListEntry._meta.db_table)} "  # noqa: S608
           f"SET {column['person']} = %s, {column['updated_at']} = %s "
           f"WHERE {column['id']} = %s AND {column['deleted_at']} IS NULL")
    at = fields["updated_at"].get_db_prep_save(now, connection)
    rows = [(fields["person"].get_db_prep_save(entry.person_id, connection), at,
             fields["id"].get_db_prep_save(entry.pk, connection)) for entry in entries]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _assignment_details(entries: list[ListEntry]) -> dict[str, Any]:
    ids = sorted(str(entry.pk) for entry in entries)
    return {"list_entries": len(ids), "entries_sha256": sha256_hex("\n".join(ids).encode())}


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
    result, fresh = AcceptResult(), []
    for label, entries in sorted(_clusters(run, wanted).items()):
        people = {entry.person_id for entry in entries if entry.person_id}
        waiting = [entry for entry in entries if not entry.person_id]
        if len(people) > 1:
            result.conflicts.append(label)
        elif people and waiting:
            result.joined.append(_join(gate, people.pop(), waiting))
        elif waiting:
            fresh.append(entries)
    # Batches are taken off as they are written so that written entries can be freed: with
    # 20,000 clusters the garbage collector's walks over live objects took a sixth of the time.
    batches = [fresh[start:start + ACCEPT_BATCH] for start in range(0, len(fresh), ACCEPT_BATCH)]
    del fresh
    while batches:
        result.created += _new_people(gate, run.collection_id, batches.pop(0))
    return result


def _clusters(run: LinkageRun, wanted: set[str] | None) -> dict[str, list[ListEntry]]:
    """The run's clusters (all, or the wanted ones) → their entries, in line order.

    Entries share one instance of each import job and list (a run has a few of them; loading
    them with every entry would build and parse them once per entry)."""
    groups: dict[str, list[ListEntry]] = defaultdict(list)
    assignments = RunAssignment.objects.filter(run=run).select_related("entry").order_by(
        "cluster", "entry__line")
    for item in assignments:
        if wanted is None or item.cluster in wanted:
            groups[item.cluster].append(item.entry)
    entries = [entry for cluster in groups.values() for entry in cluster]
    jobs = ImportJob.all_objects.in_bulk({entry.job_id for entry in entries})
    lists = ImportedList.all_objects.in_bulk({entry.imported_list_id for entry in entries})
    for entry in entries:
        entry.job, entry.imported_list = jobs[entry.job_id], lists[entry.imported_list_id]
    return groups


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


def _join(gate: Gate, person_id: uuid.UUID, waiting: list[ListEntry]) -> Person:
    """The person a cluster already is takes its new entries, their names and agreed values."""
    person = Person.objects.get(pk=person_id)
    records.update_person(gate, person, _with_entries(_person_data(person), waiting),
                          reason="joined from person lists")
    _assign(gate, person, waiting, AuditAction.UPDATE)
    flag_disagreements(person)
    return person


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
