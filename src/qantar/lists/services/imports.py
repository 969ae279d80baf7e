"""Importing a person list: provenance first, then the rows, streamed in batches.

A file that cannot be a person list (unreadable, wrong encoding, no name column) is refused
before anything is written. Then rows are read one at a time and written in batches of
``BATCH_SIZE``, each batch one transaction that also moves the job's progress forward, so an
interrupted import resumes where it stopped and never leaves half a batch. A bad row is
reported with its line number and skipped; a bad cell (a date that is not a date) is reported
and kept in the original row. Importing the same file into the same list twice changes
nothing: the file's SHA-256 is remembered.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from qantar.accounts.choices import Capability
from qantar.accounts.models import Collection
from qantar.audit.choices import AuditAction
from qantar.audit.services import record_event, safe_label
from qantar.common.access import Gate
from qantar.common.keyring import get_keyring
from qantar.common.text import NAME_MAX, clean_text
from qantar.core.dates import parse_optional
from qantar.core.errors import ValidationFailed
from qantar.core.hashing import sha256_hex
from qantar.core.linkage import read_records
from qantar.core.names import search_keys
from qantar.lists import io as list_io
from qantar.lists.choices import CompilationMethod, JobStatus
from qantar.lists.models import EntryToken, ImportedList, ImportJob, ListEntry, PendingUpload
from qantar.records.choices import PersonStatus
from qantar.records.models import Source

BATCH_SIZE = 1000
MAX_KEPT_PROBLEMS = 1000
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LINKED_COLUMNS = tuple(target for target in list_io.TARGETS
                       if target not in {"record_id", "cause_of_death"})

Progress = Callable[[ImportJob, int], None]


@dataclass(frozen=True)
class Problem:
    """Something wrong in one row: the line, the column, what, and whether the row was skipped."""

    line: int
    field: str
    message: str
    is_skipped: bool


def collection_id_of(collection: Collection | uuid.UUID | str) -> uuid.UUID:
    """The id of a collection given as a Collection, a UUID or its text."""
    if isinstance(collection, Collection):
        return collection.pk
    try:
        return collection if isinstance(collection, uuid.UUID) else uuid.UUID(str(collection))
    except ValueError:
        raise ValidationFailed("unknown_collection", "No such collection.",
                               "collection") from None


def clean_list_details(gate: Gate, collection_id: uuid.UUID,
                       data: Mapping[str, Any]) -> dict[str, Any]:
    """Validated provenance of a list (name, who compiled it, when, how, from which source)."""
    compiled_on = clean_text(data.get("compiled_on"), "compiled_on", max_length=64)
    parsed = parse_optional(compiled_on, "compiled_on")
    method = data.get("method") or CompilationMethod.OTHER
    if method not in CompilationMethod.values:
        raise ValidationFailed("invalid_choice", f"“{str(method)[:40]}” is not a way of "
                               "compiling a list.", "method")
    status = data.get("person_status") or PersonStatus.UNKNOWN
    if status not in PersonStatus.values:
        raise ValidationFailed("invalid_choice", f"“{str(status)[:40]}” is not a status.",
                               "person_status")
    source = data.get("source") or None
    if source is not None:
        source = str(_visible_source(gate, collection_id, source).pk)
    return {
        "name": clean_text(data.get("name"), "name", max_length=200, required=True,
                           label="The list name"),
        "compiled_by": clean_text(data.get("compiled_by"), "compiled_by", max_length=NAME_MAX),
        "compiled_on": str(parsed) if parsed else "",
        "method": method,
        "description": clean_text(data.get("description"), "description", max_length=2000),
        "person_status": status,
        "source": source,
    }


def _visible_source(gate: Gate, collection_id: uuid.UUID, value: Any) -> Source:
    source = gate.scope(Source.objects.filter(collection_id=collection_id)).filter(
        pk=value).first() if _is_uuid(value) else None
    if source is None:
        raise ValidationFailed("unknown_reference", "That source does not exist in this "
                               "collection.", "source")
    return source


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _list_for(gate: Gate, collection_id: uuid.UUID, details: dict[str, Any]) -> ImportedList:
    """The collection's list of that name, created (with its own data key) if new."""
    existing = ImportedList.objects.filter(collection_id=collection_id,
                                           name=details["name"]).first()
    if existing is not None:
        return existing
    imported = ImportedList(collection_id=collection_id, created_by=gate.user,
                            **{key: value for key, value in details.items() if key != "source"},
                            source_id=details.get("source"))
    imported.key_id = get_keyring().new_data_key(collection_id, f"list:{imported.pk}")
    imported.save(force_insert=True)
    record_event(AuditAction.CREATE, actor=gate.user, obj=imported,
                 details={"method": imported.method})
    return imported


