"""SHA-256 digests of bytes, files and canonical JSON.

Canonical JSON is what the audit log hashes, so two programs that hold the same values must
produce the same bytes: keys sorted, no whitespace, UTF-8 (not ``\\u`` escapes), no NaN or
infinities, string keys only. Finite floats are written as Python's shortest round-trip
``repr``; callers that need byte-identical hashes from other languages should avoid floats.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from typing import Final

from qantar.core.errors import ValidationFailed

FILE_CHUNK_BYTES: Final = 1024 * 1024
_STRING_TYPE: Final = frozenset({str})
_SCALAR_TYPES: Final = frozenset({str, int, float, bool, type(None)})

_ENCODER: Final = json.JSONEncoder(
    ensure_ascii=False,
    allow_nan=False,
    sort_keys=True,
    separators=(",", ":"),
)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 digest of ``data`` as 64 lowercase hex characters."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | os.PathLike[str]) -> str:
    """The SHA-256 digest of a file's bytes, read in chunks so any size fits in memory."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while chunk := stream.read(FILE_CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def canonical_json(value: object) -> bytes:
    """``value`` as canonical JSON bytes; raise ValidationFailed if it is not plain JSON."""
    try:
        _reject_non_string_keys(value)
        return _ENCODER.encode(value).encode("utf-8")
    except (TypeError, ValueError) as error:
        # ValueError covers NaN/infinity and lone surrogates (UnicodeEncodeError).
        raise ValidationFailed(
            "not_canonical_json", f"This value cannot be written as canonical JSON: {error}."
        ) from None
    except RecursionError:
        raise ValidationFailed(
            "not_canonical_json", "This value is nested too deeply to be written as JSON."
        ) from None


def _reject_non_string_keys(value: object) -> None:
    # json would turn {1: "a", "1": "b"} into two identical keys: an ambiguous encoding.
    # This runs once per entry on million-entry audit logs, hence the set-of-types fast paths.
    if isinstance(value, dict):
        if not _STRING_TYPE.issuperset(map(type, value)):
            _reject_key_types(value)
        items: Iterable[object] = value.values()
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return
    if _SCALAR_TYPES.issuperset(map(type, items)):
        return
    for item in items:
        if type(item) not in _SCALAR_TYPES:
            _reject_non_string_keys(item)


def _reject_key_types(mapping: dict[object, object]) -> None:
    for key in mapping:
        if not isinstance(key, str):
            raise ValidationFailed(
                "not_canonical_json", f"JSON object keys must be strings, not {key!r}."
            )
