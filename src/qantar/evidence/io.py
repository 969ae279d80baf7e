"""Evidence items to plain dictionaries (the command line's ``--json``; exports and sync later).

Only for users who may open the item: the name and description are identifying.
"""

from __future__ import annotations

from typing import Any

from qantar.evidence.models import CustodyEvent, EvidenceItem


def custody_to_dict(event: CustodyEvent) -> dict[str, Any]:
    """One custody event."""
    return {
        "at": event.at.isoformat(),
        "who": event.actor_label,
        "action": event.action,
        "party": event.party or "",
        "note": event.note or "",
    }


def item_to_dict(item: EvidenceItem) -> dict[str, Any]:
    """An evidence item with its hashes, links and chain of custody."""
    return {
        "id": str(item.pk),
        "collection": str(item.collection_id),
        "kind": item.kind,
        "name": item.original_name or "",
        "description": item.description or "",
        "media_type": item.media_type,
        "size": item.size_bytes,
        "sha256": item.sha256,
        "sha512": item.sha512,
        "captured": item.captured,
        "received_at": item.received_at.isoformat(),
        "person": str(item.person_id or ""),
        "violation": str(item.violation_id or ""),
        "event": str(item.event_id or ""),
        "testimony": str(item.testimony_id or ""),
        "custody": [custody_to_dict(event) for event in item.custody.all()],
    }
