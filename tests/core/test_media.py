"""Media types from content (never from the name) and file names safe to keep and send."""

from __future__ import annotations

import pytest

from qantar.core.media import detect_media_type, extension_for, safe_file_name


@pytest.mark.parametrize(
    ("head", "media_type"),
    [
        (b"\xff\xd8\xff\xe1\x00\x10Exif", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "image/webp"),
        (b"RIFF\x00\x00\x00\x00WAVEfmt ", "audio/wav"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", "image/heic"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00", "video/quicktime"),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"ID3\x04\x00", "audio/mpeg"),
        (b"OggS\x00\x02", "audio/ogg"),
        (
            b"PK\x03\x04\x14\x00\x00\x00word/document.xml",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (b"PK\x03\x04\x14\x00\x00\x00other.txt", "application/zip"),
        (
            b"Hospital letter, \xd0\x91\xd0\xbe\xd0\xbb\xd1\x8c\xd0\xbd\xd0\xb8\xd1\x86\xd0\xb0",
            "text/plain",
        ),
        (b"<html><script>alert(1)</script></html>", "text/plain"),
        (b"\x00\x01\x02\x03\xfe", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_the_media_type_comes_from_the_first_bytes(head, media_type):
    assert detect_media_type(head) == media_type


def test_text_cut_inside_a_character_is_still_text():
    assert detect_media_type("Больница".encode()[:-1]) == "text/plain"


def test_extensions():
    assert extension_for("image/jpeg") == ".jpg"
    assert extension_for("application/x-unknown") == ".bin"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("photo.jpg", "photo.jpg"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\aigerim\\Desktop\\injury.jpg", "injury.jpg"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("a\x00b\x1b[31mc\n.pdf", "ab[31mc .pdf"),
        ("zero\u200bwidth.png", "zerowidth.png"),
        ("  spaced\tout  .jpg", "spaced out .jpg"),
        ("..", ""),
        ("Справка из больницы №3.pdf", "Справка из больницы №3.pdf"),
    ],
)
def test_hostile_file_names_are_made_safe(given, kept):
    assert safe_file_name(given) == kept


def test_a_very_long_name_keeps_its_extension():
    kept = safe_file_name("x" * 10_000 + ".jpeg")
    assert len(kept) == 255
    assert kept == "x" * 250 + ".jpeg"
    assert safe_file_name("y" * 300) == "y" * 255
