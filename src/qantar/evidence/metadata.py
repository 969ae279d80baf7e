"""What a file says about itself: image size and EXIF (camera, time taken, GPS position).

Read from the first bytes of the file only (the store keeps them while it encrypts), with
Pillow, without decoding the picture. Metadata can identify people (a position, a phone's
serial number, an owner's name), so it is kept sealed; nothing here writes anywhere.
"""

from __future__ import annotations

import io
import math
import re
import struct
from typing import Any

from PIL import ExifTags, Image

from qantar.audit.services import safe_label

# Base image directory, then the Exif sub-directory: the tags worth keeping, by name.
_BASE_TAGS = {
    271: "make",
    272: "model",
    305: "software",
    306: "modified",
    315: "artist",
    33432: "copyright",
}
_EXIF_TAGS = {
    36867: "taken",
    36868: "digitized",
    36881: "time_zone",
    42016: "image_id",
    42032: "owner",
    42033: "serial_number",
    42036: "lens",
}
_READ_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    KeyError,
    TypeError,
    IndexError,
    ZeroDivisionError,
    struct.error,
    Image.DecompressionBombError,
)
_EXIF_DATE = re.compile(r"^(\d{4})[:\-](\d{2})[:\-](\d{2})")


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    text = safe_label(str(value)).replace("\x00", "").strip()
    return text or None


def _degrees(value: Any, reference: Any) -> float | None:
    try:
        degrees, minutes, seconds = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if not math.isfinite(decimal):
        return None
    return round(-decimal if str(reference).upper() in {"S", "W"} else decimal, 6)


def _gps(exif: Image.Exif) -> dict[str, float]:
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    position = {
        "latitude": _degrees(gps.get(ExifTags.GPS.GPSLatitude), gps.get(1)),
        "longitude": _degrees(gps.get(ExifTags.GPS.GPSLongitude), gps.get(3)),
    }
    altitude = gps.get(ExifTags.GPS.GPSAltitude)
    if altitude is not None and math.isfinite(float(altitude)):
        position["altitude"] = round(float(altitude), 1)
    return {key: value for key, value in position.items() if value is not None}


def _tags(directory: Any, names: dict[int, str]) -> dict[str, str]:
    found = {name: _text(directory.get(tag)) for tag, name in names.items() if tag in directory}
    return {name: value for name, value in found.items() if value}


def extract_metadata(head: bytes, media_type: str) -> dict[str, Any]:
    """Image size, EXIF tags and GPS position of an image, from its first bytes ({} if none)."""
    if not media_type.startswith("image/"):
        return {}
    try:
        with Image.open(io.BytesIO(head)) as image:
            found: dict[str, Any] = {"width": image.width, "height": image.height}
            exif = image.getexif()
            found |= _tags(exif, _BASE_TAGS) | _tags(exif.get_ifd(ExifTags.IFD.Exif), _EXIF_TAGS)
            gps = _gps(exif)
    except _READ_ERRORS:
        return {}
    if gps:
        found["gps"] = gps
    return found


def captured_date(metadata: dict[str, Any]) -> str:
    """The day the picture was taken, from EXIF, as YYYY-MM-DD ("" when unknown)."""
    match = _EXIF_DATE.match(str(metadata.get("taken") or ""))
    if not match or match.group(1) == "0000":
        return ""
    return "-".join(match.groups())
