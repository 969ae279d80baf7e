"""The encryption envelope: authenticated, bound to its place, wrapped keys, blind index."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.core import crypto
from qantar.core.errors import IntegrityFailure, KeyUnavailable

KEY = bytes(range(32))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096), st.text(max_size=40), st.text(max_size=40),
       st.integers(min_value=1, max_value=65535))
def test_a_sealed_value_opens_only_in_its_own_place(plaintext, row, other_row, version):
    context = crypto.bind_context("records_person", "notes", row)
    blob = crypto.seal(KEY, plaintext, context, version)
    assert crypto.open_sealed(KEY, blob, context) == plaintext
    assert crypto.sealed_key_version(blob) == version
    if other_row != row:
        with pytest.raises(IntegrityFailure):
            crypto.open_sealed(KEY, blob, crypto.bind_context("records_person", "notes",
                                                              other_row))


@settings(max_examples=100, deadline=None)
@given(st.binary(min_size=1, max_size=512), st.integers(min_value=0))
def test_any_flipped_bit_is_detected(plaintext, position):
    context = b"ctx"
    blob = bytearray(crypto.seal(KEY, plaintext, context))
    index = position % len(blob)
    blob[index] ^= 0x01
    with pytest.raises(IntegrityFailure):
        crypto.open_sealed(KEY, bytes(blob), context)


def test_the_same_value_seals_differently_each_time():
    context = b"ctx"
    assert crypto.seal(KEY, b"Dosai", context) != crypto.seal(KEY, b"Dosai", context)


def test_a_wrong_key_or_a_short_key_is_refused_clearly():
    blob = crypto.seal(KEY, b"x", b"ctx")
    with pytest.raises(IntegrityFailure):
        crypto.open_sealed(bytes(32), blob, b"ctx")
    with pytest.raises(KeyUnavailable):
        crypto.seal(b"short", b"x", b"ctx")
    with pytest.raises(IntegrityFailure):
        crypto.open_sealed(KEY, b"Q1", b"ctx")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_blind_index_is_deterministic_keyed_and_fixed_length(token):
    digest = crypto.blind_index(KEY, token)
    assert digest == crypto.blind_index(KEY, token)
    assert len(digest) == 32 and int(digest, 16) >= 0
    assert digest != crypto.blind_index(bytes(32), token)


def test_recovery_sealing_needs_the_matching_private_key():
    private, public = crypto.new_recovery_keypair()
    other_private, _ = crypto.new_recovery_keypair()
    sealed = crypto.seal_to_public_key(public, KEY, b"recovery")
    assert crypto.open_with_private_key(private, sealed, b"recovery") == KEY
    with pytest.raises(IntegrityFailure):
        crypto.open_with_private_key(other_private, sealed, b"recovery")
