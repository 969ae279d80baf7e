"""RFC 6962 Merkle tree hashes and proofs: published vectors, exhaustive and random checks.

Known answers come from transparency-dev/merkle, the Go implementation that Certificate
Transparency and Trillian use (same leaves and roots as the C++ CT suite):

* leaves, roots for sizes 0..8 and subtree hashes: ``testonly/constants.go``
  (commit 582a6ad190b6848f1d26f8bf08ddef29955d9db1);
* inclusion and consistency proofs: ``proof/verify_test.go``
  (commit 02194e9afb6c1d95b5381350007963aa70fff472). There leaves are numbered from 1;
  here indexes are 0-based.
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.core import merkle
from qantar.core.errors import ValidationFailed

LEAF_INPUTS = [
    bytes.fromhex(value)
    for value in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]

ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]

# Complete subtrees, by level (0 = leaf hashes) then position, as in NodeHashes().
NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]

# (0-based leaf index, tree size, proof)
INCLUSION_VECTORS = [
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (0, 1, []),
]

# (old size, new size, proof)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]

LEAVES = [merkle.leaf_hash(data) for data in LEAF_INPUTS]
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


def reference_root(leaves: list[bytes]) -> bytes:
    """MTH written straight from RFC 6962 2.1, as an independent check of the fast code."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    split = 1
    while split * 2 < len(leaves):
        split *= 2
    left, right = reference_root(leaves[:split]), reference_root(leaves[split:])
    return hashlib.sha256(b"\x01" + left + right).digest()


def hexes(values: list[bytes]) -> list[str]:
    """Hashes as hex, for readable failure messages."""
    return [value.hex() for value in values]


def unhex(values: list[str]) -> list[bytes]:
    """Hex strings as bytes."""
    return [bytes.fromhex(value) for value in values]


def test_leaf_and_node_hashes_use_the_rfc6962_prefixes():
    assert merkle.leaf_hash(b"x") == hashlib.sha256(b"\x00x").digest()
    assert merkle.node_hash(b"l", b"r") == hashlib.sha256(b"\x01lr").digest()


def test_empty_tree_root_is_sha256_of_nothing():
    assert merkle.root([]).hex() == ROOTS[0]
    assert merkle.EMPTY_ROOT.hex() == ROOTS[0]


def test_leaf_hashes_match_the_published_vectors():
    assert hexes(LEAVES) == NODE_HASHES[0]


def test_roots_match_the_published_vectors_for_sizes_0_to_8():
    assert [merkle.root(LEAVES[:size]).hex() for size in range(9)] == ROOTS


def test_streaming_root_matches_the_published_vectors_at_every_size():
    stream = merkle.StreamingRoot()
    seen = [stream.root().hex()]
    for leaf in LEAVES:
        stream.append(leaf)
        seen.append(stream.root().hex())
    assert seen == ROOTS
    assert stream.size == 8


def test_complete_subtrees_match_the_published_node_hashes():
    for level, expected in enumerate(NODE_HASHES):
        width = 2**level
        subtrees = [merkle.root(LEAVES[start : start + width]) for start in range(0, 8, width)]
        assert hexes(subtrees) == expected


def test_reference_root_agrees_with_the_published_vectors():
    assert [reference_root(LEAVES[:size]).hex() for size in range(9)] == ROOTS


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_inclusion_proof_matches_the_published_vector(index, size, proof):
    assert hexes(merkle.inclusion_proof(LEAVES[:size], index)) == proof


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS)
def test_published_inclusion_proof_verifies(index, size, proof):
    root = bytes.fromhex(ROOTS[size])
    assert merkle.verify_inclusion(LEAVES[index], index, size, unhex(proof), root) is True


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS)
def test_consistency_proof_matches_the_published_vector(old_size, new_size, proof):
    assert hexes(merkle.consistency_proof(LEAVES[:new_size], old_size)) == proof


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS)
def test_published_consistency_proof_verifies(old_size, new_size, proof):
    old_root, new_root = bytes.fromhex(ROOTS[old_size]), bytes.fromhex(ROOTS[new_size])
    assert merkle.verify_consistency(old_size, new_size, old_root, new_root, unhex(proof))


