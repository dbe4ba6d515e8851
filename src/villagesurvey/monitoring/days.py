"""The day of each interview: one rule for every view that counts days.

Row by row, the day is read from the first of these that gives one:

1. the instrument's ``monitoring: date:`` question (by default the date or datetime
   question coded ``interview_date``);
2. its ``monitoring: start:`` time (by default the datetime question coded ``start``);
3. a phone export's submission time (``_submitted``).

A value gives a day when it is a date, a date and time, or a time as SurveyCTO writes it
(``Jul 2, 2022 10:05:00 AM``); the day is the one written: ``2022-07-01T23:30:00.000Z`` is
1 July (in UTC). Progress's interviews per day and the enumerators' days worked both come
from :func:`interview_days`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from ..validate.cells import show
from ..validate.result import PROVENANCE

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import Validation

__all__ = ["InterviewDays", "interview_days"]

_ISO_DAY = re.compile(r"\s*([0-9]{4}-[0-9]{2}-[0-9]{2})(?:$|[T ])")
_WRITTEN = ("%b %d, %Y %I:%M:%S %p", "%b %d, %Y %H:%M:%S", "%b %d, %Y")
"""Times as SurveyCTO exports them: ``Jul 2, 2022 10:05:00 AM``."""


@dataclass(frozen=True)
class InterviewDays:
    """The day of each interview, and where the days came from.

    Attributes
    ----------
    day : Series
        Indexed like ``validation.typed``: the day (``YYYY-MM-DD``) of each row, or ``None``.
    sources : dict
        Each column read, in the order tried, and the rows whose day it gave (0 when every
        row it could date was dated before); a column absent from the returns (or a
        submission time that is blank everywhere) is not listed.
    """

    day: pd.Series
    sources: dict[str, int]


def interview_days(validation: Validation) -> InterviewDays:
    """The day of each interview of ``validation``, row by row (see the module).

    Parameters
    ----------
    validation : Validation
        The checked rows.

    Returns
    -------
    InterviewDays
        The day of each row and the rows dated by each source.
    """
    import pandas as pd

    typed, raw = validation.typed, validation.raw
    watch = validation.instrument.monitoring
    columns: list[tuple[str, pd.Series]] = [
        (code, typed[code]) for code in (watch.date, watch.start) if code and code in typed
    ]
    submitted = PROVENANCE["submitted"]
    if submitted in raw and raw[submitted].notna().any():
        columns.append((submitted, raw[submitted].reindex(typed.index)))
    day = pd.Series(None, index=typed.index, dtype=object)
    sources: dict[str, int] = {}
    for name, values in dict(columns).items():
        read = _days(values)
        fill = day.isna() & read.notna()
        day = day.where(~fill, read)
        sources[name] = int(fill.sum())
    return InterviewDays(day, sources)


def _days(values: pd.Series) -> pd.Series:
    """The day of each value, or None, reading each different value once."""
    import pandas as pd

    unique = pd.unique(values.astype(object))
    found = {v: _day(v) for v in unique}
    return values.astype(object).map(found).astype(object)


def _day(value: object) -> str | None:
    text = show(value).strip()
    iso = _ISO_DAY.match(text)
    if iso:
        try:
            return date.fromisoformat(iso.group(1)).isoformat()
        except ValueError:
            return None
    for form in _WRITTEN:
        try:
            return datetime.strptime(text, form).date().isoformat()
        except ValueError:
            continue
    return None