def file_sha256(data: bytes | Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    if isinstance(data, bytes):
        return sha256_hex(data)
    import hashlib

    digest = hashlib.sha256()
    with data.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@transaction.atomic
def start_import(gate: Gate, collection: Collection | uuid.UUID, table: list_io.Table, *,
                 file_name: str, details: Mapping[str, Any],
                 mapping: dict[str, int]) -> tuple[ImportJob, bool]:
    """The import job for a file in a list, and whether there are rows left to import.

    A file already imported into the list returns its finished job (nothing changes); an
    interrupted import of it returns its job, to be resumed.
    """
    collection_id = collection_id_of(collection)
    gate.require(collection_id, Capability.EDIT_RECORDS)
    cleaned = clean_list_details(gate, collection_id, details)
    mapping = list_io.check_mapping(dict(mapping), table.header)
    sha256 = file_sha256(table.data)
    imported = _list_for(gate, collection_id, cleaned)
    job = ImportJob.objects.filter(imported_list=imported, sha256=sha256).first()
    if job is not None:
        return job, job.status != JobStatus.DONE
    job = ImportJob(collection_id=collection_id, key_id=imported.key_id, imported_list=imported,
                    file_name=safe_label(Path(file_name).name)[:255], sha256=sha256,
                    size_bytes=len(table.data) if isinstance(table.data, bytes)
                    else table.data.stat().st_size,
                    file_format=table.file_format, encoding=table.encoding,
                    header=table.header, column_mapping=mapping,
                    estimated_rows=table.estimated_rows, started_by=gate.user, problems="[]")
    job.save(force_insert=True)
    record_event(AuditAction.IMPORT, actor=gate.user, obj=job,
                 details={"phase": "started", "list": str(imported.pk), "sha256": sha256,
                          "format": job.file_format, "encoding": job.encoding,
                          "mapping": mapping})
    return job, True


def import_rows(gate: Gate, job: ImportJob, table: list_io.Table, *,
                max_rows: int | None = None, progress: Progress | None = None) -> ImportJob:
    """Import the rows of ``table`` after the job's last line (at most ``max_rows`` of them).

    Each batch is one transaction (entries, their search tokens and the job's progress), so
    an interruption loses no finished batch and a resumed import skips what is in.
    """
    gate.require(job.collection_id, Capability.EDIT_RECORDS)
    if job.status == JobStatus.DONE:
        return job
    done, batch = 0, []
    for line, cells in table.rows(after_line=job.last_line):
        batch.append((line, cells))
        if len(batch) == BATCH_SIZE:
            _write_batch(gate, job, batch)
            done += len(batch)
            batch = []
            if progress:
                progress(job, BATCH_SIZE)
            if max_rows is not None and done >= max_rows:
                return job
    if batch:
        _write_batch(gate, job, batch)
        if progress:
            progress(job, len(batch))
    _finish(gate, job)
    return job


def _finish(gate: Gate, job: ImportJob) -> None:
    with transaction.atomic():
        job.status, job.finished_at = JobStatus.DONE, timezone.now()
        job.save(update_fields=["status", "finished_at", "updated_at"])
        record_event(AuditAction.IMPORT, actor=gate.user, obj=job,
                     details={"phase": "finished", "rows": job.rows_imported,
                              "rejected": job.rows_rejected, "blanked": job.cells_blanked})
        upload = PendingUpload.objects.filter(job=job).first()
        if upload is not None:
            discard_upload(upload)


def _write_batch(gate: Gate, job: ImportJob, rows: list[tuple[int, Any]]) -> None:
    problems: list[Problem] = []
    good: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        if isinstance(cells, list_io.BadRow):
            problems.append(Problem(line, "row", cells.message, True))
        else:
            good.append((line, cells))
    with transaction.atomic():
        kept, duplicates = _without_duplicates(job, good)
        problems.extend(duplicates)
        kept, cell_problems = _checked(job, kept)
        problems.extend(cell_problems)
        _insert(job, kept)
        job.last_line = rows[-1][0]
        job.rows_imported += len(kept)
        job.rows_rejected += sum(1 for problem in problems if problem.is_skipped)
        job.cells_blanked += sum(1 for problem in problems if not problem.is_skipped)
        _keep_problems(job, problems)
        job.save(update_fields=["last_line", "rows_imported", "rows_rejected", "cells_blanked",
                                "problems", "updated_at"])


def _record_digest(record_id: str) -> str:
    return get_keyring().blind_index(f"list-record:{record_id}") if record_id else ""


def _without_duplicates(job: ImportJob, rows: list[tuple[int, list[str]]]
                        ) -> tuple[list[tuple[int, list[str], str]], list[Problem]]:
    """Rows whose record_id is new to the list (a repeated record_id skips the row)."""
    index = job.column_mapping.get("record_id")
    digests = [_record_digest(cells[index].strip()) if index is not None else ""
               for _, cells in rows]
    taken = set(ListEntry.objects.filter(imported_list_id=job.imported_list_id,
                                         record_digest__in=[d for d in digests if d])
                .values_list("record_digest", flat=True))
    kept, problems = [], []
    for (line, cells), digest in zip(rows, digests, strict=True):
        if digest and digest in taken:
            problems.append(Problem(line, "record_id", "this record_id is already on the list "
                                    "(row skipped)", True))
            continue
        taken.add(digest)
        kept.append((line, cells, digest))
    return [row for row in kept], problems


def _checked(job: ImportJob, rows: list[tuple[int, list[str], str]]
             ) -> tuple[list[tuple[int, list[str], str]], list[Problem]]:
    """Rows the linkage can read (a row without any name is skipped), and the cells it cannot.

    The rows go through the linkage reader itself, so what is reported here is exactly what
    linkage will ignore.
    """
    if not rows:
        return [], []
    mapping = {target: index for target, index in job.column_mapping.items()
               if target in LINKED_COLUMNS}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["record_id", *mapping])
    for line, cells, _ in rows:
        writer.writerow([str(line), *(" ".join(cells[index].split()) for index in
                                      mapping.values())])
    result = read_records(out.getvalue(), default_list="check")
    readable = {record.record_id for record in result.records}
    by_position = {position + 2: row[0] for position, row in enumerate(rows)}
    problems = [Problem(by_position.get(problem.line, 0), problem.field,
                        f"{problem.message} ({'row skipped' if problem.is_skipped else 'ignored'})",
                        problem.is_skipped) for problem in result.problems]
    return [row for row in rows if str(row[0]) in readable], problems