def corrupted_inclusion_cases(index, size, proof, root, leaf):
    """The probes of transparency-dev's corruptInclusionProof: each must be rejected."""
    cases = [
        (leaf, index - 1, size, proof, root),
        (leaf, index + 1, size, proof, root),
        (leaf, index ^ 2, size, proof, root),
        (leaf, index, size * 2, proof, root),
        (leaf, index, size // 2, proof, root),
        (b"WrongLeaf", index, size, proof, root),
        (leaf, index, size, proof, merkle.EMPTY_ROOT),
        (leaf, index, size, proof, SOME_HASH),
        (leaf, index, size, [*proof, b""], root),
        (leaf, index, size, [*proof, root], root),
        (leaf, index, size, [b"", *proof], root),
        (leaf, index, size, [root, *proof], root),
    ]
    for position in range(len(proof)):
        flipped = list(proof)
        flipped[position] = bytes([flipped[position][0] ^ 8]) + flipped[position][1:]
        cases.append((leaf, index, size, flipped, root))
    if proof:
        cases.append((leaf, index, size, proof[:-1], root))
    if len(proof) > 1:
        cases.append((leaf, index, size, [proof[0], SOME_HASH, *proof[1:]], root))
    return cases


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION_VECTORS[:4])
def test_corrupted_inclusion_proofs_are_rejected(index, size, proof):
    root = bytes.fromhex(ROOTS[size])
    cases = corrupted_inclusion_cases(index, size, unhex(proof), root, LEAVES[index])
    accepted = [case for case in cases if merkle.verify_inclusion(*case)]
    assert accepted == []


