"""Person lists as input for estimation: the ``person_lists`` capture-history provider.

The estimation app counts the people no list recorded from how the lists overlap. This
provider gives it the overlap of a collection's imported lists, counted as
:func:`qantar.lists.queries.list_overlap` counts it (accepted people, then the latest linkage
run's clusters, then single entries), with what a reader of the estimate needs to judge it:
how many people were counted from clusters nobody accepted yet, and how many uncertain pairs
still wait for a reviewer. Counts only, never a name: analysts may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.estimation import sources
from qantar.lists import queries
from qantar.lists.models import ImportedList

PROVIDER = "person_lists"


def people_on_lists(gate: Gate, params: Mapping[str, Any]) -> sources.ProvidedTable:
    """One list per chosen imported list: the people of a collection each list names.

    Parameters: ``collection``; ``lists`` (2 to 12 imported list ids in that collection).
    """
    collection_id = sources.parse_id(params.get("collection"), "collection")
    gate.require(collection_id, Capability.VIEW_STATISTICS)
    chosen = sources.chosen_lists(ImportedList.objects.filter(collection_id=collection_id),
                                  params.get("lists") or [], noun="list", field_name="lists")
    overlap = queries.list_overlap(gate, collection_id, chosen)
    return sources.ProvidedTable(
        list_names=tuple(name[:sources.LIST_NAME_MAX] for name in overlap.list_names),
        rows=tuple(sorted(overlap.rows)),
        summary={"list_entries": overlap.entries,
                 "accepted_people": overlap.accepted_people,
                 "linked_not_accepted": overlap.linked_not_accepted,
                 "never_linked": overlap.never_linked,
                 "pairs_to_review": overlap.pairs_to_review})


def register() -> None:
    """Offer the provider on the estimation pages (called when the app is ready)."""
    sources.register(PROVIDER, _("Linked person lists in a collection"), people_on_lists,
                     "qantar.lists.forms.PersonListsForm")
