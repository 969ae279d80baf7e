"""Detail pages: a person, an event, a violation, a source — with sources, evidence, history and
trail."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from qantar.accounts.choices import Capability
from qantar.audit.services import record_view
from qantar.common.access import Gate
from qantar.common.web import gated
from qantar.evidence import queries as evidence
from qantar.records import queries
from qantar.records.views.common import (
    KIND_LABELS,
    can_edit,
    citations_for,
    label_people,
    record_link,
    record_text,
)
from qantar.records.views.history import readable_history
from qantar.records.views.lists import prepare_violations

AUDIT_TRAIL_LENGTH = 200


def _testimonies(gate: Gate, person: Any, identities: bool) -> list[Any]:
    """A person's testimonies, each with the sources cited for it."""
    testimonies = list(queries.testimonies_of(gate, person))
    for testimony in testimonies:
        testimony.citations = citations_for(gate, testimony, identities)
    return testimonies


def _protection(gate: Gate, person: Any, identities: bool) -> dict[str, Any]:
    """Consent in force per purpose, every dated decision, and the legal holds."""
    decisions = list(queries.consents_of(gate, person))
    for decision in decisions:
        # Conditions can name partners or the person: sealed, and shown only with identities.
        decision.shown_conditions = (decision.conditions or "") if identities else ""
    holds = list(queries.legal_holds_of(gate, person))
    return {
        "consent_overview": queries.consent_overview(gate, person),
        "consents": decisions,
        "holds": holds,
        "hold_in_force": next((hold for hold in holds if hold.lifted_at is None), None),
        "can_manage": gate.can(person.collection_id, Capability.MANAGE_COLLECTION),
    }


@require_safe
@gated
def person_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A person: names (if the user may see them), violations, testimonies, consent, legal
    holds, sources, history and audit trail. An erased person shows what survives."""
    person = queries.person(gate, pk, include_erased=True)
    record_view(gate, person)
    identities = gate.sees_identities(person.collection_id)
    is_erased = person.erased_at is not None
    label_people(gate, [person])
    violations = list(queries.violations(gate, {"victim": person.pk}))
    return render(request, "records/person_detail.html", {
        "person": person, "identities": identities and not is_erased, "is_erased": is_erased,
        "names": list(person.names.all()) if identities else [],
        "violations": violations,
        "testimonies": _testimonies(gate, person, identities),
        "citations": citations_for(gate, person, identities),
        "history": readable_history(gate, person),
        "audit": list(queries.audit_trail(gate, person)[:AUDIT_TRAIL_LENGTH]),
        "can_edit": can_edit(gate, person) and not is_erased,
        "evidence": evidence.section(gate, person),
    } | _protection(gate, person, identities))


@require_safe
@gated
def event_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """An event: its victims, the perpetrators named, its sources, history and audit trail."""
    event = queries.event(gate, pk)
    record_view(gate, event)
    violations = list(queries.violations(gate, {"event": event.pk}))
    prepare_violations(gate, violations)
    involvements = [(violation, involvement) for violation in violations
                    for involvement in violation.involvements.all()]
    return render(request, "records/event_detail.html", {
        "event": event, "violations": violations, "involvements": involvements,
        "identities": gate.sees_identities(event.collection_id),
        "citations": citations_for(gate, event, True),
        "history": readable_history(gate, event), "can_edit": can_edit(gate, event),
        "audit": list(queries.audit_trail(gate, event)[:AUDIT_TRAIL_LENGTH]),
        "evidence": evidence.section(gate, event),
    })


@require_safe
@gated
def violation_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A violation: victim, event, place, methods, consequences, perpetrators, sources."""
    violation = queries.violation(gate, pk)
    record_view(gate, violation)
    identities = gate.sees_identities(violation.collection_id)
    label_people(gate, [violation.victim])
    return render(request, "records/violation_detail.html", {
        "violation": violation, "identities": identities,
        "lineage": violation.place.lineage() if violation.place else [],
        "involvements": list(violation.involvements.all()),
        "citations": citations_for(gate, violation, identities),
        "history": readable_history(gate, violation),
        "can_edit": can_edit(gate, violation) and violation.victim.erased_at is None,
        "audit": list(queries.audit_trail(gate, violation)[:AUDIT_TRAIL_LENGTH]),
        "evidence": evidence.section(gate, violation),
    })


def _citing_rows(gate: Gate, found: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The records a source supports, as (kind, text, link) for the page."""
    return [{"kind": kind, "kind_label": KIND_LABELS.get(kind, kind),
             "text": record_text(gate, kind, record), "url": record_link(kind, record)}
            for kind, record in found]


@require_safe
@gated
def source_detail(request: HttpRequest, gate: Gate, pk: Any) -> HttpResponse:
    """A source and the records it supports."""
    source = queries.source(gate, pk)
    return render(request, "records/source_detail.html", {
        "source": source, "citing": _citing_rows(gate, queries.records_citing(gate, source)),
        "history": readable_history(gate, source), "can_edit": can_edit(gate, source),
    })
