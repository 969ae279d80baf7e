"""The evidence upload handler: the file is encrypted into the store as it streams in.

Django's own handlers keep an upload in memory (small) or in a temporary file in clear (large);
Qantar allows only the first (``FILE_UPLOAD_HANDLERS``). The evidence upload page alone uses
:class:`EncryptingUploadHandler` instead: each chunk of the request body is encrypted into
``incoming/`` in the evidence store before the next one is read, so no plain byte of the file
is ever written anywhere, whatever its size. Past ``QANTAR_EVIDENCE_MAX_BYTES`` the upload is
stopped, what was written is removed, and the page says why.

The handler must be installed before anything reads ``request.POST`` — which the CSRF check
does — so the view that uses it is exempt from the middleware's check and checks the token
itself once the handler is in place (see :mod:`qantar.evidence.views`).
"""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import (
    FileUploadHandler,
    SkipFile,
    StopFutureHandlers,
    StopUpload,
)

from qantar.core.errors import ValidationFailed
from qantar.evidence.store import BlobWriter, ReceivedFile

FILE_FIELD = "file"


class SealedUpload(UploadedFile):
    """What the form sees of an uploaded file: its name and size; its bytes are in the store."""

    def __init__(self, received: ReceivedFile) -> None:
        super().__init__(
            file=io.BytesIO(),
            name=received.name or "evidence",
            content_type="application/octet-stream",
            size=received.size_bytes,
        )
        self.received = received


class EncryptingUploadHandler(FileUploadHandler):
    """Encrypts the one file of the ``file`` field into the evidence store, chunk by chunk."""

    chunk_size = 256 * 1024

    def __init__(self, max_bytes: int, request: Any = None) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.writer: BlobWriter | None = None
        self.received: ReceivedFile | None = None
        self.error: ValidationFailed | None = None

    def new_file(self, field_name: str, file_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, file_name, *args, **kwargs)
        if field_name != FILE_FIELD or self.writer is not None:
            raise SkipFile()  # one file, in one field: anything else is not read
        self.writer = BlobWriter(name=file_name, max_bytes=self.max_bytes)
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        assert self.writer is not None
        try:
            self.writer.update(raw_data)
        except ValidationFailed as error:
            self.error = error  # the writer removed its file; the view shows the message
            raise StopUpload(connection_reset=False) from None
        return None

    def file_complete(self, file_size: int) -> SealedUpload | None:
        if self.writer is None or self.error is not None:
            return None
        self.received = self.writer.finish()
        return SealedUpload(self.received)

    def upload_interrupted(self) -> None:
        self.discard()

    def discard(self) -> None:
        """Remove whatever this upload left in the store unless it was stored as evidence."""
        if self.received is not None:
            self.received.discard()
        elif self.writer is not None:
            self.writer.abort()
