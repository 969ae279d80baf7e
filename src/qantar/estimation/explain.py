"""Plain-language explanations of a run: what the numbers mean, what could bias them.

The method descriptions and warnings come from the library (:data:`METHODS`, the run's
warnings); the sentences and the assumptions here are translated with the interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qantar.core.estimation import METHODS, Method, MethodInfo

BOOTSTRAP = {Method.LOGLINEAR_BIC, Method.LOGLINEAR_AIC, Method.STEPWISE}
BAYESIAN = {Method.LCMCR, Method.DGA}
NO_HETEROGENEITY = {Method.LOGLINEAR_BIC, Method.LOGLINEAR_AIC, Method.STEPWISE, Method.DGA}

EXPECTED_TIME = {
    Method.LOGLINEAR_BIC: _("about a second for 3 lists, a few seconds for 4, up to half a "
                            "minute for 5, longer for 6"),
    Method.LOGLINEAR_AIC: _("about a second for 3 lists, a few seconds for 4, up to half a "
                            "minute for 5, longer for 6"),
    Method.STEPWISE: _("a few seconds; longer with many lists"),
    Method.LCMCR: _("from several seconds to a minute: a long simulation"),
    Method.DGA: _("about a second"),
    Method.CHAPMAN: _("instant"),
    Method.CHAO: _("instant"),
}

MATCHING = _("Matching: the same person on two lists was recognised as one person. Missed "
             "matches make the estimate too high; false matches make it too low.")
ONE_POPULATION = _("One population: every list is about the same people, place and period, and "
                   "nobody joined or left it while the lists were made. Regions or periods whose "
                   "lists behave very differently should be estimated as strata.")
REACHABLE = _("Everyone could have been listed: people whom no list could reach (a region no "
              "organisation visited, a group too afraid to speak to anyone) are not in the "
              "estimate at all.")
EQUAL_CATCHABILITY = _("Apart from the dependences between lists the model includes, everyone is "
                       "equally likely to be on each list. When some people are much harder to "
                       "record (villages, people who fear reprisals), the estimate tends to be too "
                       "low and the interval covers the truth less often than it says.")
LCMCR_CLASSES = _("The people never listed resemble some group of people who were listed. When "
                  "a group was rarely recorded, the model leans on its prior; in our simulations "
                  "the estimate was then about 10% too low.")
AIC_RICH = _("AIC prefers richer models: on sparse tables it can give absurdly high totals. Use "
             "it as a sensitivity check beside the recommended method.")
CHAPMAN_TWO = _("Only the two lists with the largest overlap are used, and they are assumed "
                "independent with everyone equally likely to be listed. Lists that share "
                "informants or reach the same communities make this too low.")
CHAO_FLOOR = _("This is a lower bound for the total under unequal catchability, not an estimate "
               "of the total.")
TWO_LISTS = _("With only two lists, whether they depend on each other cannot be checked from the "
              "data.")


@dataclass(frozen=True)
class Explanation:
    """What a reader needs beside the numbers."""

    summary: str
    interval: str
    method: MethodInfo
    assumptions: list[str]
    warnings: list[str]


def explain(result: Mapping[str, Any], method: Method, lists: int, strata: int = 0,
            stratum_field: str = "") -> Explanation:
    """The explanation of a stored result."""
    return Explanation(
        summary=summary_sentence(result, method, lists, strata, stratum_field),
        interval=interval_meaning(method, result),
        method=METHODS[method],
        assumptions=assumptions(method, lists),
        warnings=list(result.get("warnings", [])),
    )


def summary_sentence(result: Mapping[str, Any], method: Method, lists: int, strata: int = 0,
                     stratum_field: str = "") -> str:
    """The sentence to publish, with the documented count and the interval."""
    values = {
        "observed": f"{result['observed']:,}",
        "lists": lists,
        "method": METHODS[method].title,
        "estimate": f"{result['estimate']:,.0f}",
        "level": f"{result['level'] * 100:.0f}",
        "low": f"{result['interval'][0]:,.0f}",
        "high": f"{result['interval'][1]:,.0f}",
        "strata": strata,
        "field": stratum_field,
    }
    documented = _t("We documented %(observed)s people on at least one of %(lists)s lists.")
    if method is Method.CHAO:
        estimated = _t("By Chao's method the total is at least about %(estimate)s "
                       "(%(level)s%% interval %(low)s to %(high)s); this is a lower bound, not "
                       "an estimate of the total.")
    else:
        estimated = _t("Using multiple systems estimation (%(method)s) we estimate the total at "
                       "%(estimate)s (%(level)s%% interval %(low)s to %(high)s).")
    sentence = f"{documented % values} {estimated % values}"
    if strata:
        sentence += " " + _t("Each of the %(strata)s strata (%(field)s) was estimated separately "
                             "and the estimates were added up.") % values
    return sentence


def interval_meaning(method: Method, result: Mapping[str, Any]) -> str:
    """What the interval says, and what it does not."""
    level = f"{result['level'] * 100:.0f}"
    if method in BOOTSTRAP:
        replicates = result.get("diagnostics", {}).get("bootstrap_replicates", "")
        return _t("The interval comes from repeating the whole procedure, including the choice "
                  "of model, on %(replicates)s resampled tables. It shows how much the estimate "
                  "could vary by chance, not how far wrong assumptions could move it.") % {
            "replicates": replicates}
    if method in BAYESIAN:
        return _t("This is a Bayesian credible interval: given the data and the model's "
                  "assumptions, the total lies in it with probability %(level)s%%. It does not "
                  "cover errors in those assumptions.") % {"level": level}
    return _t("The interval comes from a formula for this simple method; it does not cover "
              "errors in its strong assumptions.")


def assumptions(method: Method, lists: int) -> list[str]:
    """The assumptions that could bias this method's estimate, most important first."""
    found = [str(MATCHING), str(ONE_POPULATION), str(REACHABLE)]
    if method in NO_HETEROGENEITY:
        found.append(str(EQUAL_CATCHABILITY))
    found += [str(text) for m, text in ((Method.LCMCR, LCMCR_CLASSES),
                                        (Method.LOGLINEAR_AIC, AIC_RICH),
                                        (Method.CHAPMAN, CHAPMAN_TWO),
                                        (Method.CHAO, CHAO_FLOOR)) if m is method]
    if lists == 2 and method is not Method.CHAPMAN:
        found.append(str(TWO_LISTS))
    return found


def plot_kind(method: Method) -> str:
    """What the plotted draws are."""
    if method in BAYESIAN:
        return _t("Posterior distribution of the total")
    return _t("Bootstrap distribution of the total")
