"""The key hierarchy: master key → collection keys → per-person data keys.

* The **master key** is random and never stored in the database: it is read from a key file
  (``QANTAR_KEY_FILE``), or unwrapped with a passphrase (``QANTAR_PASSPHRASE``) through
  Argon2id from the key header beside the key store.
* **Collection keys** and **data keys** live wrapped in the *key store*, a small SQLite file
  kept apart from the main database (``QANTAR_KEYSTORE``). A copied database or database
  backup therefore holds no key at all; erasing a person deletes their data key from the key
  store, after which no database backup — older ones included — reveals them.
* Unwrapped keys are cached in process memory only.
"""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings

from qantar.core import crypto
from qantar.core.errors import IntegrityFailure, KeyUnavailable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS keys (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    parent TEXT,
    owner TEXT NOT NULL,
    version INTEGER NOT NULL,
    wrapped BLOB,
    created_at TEXT NOT NULL,
    destroyed_at TEXT
);
CREATE INDEX IF NOT EXISTS keys_owner ON keys(kind, owner);
"""


@dataclass(frozen=True)
class KeyRow:
    """One wrapped key in the key store."""

    id: str
    kind: str
    parent: str | None
    owner: str
    version: int
    wrapped: bytes | None


class KeyStore:
    """Wrapped keys in a separate SQLite file (secure_delete on, WAL)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.path = path
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA secure_delete=ON")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.executescript(_SCHEMA)
            self._local.connection = connection
        return connection

    def get(self, key_id: str) -> KeyRow | None:
        """The key row with this id, or None."""
        row = (
            self._connection()
            .execute(
                "SELECT id, kind, parent, owner, version, wrapped FROM keys WHERE id = ?", (key_id,)
            )
            .fetchone()
        )
        return KeyRow(*row) if row else None

    def find(self, kind: str, owner: str) -> KeyRow | None:
        """The live key of this kind for this owner, or None."""
        row = (
            self._connection()
            .execute(
                "SELECT id, kind, parent, owner, version, wrapped FROM keys "
                "WHERE kind = ? AND owner = ? AND destroyed_at IS NULL ORDER BY version DESC",
                (kind, owner),
            )
            .fetchone()
        )
        return KeyRow(*row) if row else None

    def put(self, row: KeyRow) -> None:
        """Insert or replace a key row."""
        self._connection().execute(
            "INSERT OR REPLACE INTO keys (id, kind, parent, owner, version, wrapped, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (row.id, row.kind, row.parent, row.owner, row.version, row.wrapped, _now()),
        )

    def put_many(self, rows: list[KeyRow]) -> None:
        """Insert many key rows in one transaction (one disk sync)."""
        connection = self._connection()
        now = _now()
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                "INSERT INTO keys (id, kind, parent, owner, version, wrapped, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(r.id, r.kind, r.parent, r.owner, r.version, r.wrapped, now) for r in rows],
            )
        except sqlite3.Error:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    def destroy(self, key_id: str) -> None:
        """Overwrite and forget a key: what it sealed can never be opened again."""
        connection = self._connection()
        connection.execute(
            "UPDATE keys SET wrapped = NULL, destroyed_at = ? WHERE id = ?", (_now(), key_id)
        )
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def rows(self, kind: str | None = None) -> list[KeyRow]:
        """All key rows, optionally of one kind."""
        sql = "SELECT id, kind, parent, owner, version, wrapped FROM keys"
        args: tuple[str, ...] = ()
        if kind:
            sql, args = sql + " WHERE kind = ?", (kind,)
        return [KeyRow(*row) for row in self._connection().execute(sql, args)]

    def close(self) -> None:
        """Close this thread's connection."""
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _now() -> str:
    return datetime.now(UTC).isoformat()


