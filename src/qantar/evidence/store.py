"""The evidence blob store: encrypted, write-once, content-addressed files on disk.

Layout under ``settings.EVIDENCE_DIR`` (``QANTAR_EVIDENCE_DIR``, default ``var/evidence``)::

    incoming/<random>.part     a file being received (encrypted as it arrives)
    blobs/<ab>/<address>       a stored file, read-only, never rewritten

A file is encrypted chunk by chunk (:mod:`qantar.core.sealedstream`) under its own random
file key as its bytes arrive, so its plain text never reaches the disk, whatever its size.
Its address is an HMAC of its SHA-256 and of the data key that will seal it, under an
instance key: the same file for the same person lands at the same address (stored once), and
someone holding the disk cannot tell which known file is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from qantar.common.keyring import get_keyring
from qantar.core import crypto
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import FILE_CHUNK_BYTES
from qantar.core.sealedstream import StreamSealer, open_stream

ADDRESS_PURPOSE = "evidence-address"
# The first bytes are kept in memory while a file is encrypted: enough to tell its type and
# to read its EXIF metadata.
HEAD_KEPT = 256 * 1024


def store_root() -> Path:
    """The store's folder (read from the settings each time: tests point it elsewhere)."""
    return Path(settings.EVIDENCE_DIR)


def stream_context(item_id: uuid.UUID | str) -> bytes:
    """What every chunk of an item's file is bound to."""
    return crypto.bind_context("evidence", "file", item_id)


def file_key_context(item_id: uuid.UUID | str) -> bytes:
    """What an item's file key is bound to when sealed under its data key."""
    return crypto.bind_context("evidence_evidenceitem", "file_key", item_id)


def blob_address(key_id: uuid.UUID | str, sha256: str) -> str:
    """Where a file lives: HMAC-SHA256 of (data key id, SHA-256) under the instance address key."""
    keyring = get_keyring()
    address_key = keyring.key(keyring.instance_key_id(ADDRESS_PURPOSE))
    message = crypto.bind_context("evidence-address", key_id, sha256)
    return hmac.new(address_key, message, hashlib.sha256).hexdigest()


def blob_path(address: str) -> Path:
    """The stored file at an address."""
    if len(address) != 64 or any(char not in "0123456789abcdef" for char in address):
        raise ValidationFailed("bad_address", "That is not an evidence address.")
    return store_root() / "blobs" / address[:2] / address


def _private_folder(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@dataclass
class ReceivedFile:
    """A file received into ``incoming/``, encrypted, with what was learnt on the way."""

    item_id: uuid.UUID
    file_key: bytes
    name: str
    size_bytes: int
    sha256: str
    sha512: str
    blob_sha256: str
    head: bytes
    part_path: Path
    is_placed: bool = False

    def place(self, address: str) -> None:
        """Move the encrypted file to its address, read-only (a stale orphan is replaced)."""
        target = blob_path(address)
        _private_folder(target.parent)
        os.chmod(self.part_path, 0o400)
        try:
            os.link(self.part_path, target)
        except FileExistsError:
            # Only a file left by a transaction that rolled back can be there: the caller
            # holds the database row for this address, so no stored item owns that file.
            os.replace(self.part_path, target)
        else:
            self.part_path.unlink()
        self.is_placed = True

    def discard(self) -> None:
        """Forget the received file unless it was placed (safe to call more than once)."""
        if not self.is_placed:
            self.part_path.unlink(missing_ok=True)


@dataclass
class BlobWriter:
    """Encrypts a file into ``incoming/`` as its bytes arrive; refuses more than ``max_bytes``."""

    name: str
    max_bytes: int
    item_id: uuid.UUID = field(default_factory=uuid.uuid4)
    file_key: bytes = field(default_factory=crypto.new_key)

    def __post_init__(self) -> None:
        self.part_path = _private_folder(store_root() / "incoming") / f"{uuid.uuid4().hex}.part"
        descriptor = os.open(self.part_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(descriptor, "wb")
        self._sealer = StreamSealer(self.file_key, stream_context(self.item_id))
        self._sha256, self._sha512, self._blob = (
            hashlib.sha256(),
            hashlib.sha512(),
            hashlib.sha256(),
        )
        self._head = bytearray()
        self.size_bytes = 0
        self._write(self._sealer.header)

    def _write(self, sealed: bytes) -> None:
        if sealed:
            self._blob.update(sealed)
            self._file.write(sealed)

    def update(self, data: bytes) -> None:
        """Take the next bytes of the file."""
        self.size_bytes += len(data)
        if self.size_bytes > self.max_bytes:
            self.abort()
            raise ValidationFailed(
                "file_too_large",
                f"The file is larger than {self.max_bytes:,} bytes, the limit for evidence "
                "(QANTAR_EVIDENCE_MAX_BYTES): nothing was kept.",
                "file",
            )
        if len(self._head) < HEAD_KEPT:
            self._head += data[: HEAD_KEPT - len(self._head)]
        self._sha256.update(data)
        self._sha512.update(data)
        self._write(self._sealer.update(data))

    def finish(self) -> ReceivedFile:
        """Seal the last chunk and close the file."""
        self._write(self._sealer.finish())
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        return ReceivedFile(
            item_id=self.item_id,
            file_key=self.file_key,
            name=self.name,
            size_bytes=self.size_bytes,
            sha256=self._sha256.hexdigest(),
            sha512=self._sha512.hexdigest(),
            blob_sha256=self._blob.hexdigest(),
            head=bytes(self._head),
            part_path=self.part_path,
        )

    def abort(self) -> None:
        """Stop and remove what was written."""
        if not self._file.closed:
            self._file.close()
        self.part_path.unlink(missing_ok=True)


def receive_path(path: Path, max_bytes: int, name: str | None = None) -> ReceivedFile:
    """Receive a file from disk (the command line), in chunks."""
    writer = BlobWriter(name=name if name is not None else path.name, max_bytes=max_bytes)
    received = None
    try:
        with path.open("rb") as source:
            while chunk := source.read(FILE_CHUNK_BYTES):
                writer.update(chunk)
        received = writer.finish()
    finally:
        if received is None:
            writer.abort()
    return received


def read_blob(address: str, file_key: bytes, item_id: Any) -> Iterator[bytes]:
    """The plain text of a stored file, chunk by chunk (IntegrityFailure if it was altered)."""
    with blob_path(address).open("rb") as source:
        yield from open_stream(file_key, stream_context(item_id), source)


def blob_digest(address: str) -> str | None:
    """SHA-256 of the encrypted file at an address, or None if there is no file."""
    try:
        with blob_path(address).open("rb") as source:
            return hashlib.file_digest(source, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def stored_addresses() -> set[str]:
    """Every address with a file in the store."""
    folder = store_root() / "blobs"
    return (
        {path.name for path in folder.glob("*/*") if path.is_file()} if folder.exists() else set()
    )
