"""Person lists as they were compiled, the linkage runs over them, and the reviewers' decisions.

* :class:`ImportedList` — one list (an NGO's list of the dead, an official list...) with its
  provenance: who compiled it, when, how, from which source. Its rows are sealed under the
  list's own data key, so a whole list can be erased by destroying one key.
* :class:`ImportJob` — one file imported into a list: its SHA-256 (importing the same file twice
  changes nothing), detected format and encoding, the confirmed column mapping, and progress.
* :class:`ListEntry` — one row, kept exactly as the file held it (sealed JSON of its cells),
  searchable through keyed hashes (:class:`EntryToken`), and the person it was accepted as.
* :class:`LinkageRun`, :class:`CandidatePair`, :class:`RunAssignment` — one run of the linkage
  model: its parameters, seed and input hash, the pairs it scored (with their explanation) and
  the cluster of every entry.
* :class:`ReviewDecision` — a reviewer's judgement on two entries. Append-only; each reviewer's
  latest decision on a pair counts.
* :class:`Disagreement` — a field whose lists disagree for one person, flagged for review.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qantar.audit.models import AppendOnly
from qantar.common.fields import PartialDateField, SealedTextField
from qantar.common.models import CollectionRecord, QantarModel
from qantar.lists.choices import (
    CompilationMethod,
    Decision,
    FileFormat,
    FlaggedField,
    JobStatus,
)
from qantar.records.choices import PersonStatus


class ImportedList(CollectionRecord):
    """One person list and its provenance; its entries are sealed under ``key_id``."""

    name = models.CharField(_("list name"), max_length=200)
    compiled_by = models.CharField(_("compiled by"), max_length=300, blank=True)
    compiled_on = PartialDateField(_("compiled on"))
    method = models.CharField(_("how it was compiled"), max_length=24,
                              choices=CompilationMethod.choices, default=CompilationMethod.OTHER)
    description = models.CharField(_("notes on the method"), max_length=2000, blank=True)
    source = models.ForeignKey("records.Source", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("source"))
    person_status = models.CharField(_("the people on it are"), max_length=8,
                                     choices=PersonStatus.choices, default=PersonStatus.UNKNOWN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["collection", "name"],
                                               condition=Q(deleted_at__isnull=True),
                                               name="one_list_name_per_collection")]

    def __str__(self) -> str:
        return self.name


class PendingUpload(CollectionRecord):
    """A file uploaded through the web, waiting for its columns to be confirmed and imported.

    The file is sealed under a key of its own (``key_id``); once the import is finished the
    key is destroyed and the row removed, so the uploaded file can never be opened again.
    """

    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file_format = models.CharField(max_length=8, choices=FileFormat.choices)
    encoding = models.CharField(max_length=16, blank=True)
    header = models.JSONField(default=list)
    proposed_mapping = models.JSONField(default=dict)
    list_details = models.JSONField(default=dict)
    content = SealedTextField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    job = models.OneToOneField("ImportJob", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="upload")

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.file_name


class ImportJob(CollectionRecord):
    """One file imported into a list: provenance of the file and progress of its import.

    ``key_id`` is the list's key (the problems met may quote a cell, so they are sealed).
    """

    imported_list = models.ForeignKey(ImportedList, on_delete=models.PROTECT,
                                      related_name="jobs")
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    file_format = models.CharField(max_length=8, choices=FileFormat.choices)
    encoding = models.CharField(_("encoding detected"), max_length=16, blank=True)
    header = models.JSONField(default=list)
    column_mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=JobStatus.choices,
                              default=JobStatus.RUNNING)
    estimated_rows = models.PositiveIntegerField(null=True, blank=True)
    last_line = models.PositiveIntegerField(default=1)
    rows_imported = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    cells_blanked = models.PositiveIntegerField(default=0)
    # [line, column, message, skipped] of the first problems met (counts above are complete).
    problems = SealedTextField()
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["imported_list", "sha256"],
                                               name="one_import_per_file_and_list")]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent_done(self) -> int:
        """Progress in percent (an estimate while running: rows are counted ahead of time)."""
        if self.status == JobStatus.DONE:
            return 100
        if not self.estimated_rows:
            return 0
        return min(99, 100 * max(self.last_line - 1, 0) // self.estimated_rows)


class ListEntry(CollectionRecord):
    """One row of a list, kept exactly as the file held it (sealed under the list's key)."""

    imported_list = models.ForeignKey(ImportedList, on_delete=models.PROTECT,
                                      related_name="entries")
    job = models.ForeignKey(ImportJob, on_delete=models.PROTECT, related_name="entries")
    line = models.PositiveIntegerField(_("line in the file"))
    original = SealedTextField(_("original row"))
    record_digest = models.CharField(max_length=32, db_index=True)
    person = models.ForeignKey("records.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["imported_list", "line"]
        verbose_name_plural = _("list entries")
        constraints = [models.UniqueConstraint(fields=["job", "line"],
                                               name="one_entry_per_line")]

    def __str__(self) -> str:
        return f"line {self.line} of {self.imported_list_id}"


class EntryToken(models.Model):
    """Blind index of an entry's names: keyed hashes of normalised tokens, never the words."""

    collection_id = models.UUIDField(db_index=True)
    entry = models.ForeignKey(ListEntry, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "digest"],
                                               name="unique_entry_token")]

    def __str__(self) -> str:
        return "entry token"


