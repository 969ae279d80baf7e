"""What a file is, from its first bytes, and a file name that is safe to keep and to send back.

The media type of evidence comes from the content ("magic bytes"), never from the name or from
what the uploading browser claims: a photo renamed ``.pdf`` is still a photo, and an HTML page
renamed ``.jpg`` is served as plain text or as bytes, never as a page.
"""

from __future__ import annotations

import unicodedata
from typing import Final

HEAD_BYTES: Final = 64 * 1024
OCTET_STREAM: Final = "application/octet-stream"
NAME_MAX: Final = 255

# (offset, signature, media type), checked in order.
_SIGNATURES: Final[tuple[tuple[int, bytes, str], ...]] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"BM", "image/bmp"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"#!AMR", "audio/amr"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
    (0, b"{\\rtf", "application/rtf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"Rar!\x1a\x07", "application/vnd.rar"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
)
_RIFF: Final = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
# ISO base media (MP4, QuickTime, HEIC, M4A, 3GP): the brand after "ftyp".
_BRANDS: Final = {
    b"heic": "image/heic", b"heix": "image/heic", b"mif1": "image/heif", b"msf1": "image/heif",
    b"avif": "image/avif", b"qt  ": "video/quicktime", b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4", b"3gp4": "video/3gpp", b"3gp5": "video/3gpp", b"3g2a": "video/3gpp2",
}  # fmt: skip
# Office Open XML and OpenDocument are ZIP files: the first entry's name tells which.
_ZIP_MEMBERS: Final = (
    (b"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (b"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (b"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    (b"mimetypeapplication/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.text"),
    (b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet",
     "application/vnd.oasis.opendocument.spreadsheet"),
)  # fmt: skip


def _iso_media(head: bytes) -> str | None:
    if head[4:8] != b"ftyp":
        return None
    return _BRANDS.get(head[8:12], "video/mp4")


def _zip_kind(head: bytes) -> str:
    window = head[:4096]
    for marker, media_type in _ZIP_MEMBERS:
        if marker in window:
            return media_type
    return "application/zip"


def _is_mp3_frame(head: bytes) -> bool:
    return len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 != 0


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    sample = head[:HEAD_BYTES]
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(sample) - 3:
            return False
    return True


def detect_media_type(head: bytes) -> str:
    """The media type of a file from its first bytes (``HEAD_BYTES`` are enough).

    Unknown binary content is ``application/octet-stream``; readable UTF-8 without NUL bytes is
    ``text/plain`` (HTML, SVG and scripts included: they are never served as what they are).
    """
    if not head:
        return OCTET_STREAM
    for offset, signature, media_type in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return _zip_kind(head) if media_type == "application/zip" else media_type
    if head[:4] == b"RIFF" and head[8:12] in _RIFF:
        return _RIFF[head[8:12]]
    iso = _iso_media(head)
    if iso is not None:
        return iso
    if _is_mp3_frame(head):
        return "audio/mpeg"
    return "text/plain" if _is_text(head) else OCTET_STREAM


EXTENSIONS: Final = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/tiff": ".tif",
    "image/bmp": ".bmp", "image/webp": ".webp", "image/heic": ".heic", "image/heif": ".heif",
    "image/avif": ".avif", "application/pdf": ".pdf", "video/webm": ".webm",
    "video/mp4": ".mp4", "video/quicktime": ".mov", "video/x-msvideo": ".avi",
    "video/3gpp": ".3gp", "video/3gpp2": ".3g2", "audio/ogg": ".ogg", "audio/flac": ".flac",
    "audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/wav": ".wav", "audio/amr": ".amr",
    "application/rtf": ".rtf", "application/zip": ".zip", "text/plain": ".txt",
    "application/x-ole-storage": ".doc", "application/vnd.rar": ".rar",
    "application/x-7z-compressed": ".7z",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}  # fmt: skip


def extension_for(media_type: str) -> str:
    """The usual file extension of a media type (``.bin`` when unknown)."""
    return EXTENSIONS.get(media_type, ".bin")


# Control and format characters (bidirectional overrides, zero-width characters), separators
# other than the plain space, surrogates and unassigned code points.
_UNSAFE_CATEGORIES: Final = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def safe_file_name(name: str, max_length: int = NAME_MAX) -> str:
    """A file name without folders, control or direction-changing characters, and not too long.

    ``../../etc/passwd`` becomes ``passwd``; ``photo\\u202egnp.exe`` becomes ``photognp.exe``;
    a name longer than ``max_length`` characters is shortened, keeping its extension. The
    result may be empty (the caller decides what to call the file then).
    """
    text = unicodedata.normalize("NFC", name.replace("\\", "/")).rsplit("/", 1)[-1]
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or unicodedata.category(char) not in _UNSAFE_CATEGORIES
    )
    text = " ".join(text.split()).strip(" .")
    if len(text) <= max_length:
        return text
    stem, dot, extension = text.rpartition(".")
    if dot and stem and 0 < len(extension) <= 16:
        return stem[: max_length - len(extension) - 1].rstrip(" .") + "." + extension
    return text[:max_length].rstrip(" .")
