"""Answers in a fixed text format: times, dates with times, GPS points.

Phones record these as ODK writes them: a time ``10:01:27.000-05:00``, a date and time
``2017-12-28T10:01:27.000-05:00``, a point ``latitude longitude altitude accuracy``
(``12.34 -23.45 0 5``; altitude and accuracy may be left out). An answer in another shape is
an error; a point is read by :mod:`.geopoints`, which also makes plain the ways people
write points (decimal commas, N/S/E/W) and refuses a point off the globe.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..instrument import Column
from ._column import Log
from .arrow_lane import Distinct, distinct
from .geopoints import EXPECTED as POINT_EXPECTED
from .geopoints import read_point

if TYPE_CHECKING:
    from collections.abc import Callable

    import pandas as pd

__all__ = ["formatted", "patterned"]

_ZONE = r"(?:Z|[+-]\d{2}(?::?\d{2})?)?"
_CLOCK = r"(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?"
_PATTERNS = {
    "time": re.compile(rf"^{_CLOCK}{_ZONE}$"),
    "datetime": re.compile(rf"^\d{{4}}-\d{{2}}-\d{{2}}[T ]{_CLOCK}{_ZONE}$"),
}
_EXPECTED = {
    "time": "a time such as 14:30 or 14:30:00.000+03:00",
    "datetime": "a date and time such as 2024-05-01T14:30:00.000+03:00",
    "geopoint": POINT_EXPECTED,
}


def _fits(kind: str, text: str) -> bool:
    return bool(_PATTERNS[kind].match(text))


def formatted(column: Column, text: pd.Series, log: Log, by_text: bool = False) -> pd.Series:
    """The answers of a time, datetime or geopoint column; one error per answer that does not
    fit the format, which is left blank (as an unreadable date is). ``by_text``: a CSV's
    column, read by its different texts (:mod:`.arrow_lane`)."""
    kind = column.question.type
    lane = distinct(text) if by_text else None
    if lane is not None:
        if kind == "geopoint":
            return _lane(column, lane, _point_reading, log)
        return _lane(column, lane, lambda value: _fit_reading(kind, value), log)
    if kind == "geopoint":
        return _points(column, text, log)
    import pandas as pd

    bad = pd.Series(
        [isinstance(v, str) and not _fits(kind, v) for v in text], index=text.index, dtype=bool
    )
    for record, value in text[bad].items():
        log.cell(record, column.code, value, f"not_a_{kind}", "error",
                 f"{value!r} is not {_EXPECTED[kind]}", _EXPECTED[kind], None)  # fmt: skip
    return text.where(~bad)


def _points(column: Column, text: pd.Series, log: Log) -> pd.Series:
    """A geopoint column's answers made plain (logged ``geopoint_format``) or refused."""
    readings = {v: read_point(v) for v in text.dropna().unique() if isinstance(v, str)}
    out = text.copy()
    for record, value in text.dropna().items():
        reading = readings.get(value)
        if reading is None:
            continue
        if reading.text is None:
            log.cell(record, column.code, value, reading.check, "error", reading.message,
                     POINT_EXPECTED, None)  # fmt: skip
            out[record] = None
        elif reading.changes:
            log.cell(record, column.code, value, "geopoint_format", "fixed",
                     f"read {value!r} as {reading.text!r} ({'; '.join(reading.changes)})", "",
                     reading.text)  # fmt: skip
            out[record] = reading.text
    return out


def patterned(column: Column, text: pd.Series, log: Log, by_text: bool = False) -> pd.Series:
    """The answers of a text column with a ``pattern``; one ``pattern_mismatch`` error per
    answer the pattern does not find (as ODK's ``regex(., '...')`` does), left blank.
    ``by_text``: a CSV's column, read by its different texts (:mod:`.arrow_lane`)."""
    import pandas as pd

    pattern = re.compile(str(column.question.pattern))
    lane = distinct(text) if by_text else None
    if lane is not None:
        return _lane(column, lane, lambda value: _pattern_reading(pattern, value), log)
    bad = pd.Series(
        [isinstance(v, str) and pattern.search(v) is None for v in text],
        index=text.index,
        dtype=bool,
    )
    for record, value in text[bad].items():
        log.cell(record, column.code, value, "pattern_mismatch", "error",
                 f"{value!r} does not match the pattern {pattern.pattern!r}",
                 pattern.pattern, None)  # fmt: skip
    return text.where(~bad)


_Reading = tuple[str | None, tuple[str, str, str, str, str | None] | None]


def _lane(
    column: Column, lane: Distinct, reading: Callable[[str], _Reading], log: Log
) -> pd.Series:
    """Each different text read once, its answer and finding spread over the rows."""
    import numpy as np

    values, found = lane.read(reading, np.zeros(len(lane.texts), dtype=bool))
    lane.log(log, column.code, found)
    return lane.text(values)


def _fit_reading(kind: str, value: str) -> _Reading:
    if _fits(kind, value):
        return value, None
    return None, (f"not_a_{kind}", "error", f"{value!r} is not {_EXPECTED[kind]}",
                  _EXPECTED[kind], None)  # fmt: skip


def _point_reading(value: str) -> _Reading:
    reading = read_point(value)
    if reading.text is None:
        return None, (reading.check, "error", reading.message, POINT_EXPECTED, None)
    if reading.changes:
        message = f"read {value!r} as {reading.text!r} ({'; '.join(reading.changes)})"
        return reading.text, ("geopoint_format", "fixed", message, "", reading.text)
    return value, None


def _pattern_reading(pattern: re.Pattern[str], value: str) -> _Reading:
    if pattern.search(value) is not None:
        return value, None
    return None, ("pattern_mismatch", "error",
                  f"{value!r} does not match the pattern {pattern.pattern!r}",
                  pattern.pattern, None)  # fmt: skip
