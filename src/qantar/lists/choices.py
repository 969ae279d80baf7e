"""Closed sets for person lists. Stable lowercase values: deprecate, never delete."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileFormat(models.TextChoices):
    """The kind of file a list came in."""

    CSV = "csv", _("CSV (text)")
    XLSX = "xlsx", _("Excel workbook (XLSX)")
    ODS = "ods", _("OpenDocument spreadsheet (ODS)")


class CompilationMethod(models.TextChoices):
    """How the people on a list were found."""

    OFFICIAL = "official", _("Published by an authority")
    OPEN_SOURCES = "open_sources", _("Compiled from open sources (press, social media)")
    SURVEY = "survey", _("Survey or interviews of families and witnesses")
    HOSPITAL_MORGUE = "hospital_morgue", _("Hospital or morgue records")
    COURT = "court", _("Court or case files")
    OTHER = "other", _("Other")


class JobStatus(models.TextChoices):
    """Where an import stands."""

    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")


class Decision(models.TextChoices):
    """A reviewer's judgement on two list entries."""

    MATCH = "match", _("Same person")
    NOT_MATCH = "not_match", _("Not the same person")
    UNSURE = "unsure", _("Unsure")


class FlaggedField(models.TextChoices):
    """Fields whose disagreement between lists is flagged for review on the one list of people."""

    DATE_OF_DEATH = "date_of_death", _("Date of death")
    REGION = "region", _("Region")
    CITY = "city", _("Place (city)")
    CAUSE_OF_DEATH = "cause_of_death", _("Cause of death")
    STATUS = "status", _("Status")
    BIRTH_DATE = "birth_date", _("Birth date")
    SEX = "sex", _("Sex")
    IIN = "iin", _("Identity number (IIN)")
