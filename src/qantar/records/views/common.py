"""What the record pages share: permission checks, labels, citations, calling a service.

Views stay thin adapters (STYLE.md rule 1). Records the user may not see are "not found"
(the error middleware turns ``NotFound`` into a 404). Names and identifying details reach a
template only where the gate says the user sees identities; everywhere else a person is shown
by pseudonym.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.common.web import person_label, show_error
from qantar.core.errors import Conflict, PermissionDenied, ValidationFailed
from qantar.records import queries
from qantar.records.models import Person

FORM_METHODS = require_http_methods(["GET", "POST"])
Form = forms.Form | forms.BaseFormSet  # type: ignore[type-arg]

KIND_LABELS = {"person": _("Person"), "event": _("Event"), "violation": _("Violation"),
               "testimony": _("Testimony")}


def require_editor(gate: Gate) -> None:
    """Creating records needs a collection where the user may edit."""
    if not gate.collections(Capability.EDIT_RECORDS):
        raise PermissionDenied()


def label_people(gate: Gate, people: Iterable[Person]) -> None:
    """Give each person the name this user may see (``shown_name``)."""
    for person in people:
        person.shown_name = person_label(gate, person)  # type: ignore[attr-defined]


def citations_for(gate: Gate, record: Any, identities: bool) -> list[Any]:
    """Citations of a record; quotes (sealed under the record's key) only with identities."""
    citations = list(queries.citations_of(gate, record))
    for citation in citations:
        citation.shown_quote = citation.quote if identities else ""
    return citations


def can_edit(gate: Gate, record: Any) -> bool:
    """True when the user may change the record."""
    return gate.can(record.collection_id, Capability.EDIT_RECORDS)


def all_valid(*items: Form) -> bool:
    """Validate every form (all of them, so every error shows at once)."""
    return all([item.is_valid() for item in items])


def write_or_show(form: forms.Form, write: Callable[[], Any],
                  elsewhere: Sequence[str] = ()) -> tuple[Any, dict[str, str]]:
    """Call a service; a ValidationFailed goes next to its field. Returns (record, problems)."""
    try:
        return write(), {}
    except ValidationFailed as error:
        field = show_error(form, error, elsewhere)
        return None, ({field: error.message} if field in elsewhere else {})


def plain_values(form: forms.Form) -> dict[str, Any]:
    """A form's values without the collection and the reason (given to services apart)."""
    return {key: value for key, value in form.cleaned_data.items()
            if key not in {"collection", "reason"}}


def record_link(kind: str, record: Any) -> str:
    """The page of a record (a testimony is shown on its person's page)."""
    if kind == "testimony":
        return reverse("records:person_detail", args=[record.person_id])
    return reverse(f"records:{kind}_detail", args=[record.pk])


def record_text(gate: Gate, kind: str, record: Any) -> str:
    """How a record is named to this user (people by pseudonym for analysts)."""
    if kind == "person":
        return person_label(gate, record)
    if kind == "violation":
        return f"{record.type.label} — {person_label(gate, record.victim)}"
    if kind == "testimony":
        return _t("Testimony of %(person)s") % {"person": person_label(gate, record.person)}
    return str(record)


def is_local(url: str | None) -> bool:
    """Only redirect to this site's own paths."""
    return bool(url) and url.startswith("/") and not url.startswith("//") and "\\" not in url


def refuse_if_erased(person: Any) -> None:
    """Nothing can be added to or changed on an erased person (their key is gone)."""
    if person is not None and person.erased_at is not None:
        raise Conflict("erased", _t("This person was erased: nothing can be added or changed."))
