"""Import the seed data's proceedings and figures into the justice app (idempotent).

The seed file describes each proceeding with the stages its report mentions, in the report's
words. This module maps them onto the stage rules of :mod:`qantar.core.justice`:

* ``complaint_filed`` becomes a complaint, not a stage;
* ``charges_dropped`` becomes a closure on the ground "charges dropped" and a remedy;
* ``apology`` becomes a remedy; ``released`` is kept as a note;
* when a report gives only a later step (a verdict, a hearing, an indictment), the step that
  must have come before it is added and marked *implied*, so every history obeys the rules;
* an appeal with a result ("reduced to 7 days") becomes an appeal and an appeal decision.

Every record keeps the report's wording in its note and cites the report as its source.
Ids are stable (uuid5 of the seed keys), so loading twice changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from qantar.accounts.models import Collection
from qantar.common.access import Gate
from qantar.justice import services
from qantar.justice.choices import AuthorityKind, ClosureGround, Funnel, FunnelStage
from qantar.justice.models import Complaint, Proceeding, ReportedFigure
from qantar.justice.queries import allowed_stages
from qantar.records.io import key_to_id
from qantar.records.models import Organisation, Person, Place

IMPLIED = "Implied: the report gives only a later step, which cannot happen without this one."
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10}
# Offences the seed file names without an article number → the article in reference.json.
ARTICLE_BY_TITLE = {
    "torture": "kz-cc-146",
    "treason": "kz-cc-175",
    "attempting to violently seize power": "kz-cc-179",
    "involvement in a banned organisation": "kz-cc-405",
    "participation in a protest": "kz-cao-488",
}
# The step that must precede a stage when a report starts a history with it.
IMPLIED_BEFORE = {"hearing": "sent_to_court", "verdict": "sent_to_court",
                  "indictment": "investigation_opened", "closed": "investigation_opened",
                  "appeal": "sent_to_court"}
OWN_VIOLATIONS = {
    "officials": {"torture", "death_in_custody"},
    "civilians": {"politically_motivated_prosecution", "administrative_detention",
                  "arbitrary_detention", "fair_trial_violation", "forced_confession"},
}
# indicator code → (funnel, stage, unit)
FIGURE_STAGES: dict[str, tuple[str, str, str]] = {
    "torture_reports_ngo_coalition": (Funnel.OFFICIALS, FunnelStage.DOCUMENTED, "count"),
    "complaints_unlawful_treatment": (Funnel.OFFICIALS, FunnelStage.COMPLAINTS, "count"),
    "investigations_opened": (Funnel.OFFICIALS, FunnelStage.INVESTIGATIONS, "count"),
    "torture_investigations_opened": (Funnel.OFFICIALS, FunnelStage.INVESTIGATIONS, "count"),
    "torture_investigations_closed_pct": (Funnel.OFFICIALS, FunnelStage.CLOSED, "percent"),
    "trials_of_officials_begun": (Funnel.OFFICIALS, FunnelStage.SENT_TO_COURT, "count"),
    "officials_on_trial": (Funnel.OFFICIALS, FunnelStage.SENT_TO_COURT, "count"),
    "torture_complaints_reaching_court_pct": (Funnel.OFFICIALS, FunnelStage.SENT_TO_COURT,
                                              "percent"),
    "officials_convicted": (Funnel.OFFICIALS, FunnelStage.CONVICTIONS, "count"),
    "criminal_cases_under_investigation": (Funnel.PROSECUTIONS, FunnelStage.INVESTIGATIONS,
                                           "count"),
}
OFFICIAL_PUBLISHERS = ("Kazakhstani authorities", "Prosecutor General", "General Prosecutor",
                       "President", "Kazakhstani prosecutors", "Almaty emergency hospital")


def load_justice_demo(gate: Gate, collection: Collection, bundle: Mapping[str, Any]) -> str:
    """Import the bundle's ``proceedings`` and ``figures``; returns a one-line summary."""
    with transaction.atomic():
        made = {"cases": 0, "complaints": 0, "figures": 0}
        context = _Context(bundle)
        for item in bundle.get("proceedings") or []:
            made["cases"] += _proceeding(gate, collection, item, context)
            made["complaints"] += _complaints(gate, collection, item, context)
        for item in bundle.get("figures") or []:
            made["figures"] += _figure(gate, collection, item)
    return (f"Justice demo: {made['cases']} new cases, {made['complaints']} new complaints, "
            f"{made['figures']} new reported figures.")


