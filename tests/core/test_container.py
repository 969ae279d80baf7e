"""Sealed export containers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.core.container import open_container, seal_container
from qantar.core.errors import IntegrityFailure, ValidationFailed

PASSPHRASE = "correct horse battery staple"


@settings(max_examples=5, deadline=None)
@given(st.binary(max_size=2000))
def test_a_container_opens_to_what_was_sealed(data):
    assert open_container(seal_container(data, PASSPHRASE, "x.json"), PASSPHRASE) == (
        "x.json",
        data,
    )


def test_the_plaintext_is_not_in_the_file():
    sealed = seal_container("Саханбаев canary-7781".encode(), PASSPHRASE)
    assert b"canary-7781" not in sealed and "Саханбаев".encode() not in sealed
    assert sealed.startswith(b"QANTAR-SEALED/1\n")


def test_wrong_passphrase_altered_file_and_wrong_file_are_clear_errors():
    sealed = seal_container(b"data", PASSPHRASE)
    with pytest.raises(IntegrityFailure) as raised:
        open_container(sealed, "another passphrase")
    assert raised.value.message == "The passphrase is wrong, or the file was altered."
    altered = sealed.replace(b'"time_cost": 3', b'"time_cost": 4')
    with pytest.raises(IntegrityFailure):
        open_container(altered, PASSPHRASE)
    with pytest.raises(ValidationFailed) as wrong:
        open_container(b"record_id,list\n1,a\n", PASSPHRASE)
    assert wrong.value.code == "not_a_container"


def test_short_passphrases_are_refused():
    with pytest.raises(ValidationFailed) as raised:
        seal_container(b"x", "short")
    assert raised.value.code == "weak_passphrase"
