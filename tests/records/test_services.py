"""Recording people, events, violations and sources through the services."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry, Revision
from qantar.common.access import Gate
from qantar.core.errors import NotFound, PermissionDenied, ValidationFailed
from qantar.records import queries, services
from qantar.records.models import Event, Person, PersonName, Violation
from tests.fixtures.factories import make_collection, make_user, member, person_data


def test_record_person_seals_names_and_finds_them_by_any_spelling(gate, collection):
    person = services.record_person(gate, collection, person_data())

    assert [n.value for n in person.names.all()] == ["Dosai Sakhanbayev", "Досай Саханбаев"]
    assert person.pseudonym.startswith("P-") and len(person.pseudonym) == 10
    found = {p.pk for p in queries.people(gate, {"q": "Саханбаев"})}
    assert found == {person.pk}
    assert {p.pk for p in queries.people(gate, {"q": "sakhanbayev dosai"})} == {person.pk}
    assert list(queries.people(gate, {"q": "Abdrashev"})) == []


def test_names_and_notes_are_not_stored_in_clear(gate, collection):
    services.record_person(gate, collection, person_data(notes="canary-NOTES-7731"))

    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM records_personname")
        stored = [bytes(row[0]) for row in cursor.fetchall()]
        cursor.execute("SELECT notes FROM records_person")
        notes = bytes(cursor.fetchone()[0])
    assert all(
        b"Sakhanbayev" not in value and "Саханбаев".encode() not in value for value in stored
    )
    assert b"canary-NOTES-7731" not in notes


def test_sealed_value_moved_to_another_row_does_not_open(gate, collection):
    first = services.record_person(gate, collection, person_data(notes="first"))
    second = services.record_person(gate, collection, person_data(notes="second"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT notes FROM records_person WHERE id = %s",
            [first.pk.hex if connection.vendor == "sqlite" else first.pk],
        )
        ciphertext = cursor.fetchone()[0]
    Person.objects.filter(pk=second.pk).update(notes=ciphertext)

    reloaded = Person.objects.get(pk=second.pk)
    with pytest.raises(Exception) as raised:
        _ = reloaded.notes
    assert getattr(raised.value, "code", "") == "ciphertext_rejected"


def test_bad_person_input_is_refused_and_saves_nothing(gate, collection):
    cases = [
        ({"names": []}, "names", "required"),
        ({"names": [{"value": "   "}]}, "names", "required"),
        ({"birth_date": "2022-02-30"}, "birth_date", "impossible_date"),
        ({"birth_date": "yesterday"}, "birth_date", "invalid_date"),
        ({"age": "-3"}, "age", "invalid_age"),
        ({"groups": ["astronaut"]}, "groups", "unknown_term"),
        ({"sex": "x"}, "sex", "invalid_choice"),
        ({"notes": "x" * 10_000_001}, "notes", "too_long"),
    ]
    for override, field, code in cases:
        with pytest.raises(ValidationFailed) as raised:
            services.record_person(gate, collection, person_data(**override))
        assert (raised.value.field, raised.value.code) == (field, code)
    assert Person.all_objects.count() == 0
    assert PersonName.objects.count() == 0
    assert Revision.objects.count() == 0


def test_update_keeps_old_and_new_values_in_history(gate, collection, person):
    services.update_person(
        gate, person, person_data(status="dead", age=41), reason="Death confirmed"
    )

    items = queries.history(gate, person)
    assert [item.action for item in items] == ["update", "create"]
    assert items[0].changes == {"status": ["alive", "dead"], "age": [40, 41]}
    assert items[0].reason == "Death confirmed"
    assert items[0].actor == "documenter"


def test_every_write_is_audited_without_values(gate, collection, person):
    entries = list(AuditEntry.objects.filter(object_id=str(person.pk)))
    assert [e.action for e in entries] == ["create"]
    assert entries[0].details["fields"] == sorted(
        ["age", "birth_date", "groups", "names", "notes", "sex", "status"]
    )
    assert "Sakhanbayev" not in json.dumps([e.details for e in AuditEntry.objects.all()])


def test_violation_with_methods_place_and_perpetrator(gate, collection, person):
    place = services.create_place(gate, {"name": "Taldykorgan", "kind": "city"})
    police = services.create_organisation(
        gate, {"name": "Taldykorgan police", "kind": "agency", "agency": "police"}
    )
    violation = services.record_violation(
        gate,
        {
            "victim": person.pk,
            "type": "torture",
            "methods": ["beating", "burning_with_hot_iron"],
            "consequences": ["injury"],
            "date": "2022-01-07/2022-01-10",
            "place": place.pk,
            "status": "corroborated",
            "description": "Beaten and burned with an iron.",
            "involvements": [{"organisation": police.pk, "degree": "direct"}],
        },
    )

    assert violation.key_id == person.key_id
    assert sorted(t.code for t in violation.methods.all()) == ["beating", "burning_with_hot_iron"]
    assert str(violation.date_earliest) == "2022-01-07"
    assert str(violation.date_latest) == "2022-01-10"
    assert [v.pk for v in queries.violations(gate, {"method": "beating"})] == [violation.pk]
    assert [v.pk for v in queries.violations(gate, {"agency": "police"})] == [violation.pk]
    assert list(queries.violations(gate, {"date_from": "2022-02"})) == []
    assert [
        v.pk for v in queries.violations(gate, {"date_from": "2022-01-09", "date_to": "2022-01"})
    ] == [violation.pk]


def test_event_date_bounds_and_place_filter(gate, collection):
    country = services.create_place(gate, {"name": "Kazakhstan", "kind": "country"})
    city = services.create_place(gate, {"name": "Almaty", "kind": "city", "parent": country.pk})
    event = services.record_event_record(
        gate,
        collection,
        {
            "title": "Removal of wounded patients from Almaty City Hospital No. 12",
            "date": "2022-01-08",
            "place": city.pk,
        },
    )

    assert [e.pk for e in queries.events(gate, {"place": country.pk})] == [event.pk]
    assert [e.pk for e in queries.events(gate, {"q": "hospital wounded"})] == [event.pk]


def test_soft_delete_hides_but_keeps_the_record(gate, collection, person):
    with pytest.raises(ValidationFailed):
        services.delete_record(gate, person, reason="  ")
    services.delete_record(gate, person, reason="Duplicate of another record")

    assert list(queries.people(gate)) == []
    kept = Person.all_objects.get(pk=person.pk)
    assert kept.deletion_reason == "Duplicate of another record"
    assert kept.names.count() == 2
    with pytest.raises(NotFound):
        queries.person(gate, person.pk)


def test_other_collections_are_invisible_and_read_only_roles_cannot_write(gate, collection, person):
    outsider = make_user("outsider")
    other = make_collection("Other NGO", admin=outsider)
    outsider_gate = Gate.for_user(outsider)
    with pytest.raises(NotFound):
        queries.person(outsider_gate, person.pk)
    assert list(queries.people(outsider_gate, {"q": "Sakhanbayev"})) == []
    with pytest.raises(NotFound):
        services.record_person(outsider_gate, collection, person_data())

    viewer = member(make_user("viewer"), collection, Role.VIEWER)
    with pytest.raises(PermissionDenied):
        services.record_person(Gate.for_user(viewer), collection, person_data())
    assert Person.objects.filter(collection=other).count() == 0
    assert Person.objects.count() == 1


def test_analyst_cannot_search_names_nor_read_history_values(collection, person):
    analyst = member(make_user("analyst"), collection, Role.ANALYST)
    analyst_gate = Gate.for_user(analyst)

    assert list(queries.people(analyst_gate, {"q": "Sakhanbayev"})) == []
    items = queries.history(analyst_gate, person)
    assert items[0].changes["notes"] == ["—", "—"]


def test_violation_on_invisible_victim_is_refused(gate, collection, person):
    outsider = make_user("outsider2")
    make_collection("Elsewhere", admin=outsider)
    with pytest.raises(ValidationFailed) as raised:
        services.record_violation(Gate.for_user(outsider), {"victim": person.pk, "type": "torture"})
    assert raised.value.code == "unknown_reference"
    assert Violation.all_objects.count() == 0


def test_citation_and_sources_of_a_record(gate, collection, person):
    source = services.record_source(
        gate,
        collection,
        {
            "title": "We don't even cry anymore",
            "source_type": "report",
            "publisher": "IPHR",
            "published": "2022-11",
            "reliability": "B",
            "url": "https://example.org/report",
        },
    )
    services.cite(gate, source.pk, person, quote="was tortured")

    cited = list(queries.citations_of(gate, person))
    assert [(c.source.title, c.quote) for c in cited] == [
        ("We don't even cry anymore", "was tortured")
    ]
    assert queries.records_citing(gate, source) == [("person", person)]


def test_event_record_html_is_kept_as_text(gate, collection):
    event = services.record_event_record(
        gate, collection, {"title": "<script>alert(1)</script> Square", "date": "2022-01"}
    )
    assert Event.objects.get(pk=event.pk).title == "<script>alert(1)</script> Square"
