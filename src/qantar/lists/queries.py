"""All reads of person lists, each through the access gate.

Names and original rows are shown only to users who may see identities in the collection
(documenters); analysts see counts, overlaps and capture histories, never a name.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, F, QuerySet
from django.db.models.functions import Abs

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.core.errors import NotFound, PermissionDenied
from qantar.core.linkage import Record, capture_histories, capture_histories_csv
from qantar.core.linkage.model import probability
from qantar.core.names import search_keys, tokens
from qantar.lists.models import (
    CandidatePair,
    Disagreement,
    EntryToken,
    ImportedList,
    ImportJob,
    LinkageRun,
    ListEntry,
    PendingUpload,
    ReviewDecision,
    RunAssignment,
)
from qantar.lists.services import entry_values, field_values
from qantar.records.models import Person

REVIEW_LOW = 0.2
REVIEW_HIGH = 0.9
SHOWN_COLUMNS = ("record_id", "full_name", "surname", "given_name", "patronymic", "birth_date",
                 "birth_year", "age", "sex", "region", "city", "date_of_death", "iin",
                 "cause_of_death")


def require_identities(gate: Gate, collection_id: uuid.UUID) -> None:
    """Names are shown only to users who may see identities (never to analysts)."""
    gate.require(collection_id, Capability.VIEW_RECORDS)
    if not gate.sees_identities(collection_id):
        raise PermissionDenied("Reviewing lists needs the right to see names (documenters).")


def lists(gate: Gate, collection: Any = None) -> QuerySet[ImportedList]:
    """The lists the user may see, with how many entries each holds."""
    queryset = gate.scope(ImportedList.objects.all()).select_related("collection", "source")
    if collection is not None:
        queryset = queryset.filter(collection_id=getattr(collection, "pk", collection))
    return queryset.annotate(entry_count=Count("entries")).order_by("collection__name", "name")


def imported_list(gate: Gate, pk: Any) -> ImportedList:
    """One list the user may see, or NotFound."""
    return gate.fetch(ImportedList.objects.select_related("collection", "source", "created_by"),
                      pk)


def jobs_of(gate: Gate, imported: ImportedList) -> QuerySet[ImportJob]:
    """The files imported into a list, oldest first."""
    return gate.scope(ImportJob.objects.filter(imported_list=imported)).select_related(
        "started_by")


def job(gate: Gate, pk: Any) -> ImportJob:
    """One import job the user may see, or NotFound."""
    return gate.fetch(ImportJob.objects.select_related("imported_list"), pk)


def upload(gate: Gate, pk: Any) -> PendingUpload:
    """An upload waiting for confirmation, visible to its uploader only."""
    found = gate.fetch(PendingUpload.objects.all(), pk)
    if found.uploaded_by_id != getattr(gate.user, "pk", None):
        raise NotFound()
    return found


def _matching_entries(gate: Gate, text: str) -> QuerySet[Any] | None:
    keyring = get_keyring()
    result = None
    for word in tokens(text)[:8]:
        digests = [keyring.blind_index(key) for key in search_keys(word)]
        ids = EntryToken.objects.filter(
            digest__in=digests,
            collection_id__in=gate.collections(Capability.VIEW_IDENTITIES)).values("entry_id")
        result = ids if result is None else result.filter(entry_id__in=ids)
    return result


def entries(gate: Gate, imported: ImportedList, q: str = "") -> QuerySet[ListEntry]:
    """A list's entries (names: documenters only), optionally those whose names match ``q``."""
    require_identities(gate, imported.collection_id)
    queryset = ListEntry.objects.filter(imported_list=imported).select_related(
        "job", "imported_list")
    if q:
        ids = _matching_entries(gate, q)
        if ids is not None:
            queryset = queryset.filter(id__in=ids)
    return queryset.order_by("job__created_at", "line")


@dataclass(frozen=True)
class EntryView:
    """An entry as a reviewer sees it: its list, line, standard values and original cells."""

    entry: ListEntry
    list_name: str
    line: int
    values: dict[str, str]
    original: list[tuple[str, str]]


def entry_view(entry: ListEntry) -> EntryView:
    """What a reviewer is shown of one entry (the caller has checked the gate)."""
    cells = json.loads(entry.original or "[]")
    return EntryView(entry, entry.imported_list.name, entry.line, entry_values(entry),
                     list(zip(entry.job.header, cells, strict=False)))