class _Context:
    """What the mapping needs to know about the rest of the bundle."""

    def __init__(self, bundle: Mapping[str, Any]) -> None:
        self.persons = {p["key"]: p for p in bundle.get("persons") or []}
        self.violations = list(bundle.get("violations") or [])
        self.organisations = {o["key"]: o for o in bundle.get("organisations") or []}

    def violations_of(self, person_keys: Iterable[str], types: set[str]) -> list[Any]:
        keys = set(person_keys)
        return [key_to_id(v["key"]) for v in self.violations
                if v.get("victim") in keys and v.get("type") in types]

    def place_of(self, person_keys: Iterable[str]) -> Any:
        """The city where the person's documented violations happened (inferred)."""
        keys = set(person_keys)
        for violation in self.violations:
            if violation.get("victim") in keys and violation.get("place"):
                place = Place.objects.filter(pk=key_to_id(violation["place"])).first()
                for level in reversed(place.lineage() if place else []):
                    if level.kind == "city":
                        return level.pk
        return None

    def against(self, item: Mapping[str, Any]) -> str:
        if item.get("kind") == "against_officials":
            return "officials"
        groups = {g for key in item.get("defendants") or []
                  for g in self.persons.get(key, {}).get("groups", [])}
        if "journalist" in groups:
            return "journalist"
        if groups & {"activist", "human_rights_defender"}:
            return "activist"
        return "victim"

    def authority_kind(self, key: str | None) -> str:
        org = self.organisations.get(key or "", {})
        return {"court": AuthorityKind.COURT, "prosecutor_office": AuthorityKind.PROSECUTOR
                }.get(org.get("kind", ""), _agency_kind(org.get("agency", "")))


def _agency_kind(agency: str) -> str:
    return {"police": AuthorityKind.POLICE, "knb": AuthorityKind.KNB}.get(agency, "")


def _source(item: Mapping[str, Any]) -> Any:
    citations = item.get("citations") or []
    return key_to_id(citations[0]["source"]) if citations else None


def _count_in(text: str, default: int = 1) -> int:
    """The first number in a phrase ("8 officials", "two officials") or ``default``."""
    match = re.search(r"\b(\d+|" + "|".join(NUMBER_WORDS) + r")\b", text.lower())
    if not match:
        return default
    word = match.group(1)
    return int(word) if word.isdigit() else NUMBER_WORDS[word]


def _articles(item: Mapping[str, Any]) -> list[str]:
    codes = []
    for article in item.get("articles") or []:
        prefix = "kz-cao-" if article.get("code") == "administrative_code" else "kz-cc-"
        if article.get("article"):
            codes.append(prefix + article["article"])
        elif article.get("title_en", "").lower() in ARTICLE_BY_TITLE:
            codes.append(ARTICLE_BY_TITLE[article["title_en"].lower()])
    return codes


def _parties(item: Mapping[str, Any], against: str) -> list[dict[str, Any]]:
    parties = []
    for defendant in item.get("defendants") or []:
        if defendant.startswith("p-"):
            parties.append({"role": "defendant", "person": key_to_id(defendant),
                            "is_official": against == "officials"})
        else:
            parties.append({"role": "defendant", "name": defendant[:300],
                            "is_official": against == "officials",
                            "headcount": _count_in(defendant)})
    if against == "officials":
        parties += [{"role": "victim", "person": key_to_id(key)}
                    for key in item.get("victims") or []]
    return parties


def _proceeding(gate: Gate, collection: Collection, item: Mapping[str, Any],
                context: _Context) -> int:
    stages = [s for s in item.get("stages") or [] if s.get("stage") != "complaint_filed"]
    case_id = key_to_id(item["key"])
    if not stages or Proceeding.all_objects.filter(pk=case_id).exists():
        return 0
    against = context.against(item)
    people = (item.get("victims") if against == "officials" else
              [k for k in item.get("defendants") or [] if k.startswith("p-")]) or []
    kinds = OWN_VIOLATIONS["officials" if against == "officials" else "civilians"]
    articles = _articles(item)
    case = services.open_proceeding(gate, collection, {
        "id": case_id, "number": item.get("case_number", ""),
        "procedure": "administrative" if any(a.startswith("kz-cao") for a in articles)
        else "criminal",
        "against": against, "authority": key_to_id(item.get("authority")),
        "authority_kind": context.authority_kind(item.get("authority")),
        "place": context.place_of(people), "person": key_to_id(people[0]) if people else None,
        "articles": articles, "violations": context.violations_of(people, kinds),
        "summary": item.get("title", ""), "parties": _parties(item, against),
    })
    for stage in stages:
        _stage(gate, case, stage, item)
    return 1


def _stage(gate: Gate, case: Proceeding, stage: Mapping[str, Any],
           item: Mapping[str, Any]) -> None:
    kind = stage["stage"]
    note = " ".join(filter(None, [stage.get("outcome", ""), stage.get("note", "")]))
    base = {"date": stage.get("date", ""), "note": note, "source": _source(item)}
    if kind in {"apology", "released", "amnesty"}:
        _remedy_or_note(gate, case, kind, base, stage)
        return
    if kind == "charges_dropped":
        _ensure_allowed(gate, case, "closed", base)
        services.record_stage(gate, case, base | {"stage": "closed",
                                                  "ground": ClosureGround.CHARGES_DROPPED})
        services.record_remedy(gate, case, {"kind": "charges_dropped", "date": base["date"],
                                            "party": _defendant(case), "note": note})
        return
    _ensure_allowed(gate, case, kind, base)
    data = base | {"stage": kind}
    if kind == "closed":
        data["ground"] = _ground(stage.get("ground", ""))
    if kind == "verdict":
        data["outcomes"] = [_outcome(case, stage.get("outcome", ""))]
    services.record_stage(gate, case, data)
    if kind == "appeal" and stage.get("outcome"):
        services.record_stage(gate, case, base | {
            "stage": "appeal_decided", "result": "changed",
            "outcomes": [_outcome(case, stage["outcome"])]})


