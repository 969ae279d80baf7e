"""Encrypted export files: whatever leaves Qantar with identities in it is sealed.

A container is a text file::

    QANTAR-SEALED/1
    {"kdf": "argon2id", "time_cost": 3, "memory_kib": 65536, "parallelism": 2, "salt": "…",
     "name": "export.json"}
    <base64 of AES-256-GCM ciphertext, nonce first>

The key is derived from a passphrase with Argon2id (random salt per file). The header is the
associated data, so changing any parameter makes the file fail to open.
"""

from __future__ import annotations

import base64
import json
import os

from qantar.core import crypto
from qantar.core.errors import IntegrityFailure, ValidationFailed

MAGIC = "QANTAR-SEALED/1"
MIN_PASSPHRASE = 12
_PARAMS = {"time_cost": 3, "memory_kib": 65536, "parallelism": 2}


def _key(passphrase: str, header: dict[str, object]) -> bytes:
    params = crypto.Argon2Params(
        time_cost=int(str(header["time_cost"])),
        memory_kib=int(str(header["memory_kib"])),
        parallelism=int(str(header["parallelism"])),
        salt_hex=str(header["salt"]),
    )
    return crypto.derive_master_key(passphrase, params)


def seal_container(plaintext: bytes, passphrase: str, name: str = "export") -> bytes:
    """Seal bytes under a passphrase into a container file's bytes."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValidationFailed(
            "weak_passphrase",
            f"Use a passphrase of at least {MIN_PASSPHRASE} characters for exported data.",
            "passphrase",
        )
    header: dict[str, object] = {
        "kdf": "argon2id",
        **_PARAMS,
        "salt": os.urandom(16).hex(),
        "name": name[:100],
    }
    header_line = json.dumps(header, sort_keys=True)
    sealed = crypto.seal(_key(passphrase, header), plaintext, header_line.encode("utf-8"))
    body = base64.b64encode(sealed).decode("ascii")
    return f"{MAGIC}\n{header_line}\n{body}\n".encode("ascii")


def open_container(data: bytes, passphrase: str) -> tuple[str, bytes]:
    """Open a container; returns (name, plaintext). Clear errors for wrong files or passphrases."""
    try:
        magic, header_line, body = data.decode("ascii").strip().split("\n")
        header = json.loads(header_line)
        sealed = base64.b64decode(body, validate=True)
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed("not_a_container", "This is not a Qantar sealed file.") from None
    if magic != MAGIC or header.get("kdf") != "argon2id":
        raise ValidationFailed("not_a_container", "This is not a Qantar sealed file.")
    try:
        plaintext = crypto.open_sealed(
            _key(passphrase, header), sealed, header_line.encode("utf-8")
        )
    except IntegrityFailure:
        raise IntegrityFailure(
            "wrong_passphrase", "The passphrase is wrong, or the file was altered."
        ) from None
    return str(header.get("name", "")), plaintext
