"""Multiple systems estimation: count what was never documented, with honest uncertainty.

Public API::

    from qantar.core.estimation import CaptureHistories, estimate, Method
    table = from_csv_text(text)            # or from_csv_bytes(data), from_rows(names, rows)
    result = estimate(table, Method.LCMCR, seed=1, level=0.95)

See ``docs/estimation.md`` for what the numbers mean and when they fail.
"""

from qantar.core.estimation.api import (
    DEFAULT_METHOD,
    METHODS,
    Estimate,
    Method,
    MethodInfo,
    Options,
    compare_methods,
    estimate,
    parse_method,
)
from qantar.core.estimation.lcmcr import SamplerSettings
from qantar.core.estimation.stratified import StratifiedEstimate, estimate_stratified
from qantar.core.estimation.table import (
    CaptureHistories,
    from_csv_bytes,
    from_csv_text,
    from_rows,
    strata_from_csv_text,
)

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "CaptureHistories",
    "Estimate",
    "Method",
    "MethodInfo",
    "Options",
    "SamplerSettings",
    "StratifiedEstimate",
    "compare_methods",
    "estimate",
    "estimate_stratified",
    "from_csv_bytes",
    "from_csv_text",
    "from_rows",
    "parse_method",
    "strata_from_csv_text",
]
