"""Justice fixtures: the shipped articles and checklist, a lawyer, a victim and a violation."""

from __future__ import annotations

from typing import Any

import pytest

from qantar.accounts.choices import Role
from qantar.common.access import Gate
from qantar.justice import services as justice
from qantar.records import services as records
from tests.fixtures.factories import make_user, member, person_data


@pytest.fixture(autouse=True)
def reference(db: Any) -> None:
    """Articles and fair-trial indicators (a rolled-back sync per test: a few dozen rows)."""
    justice.sync_reference()


@pytest.fixture
def lawyer(collection: Any) -> Any:
    """A lawyer in ``collection`` (may edit justice records, not victims' records)."""
    return member(make_user("ainara"), collection, Role.LAWYER)


@pytest.fixture
def lawyer_gate(lawyer: Any) -> Gate:
    """The lawyer's gate."""
    return Gate.for_user(lawyer)


@pytest.fixture
def violation(gate: Gate, person: Any) -> Any:
    """A torture violation of ``person`` in January 2022."""
    return records.record_violation(gate, {"victim": person.pk, "type": "torture",
                                           "date": "2022-01-08/2022-01-12",
                                           "description": "Beaten in the SIZO."})


def case_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for open_proceeding (a torture case against officials)."""
    data: dict[str, Any] = {"number": "227500031000123", "procedure": "criminal",
                            "against": "officials", "authority_kind": "prosecutor",
                            "articles": ["kz-cc-146"], "summary": "Torture in the Almaty SIZO.",
                            "parties": [{"role": "defendant", "name": "Unidentified KNB officers",
                                         "is_official": True, "headcount": 3}]}
    return data | overrides


def complaint_data(**overrides: Any) -> dict[str, Any]:
    """Valid input for record_complaint."""
    data: dict[str, Any] = {"filed_by": "lawyer", "filer_name": "Ainara Aidarkhanova",
                            "authority_kind": "prosecutor", "filed_on": "2022-01-20",
                            "reference": "ZH-2022-0117", "summary": "Torture in detention."}
    return data | overrides


__all__ = ["case_data", "complaint_data", "person_data"]
