"""Recording many people at once: each exactly as record_person records one, written together."""

from __future__ import annotations

import json

import pytest

from qantar.accounts.choices import Role
from qantar.audit import queries as audit_queries
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.core.errors import PermissionDenied, ValidationFailed
from qantar.records import queries, services
from qantar.records.models import Person, PersonName, SearchToken
from tests.fixtures.factories import make_collection, make_user, member, person_data

ITEMS = [
    person_data(),
    person_data(names=[{"value": "Aigul Akhmetova", "language": "en"}], sex="female",
                status="dead", age=None, groups=[], birth_date="1990-11-12", iin="901112400123",
                notes=""),
    person_data(names=[{"value": "Ерлан Исаев", "language": "ru", "kind": "official"},
                       {"value": "Yerlan Isayev", "kind": "transliteration"}],
                groups=["activist", "journalist"], occupation="driver", contact="Taraz"),
]


def _written(person: Person) -> dict:
    """Everything recording a person writes about them, except ids, keys and times."""
    person = Person.objects.get(pk=person.pk)
    revisions = list(Revision.objects.filter(object_id=person.pk))
    entries = list(AuditEntry.objects.filter(object_id=str(person.pk)).order_by("seq"))
    assert [entry.details["revision"] for entry in entries] == [str(r.pk) for r in revisions]
    return {
        "names": [(n.value, n.script, n.language, n.kind, n.is_primary, n.key_id == person.key_id)
                  for n in person.names.all()],
        "values": (person.sex, person.status, person.age, person.birth_date, person.iin,
                   person.occupation, person.contact, person.notes),
        "groups": sorted(term.code for term in person.groups.all()),
        "tokens": sorted(SearchToken.objects.filter(object_id=person.pk).values_list(
            "object_type", "digest")),
        "revisions": [(r.action, json.loads(r.changes), r.reason, r.actor_id,
                       r.key_id == person.key_id) for r in revisions],
        "audit": [(e.action, e.object_type, e.collection_id == str(person.collection_id),
                   e.details["fields"], e.details["via"]) for e in entries],
    }


def _counts() -> tuple[int, ...]:
    return (Person.all_objects.count(), PersonName.objects.count(), SearchToken.objects.count(),
            Revision.objects.count(), AuditEntry.objects.count())


def test_record_people_writes_what_record_person_writes_one_by_one(gate, collection, documenter):
    other = make_collection()
    member(documenter, other, Role.DOCUMENTER)
    gate = Gate.for_user(documenter)
    one_by_one = [services.record_person(gate, collection, item) for item in ITEMS]
    together = services.record_people(gate, other, ITEMS)

    assert [_written(person) for person in together] == [
        _written(person) for person in one_by_one]
    assert [person.collection_id for person in together] == [other.pk] * 3
    assert _written(together[2])["names"] == [
        ("Ерлан Исаев", "cyrl", "ru", "official", True, True),
        ("Yerlan Isayev", "latn", "other", "transliteration", False, True)]
    assert _written(together[0])["revisions"] == [("create", {
        "sex": [None, "male"], "status": [None, "alive"], "age": [None, 40],
        "groups": [None, ["activist"]], "birth_date": [None, "1981"],
        "notes": [None, "Tortured in Taldykorgan."],
        "names": [None, ["Dosai Sakhanbayev [latn/en/as_written]",
                         "Досай Саханбаев [cyrl/ru/as_written]"]]}, "", documenter.pk,
        True)]
    keys = [person.key_id for person in one_by_one + together]
    assert len(set(keys)) == 6
    pseudonyms = [person.pseudonym for person in one_by_one + together]
    assert len(set(pseudonyms)) == 6 and all(len(p) == 10 for p in pseudonyms)
    assert audit_queries.verify().is_intact


def test_people_recorded_together_are_found_by_any_spelling(gate, collection):
    dosai, aigul, yerlan = services.record_people(gate, collection, ITEMS)

    assert [p.pk for p in queries.people(gate, {"q": "Саханбаев"})] == [dosai.pk]
    assert [p.pk for p in queries.people(gate, {"q": "akhmetova aigul"})] == [aigul.pk]
    assert [p.pk for p in queries.people(gate, {"q": "Исаев"})] == [yerlan.pk]
    assert [p.notes for p in queries.people(gate, {"q": "Ерлан"})] == [
        "Tortured in Taldykorgan."]


def test_audit_entries_follow_the_items_order_across_batches(gate, collection, monkeypatch):
    monkeypatch.setattr(services, "PEOPLE_BATCH", 2)
    items = [person_data(names=[{"value": f"Person {letter}"}]) for letter in "ABCDE"]
    first = AuditEntry.objects.order_by("-seq").first().seq
    people = services.record_people(gate, collection, items)

    entries = list(AuditEntry.objects.filter(seq__gt=first).order_by("seq"))
    assert [(e.seq, e.object_id, e.action) for e in entries] == [
        (first + number, str(person.pk), "create") for number, person in enumerate(people, 1)]
    assert [p.names.get().value for p in people] == [f"Person {letter}" for letter in "ABCDE"]
    assert audit_queries.verify().is_intact


def test_a_bad_item_anywhere_changes_nothing_and_is_named(gate, collection):
    items = [*ITEMS, person_data(age="200")]
    before = _counts()
    with pytest.raises(ValidationFailed) as raised:
        services.record_people(gate, collection, items)
    assert (raised.value.code, raised.value.field, raised.value.message) == (
        "invalid_age", "age", "Person #4: An age of 200 is impossible.")
    with pytest.raises(ValidationFailed) as raised:
        services.record_people(gate, collection, [person_data(age="200")])
    assert raised.value.message == "An age of 200 is impossible."
    assert _counts() == before


def test_recording_people_needs_the_right_to_edit_the_collection(collection):
    viewer = Gate.for_user(member(make_user(), collection, Role.VIEWER))
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.record_people(viewer, collection, ITEMS)
    assert _counts() == before


def test_nothing_to_record_writes_nothing(gate, collection):
    before = _counts()
    assert services.record_people(gate, collection, []) == []
    assert _counts() == before


def test_a_pseudonym_in_use_or_drawn_twice_is_drawn_again(gate, collection, monkeypatch):
    taken = services.record_person(gate, collection, person_data()).pseudonym
    draws = iter([taken, "P-AAAAAAAA", "P-AAAAAAAA", "P-BBBBBBBB", taken, "P-CCCCCCCC"])
    monkeypatch.setattr(services, "_new_pseudonym", lambda checked=True: next(draws))

    people = services.record_people(gate, collection, ITEMS)
    assert [person.pseudonym for person in people] == ["P-AAAAAAAA", "P-BBBBBBBB", "P-CCCCCCCC"]
    assert sorted(Person.objects.values_list("pseudonym", flat=True)) == sorted(
        [taken, "P-AAAAAAAA", "P-BBBBBBBB", "P-CCCCCCCC"])