def _insert(job: ImportJob, rows: list[tuple[int, list[str], str]]) -> None:
    keyring = get_keyring()
    names = [target for target in list_io.NAME_TARGETS if target in job.column_mapping]
    entries, tokens = [], []
    for line, cells, digest in rows:
        entry = ListEntry(collection_id=job.collection_id, key_id=job.key_id,
                          imported_list_id=job.imported_list_id, job=job, line=line,
                          record_digest=digest, original=json.dumps(cells, ensure_ascii=False))
        entries.append(entry)
        words = {key for target in names for key in
                 search_keys(cells[job.column_mapping[target]])}
        tokens.extend(EntryToken(collection_id=job.collection_id, entry=entry,
                                 digest=keyring.blind_index(word)) for word in sorted(words))
    ListEntry.objects.bulk_create(entries)
    EntryToken.objects.bulk_create(tokens)


def _keep_problems(job: ImportJob, problems: list[Problem]) -> None:
    if not problems:
        return
    kept = json.loads(job.problems or "[]")
    room = MAX_KEPT_PROBLEMS - len(kept)
    if room > 0:
        kept.extend([p.line, p.field, p.message, p.is_skipped] for p in problems[:room])
        job.problems = json.dumps(kept, ensure_ascii=False)


def job_problems(job: ImportJob) -> list[Problem]:
    """The problems kept for a job (the first ``MAX_KEPT_PROBLEMS``)."""
    return [Problem(*item) for item in json.loads(job.problems or "[]")]


