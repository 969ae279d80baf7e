"""The audit log's leaf format, hashing helpers, and the detection of every kind of tampering.

Known answers for the leaf and chain hashes are derived here independently: the canonical JSON
is written out by hand and hashed with hashlib, so a change to the leaf format fails loudly.
"""

from __future__ import annotations

import hashlib

import pytest

from qantar.core import merkle
from qantar.core.auditlog import (
    ENTRY_FIELDS,
    GENESIS_CHAIN_HEX,
    Problem,
    entry_leaf_hash,
    next_chain_hash,
    sealed_entry,
    verify_log,
)
from qantar.core.checkpoint import Checkpoint
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import canonical_json, sha256_file, sha256_hex

SIZE = 50
ALL_SEQS = range(1, SIZE + 1)

FIXED_ENTRY = {
    "seq": 1,
    "at": "2022-01-05T21:30:00Z",
    "actor": "7f1c0e52-3a4b-4d8e-9c1a-2b3c4d5e6f70",
    "action": "record.update",
    "object_type": "person",
    "object_id": "c0ffee00-0000-4000-8000-000000000001",
    "ip": "10.0.0.7",
    "details": {"fields": ["full_name", "birth_date"], "note": "Алматы"},
}
FIXED_CANONICAL = (
    '{"action":"record.update","actor":"7f1c0e52-3a4b-4d8e-9c1a-2b3c4d5e6f70",'
    '"at":"2022-01-05T21:30:00Z","details":{"fields":["full_name","birth_date"],'
    '"note":"Алматы"},"ip":"10.0.0.7","object_id":"c0ffee00-0000-4000-8000-000000000001",'
    '"object_type":"person","seq":1}'
).encode()


def fields_for(seq: int) -> dict[str, object]:
    """Plausible entry fields, with Kazakh and Russian text among them."""
    return {
        "seq": seq,
        "at": f"2022-01-{5 + seq // 24:02d}T{seq % 24:02d}:00:00Z",
        "actor": f"user-{seq % 3}" if seq % 5 else "",
        "action": ("record.create", "record.update", "evidence.add")[seq % 3],
        "object_type": "person",
        "object_id": f"object-{seq}",
        "ip": f"10.0.0.{seq}",
        "details": {
            "fields": ["full_name"],
            "sha256": sha256_hex(str(seq).encode()),
            "place": "Қонаев көшесі" if seq % 2 else "Алматы",
        },
    }


def build_log(size: int = SIZE) -> list[dict[str, object]]:
    """A correctly sealed log of ``size`` entries."""
    entries, previous = [], GENESIS_CHAIN_HEX
    for seq in range(1, size + 1):
        entry = sealed_entry(fields_for(seq), previous)
        entries.append(entry)
        previous = str(entry["chain_hash"])
    return entries


def reseal_from(entries: list[dict[str, object]], start: int) -> list[dict[str, object]]:
    """Recompute every hash from position ``start`` on, as a forger with database access would."""
    previous = GENESIS_CHAIN_HEX if start == 0 else str(entries[start - 1]["chain_hash"])
    resealed = entries[:start]
    for entry in entries[start:]:
        resealed.append(sealed_entry(entry, previous))
        previous = str(resealed[-1]["chain_hash"])
    return resealed


def checkpoint_of(entries: list[dict[str, object]], size: int) -> Checkpoint:
    """The tree head of the first ``size`` entries, as a signed checkpoint would carry it."""
    leaves = [bytes.fromhex(str(entry["leaf_hash"])) for entry in entries[:size]]
    return Checkpoint("test-log", size, merkle.root(leaves).hex(), "2022-01-07T00:00:00Z", "k")


def test_leaf_hash_is_rfc6962_leaf_of_hand_written_canonical_json():
    expected = hashlib.sha256(b"\x00" + FIXED_CANONICAL).hexdigest()
    assert canonical_json(FIXED_ENTRY) == FIXED_CANONICAL
    assert entry_leaf_hash(FIXED_ENTRY) == expected


def test_leaf_hash_ignores_the_stored_hashes_and_other_database_columns():
    stored = {**FIXED_ENTRY, "leaf_hash": "x", "chain_hash": "y", "id": 99}
    assert entry_leaf_hash(stored) == entry_leaf_hash(FIXED_ENTRY)


def test_leaf_hash_requires_every_field():
    incomplete = {name: FIXED_ENTRY[name] for name in ENTRY_FIELDS if name != "ip"}
    with pytest.raises(ValidationFailed) as excinfo:
        entry_leaf_hash(incomplete)
    assert excinfo.value.code == "incomplete_audit_entry"
    assert excinfo.value.message == "The audit entry has no 'ip' field."