class LinkageRun(CollectionRecord):
    """One run of the linkage model over some lists, reproducible from its parameters and seed."""

    lists = models.ManyToManyField(ImportedList, related_name="runs")
    threshold = models.FloatField()
    seed = models.IntegerField(default=0)
    floor = models.FloatField(help_text="Pairs scored below this are not stored.")
    parameters = models.JSONField(default=dict)
    input_sha256 = models.CharField(max_length=64)
    record_count = models.PositiveIntegerField(default=0)
    pair_count = models.PositiveIntegerField(default=0)
    cluster_count = models.PositiveIntegerField(default=0)
    labelled_count = models.PositiveIntegerField(default=0)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"linkage run {self.created_at:%Y-%m-%d %H:%M}"


class CandidatePair(QantarModel):
    """Two entries a run compared, how likely they are one person, and why."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="pairs")
    left = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="+")
    probability = models.FloatField(db_index=True)
    match_weight = models.FloatField()
    # [[feature, level, weight in bits], ...] as the model explained the score.
    explanation = models.JSONField(default=list)
    is_joined = models.BooleanField(default=False)

    class Meta:
        ordering = ["-probability"]
        constraints = [models.UniqueConstraint(fields=["run", "left", "right"],
                                               name="one_pair_per_run")]

    def __str__(self) -> str:
        return f"pair {self.probability:.2f}"


class RunAssignment(models.Model):
    """The cluster a run put an entry in."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="+")
    cluster = models.CharField(max_length=24)
    match_probability = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "entry"],
                                               name="one_assignment_per_run")]
        indexes = [models.Index(fields=["run", "cluster"])]

    def __str__(self) -> str:
        return self.cluster


class ReviewDecision(QantarModel, AppendOnly):
    """A reviewer's judgement on two entries (``left`` sorts before ``right``). Never changed:
    a reviewer who changes their mind adds a new decision, and their latest one counts."""

    collection = models.ForeignKey("accounts.Collection", on_delete=models.PROTECT,
                                   related_name="+")
    key_id = models.UUIDField(editable=False)
    left = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="+")
    right = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(CandidatePair, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="decisions")
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    at = models.DateTimeField(db_index=True)
    note = SealedTextField(_("note"))

    class Meta:
        ordering = ["at", "created_at"]
        indexes = [models.Index(fields=["left", "right"])]

    def __str__(self) -> str:
        return f"{self.decision} by {self.reviewer_id}"


class Disagreement(QantarModel):
    """A field on which the lists disagree about one person, flagged for review."""

    collection = models.ForeignKey("accounts.Collection", on_delete=models.PROTECT,
                                   related_name="+")
    person = models.ForeignKey("records.Person", on_delete=models.PROTECT, related_name="+")
    field = models.CharField(_("field"), max_length=24, choices=FlaggedField.choices)
    flagged_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["flagged_at", "field"]
        constraints = [models.UniqueConstraint(fields=["person", "field"],
                                               name="one_flag_per_person_field")]

    def __str__(self) -> str:
        return f"{self.field} of {self.person_id}"
