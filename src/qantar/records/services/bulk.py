"""Bulk import of people: the same checks as :func:`record_person`, written in batches.

Each batch is one database transaction and one key-store write. Every person gets their own
data key, sealed fields, blind-index tokens and a sealed "create" revision; the batch is one
audit entry naming how many people and a hash of their ids.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.audit.choices import AuditAction
from qantar.audit.models import Revision
from qantar.audit.services import record_event
from qantar.common.access import Gate
from qantar.common.database import refresh_statistics
from qantar.common.keyring import get_keyring
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import sha256_hex
from qantar.core.names import search_keys
from qantar.records.models import Person, PersonName, SearchToken
from qantar.records.services import _apply_person, _new_pseudonym

_M2M = Person.groups.through


def _batches(rows: Iterable[Mapping[str, Any]], size: int) -> Iterator[list[Mapping[str, Any]]]:
    batch: list[Mapping[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _prepare(collection_id: uuid.UUID, rows: list[Mapping[str, Any]], offset: int) -> list[Any]:
    prepared = []
    for index, row in enumerate(rows):
        person = Person(collection_id=collection_id, pseudonym=_new_pseudonym(checked=False))
        try:
            names, groups = _apply_person(person, row)
        except ValidationFailed as error:
            raise ValidationFailed(
                error.code, f"Person #{offset + index + 1}: {error.message}", error.field
            ) from None
        prepared.append((person, names, groups))
    return prepared


def _write_batch(gate: Gate, collection_id: uuid.UUID, prepared: list[Any]) -> None:
    keyring = get_keyring()
    key_ids = keyring.new_data_keys(collection_id, [f"person:{p.pk}" for p, _, _ in prepared])
    now = timezone.now()
    names, tokens, links, revisions = [], [], [], []
    for (person, person_names, groups), key_id in zip(prepared, key_ids, strict=True):
        person.key_id = key_id
        for name in person_names:
            names.append(PersonName(person=person, key_id=key_id, **name))
        digests = {keyring.blind_index(k) for n in person_names for k in search_keys(n["value"])}
        tokens.extend(SearchToken(collection_id=collection_id, object_type="person",
                                  object_id=person.pk, digest=d) for d in digests)
        links.extend(_M2M(person_id=person.pk, term_id=term.pk) for term in groups)
        revision = Revision(object_type="records.person", object_id=person.pk,
                            collection_id=collection_id, key_id=key_id,
                            action=AuditAction.CREATE, actor=gate.user, at=now)
        revision.changes = json.dumps({"names": [None, sorted(n["value"] for n in person_names)],
                                       "imported": [None, True]})
        revisions.append(revision)
    Person.objects.bulk_create([p for p, _, _ in prepared])
    PersonName.objects.bulk_create(names)
    SearchToken.objects.bulk_create(tokens)
    _M2M.objects.bulk_create(links)
    Revision.objects.bulk_create(revisions)
    ids = sorted(str(p.pk) for p, _, _ in prepared)
    record_event(AuditAction.IMPORT, actor=gate.user, collection_id=collection_id,
                 object_type="records.person",
                 details={"persons": len(ids), "ids_sha256": sha256_hex("\n".join(ids).encode())})


def import_people(gate: Gate, collection_id: uuid.UUID, rows: Iterable[Mapping[str, Any]],
                  batch_size: int = 1000) -> int:
    """Record many people (dicts as for record_person): every row is checked before any is
    written, and the whole import is one transaction, so a bad row changes nothing."""
    gate.require(collection_id, Capability.EDIT_RECORDS)
    prepared, count = [], 0
    for batch in _batches(rows, batch_size):
        prepared.append(_prepare(collection_id, batch, count))
        count += len(batch)
    with transaction.atomic():
        for batch_prepared in prepared:
            _write_batch(gate, collection_id, batch_prepared)
    refresh_statistics()
    return count
