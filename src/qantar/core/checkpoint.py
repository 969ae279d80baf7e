"""Signed checkpoints: an Ed25519 signature over the audit log's tree head.

A checkpoint is a short text file an NGO can e-mail to a witness abroad. Anyone holding the
public key can later check that today's log still contains, unchanged, everything the
checkpoint vouched for. In the spirit of the C2SP signed-note format (a text body, a blank
line, then signature lines starting with an em dash), but not byte-compatible with it::

    Qantar audit log checkpoint v1
    log-id: kz-coalition-main
    size: 1043
    root: 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328
    timestamp: 2024-01-05T12:00:00Z
    key-id: ed25519:3b1f0c9a7d2e4f61

    — ed25519:3b1f0c9a7d2e4f61 <base64 of the 64-byte Ed25519 signature>

The signature covers the body exactly as :func:`checkpoint_body` writes it (UTF-8, ``\\n``
line ends, up to and including the key-id line). The key id is a fingerprint of the public
key, so a checkpoint signed by another key is named as such before the signature is checked.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, NoReturn

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from qantar.core.errors import IntegrityFailure, ValidationFailed

HEADER: Final = "Qantar audit log checkpoint v1"
SIGNATURE_MARK: Final = "\u2014 "
KEY_BYTES: Final = 32
SIGNATURE_BYTES: Final = 64
TIMESTAMP_FORMAT: Final = "%Y-%m-%dT%H:%M:%SZ"

_FIELDS: Final = ("log-id", "size", "root", "timestamp", "key-id")
_LABEL: Final = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]{0,198}[\x21-\x7e])?")
_ROOT_HEX: Final = re.compile(r"[0-9a-f]{64}")
_SIZE: Final = re.compile(r"0|[1-9][0-9]{0,18}")
_FIELD_LABELS: Final = {
    "log_id": "log-id",
    "size": "size",
    "root_hex": "root",
    "timestamp": "timestamp",
    "key_id": "key-id",
}


@dataclass(frozen=True)
class Checkpoint:
    """A tree head vouched for at a moment: the log's first ``size`` entries have root
    ``root_hex``. ``timestamp`` is UTC, e.g. ``2024-01-05T12:00:00Z``."""

    log_id: str
    size: int
    root_hex: str
    timestamp: str
    key_id: str


def new_signing_keypair() -> tuple[bytes, bytes]:
    """A fresh Ed25519 (private, public) key pair as raw 32-byte strings."""
    private = Ed25519PrivateKey.generate()
    private_bytes = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return private_bytes, _raw_public(private.public_key())


def signing_key_id(public_key: bytes) -> str:
    """The key id written in checkpoints: ``ed25519:`` and 64 bits of the key's SHA-256."""
    _check_key_length(public_key, "public")
    return "ed25519:" + hashlib.sha256(public_key).hexdigest()[:16]


def public_key_for(private_key: bytes) -> bytes:
    """The raw Ed25519 public key of a raw private key."""
    return _raw_public(_load_private(private_key).public_key())


def checkpoint_timestamp(moment: datetime) -> str:
    """A timezone-aware moment in the checkpoint's UTC format, to the second."""
    if moment.tzinfo is None:
        raise ValidationFailed("naive_timestamp", "A checkpoint time needs a time zone.")
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def checkpoint_body(checkpoint: Checkpoint) -> str:
    """The signed text of a checkpoint; raise ValidationFailed if a field cannot be written."""
    _check_fields(checkpoint)
    values = (
        checkpoint.log_id,
        str(checkpoint.size),
        checkpoint.root_hex,
        checkpoint.timestamp,
        checkpoint.key_id,
    )
    lines = [HEADER, *(f"{name}: {value}" for name, value in zip(_FIELDS, values, strict=True))]
    return "\n".join(lines) + "\n"