def read_key_file(path: Path) -> bytes:
    """Read a master key file (base64 of 32 random bytes)."""
    try:
        raw = path.read_text(encoding="ascii").strip().splitlines()
    except FileNotFoundError:
        raise KeyUnavailable(
            "no_master_key",
            f"No master key file at {path}. Run `qantar keys init` or set QANTAR_KEY_FILE.",
        ) from None
    lines = [line for line in raw if line and not line.startswith("#")]
    try:
        key = base64.b64decode(lines[-1], validate=True)
    except (IndexError, ValueError):
        raise KeyUnavailable("bad_key_file", f"The key file {path} is not a Qantar key.") from None
    if len(key) != crypto.KEY_BYTES:
        raise KeyUnavailable("bad_key_file", f"The key file {path} is not a Qantar key.")
    return key


def write_key_file(path: Path, key: bytes, comment: str) -> None:
    """Write a master key file readable by its owner only."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        for line in comment.splitlines():
            handle.write(f"# {line}\n")
        handle.write(base64.b64encode(key).decode("ascii") + "\n")


def header_path() -> Path:
    """The key header beside the key store: Argon2id parameters and the wrapped master key."""
    return Path(settings.KEYSTORE_FILE).with_suffix(".header.json")


def read_header() -> dict[str, Any] | None:
    """The key header, or None when the master key comes from a key file."""
    path = header_path()
    if not path.exists():
        return None
    header: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return header


def write_header(header: dict[str, Any]) -> None:
    """Write the key header atomically, readable by its owner only."""
    path = header_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(header, handle, indent=1)
    os.replace(temporary, path)


def wrap_master(master: bytes, passphrase: str) -> dict[str, Any]:
    """A header that wraps ``master`` under a passphrase (Argon2id, calibrated here)."""
    params = crypto.calibrate_argon2()
    kek = crypto.derive_master_key(passphrase, params)
    wrapped = crypto.seal(kek, master, crypto.bind_context("qantar-master"))
    return {
        "format": 1,
        "mode": "passphrase",
        "argon2": params.as_dict(),
        "wrapped_master": base64.b64encode(wrapped).decode("ascii"),
    }


def unwrap_master(header: dict[str, Any], passphrase: str) -> bytes:
    """The master key from a passphrase header; a clear error if the passphrase is wrong."""
    params = crypto.Argon2Params(**header["argon2"])
    kek = crypto.derive_master_key(passphrase, params)
    try:
        return crypto.open_sealed(
            kek, base64.b64decode(header["wrapped_master"]), crypto.bind_context("qantar-master")
        )
    except IntegrityFailure:
        raise KeyUnavailable("wrong_passphrase", "The passphrase is wrong.") from None


def load_master_key(passphrase: str | None = None) -> bytes:
    """The instance master key, from the passphrase header or else the key file."""
    header = read_header()
    if header is not None and header.get("mode") == "passphrase":
        passphrase = passphrase if passphrase is not None else os.environ.get("QANTAR_PASSPHRASE")
        if not passphrase:
            raise KeyUnavailable(
                "passphrase_needed",
                "This instance is locked by a passphrase: set QANTAR_PASSPHRASE.",
            )
        return unwrap_master(header, passphrase)
    return read_key_file(Path(settings.KEY_FILE))


class Keyring:
    """Opens and creates keys; caches unwrapped keys in memory."""

    def __init__(self, master: bytes, store: KeyStore) -> None:
        self.master = master
        self.store = store
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()
        # Stable across master-key rotation: the index key is itself wrapped by the master.
        self.index_key = self.key(self.instance_key_id("blind-index"))

    def _wrap_context(self, row_id: str, kind: str, owner: str) -> bytes:
        return crypto.bind_context("key", kind, owner, row_id)

    def _unwrap(self, row: KeyRow) -> bytes:
        if row.wrapped is None:
            raise KeyUnavailable(
                "key_destroyed", "This record was erased: its key no longer exists."
            )
        wrapping = self.master if row.parent is None else self.key(row.parent)
        return crypto.open_sealed(
            wrapping, bytes(row.wrapped), self._wrap_context(row.id, row.kind, row.owner)
        )

    def key(self, key_id: str | uuid.UUID) -> bytes:
        """The unwrapped key with this id (cached)."""
        key_id = str(key_id)
        cached = self._cache.get(key_id)
        if cached is not None:
            return cached
        row = self.store.get(key_id)
        if row is None:
            raise KeyUnavailable(
                "key_missing",
                "A key is missing from the key store: the key store does not belong to this "
                "database, or the record was erased.",
            )
        key = self._unwrap(row)
        with self._lock:
            self._cache[key_id] = key
        return key

    def _create(self, kind: str, owner: str, parent: str | None) -> str:
        key_id = str(uuid.uuid4())
        wrapping = self.master if parent is None else self.key(parent)
        key = crypto.new_key()
        wrapped = crypto.seal(wrapping, key, self._wrap_context(key_id, kind, owner))
        self.store.put(KeyRow(key_id, kind, parent, owner, 1, wrapped))
        with self._lock:
            self._cache[key_id] = key
        return key_id

    def instance_key_id(self, purpose: str) -> str:
        """The id of an instance-wide key (e.g. the blind-index key), created on first use."""
        row = self.store.find("instance", purpose)
        return row.id if row is not None else self._create("instance", purpose, None)

    def rewrap_top_level(self, new_master: bytes) -> int:
        """Re-wrap every key wrapped by the master key under ``new_master`` (key rotation)."""
        count = 0
        for row in self.store.rows():
            if row.parent is not None or row.wrapped is None:
                continue
            key = self._unwrap(row)
            wrapped = crypto.seal(new_master, key, self._wrap_context(row.id, row.kind, row.owner))
            self.store.put(KeyRow(row.id, row.kind, None, row.owner, row.version, wrapped))
            count += 1
        self.master = new_master
        return count

    def collection_key_id(self, collection_id: str | uuid.UUID) -> str:
        """The collection's key id, created on first use."""
        row = self.store.find("collection", str(collection_id))
        if row is not None:
            return row.id
        return self._create("collection", str(collection_id), None)

    def new_data_key(self, collection_id: str | uuid.UUID, owner: str) -> uuid.UUID:
        """A fresh data key for one person (or one record), wrapped by its collection key."""
        parent = self.collection_key_id(collection_id)
        return uuid.UUID(self._create("data", owner, parent))

    def new_data_keys(self, collection_id: str | uuid.UUID, owners: list[str]) -> list[uuid.UUID]:
        """Fresh data keys for many owners at once (bulk imports), in one key-store write."""
        parent = self.collection_key_id(collection_id)
        wrapping = self.key(parent)
        rows, keys = [], {}
        for owner in owners:
            key_id = str(uuid.uuid4())
            key = crypto.new_key()
            wrapped = crypto.seal(wrapping, key, self._wrap_context(key_id, "data", owner))
            rows.append(KeyRow(key_id, "data", parent, owner, 1, wrapped))
            keys[key_id] = key
        self.store.put_many(rows)
        with self._lock:
            self._cache.update(keys)
        return [uuid.UUID(row.id) for row in rows]

    def destroy(self, key_id: str | uuid.UUID) -> None:
        """Destroy a data key for ever (erasure)."""
        key_id = str(key_id)
        with self._lock:
            self._cache.pop(key_id, None)
        self.store.destroy(key_id)

    def blind_index(self, token: str) -> str:
        """The blind-index digest of a normalised search token."""
        return crypto.blind_index(self.index_key, token)


_keyring: Keyring | None = None
_keyring_lock = threading.Lock()


def get_keyring() -> Keyring:
    """The process-wide keyring (opened on first use)."""
    global _keyring
    if _keyring is None:
        with _keyring_lock:
            if _keyring is None:
                _keyring = Keyring(load_master_key(), KeyStore(Path(settings.KEYSTORE_FILE)))
    return _keyring


def reset_keyring() -> None:
    """Forget the open keyring (after a key change, and between tests)."""
    global _keyring
    with _keyring_lock:
        if _keyring is not None:
            _keyring.store.close()
        _keyring = None
