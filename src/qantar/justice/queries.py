"""All reads of the justice app, each scoped by the access gate.

The impunity funnel and the monitoring aggregates are computed in the database with a few
aggregate queries (COUNT with filters, EXISTS), never by loading records into Python, so they
stay fast at hundreds of thousands of rows; statistics need Capability.VIEW_STATISTICS.
Documented counts are never totals, and reported (official) figures are shown beside them,
never mixed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.core.dates import parse_optional
from qantar.core.justice import Stage, allowed_next, effective
from qantar.justice.choices import (
    Against,
    Answer,
    ClosureGround,
    Funnel,
    FunnelStage,
    ProceedingStatus,
)
from qantar.justice.models import (
    Article,
    Complaint,
    Deadline,
    FairTrialIndicator,
    IndicatorAnswer,
    MonitoringReport,
    Proceeding,
    ReportedFigure,
    StageEntry,
)
from qantar.justice.services.cases import steps_of
from qantar.records.models import Involvement, Organisation, Violation

CIVILIANS = (Against.VICTIM, Against.ACTIVIST, Against.JOURNALIST)
FILTER_NAMES = ("date_from", "date_to", "place", "agency", "type")


# --- lists and records ------------------------------------------------------------------------


def proceedings(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Proceeding]:
    """Cases the user may see, filtered by whom they are against, status and person."""
    filters = filters or {}
    queryset = gate.scope(Proceeding.objects.select_related("person", "authority", "place"))
    if filters.get("against") == Funnel.PROSECUTIONS:
        queryset = queryset.filter(against__in=CIVILIANS)
    elif filters.get("against"):
        queryset = queryset.filter(against=filters["against"])
    for name in ("status", "procedure"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("person"):
        queryset = queryset.filter(Q(person_id=filters["person"])
                                   | Q(parties__person_id=filters["person"])).distinct()
    return queryset.order_by("started_earliest", "created_at")


def proceeding(gate: Gate, pk: Any) -> Proceeding:
    """One case the user may see, or NotFound."""
    return gate.fetch(
        Proceeding.objects.select_related("person", "authority", "place", "lawyer"), pk)


def complaints(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[Complaint]:
    """Complaints the user may see."""
    filters = filters or {}
    queryset = gate.scope(Complaint.objects.select_related("person", "authority", "proceeding"))
    for name in ("response", "authority_kind", "filed_by"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("person"):
        queryset = queryset.filter(person_id=filters["person"])
    return queryset.order_by("filed_earliest", "created_at")


def complaint(gate: Gate, pk: Any) -> Complaint:
    """One complaint the user may see, or NotFound."""
    return gate.fetch(Complaint.objects.select_related("person", "authority", "proceeding"), pk)


@dataclass(frozen=True)
class HistoryEntry:
    """A stage entry as shown on the timeline: in force, corrected, or a correction."""

    entry: StageEntry
    is_in_force: bool
    corrected_by: list[int]


def stage_history(proceeding_record: Proceeding) -> list[HistoryEntry]:
    """Every entry ever recorded, in order, marking those replaced by a correction.

    The caller already holds the proceeding through the gate.
    """
    entries = list(
        StageEntry.objects.filter(proceeding=proceeding_record)
        .select_related("authority", "recorded_by", "source", "corrects")
        .prefetch_related("articles", "outcomes", "outcomes__party")
        .order_by("seq")
    )
    in_force = {step.key for step in effective(steps_of(entries))}
    corrections: dict[Any, list[int]] = {}
    for entry in entries:
        if entry.corrects_id:
            corrections.setdefault(entry.corrects_id, []).append(entry.seq)
    return [HistoryEntry(entry, str(entry.pk) in in_force, corrections.get(entry.pk, []))
            for entry in entries]


def allowed_stages(proceeding_record: Proceeding) -> tuple[Stage, ...]:
    """The stages that may be recorded next (what the "add stage" form offers)."""
    entries = list(proceeding_record.stages.order_by("seq"))
    return allowed_next(steps_of(entries))


def current_articles(proceeding_record: Proceeding) -> list[Article]:
    """The charges now: those of the latest re-qualification or indictment, else the first."""
    entries = list(proceeding_record.stages.order_by("seq"))
    keys = {step.key for step in effective(steps_of(entries))}
    for entry in reversed(entries):
        if str(entry.pk) in keys and entry.stage in {Stage.REQUALIFIED, Stage.INDICTMENT}:
            articles = list(entry.articles.all())
            if articles:
                return articles
    return list(proceeding_record.articles.all())


# --- deadlines --------------------------------------------------------------------------------


def deadlines(gate: Gate, *, lawyer: Any = None, overdue_only: bool = False,
              today: date | None = None) -> QuerySet[Deadline]:
    """Open deadlines the user may see (one lawyer's, if given); overdue ones first."""
    today = today or timezone.localdate()
    queryset = gate.scope(Deadline.objects.select_related("proceeding", "lawyer")).filter(
        done_at__isnull=True)
    if lawyer is not None:
        queryset = queryset.filter(lawyer=lawyer)
    if overdue_only:
        queryset = queryset.filter(due_on__lt=today)
    return queryset.order_by("due_on", "created_at")


def deadline(gate: Gate, pk: Any) -> Deadline:
    """One deadline the user may see, or NotFound."""
    return gate.fetch(Deadline.objects.select_related("proceeding"), pk)


def deadlines_of(gate: Gate, proceeding_record: Proceeding) -> QuerySet[Deadline]:
    """A case's deadlines, open and done."""
    return gate.scope(Deadline.objects.filter(proceeding=proceeding_record)
                      .select_related("lawyer")).order_by("due_on")


# --- filters shared by the statistics ---------------------------------------------------------


def _stats_collections(gate: Gate) -> list[Any]:
    return gate.collections(Capability.VIEW_STATISTICS)


def _within(place_id: Any, path: str = "place") -> Q:
    """A place or anywhere inside it (four levels deep)."""
    inside = Q(**{f"{path}_id": place_id})
    for _ in range(3):
        path += "__parent"
        inside |= Q(**{f"{path}_id": place_id})
    return inside


def _period(filters: Mapping[str, Any], prefix: str) -> Q:
    """Records whose (partial) date can fall inside the period."""
    condition = Q()
    start = parse_optional(filters.get("date_from"), "date_from")
    end = parse_optional(filters.get("date_to"), "date_to")
    if start:
        condition &= Q(**{f"{prefix}_latest__gte": start.earliest()})
    if end:
        condition &= Q(**{f"{prefix}_earliest__lte": end.latest()})
    return condition


def is_filtered(filters: Mapping[str, Any]) -> bool:
    """True when any funnel filter is set."""
    return any(filters.get(name) for name in FILTER_NAMES)


def _violation_q(gate: Gate, filters: Mapping[str, Any], prefix: str = "") -> Q:
    """The funnel's violations as a condition, from a violation or through ``prefix``."""
    condition = Q(**{f"{prefix}collection_id__in": _stats_collections(gate),
                     f"{prefix}deleted_at__isnull": True})
    condition &= _period(filters, f"{prefix}date")
    if filters.get("type"):
        condition &= Q(**{f"{prefix}type__code": filters["type"]})
    if filters.get("place"):
        condition &= _within(filters["place"], f"{prefix}place")
    if filters.get("agency"):
        # The agency's units are few: naming them spares a join per involvement.
        units = list(Organisation.objects.filter(agency__code=filters["agency"])
                     .values_list("pk", flat=True))
        condition &= Q(**{f"{prefix}pk__in": Involvement.objects.filter(
            organisation_id__in=units).values("violation_id")})
    return condition


def funnel_violations(gate: Gate, filters: Mapping[str, Any]) -> QuerySet[Violation]:
    """Documented violations for the funnel: by period, region, agency and violation type."""
    return Violation.all_objects.filter(_violation_q(gate, filters))


# --- the funnel -------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """One stage: records in their own unit, violations that reached it, official figures."""

    stage: str
    label: Any
    count: int
    unit: Any
    violations: int | None = None
    people: int | None = None
    of_documented: float | None = None
    of_previous: float | None = None
    figures: list[ReportedFigure] = field(default_factory=list)
    breakdown: list[tuple[Any, int]] = field(default_factory=list)


@dataclass
class FunnelResult:
    """A funnel, with what it counted and what it could not."""

    funnel: str
    rows: list[FunnelRow]
    is_filtered: bool
    unlinked_complaints: int = 0
    unlinked_proceedings: int = 0

    def row(self, stage: str) -> FunnelRow:
        """The row for one stage."""
        return next(row for row in self.rows if row.stage == stage)


def _share(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:
        return None
    return part / whole


def _linked(through: Any, owner: str, gate: Gate, filters: Mapping[str, Any]) -> Q:
    """Records linked to at least one selected violation (non-correlated IN subqueries)."""
    selected = funnel_violations(gate, filters).values("pk")
    return Q(pk__in=through.objects.filter(violation_id__in=selected).values(f"{owner}_id"))


def _official_cases(gate: Gate) -> QuerySet[Proceeding]:
    return Proceeding.objects.filter(collection_id__in=_stats_collections(gate),
                                     against=Against.OFFICIALS)


def _violation_reach(gate: Gate, filters: Mapping[str, Any]) -> dict[str, int]:
    """How many selected violations reached each stage.

    Counted from the link tables: distinct violations linked to a complaint, or to a case at
    that stage (a complaint or case and its violations are always in one collection).
    Filtered, the selected violations are one ``violation_id IN (…)`` list built once;
    unfiltered, the scope is taken from the complaints and cases, so only their links are
    read. The case conditions sit in the COUNT filters: with indexed conditions on both the
    violations and the cases, SQLite's planner (which has no statistics) may probe every case
    against every violation.
    """
    # Deleted violations are few: excluding their ids is cheaper than joining every link.
    deleted = Violation.all_objects.filter(deleted_at__isnull=False).values("pk")
    complaint_links = Complaint.violations.through.objects.filter(
        complaint__deleted_at__isnull=True).exclude(violation_id__in=deleted)
    case_links = Proceeding.violations.through.objects.filter(
        proceeding__deleted_at__isnull=True).exclude(violation_id__in=deleted)
    if is_filtered(filters):
        selected = funnel_violations(gate, filters).values("pk")
        complaint_links = complaint_links.filter(violation_id__in=selected)
        case_links = case_links.filter(violation_id__in=selected)
    else:  # every violation in scope: start from the (fewer) complaints and cases instead
        collections = _stats_collections(gate)
        complaint_links = complaint_links.filter(complaint__collection_id__in=collections)
        case_links = case_links.filter(proceeding__collection_id__in=collections)
    complained = complaint_links.aggregate(n=Count("violation_id", distinct=True))["n"]

    def reaching(condition: Q) -> Count:
        return Count("violation_id", distinct=True,
                     filter=Q(proceeding__against=Against.OFFICIALS) & condition)

    reach = case_links.aggregate(
        investigations=reaching(Q(proceeding__was_investigated=True)),
        closed=reaching(Q(proceeding__status=ProceedingStatus.CLOSED)),
        sent_to_court=reaching(Q(proceeding__was_sent_to_court=True)),
        convictions=reaching(Q(proceeding__convicted_count__gt=0)),
    )
    return {"documented": funnel_violations(gate, filters).count(), "complaints": complained,
            **reach}


def _grounds(cases: QuerySet[Proceeding]) -> list[tuple[Any, int]]:
    rows = (cases.filter(status=ProceedingStatus.CLOSED).values("closure_ground")
            .annotate(n=Count("pk")).order_by("-n", "closure_ground"))
    labels = dict(ClosureGround.choices)
    return [(labels.get(row["closure_ground"], row["closure_ground"]), row["n"]) for row in rows]


def _figures_by_stage(gate: Gate, funnel_name: str) -> dict[str, list[ReportedFigure]]:
    grouped: dict[str, list[ReportedFigure]] = {}
    for figure in (ReportedFigure.objects.filter(collection_id__in=_stats_collections(gate),
                                                 funnel=funnel_name)
                   .select_related("source").order_by("as_of_earliest", "indicator")):
        grouped.setdefault(figure.stage, []).append(figure)
    return grouped


def officials_funnel(gate: Gate, filters: Mapping[str, Any] | None = None) -> FunnelResult:
    """Violations documented → complaints → investigations → closed / sent to court →
    convictions, for complaints against officials, beside the official figures.

    Filters select violations; a complaint or case counts when it concerns a selected
    violation. Without filters every complaint and case counts, including those not yet
    linked to a documented violation (reported as ``unlinked_*``).
    """
    filters = filters or {}
    filtered = is_filtered(filters)
    complaint_set = Complaint.objects.filter(collection_id__in=_stats_collections(gate))
    cases = _official_cases(gate)
    unlinked = (0, 0)
    if filtered:
        complaint_set = complaint_set.filter(
            _linked(Complaint.violations.through, "complaint", gate, filters))
        cases = cases.filter(_linked(Proceeding.violations.through, "proceeding", gate, filters))
    else:
        unlinked = (
            complaint_set.exclude(pk__in=Complaint.violations.through.objects.values(
                "complaint_id")).count(),
            cases.exclude(pk__in=Proceeding.violations.through.objects.values(
                "proceeding_id")).count())
    totals = cases.aggregate(
        investigations=Count("pk", filter=Q(was_investigated=True)),
        closed=Count("pk", filter=Q(status=ProceedingStatus.CLOSED)),
        sent_to_court=Count("pk", filter=Q(was_sent_to_court=True)),
        convictions=Count("pk", filter=Q(convicted_count__gt=0)),
        people=Sum("convicted_count"),
    )
    reach = _violation_reach(gate, filters)
    counts = {"documented": reach["documented"], "complaints": complaint_set.count(), **totals}
    figures = _figures_by_stage(gate, Funnel.OFFICIALS)
    rows = []
    for stage, unit in ((FunnelStage.DOCUMENTED, _unit("violations")),
                        (FunnelStage.COMPLAINTS, _unit("complaints")),
                        (FunnelStage.INVESTIGATIONS, _unit("cases")),
                        (FunnelStage.CLOSED, _unit("cases")),
                        (FunnelStage.SENT_TO_COURT, _unit("cases")),
                        (FunnelStage.CONVICTIONS, _unit("cases"))):
        rows.append(FunnelRow(stage.value, stage.label, counts[stage.value] or 0, unit,
                              violations=reach[stage.value],
                              of_documented=_share(reach[stage.value], reach["documented"]),
                              figures=figures.get(stage.value, [])))
    rows[-1].people = totals["people"] or 0
    rows[3].breakdown = _grounds(cases)
    _chain(rows, {"closed": "investigations", "sent_to_court": "investigations",
                  "convictions": "sent_to_court"})
    return FunnelResult(Funnel.OFFICIALS, rows, filtered, *unlinked)


def _chain(rows: list[FunnelRow], previous_of: Mapping[str, str]) -> None:
    """Each row's share of the stage before it (closure and court both follow investigation)."""
    by_stage = {row.stage: row for row in rows}
    for index, row in enumerate(rows[1:], start=1):
        before = by_stage[previous_of.get(row.stage, rows[index - 1].stage)]
        row.of_previous = _share(row.count, before.count)


def _unit(name: str) -> Any:
    from django.utils.translation import gettext_lazy as _

    return {"violations": _("violations"), "complaints": _("complaints"), "cases": _("cases"),
            "people": _("people")}[name]


def prosecution_cases(gate: Gate, filters: Mapping[str, Any]) -> QuerySet[Proceeding]:
    """Cases against victims, activists and journalists, filtered for the mirror funnel."""
    cases = Proceeding.objects.filter(collection_id__in=_stats_collections(gate),
                                      against__in=CIVILIANS)
    cases = cases.filter(_period(filters, "started"))
    if filters.get("place"):
        cases = cases.filter(_within(filters["place"]))
    if filters.get("agency"):
        cases = cases.filter(authority__agency__code=filters["agency"])
    if filters.get("type"):
        cases = cases.filter(pk__in=Proceeding.violations.through.objects.filter(
            violation__type__code=filters["type"], violation__deleted_at__isnull=True)
            .values("proceeding_id"))
    return cases


def prosecutions_funnel(gate: Gate, filters: Mapping[str, Any] | None = None) -> FunnelResult:
    """The mirror funnel: prosecutions of victims, activists and journalists → investigated →
    closed (charges dropped…) / sent to court → convicted, acquitted, dropped, amnestied.

    Filters apply to the cases: period (first stage), region (case's place), agency (the
    authority running the case) and violation type (violations linked to the case).
    """
    filters = filters or {}
    cases = prosecution_cases(gate, filters)
    totals = cases.aggregate(
        documented=Count("pk"),
        investigations=Count("pk", filter=Q(was_investigated=True)),
        closed=Count("pk", filter=Q(status=ProceedingStatus.CLOSED)),
        sent_to_court=Count("pk", filter=Q(was_sent_to_court=True)),
        convictions=Count("pk", filter=Q(convicted_count__gt=0)),
        convicted=Sum("convicted_count"), acquitted=Sum("acquitted_count"),
        dropped=Sum("dropped_count"), amnestied=Sum("amnestied_count"),
    )
    from django.utils.translation import gettext_lazy as _

    figures = _figures_by_stage(gate, Funnel.PROSECUTIONS)
    spec = (
        ("documented", _("Prosecutions recorded"), "cases", "documented"),
        ("investigations", FunnelStage.INVESTIGATIONS.label, "cases", "investigations"),
        ("closed", _("Closed (charges dropped and other grounds)"), "cases", "closed"),
        ("sent_to_court", FunnelStage.SENT_TO_COURT.label, "cases", "sent_to_court"),
        ("convictions", FunnelStage.CONVICTIONS.label, "people", "convicted"),
        ("acquittals", FunnelStage.ACQUITTALS.label, "people", "acquitted"),
        ("charges_dropped", _("Case dropped by the court"), "people", "dropped"),
        ("amnestied", FunnelStage.AMNESTIED.label, "people", "amnestied"),
    )
    rows = [FunnelRow(stage, label, totals[key] or 0, _unit(unit),
                      of_documented=_share(totals[key] or 0, totals["documented"]),
                      figures=figures.get(stage, []))
            for stage, label, unit, key in spec]
    rows[2].breakdown = _grounds(cases)
    rows[4].people = totals["convicted"] or 0
    _chain(rows[:4], {"closed": "investigations", "sent_to_court": "investigations"})
    return FunnelResult(Funnel.PROSECUTIONS, rows, is_filtered(filters))


# --- trial monitoring -------------------------------------------------------------------------


@dataclass
class IndicatorRow:
    """One fair-trial indicator across the monitored hearings."""

    indicator: FairTrialIndicator
    answered: int
    violations: int
    trials: int

    @property
    def share(self) -> float | None:
        """Violations as a share of the hearings where the question was answered yes or no."""
        return _share(self.violations, self.answered)


@dataclass
class MonitoringSummary:
    """N trials, M hearings monitored, violations of each right in K hearings."""

    trials: int
    hearings: int
    openness: dict[str, int]
    rows: list[IndicatorRow]


def monitoring_reports(gate: Gate, filters: Mapping[str, Any] | None = None
                       ) -> QuerySet[MonitoringReport]:
    """Hearing reports the user may see (by period, region of the case, whom it is against)."""
    filters = filters or {}
    reports = gate.scope(MonitoringReport.objects.select_related("proceeding", "court",
                                                                 "monitor"))
    return _filter_reports(reports, filters).order_by("-held_earliest", "-created_at")


def _filter_reports(reports: QuerySet[MonitoringReport],
                    filters: Mapping[str, Any]) -> QuerySet[MonitoringReport]:
    reports = reports.filter(_period(filters, "held"))
    if filters.get("place"):
        reports = reports.filter(_within(filters["place"], "proceeding__place"))
    if filters.get("against") == Funnel.PROSECUTIONS:
        reports = reports.filter(proceeding__against__in=CIVILIANS)
    elif filters.get("against"):
        reports = reports.filter(proceeding__against=filters["against"])
    return reports


def monitoring_summary(gate: Gate, filters: Mapping[str, Any] | None = None
                       ) -> MonitoringSummary:
    """Trial-monitoring aggregates in three queries, for the collections with statistics."""
    filters = filters or {}
    reports = _filter_reports(
        MonitoringReport.objects.filter(collection_id__in=_stats_collections(gate)), filters)
    totals = reports.aggregate(trials=Count("proceeding", distinct=True), hearings=Count("pk"))
    openness = dict(reports.values_list("openness").annotate(n=Count("pk")).order_by())
    answered = Q(answer__in=[Answer.YES, Answer.NO])
    per_indicator = {
        row["indicator"]: row for row in IndicatorAnswer.objects
        .filter(report__in=reports.values("pk")).values("indicator")
        .annotate(answered=Count("pk", filter=answered),
                  violations=Count("pk", filter=Q(is_violation=True)),
                  trials=Count("report__proceeding", filter=Q(is_violation=True),
                               distinct=True)).order_by()
    }
    rows = [IndicatorRow(indicator, per_indicator.get(indicator.pk, {}).get("answered", 0),
                         per_indicator.get(indicator.pk, {}).get("violations", 0),
                         per_indicator.get(indicator.pk, {}).get("trials", 0))
            for indicator in FairTrialIndicator.objects.filter(is_deprecated=False)]
    return MonitoringSummary(totals["trials"], totals["hearings"], openness, rows)


# --- reported figures -------------------------------------------------------------------------


def figures(gate: Gate, filters: Mapping[str, Any] | None = None) -> QuerySet[ReportedFigure]:
    """Reported figures the user may see, as time series (by indicator, then date)."""
    filters = filters or {}
    queryset = ReportedFigure.objects.filter(
        collection_id__in=gate.collections(Capability.VIEW_RECORDS)).select_related("source")
    if filters.get("funnel"):
        queryset = queryset.filter(funnel=filters["funnel"])
    if filters.get("indicator"):
        queryset = queryset.filter(indicator=filters["indicator"])
    return queryset.order_by("indicator", "as_of_earliest", "created_at")


def indicators() -> QuerySet[FairTrialIndicator]:
    """The live fair-trial checklist, in order."""
    return FairTrialIndicator.objects.filter(is_deprecated=False).order_by("position", "code")


def articles() -> QuerySet[Article]:
    """The live articles (public reference data)."""
    return Article.objects.filter(is_deprecated=False).order_by("country", "legal_code",
                                                                "number")
