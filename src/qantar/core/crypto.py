"""Authenticated encryption, key wrapping, key derivation and blind indexing.

Assumptions a reviewer should check:

* AES-256-GCM with a random 96-bit nonce per value. A key encrypts far fewer than 2^32 values
  in any realistic Qantar instance, so random nonces are safe.
* Every value is bound to its context (table, column, row id) and key version through the
  GCM associated data: a ciphertext copied to another row or column fails to open.
* Master keys come from a random 32-byte key file or from a passphrase through Argon2id whose
  parameters are calibrated on the machine (>= 0.5 s) and stored beside the salt.
* Blind indexes are HMAC-SHA256 of normalised tokens under a key derived from the master key;
  they reveal equality of tokens to someone holding the database, nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import time
from dataclasses import asdict, dataclass

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from qantar.core.errors import IntegrityFailure, KeyUnavailable, ValidationFailed

KEY_BYTES = 32
NONCE_BYTES = 12
MAGIC = b"Q1"
_HEADER = struct.Struct(">2sH")  # magic, key version


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


def bind_context(*parts: object) -> bytes:
    """Context bytes binding a value to where it lives, e.g. (table, column, row id)."""
    return b"\x1f".join(str(part).encode("utf-8") for part in parts)


def seal(key: bytes, plaintext: bytes, context: bytes, key_version: int = 1) -> bytes:
    """Encrypt and authenticate ``plaintext`` bound to ``context`` and ``key_version``."""
    _check_key(key)
    header = _HEADER.pack(MAGIC, key_version)
    nonce = os.urandom(NONCE_BYTES)
    return header + nonce + AESGCM(key).encrypt(nonce, plaintext, header + context)


def sealed_key_version(blob: bytes) -> int:
    """The key version a sealed value was made with."""
    if len(blob) < _HEADER.size + NONCE_BYTES + 16:
        raise IntegrityFailure("corrupt_ciphertext", "An encrypted value is truncated.")
    magic, version = _HEADER.unpack_from(blob)
    if magic != MAGIC:
        raise IntegrityFailure("corrupt_ciphertext", "An encrypted value has an unknown format.")
    return int(version)


def open_sealed(key: bytes, blob: bytes, context: bytes) -> bytes:
    """Decrypt a value made by :func:`seal`; raise IntegrityFailure if it was altered or moved."""
    _check_key(key)
    sealed_key_version(blob)
    header = blob[: _HEADER.size]
    nonce = blob[_HEADER.size : _HEADER.size + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[_HEADER.size + NONCE_BYTES :], header + context)
    except InvalidTag:
        raise IntegrityFailure(
            "ciphertext_rejected",
            "An encrypted value does not open with its key in this place: "
            "it was altered, moved to another record, or the key is wrong.",
        ) from None


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise KeyUnavailable("bad_key", "A key has the wrong length.")


def derive_subkey(master: bytes, label: str) -> bytes:
    """A purpose-specific key derived from the master key (HKDF-SHA256)."""
    return HKDF(algorithm=SHA256(), length=KEY_BYTES, salt=None, info=label.encode()).derive(
        master
    )


def blind_index(index_key: bytes, token: str) -> str:
    """A keyed, deterministic digest of a normalised token (hex, 128 bits)."""
    return hmac.new(index_key, token.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Argon2Params:
    """Argon2id parameters, stored with the salt so the same passphrase derives the same key."""

    time_cost: int = 3
    memory_kib: int = 262144
    parallelism: int = 2
    salt_hex: str = ""

    def as_dict(self) -> dict[str, int | str]:
        """The parameters as a JSON-ready dictionary."""
        return asdict(self)


def derive_master_key(passphrase: str, params: Argon2Params) -> bytes:
    """Derive the master key from a passphrase with Argon2id."""
    if not passphrase:
        raise ValidationFailed("empty_passphrase", "The passphrase is empty.")
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        bytes.fromhex(params.salt_hex),
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def calibrate_argon2(target_seconds: float = 0.5, memory_kib: int = 262144) -> Argon2Params:
    """Choose an Argon2id time cost that takes at least ``target_seconds`` on this machine."""
    salt_hex = os.urandom(16).hex()
    time_cost = 1
    while True:
        params = Argon2Params(time_cost, memory_kib, 2, salt_hex)
        started = time.perf_counter()
        derive_master_key("calibration", params)
        if time.perf_counter() - started >= target_seconds or time_cost >= 64:
            return params
        time_cost += 1


def seal_to_public_key(public_key: bytes, plaintext: bytes, context: bytes) -> bytes:
    """Seal bytes so that only the holder of the X25519 private key can open them."""
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(public_key))
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key = HKDF(SHA256(), KEY_BYTES, salt=ephemeral_public, info=b"qantar-recovery").derive(shared)
    return ephemeral_public + seal(key, plaintext, context)


def open_with_private_key(private_key: bytes, blob: bytes, context: bytes) -> bytes:
    """Open a value made by :func:`seal_to_public_key`."""
    ephemeral_public, sealed = blob[:32], blob[32:]
    shared = X25519PrivateKey.from_private_bytes(private_key).exchange(
        X25519PublicKey.from_public_bytes(ephemeral_public)
    )
    key = HKDF(SHA256(), KEY_BYTES, salt=ephemeral_public, info=b"qantar-recovery").derive(shared)
    return open_sealed(key, sealed, context)


def new_recovery_keypair() -> tuple[bytes, bytes]:
    """A fresh X25519 (private, public) key pair in raw bytes."""
    private = X25519PrivateKey.generate()
    private_bytes = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public_bytes = private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return private_bytes, public_bytes
