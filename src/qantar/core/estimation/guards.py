"""Guard rails: refuse to estimate when the table cannot support an estimate.

Each refusal is a :class:`ValidationFailed` with a stable code and a message saying
why no number is given. A documented count is a floor; these checks stop the
software from dressing up a guess as a total.
"""

from __future__ import annotations

from qantar.core.errors import ValidationFailed
from qantar.core.estimation.table import CaptureHistories

MIN_OVERLAP = 3


def check_estimable(table: CaptureHistories, min_lists: int, max_lists: int,
                    method: str) -> None:
    """Raise unless the table can support an estimate by ``method``."""
    _check_list_count(table, min_lists, max_lists, method)
    _check_lists_not_empty(table)
    _check_no_list_holds_everyone(table)
    _check_overlaps(table)


def _check_list_count(table: CaptureHistories, min_lists: int, max_lists: int,
                      method: str) -> None:
    if table.list_count < min_lists:
        raise ValidationFailed(
            "too_few_lists",
            f"The {method} method needs at least {min_lists} lists; this table has "
            f"{table.list_count}. With fewer lists the dependence between lists cannot be "
            "checked, so no estimate is given.",
        )
    if table.list_count > max_lists:
        raise ValidationFailed(
            "too_many_lists",
            f"The {method} method supports at most {max_lists} lists; this table has "
            f"{table.list_count}. Merge similar lists or choose another method.",
        )


def _check_lists_not_empty(table: CaptureHistories) -> None:
    for name, size in zip(table.list_names, table.list_sizes(), strict=True):
        if size == 0:
            raise ValidationFailed(
                "empty_list",
                f"List '{name}' has nobody on it. Remove it: an empty list says nothing "
                "about who was missed.",
                name,
            )


def _check_no_list_holds_everyone(table: CaptureHistories) -> None:
    for name, size in zip(table.list_names, table.list_sizes(), strict=True):
        if size == table.observed:
            raise ValidationFailed(
                "list_contains_everyone",
                f"List '{name}' contains everyone observed: the other lists found nobody "
                "it missed, so the data cannot show how many people every list missed. "
                "No estimate is given (any model would report the documented count as the "
                "total, which is not credible).",
                name,
            )


def _check_overlaps(table: CaptureHistories) -> None:
    overlapping = sum(int(count) for cell, count in enumerate(table.cells)
                      if bin(cell).count("1") >= 2)
    if overlapping < MIN_OVERLAP:
        raise ValidationFailed(
            "too_few_overlaps",
            f"Only {overlapping} people appear on more than one list (at least "
            f"{MIN_OVERLAP} are needed). Estimates rest on the overlap between lists; with "
            "so little of it any number would be unreliable, so none is given.",
        )
