"""How normalising reads one text as a number or a date, with its finding.

Both lanes of :mod:`.normalise` (the cell-by-cell one and the Arrow one of
:mod:`.arrow_lane`) read each different text that is not already plain through these, so
that they give the same value and the same finding for it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from .cells import is_dont_know, parse_date, parse_number, serial_to_date, show

__all__ = [
    "ISO_DATE",
    "LOGGED",
    "PLAIN",
    "date_reading",
    "fixed_message",
    "is_day",
    "number_reading",
]

PLAIN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_WORDS = {
    "whitespace": "spaces around it removed",
    "full_width_digits": "full-width characters made plain",
    "currency_mark": "currency mark removed",
    "magnitude_word": "magnitude word multiplied out",
    "thousands_separator": "thousands separators removed",
    "number_as_text": "a number stored as text",
    "date_as_text": "a date typed as text",
    "date_serial": "an Excel date serial number",
}
_PRIORITY = (
    "magnitude_word",
    "currency_mark",
    "thousands_separator",
    "full_width_digits",
    "date_serial",
    "date_as_text",
    "number_as_text",
    "whitespace",
)


def fixed_message(before: Any, after: Any, changes: list[str]) -> tuple[str, str]:
    """The check code of a change (the most telling one) and its message."""
    check = next(c for c in _PRIORITY if c in changes)
    words = "; ".join(_WORDS[c] for c in _PRIORITY if c in changes)
    return check, f"read {show(before)!r} as {show(after)} ({words})"


LOGGED = ("check", "severity", "message", "expected", "fixed_value")


def number_reading(value: str, typed: bool) -> tuple[float, tuple[str, str, str, str, Any] | None]:
    """A text's number (NaN if none) and its finding (``LOGGED``'s fields), if it has one."""
    if not value.strip():
        return float("nan"), None
    parsed = parse_number(value)
    if parsed is None:
        return float("nan"), ("not_a_number", "error", _not_a_number(value), "a number", None)
    number, changes = parsed
    if not typed:
        changes.remove("number_as_text")  # a CSV holds every number as text
    if not changes:
        return number, None
    check, message = fixed_message(value, number, changes)
    return number, (check, "fixed", message, "", show(number))


def _not_a_number(text: str) -> str:
    if is_dont_know(text):
        return (
            f"{text!r} means 'don't know' or 'refused', which is not a number; ask again, "
            "or leave the cell blank if the question may be skipped"
        )
    reading = _other_digits(text)
    if reading is not None:
        return (
            f"{text!r} is written with digits other than 0-9; if it means {reading}, type {reading}"
        )
    return f"{text!r} is not a number; write digits only"


def _other_digits(text: str) -> str | None:
    """The reading of a number written with other digits (``٤٠``, ``3²``), offered, not taken."""
    import unicodedata

    work = text.strip()
    digits = "".join(
        str(unicodedata.digit(c))
        if not c.isascii() and unicodedata.digit(c, None) is not None
        else c
        for c in work
    )
    return digits if digits != work and re.fullmatch(PLAIN, digits) else None


def is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def date_reading(value: Any, typed: bool) -> tuple[str | None, tuple[Any, ...] | None]:
    """The ISO date of a cell off the fast path, and its finding (``LOGGED``'s fields)."""
    expected = "a date such as 2022-08-03"
    if isinstance(value, float | int) and not isinstance(value, bool):
        day = serial_to_date(float(value))
        if day is None:
            return None, ("not_a_date", "error", f"{show(value)} is not a date", expected, None)
        message = f"read {show(value)} as {day.isoformat()} (an Excel date serial number)"
        return day.isoformat(), ("date_serial", "fixed", message, "", day.isoformat())
    if not isinstance(value, str):
        return None, ("not_a_date", "error", f"{show(value)!r} is not a date", expected, None)
    if not value.strip():
        return None, None
    parsed = parse_date(value)
    if parsed is None:
        year_first = re.match(r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}", value.strip())
        why = "there is no such day" if year_first else "write it year first, e.g. 2022-08-03"
        return None, ("not_a_date", "error", f"{value!r} is not a date; {why}", expected, None)
    day, changes = parsed
    if not (typed or changes):
        return day.isoformat(), None
    check, message = fixed_message(value, day, changes or ["date_as_text"])
    return day.isoformat(), (check, "fixed", message, "", day.isoformat())
