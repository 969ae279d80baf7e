"""Chunked encryption of evidence files: round trips, and every tampering is detected."""

from __future__ import annotations

import io

import pytest

from qantar.core import crypto
from qantar.core.errors import IntegrityFailure, KeyUnavailable
from qantar.core.sealedstream import HEADER_BYTES, TAG_BYTES, StreamSealer, open_stream

KEY = bytes(range(32))
CONTEXT = b"evidence\x1ffile\x1fitem-1"
CHUNK = 8


def seal(data: bytes, key: bytes = KEY, context: bytes = CONTEXT, pieces: int = 3) -> bytes:
    """Seal ``data`` fed in ``pieces`` uneven parts."""
    sealer = StreamSealer(key, context, chunk_bytes=CHUNK)
    out = [sealer.header]
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        out.append(sealer.update(data[start : start + step]))
    out.append(sealer.finish())
    return b"".join(out)


def opened(blob: bytes, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    return b"".join(open_stream(key, context, io.BytesIO(blob)))


def chunks_of(blob: bytes) -> tuple[bytes, list[bytes]]:
    size = CHUNK + TAG_BYTES
    body = blob[HEADER_BYTES:]
    return blob[:HEADER_BYTES], [body[i : i + size] for i in range(0, len(body), size)]


@pytest.mark.parametrize("size", [0, 1, 7, 8, 9, 16, 17, 100])
def test_round_trip_of_any_size(size):
    data = bytes((i * 7) % 256 for i in range(size))
    blob = seal(data)
    assert opened(blob) == data
    full_chunks = max(0, (size - 1) // CHUNK)
    assert len(blob) == HEADER_BYTES + size + (full_chunks + 1) * TAG_BYTES


def test_the_same_file_seals_differently_each_time():
    assert seal(b"same bytes") != seal(b"same bytes")


def test_a_stream_cut_at_a_chunk_boundary_is_detected():
    header, chunks = chunks_of(seal(b"A" * 30))
    assert len(chunks) == 4
    with pytest.raises(IntegrityFailure) as raised:
        opened(header + b"".join(chunks[:2]))
    assert raised.value.code == "stream_rejected"


def test_a_stream_cut_inside_a_chunk_is_detected():
    blob = seal(b"A" * 30)
    with pytest.raises(IntegrityFailure):
        opened(blob[:-5])


def test_a_cut_inside_the_header_is_detected():
    with pytest.raises(IntegrityFailure) as raised:
        opened(seal(b"abc")[:10])
    assert raised.value.code == "stream_truncated"


def test_an_appended_chunk_is_detected():
    header, chunks = chunks_of(seal(b"B" * 24))
    with pytest.raises(IntegrityFailure):
        opened(header + b"".join(chunks) + chunks[0])


def test_reordered_chunks_are_detected():
    header, chunks = chunks_of(seal(bytes(range(30))))
    with pytest.raises(IntegrityFailure):
        opened(header + chunks[1] + chunks[0] + b"".join(chunks[2:]))


def test_a_chunk_swapped_in_from_another_item_is_detected():
    header, chunks = chunks_of(seal(b"C" * 30))
    _other_header, other = chunks_of(seal(b"C" * 30, context=b"evidence\x1ffile\x1fitem-2"))
    with pytest.raises(IntegrityFailure):
        opened(header + chunks[0] + other[1] + b"".join(chunks[2:]))


def test_a_flipped_bit_is_detected_and_nothing_after_it_is_released():
    blob = bytearray(seal(b"D" * 30))
    blob[HEADER_BYTES + CHUNK + TAG_BYTES + 2] ^= 1  # inside the second chunk
    released = []
    with pytest.raises(IntegrityFailure):
        for part in open_stream(KEY, CONTEXT, io.BytesIO(bytes(blob))):
            released.append(part)
    assert released == [b"D" * CHUNK]


def test_a_changed_header_is_detected():
    blob = bytearray(seal(b"E" * 10))
    blob[HEADER_BYTES - 1] ^= 1  # the nonce prefix
    with pytest.raises(IntegrityFailure):
        opened(bytes(blob))
    blob[0:8] = b"XSTREAM1"
    with pytest.raises(IntegrityFailure) as raised:
        opened(bytes(blob))
    assert raised.value.code == "stream_unknown"


def test_a_wrong_key_or_another_context_fails():
    blob = seal(b"secret photo")
    with pytest.raises(IntegrityFailure):
        opened(blob, key=crypto.new_key())
    with pytest.raises(IntegrityFailure):
        opened(blob, context=b"evidence\x1ffile\x1fitem-2")
    with pytest.raises(KeyUnavailable):
        opened(blob, key=b"short")


def test_a_finished_sealer_takes_nothing_more():
    sealer = StreamSealer(KEY, CONTEXT)
    sealer.finish()
    with pytest.raises(ValueError):
        sealer.update(b"more")
    with pytest.raises(ValueError):
        sealer.finish()
