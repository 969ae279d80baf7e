"""Key administration: initialise, change the passphrase, rotate, recover, report status.

Every operation is audited (what was done, never key material). Rotation re-wraps only the
keys wrapped by the master key (collection and instance keys): data keys and the data itself
are untouched, so it is quick and needs no downtime.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event
from qantar.common import keyring
from qantar.core import crypto
from qantar.core.errors import Conflict, ValidationFailed

RECOVERY_CONTEXT = crypto.bind_context("qantar-recovery-copy")


@dataclass(frozen=True)
class KeyStatus:
    """What an administrator needs to know about the keys (no key material)."""

    mode: str
    key_file: str
    keystore: str
    argon2: dict[str, Any] | None
    counts: dict[str, int]
    destroyed: int
    has_recovery_copy: bool


def _recovery_path() -> Path:
    return Path(settings.KEYSTORE_FILE).with_suffix(".recovery")


def _check_passphrase(passphrase: str) -> str:
    if len(passphrase) < 12:
        raise ValidationFailed(
            "weak_passphrase", "Use a passphrase of at least 12 characters.", "passphrase"
        )
    return passphrase


def initialise(actor: Any, passphrase: str | None) -> str:
    """Create the master key: wrapped under a passphrase, or in a key file if none is given."""
    if keyring.read_header() is not None or Path(settings.KEY_FILE).exists():
        raise Conflict("keys_exist", "Keys exist already; use rotate or change-passphrase.")
    master = crypto.new_key()
    if passphrase is None:
        keyring.write_key_file(
            Path(settings.KEY_FILE),
            master,
            "Qantar master key. Keep it away from the database and backups.",
        )
        where = f"key file {settings.KEY_FILE}"
    else:
        keyring.write_header(keyring.wrap_master(master, _check_passphrase(passphrase)))
        where = f"passphrase header {keyring.header_path()}"
    keyring.reset_keyring()
    record_event(AuditAction.KEY_OPERATION, actor=actor, details={"operation": "init"})
    return f"Master key created ({where})."


def change_passphrase(actor: Any, old: str | None, new: str) -> str:
    """Re-wrap the master key under a new passphrase; the old one stops working.

    On an instance that uses a key file, this moves it to a passphrase and removes the file.
    """
    header = keyring.read_header()
    key_file = Path(settings.KEY_FILE)
    if header is None:
        master = keyring.read_key_file(key_file)
    else:
        master = keyring.unwrap_master(header, old or "")
    keyring.write_header(keyring.wrap_master(master, _check_passphrase(new)))
    if header is None:
        key_file.write_bytes(os.urandom(key_file.stat().st_size))
        key_file.unlink()
    keyring.reset_keyring()
    record_event(AuditAction.KEY_OPERATION, actor=actor, details={"operation": "change_passphrase"})
    return "Passphrase changed."


def rotate(actor: Any, passphrase: str | None = None) -> str:
    """Replace the master key and re-wrap the keys under it."""
    ring = keyring.get_keyring()
    new_master = crypto.new_key()
    header = keyring.read_header()
    key_file = Path(settings.KEY_FILE)
    if header is None:
        # The new key is written beside the old one first, so a crash loses nothing.
        pending = key_file.with_suffix(".new")
        keyring.write_key_file(pending, new_master, "Qantar master key (rotated).")
        count = ring.rewrap_top_level(new_master)
        os.replace(pending, key_file)
    else:
        if passphrase is None:
            raise ValidationFailed(
                "passphrase_needed", "Give the passphrase to rotate.", "passphrase"
            )
        keyring.unwrap_master(header, passphrase)
        new_header = keyring.wrap_master(new_master, passphrase)
        count = ring.rewrap_top_level(new_master)
        keyring.write_header(new_header)
    keyring.reset_keyring()
    if _recovery_path().exists():
        _recovery_path().unlink()
    record_event(
        AuditAction.KEY_OPERATION, actor=actor, details={"operation": "rotate", "rewrapped": count}
    )
    return (
        f"Master key rotated; {count} keys re-wrapped. "
        "Seal a new recovery copy: the old one no longer applies."
    )


def seal_recovery_copy(actor: Any, public_key_b64: str) -> str:
    """Seal the master key to the organisation's X25519 recovery public key."""
    try:
        public_key = base64.b64decode(public_key_b64.strip(), validate=True)
    except ValueError:
        raise ValidationFailed("bad_public_key", "The recovery public key is not base64.") from None
    if len(public_key) != 32:
        raise ValidationFailed("bad_public_key", "The recovery public key must be 32 bytes.")
    sealed = crypto.seal_to_public_key(public_key, keyring.get_keyring().master, RECOVERY_CONTEXT)
    _recovery_path().write_bytes(base64.b64encode(sealed) + b"\n")
    os.chmod(_recovery_path(), 0o600)
    record_event(AuditAction.KEY_OPERATION, actor=actor, details={"operation": "seal_recovery"})
    return f"Recovery copy written to {_recovery_path()}; only the private key can open it."


def recover(actor: Any, private_key_b64: str, new_passphrase: str) -> str:
    """Open the recovery copy with the organisation's private key; set a new passphrase."""
    try:
        private_key = base64.b64decode(private_key_b64.strip(), validate=True)
        sealed = base64.b64decode(_recovery_path().read_bytes().strip(), validate=True)
    except (ValueError, FileNotFoundError):
        raise ValidationFailed(
            "bad_recovery", "No readable recovery copy or private key."
        ) from None
    master = crypto.open_with_private_key(private_key, sealed, RECOVERY_CONTEXT)
    keyring.write_header(keyring.wrap_master(master, _check_passphrase(new_passphrase)))
    keyring.reset_keyring()
    record_event(AuditAction.KEY_OPERATION, actor=actor, details={"operation": "recover"})
    return "Master key recovered; the instance now opens with the new passphrase."


def new_recovery_keypair() -> tuple[str, str]:
    """A fresh recovery key pair (private, public) in base64, for the organisation to keep."""
    private, public = crypto.new_recovery_keypair()
    return base64.b64encode(private).decode(), base64.b64encode(public).decode()


def status() -> KeyStatus:
    """Key status for administrators."""
    header = keyring.read_header()
    rows = keyring.KeyStore(Path(settings.KEYSTORE_FILE)).rows()
    counts: dict[str, int] = {}
    for row in rows:
        if row.wrapped is not None:
            counts[row.kind] = counts.get(row.kind, 0) + 1
    return KeyStatus(
        mode="passphrase" if header else "key file",
        key_file="" if header else str(settings.KEY_FILE),
        keystore=str(settings.KEYSTORE_FILE),
        argon2={k: v for k, v in header["argon2"].items() if k != "salt_hex"} if header else None,
        counts=counts,
        destroyed=sum(1 for row in rows if row.wrapped is None),
        has_recovery_copy=_recovery_path().exists(),
    )
