"""The audit log's leaf format and the verification of a whole log.

Each audit entry is one leaf of an RFC 6962 Merkle tree (see :mod:`qantar.core.merkle`) and
one link of a hash chain. The leaf is the canonical JSON of exactly :data:`ENTRY_FIELDS`;
other keys the database layer may pass (a primary key, the stored hashes) are not hashed.

* ``leaf_hash``  = hex SHA-256(0x00 || canonical_json(entry fields))
* ``chain_hash`` = hex SHA-256(previous chain hash bytes || leaf hash bytes), where the first
  entry's previous chain hash is 32 zero bytes.

The chain pins every entry to the one before it; the Merkle root lets a signed checkpoint
vouch for a whole prefix of the log in 32 bytes, and lets a witness check that a later log
extends it. Without a checkpoint, someone who can write the database can recompute every
hash after the point they altered: only a checkpoint kept elsewhere catches that.

:func:`verify_log` reads the entries once, in ``seq`` order, and names the first problem.
At each entry it asks, in this order: is it readable; does it reuse an earlier number
(inserted); does its content match its leaf hash (modified); is its number the next one
(deleted or reordered); does its chain hash follow (chain broken); and, once the log reaches
the checkpoint's size, is the tree head the signed one (forked). After the last entry: is
the log as long as the checkpoint (truncated).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from qantar.core.checkpoint import Checkpoint
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import canonical_json
from qantar.core.merkle import StreamingRoot, leaf_hash

ENTRY_FIELDS: Final = ("seq", "at", "actor", "action", "object_type", "object_id", "ip", "details")
GENESIS_CHAIN_HEX: Final = "00" * 32

_sha256 = hashlib.sha256


class Problem(StrEnum):
    """What verification found wrong with a log. Values are stable lowercase strings."""

    MALFORMED = "malformed"
    INSERTED = "inserted"
    MODIFIED = "modified"
    DELETED = "deleted"
    REORDERED = "reordered"
    CHAIN_BROKEN = "chain_broken"
    FORKED = "forked"
    TRUNCATED = "truncated"


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify_log`.

    ``size`` and ``root_hex`` describe the prefix that verified: entries 1 to ``size`` are
    intact and chained, and ``root_hex`` is their Merkle tree head. When ``is_intact`` that
    is the whole log. ``seq`` names the first bad entry (for ``forked``, None: a tree head
    shows that the prefix differs, not where).
    """

    is_intact: bool
    problem: Problem | None
    seq: int | None
    size: int
    root_hex: str
    message: str
    checkpoint_size: int | None = None


def entry_leaf_hash(entry: Mapping[str, object]) -> str:
    """The hex leaf hash of an audit entry; raise ValidationFailed if it is incomplete."""
    return _leaf_bytes(entry).hex()


def next_chain_hash(previous_hex: str, leaf_hex: str) -> str:
    """The chain hash that follows ``previous_hex`` (use GENESIS_CHAIN_HEX for entry 1)."""
    try:
        previous, leaf = bytes.fromhex(previous_hex), bytes.fromhex(leaf_hex)
    except ValueError:
        raise ValidationFailed("bad_hash", "A chain or leaf hash is not hex.") from None
    if len(previous) != 32 or len(leaf) != 32:
        raise ValidationFailed("bad_hash", "A chain or leaf hash is not 32 bytes.")
    return _sha256(previous + leaf).hexdigest()


def sealed_entry(fields: Mapping[str, object], previous_chain_hex: str) -> dict[str, object]:
    """The entry's fields with their ``leaf_hash`` and ``chain_hash``, ready to store.

    Raise ValidationFailed if a field is missing, ``seq`` is not a whole number from 1, or a
    value has no canonical JSON form.
    """
    entry = {name: fields[name] for name in ENTRY_FIELDS if name in fields}
    _seq_of(entry)
    leaf_hex = entry_leaf_hash(entry)
    entry["leaf_hash"] = leaf_hex
    entry["chain_hash"] = next_chain_hash(previous_chain_hex, leaf_hex)
    return entry


def verify_log(
    entries: Iterable[Mapping[str, object]], checkpoint: Checkpoint | None = None
) -> VerifyReport:
    """Recompute every hash of a log given in ``seq`` order and report the first problem."""
    verifier = _Verifier(checkpoint)
    return verifier.report(_first_finding(verifier, iter(entries)))


def _first_finding(verifier: _Verifier, stream: Iterator[Mapping[str, object]]) -> _Finding | None:
    finding = verifier.check_checkpoint()
    while finding is None:
        entry = next(stream, None)
        if entry is None:
            return verifier.check_length()
        finding = verifier.check(entry, stream)
    return finding


@dataclass(frozen=True)
class _Finding:
    problem: Problem
    seq: int | None
    message: str


