"""All writes to evidence: adding a file, the chain of custody, opening, exporting, verifying.

Every service checks the gate, and every link in the chain of custody is one
:class:`~qantar.evidence.models.CustodyEvent` plus one audit entry (ids, codes and hashes —
never a name or a note). A file is opened only by users who may see identities; opening,
exporting and verifying it are custody events too.

One module per concern: ``custody``, ``intake`` (adding a file) and ``files`` (opening,
exporting, verifying), all re-exported here.
"""

from qantar.evidence.queries import is_erased
from qantar.evidence.services.custody import (
    NOTE_MAX,
    append_custody,
    note_key_destroyed,
    record_custody,
)
from qantar.evidence.services.files import EXPORT_PURPOSES, export_file, open_file, verify_evidence
from qantar.evidence.services.intake import DESCRIPTION_MAX, Added, add_evidence, max_upload_bytes

__all__ = [
    "DESCRIPTION_MAX",
    "EXPORT_PURPOSES",
    "NOTE_MAX",
    "Added",
    "add_evidence",
    "append_custody",
    "export_file",
    "is_erased",
    "max_upload_bytes",
    "note_key_destroyed",
    "open_file",
    "record_custody",
    "verify_evidence",
]