def sign_checkpoint(private_key_bytes: bytes, checkpoint: Checkpoint) -> str:
    """The checkpoint file: its body, a blank line and an Ed25519 signature line."""
    private = _load_private(private_key_bytes)
    key_id = signing_key_id(_raw_public(private.public_key()))
    if checkpoint.key_id != key_id:
        raise ValidationFailed(
            "checkpoint_key_mismatch",
            f"The checkpoint names key {checkpoint.key_id} but the signing key is {key_id}.",
            "key_id",
        )
    body = checkpoint_body(checkpoint)
    signature = base64.b64encode(private.sign(body.encode("utf-8"))).decode("ascii")
    return f"{body}\n{SIGNATURE_MARK}{key_id} {signature}\n"


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint file WITHOUT checking its signature (see :func:`verify_checkpoint`)."""
    checkpoint, _, _ = _split_checkpoint(text)
    return checkpoint


def verify_checkpoint(text: str, public_key_bytes: bytes) -> Checkpoint:
    """Read a checkpoint file and check it was signed by ``public_key_bytes``.

    Raise IntegrityFailure if the file is malformed, names another key, or its signature
    does not match its content.
    """
    expected_key_id = signing_key_id(public_key_bytes)
    checkpoint, signer, signature = _split_checkpoint(text)
    if signer != expected_key_id:
        raise IntegrityFailure(
            "checkpoint_wrong_key",
            f"This checkpoint was signed by key {signer}, not by the expected key "
            f"{expected_key_id}.",
        )
    try:
        public = Ed25519PublicKey.from_public_bytes(public_key_bytes)
        public.verify(signature, checkpoint_body(checkpoint).encode("utf-8"))
    except InvalidSignature:
        raise IntegrityFailure(
            "checkpoint_bad_signature",
            "The checkpoint's signature does not match its content: "
            "the file was altered after it was signed, or it is a forgery.",
        ) from None
    return checkpoint


def _split_checkpoint(text: str) -> tuple[Checkpoint, str, bytes]:
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) != len(_FIELDS) + 3 or lines[0] != HEADER or lines[-2] != "":
        _malformed(
            f'expected the line "{HEADER}", {len(_FIELDS)} fields, '
            "a blank line and one signature line"
        )
    checkpoint = _checkpoint_from_lines(lines[1 : len(_FIELDS) + 1])
    signer, signature = _signature_line(lines[-1])
    if signer != checkpoint.key_id:
        _malformed(
            f"the body names key {checkpoint.key_id} but the signature is by {_shown(signer)}"
        )
    return checkpoint, signer, signature


def _checkpoint_from_lines(lines: list[str]) -> Checkpoint:
    values: list[str] = []
    for name, line in zip(_FIELDS, lines, strict=True):
        if not line.startswith(f"{name}: "):
            _malformed(f'expected a "{name}:" line, found {_shown(line)}')
        values.append(line[len(name) + 2 :])
    if not _SIZE.fullmatch(values[1]):
        _malformed(f"the size {_shown(values[1])} is not a whole number")
    checkpoint = Checkpoint(values[0], int(values[1]), values[2], values[3], values[4])
    problem = _field_problem(checkpoint)
    if problem is not None:
        field, rule = problem
        _malformed(f"the {_FIELD_LABELS[field]} {rule}")
    return checkpoint


def _signature_line(line: str) -> tuple[str, bytes]:
    parts = line.split(" ")
    if len(parts) != 3 or f"{parts[0]} " != SIGNATURE_MARK:
        _malformed('the last line must be "\u2014 <key id> <signature>"')
    try:
        signature = base64.b64decode(parts[2], validate=True)
    except binascii.Error:
        signature = b""
    if len(signature) != SIGNATURE_BYTES:
        _malformed("the signature is not a base64 Ed25519 signature")
    return parts[1], signature


def _check_fields(checkpoint: Checkpoint) -> None:
    problem = _field_problem(checkpoint)
    if problem is not None:
        field, rule = problem
        raise ValidationFailed("bad_checkpoint_field", f"The checkpoint's {field} {rule}.", field)


def _field_problem(checkpoint: Checkpoint) -> tuple[str, str] | None:
    for field, value in (("log_id", checkpoint.log_id), ("key_id", checkpoint.key_id)):
        if not isinstance(value, str) or not _LABEL.fullmatch(value):
            return field, "must be 1 to 200 printable ASCII characters without edge spaces"
    size = checkpoint.size
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size < 2**63:
        return "size", "must be a whole number from 0"
    if not isinstance(checkpoint.root_hex, str) or not _ROOT_HEX.fullmatch(checkpoint.root_hex):
        return "root_hex", "must be 64 lowercase hex characters"
    if not _is_timestamp(checkpoint.timestamp):
        return "timestamp", 'must be UTC like "2024-01-05T12:00:00Z"'
    return None


def _is_timestamp(timestamp: str) -> bool:
    try:
        parsed = datetime.strptime(timestamp, TIMESTAMP_FORMAT)
    except (TypeError, ValueError):
        return False
    return parsed.strftime(TIMESTAMP_FORMAT) == timestamp


def _malformed(reason: str) -> NoReturn:
    raise IntegrityFailure("checkpoint_malformed", f"The checkpoint file is malformed: {reason}.")


def _shown(untrusted: str) -> str:
    # Text from a file someone sent us: quoted, escaped and cut short before it is displayed.
    return repr(untrusted[:60])


def _load_private(private_key: bytes) -> Ed25519PrivateKey:
    _check_key_length(private_key, "private")
    return Ed25519PrivateKey.from_private_bytes(private_key)


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _check_key_length(key: bytes, kind: str) -> None:
    if len(key) != KEY_BYTES:
        raise ValidationFailed(
            "bad_signing_key", f"An Ed25519 {kind} key is {KEY_BYTES} bytes, not {len(key)}."
        )
