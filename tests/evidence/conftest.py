"""Evidence fixtures: a private store per test, files (a JPEG with EXIF and GPS), helpers."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from qantar.accounts.choices import Role
from qantar.audit.models import AuditEntry
from qantar.common.access import Gate
from qantar.evidence import services
from qantar.evidence.models import CustodyEvent, EvidenceItem
from qantar.evidence.store import BlobWriter, ReceivedFile
from tests.fixtures.factories import make_user, member


@pytest.fixture(autouse=True)
def store(settings, tmp_path) -> Path:
    """A fresh evidence store for each test."""
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    return settings.EVIDENCE_DIR


def jpeg_with_gps(text: str = "") -> bytes:
    """A small JPEG whose EXIF names a camera, a time and a GPS position (Almaty)."""
    exif = Image.Exif()
    exif[271], exif[272] = "Samsung", "SM-A515F"
    exif.get_ifd(0x8769)[36867] = "2022:01:05 14:03:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (43.0, 14.0, 17.4)
    gps[3], gps[4] = "E", (76.0, 56.0, 44.04)
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, "JPEG", exif=exif, comment=text)
    return buffer.getvalue()


def receive(data: bytes, name: str = "injury.jpg", max_bytes: int = 10_000_000) -> ReceivedFile:
    """A file received into the store as the upload handler and the CLI receive it."""
    writer = BlobWriter(name=name, max_bytes=max_bytes)
    for start in range(0, len(data), 7000):
        writer.update(data[start : start + 7000])
    return writer.finish()


def add(
    gate: Gate, collection: Any, data: bytes, name: str = "injury.jpg", **values: Any
) -> services.Added:
    """Add a file as evidence (kind photo unless told), discarding what was received."""
    received = receive(data, name)
    try:
        return services.add_evidence(gate, collection, received, {"kind": "photo"} | values)
    finally:
        received.discard()


def files_in(folder: Path) -> list[str]:
    """Every file under a folder, relative, sorted."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def state() -> dict[str, int]:
    """Rows that any write would add."""
    return {
        "items": EvidenceItem.all_objects.count(),
        "custody": CustodyEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.fixture
def admin_gate(collection) -> Gate:
    """An administrator of the collection."""
    return Gate.for_user(member(make_user("admin"), collection, Role.ADMINISTRATOR))