def corrupted_consistency_cases(old_size, new_size, old_root, new_root, proof):
    """The probes of transparency-dev's corruptConsistencyProof: each must be rejected."""
    cases = [
        (old_size - 1, new_size, old_root, new_root, proof),
        (old_size + 1, new_size, old_root, new_root, proof),
        (old_size ^ 2, new_size, old_root, new_root, proof),
        (old_size, new_size * 2, old_root, new_root, proof),
        (old_size, new_size // 2, old_root, new_root, proof),
        (old_size, new_size, b"WrongRoot", new_root, proof),
        (old_size, new_size, old_root, b"WrongRoot", proof),
        (old_size, new_size, new_root, old_root, proof),
        (old_size, new_size, old_root, new_root, []),
        (old_size, new_size, old_root, new_root, [*proof, b""]),
        (old_size, new_size, old_root, new_root, [*proof, old_root]),
        (old_size, new_size, old_root, new_root, [*proof, new_root]),
        (old_size, new_size, old_root, new_root, [b"", *proof]),
        (old_size, new_size, old_root, new_root, [old_root, *proof]),
        (old_size, new_size, old_root, new_root, [new_root, *proof]),
        (old_size, new_size, old_root, new_root, [proof[0], *proof]),
        (old_size, new_size, old_root, new_root, proof[:-1]),
    ]
    for position in range(len(proof)):
        flipped = list(proof)
        flipped[position] = bytes([flipped[position][0] ^ 16]) + flipped[position][1:]
        cases.append((old_size, new_size, old_root, new_root, flipped))
    return cases


@pytest.mark.parametrize(("old_size", "new_size", "proof"), CONSISTENCY_VECTORS[1:])
def test_corrupted_consistency_proofs_are_rejected(old_size, new_size, proof):
    old_root, new_root = bytes.fromhex(ROOTS[old_size]), bytes.fromhex(ROOTS[new_size])
    cases = corrupted_consistency_cases(old_size, new_size, old_root, new_root, unhex(proof))
    accepted = [case for case in cases if merkle.verify_consistency(*case)]
    assert accepted == []


def test_consistency_edge_cases():
    empty, root1, root2 = merkle.EMPTY_ROOT, bytes.fromhex(ROOTS[1]), bytes.fromhex(ROOTS[2])
    assert merkle.verify_consistency(0, 0, empty, empty, []) is True
    assert merkle.verify_consistency(0, 2, empty, root2, []) is True
    assert merkle.verify_consistency(0, 2, root1, root2, []) is False
    assert merkle.verify_consistency(1, 1, root1, root1, []) is True
    assert merkle.verify_consistency(1, 1, root1, root2, []) is False
    assert merkle.verify_consistency(1, 1, root1, root1, [empty]) is False
    assert merkle.verify_consistency(2, 1, root2, root1, []) is False
    assert merkle.verify_consistency(1, 2, root1, root2, []) is False


def test_inclusion_edge_cases():
    root1 = bytes.fromhex(ROOTS[1])
    assert merkle.verify_inclusion(LEAVES[0], 0, 1, [], root1) is True
    assert merkle.verify_inclusion(LEAVES[0], 0, 0, [], root1) is False
    assert merkle.verify_inclusion(LEAVES[0], 1, 1, [], root1) is False
    assert merkle.verify_inclusion(b"", 0, 1, [], b"") is False
    assert merkle.verify_inclusion(LEAVES[0], -1, 1, [], root1) is False


def test_proof_requests_outside_the_tree_are_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        merkle.inclusion_proof(LEAVES, 8)
    assert excinfo.value.code == "bad_proof_request"
    assert excinfo.value.message == "Leaf 8 is not in a tree of 8 leaves."
    with pytest.raises(ValidationFailed) as excinfo:
        merkle.consistency_proof(LEAVES[:3], 4)
    assert excinfo.value.message == "A tree of 3 leaves cannot extend one of 4."


def synthetic_leaves(count: int) -> list[bytes]:
    """Distinct leaf hashes for trees of any size."""
    return [merkle.leaf_hash(index.to_bytes(4, "big")) for index in range(count)]


def test_every_inclusion_proof_verifies_in_every_tree_up_to_64_leaves():
    leaves = synthetic_leaves(64)
    failures = []
    for size in range(1, 65):
        root = merkle.root(leaves[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(leaves[:size], index)
            if not merkle.verify_inclusion(leaves[index], index, size, proof, root):
                failures.append((index, size))
    assert failures == []


def test_every_consistency_proof_verifies_between_trees_up_to_64_leaves():
    leaves = synthetic_leaves(64)
    roots = [merkle.root(leaves[:size]) for size in range(65)]
    failures = []
    for new_size in range(65):
        for old_size in range(new_size + 1):
            proof = merkle.consistency_proof(leaves[:new_size], old_size)
            if not merkle.verify_consistency(
                old_size, new_size, roots[old_size], roots[new_size], proof
            ):
                failures.append((old_size, new_size))
    assert failures == []


leaf_lists = st.lists(st.binary(max_size=16), min_size=1, max_size=64).map(
    lambda items: [merkle.leaf_hash(item) for item in items]
)


@settings(max_examples=200, deadline=None)
@given(leaf_lists)
def test_streaming_root_equals_root_and_reference_at_every_prefix(leaves):
    stream = merkle.StreamingRoot()
    for size, leaf in enumerate(leaves, start=1):
        stream.append(leaf)
        assert stream.root() == merkle.root(leaves[:size]) == reference_root(leaves[:size])


@settings(max_examples=200, deadline=None)
@given(leaf_lists, st.data())
def test_inclusion_proof_verifies_for_its_leaf_and_not_for_a_stranger(leaves, data):
    index = data.draw(st.integers(0, len(leaves) - 1))
    root, proof = merkle.root(leaves), merkle.inclusion_proof(leaves, index)
    assert merkle.verify_inclusion(leaves[index], index, len(leaves), proof, root) is True
    stranger = merkle.leaf_hash(b"longer than any generated leaf input")
    assert merkle.verify_inclusion(stranger, index, len(leaves), proof, root) is False


@settings(max_examples=200, deadline=None)
@given(leaf_lists, st.data())
def test_consistency_proof_verifies_and_rejects_a_rewritten_prefix(leaves, data):
    old_size = data.draw(st.integers(1, len(leaves)))
    proof = merkle.consistency_proof(leaves, old_size)
    old_root, new_root = merkle.root(leaves[:old_size]), merkle.root(leaves)
    assert merkle.verify_consistency(old_size, len(leaves), old_root, new_root, proof) is True
    forged_old = merkle.root([SOME_HASH, *leaves[1:old_size]])
    assert merkle.verify_consistency(old_size, len(leaves), forged_old, new_root, proof) is False
