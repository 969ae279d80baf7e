"""The justice process as data: complaints, proceedings, their stages, remedies, deadlines,
trial monitoring, and the figures authorities publish.

Records about a person are sealed under that person's data key (``key_id``), others under
their collection's records key. A proceeding's status is derived from its stage history by
:mod:`qantar.core.justice` and only *cached* on the proceeding (with the other facts the
funnel counts) by the service that appends a stage; nobody types it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from qantar.audit.models import AppendOnly
from qantar.common.fields import PartialDateField, SealedTextField
from qantar.common.models import CollectionRecord, QantarModel
from qantar.justice.choices import (
    Against,
    Answer,
    AppealOutcome,
    AuthorityKind,
    ClosureGround,
    ComplaintResponse,
    DeadlineKind,
    FigureUnit,
    FiledBy,
    Funnel,
    FunnelStage,
    LegalCode,
    Openness,
    PartyRole,
    Procedure,
    ProceedingStatus,
    RemedyKind,
    SentenceKind,
    StageKind,
    VerdictOutcome,
)


class Labelled(models.Model):
    """Reference data with titles in English, Russian and Kazakh."""

    title_en = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300, blank=True)
    title_kk = models.CharField(max_length=300, blank=True)
    is_deprecated = models.BooleanField(default=False)

    class Meta:
        abstract = True

    @property
    def title(self) -> str:
        """The title in the active language, falling back to English."""
        language = (get_language() or "en")[:2]
        return getattr(self, f"title_{language}", "") or self.title_en


class Article(Labelled):
    """An article of a code (Criminal Code, Criminal Procedure, Administrative Offences)."""

    code = models.CharField(max_length=64, unique=True)  # e.g. "kz-cc-146"
    country = models.CharField(max_length=2, default="KZ")
    legal_code = models.CharField(max_length=32, choices=LegalCode.choices)
    number = models.CharField(max_length=16)
    category = models.CharField(max_length=48, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["country", "legal_code", "number"]

    def __str__(self) -> str:
        return f"{self.short_code} {self.title}"

    @property
    def short_code(self) -> str:
        """``CC 146``, ``CPC 35``, ``CAO 488``."""
        prefix = {"criminal_code": "CC", "criminal_procedure_code": "CPC",
                  "administrative_code": "CAO"}[self.legal_code]
        return f"{prefix} {self.number}"


class FairTrialIndicator(Labelled):
    """One fair-trial question a monitor answers for each hearing."""

    code = models.CharField(max_length=64, unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    # The answer that means the right was not respected ("" = informational only).
    violation_answer = models.CharField(max_length=8, blank=True)
    # Asked only when another indicator got this answer ("torture_raised:yes").
    depends_on = models.CharField(max_length=80, blank=True)

    class Meta:
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.title


class Proceeding(CollectionRecord):
    """A criminal or administrative case, with its parties, charges and stage history."""

    number = SealedTextField(_("case number"))
    procedure = models.CharField(_("procedure"), max_length=16, choices=Procedure.choices)
    against = models.CharField(_("against"), max_length=16, choices=Against.choices)
    authority_kind = models.CharField(
        _("authority"), max_length=24, choices=AuthorityKind.choices, blank=True
    )
    authority = models.ForeignKey(
        "records.Organisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("office or court"),
    )
    place = models.ForeignKey(
        "records.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("place"),
    )
    person = models.ForeignKey(
        "records.Person", null=True, blank=True, on_delete=models.PROTECT,
        related_name="proceedings", verbose_name=_("person concerned"),
    )
    articles = models.ManyToManyField(Article, blank=True, related_name="+",
                                      verbose_name=_("articles charged"))
    violations = models.ManyToManyField("records.Violation", blank=True,
                                        related_name="proceedings", verbose_name=_("violations"))
    summary = SealedTextField(_("summary"))
    lawyer = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("lawyer following the case"),
    )
    # Derived from the stage history by the service (qantar.core.justice.replay); never typed.
    status = models.CharField(max_length=16, choices=ProceedingStatus.choices,
                              default=ProceedingStatus.NOT_STARTED, editable=False, db_index=True)
    closure_ground = models.CharField(max_length=32, choices=ClosureGround.choices, blank=True,
                                      editable=False)
    was_investigated = models.BooleanField(default=False, editable=False)
    was_sent_to_court = models.BooleanField(default=False, editable=False)
    convicted_count = models.PositiveIntegerField(default=0, editable=False)
    acquitted_count = models.PositiveIntegerField(default=0, editable=False)
    dropped_count = models.PositiveIntegerField(default=0, editable=False)
    amnestied_count = models.PositiveIntegerField(default=0, editable=False)
    started_on = PartialDateField(bounds=("started_earliest", "started_latest"), editable=False)
    started_earliest = models.DateField(null=True, editable=False, db_index=True)
    started_latest = models.DateField(null=True, editable=False, db_index=True)

    class Meta:
        ordering = ["started_earliest", "created_at"]
        indexes = [models.Index(fields=["against", "status"], name="proceeding_against_status")]

    def __str__(self) -> str:
        return f"{self.get_procedure_display()} {str(self.pk)[:8]}"


class Party(QantarModel):
    """A defendant or victim in a proceeding: a recorded person, or a name as reported."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="parties")
    key_id = models.UUIDField(editable=False)
    role = models.CharField(_("role"), max_length=16, choices=PartyRole.choices)
    person = models.ForeignKey("records.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    name = SealedTextField(_("name as reported"))
    position = SealedTextField(_("position or rank"))
    is_official = models.BooleanField(_("official"), default=False)
    # Sources often speak of a group ("8 officials"): one party can stand for several people.
    headcount = models.PositiveIntegerField(_("number of people"), default=1)

    class Meta:
        ordering = ["role", "created_at"]

    def __str__(self) -> str:
        return f"{self.role} in {self.proceeding_id}"


class StageEntry(QantarModel, AppendOnly):
    """One dated, attributed step of a proceeding. Never changed: corrected by a new entry."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="stages")
    key_id = models.UUIDField(editable=False)
    seq = models.PositiveIntegerField(editable=False)
    stage = models.CharField(_("stage"), max_length=24, choices=StageKind.choices)
    date = PartialDateField(_("date"), bounds=("date_earliest", "date_latest"))
    date_earliest = models.DateField(null=True, editable=False)
    date_latest = models.DateField(null=True, editable=False)
    ground = models.CharField(_("legal ground"), max_length=32, choices=ClosureGround.choices,
                              blank=True)
    result = models.CharField(_("result"), max_length=16, choices=AppealOutcome.choices,
                              blank=True)
    authority = models.ForeignKey("records.Organisation", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("office or court"))
    articles = models.ManyToManyField(Article, blank=True, related_name="+",
                                      verbose_name=_("articles (after re-qualification)"))
    note = SealedTextField(_("note"))
    source = models.ForeignKey("records.Source", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("source"))
    corrects = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="corrections", verbose_name=_("corrects"))
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["proceeding", "seq"]
        constraints = [models.UniqueConstraint(fields=["proceeding", "seq"],
                                               name="one_stage_per_seq")]

    def __str__(self) -> str:
        return f"{self.stage} #{self.seq}"


class DefendantOutcome(QantarModel, AppendOnly):
    """What a verdict (or an appeal decision) means for one defendant."""

    entry = models.ForeignKey(StageEntry, on_delete=models.PROTECT, related_name="outcomes")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="outcomes")
    outcome = models.CharField(_("outcome"), max_length=16, choices=VerdictOutcome.choices)
    sentence_kind = models.CharField(_("sentence"), max_length=32, choices=SentenceKind.choices,
                                     blank=True)
    sentence_days = models.PositiveIntegerField(_("sentence in days"), null=True, blank=True)
    sentence_text = models.CharField(_("sentence as worded"), max_length=300, blank=True)
    is_amnestied = models.BooleanField(_("amnestied"), default=False)
    # For a group party: how many of its people this outcome is for ("2 of the 8 convicted").
    headcount = models.PositiveIntegerField(_("number of people"), default=1)

    class Meta:
        ordering = ["entry__seq", "created_at"]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.party_id})"


class Remedy(QantarModel, AppendOnly):
    """What a victim obtained (or that they obtained nothing), dated and sourced."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT, related_name="remedies")
    key_id = models.UUIDField(editable=False)
    party = models.ForeignKey(Party, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("for"))
    kind = models.CharField(_("remedy"), max_length=24, choices=RemedyKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True,
                                 blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    date = PartialDateField(_("date"))
    granted_by = models.CharField(_("granted by"), max_length=300, blank=True)
    note = SealedTextField(_("note"))
    source = models.ForeignKey("records.Source", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT,
                                    related_name="+")

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = _("remedies")

    def __str__(self) -> str:
        return self.kind


class Complaint(CollectionRecord):
    """A complaint to an authority about violations, and the authority's answer."""

    person = models.ForeignKey("records.Person", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="complaints",
                               verbose_name=_("victim"))
    filed_by = models.CharField(_("filed by"), max_length=16, choices=FiledBy.choices)
    filer_name = SealedTextField(_("name of who filed it"))
    authority_kind = models.CharField(_("to"), max_length=24, choices=AuthorityKind.choices)
    authority = models.ForeignKey("records.Organisation", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("office"))
    filed_on = PartialDateField(_("filed on"), bounds=("filed_earliest", "filed_latest"))
    filed_earliest = models.DateField(null=True, editable=False, db_index=True)
    filed_latest = models.DateField(null=True, editable=False)
    reference = SealedTextField(_("reference number"))
    violations = models.ManyToManyField("records.Violation", blank=True,
                                        related_name="complaints", verbose_name=_("violations"))
    summary = SealedTextField(_("what the complaint says"))
    response = models.CharField(_("answer"), max_length=24, choices=ComplaintResponse.choices,
                                default=ComplaintResponse.AWAITING)
    response_on = PartialDateField(_("answered on"))
    response_text = SealedTextField(_("answer as worded"))
    proceeding = models.ForeignKey(Proceeding, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="complaints",
                                   verbose_name=_("case opened on it"))
    source = models.ForeignKey("records.Source", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["filed_earliest", "created_at"]

    def __str__(self) -> str:
        return f"complaint {str(self.pk)[:8]}"


class Deadline(CollectionRecord):
    """A procedural time limit or a next hearing, followed by a lawyer."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT,
                                   related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=24, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due on"), db_index=True)
    lawyer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("lawyer"))
    note = SealedTextField(_("what must be done"))
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    done_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.due_on}"


class MonitoringReport(CollectionRecord):
    """A monitor's report on one hearing attended, with the fair-trial checklist."""

    proceeding = models.ForeignKey(Proceeding, on_delete=models.PROTECT,
                                   related_name="monitoring_reports")
    court = models.ForeignKey("records.Organisation", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", verbose_name=_("court"))
    judge = models.CharField(_("judge"), max_length=300, blank=True)
    held_on = PartialDateField(_("date"), bounds=("held_earliest", "held_latest"))
    held_earliest = models.DateField(null=True, editable=False, db_index=True)
    held_latest = models.DateField(null=True, editable=False)
    monitor = models.ForeignKey("accounts.User", null=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("monitor"))
    openness = models.CharField(_("public?"), max_length=8, choices=Openness.choices,
                                default=Openness.UNKNOWN)
    present = SealedTextField(_("who was present"))
    notes = SealedTextField(_("notes"))

    class Meta:
        ordering = ["held_earliest", "created_at"]

    def __str__(self) -> str:
        return f"hearing {self.held_on}"


class IndicatorAnswer(QantarModel):
    """One answer of a monitoring report's checklist."""

    report = models.ForeignKey(MonitoringReport, on_delete=models.CASCADE,
                               related_name="answers")
    indicator = models.ForeignKey(FairTrialIndicator, on_delete=models.PROTECT,
                                  related_name="answers")
    key_id = models.UUIDField(editable=False)
    answer = models.CharField(max_length=16, choices=Answer.choices)
    # Stored so aggregates are one COUNT: the answer is the indicator's violation answer.
    is_violation = models.BooleanField(default=False, editable=False)
    note = SealedTextField(_("note"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"],
                                               name="one_answer_per_indicator")]
        indexes = [models.Index(fields=["indicator", "is_violation"],
                                name="answer_indicator_violation")]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.answer}"


class ReportedFigure(CollectionRecord):
    """A number an authority or organisation published; never mixed with computed counts."""

    # A stable code, so one indicator's figures form a time series ("complaints_received").
    indicator = models.CharField(_("indicator"), max_length=80, db_index=True)
    label = models.CharField(_("what it counts"), max_length=300, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unit"), max_length=8, choices=FigureUnit.choices,
                            default=FigureUnit.COUNT)
    is_lower_bound = models.BooleanField(_("at least / over"), default=False)
    is_approximate = models.BooleanField(_("approximately"), default=False)
    as_of = PartialDateField(_("as of"), bounds=("as_of_earliest", "as_of_latest"))
    as_of_earliest = models.DateField(null=True, editable=False, db_index=True)
    as_of_latest = models.DateField(null=True, editable=False)
    publisher = models.CharField(_("published by"), max_length=300)
    is_official = models.BooleanField(_("official (state) figure"), default=True)
    source = models.ForeignKey("records.Source", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("source"))
    funnel = models.CharField(_("funnel"), max_length=16, choices=Funnel.choices, blank=True)
    stage = models.CharField(_("funnel stage"), max_length=16, choices=FunnelStage.choices,
                             blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["indicator", "as_of_earliest"]

    def __str__(self) -> str:
        return f"{self.label or self.indicator}: {self.value}"