# --- web uploads ---------------------------------------------------------------------------------


@transaction.atomic
def receive_upload(gate: Gate, collection: Collection | uuid.UUID, data: bytes, file_name: str,
                   details: Mapping[str, Any]) -> PendingUpload:
    """Keep an uploaded file (sealed under a key of its own) until its columns are confirmed.

    The file is opened first: one that cannot be a person list is refused and nothing is kept.
    """
    collection_id = collection_id_of(collection)
    gate.require(collection_id, Capability.EDIT_RECORDS)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationFailed("file_too_large", "The file is larger than 10 MB: import it from "
                               "the command line (qantar lists import).", "file")
    cleaned = clean_list_details(gate, collection_id, details)
    table = list_io.open_table(data, file_name)
    upload = PendingUpload(collection_id=collection_id, file_name=safe_label(
        Path(file_name).name)[:255], sha256=sha256_hex(data), size_bytes=len(data),
        file_format=table.file_format, encoding=table.encoding, header=table.header,
        proposed_mapping=list_io.map_header(table.header), list_details=cleaned,
        uploaded_by=gate.user)
    upload.key_id = get_keyring().new_data_key(collection_id, f"upload:{upload.pk}")
    upload.content = base64.b64encode(data).decode("ascii")
    upload.save(force_insert=True)
    return upload


def upload_table(upload: PendingUpload) -> list_io.Table:
    """The uploaded file, opened again (for the next batch of rows)."""
    return list_io.open_table(base64.b64decode(upload.content or ""), upload.file_name)


def confirm_upload(gate: Gate, upload: PendingUpload, mapping: dict[str, int]
                   ) -> ImportJob:
    """Start importing an upload with the column mapping the user confirmed."""
    job, has_rows = start_import(gate, upload.collection_id, upload_table(upload),
                                 file_name=upload.file_name, details=upload.list_details,
                                 mapping=mapping)
    if has_rows:
        PendingUpload.objects.filter(pk=upload.pk).update(job=job)
    else:
        discard_upload(upload)
    return job


def import_next_rows(gate: Gate, job: ImportJob, rows: int = 5 * BATCH_SIZE) -> ImportJob:
    """Import the next rows of a web upload (each call is one step of the progress bar)."""
    upload = PendingUpload.objects.filter(job=job).first()
    if upload is None or job.status == JobStatus.DONE:
        return job
    return import_rows(gate, job, upload_table(upload), max_rows=rows)


def discard_upload(upload: PendingUpload) -> None:
    """Destroy an upload's key and forget it: the file can never be opened again."""
    get_keyring().destroy(upload.key_id)
    PendingUpload.objects.filter(pk=upload.pk).delete()


def import_file(gate: Gate, collection: Collection | uuid.UUID, path: Path, *,
                details: Mapping[str, Any], mapping: dict[str, int] | None = None,
                progress: Progress | None = None) -> ImportJob:
    """Import a file from disk in one go (the command line; any size)."""
    table = list_io.open_table(path, path.name)
    job, has_rows = start_import(gate, collection, table, file_name=path.name, details=details,
                                 mapping=list_io.map_header(table.header) if mapping is None
                                 else mapping)
    return import_rows(gate, job, table, progress=progress) if has_rows else job


def rows_of(job: ImportJob, entries: Iterable[ListEntry]) -> list[dict[str, str]]:
    """The standard values of entries of one job, from their original rows."""
    return [list_io.mapped_values(json.loads(entry.original or "[]"), job.column_mapping)
            for entry in entries]
