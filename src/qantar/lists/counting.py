"""Person lists as input for estimation: the ``person_lists`` capture-history provider.

The estimation app counts the people no list recorded from how the lists overlap. This
provider gives it the overlap of a collection's imported lists, counted as
:func:`qantar.lists.queries.list_overlap` counts it (accepted people, then the latest linkage
run's clusters, then single entries), with what a reader of the estimate needs to judge it:
how many people were counted from clusters nobody accepted yet, and how many uncertain pairs
still wait for a reviewer. Counts only, never a name: analysts may use it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _

from qantar.accounts.choices import Capability
from qantar.common.access import Gate
from qantar.core.errors import ValidationFailed
from qantar.estimation import sources
from qantar.lists import queries
from qantar.lists.models import ImportedList

PROVIDER = "person_lists"


def _uuid(value: Any, field_name: str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ValidationFailed("bad_id", "Choose from the list.", field_name) from None


def _chosen_lists(collection_id: uuid.UUID, values: Iterable[Any]) -> list[ImportedList]:
    ids = list(dict.fromkeys(_uuid(value, "lists") for value in values))
    if len(ids) < 2:
        raise ValidationFailed("too_few_lists", "Choose at least two lists (three or more to "
                               "check whether lists depend on each other).", "lists")
    if len(ids) > sources.MAX_LISTS:
        raise ValidationFailed("too_many_lists", f"Choose at most {sources.MAX_LISTS} lists.",
                               "lists")
    found = ImportedList.objects.filter(collection_id=collection_id, pk__in=ids)
    if found.count() != len(ids):
        raise ValidationFailed("unknown_list", "A chosen list is not in this collection.",
                               "lists")
    return list(found)


def people_on_lists(gate: Gate, params: Mapping[str, Any]) -> sources.ProvidedTable:
    """One list per chosen imported list: the people of a collection each list names.

    Parameters: ``collection``; ``lists`` (2 to 12 imported list ids in that collection).
    """
    collection_id = _uuid(params.get("collection"), "collection")
    gate.require(collection_id, Capability.VIEW_STATISTICS)
    chosen = _chosen_lists(collection_id, params.get("lists") or [])
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
