"""How many true pairs of the generated lists could a reader who knows the truth not tell
from a namesake?

Usage::

    .venv/bin/python benchmarks/linkage/ambiguity.py [--sizes 10000,200000] [--seed 2022]
        [--names dense,wide]

A reference point for the linkage figures of ``run.py``, on the same lists (same generator,
size, seed and name pool). The reader reads every field a record gives without spelling
errors, typos or wrong dates (it knows the person behind the record), but sees only the
fields the record gives: an age and a city stay an age and a city.

A true pair (records *a* and *b* of one person) is *ambiguous* when a record *z* of another
person, on the list of *b*, has the same given name and surname as *a* (and sex), contradicts
*a* on no field both give, and agrees with *a* on at least every field on which *a* and *b*
agree; or the same with *a* and *b* swapped. From *a* and *b* alone the reader cannot prefer
*b* to *z*. Birth is compared at the coarsest level both records give: the date, the year,
or the age (an age against a date or year agrees when the birth years are within one).

The table gives the share of true pairs that are ambiguous and the F1 of a reader who links
every other true pair and nothing else (precision 1). That is not a bound on what an engine
can reach: an engine also reads third lists and knows that a list names a person once, and
can do better on ambiguous pairs by guessing well; but it reads real spellings, and does
worse on the rest. It says how much of the lists' ambiguity is in the names and fields
themselves, which no tuning removes.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generator  # noqa: E402

_PERSON_FIELD = {"region": "region", "city": "city", "date_of_death": "death_date",
                 "iin": "iin", "father": "father"}


def visible(row: dict[str, str]) -> tuple[frozenset[str], str]:
    """The fields a record gives (besides the name and sex), and its birth level."""
    fields = {name for name in ("region", "city", "date_of_death", "iin") if row[name]}
    if row["patronymic"] or len(row["full_name"].split()) > 2:
        fields.add("father")
    birth = ("date" if row["birth_date"] else "year" if row["birth_year"]
             else "age" if row["age"] else "")
    return frozenset(fields), birth


def _birth_agrees(left: Any, right: Any, levels: tuple[str, str]) -> tuple[bool, str]:
    """(whether the two people's births agree at the coarsest level both give, that level)."""
    if levels == ("date", "date"):
        return left.birth_date == right.birth_date, "date"
    if "age" in levels:
        same_age = generator._age(left) == generator._age(right)  # noqa: SLF001
        close = abs(left.birth_date.year - right.birth_date.year) <= 1
        return (same_age if levels == ("age", "age") else close), "age"
    return left.birth_date.year == right.birth_date.year, "year"


def agreement(seen: tuple[Any, Any], people: tuple[Any, Any]) -> frozenset[str] | None:
    """The fields on which two records agree, or None if they contradict each other."""
    (fields_a, birth_a), (fields_b, birth_b) = seen
    left, right = people
    agreed = set()
    for name in fields_a & fields_b:
        attribute = _PERSON_FIELD[name]
        if getattr(left, attribute) != getattr(right, attribute):
            return None
        agreed.add(name)
    if birth_a and birth_b:
        same, level = _birth_agrees(left, right, (birth_a, birth_b))
        if not same:
            return None
        agreed.add("birth:" + level)
    return frozenset(agreed)


def ambiguous_share(size: int, seed: int, names: str) -> tuple[int, int, int]:
    """(records, true pairs, ambiguous true pairs) of one generated set of lists."""
    written = generator.generate_with_people(size, seed, names)
    seen = [visible(row) for row, _ in written]
    by_name: dict[tuple[str, str, str, bool], list[int]] = defaultdict(list)
    for index, (_, person) in enumerate(written):
        by_name[(person.given, person.surname_root, person.sex, person.is_russian)].append(index)
    true_pairs = ambiguous = 0
    for members in by_name.values():
        for position, a in enumerate(members):
            for b in members[position + 1:]:
                person = written[a][1]
                if written[b][1].person_id != person.person_id:
                    continue
                true_pairs += 1
                ambiguous += _has_rival(written, seen, members, a, b)
    return len(written), true_pairs, ambiguous


def _has_rival(written: list[tuple[dict[str, str], Any]], seen: list[Any], members: list[int],
               a: int, b: int) -> bool:
    own = agreement((seen[a], seen[b]), (written[a][1], written[b][1])) or frozenset()
    for x, y in ((a, b), (b, a)):
        person, other_list = written[x][1], written[y][0]["list"]
        for z in members:
            rival = written[z]
            if rival[0]["list"] != other_list or rival[1].person_id == person.person_id:
                continue
            agreed = agreement((seen[x], seen[z]), (person, rival[1]))
            if agreed is not None and agreed >= own:
                return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,200000")
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--names", default="dense,wide")
    args = parser.parse_args()
    print("| records | seed | names | true pairs | ambiguous | share | reader's F1 |")
    print("|---:|---:|---|---:|---:|---:|---:|")
    for size in (int(text) for text in args.sizes.split(",")):
        for names in args.names.split(","):
            records, pairs, ambiguous = ambiguous_share(size, args.seed, names)
            share = ambiguous / pairs
            print(f"| {records:,} | {args.seed} | {names} | {pairs:,} | {ambiguous:,} | "
                  f"{share:.3f} | {2 * (1 - share) / (2 - share):.3f} |", flush=True)


if __name__ == "__main__":
    main()
