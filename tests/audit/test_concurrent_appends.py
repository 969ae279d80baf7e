"""Concurrent writers keep one unbroken chain (PostgreSQL: advisory lock; SQLite: write lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from qantar.audit import queries
from qantar.audit.services import record_event


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_keep_the_log_intact():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database is one connection; its file database "
                    "serialises writers with BEGIN IMMEDIATE")
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for number in range(25):
                record_event("update", object_type="records.event",
                             object_id=f"{worker}-{number}")
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=append, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    report = queries.verify()
    assert (report.is_intact, report.size) == (True, 100)
