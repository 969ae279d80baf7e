"""Signed checkpoints: the file format, signatures, and everything a forger might try."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from qantar.core.checkpoint import (
    Checkpoint,
    checkpoint_body,
    checkpoint_timestamp,
    new_signing_keypair,
    parse_checkpoint,
    public_key_for,
    sign_checkpoint,
    signing_key_id,
    verify_checkpoint,
)
from qantar.core.errors import IntegrityFailure, ValidationFailed

PRIVATE_KEY = bytes(range(32))
PUBLIC_KEY = public_key_for(PRIVATE_KEY)
KEY_ID = "ed25519:" + hashlib.sha256(PUBLIC_KEY).hexdigest()[:16]
ROOT = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
CHECKPOINT = Checkpoint("kz-coalition-main", 1043, ROOT, "2024-01-05T12:00:00Z", KEY_ID)


def signed() -> str:
    """The checkpoint file for CHECKPOINT under PRIVATE_KEY."""
    return sign_checkpoint(PRIVATE_KEY, CHECKPOINT)


def rejection(text: str, public_key: bytes = PUBLIC_KEY) -> IntegrityFailure:
    """The error verify_checkpoint raises for ``text``."""
    with pytest.raises(IntegrityFailure) as excinfo:
        verify_checkpoint(text, public_key)
    return excinfo.value


def test_key_id_is_a_sha256_fingerprint_of_the_public_key():
    assert signing_key_id(PUBLIC_KEY) == KEY_ID
    assert len(KEY_ID) == len("ed25519:") + 16


def test_new_keypair_is_raw_ed25519_and_consistent():
    private, public = new_signing_keypair()
    assert (len(private), len(public)) == (32, 32)
    assert public_key_for(private) == public
    assert new_signing_keypair()[0] != private


def test_the_file_is_the_readable_body_a_blank_line_and_one_signature_line():
    lines = signed().split("\n")
    assert lines[:8] == [
        "Qantar audit log checkpoint v1",
        "log-id: kz-coalition-main",
        "size: 1043",
        f"root: {ROOT}",
        "timestamp: 2024-01-05T12:00:00Z",
        f"key-id: {KEY_ID}",
        "",
        lines[7],
    ]
    assert lines[7].startswith(f"\u2014 {KEY_ID} ")
    assert lines[8:] == [""]
    assert len(base64.b64decode(lines[7].split(" ")[2], validate=True)) == 64


def test_ed25519_signing_is_deterministic():
    assert signed() == signed()


def test_a_signed_checkpoint_verifies_and_reads_back_unchanged():
    assert verify_checkpoint(signed(), PUBLIC_KEY) == CHECKPOINT
    assert parse_checkpoint(signed()) == CHECKPOINT


def test_windows_line_endings_are_accepted():
    assert verify_checkpoint(signed().replace("\n", "\r\n"), PUBLIC_KEY) == CHECKPOINT


def test_the_signature_covers_exactly_the_body():
    text = signed()
    signature = base64.b64decode(text.split("\n")[7].split(" ")[2])
    body = checkpoint_body(CHECKPOINT).encode("utf-8")
    assert text.startswith(body.decode("utf-8") + "\n")
    Ed25519PublicKey.from_public_bytes(PUBLIC_KEY).verify(signature, body)


@pytest.mark.parametrize(
    ("original", "forged"),
    [
        ("size: 1043", "size: 1042"),
        (f"root: {ROOT}", f"root: {ROOT[:-1]}9"),
        ("log-id: kz-coalition-main", "log-id: kz-coalition-copy"),
        ("timestamp: 2024-01-05T12:00:00Z", "timestamp: 2024-01-06T12:00:00Z"),
    ],
)
def test_an_edited_field_breaks_the_signature(original, forged):
    error = rejection(signed().replace(original, forged))
    assert error.code == "checkpoint_bad_signature"
    assert error.message == (
        "The checkpoint's signature does not match its content: "
        "the file was altered after it was signed, or it is a forgery."
    )
    assert error.exit_code == 6


def test_a_flipped_signature_bit_is_rejected():
    lines = signed().split("\n")
    signature = bytearray(base64.b64decode(lines[7].split(" ")[2]))
    signature[10] ^= 1
    lines[7] = f"\u2014 {KEY_ID} {base64.b64encode(bytes(signature)).decode()}"
    assert rejection("\n".join(lines)).code == "checkpoint_bad_signature"


def test_a_checkpoint_from_another_key_is_named_as_such():
    other_private, other_public = new_signing_keypair()
    other = Checkpoint(
        "kz-coalition-main", 1043, ROOT, "2024-01-05T12:00:00Z", signing_key_id(other_public)
    )
    error = rejection(sign_checkpoint(other_private, other))
    assert error.code == "checkpoint_wrong_key"
    assert error.message == (
        f"This checkpoint was signed by key {signing_key_id(other_public)}, "
        f"not by the expected key {KEY_ID}."
    )


def test_another_key_claiming_our_key_id_fails_on_the_signature():
    other_private, other_public = new_signing_keypair()
    other_id = signing_key_id(other_public)
    text = sign_checkpoint(
        other_private, Checkpoint("log", 1, ROOT, "2024-01-05T12:00:00Z", other_id)
    )
    assert rejection(text.replace(other_id, KEY_ID)).code == "checkpoint_bad_signature"


BODY = signed()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "",
            'expected the line "Qantar audit log checkpoint v1", 5 fields, '
            "a blank line and one signature line",
        ),
        (
            BODY.replace("Qantar audit log checkpoint v1", "Some other format v1"),
            'expected the line "Qantar audit log checkpoint v1", 5 fields, '
            "a blank line and one signature line",
        ),
        (
            BODY.replace("size: 1043\n", ""),
            'expected the line "Qantar audit log checkpoint v1", 5 fields, '
            "a blank line and one signature line",
        ),
        (
            BODY.replace(f"key-id: {KEY_ID}\n\n", f"key-id: {KEY_ID}\n"),
            'expected the line "Qantar audit log checkpoint v1", 5 fields, '
            "a blank line and one signature line",
        ),
        (
            BODY + BODY.split("\n")[7] + "\n",
            'expected the line "Qantar audit log checkpoint v1", 5 fields, '
            "a blank line and one signature line",
        ),
        (
            BODY.replace("size: 1043", "count: 1043"),
            "expected a \"size:\" line, found 'count: 1043'",
        ),
        (BODY.replace("size: 1043", "size:1043"), "expected a \"size:\" line, found 'size:1043'"),
        (BODY.replace("size: 1043", "size: 01043"), "the size '01043' is not a whole number"),
        (BODY.replace("size: 1043", "size: -1"), "the size '-1' is not a whole number"),
        (BODY.replace("size: 1043", "size: ten"), "the size 'ten' is not a whole number"),
        (BODY.replace(ROOT, ROOT.upper()), "the root must be 64 lowercase hex characters"),
        (BODY.replace(ROOT, ROOT[:10]), "the root must be 64 lowercase hex characters"),
        (
            BODY.replace("2024-01-05T12:00:00Z", "2024-02-30T12:00:00Z"),
            'the timestamp must be UTC like "2024-01-05T12:00:00Z"',
        ),
        (
            BODY.replace("2024-01-05T12:00:00Z", "2024-01-05 12:00:00+00:00"),
            'the timestamp must be UTC like "2024-01-05T12:00:00Z"',
        ),
        (
            BODY.replace("log-id: kz-coalition-main", "log-id: "),
            "the log-id must be 1 to 200 printable ASCII characters without edge spaces",
        ),
        (
            BODY.replace(f"\u2014 {KEY_ID}", f"- {KEY_ID}"),
            'the last line must be "\u2014 <key id> <signature>"',
        ),
        (
            BODY.replace(BODY.split("\n")[7].split(" ")[2], "not*base64"),
            "the signature is not a base64 Ed25519 signature",
        ),
        (
            BODY.replace(BODY.split("\n")[7].split(" ")[2], "AAAA"),
            "the signature is not a base64 Ed25519 signature",
        ),
        (
            BODY.replace(f"\u2014 {KEY_ID}", "\u2014 ed25519:0000000000000000"),
            f"the body names key {KEY_ID} but the signature is by 'ed25519:0000000000000000'",
        ),
    ],
)
def test_a_malformed_file_is_rejected_with_the_reason(text, reason):
    error = rejection(text)
    assert error.code == "checkpoint_malformed"
    assert error.message == f"The checkpoint file is malformed: {reason}."
    with pytest.raises(IntegrityFailure):
        parse_checkpoint(text)


def test_signing_refuses_a_checkpoint_that_names_another_key():
    with pytest.raises(ValidationFailed) as excinfo:
        sign_checkpoint(PRIVATE_KEY, Checkpoint("log", 1, ROOT, "2024-01-05T12:00:00Z", "me"))
    assert excinfo.value.code == "checkpoint_key_mismatch"
    assert excinfo.value.message == (
        f"The checkpoint names key me but the signing key is {KEY_ID}."
    )


@pytest.mark.parametrize(
    ("checkpoint", "field"),
    [
        (Checkpoint("two\nlines", 1, ROOT, "2024-01-05T12:00:00Z", KEY_ID), "log_id"),
        (Checkpoint(" padded", 1, ROOT, "2024-01-05T12:00:00Z", KEY_ID), "log_id"),
        (Checkpoint("log", -1, ROOT, "2024-01-05T12:00:00Z", KEY_ID), "size"),
        (Checkpoint("log", True, ROOT, "2024-01-05T12:00:00Z", KEY_ID), "size"),
        (Checkpoint("log", 1, "zz", "2024-01-05T12:00:00Z", KEY_ID), "root_hex"),
        (Checkpoint("log", 1, ROOT, "2024-01-05T12:00:00+00:00", KEY_ID), "timestamp"),
    ],
)
def test_signing_refuses_a_field_that_cannot_be_written(checkpoint, field):
    with pytest.raises(ValidationFailed) as excinfo:
        sign_checkpoint(PRIVATE_KEY, checkpoint)
    assert excinfo.value.code == "bad_checkpoint_field"
    assert excinfo.value.field == field


def test_keys_of_the_wrong_length_are_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        sign_checkpoint(b"short", CHECKPOINT)
    assert excinfo.value.message == "An Ed25519 private key is 32 bytes, not 5."
    with pytest.raises(ValidationFailed) as excinfo:
        verify_checkpoint(signed(), b"")
    assert excinfo.value.message == "An Ed25519 public key is 32 bytes, not 0."


def test_checkpoint_timestamp_is_utc_to_the_second():
    moment = datetime(2024, 1, 5, 17, 0, 0, 999, tzinfo=timezone(timedelta(hours=5)))
    assert checkpoint_timestamp(moment) == "2024-01-05T12:00:00Z"
    assert checkpoint_timestamp(datetime(2024, 1, 5, tzinfo=UTC)) == "2024-01-05T00:00:00Z"
    with pytest.raises(ValidationFailed) as excinfo:
        checkpoint_timestamp(datetime(2024, 1, 5))
    assert excinfo.value.code == "naive_timestamp"
