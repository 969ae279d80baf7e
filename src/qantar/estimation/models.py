"""Stored estimation runs: inputs, parameters, seed and result, so any number can be redone.

A run holds only aggregate counts (people per combination of lists), never who is on which
list, so nothing in it identifies a person. Runs are never changed after they are made; each
attempt to reproduce one is kept beside it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qantar.common.models import CollectionRecord, QantarModel
from qantar.estimation.choices import InputOrigin, MethodChoice


class EstimationRun(CollectionRecord):
    """One estimate: the capture-history table, how it was estimated, and the result."""

    title = models.CharField(_("title"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("run by")
    )
    origin = models.CharField(_("input"), max_length=16, choices=InputOrigin.choices)
    # A registered capture-history provider (qantar.estimation.sources) and its parameters.
    provider = models.CharField(max_length=64, blank=True)
    provider_params = models.JSONField(default=dict, blank=True)
    # {"lists": [...], "rows": [[0/1 per list..., count], ...]}: every observable pattern.
    input_table = models.JSONField()
    # {stratum: rows} when each stratum was estimated separately, else {}.
    strata = models.JSONField(default=dict, blank=True)
    stratum_field = models.CharField(_("strata"), max_length=100, blank=True)
    input_sha256 = models.CharField(_("input SHA-256"), max_length=64, db_index=True)
    method = models.CharField(_("method"), max_length=32, choices=MethodChoice.choices)
    parameters = models.JSONField(default=dict)
    seed = models.PositiveIntegerField(_("seed"))
    level = models.FloatField(_("interval level"))
    # observed, estimate, interval, level, method, model, diagnostics, warnings, strata.
    result = models.JSONField()
    # Bootstrap replicates or posterior draws, for the plot and for exact reproduction.
    draws = models.JSONField(default=list, blank=True)
    code_version = models.CharField(_("code version"), max_length=100)
    seconds = models.FloatField(_("computing time (seconds)"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title or f"{self.method} {self.input_sha256[:12]}"


class Reproduction(QantarModel):
    """One attempt to reproduce a run: who, when, with which code, and whether it matched."""

    run = models.ForeignKey(EstimationRun, on_delete=models.PROTECT, related_name="reproductions")
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    code_version = models.CharField(max_length=100)
    is_identical = models.BooleanField()
    differences = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"reproduction of {self.run_id}"
