"""Encryption of large files in chunks, for evidence: any size, never whole in memory.

A sealed stream is a header followed by chunks::

    header  = b"QSTREAM1" | chunk size (4 bytes) | nonce prefix (7 random bytes)
    chunk i = AES-256-GCM(key, nonce = prefix | i (4 bytes) | last (1 byte),
                          data = up to chunk size bytes, associated data = header | context)

Assumptions a reviewer should check (this is the STREAM construction of Hoang, Reyhanitabar,
Rogaway and Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance",
CRYPTO 2015):

* Every stream has its own random key (one per evidence file), so the nonces, which are
  counters, never repeat under a key. The random prefix is belt and braces.
* The chunk's index is in its nonce, so chunks cannot be reordered, dropped from the middle or
  duplicated. The last chunk, and only it, is sealed with ``last = 1``: cutting the stream at a
  chunk boundary, or appending chunks, makes the new last chunk fail to open.
* ``context`` (for evidence: the item's id) and the header are the associated data of every
  chunk, so a chunk or a whole stream moved to another item does not open.
* Every chunk except the last is exactly ``chunk_bytes`` long, so the reader knows where chunks
  end without any length field an attacker could change.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from qantar.core.crypto import KEY_BYTES
from qantar.core.errors import IntegrityFailure, KeyUnavailable

MAGIC: Final = b"QSTREAM1"
CHUNK_BYTES: Final = 1024 * 1024
TAG_BYTES: Final = 16
_HEADER: Final = struct.Struct(">8sI7s")
HEADER_BYTES: Final = _HEADER.size
_MAX_CHUNKS: Final = 2**32


def _nonce(prefix: bytes, index: int, is_last: bool) -> bytes:
    if index >= _MAX_CHUNKS:
        raise IntegrityFailure("stream_too_long", "The file has too many chunks to seal.")
    return prefix + struct.pack(">IB", index, 1 if is_last else 0)


def _cipher(key: bytes) -> AESGCM:
    if len(key) != KEY_BYTES:
        raise KeyUnavailable("bad_key", "A key has the wrong length.")
    return AESGCM(key)


class StreamSealer:
    """Seals a stream of bytes chunk by chunk; call :meth:`update` then :meth:`finish` once.

    One chunk of plain text is held back until more arrives, so that the last chunk is known
    when it is sealed (an empty stream is one empty last chunk).
    """

    def __init__(self, key: bytes, context: bytes, chunk_bytes: int = CHUNK_BYTES) -> None:
        if chunk_bytes < 1:
            raise ValueError("chunk_bytes must be positive")
        self._cipher = _cipher(key)
        self._prefix = os.urandom(7)
        self._chunk_bytes = chunk_bytes
        self.header = _HEADER.pack(MAGIC, chunk_bytes, self._prefix)
        self._associated = self.header + context
        self._pending = bytearray()
        self._index = 0
        self._finished = False

    def _seal(self, data: bytes, is_last: bool) -> bytes:
        nonce = _nonce(self._prefix, self._index, is_last)
        self._index += 1
        return self._cipher.encrypt(nonce, data, self._associated)

    def update(self, data: bytes) -> bytes:
        """Take more plain text; return the sealed chunks that are ready (maybe none)."""
        if self._finished:
            raise ValueError("the stream is already finished")
        self._pending += data
        sealed = []
        # Strictly more than one chunk: what is left may be the last chunk.
        while len(self._pending) > self._chunk_bytes:
            chunk = bytes(self._pending[: self._chunk_bytes])
            del self._pending[: self._chunk_bytes]
            sealed.append(self._seal(chunk, is_last=False))
        return b"".join(sealed)

    def finish(self) -> bytes:
        """Seal what is left as the last chunk."""
        if self._finished:
            raise ValueError("the stream is already finished")
        self._finished = True
        last = self._seal(bytes(self._pending), is_last=True)
        self._pending.clear()
        return last


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    parts, remaining = [], size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _read_header(source: BinaryIO) -> tuple[bytes, int, bytes]:
    header = _read_exactly(source, HEADER_BYTES)
    if len(header) != HEADER_BYTES:
        raise IntegrityFailure("stream_truncated", "The encrypted file is truncated.")
    magic, chunk_bytes, prefix = _HEADER.unpack(header)
    if magic != MAGIC or chunk_bytes < 1:
        raise IntegrityFailure("stream_unknown", "The encrypted file has an unknown format.")
    return header, int(chunk_bytes), bytes(prefix)


def open_stream(key: bytes, context: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Yield the plain text of a sealed stream, chunk by chunk.

    Raises IntegrityFailure as soon as a chunk was altered, moved, reordered, dropped, or the
    stream was cut short or extended; everything yielded before that point was authentic.
    """
    cipher = _cipher(key)
    header, chunk_bytes, prefix = _read_header(source)
    associated = header + context
    sealed_size = chunk_bytes + TAG_BYTES
    current = _read_exactly(source, sealed_size)
    index = 0
    while True:
        following = _read_exactly(source, sealed_size) if len(current) == sealed_size else b""
        is_last = not following
        if len(current) < TAG_BYTES:
            raise IntegrityFailure("stream_truncated", "The encrypted file is truncated.")
        try:
            yield cipher.decrypt(_nonce(prefix, index, is_last), current, associated)
        except InvalidTag:
            raise IntegrityFailure(
                "stream_rejected",
                "The encrypted file does not open with its key: it was altered, cut short, "
                "reordered or moved from another item, or the key is wrong.",
            ) from None
        if is_last:
            return
        current, index = following, index + 1