def _ensure_allowed(gate: Gate, case: Proceeding, kind: str, base: Mapping[str, Any]) -> None:
    """Add the implied step a report skipped, when the history cannot go on without it."""
    if kind in {str(s) for s in _allowed(case)} or kind not in IMPLIED_BEFORE:
        return
    services.record_stage(gate, case, {"stage": IMPLIED_BEFORE[kind], "date": base["date"],
                                       "note": IMPLIED, "source": base["source"]})


def _allowed(case: Proceeding) -> tuple[Any, ...]:
    return allowed_stages(case)


def _ground(text: str) -> str:
    lowered = text.lower()
    if not lowered or "not stated" in lowered:
        return ClosureGround.NOT_STATED
    if "no evidence" in lowered or "insufficient evidence" in lowered:
        return ClosureGround.NO_EVIDENCE
    return ClosureGround.OTHER


def _defendant(case: Proceeding) -> Any:
    party = case.parties.filter(role="defendant").order_by("created_at").first()
    return party.pk if party else None


def _outcome(case: Proceeding, text: str) -> dict[str, Any]:
    """A defendant's outcome from the report's words ("15 days' administrative detention")."""
    lowered = text.lower()
    days = re.search(r"(\d+|" + "|".join(NUMBER_WORDS) + r") days?\b", lowered)
    outcome: dict[str, Any] = {"party": _defendant(case), "outcome": "convicted",
                               "sentence_text": text[:300]}
    if days:
        outcome |= {"sentence_kind": "administrative_detention",
                    "sentence_days": _count_in(days.group(0))}
    elif "warning" in lowered:
        outcome["sentence_kind"] = "warning"
    elif "restricted freedom" in lowered:
        outcome["sentence_kind"] = "restricted_freedom"
    if "conviction of" in lowered:
        outcome["headcount"] = _count_in(lowered.split("conviction of", 1)[1])
    return outcome


def _remedy_or_note(gate: Gate, case: Proceeding, kind: str, base: Mapping[str, Any],
                    stage: Mapping[str, Any]) -> None:
    if kind == "apology":
        services.record_remedy(gate, case, {
            "kind": "apology", "date": base["date"], "party": _defendant(case),
            "granted_by": _authority_name(case), "note": base["note"]})
    elif kind == "amnesty":
        services.record_remedy(gate, case, {"kind": "charges_dropped", "date": base["date"],
                                            "party": _defendant(case),
                                            "note": "Amnesty. " + base["note"]})


def _authority_name(case: Proceeding) -> str:
    return case.authority.name if isinstance(case.authority, Organisation) else ""


def _complaints(gate: Gate, collection: Collection, item: Mapping[str, Any],
                context: _Context) -> int:
    made = 0
    for index, stage in enumerate(item.get("stages") or []):
        if stage.get("stage") != "complaint_filed":
            continue
        complaint_id = key_to_id(f"{item['key']}#complaint-{index}")
        if Complaint.all_objects.filter(pk=complaint_id).exists():
            continue
        victims = item.get("victims") or []
        victim = key_to_id(victims[0]) if victims else None
        services.record_complaint(gate, collection, {
            "id": complaint_id, "person": victim,
            "filed_by": "victim" if victim else "other",
            "authority_kind": context.authority_kind(item.get("authority")) or "other",
            "authority": key_to_id(item.get("authority")), "filed_on": stage.get("date", ""),
            "summary": f"{item.get('title', '')}. {stage.get('note', '')}".strip(),
            "violations": context.violations_of(victims, OWN_VIOLATIONS["officials"])
            if victim and Person.objects.filter(pk=victim).exists() else [],
            "source": _source(item),
        })
        made += 1
    return made


def _figure(gate: Gate, collection: Collection, item: Mapping[str, Any]) -> int:
    figure_id = key_to_id(item["key"])
    if ReportedFigure.all_objects.filter(pk=figure_id).exists():
        return 0
    funnel, stage, unit = FIGURE_STAGES.get(item["indicator"], ("", "", "count"))
    label = item.get("label_en", "")
    wording = label.lower()
    services.record_figure(gate, collection, {
        "id": figure_id, "indicator": item["indicator"], "label": label,
        "value": item["value"], "unit": "percent" if item["indicator"].endswith("_pct")
        else unit, "as_of": item["as_of"], "publisher": item["publisher"],
        "is_official": item["publisher"].startswith(OFFICIAL_PUBLISHERS),
        "is_lower_bound": any(w in wording for w in ("at least", "'over", "over ", "more")),
        "is_approximate": any(w in wording for w in ("'some", "close to", "around")),
        "source": _source(item), "funnel": funnel, "stage": stage,
        "note": (item.get("citations") or [{}])[0].get("quote", "")[:2000],
    })
    return 1