def test_chain_hash_is_sha256_of_previous_and_leaf():
    leaf = entry_leaf_hash(FIXED_ENTRY)
    first = next_chain_hash(GENESIS_CHAIN_HEX, leaf)
    assert first == hashlib.sha256(bytes(32) + bytes.fromhex(leaf)).hexdigest()
    second = next_chain_hash(first, leaf)
    assert second == hashlib.sha256(bytes.fromhex(first) + bytes.fromhex(leaf)).hexdigest()


def test_chain_hash_refuses_bad_hex():
    with pytest.raises(ValidationFailed) as excinfo:
        next_chain_hash("zz", GENESIS_CHAIN_HEX)
    assert excinfo.value.message == "A chain or leaf hash is not hex."
    with pytest.raises(ValidationFailed) as excinfo:
        next_chain_hash("00", GENESIS_CHAIN_HEX)
    assert excinfo.value.message == "A chain or leaf hash is not 32 bytes."


def test_sealed_entry_stores_exactly_the_fields_and_both_hashes():
    entry = sealed_entry({**FIXED_ENTRY, "extra": 1}, GENESIS_CHAIN_HEX)
    assert list(entry) == [*ENTRY_FIELDS, "leaf_hash", "chain_hash"]
    assert entry["leaf_hash"] == entry_leaf_hash(FIXED_ENTRY)
    assert entry["chain_hash"] == next_chain_hash(GENESIS_CHAIN_HEX, entry_leaf_hash(FIXED_ENTRY))


def test_canonical_json_is_sorted_compact_utf8():
    assert (
        canonical_json({"b": [1, 2.5, None, True], "a": "Ә"})
        == '{"a":"Ә","b":[1,2.5,null,true]}'.encode()
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            {"x": float("nan")},
            "This value cannot be written as canonical JSON: "
            "Out of range float values are not JSON compliant.",
        ),
        (
            {"x": [float("inf")]},
            "This value cannot be written as canonical JSON: "
            "Out of range float values are not JSON compliant.",
        ),
        ({1: "a", "1": "b"}, "JSON object keys must be strings, not 1."),
        ({"x": [{"y": {None: 1}}]}, "JSON object keys must be strings, not None."),
        (
            {"x": {1, 2}},
            "This value cannot be written as canonical JSON: "
            "Object of type set is not JSON serializable.",
        ),
    ],
)
def test_canonical_json_refuses_what_has_no_single_encoding(value, message):
    with pytest.raises(ValidationFailed) as excinfo:
        canonical_json(value)
    assert excinfo.value.code == "not_canonical_json"
    assert excinfo.value.message == message


def test_sha256_helpers_match_hashlib(tmp_path):
    data = bytes(range(256)) * 9000  # more than one 1 MiB read
    path = tmp_path / "evidence.bin"
    path.write_bytes(data)
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()
    assert sha256_file(str(path)) == hashlib.sha256(data).hexdigest()


def test_an_intact_log_verifies_with_its_size_and_root():
    entries = build_log()
    report = verify_log(entries)
    leaves = [bytes.fromhex(str(entry["leaf_hash"])) for entry in entries]
    assert report.is_intact is True
    assert (report.problem, report.seq, report.size) == (None, None, SIZE)
    assert report.root_hex == merkle.root(leaves).hex()
    assert report.message == "All 50 entries are intact and chained."


def test_an_empty_log_is_intact_with_the_empty_root():
    report = verify_log([])
    assert (report.is_intact, report.size, report.root_hex) == (True, 0, merkle.EMPTY_ROOT.hex())


def test_the_log_is_read_once_as_a_stream():
    entries = build_log()
    reads = []

    def stream():
        for entry in entries:
            reads.append(entry["seq"])
            yield entry

    assert verify_log(stream()).is_intact is True
    assert reads == list(ALL_SEQS)


def assert_found(report, problem, seq, message=None):
    """The report names ``problem`` at ``seq`` and has verified exactly what precedes it."""
    assert (report.is_intact, report.problem, report.seq) == (False, problem, seq)
    if message is not None:
        assert report.message == message


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_a_modified_entry_is_named(seq):
    entries = build_log()
    entries[seq - 1] = {**entries[seq - 1], "actor": "someone-else"}
    report = verify_log(entries)
    assert_found(
        report,
        Problem.MODIFIED,
        seq,
        f"Entry {seq} was modified: its content no longer matches its recorded hash.",
    )
    assert report.size == seq - 1
    assert report.root_hex == checkpoint_of(entries, seq - 1).root_hex


