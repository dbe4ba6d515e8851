"""The answers of a ``datetime`` column (a start or end time), as ISO 8601 text.

Phones export a date and time as ODK writes it, ``2024-05-01T14:30:00.000+03:00`` (KoboToolbox,
ODK Central and SurveyCTO's ``start``, ``end``, ``starttime``); such an answer is kept as it
is (as is ``2017-03-13T11:25:31.707-04``, an offset in whole hours). A workbook's date-time
cell becomes ``2024-05-01T14:30:00`` (a workbook knows no time zone). What is read otherwise
is logged as ``fixed``: an Excel serial number (``45413.6041666667``, ``datetime_serial``), a
text with a space, without seconds, with slashes or with a ``+0300`` offset, or SurveyCTO's
``Jul 2, 2022 10:05:00 AM`` (``datetime_as_text``). A text that is no date and time, or names
a day that does not exist, is a ``not_a_datetime`` error and the answer is blank.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from .cells import EXCEL_EPOCH, serial_to_date, show

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Column
    from ._column import Log, Parts
    from .arrow_lane import Distinct

__all__ = ["EXPECTED", "datetimes", "parse_datetime", "read_datetime"]

EXPECTED = "a date and time such as 2024-05-01T14:30:00+03:00"
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}(?::\d{2})?)?", re.A
)
_LOOSE = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+|\s*T\s*)(\d{1,2}):(\d{2})"
    r"(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
    re.A | re.I,
)


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_SURVEYCTO = re.compile(
    r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AP]M)",
    re.A | re.I,
)


def _month_first(text: str) -> datetime | None:
    """SurveyCTO's export form, ``Jul 2, 2022 10:05:00 AM`` (the month named: no ambiguity)."""
    match = _SURVEYCTO.fullmatch(text.strip())
    if match is None or match[1].lower() not in _MONTHS:
        return None
    month, day, year, hour, minute, second, half = match.groups()
    hour_24 = int(hour) % 12 + (12 if half.upper() == "PM" else 0)
    if not 1 <= int(hour) <= 12:
        return None
    try:
        return datetime(int(year), _MONTHS.index(month.lower()) + 1, int(day), hour_24,
                        int(minute), int(second or 0))  # fmt: skip
    except ValueError:
        return None


def parse_datetime(text: str) -> datetime | None:
    """A date and time written year first, with an optional offset, or as SurveyCTO exports
    it (``Jul 2, 2022 10:05:00 AM``); ``None`` if it is none.

    Examples
    --------
    >>> parse_datetime("2024-05-01T14:30:00.000+03:00").isoformat()
    '2024-05-01T14:30:00+03:00'
    >>> parse_datetime("2024/5/1 9:05 +0800").isoformat()
    '2024-05-01T09:05:00+08:00'
    >>> parse_datetime("Jul 2, 2022 1:05:00 PM").isoformat()
    '2022-07-02T13:05:00'
    >>> parse_datetime("2024-02-30T10:00:00") is None
    True
    """
    match = _LOOSE.fullmatch(text.strip())
    if match is None:
        return _month_first(text)
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    tz = None
    if zone is not None:
        zone = zone.upper()
        if zone == "Z":
            tz = UTC
        else:
            digits = zone[1:].replace(":", "").ljust(4, "0")
            hours, minutes = int(digits[:2]), int(digits[2:])
            if hours > 23 or minutes > 59:
                return None
            offset = timedelta(hours=hours, minutes=minutes)
            tz = timezone(-offset if zone[0] == "-" else offset)
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, tz
        )
    except ValueError:
        return None


def _iso(moment: datetime) -> str:
    spec = "milliseconds" if moment.microsecond else "seconds"
    return moment.isoformat(timespec=spec)


def read_datetime(value: Any) -> tuple[str | None, tuple[str, str, str, str, Any] | None]:
    """One cell's ISO text and its finding (check, severity, message, expected, fixed value)."""
    if isinstance(value, datetime):  # a workbook's date-time cell
        return _iso(value), None
    if isinstance(value, float | int) and not isinstance(value, bool):
        return _serial(float(value))
    if isinstance(value, date):
        message = f"{value.isoformat()} is a date without its time of day"
        return None, ("not_a_datetime", "error", message, EXPECTED, None)
    if not isinstance(value, str):
        return None, ("not_a_datetime", "error", f"{show(value)!r} is not a date and time",
                      EXPECTED, None)  # fmt: skip
    if not value.strip():
        return None, None
    if _ISO.fullmatch(value):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            pass  # the form of a date and time, but no such day: read below, refused
        else:
            return value, None
    moment = parse_datetime(value)
    if moment is None:
        message = f"{value!r} is not a date and time; write it year first, e.g. 2024-05-01 14:30"
        return None, ("not_a_datetime", "error", message, EXPECTED, None)
    text = _iso(moment)
    message = f"read {value!r} as {text} (a date and time written another way)"
    return text, ("datetime_as_text", "fixed", message, "", text)


def _serial(serial: float) -> tuple[str | None, tuple[str, str, str, str, Any] | None]:
    whole = float(int(serial)) if serial >= 1 else serial
    if serial_to_date(whole) is None or serial != serial:
        message = f"{show(serial)} is not a date and time"
        return None, ("not_a_datetime", "error", message, EXPECTED, None)
    seconds = round((serial - int(serial)) * 86400)
    moment = datetime.combine(EXCEL_EPOCH, datetime.min.time()) + timedelta(
        days=int(serial) + (serial < 60), seconds=seconds
    )
    text = _iso(moment)
    message = f"read {show(serial)} as {text} (an Excel date and time serial number)"
    return text, ("datetime_serial", "fixed", message, "", text)


def datetimes(column: Column, parts: Parts | Distinct, log: Log) -> pd.Series:
    """The answers of a datetime column as ISO text, each change and failure logged.

    Parameters
    ----------
    column : Column
        The datetime column.
    parts : Parts or Distinct
        Its cells, split by kind, or a CSV column's different texts.
    log : Log
        Where each ``fixed`` or ``not_a_datetime`` finding goes.

    Returns
    -------
    Series
        ISO 8601 text per record (``str`` dtype), missing where blank or unreadable.
    """
    import numpy as np
    import pandas as pd

    from .arrow_lane import Distinct

    if isinstance(parts, Distinct):  # each different text read once
        texts, found = parts.read(read_datetime, np.zeros(len(parts.texts), dtype=bool))
        parts.log(log, column.code, found)
        return parts.text(texts)
    index = parts.index
    out = np.full(len(index), None, dtype=object)
    every: list[tuple[int, Any]] = list(zip(parts.text_at.tolist(), parts.text, strict=True))
    others = np.sort(np.concatenate([parts.numbers_at, parts.days_at, parts.other_at]))
    if len(others):
        every += list(zip(others.tolist(), parts.at(others), strict=True))
    read: dict[tuple[type, Any], tuple[str | None, Any]] = {}
    for place, value in sorted(every, key=lambda pair: pair[0]):
        key = (type(value), value)
        if key not in read:
            read[key] = read_datetime(value)
        text, finding = read[key]
        out[place] = text
        if finding is not None:
            check, severity, message, expected, fixed = finding
            log.cell(index[place], column.code, value, check, severity, message, expected, fixed)
    return pd.Series(out, index=index, dtype="str")