def latest_run(gate: Gate, collection: Any) -> LinkageRun | None:
    """The collection's most recent linkage run, if the user may see the collection."""
    collection_id = getattr(collection, "pk", collection)
    return gate.scope(LinkageRun.objects.filter(collection_id=collection_id)).order_by(
        "-created_at").first()


def runs(gate: Gate) -> QuerySet[LinkageRun]:
    """Linkage runs the user may see, newest first."""
    return gate.scope(LinkageRun.objects.all()).select_related("collection", "started_by")


def run(gate: Gate, pk: Any) -> LinkageRun:
    """One linkage run the user may see, or NotFound."""
    return gate.fetch(LinkageRun.objects.select_related("collection", "started_by"), pk)


def review_queue(gate: Gate, linkage_run: LinkageRun, *, low: float = REVIEW_LOW,
                 high: float = REVIEW_HIGH) -> QuerySet[CandidatePair]:
    """The run's uncertain pairs the user has not decided yet, most uncertain first."""
    require_identities(gate, linkage_run.collection_id)
    decided = ReviewDecision.objects.filter(reviewer=gate.user).values_list("left_id",
                                                                            "right_id")
    done = {(str(left), str(right)) for left, right in decided}
    queryset = (CandidatePair.objects.filter(run=linkage_run, probability__gte=low,
                                             probability__lte=high)
                .annotate(uncertainty=Abs(F("probability") - 0.5))
                .order_by("uncertainty", "id"))
    skip = [pair.pk for pair in queryset.only("id", "left_id", "right_id")
            if (str(pair.left_id), str(pair.right_id)) in done]
    return queryset.exclude(pk__in=skip).select_related(
        "left__job", "left__imported_list", "right__job", "right__imported_list")


def candidate_pair(gate: Gate, pk: Any) -> CandidatePair:
    """One scored pair (names: documenters only), or NotFound."""
    pair = gate.fetch(CandidatePair.objects.select_related(
        "run", "left__job", "left__imported_list", "right__job", "right__imported_list"),
        pk, path="run__collection")
    require_identities(gate, pair.run.collection_id)
    return pair


@dataclass(frozen=True)
class FieldRow:
    """One standard field of a pair, side by side, and whether the two lists agree on it."""

    column: str
    left: str
    right: str
    is_same: bool


def side_by_side(pair: CandidatePair) -> list[FieldRow]:
    """Each standard field as the two lists wrote it (fields both left blank are left out)."""
    left, right = entry_values(pair.left), entry_values(pair.right)
    rows = []
    for column in SHOWN_COLUMNS:
        a, b = left.get(column, ""), right.get(column, "")
        if a or b:
            rows.append(FieldRow(column, a, b, a.casefold() == b.casefold()))
    return rows


@dataclass(frozen=True)
class ScoreSummary:
    """How a pair's probability follows from its evidence, for the reviewer.

    ``prior_bits``: the odds, in bits, of two records of these lists picked at random being
    one person (the evidence of the features is added to it); ``total_bits``: the match
    weight; ``is_shared``: the probability is not the one the total alone implies, because
    the rivals of each record and the overlap of the two lists were weighed (see
    :mod:`qantar.core.linkage.exclusivity`).
    """

    prior_bits: float
    total_bits: float
    is_shared: bool


def score_summary(pair: CandidatePair) -> ScoreSummary:
    """The prior and total weight of a scored pair, and whether its odds were shared."""
    evidence = sum(float(weight) for _feature, _level, weight in pair.explanation)
    total = float(pair.match_weight)
    alone = float(probability(np.array([total]))[0])
    return ScoreSummary(total - evidence, total, abs(alone - float(pair.probability)) >= 0.005)


def pair_decisions(gate: Gate, pair: CandidatePair) -> QuerySet[ReviewDecision]:
    """Every decision on the pair's two entries, oldest first (the caller holds the pair)."""
    return ReviewDecision.objects.filter(left=pair.left, right=pair.right).select_related(
        "reviewer").order_by("at", "created_at")


