"""Simulated populations of known size, for checking that estimates centre on the truth."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qantar.core.estimation.table import CaptureHistories, from_rows


@dataclass(frozen=True)
class Scenario:
    """A population: latent groups with their own capture probabilities, plus dependence.

    ``capture[g][j]`` is the chance that a person of group ``g`` is on list ``j``;
    ``referral`` multiplies the chance of being on list 1 for people already on list 0
    (a list that draws on another: positive list dependence).
    """

    size: int
    group_shares: tuple[float, ...]
    capture: tuple[tuple[float, ...], ...]
    referral: float = 1.0


HETEROGENEOUS = Scenario(
    size=2000,
    group_shares=(0.3, 0.7),
    capture=((0.5, 0.45, 0.4, 0.35), (0.15, 0.1, 0.2, 0.12)),
    referral=1.6,
)


def simulate(scenario: Scenario, rng: np.random.Generator) -> CaptureHistories:
    """Draw who is on which list; return the observed capture-history table."""
    groups = rng.choice(len(scenario.group_shares), size=scenario.size,
                        p=np.array(scenario.group_shares))
    chances = np.array(scenario.capture)[groups]
    on = rng.random(chances.shape) < chances
    boosted = np.minimum(chances[:, 1] * scenario.referral, 1.0)
    on[:, 1] = np.where(on[:, 0], rng.random(scenario.size) < boosted, on[:, 1])
    cells = (on * (1 << np.arange(on.shape[1]))).sum(axis=1)
    counts = np.bincount(cells, minlength=1 << on.shape[1])
    lists = on.shape[1]
    rows = [(tuple((c >> j) & 1 for j in range(lists)), int(counts[c]))
            for c in range(1, 1 << lists)]
    return from_rows([f"L{j + 1}" for j in range(lists)], rows)
