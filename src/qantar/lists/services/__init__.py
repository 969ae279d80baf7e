"""All writes to person lists: import, linkage runs, review decisions, the one list of people.

Every service checks the access gate (documenter rights: ``edit_records``, and seeing names for
linkage and review) and writes the audit log. Views, the command line and tests call these.
"""

from qantar.lists.services.imports import (
    BATCH_SIZE,
    MAX_UPLOAD_BYTES,
    Problem,
    clean_list_details,
    confirm_upload,
    discard_upload,
    import_file,
    import_next_rows,
    import_rows,
    job_problems,
    receive_upload,
    start_import,
)
from qantar.lists.services.linkage import (
    DEFAULT_FLOOR,
    consensus,
    ordered,
    record_decision,
    require_reviewer,
    run_linkage,
    standard_csv,
)
from qantar.lists.services.people import (
    AcceptResult,
    accept_clusters,
    disagreeing_fields,
    entry_names,
    entry_values,
    field_values,
    flag_disagreements,
    resolve_disagreement,
    split_person,
)

__all__ = [
    "BATCH_SIZE", "DEFAULT_FLOOR", "MAX_UPLOAD_BYTES", "AcceptResult", "Problem",
    "accept_clusters", "clean_list_details", "confirm_upload", "consensus",
    "disagreeing_fields", "discard_upload", "entry_names", "entry_values", "field_values",
    "flag_disagreements", "import_file", "import_next_rows", "import_rows", "job_problems",
    "ordered", "receive_upload", "record_decision", "require_reviewer", "resolve_disagreement",
    "run_linkage", "split_person", "standard_csv", "start_import",
]
