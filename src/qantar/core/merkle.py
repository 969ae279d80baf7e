"""Merkle tree hashes and proofs exactly as Certificate Transparency defines them.

RFC 6962 section 2.1 (restated in RFC 9162 section 2.1):

* leaf hash  = SHA-256(0x00 || leaf bytes)
* node hash  = SHA-256(0x01 || left || right)
* MTH of n > 1 leaves splits at k, the largest power of two smaller than n:
  MTH(D[0:n]) = node(MTH(D[0:k]), MTH(D[k:n])); the empty tree's hash is SHA-256("").

Because the hashes are the standard ones, anyone can check a Qantar log with any independent
CT implementation. Proof verification follows the algorithms of RFC 9162 sections 2.1.3.2 and
2.1.4.2. Sizes and indexes are 0-based leaf counts, as in the RFCs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Final

from qantar.core.errors import ValidationFailed

HASH_BYTES: Final = 32
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()

_LEAF_PREFIX: Final = b"\x00"
_NODE_PREFIX: Final = b"\x01"
_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """The RFC 6962 hash of one leaf: SHA-256(0x00 || data)."""
    return _sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 6962 hash of an interior node: SHA-256(0x01 || left || right)."""
    return _sha256(_NODE_PREFIX + left + right).digest()


class StreamingRoot:
    """The Merkle tree head of leaf hashes appended one by one, in O(log n) memory.

    Keeps the roots of the perfect subtrees that make up the tree (one per set bit of the
    size, largest first); the MTH is these folded together from the right.
    """

    __slots__ = ("_size", "_subtrees")

    def __init__(self) -> None:
        self._size = 0
        self._subtrees: list[bytes] = []

    @property
    def size(self) -> int:
        """How many leaves have been appended."""
        return self._size

    def append(self, leaf: bytes) -> None:
        """Add the next leaf hash (already hashed with :func:`leaf_hash`)."""
        subtrees = self._subtrees
        node = leaf
        size = self._size
        while size & 1:
            node = _sha256(_NODE_PREFIX + subtrees.pop() + node).digest()
            size >>= 1
        subtrees.append(node)
        self._size += 1

    def root(self) -> bytes:
        """The tree head of all leaves appended so far."""
        if not self._subtrees:
            return EMPTY_ROOT
        node = self._subtrees[-1]
        for left in reversed(self._subtrees[:-1]):
            node = node_hash(left, node)
        return node


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """The Merkle tree head (MTH) of a list of leaf hashes, in O(n) time."""
    stream = StreamingRoot()
    for leaf in leaf_hashes:
        stream.append(leaf)
    return stream.root()


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int) -> list[bytes]:
    """The audit path proving leaf ``index`` is in the tree of ``leaf_hashes`` (RFC 6962 PATH)."""
    if not 0 <= index < len(leaf_hashes):
        raise ValidationFailed(
            "bad_proof_request", f"Leaf {index} is not in a tree of {len(leaf_hashes)} leaves."
        )
    return _path(leaf_hashes, index, 0, len(leaf_hashes))


def _path(leaves: Sequence[bytes], index: int, start: int, end: int) -> list[bytes]:
    if end - start == 1:
        return []
    split = start + _largest_power_of_two_below(end - start)
    if index < split:
        return [*_path(leaves, index, start, split), _range_root(leaves, split, end)]
    return [*_path(leaves, index, split, end), _range_root(leaves, start, split)]


def consistency_proof(leaf_hashes: Sequence[bytes], old_size: int) -> list[bytes]:
    """The proof that the first ``old_size`` leaves are a prefix of ``leaf_hashes`` (RFC 6962)."""
    new_size = len(leaf_hashes)
    if not 0 <= old_size <= new_size:
        raise ValidationFailed(
            "bad_proof_request", f"A tree of {new_size} leaves cannot extend one of {old_size}."
        )
    if old_size in (0, new_size):
        return []
    return _subproof(leaf_hashes, old_size, 0, new_size, is_complete=True)


def _subproof(
    leaves: Sequence[bytes], old_size: int, start: int, end: int, *, is_complete: bool
) -> list[bytes]:
    # RFC 6962 SUBPROOF(m, D[start:end], b); old_size is m, relative to start.
    if old_size == end - start:
        return [] if is_complete else [_range_root(leaves, start, end)]
    split = _largest_power_of_two_below(end - start)
    if old_size <= split:
        left = _subproof(leaves, old_size, start, start + split, is_complete=is_complete)
        return [*left, _range_root(leaves, start + split, end)]
    right = _subproof(leaves, old_size - split, start + split, end, is_complete=False)
    return [*right, _range_root(leaves, start, start + split)]


def _range_root(leaves: Sequence[bytes], start: int, end: int) -> bytes:
    return root(leaves[index] for index in range(start, end))


def _largest_power_of_two_below(count: int) -> int:
    # The k of RFC 6962: the largest power of two strictly smaller than count (count > 1).
    return 1 << ((count - 1).bit_length() - 1)


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> bool:
    """Whether ``proof`` shows leaf hash ``leaf`` at ``index`` in the tree of ``size`` with
    head ``root_hash`` (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size or not _are_hashes([leaf, root_hash, *proof]):
        return False
    position, last = index, size - 1
    node = leaf
    for sibling in proof:
        if last == 0:
            return False
        if position & 1 or position == last:
            node = node_hash(sibling, node)
            while position and not position & 1:
                position, last = position >> 1, last >> 1
        else:
            node = node_hash(node, sibling)
        position, last = position >> 1, last >> 1
    return last == 0 and node == root_hash


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (old_size, old_root) is a prefix of the tree
    (new_size, new_root) (RFC 9162 section 2.1.4.2)."""
    if not 0 <= old_size <= new_size or not _are_hashes([old_root, new_root, *proof]):
        return False
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    return _fold_consistency(old_size, new_size, old_root, new_root, proof)


def _fold_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # the old tree is a complete subtree: its head starts the path
    first, last = old_size - 1, new_size - 1
    while first & 1:
        first, last = first >> 1, last >> 1
    old_node = new_node = path[0]
    for sibling in path[1:]:
        if last == 0:
            return False
        if first & 1 or first == last:
            old_node = node_hash(sibling, old_node)
            new_node = node_hash(sibling, new_node)
            while first and not first & 1:
                first, last = first >> 1, last >> 1
        else:
            new_node = node_hash(new_node, sibling)
        first, last = first >> 1, last >> 1
    return last == 0 and old_node == old_root and new_node == new_root


def _are_hashes(values: Iterable[bytes]) -> bool:
    return all(len(value) == HASH_BYTES for value in values)
