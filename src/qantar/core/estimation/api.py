"""The public face of estimation: ``estimate``, ``compare_methods`` and ``METHODS``.

Every method returns an :class:`Estimate` with the observed count (a floor), the
estimated total, an interval, the method, the model and any warnings. A method that
cannot give a trustworthy number raises :class:`ValidationFailed` explaining why.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from qantar.core.errors import QantarError, ValidationFailed
from qantar.core.estimation import dga, lcmcr, twolist
from qantar.core.estimation.convergence import RHAT_WARNING
from qantar.core.estimation.guards import check_estimable
from qantar.core.estimation.intervals import bootstrap_bca, profile_interval
from qantar.core.estimation.loglinear import FloatArray
from qantar.core.estimation.selection import Criterion, ModelFit, search, select_in_batch
from qantar.core.estimation.stepwise import stepwise
from qantar.core.estimation.table import CaptureHistories

DiagnosticValue = float | int | str | list[float] | list[str] | None


class Method(enum.Enum):
    """Estimation methods; the values are the stable names used on the command line."""

    LOGLINEAR_AIC = "loglinear-aic"
    LOGLINEAR_BIC = "loglinear-bic"
    STEPWISE = "stepwise"
    LCMCR = "lcmcr"
    DGA = "dga"
    CHAPMAN = "chapman"
    CHAO = "chao"


DEFAULT_METHOD = Method.LOGLINEAR_BIC


@dataclass(frozen=True)
class MethodInfo:
    """What a method is, in plain words, and where it comes from."""

    title: str
    description: str
    citation: str
    min_lists: int
    max_lists: int


METHODS: dict[Method, MethodInfo] = {
    Method.LCMCR: MethodInfo(
        "Latent-class model (LCMCR)",
        "Assumes people differ in how likely they are to be recorded (for "
        "example, deaths in cities are reported more than deaths in villages) and lets "
        "the data sort people into groups that were recorded alike. Bayesian: the "
        "interval is a 95% credible interval from a seeded, reproducible simulation.",
        "Manrique-Vallier (2016), Biometrics 72:1246",
        3, 12),
    Method.LOGLINEAR_BIC: MethodInfo(
        "Log-linear models chosen by BIC",
        "Recommended. Tries every way the lists could depend on each other (a list "
        "copying another, "
        "two lists reaching the same people) and keeps the pattern the data support "
        "best, preferring simple explanations. The interval repeats the whole choice on "
        "resampled data, so it includes the uncertainty of choosing.",
        "Fienberg (1972); Silverman, Chan and Vincent (2024), Stat. Comput. 34:44",
        2, 6),
    Method.LOGLINEAR_AIC: MethodInfo(
        "Log-linear models chosen by AIC",
        "As the BIC method, but prefers richer explanations; estimates vary more.",
        "Akaike (1974); Fienberg (1972)",
        2, 6),
    Method.STEPWISE: MethodInfo(
        "Stepwise log-linear model",
        "Starts by assuming lists are independent and adds a link between two lists "
        "only when the overlap clearly disagrees with that assumption. Built for sparse "
        "tables where many lists share nobody. Interval by resampling, repeating the "
        "steps each time.",
        "Chan, Silverman and Vincent (2021), JASA 116:1297",
        2, 12),
    Method.DGA: MethodInfo(
        "Bayesian averaging over graphical models (dga)",
        "Weighs every plausible pattern of dependence between lists by how well it fits "
        "and averages their estimates. Assumes everyone has the same chance of being "
        "recorded on each list. 3 to 5 lists.",
        "Madigan and York (1997), Biometrika 84:19",
        3, 5),
    Method.CHAPMAN: MethodInfo(
        "Two-list Chapman estimate (sanity check)",
        "Uses only two lists and assumes they are independent. A rough check, usually "
        "too low when lists share sources.",
        "Chapman (1951); Seber (1970)",
        2, 12),
    Method.CHAO: MethodInfo(
        "Chao's lower bound (sanity check)",
        "A floor for the total from how many people appear on exactly one and exactly "
        "two lists. Not an estimate of the total.",
        "Chao (1987), Biometrics 43:783",
        2, 12),
}


@dataclass(frozen=True)
class Options:
    """Tuning; the defaults are the documented ones."""

    bootstrap_replicates: int | None = None  # None: 500 (200 for stepwise)
    top_models: int | None = None  # models re-ranked in each bootstrap sample
    max_order: int | None = None  # highest interaction in the AIC/BIC search
    stepwise_threshold: float = 0.02
    sampler: lcmcr.SamplerSettings = field(default_factory=lcmcr.SamplerSettings)
    dga_delta: float | None = None


@dataclass(frozen=True)
class Estimate:
    """An estimate of the total population, never just a number."""

    observed: int
    estimate: float
    interval: tuple[float, float]
    level: float
    method: str
    model: str
    diagnostics: dict[str, DiagnosticValue] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    draws: tuple[float, ...] = ()  # bootstrap replicates or posterior draws, for plots

    def as_dict(self) -> dict[str, object]:
        """The command-line JSON contract (plus warnings)."""
        return {
            "observed": self.observed,
            "estimate": round(self.estimate, 1),
            "interval": [round(self.interval[0], 1), round(self.interval[1], 1)],
            "level": self.level,
            "method": self.method,
            "model": self.model,
            "warnings": list(self.warnings),
        }


def estimate(table: CaptureHistories, method: Method | str = DEFAULT_METHOD, seed: int = 0,
             level: float = 0.95, options: Options | None = None) -> Estimate:
    """Estimate the total population from a capture-history table.

    Parameters: ``method`` (a :class:`Method` or its name), ``seed`` for every random
    draw (bootstrap, Gibbs sampler), ``level`` of the interval. The same table, method,
    options and seed always give the same result.
    """
    chosen = parse_method(method)
    if not 0.5 <= level < 1:
        raise ValidationFailed("bad_level", "The level must be between 0.5 and 1.", "level")
    info = METHODS[chosen]
    check_estimable(table, info.min_lists, info.max_lists, chosen.value)
    settings = options or Options()
    result = _RUNNERS[chosen](table, settings, np.random.default_rng(seed), level)
    return _with_table_warnings(table, result)


def compare_methods(table: CaptureHistories, methods: Sequence[Method] | None = None,
                    seed: int = 0, level: float = 0.95,
                    options: Options | None = None) -> dict[Method, Estimate | QantarError]:
    """Every method on the same table; a method that refuses gives its error instead."""
    results: dict[Method, Estimate | QantarError] = {}
    for method in methods or list(Method):
        try:
            results[method] = estimate(table, method, seed, level, options)
        except QantarError as error:
            results[method] = error
    return results


def parse_method(method: Method | str) -> Method:
    """A :class:`Method` from its name, with a clear error for unknown names."""
    if isinstance(method, Method):
        return method
    try:
        return Method(method)
    except ValueError:
        names = ", ".join(m.value for m in Method)
        raise ValidationFailed("unknown_method", f"Unknown method {method!r}; use one of: "
                               f"{names}.", "method") from None


def _run_loglinear(criterion: Criterion, table: CaptureHistories, options: Options,
                   rng: np.random.Generator, level: float) -> Estimate:
    ranked = search(table, criterion, options.max_order)
    if not ranked:
        raise ValidationFailed("no_model", "No log-linear model has an estimate on this "
                               "table: the lists overlap too little.")
    best = ranked[0]
    top = ranked[: options.top_models or _default_top_models(table.list_count)]
    estimator = partial(select_in_batch, models=[fit.model for fit in top], which=criterion)
    replicates = options.bootstrap_replicates or 500
    boot = bootstrap_bca(table, best.estimate, estimator, replicates, level, rng)
    profile = profile_interval(table, best.model, best.dark_figure, level)
    warnings = _bootstrap_warnings(boot.failed, replicates)
    warnings += _loglinear_warnings(table, best)
    diagnostics: dict[str, DiagnosticValue] = {
        "model_code": best.model.code(),
        criterion.value: round(best.criterion(criterion), 4),
        "models_with_estimate": len(ranked),
        "models_in_bootstrap": len(top),
        "bootstrap_replicates": replicates,
        "bca_bias_correction": round(boot.bias_correction, 4),
        "bca_acceleration": round(boot.acceleration, 5),
        "profile_interval_fixed_model": [round(profile[0], 1), round(profile[1], 1)],
        "runner_up_models": [f"{f.model.code()}: {f.estimate:.1f}" for f in ranked[1:6]],
    }
    return Estimate(table.observed, best.estimate, boot.interval, level,
                    f"loglinear-{criterion.value}", best.model.describe(table.list_names),
                    diagnostics, warnings, tuple(float(v) for v in boot.replicates))


def _default_top_models(list_count: int) -> int:
    # As MultipleSystemsEstimation: all models up to three lists, 20 for four, 100 beyond.
    return {2: 1, 3: 8, 4: 20}.get(list_count, 100)


def _run_stepwise(table: CaptureHistories, options: Options, rng: np.random.Generator,
                  level: float) -> Estimate:
    fit = stepwise(table, options.stepwise_threshold)
    replicates = options.bootstrap_replicates or 200

    def estimator(cells: FloatArray) -> FloatArray:
        return np.array([_stepwise_or_nan(table, row, options.stepwise_threshold)
                         for row in cells])

    boot = bootstrap_bca(table, fit.estimate, estimator, replicates, level, rng)
    diagnostics: dict[str, DiagnosticValue] = {
        "model_code": fit.model.code(),
        "threshold": options.stepwise_threshold,
        "bootstrap_replicates": replicates,
        "bca_bias_correction": round(boot.bias_correction, 4),
        "bca_acceleration": round(boot.acceleration, 5),
    }
    warnings = _bootstrap_warnings(boot.failed, replicates) + _loglinear_warnings(table, fit)
    return Estimate(table.observed, fit.estimate, boot.interval, level, Method.STEPWISE.value,
                    fit.model.describe(table.list_names), diagnostics, warnings,
                    tuple(float(v) for v in boot.replicates))


def _stepwise_or_nan(table: CaptureHistories, cells: FloatArray, threshold: float) -> float:
    sample = table.with_cells(np.rint(cells).astype(np.int64))
    if min(sample.list_sizes()) == 0:
        return math.nan
    fit = stepwise(sample, threshold)
    return fit.estimate if math.isfinite(fit.estimate) else math.nan


def _run_lcmcr(table: CaptureHistories, options: Options, rng: np.random.Generator,
               level: float) -> Estimate:
    result = lcmcr.sample_posterior(table, options.sampler, rng, level)
    diagnostics: dict[str, DiagnosticValue] = {
        key: round(value, 4) for key, value in result.diagnostics.items()}
    diagnostics["chains"] = options.sampler.chains
    diagnostics["classes"] = options.sampler.classes
    diagnostics["iterations_per_chain"] = (options.sampler.burn_in
                                           + options.sampler.samples * options.sampler.thinning)
    return Estimate(table.observed, result.median, result.interval, level, Method.LCMCR.value,
                    f"latent classes (up to {options.sampler.classes})", diagnostics,
                    _convergence_warnings(result.diagnostics),
                    tuple(float(v) for v in result.draws.ravel()))


def _run_dga(table: CaptureHistories, options: Options, rng: np.random.Generator,
             level: float) -> Estimate:
    result = dga.posterior(table, options.dga_delta)
    tail = (1 - level) / 2
    top = result.top_graph()
    warnings = []
    if result.posterior[-max(1, result.totals.size // 20):].sum() > 1e-3:
        warnings.append("The posterior has a heavy upper tail that the computation grid cut "
                        "off; the upper limit is too low. Treat this estimate with caution.")
    diagnostics: dict[str, DiagnosticValue] = {
        "top_graph_probability": round(float(result.graph_weights.max()), 4),
        "posterior_mode": float(result.totals[int(np.argmax(result.posterior))]),
        "graphs": len(result.graphs),
    }
    draws = tuple(result.quantile(q) for q in np.linspace(0.0005, 0.9995, 1000))
    return Estimate(table.observed, result.quantile(0.5),
                    (result.quantile(tail), result.quantile(1 - tail)), level,
                    Method.DGA.value, dga.describe_graph(top, table.list_names), diagnostics,
                    warnings, draws)


def _run_chapman(table: CaptureHistories, options: Options, rng: np.random.Generator,
                 level: float) -> Estimate:
    result, (a, b) = twolist.chapman_best_pair(table, level)
    if table.count_on_all((1 << a) | (1 << b)) == 0:
        raise ValidationFailed("too_few_overlaps", "No two lists share anyone.")
    names = table.list_names
    warnings = ["Chapman assumes the two lists are independent and every person equally "
                "likely to be listed; it is a sanity check, usually too low."]
    if table.list_count > 2:
        warnings.append(f"Only lists '{names[a]}' and '{names[b]}' (the largest overlap) "
                        "were used; the other lists were ignored.")
    return Estimate(table.observed, result.estimate, result.interval, level,
                    Method.CHAPMAN.value, f"[{names[a]}, {names[b]}] independent",
                    {"counts": result.detail}, warnings)


def _run_chao(table: CaptureHistories, options: Options, rng: np.random.Generator,
              level: float) -> Estimate:
    result = twolist.chao_lower_bound(table, level)
    warnings = ["Chao's figure is a lower bound for the total, not an estimate of it."]
    return Estimate(table.observed, result.estimate, result.interval, level,
                    Method.CHAO.value, "lower bound (heterogeneity, independent lists)",
                    {"counts": result.detail}, warnings)


def _bootstrap_warnings(failed: int, replicates: int) -> list[str]:
    if failed == 0:
        return []
    return [f"{failed} of {replicates} bootstrap samples gave no estimate and were left out; "
            "the interval may be too narrow."]


def _loglinear_warnings(table: CaptureHistories, fit: ModelFit) -> list[str]:
    warnings = []
    if table.list_count == 2:
        warnings.append("With two lists the lists must be assumed independent; nothing in "
                        "the data can check it.")
    if fit.dark_figure > 5 * table.observed:
        warnings.append("The estimate is more than six times the number observed: the lists "
                        "overlap very little and the estimate is fragile.")
    return warnings


def _convergence_warnings(diagnostics: dict[str, float]) -> list[str]:
    warnings = []
    if diagnostics["rhat"] > RHAT_WARNING:
        warnings.append(f"The sampler's chains disagree (R-hat {diagnostics['rhat']:.2f} > "
                        f"{RHAT_WARNING}): they have not converged; run longer before "
                        "relying on this estimate.")
    if diagnostics["effective_sample_size"] < 100:
        warnings.append("Few effectively independent draws: the interval limits are "
                        "imprecise; run longer.")
    return warnings


def _with_table_warnings(table: CaptureHistories, result: Estimate) -> Estimate:
    if not table.warnings:
        return result
    return Estimate(result.observed, result.estimate, result.interval, result.level,
                    result.method, result.model, result.diagnostics,
                    list(table.warnings) + result.warnings, result.draws)


Runner = Callable[[CaptureHistories, Options, np.random.Generator, float], Estimate]

_RUNNERS: dict[Method, Runner] = {
    Method.LOGLINEAR_AIC: partial(_run_loglinear, Criterion.AIC),
    Method.LOGLINEAR_BIC: partial(_run_loglinear, Criterion.BIC),
    Method.STEPWISE: _run_stepwise,
    Method.LCMCR: _run_lcmcr,
    Method.DGA: _run_dga,
    Method.CHAPMAN: _run_chapman,
    Method.CHAO: _run_chao,
}
