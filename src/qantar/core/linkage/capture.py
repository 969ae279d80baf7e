"""Capture histories: how many people are on each combination of lists.

This is the input of multiple systems estimation. Each person (cluster) is counted once, on
the set of lists where at least one of its records appears.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Mapping, Sequence

from qantar.core.linkage.records import Record


def capture_histories(
    records: Sequence[Record], clusters: Mapping[str, str]
) -> tuple[list[str], list[tuple[tuple[int, ...], int]]]:
    """The list names (sorted) and rows of (0/1 per list, number of people), non-zero only.

    ``clusters`` maps record_id → cluster_id; a record without a cluster is its own person.
    Rows are sorted by history, ones first ((1, 1, 1) before (0, 0, 1)).
    """
    lists = sorted({record.list_name for record in records})
    position = {name: index for index, name in enumerate(lists)}
    seen: dict[str, set[int]] = {}
    for record in records:
        person = clusters.get(record.record_id, f"record:{record.record_id}")
        seen.setdefault(person, set()).add(position[record.list_name])
    counts = Counter(tuple(int(index in found) for index in range(len(lists)))
                     for found in seen.values())
    rows = sorted(counts.items(), key=lambda item: tuple(-bit for bit in item[0]))
    return lists, rows


def capture_histories_csv(lists: list[str], rows: list[tuple[tuple[int, ...], int]]) -> str:
    """The capture-history CSV: one 0/1 column per list, then ``count``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*lists, "count"])
    writer.writerows([*history, count] for history, count in rows)
    return out.getvalue()
