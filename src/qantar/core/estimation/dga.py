"""Bayesian model averaging over decomposable graphical models (Madigan and York 1997).

Madigan and York (1997), "Bayesian methods for estimation of the size of a closed
population", Biometrika 84:19; the method of HRDAG's R package dga (Johndrow, Lum and
Ball). Each decomposable graph on the lists is a model of list dependence (an edge =
two lists depend on each other). Cell probabilities have a hyper-Dirichlet prior with
``delta`` prior people per cell of the full table (default 2**-t, one prior person in
total); graphs are equally likely a priori; the total N has prior proportional to 1/N
unless another log-prior is given. The posterior of N is computed exactly on a grid
of the number never listed and averaged over all decomposable graphs.

Assumptions: a closed population, correct matching, and dependence between lists
that some decomposable graph describes (no heterogeneity beyond that). Supports 3 to 5
lists (8, 61 and 822 graphs). Deterministic: no random numbers are used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import combinations

import numpy as np
from scipy.special import gammaln, logsumexp

from qantar.core.errors import ValidationFailed
from qantar.core.estimation.loglinear import FloatArray
from qantar.core.estimation.table import CaptureHistories

Family = tuple[int, int]  # (family bitmask, family without the eliminated vertex)
LogPrior = Callable[[FloatArray], FloatArray]


@dataclass(frozen=True)
class Graph:
    """A decomposable graph: its edges and its perfect-elimination families."""

    edges: tuple[tuple[int, int], ...]
    families: tuple[Family, ...]


@dataclass(frozen=True)
class DgaResult:
    """Posterior of the total, averaged over graphs."""

    totals: FloatArray  # grid of N
    posterior: FloatArray  # averaged posterior probability of each N
    graph_weights: FloatArray  # posterior probability of each graph
    graphs: tuple[Graph, ...]
    model_by_total: FloatArray  # (graphs, grid) joint posterior

    def quantile(self, q: float) -> float:
        """Posterior quantile of the total."""
        index = int(np.searchsorted(np.cumsum(self.posterior), q))
        return float(self.totals[min(index, self.totals.size - 1)])

    def top_graph(self) -> Graph:
        """The graph with the highest posterior probability."""
        return self.graphs[int(np.argmax(self.graph_weights))]


@cache
def decomposable_graphs(lists: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on ``lists`` vertices."""
    pairs = list(combinations(range(lists), 2))
    graphs = []
    for mask in range(1 << len(pairs)):
        edges = tuple(p for i, p in enumerate(pairs) if mask >> i & 1)
        families = _elimination_families(lists, edges)
        if families is not None:
            graphs.append(Graph(edges, families))
    return tuple(graphs)


def _elimination_families(lists: int, edges: tuple[tuple[int, int], ...]) -> tuple[
        Family, ...] | None:
    neighbours = {v: {b for a, b in edges if a == v} | {a for a, b in edges if b == v}
                  for v in range(lists)}
    remaining = set(range(lists))
    families = []
    while remaining:
        simplicial = [v for v in sorted(remaining) if _is_clique(neighbours[v] & remaining,
                                                                neighbours)]
        if not simplicial:
            return None  # not chordal
        vertex = simplicial[0]
        rest = sum(1 << u for u in neighbours[vertex] & remaining)
        families.append((rest | (1 << vertex), rest))
        remaining.remove(vertex)
    return tuple(families)


def _is_clique(vertices: set[int], neighbours: dict[int, set[int]]) -> bool:
    return all(b in neighbours[a] for a, b in combinations(sorted(vertices), 2))


def inverse_total_prior(totals: FloatArray) -> FloatArray:
    """log p(N) = -log N, the default of Madigan and York and of dga."""
    result: FloatArray = -np.log(totals)
    return result


def posterior(table: CaptureHistories, delta: float | None = None,
              log_prior: LogPrior = inverse_total_prior,
              max_missing: int | None = None) -> DgaResult:
    """The model-averaged posterior of N on a grid of the number never listed."""
    lists = table.list_count
    if not 3 <= lists <= 5:
        raise ValidationFailed("dga_lists", "The dga method needs 3, 4 or 5 lists.")
    prior_count = 2.0 ** -lists if delta is None else delta
    top = max_missing if max_missing is not None else _grid_size(table)
    missing = np.arange(0, top + 1, dtype=float)
    totals = table.observed + missing
    margins = _margin_log_likelihoods(table, missing, prior_count)
    graphs = decomposable_graphs(lists)
    joint = np.stack([sum(margins[f] - margins[s] for f, s in g.families) for g in graphs])
    joint = joint + (gammaln(totals + 1) - gammaln(missing + 1) + log_prior(totals))[None, :]
    joint = np.exp(joint - logsumexp(joint))
    return DgaResult(totals, joint.sum(axis=0), joint.sum(axis=1), graphs, joint)


def _grid_size(table: CaptureHistories) -> int:
    # Generous: twenty times the observed, so the posterior tail beyond it is negligible
    # for any table where the lists overlap; checked by the caller via tail mass.
    return int(max(2000, 20 * table.observed))


def _margin_log_likelihoods(table: CaptureHistories, missing: FloatArray,
                            delta: float) -> FloatArray:
    # Row A (a bitmask of lists): log marginal likelihood of the A-margin, for each
    # grid value; the margin cell "on none of A" also holds the people never listed.
    lists = table.list_count
    cells = np.arange(1 << lists)
    total_prior = delta * (1 << lists)
    rows = np.zeros((1 << lists, missing.size))
    for subset in range(1, 1 << lists):
        prior = delta * (1 << (lists - bin(subset).count("1")))
        margin = np.bincount(cells & subset, weights=table.cells, minlength=1 << lists)
        occupied = np.unique(cells & subset)
        fixed = [c for c in occupied if c != 0]
        constant = float(np.sum(gammaln(margin[fixed] + prior) - gammaln(prior)))
        rows[subset] = (constant + gammaln(margin[0] + missing + prior) - gammaln(prior)
                        + gammaln(total_prior)
                        - gammaln(table.observed + missing + total_prior))
    return rows


def describe_graph(graph: Graph, list_names: tuple[str, ...]) -> str:
    """Edges of a graph with list names, e.g. ``[b-c, d]``; isolated lists listed alone."""
    linked = {v for edge in graph.edges for v in edge}
    parts = [f"{list_names[a]}-{list_names[b]}" for a, b in graph.edges]
    parts += [list_names[v] for v in range(len(list_names)) if v not in linked]
    return "[" + ", ".join(parts) + "]"