@dataclass(frozen=True)
class ReviewStats:
    """How far review has come and how often reviewers agree."""

    queue_total: int
    reviewed: int
    decisions: int
    reviewers: int
    by_decision: dict[str, int]
    pairs_with_two_reviewers: int
    pairs_agreeing: int

    @property
    def agreement(self) -> float | None:
        """Share of pairs seen by two or more reviewers on which they all agree."""
        if not self.pairs_with_two_reviewers:
            return None
        return self.pairs_agreeing / self.pairs_with_two_reviewers

    @property
    def percent_reviewed(self) -> int:
        """Share of the run's uncertain pairs decided by at least one reviewer, in percent."""
        return 100 * self.reviewed // self.queue_total if self.queue_total else 100


def review_stats(gate: Gate, collection: Any, linkage_run: LinkageRun | None = None
                 ) -> ReviewStats:
    """Review progress on the run's uncertain pairs and agreement between reviewers (counts
    only: analysts may see them)."""
    collection_id = getattr(collection, "pk", collection)
    gate.require(collection_id, Capability.VIEW_RECORDS)
    latest: dict[tuple[str, str], dict[Any, str]] = defaultdict(dict)
    decisions = ReviewDecision.objects.filter(collection_id=collection_id).order_by(
        "at", "created_at").values_list("left_id", "right_id", "reviewer_id", "decision")
    count = 0
    for left, right, reviewer, decision in decisions:
        latest[(str(left), str(right))][reviewer] = decision
        count += 1
    queue: set[tuple[str, str]] = set()
    if linkage_run is not None:
        queue = {(str(left), str(right)) for left, right in CandidatePair.objects.filter(
            run=linkage_run, probability__gte=REVIEW_LOW, probability__lte=REVIEW_HIGH
        ).values_list("left_id", "right_id")}
    several = [by for by in latest.values() if len(by) >= 2]
    return ReviewStats(
        queue_total=len(queue), reviewed=len(queue & set(latest)), decisions=count,
        reviewers=len({reviewer for by in latest.values() for reviewer in by}),
        by_decision=dict(Counter(value for by in latest.values() for value in by.values())),
        pairs_with_two_reviewers=len(several),
        pairs_agreeing=sum(1 for by in several if len(set(by.values())) == 1))


def run_clusters(gate: Gate, linkage_run: LinkageRun, *, only_linked: bool = True,
                 limit: int = 200) -> list[tuple[str, list[ListEntry]]]:
    """A run's clusters with their entries (names: documenters only), largest first."""
    require_identities(gate, linkage_run.collection_id)
    sizes = (RunAssignment.objects.filter(run=linkage_run).values("cluster")
             .annotate(size=Count("id")).order_by("-size", "cluster"))
    if only_linked:
        sizes = sizes.filter(size__gt=1)
    labels = [row["cluster"] for row in sizes[:limit]]
    groups: dict[str, list[ListEntry]] = {label: [] for label in labels}
    for item in RunAssignment.objects.filter(run=linkage_run, cluster__in=labels).select_related(
            "entry__job", "entry__imported_list").order_by("entry__imported_list__name"):
        groups[item.cluster].append(item.entry)
    return list(groups.items())


def person_entries(gate: Gate, person: Person) -> list[EntryView]:
    """The list entries accepted as one person (names: documenters only)."""
    require_identities(gate, person.collection_id)
    return [entry_view(entry) for entry in ListEntry.objects.filter(person=person)
            .select_related("job", "imported_list").order_by("imported_list__name", "line")]


def person_fields(gate: Gate, person: Person) -> dict[str, list[tuple[str, str]]]:
    """Each flagged field → (list name, value) as every list gave it."""
    require_identities(gate, person.collection_id)
    entries = ListEntry.objects.filter(person=person).select_related("job", "imported_list")
    return {column: [(entry.imported_list.name, value) for entry, value in pairs]
            for column, pairs in field_values(entries).items()}


def person(gate: Gate, pk: Any) -> Person:
    """One person the user may see, or NotFound."""
    return gate.fetch(Person.objects.prefetch_related("names"), pk)


def disagreements(gate: Gate, person_record: Person | None = None, *,
                  collection: Any = None, is_open: bool = True) -> QuerySet[Disagreement]:
    """Flagged disagreements between lists, for one person or a collection."""
    queryset = gate.scope(Disagreement.objects.select_related("person"))
    if person_record is not None:
        queryset = queryset.filter(person=person_record)
    if collection is not None:
        queryset = queryset.filter(collection_id=getattr(collection, "pk", collection))
    if is_open:
        queryset = queryset.filter(resolved_at__isnull=True)
    return queryset