class _Verifier:
    """The state of one pass over a log: chain head, tree, and the checkpoint to meet."""

    def __init__(self, checkpoint: Checkpoint | None) -> None:
        self.checkpoint = checkpoint
        self.tree = StreamingRoot()
        self.chain = bytes(32)

    def check(
        self, entry: Mapping[str, object], rest: Iterator[Mapping[str, object]]
    ) -> _Finding | None:
        """Verify the next entry; ``rest`` is read on only to tell deletion from reordering."""
        expected = self.tree.size + 1
        try:
            seq, leaf = _seq_of(entry), _leaf_bytes(entry)
        except ValidationFailed as error:
            return _malformed(expected, error.message)
        if seq < expected:
            return _inserted(seq)
        if leaf.hex() != entry.get("leaf_hash"):
            return _modified(expected, seq)
        if seq > expected:
            return _out_of_place(expected, seq, rest)
        return self._link(entry, leaf, seq)

    def _link(self, entry: Mapping[str, object], leaf: bytes, seq: int) -> _Finding | None:
        chain = _sha256(self.chain + leaf).digest()
        if chain.hex() != entry.get("chain_hash"):
            return _chain_broken(seq)
        self.chain = chain
        self.tree.append(leaf)
        return self.check_checkpoint()

    def check_checkpoint(self) -> _Finding | None:
        """A fork, if the log has just reached the checkpoint's size with another head."""
        checkpoint = self.checkpoint
        if checkpoint is None or self.tree.size != checkpoint.size:
            return None
        if self.tree.root().hex() == checkpoint.root_hex:
            return None
        return _forked(checkpoint)

    def check_length(self) -> _Finding | None:
        """Truncation, if the log ended before the checkpoint's size."""
        checkpoint = self.checkpoint
        if checkpoint is None or self.tree.size >= checkpoint.size:
            return None
        return _truncated(self.tree.size, checkpoint)

    def report(self, finding: _Finding | None) -> VerifyReport:
        """The report for this pass, intact if nothing was found."""
        checkpoint_size = None if self.checkpoint is None else self.checkpoint.size
        size, root_hex = self.tree.size, self.tree.root().hex()
        if finding is None:
            message = _intact_message(size, self.checkpoint)
            return VerifyReport(True, None, None, size, root_hex, message, checkpoint_size)
        return VerifyReport(
            False, finding.problem, finding.seq, size, root_hex, finding.message, checkpoint_size
        )


def _leaf_bytes(entry: Mapping[str, object]) -> bytes:
    try:
        content = {name: entry[name] for name in ENTRY_FIELDS}
    except KeyError as error:
        raise ValidationFailed(
            "incomplete_audit_entry", f"The audit entry has no {error.args[0]!r} field."
        ) from None
    return leaf_hash(canonical_json(content))


def _seq_of(entry: Mapping[str, object]) -> int:
    seq = entry.get("seq")
    if type(seq) is not int or seq < 1:
        raise ValidationFailed(
            "bad_audit_seq",
            f"The audit entry's sequence number {seq!r} is not a whole number from 1.",
        )
    return seq


def _out_of_place(expected: int, seq: int, rest: Iterator[Mapping[str, object]]) -> _Finding:
    if any(entry.get("seq") == expected for entry in rest):
        return _Finding(
            Problem.REORDERED,
            expected,
            f"Entry {expected} is out of order: entry {seq} appears in its place.",
        )
    before = "starts at" if expected == 1 else f"goes from entry {expected - 1} to"
    return _Finding(
        Problem.DELETED,
        expected,
        f"Entry {expected} was deleted: the log {before} entry {seq}.",
    )


def _malformed(expected: int, reason: str) -> _Finding:
    return _Finding(
        Problem.MALFORMED,
        expected,
        f"Entry {expected} cannot be checked. {reason}",
    )


def _inserted(seq: int) -> _Finding:
    return _Finding(
        Problem.INSERTED,
        seq,
        f"An entry was inserted: sequence number {seq} is used by more than one entry.",
    )


def _modified(expected: int, seq: int) -> _Finding:
    relabelled = "" if seq == expected else f" It is now labelled entry {seq}."
    return _Finding(
        Problem.MODIFIED,
        expected,
        f"Entry {expected} was modified: its content no longer matches its recorded hash."
        + relabelled,
    )


def _chain_broken(seq: int) -> _Finding:
    return _Finding(
        Problem.CHAIN_BROKEN,
        seq,
        f"The hash chain breaks at entry {seq}: its chain hash does not follow from the "
        f"entries before it. Entry {seq} was replaced, or the entry before it was rewritten "
        "with recomputed hashes.",
    )


def _forked(checkpoint: Checkpoint) -> _Finding:
    return _Finding(
        Problem.FORKED,
        None,
        f"The log was rewritten: its first {checkpoint.size} entries no longer match the "
        f"checkpoint signed at {checkpoint.timestamp} (key {checkpoint.key_id}).",
    )


def _truncated(size: int, checkpoint: Checkpoint) -> _Finding:
    return _Finding(
        Problem.TRUNCATED,
        size + 1,
        f"The log was truncated: it ends at entry {size}, but the checkpoint signed at "
        f"{checkpoint.timestamp} vouches for {checkpoint.size} entries.",
    )


def _intact_message(size: int, checkpoint: Checkpoint | None) -> str:
    message = f"All {size} entries are intact and chained."
    if checkpoint is None:
        return message
    return (
        f"{message} The log extends the checkpoint of {checkpoint.size} entries signed at "
        f"{checkpoint.timestamp}."
    )
