"""Bulk import of people: the same checks, one transaction, searchable and sealed."""

from __future__ import annotations

import pytest

from qantar.audit.models import AuditEntry, Revision
from qantar.core.errors import ValidationFailed
from qantar.records import queries
from qantar.records.models import Person, PersonName, SearchToken
from qantar.records.services.bulk import import_people

SURNAMES = ["Aliev", "Shutov", "Abdrashev", "Kamshybek", "Nursapar"]


def _rows(count: int) -> list[dict]:
    return [{"names": [{"value": f"Test {SURNAMES[i]}"}], "sex": "male", "age": 30 + i,
             "groups": ["activist"], "notes": f"row {i}"} for i in range(count)]


def test_bulk_import_seals_indexes_and_audits_each_batch(gate, collection):
    assert import_people(gate, collection.pk, _rows(5), batch_size=2) == 5

    people = list(queries.people(gate, {"q": "Алиев"}))
    assert [p.notes for p in people] == ["row 0"]
    assert Person.objects.count() == 5
    assert len({p.key_id for p in Person.objects.all()}) == 5
    assert Revision.objects.filter(action="create").count() == 5
    imports = AuditEntry.objects.filter(action="import")
    assert [e.details["persons"] for e in imports] == [2, 2, 1]
    assert Person.objects.filter(groups__code="activist").count() == 5


def test_a_bad_row_anywhere_changes_nothing(gate, collection):
    rows = _rows(4)
    rows[3]["birth_date"] = "2022-02-30"
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationFailed) as raised:
        import_people(gate, collection.pk, rows, batch_size=2)
    assert raised.value.message == "Person #4: 2022-02 has no day 30."
    assert (Person.all_objects.count(), PersonName.objects.count(),
            SearchToken.objects.count()) == (0, 0, 0)
    assert AuditEntry.objects.count() == before