@pytest.mark.parametrize("seq", [1, 17, 50])
def test_modified_details_are_detected(seq):
    entries = build_log()
    details = dict(entries[seq - 1]["details"])
    details["fields"] = ["full_name", "date_of_death"]
    entries[seq - 1] = {**entries[seq - 1], "details": details}
    assert_found(verify_log(entries), Problem.MODIFIED, seq)


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_a_modified_entry_with_a_recomputed_leaf_hash_breaks_the_chain(seq):
    entries = build_log()
    forged = {**entries[seq - 1], "action": "record.delete"}
    forged["leaf_hash"] = entry_leaf_hash(forged)
    entries[seq - 1] = forged
    assert_found(
        verify_log(entries),
        Problem.CHAIN_BROKEN,
        seq,
        f"The hash chain breaks at entry {seq}: its chain hash does not follow from the entries "
        f"before it. Entry {seq} was replaced, or the entry before it was rewritten with "
        "recomputed hashes.",
    )


@pytest.mark.parametrize("seq", range(1, SIZE))
def test_a_resealed_entry_breaks_the_chain_at_the_next_entry(seq):
    entries = build_log()
    previous = GENESIS_CHAIN_HEX if seq == 1 else str(entries[seq - 2]["chain_hash"])
    entries[seq - 1] = sealed_entry({**entries[seq - 1], "actor": "x"}, previous)
    assert_found(verify_log(entries), Problem.CHAIN_BROKEN, seq + 1)


def test_a_relabelled_entry_is_named_by_its_place():
    entries = build_log()
    entries[9] = {**entries[9], "seq": 11}
    assert_found(
        verify_log(entries),
        Problem.MODIFIED,
        10,
        "Entry 10 was modified: its content no longer matches its recorded hash. "
        "It is now labelled entry 11.",
    )


@pytest.mark.parametrize("seq", range(1, SIZE))
def test_a_deleted_entry_is_named(seq):
    entries = build_log()
    del entries[seq - 1]
    before = "starts at" if seq == 1 else f"goes from entry {seq - 1} to"
    assert_found(
        verify_log(entries),
        Problem.DELETED,
        seq,
        f"Entry {seq} was deleted: the log {before} entry {seq + 1}.",
    )


def test_deleting_the_last_entry_is_truncation_against_a_checkpoint():
    entries = build_log()
    checkpoint = checkpoint_of(entries, SIZE)
    assert_found(
        verify_log(entries[:-1], checkpoint),
        Problem.TRUNCATED,
        SIZE,
        "The log was truncated: it ends at entry 49, but the checkpoint signed at "
        "2022-01-07T00:00:00Z vouches for 50 entries.",
    )


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_an_inserted_forgery_is_named_by_the_number_it_reuses(seq):
    entries = build_log()
    previous = GENESIS_CHAIN_HEX if seq == 1 else str(entries[seq - 2]["chain_hash"])
    forged = sealed_entry({**fields_for(seq), "action": "record.create"}, previous)
    entries.insert(seq - 1, forged)
    assert_found(
        verify_log(entries),
        Problem.INSERTED,
        seq,
        f"An entry was inserted: sequence number {seq} is used by more than one entry.",
    )


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_a_duplicated_entry_after_the_original_is_an_insertion(seq):
    entries = build_log()
    entries.insert(seq, dict(entries[seq - 1]))
    assert_found(verify_log(entries), Problem.INSERTED, seq)


@pytest.mark.parametrize("seq", range(1, SIZE))
def test_swapped_neighbours_are_reordered(seq):
    entries = build_log()
    entries[seq - 1], entries[seq] = entries[seq], entries[seq - 1]
    assert_found(
        verify_log(entries),
        Problem.REORDERED,
        seq,
        f"Entry {seq} is out of order: entry {seq + 1} appears in its place.",
    )


@pytest.mark.parametrize("seq", range(1, SIZE))
def test_an_entry_moved_to_the_end_is_reordered(seq):
    entries = build_log()
    entries.append(entries.pop(seq - 1))
    assert_found(verify_log(entries), Problem.REORDERED, seq)


@pytest.mark.parametrize("seq", range(2, SIZE + 1))
def test_an_entry_moved_to_the_front_is_reordered_at_entry_1(seq):
    entries = build_log()
    entries.insert(0, entries.pop(seq - 1))
    assert_found(
        verify_log(entries),
        Problem.REORDERED,
        1,
        f"Entry 1 is out of order: entry {seq} appears in its place.",
    )


@pytest.mark.parametrize("kept", range(0, SIZE))
def test_truncation_is_detected_against_a_checkpoint(kept):
    entries = build_log()
    report = verify_log(entries[:kept], checkpoint_of(entries, SIZE))
    assert_found(report, Problem.TRUNCATED, kept + 1)
    assert report.size == kept


