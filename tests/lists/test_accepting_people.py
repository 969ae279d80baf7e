"""Accepting clusters as people in batches: the same people as one at a time, or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db.utils import OperationalError

from qantar.accounts.choices import Role
from qantar.audit import queries as audit_queries
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.common.context import channel
from qantar.core.hashing import sha256_hex
from qantar.lists import services
from qantar.lists.models import Disagreement, ListEntry, RunAssignment
from qantar.lists.services import people as people_service
from qantar.records import queries as records_queries
from qantar.records.models import Person, PersonName, SearchToken
from tests.fixtures.factories import make_collection, member
from tests.lists.conftest import MEDIA, NGO, OFFICIAL, details, write


def _import_three(gate: Gate, collection, folder: Path) -> None:  # noqa: ANN001
    folder.mkdir()
    for name, text, encoding in (("Official", OFFICIAL, "cp1251"), ("NGO", NGO, "utf-8"),
                                 ("Media", MEDIA, "utf-8")):
        services.import_file(gate, collection, write(folder, f"{name}.csv", text, encoding),
                             details=details(name))


def _people(collection) -> dict[frozenset, dict]:  # noqa: ANN001
    """Each person of a collection, keyed by their entries (list, line): all that was written."""
    found = {}
    for person in Person.objects.filter(collection=collection):
        entries = list(ListEntry.objects.filter(person=person).select_related("imported_list"))
        ids = sha256_hex("\n".join(sorted(str(entry.pk) for entry in entries)).encode())
        revisions = Revision.objects.filter(object_id=person.pk).order_by("at", "created_at")
        audit = AuditEntry.objects.filter(object_id=str(person.pk)).order_by("seq")
        found[frozenset((e.imported_list.name, e.line) for e in entries)] = {
            "names": [(n.value, n.script, n.language, n.is_primary) for n in person.names.all()],
            "values": (person.sex, person.status, person.age, person.birth_date, person.iin),
            "flags": sorted(Disagreement.objects.filter(person=person).values_list(
                "field", flat=True)),
            "tokens": sorted(SearchToken.objects.filter(object_id=person.pk).values_list(
                "digest", flat=True)),
            "history": [(r.action, json.loads(r.changes), r.reason) for r in revisions],
            "audit": [(e.action, {k: v if k != "entries_sha256" else v == ids
                                  for k, v in e.details.items() if k != "revision"})
                      for e in audit],
        }
    return found


def _counts() -> tuple[int, ...]:
    return (Person.all_objects.count(), PersonName.objects.count(), SearchToken.objects.count(),
            Revision.objects.count(), AuditEntry.objects.count(), Disagreement.objects.count(),
            ListEntry.objects.filter(person__isnull=False).count())


def test_accepting_in_batches_writes_what_accepting_one_cluster_at_a_time_writes(
        gate, collection, documenter, three_lists, tmp_path, monkeypatch):
    other = make_collection()
    gate = Gate.for_user(member(documenter, other, Role.DOCUMENTER))
    _import_three(gate, other, tmp_path / "again")
    monkeypatch.setattr(people_service, "ACCEPT_BATCH", 2)
    run = services.run_linkage(gate, collection)
    first = AuditEntry.objects.order_by("-seq").first().seq
    batched = services.accept_clusters(gate, run)
    assert [e.action for e in AuditEntry.objects.filter(seq__gt=first).order_by("seq")] == [
        "create", "create", "update", "update", "create", "create", "update", "update"]

    run = services.run_linkage(gate, other)
    labels = sorted(set(RunAssignment.objects.filter(run=run).values_list("cluster", flat=True)))
    single = [services.accept_clusters(gate, run, [label]).created for label in labels]
    assert [len(created) for created in single] == [1, 1, 1, 1]
    assert [people_service.flag_disagreements(person) for [person] in single] == [
        list(Disagreement.objects.filter(person=person)) for [person] in single]

    assert _people(collection) == _people(other)
    assert len(batched.created) == 4
    sakhanbayev = _people(collection)[frozenset({("Official", 2), ("NGO", 2), ("Media", 2)})]
    assert sakhanbayev["flags"] == ["date_of_death", "region"]
    assert sakhanbayev["history"] == [("create", {
        "sex": [None, "unknown"], "status": [None, "dead"], "groups": [None, []],
        "birth_date": [None, "1981-03-05"],
        "names": [None, ["Dosai Sahanbaev [latn/en/as_written]",
                         "Sakhanbayev Dosai [latn/en/as_written]",
                         "Саханбаев Досай Ерланович [cyrl/ru/as_written]"]]}, "")]
    assert [action for action, _ in sakhanbayev["audit"]] == ["create", "update"]
    assert sakhanbayev["audit"][1][1] == {"list_entries": 3, "entries_sha256": True,
                                          "via": channel.get()}
    assert audit_queries.verify().is_intact


def test_accepted_people_are_found_by_any_of_their_lists_spellings(gate, collection,
                                                                  three_lists):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    sakhanbayev = ListEntry.objects.get(imported_list__name="Official", line=2).person
    akhmetova = ListEntry.objects.get(imported_list__name="Official", line=3).person
    for query, person in (("Саханбаев", sakhanbayev), ("Sahanbaev Dosai", sakhanbayev),
                          ("sakhanbayev", sakhanbayev), ("Akhmetova", akhmetova),
                          ("Ахметова Айгуль", akhmetova)):
        assert [p.pk for p in records_queries.people(gate, {"q": query})] == [person.pk]


def test_a_failure_in_a_later_batch_changes_nothing(gate, collection, three_lists,
                                                   monkeypatch):
    run = services.run_linkage(gate, collection)
    monkeypatch.setattr(people_service, "ACCEPT_BATCH", 2)
    calls = []
    real = people_service.disagreeing_fields

    def fails_in_the_second_batch(entries):  # noqa: ANN001, ANN202
        calls.append(len(entries))
        if len(calls) == 3:
            raise OperationalError("disk I/O error")
        return real(entries)

    monkeypatch.setattr(people_service, "disagreeing_fields", fails_in_the_second_batch)
    before = _counts()
    with pytest.raises(OperationalError):
        services.accept_clusters(gate, run)
    assert len(calls) == 3
    assert _counts() == before
    assert audit_queries.verify().is_intact


def test_a_cluster_of_two_people_is_reported_and_the_others_are_accepted(gate, collection,
                                                                        three_lists):
    official, ngo, media = (ListEntry.objects.get(imported_list__name=name, line=2)
                            for name in ("Official", "NGO", "Media"))
    for left, right in ((official, ngo), (official, media), (ngo, media)):
        services.record_decision(gate, left, right, "not_match")
    run = services.run_linkage(gate, collection)
    labels = {entry.pk: item.cluster for item in RunAssignment.objects.filter(run=run)
              for entry in [item.entry]}
    services.accept_clusters(gate, run, [labels[official.pk], labels[ngo.pk]])
    for left, right in ((official, ngo), (official, media), (ngo, media)):
        services.record_decision(gate, left, right, "match")
    before = (Person.objects.count(), ListEntry.objects.get(pk=media.pk).person_id,
              [p.names.count() for p in Person.objects.order_by("created_at")])

    run = services.run_linkage(gate, collection)
    merged = RunAssignment.objects.get(run=run, entry=official).cluster
    result = services.accept_clusters(gate, run)
    assert (result.conflicts, len(result.created), result.joined) == ([merged], 3, [])
    assert ListEntry.objects.get(pk=media.pk).person_id is None is before[1]
    assert Person.objects.count() == before[0] + 3 == 5
    assert [p.names.count() for p in Person.objects.order_by("created_at")][:2] == before[2]
    assert audit_queries.verify().is_intact


def test_clusters_already_someones_join_them_through_update_person(gate, collection,
                                                                    three_lists, tmp_path):
    services.accept_clusters(gate, services.run_linkage(gate, collection))
    person = ListEntry.objects.get(imported_list__name="Official", line=2).person
    path = write(tmp_path, "survey.csv", "record_id,full_name,birth_date,date_of_death\n"
                 "s1,Дөсай Саханбаев,1981-03-05,2022-01-08\n"
                 "s2,Бекзат Оспанов,1979-04-01,2022-01-06\n")
    services.import_file(gate, collection, path, details=details("Survey"))
    before = Person.objects.count()

    result = services.accept_clusters(gate, services.run_linkage(gate, collection))
    assert ([p.pk for p in result.joined], len(result.created)) == ([person.pk], 1)
    assert Person.objects.count() == before + 1
    assert ListEntry.objects.get(imported_list__name="Survey", line=2).person_id == person.pk
    newcomer = ListEntry.objects.get(imported_list__name="Survey", line=3).person
    assert newcomer == result.created[0]
    assert [n.value for n in newcomer.names.all()] == ["Бекзат Оспанов"]
    history = Revision.objects.filter(object_id=person.pk).order_by("at", "created_at")
    assert [(r.action, r.reason, sorted(json.loads(r.changes))) for r in history] == [
        ("create", "", ["birth_date", "groups", "names", "sex", "status"]),
        ("update", "joined from person lists", ["names"])]
    assert "Дөсай Саханбаев [cyrl/kk/as_written]" in json.loads(history[1].changes)["names"][1]
    assert [(e.action, e.details.get("list_entries")) for e in AuditEntry.objects.filter(
        object_id=str(person.pk)).order_by("seq")] == [
        ("create", None), ("update", 3), ("update", None), ("update", 1)]
    assert Disagreement.objects.filter(person=person).count() == 2
    assert audit_queries.verify().is_intact
