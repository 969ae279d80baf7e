"""Record pages: thin adapters that parse a request, call queries or services, and render.

One module per kind of page: ``lists`` (start page and lists), ``details`` (a record's page),
``editing`` (create and change), ``testimonies`` (testimonies, citations, soft deletion),
``inline`` (creating a related record from inside a form), ``protection`` (consent, legal
holds, erasure) and ``export``. Every view gets the user's gate once
(:func:`qantar.common.web.gated`).
"""

from qantar.records.views.details import (
    event_detail,
    person_detail,
    source_detail,
    violation_detail,
)
from qantar.records.views.editing import (
    event_create,
    event_edit,
    person_create,
    person_edit,
    source_create,
    source_edit,
    violation_create,
    violation_edit,
)
from qantar.records.views.export import export
from qantar.records.views.inline import quick_create, victim_options
from qantar.records.views.lists import event_list, home, person_list, source_list, violation_list
from qantar.records.views.protection import (
    consent_create,
    legal_hold_lift,
    legal_hold_place,
    person_erase,
)
from qantar.records.views.testimonies import (
    cite,
    event_delete,
    person_delete,
    source_delete,
    testimony_create,
    testimony_delete,
    testimony_edit,
    violation_delete,
)

__all__ = [
    "cite",
    "consent_create",
    "event_create",
    "event_delete",
    "event_detail",
    "event_edit",
    "event_list",
    "export",
    "home",
    "legal_hold_lift",
    "legal_hold_place",
    "person_create",
    "person_delete",
    "person_detail",
    "person_edit",
    "person_erase",
    "person_list",
    "quick_create",
    "victim_options",
    "source_create",
    "source_delete",
    "source_detail",
    "source_edit",
    "source_list",
    "testimony_create",
    "testimony_delete",
    "testimony_edit",
    "violation_create",
    "violation_delete",
    "violation_detail",
    "violation_edit",
    "violation_list",
]
