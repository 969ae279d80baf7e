"""Closed sets for estimation runs. Method values are the library's stable method names."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MethodChoice(models.TextChoices):
    """The estimation methods of :mod:`qantar.core.estimation`, labelled for people."""

    LOGLINEAR_BIC = "loglinear-bic", _("Log-linear models chosen by BIC (recommended)")
    LCMCR = "lcmcr", _("Latent-class model, LCMCR (slow)")
    DGA = "dga", _("Bayesian averaging over graphical models (dga)")
    STEPWISE = "stepwise", _("Stepwise log-linear model")
    LOGLINEAR_AIC = "loglinear-aic", _("Log-linear models chosen by AIC (sensitivity check)")
    CHAPMAN = "chapman", _("Two-list Chapman estimate (sanity check)")
    CHAO = "chao", _("Chao's lower bound (sanity check)")


class InputOrigin(models.TextChoices):
    """Where a run's capture-history table came from."""

    PASTED = "pasted", _("Pasted capture-history CSV")
    UPLOADED = "uploaded", _("Uploaded capture-history CSV")
    PROVIDER = "provider", _("Built from records")


class StratifyBy(models.TextChoices):
    """How the records provider may split people into strata (each estimated separately)."""

    NONE = "", _("No strata")
    SEX = "sex", _("Sex")
    AGE_GROUP = "age_group", _("Age group (under 18, 18 and over, unknown)")


LEVEL_CHOICES = [
    ("0.8", "80%"),
    ("0.9", "90%"),
    ("0.95", "95%"),
    ("0.99", "99%"),
]
DEFAULT_LEVEL = 0.95
MAX_SEED = 2**31 - 1
