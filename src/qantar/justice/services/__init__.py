"""All writes to the justice app. Each service checks the gate (Capability.EDIT_JUSTICE),
validates, saves and audits; the stage rules come from :mod:`qantar.core.justice`.

Services take plain values (text, codes, ids) so that web forms, imports and the demo loader
go through the same checks.
"""

from qantar.justice.services.cases import (
    add_party,
    answer_complaint,
    complete_deadline,
    open_proceeding,
    record_complaint,
    record_remedy,
    record_stage,
    refresh_summary,
    set_deadline,
    steps_of,
    update_complaint,
    update_proceeding,
)
from qantar.justice.services.monitoring import (
    record_figure,
    record_hearing_report,
    sync_reference,
)

__all__ = [
    "add_party",
    "answer_complaint",
    "complete_deadline",
    "open_proceeding",
    "record_complaint",
    "record_figure",
    "record_hearing_report",
    "record_remedy",
    "record_stage",
    "refresh_summary",
    "set_deadline",
    "steps_of",
    "sync_reference",
    "update_complaint",
    "update_proceeding",
]
