"""Hierarchical log-linear models for capture-history tables.

A model is a set of interaction terms, each a bitmask of lists. It is hierarchical:
every subset of an included term is included, and every main effect is always
included. The intercept is implicit. The t-way term is never allowed: with the
all-zero cell unobserved it cannot be estimated.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from itertools import combinations


def bit_count(term: int) -> int:
    """How many lists a term (bitmask) involves."""
    return bin(term).count("1")


@cache
def lists_of(term: int) -> tuple[int, ...]:
    """The 0-based list indices in a term."""
    return tuple(j for j in range(term.bit_length()) if term >> j & 1)


@dataclass(frozen=True, order=True)
class HierarchicalModel:
    """A hierarchical log-linear model: main effects plus interaction ``terms``."""

    list_count: int
    interactions: frozenset[int]

    @cached_property
    def terms(self) -> tuple[int, ...]:
        """Every term, main effects first, sorted by order then bitmask (computed once)."""
        mains = {1 << j for j in range(self.list_count)}
        return tuple(sorted(mains | self.interactions, key=lambda t: (bit_count(t), t)))

    @property
    def parameter_count(self) -> int:
        """Parameters including the intercept."""
        return 1 + len(self.terms)

    def generators(self) -> tuple[int, ...]:
        """The maximal terms (the generating class)."""
        # In a hierarchical model a term has a proper superset in the model exactly
        # when it has one with a single list more.
        terms = set(self.terms)
        lists = [1 << j for j in range(self.list_count)]
        return tuple(t for t in self.terms
                     if not any(t | bit in terms for bit in lists if not t & bit))

    def code(self) -> str:
        """Literature notation, lists numbered from 1: ``[12,3]``."""
        return "[" + ",".join(_digits(t) for t in _display_order(self.generators())) + "]"

    def describe(self, list_names: Sequence[str]) -> str:
        """Plain notation with list names: ``[b*c, d]``."""
        parts = ["*".join(list_names[j] for j in lists_of(t)) for t in _display_order(
            self.generators())]
        return "[" + ", ".join(parts) + "]"

    def with_term(self, term: int) -> HierarchicalModel:
        """The model with ``term`` (and so all its subsets) added."""
        return HierarchicalModel(self.list_count, self.interactions | _closure(term))


def independence(list_count: int) -> HierarchicalModel:
    """The main-effects (independence) model."""
    return HierarchicalModel(list_count, frozenset())


def from_pairs(list_count: int, pairs: Sequence[tuple[int, int]]) -> HierarchicalModel:
    """The model with main effects and the given two-list interactions (0-based)."""
    return HierarchicalModel(list_count, frozenset((1 << a) | (1 << b) for a, b in pairs))


def from_code(list_count: int, code: str) -> HierarchicalModel:
    """Parse literature notation such as ``[12,3]`` or ``[13,23,1,2]``."""
    inside = code.strip().strip("[]")
    model = independence(list_count)
    for part in filter(None, (p.strip() for p in inside.split(","))):
        term = sum(1 << (int(digit) - 1) for digit in part)
        model = model.with_term(term)
    return model


def all_models(list_count: int, max_order: int) -> list[HierarchicalModel]:
    """Every hierarchical model whose interactions have at most ``max_order`` lists."""
    return list(_all_models(list_count, max_order))


@cache
def _all_models(list_count: int, max_order: int) -> tuple[HierarchicalModel, ...]:
    # Enumerated once per process: a search over 6,893 models re-uses the objects
    # (and their cached term lists) instead of rebuilding them for every table.
    top = min(max_order, list_count - 1)
    candidates = [
        sum(1 << j for j in combo)
        for order in range(2, top + 1)
        for combo in combinations(range(list_count), order)
    ]
    return tuple(HierarchicalModel(list_count, frozenset(chosen))
                 for chosen in _down_sets(candidates, 0, frozenset()))


def _down_sets(candidates: list[int], start: int, chosen: frozenset[int]) -> Iterator[
        frozenset[int]]:
    # Terms are ordered by size, so every proper subset of a term is decided before it.
    if start == len(candidates):
        yield chosen
        return
    yield from _down_sets(candidates, start + 1, chosen)
    term = candidates[start]
    if all(sub in chosen for sub in _facets(term)):
        yield from _down_sets(candidates, start + 1, chosen | {term})


def _facets(term: int) -> list[int]:
    # Subsets one list smaller that are themselves interactions (two lists or more).
    if bit_count(term) <= 2:
        return []
    return [term & ~(1 << j) for j in lists_of(term)]


def _closure(term: int) -> frozenset[int]:
    members = lists_of(term)
    return frozenset(
        sum(1 << j for j in combo)
        for order in range(2, len(members) + 1)
        for combo in combinations(members, order)
    )


@cache
def _digits(term: int) -> str:
    return "".join(str(j + 1) for j in lists_of(term))


def _display_order(terms: Sequence[int]) -> list[int]:
    return sorted(terms, key=lambda t: (-bit_count(t), lists_of(t)))