@pytest.mark.parametrize("seq", ALL_SEQS)
def test_a_consistent_rewrite_passes_alone_but_forks_from_a_checkpoint(seq):
    entries = build_log()
    checkpoint = checkpoint_of(entries, SIZE)
    entries[seq - 1] = {**entries[seq - 1], "actor": "rewritten"}
    forged = reseal_from(entries, seq - 1)
    # Without an outside anchor a forger who rewrites every later hash is not caught: this is
    # why checkpoints must be signed and kept by a witness.
    assert verify_log(forged).is_intact is True
    report = verify_log(forged, checkpoint)
    assert_found(
        report,
        Problem.FORKED,
        None,
        "The log was rewritten: its first 50 entries no longer match the checkpoint signed at "
        "2022-01-07T00:00:00Z (key k).",
    )
    assert report.size == SIZE


@pytest.mark.parametrize(
    ("rewritten", "checkpoint_size", "is_intact"),
    [
        (10, 10, False),
        (10, 30, False),
        (10, 9, True),
        (1, 1, False),
        (50, 49, True),
    ],
)
def test_a_fork_is_caught_only_within_the_checkpointed_prefix(
    rewritten, checkpoint_size, is_intact
):
    entries = build_log()
    checkpoint = checkpoint_of(entries, checkpoint_size)
    entries[rewritten - 1] = {**entries[rewritten - 1], "ip": "192.0.2.1"}
    report = verify_log(reseal_from(entries, rewritten - 1), checkpoint)
    assert report.is_intact is is_intact
    assert report.problem is (None if is_intact else Problem.FORKED)


def test_a_valid_extension_verifies_against_an_older_checkpoint():
    entries = build_log()
    report = verify_log(entries, checkpoint_of(entries[:30], 30))
    assert report.is_intact is True
    assert report.checkpoint_size == 30
    assert report.message == (
        "All 50 entries are intact and chained. The log extends the checkpoint of 30 entries "
        "signed at 2022-01-07T00:00:00Z."
    )


def test_a_checkpoint_of_the_same_size_verifies():
    entries = build_log()
    assert verify_log(entries, checkpoint_of(entries, SIZE)).is_intact is True


def test_a_checkpoint_of_size_zero_needs_the_empty_root():
    entries = build_log()
    assert verify_log(entries, checkpoint_of(entries, 0)).is_intact is True
    bad = Checkpoint("test-log", 0, "ab" * 32, "2022-01-07T00:00:00Z", "k")
    assert_found(verify_log(entries, bad), Problem.FORKED, None)


def test_a_checkpoint_from_a_different_log_forks():
    entries, other = build_log(), reseal_from([{**fields_for(1), "ip": "x"}, *build_log()[1:]], 0)
    assert_found(verify_log(entries, checkpoint_of(other, 40)), Problem.FORKED, None)


def test_only_the_first_problem_is_reported():
    entries = build_log()
    entries[19] = {**entries[19], "actor": "x"}
    del entries[9]
    assert_found(verify_log(entries), Problem.DELETED, 10)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"seq": "5"},
            "Entry 5 cannot be checked. The audit entry's sequence number '5' is not "
            "a whole number from 1.",
        ),
        (
            {"seq": 0},
            "Entry 5 cannot be checked. The audit entry's sequence number 0 is not a "
            "whole number from 1.",
        ),
        (
            {"seq": True},
            "Entry 5 cannot be checked. The audit entry's sequence number True is "
            "not a whole number from 1.",
        ),
        (
            {"details": {"ratio": float("nan")}},
            "Entry 5 cannot be checked. This value cannot be "
            "written as canonical JSON: Out of range float values are not JSON compliant.",
        ),
    ],
)
def test_an_unreadable_entry_is_malformed(change, message):
    entries = build_log()
    entries[4] = {**entries[4], **change}
    assert_found(verify_log(entries), Problem.MALFORMED, 5, message)


def test_an_entry_missing_a_field_is_malformed():
    entries = build_log()
    del entries[4]["actor"]
    assert_found(
        verify_log(entries),
        Problem.MALFORMED,
        5,
        "Entry 5 cannot be checked. The audit entry has no 'actor' field.",
    )


def test_a_missing_stored_hash_is_a_modification():
    entries = build_log()
    del entries[4]["leaf_hash"]
    assert_found(verify_log(entries), Problem.MODIFIED, 5)


def test_canonical_json_refuses_absurd_nesting():
    value: list[object] = []
    for _ in range(100_000):
        value = [value]
    with pytest.raises(ValidationFailed) as excinfo:
        canonical_json({"x": value})
    assert excinfo.value.message == "This value is nested too deeply to be written as JSON."


@pytest.mark.parametrize("seq", [0, -3, "1", 1.0, None])
def test_sealing_refuses_a_sequence_number_that_is_not_a_whole_number_from_1(seq):
    with pytest.raises(ValidationFailed) as excinfo:
        sealed_entry({**FIXED_ENTRY, "seq": seq}, GENESIS_CHAIN_HEX)
    assert excinfo.value.code == "bad_audit_seq"
    assert excinfo.value.message == (
        f"The audit entry's sequence number {seq!r} is not a whole number from 1."
    )