def _people_of(entries: Iterable[tuple[Any, Any, Any]], run_cluster: dict[str, str]
               ) -> dict[str, str]:
    """Entry id → person: its accepted Person, else its cluster in the latest run (joined to
    the Person of any accepted entry in that cluster), else itself."""
    person_of_cluster: dict[str, str] = {}
    rows = list(entries)
    for entry_id, _, person_id in rows:
        cluster = run_cluster.get(str(entry_id))
        if person_id and cluster:
            person_of_cluster.setdefault(cluster, f"person:{person_id}")
    people = {}
    for entry_id, _, person_id in rows:
        cluster = run_cluster.get(str(entry_id))
        people[str(entry_id)] = (f"person:{person_id}" if person_id else
                                 person_of_cluster.get(cluster or "", f"run:{cluster}")
                                 if cluster else f"entry:{entry_id}")
    return people


@dataclass(frozen=True)
class ListOverlap:
    """How many people are on each combination of lists, and how they were counted."""

    list_names: list[str]
    rows: list[tuple[tuple[int, ...], int]]
    entries: int
    accepted_people: int
    """People made of accepted clusters (Person records)."""
    linked_not_accepted: int
    """People counted as a cluster of the latest linkage run, not accepted yet."""
    never_linked: int
    """Entries in no linkage run, each counted as a person of its own."""
    pairs_to_review: int
    """Uncertain pairs of the latest run that no reviewer has decided."""


def list_overlap(gate: Gate, collection: Any, chosen: Iterable[Any] | None = None
                 ) -> ListOverlap:
    """How many people are on each combination of lists (for multiple systems estimation).

    A person is an accepted Person; an entry not accepted yet counts as its cluster in the
    latest linkage run (or alone). Counts only: analysts may see them.
    """
    collection_id = getattr(collection, "pk", collection)
    gate.require(collection_id, Capability.VIEW_STATISTICS)
    scope = ImportedList.objects.filter(collection_id=collection_id)
    if chosen is not None:
        scope = scope.filter(pk__in=[str(getattr(item, "pk", item)) for item in chosen])
    rows = list(ListEntry.objects.filter(imported_list__in=scope).values_list(
        "id", "imported_list__name", "person_id"))
    linkage_run = latest_run(gate, collection_id)
    run_cluster = {} if linkage_run is None else {
        str(entry): cluster for entry, cluster in RunAssignment.objects.filter(
            run=linkage_run).values_list("entry_id", "cluster")}
    clusters = _people_of(rows, run_cluster)
    records = [Record(record_id=str(entry_id), list_name=name) for entry_id, name, _ in rows]
    names, counts = capture_histories(records, clusters)
    kinds = Counter(person.split(":", 1)[0] for person in set(clusters.values()))
    stats = review_stats(gate, collection_id, linkage_run)
    return ListOverlap(names, counts, len(rows), kinds["person"], kinds["run"], kinds["entry"],
                       stats.queue_total - stats.reviewed)


def capture_history(gate: Gate, collection: Any, chosen: Iterable[Any] | None = None
                    ) -> tuple[list[str], list[tuple[tuple[int, ...], int]]]:
    """The list names and (0/1 per list, number of people) rows of :func:`list_overlap`."""
    overlap = list_overlap(gate, collection, chosen)
    return overlap.list_names, overlap.rows


def capture_history_csv(gate: Gate, collection: Any, chosen: Iterable[Any] | None = None
                        ) -> str:
    """The capture-history CSV: one 0/1 column per list (sorted by name), then ``count``."""
    names, rows = capture_history(gate, collection, chosen)
    return capture_histories_csv(names, rows)


def collections_for_review(gate: Gate) -> list[Any]:
    """Collections where the user may run linkage and review (documenter rights)."""
    from qantar.accounts.models import Collection

    ids = set(gate.collections(Capability.EDIT_RECORDS)) & set(
        gate.collections(Capability.VIEW_IDENTITIES))
    return list(Collection.objects.filter(pk__in=ids).order_by("name"))


def collections_for_import(gate: Gate) -> list[Any]:
    """Collections where the user may import lists."""
    from qantar.accounts.models import Collection

    return list(Collection.objects.filter(pk__in=gate.collections(Capability.EDIT_RECORDS))
                .order_by("name"))

