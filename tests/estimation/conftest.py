"""Estimation fixtures: an analyst, a viewer, an outsider, and the documentation's table."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from qantar.accounts.choices import Role
from qantar.common.access import Gate
from tests.fixtures.factories import make_collection, make_user, member

# The table of docs/estimation.md: 119 people on three lists.
DOCS_CSV = ("Volunteers,Hospital,Prosecutor,count\n1,0,0,40\n0,1,0,30\n1,1,0,12\n0,0,1,20\n"
            "1,0,1,8\n0,1,1,6\n1,1,1,3\n")
DOCS_ROWS = [[1, 0, 0, 40], [0, 1, 0, 30], [1, 1, 0, 12], [0, 0, 1, 20], [1, 0, 1, 8],
             [0, 1, 1, 6], [1, 1, 1, 3]]


@pytest.fixture
def analyst(collection: Any) -> Any:
    """An analyst in ``collection``: statistics and exports, no identities."""
    return member(make_user("dana"), collection, Role.ANALYST)


@pytest.fixture
def analyst_gate(analyst: Any) -> Gate:
    """The analyst's gate."""
    return Gate.for_user(analyst)


@pytest.fixture
def viewer(collection: Any) -> Any:
    """A viewer in ``collection``: sees records, not statistics."""
    return member(make_user("viewer"), collection, Role.VIEWER)


@pytest.fixture
def outsider(db: Any) -> Any:
    """An analyst in another collection."""
    return member(make_user("outsider"), make_collection("Elsewhere"), Role.ANALYST)


@pytest.fixture
def client_for(db: Any) -> Any:
    """A logged-in test client for a user (past the second factor)."""
    def login(user: Any) -> Client:
        client = Client()
        client.force_login(user)
        return client
    return login
