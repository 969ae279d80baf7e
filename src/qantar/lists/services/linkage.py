"""Running the linkage model over a collection's lists, and recording reviewers' decisions.

The model runs in process (:func:`qantar.core.linkage.link`). Reviewers' decisions go back into
it as labelled pairs: a pair counts as "same person" or "not the same person" when the latest
decisions of all reviewers who were sure agree; a pair on which reviewers disagree is left to
the model (and shown in the agreement figures).
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.text import clean_text
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import sha256_hex
from qantar.core.linkage import DEFAULT_THRESHOLD, link, read_records
from qantar.lists import io as list_io
from qantar.lists.choices import Decision
from qantar.lists.models import (
    CandidatePair,
    ImportedList,
    LinkageRun,
    ListEntry,
    ReviewDecision,
    RunAssignment,
)
from qantar.lists.services.imports import LINKED_COLUMNS, collection_id_of

DEFAULT_FLOOR = 0.05
BULK = 2000


def require_reviewer(gate: Gate, collection_id: uuid.UUID) -> None:
    """Linkage and review need documenter rights: editing records and seeing names."""
    gate.require(collection_id, Capability.EDIT_RECORDS)
    gate.require(collection_id, Capability.VIEW_IDENTITIES)


def ordered(left: Any, right: Any) -> tuple[Any, Any]:
    """A pair of entries (or ids) in canonical order: the smaller id first."""
    return (left, right) if str(_pk(left)) < str(_pk(right)) else (right, left)


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _lists(collection_id: uuid.UUID, lists: Iterable[Any] | None) -> list[ImportedList]:
    alive = ImportedList.objects.filter(collection_id=collection_id)
    if lists is None:
        return list(alive.order_by("name"))
    wanted = [_pk(item) for item in lists]
    chosen = list(alive.filter(pk__in=[str(pk) for pk in wanted]).order_by("name"))
    if len(chosen) != len(set(map(str, wanted))):
        raise ValidationFailed("unknown_list", "A list is not in this collection.", "lists")
    return chosen


def standard_csv(entries: Iterable[ListEntry]) -> str:
    """Entries as a person-list CSV in the standard columns (record_id = the entry's id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["record_id", "list", *LINKED_COLUMNS])
    for entry in entries:
        values = list_io.mapped_values(json.loads(entry.original or "[]"),
                                       entry.job.column_mapping)
        writer.writerow([str(entry.pk), entry.imported_list.name,
                         *(" ".join(values.get(column, "").split())
                           for column in LINKED_COLUMNS)])
    return out.getvalue()


def consensus(decisions: Iterable[ReviewDecision]) -> dict[tuple[str, str], bool]:
    """Pairs on which every reviewer's latest sure decision agrees → same person or not."""
    latest: dict[tuple[str, str], dict[Any, str]] = {}
    for decision in sorted(decisions, key=lambda item: (item.at, item.created_at)):
        pair = (str(decision.left_id), str(decision.right_id))
        latest.setdefault(pair, {})[decision.reviewer_id] = decision.decision
    labels = {}
    for pair, by_reviewer in latest.items():
        sure = {value for value in by_reviewer.values() if value != Decision.UNSURE}
        if len(sure) == 1:
            labels[pair] = sure.pop() == Decision.MATCH
    return labels


def _input_hash(entries: list[ListEntry], labels: dict[tuple[str, str], bool],
                parameters: dict[str, Any]) -> str:
    lines = [f"{entry.pk} {entry.job.sha256} {entry.line}" for entry in entries]
    lines += [f"{left} {right} {int(is_match)}" for (left, right), is_match in sorted(
        labels.items())]
    lines.append(json.dumps(parameters, sort_keys=True))
    return sha256_hex("\n".join(lines).encode("utf-8"))


def run_linkage(gate: Gate, collection: Collection | uuid.UUID, lists: Iterable[Any] | None = None,
                *, threshold: float = DEFAULT_THRESHOLD, seed: int = 0,
                floor: float = DEFAULT_FLOOR, limit: int | None = None) -> LinkageRun:
    """Link the entries of a collection's lists (all of them by default), in process.

    Stores the run (parameters, seed, threshold, a hash of its input), every pair scored at or
    above ``floor`` with its explanation, and every entry's cluster. Reviewers' decisions are
    passed to the model as labelled pairs, so they override its scores. With ``limit``, more
    entries than that are refused before anything is read (the web page's limit; the command
    line has none).
    """
    collection_id = collection_id_of(collection)
    require_reviewer(gate, collection_id)
    if not 0 <= floor < 1:
        raise ValidationFailed("invalid_floor", "The floor must be between 0 and 1.", "floor")
    chosen = _lists(collection_id, lists)
    if limit is not None:
        count = ListEntry.objects.filter(imported_list__in=chosen).count()
        if count > limit:
            raise ValidationFailed(
                "too_many_to_link_here",
                f"{count:,} entries to link: more than {limit:,} take too long for a web page. "
                "Link them from the command line: qantar lists link --collection NAME "
                "(add --accept to accept the people too).", "lists")
    entries = list(ListEntry.objects.filter(imported_list__in=chosen)
                   .select_related("job", "imported_list").order_by("imported_list__name", "line"))
    if not entries:
        raise ValidationFailed("no_entries", "There are no list entries to link.", "lists")
    records = read_records(standard_csv(entries)).records
    known = {record.record_id for record in records}
    labels = {pair: is_match for pair, is_match in consensus(
        ReviewDecision.objects.filter(collection_id=collection_id)).items()
        if pair[0] in known and pair[1] in known}
    result = link(records, labelled_pairs=[(left, right, is_match)
                                           for (left, right), is_match in labels.items()],
                  threshold=threshold, seed=seed)
    parameters = {"threshold": threshold, "seed": seed, "floor": floor,
                  "lists": [item.name for item in chosen]}
    return _store_run(gate, collection_id, chosen, result, parameters,
                      _input_hash(entries, labels, parameters), len(labels))


@transaction.atomic
def _store_run(gate: Gate, collection_id: uuid.UUID, chosen: list[ImportedList], result: Any,
               parameters: dict[str, Any], input_hash: str, labelled: int) -> LinkageRun:
    assignments = list(result.assignments())
    cluster_of = {record_id: cluster for record_id, cluster, _ in assignments}
    run = LinkageRun(collection_id=collection_id, threshold=parameters["threshold"],
                     seed=parameters["seed"], floor=parameters["floor"], parameters=parameters,
                     input_sha256=input_hash, record_count=len(assignments),
                     cluster_count=len(set(cluster_of.values())), labelled_count=labelled,
                     started_by=gate.user,
                     key_id=Collection.objects.get(pk=collection_id).records_key_id)
    run.save(force_insert=True)
    run.lists.set(chosen)
    RunAssignment.objects.bulk_create(
        (RunAssignment(run=run, entry_id=record_id, cluster=cluster, match_probability=value)
         for record_id, cluster, value in assignments), batch_size=BULK)
    pairs = []
    for scored in result.pairs(min_probability=parameters["floor"]):
        left, right = ordered(scored.left_id, scored.right_id)
        pairs.append(CandidatePair(
            run=run, left_id=left, right_id=right, probability=round(scored.probability, 6),
            match_weight=round(scored.match_weight, 3),
            explanation=[[item.feature, item.level, item.weight] for item in scored.explanation],
            is_joined=cluster_of[scored.left_id] == cluster_of[scored.right_id]))
    CandidatePair.objects.bulk_create(pairs, batch_size=BULK)
    run.pair_count, run.finished_at = len(pairs), timezone.now()
    run.save(update_fields=["pair_count", "finished_at", "updated_at"])
    record_event(AuditAction.CREATE, actor=gate.user, obj=run,
                 details={"records": run.record_count, "pairs": run.pair_count,
                          "clusters": run.cluster_count, "labelled": labelled,
                          "input_sha256": input_hash, "seed": run.seed,
                          "threshold": run.threshold})
    return run


@transaction.atomic
def record_decision(gate: Gate, left: ListEntry, right: ListEntry, decision: str, *,
                    note: str = "", pair: CandidatePair | None = None) -> ReviewDecision:
    """Record a reviewer's decision on two entries (append-only; their latest one counts)."""
    if left.collection_id != right.collection_id:
        raise ValidationFailed("other_collection", "The two entries are in different "
                               "collections.", "right")
    require_reviewer(gate, left.collection_id)
    if left.pk == right.pk:
        raise ValidationFailed("same_entry", "An entry cannot be compared with itself.", "right")
    if decision not in Decision.values:
        raise ValidationFailed("invalid_choice", f"“{str(decision)[:40]}” is not a decision "
                               f"(use {', '.join(Decision.values)}).", "decision")
    left, right = ordered(left, right)
    made = ReviewDecision(collection_id=left.collection_id,
                          key_id=Collection.objects.get(pk=left.collection_id).records_key_id,
                          left=left, right=right, pair=pair, decision=decision,
                          reviewer=gate.user, at=timezone.now(),
                          note=clean_text(note, "note", max_length=2000) or None)
    made.save(force_insert=True)
    record_event(AuditAction.CREATE, actor=gate.user, obj=made,
                 details={"decision": decision, "left": str(left.pk), "right": str(right.pk)})
    return made
