"""GPS points as phones and people write them: read, made plain, or refused.

A phone writes a point ``latitude longitude altitude accuracy`` in decimal degrees and
metres (``-1.2921 36.8219 1795 4.5``; altitude and accuracy may be left out). People write
them otherwise, and these are read and logged as a ``fixed`` change (``geopoint_format``):

- decimal commas: ``-1,2921 36,8219``;
- a comma between latitude and longitude: ``-1.2921, 36.8219``;
- hemispheres and degrees: ``1.2921°S 36.8219°E``, ``S 1.2921 E 36.8219``, and degrees,
  minutes and seconds ``1°17'31.6"S 36°49'18.8"E``.

A point that cannot be read (a word, NaN, infinity, one part or five) is ``not_a_geopoint``,
and so is a point off the globe (a latitude beyond ±90, a longitude beyond ±180, a negative
accuracy); ``0 0`` is ``gps_zero_point``, the point a phone writes when it has no fix. All
three are errors: the row goes to the quarantine.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

__all__ = ["EXPECTED", "PointReading", "read_point"]

EXPECTED = "latitude (-90 to 90) and longitude (-180 to 180), then altitude and accuracy"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_SEXAGESIMAL = re.compile(
    r"(?P<deg>\d+(?:\.\d+)?)\s*°\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*['′’]\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:[\"″”]|''|′′)\s*)?"
)
_HEMISPHERES = {"n": (0, 1), "s": (0, -1), "e": (1, 1), "w": (1, -1)}
_NAMES = ("latitude", "longitude", "altitude", "accuracy")


@dataclass(frozen=True)
class PointReading:
    """What a cell says: the point as plain text, or why it is not one.

    Attributes
    ----------
    text : str or None
        ``latitude longitude [altitude [accuracy]]`` with plain numbers; ``None`` if refused.
    changes : tuple of str
        What was made plain (empty when the cell was already plain).
    check, message : str
        The error's check code and message when refused (``""`` otherwise).
    """

    text: str | None
    changes: tuple[str, ...] = ()
    check: str = ""
    message: str = ""


def _refused(value: str, why: str, check: str = "not_a_geopoint") -> PointReading:
    return PointReading(None, check=check, message=f"{value!r} is not a GPS point: {why}")


def read_point(value: str) -> PointReading:
    """Read one cell as a GPS point.

    Parameters
    ----------
    value : str
        The cell's text.

    Returns
    -------
    PointReading
        The plain point and what was changed, or the check code and message of its error.
    """
    work = " ".join(value.split())
    changes: list[str] = []
    if any(not c.isprintable() for c in work):
        return _refused(value, "it holds a control character")
    parts, separated = _parts(work)
    if separated:
        changes.append("a comma between latitude and longitude read as a space")
    numbers: list[float] = []
    shown: list[str] = []
    for place, part in enumerate(parts):
        if part == "?" and place < 2:  # a part split from the point is missing
            return _refused(value, f"the {_NAMES[place]} is missing")
        read = _part(part, place)
        if isinstance(read, str):
            return _refused(value, read)
        number, text, change = read
        numbers.append(number)
        shown.append(text)
        if change and change not in changes:
            changes.append(change)
    if not 2 <= len(numbers) <= 4:
        return _refused(value, f"{len(numbers)} numbers where 2 to 4 are expected ({EXPECTED})")
    why = _off_globe(numbers)
    if why:
        return _refused(value, why)
    if float(shown[0]) == 0 and float(shown[1]) == 0:  # as written: 1E-8E is 0 at 7 decimals
        why = "0 0 is the point a phone writes when it has no fix; measure it again"
        return _refused(value, why, "gps_zero_point")
    return PointReading(" ".join(shown), tuple(changes))


def _parts(work: str) -> tuple[list[str], bool]:
    """The point's parts, and whether a comma separated latitude from longitude."""
    pair = re.fullmatch(rf"({_NUMBER.pattern})\s*,\s*({_NUMBER.pattern})((?:\s+\S+)*)", work)
    if pair and "." in pair.group(1) + pair.group(2):  # 1.5,36.8: not a decimal comma
        return [pair.group(1), pair.group(2), *pair.group(3).split()], True
    lead = re.match(r"\s*[NSEWnsew](?:\s|\d)", work)  # S 1.29 E 36.8 or 1.29 S 36.8 E
    if lead:
        work = re.sub(r"(?<![^\s])([NSEWnsew])\s+", r"\1", work)
    else:
        work = re.sub(r"\s+([NSEWnsew])(?![^\s])", r"\1", work)
    return work.split(), False


def _part(part: str, place: int) -> tuple[float, str, str] | str:
    """A part's number, its plain text and what was changed; or why it is not a number."""
    name = _NAMES[place] if place < len(_NAMES) else "fifth number"
    if _NUMBER.fullmatch(part):
        number = float(part)
        return (number, part, "") if math.isfinite(number) else f"the {name} is not a number"
    if _DECIMAL_COMMA.fullmatch(part):
        plain = part.replace(",", ".")
        return float(plain), plain, "decimal commas read as points"
    sign, body = 1, part
    letter = ""
    if body[:1].casefold() in _HEMISPHERES:
        letter, body = body[:1].casefold(), body[1:]
    elif body[-1:].casefold() in _HEMISPHERES:
        letter, body = body[-1:].casefold(), body[:-1]
    if letter:
        axis, sign = _HEMISPHERES[letter]
        if axis != place:
            return f"{letter.upper()} does not belong to the {name}"
        if body.startswith(("-", "+")):
            return f"the {name} has both a sign and {letter.upper()}"
    degrees = _degrees(body.replace(",", "."))
    if degrees is None:
        return f"the {name} is not a number"
    plain = _plain(sign * degrees)
    said = [
        "decimal commas read as points" if "," in body else "",
        "N, S, E, W made signs" if letter else "",
        "degrees, minutes and seconds made decimal degrees" if "°" in body else "",
    ]
    return sign * degrees, plain, "; ".join(w for w in said if w)


def _degrees(body: str) -> float | None:
    """Decimal degrees of ``12.5``, ``12.5°`` or ``12°30'15"``; ``None`` otherwise."""
    if _NUMBER.fullmatch(body) and not body.startswith(("-", "+")):
        return float(body)
    found = _SEXAGESIMAL.fullmatch(body)
    if found is None:
        return None
    minutes, seconds = float(found["min"] or 0), float(found["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        return None
    return float(found["deg"]) + minutes / 60 + seconds / 3600


def _plain(number: float) -> str:
    """A number of degrees as text: up to 7 decimals (about a centimetre), no trailing 0."""
    text = f"{number:.7f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _off_globe(numbers: list[float]) -> str:
    latitude, longitude = numbers[0], numbers[1]
    if not -90 <= latitude <= 90:
        swapped = -90 <= longitude <= 90 and -180 <= latitude <= 180
        hint = "; latitude and longitude may be swapped" if swapped else ""
        return f"the latitude is beyond ±90{hint}"
    if not -180 <= longitude <= 180:
        return "the longitude is beyond ±180"
    if len(numbers) == 4 and numbers[3] < 0:
        return "the accuracy is negative; it is a distance in metres"
    return ""
