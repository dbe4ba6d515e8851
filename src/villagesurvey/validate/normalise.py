"""Turn the cells of every return into typed answers, logging each change and each failure.

Column by column, vectorised: the cells that are already what the column expects (a number
in a number column, a date in a date column, the drop-down's label in a choice column) pass
through a fast path without a finding; only the rest go through :mod:`.cells` one by one.
What the tool changes is a ``fixed`` finding with the value before and after; what it cannot
read is an ``error`` (``not_a_number``, ``not_a_whole_number``, ``not_a_date``,
``unknown_label``) and the answer becomes blank for the later checks.

The expected form of a choice answer depends on the file: our workbook's drop-downs write
labels in the workbook's language (decoding them to codes is reading, not changing, and is
not logged); a CSV export holds codes. The other form is accepted and logged.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument
from ..instrument.model import FORMATTED_TYPES
from ._choices import choices, several, spoken
from ._column import Log, Parts, split
from .cells import is_dont_know, parse_date, parse_number, serial_to_date, show
from .formats import formatted, patterned

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["LANGUAGE", "TYPED", "normalise"]

LANGUAGE = "_language"
"""Column of the raw frame: the template language of the record's file, or ``None``."""
TYPED = "_typed"
"""Column of the raw frame: ``True`` when the file keeps cell types (a workbook, not a CSV)."""

_PLAIN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
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


def normalise(instrument: Instrument, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed answers and the findings of reading them.

    Parameters
    ----------
    instrument : Instrument
        Says each column's type, choices and languages.
    raw : DataFrame
        One row per record: a column of raw cell values per instrument column, plus
        :data:`LANGUAGE` and :data:`TYPED`.

    Returns
    -------
    typed : DataFrame
        Same index; numbers as ``Float64``, dates as ISO text, choices as their codes (text;
        a select_multiple answer as codes separated by spaces), other text stripped.
    findings : DataFrame
        ``record, column, value, check, severity, message, expected, fixed_value``.
    """
    import pandas as pd

    log = Log()
    typed: dict[str, pd.Series] = {}
    flags = raw[TYPED].to_numpy(dtype=bool)
    languages = spoken(raw[LANGUAGE])
    for column in instrument.columns:
        cells = raw[column.code]
        q = column.question
        if q.type in ("integer", "decimal"):
            typed[column.code] = _numbers(column, split(cells), flags, log)
        elif q.type == "date":
            typed[column.code] = _dates(column, split(cells), flags, log)
        elif q.type in ("select_one", "likert"):
            typed[column.code] = choices(instrument, column, split(cells), languages, log)
        elif q.type == "select_multiple":
            typed[column.code] = several(instrument, column, split(cells), log)
        elif q.type in FORMATTED_TYPES:
            typed[column.code] = formatted(column, _texts(column, split(cells), log), log)
        elif q.pattern is not None:
            typed[column.code] = patterned(column, _texts(column, split(cells), log), log)
        else:
            typed[column.code] = _texts(column, split(cells), log)
    return pd.DataFrame(typed, index=raw.index), log.frame()


def _fixed_message(before: Any, after: Any, changes: list[str]) -> tuple[str, str]:
    """The check code of a change (the most telling one) and its message."""
    check = next(c for c in _PRIORITY if c in changes)
    words = "; ".join(_WORDS[c] for c in _PRIORITY if c in changes)
    return check, f"read {show(before)!r} as {show(after)} ({words})"


def _numbers(column: Column, parts: Parts, flags: np.ndarray, log: Log) -> pd.Series:
    import numpy as np
    import pandas as pd

    code, index = column.code, parts.index
    out = np.full(len(index), np.nan)
    out[parts.numbers_at] = parts.numbers
    text = parts.text
    plain, read = _plain_numbers(text)
    fast_at = parts.text_at[plain]
    if len(fast_at):
        out[fast_at] = read[plain]
        loud = plain.copy()
        loud[plain] = flags[fast_at]
        if loud.any():
            shown = text[loud]
            log.many(
                {
                    "record": index[parts.text_at[loud]],
                    "column": code,
                    "value": shown.to_numpy(dtype=object),
                    "check": "number_as_text",
                    "severity": "fixed",
                    "message": [f"read {v!r} as a number (a number stored as text)" for v in shown],
                    "expected": "",
                    "fixed_value": [show(float(v)) for v in out[parts.text_at[loud]]],
                }
            )
    for at, value in zip(parts.text_at[~plain], text[~plain], strict=True):
        if not value.strip():
            continue
        record = index[at]
        parsed = parse_number(value)
        if parsed is None:
            log.cell(record, code, value, "not_a_number", "error", _not_a_number(value),
                     "a number")  # fmt: skip
            continue
        number, changes = parsed
        out[at] = number
        if not flags[at]:
            changes.remove("number_as_text")  # a CSV holds every number as text
        if changes:
            check, message = _fixed_message(value, number, changes)
            log.cell(record, code, value, check, "fixed", message, "", show(number))
    others = np.sort(np.concatenate([parts.days_at, parts.other_at]))
    for at, value in zip(others, parts.at(others) if len(others) else [], strict=True):
        what = "a date" if isinstance(value, date | datetime) else f"{show(value)!r}"
        log.cell(index[at], code, value, "not_a_number", "error",
                 f"{what} is not a number", "a number")  # fmt: skip
    if column.question.type == "integer":
        _whole(column, index, out, log)
    return pd.Series(out, index=index, dtype="Float64")


def _plain_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are plain numbers (digits, a point, a sign), and their values.

    Each different text is looked at once: a column of a million answers holds far fewer.
    """
    import numpy as np
    import pandas as pd

    codes, texts = pd.factorize(text)
    different = pd.Series(texts, dtype="str")
    plain = different.str.fullmatch(_PLAIN).to_numpy(dtype=bool)
    numbers = np.full(len(different), np.nan)
    numbers[plain] = different[plain].astype(float).to_numpy(dtype=float)
    return plain[codes], numbers[codes]


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
    return digits if digits != work and re.fullmatch(_PLAIN, digits) else None


def _whole(column: Column, index: pd.Index, out: np.ndarray, log: Log) -> None:
    import numpy as np

    with np.errstate(invalid="ignore"):
        broken = np.flatnonzero(~np.isnan(out) & (out != np.round(out)))
    for at in broken:
        value = float(out[at])
        log.cell(index[at], column.code, value, "not_a_whole_number", "error",
                 f"{show(value)} is not a whole number", "a whole number")  # fmt: skip
        out[at] = np.nan


def _dates(column: Column, parts: Parts, flags: np.ndarray, log: Log) -> pd.Series:
    import numpy as np
    import pandas as pd

    index = parts.index
    out = np.full(len(index), None, dtype=object)
    if len(parts.days_at):  # what a date cell of a workbook holds
        out[parts.days_at] = [
            (d.date() if isinstance(d, datetime) else d).isoformat()
            for d in parts.at(parts.days_at)
        ]
    text = parts.text
    iso = text.str.fullmatch(_ISO_DATE).to_numpy(dtype=bool) & ~flags[parts.text_at]
    if iso.any():  # 2022-06-31 has the form of a date but is none: off the fast path
        real = {day for day in text[iso].unique() if _is_day(day)}
        iso &= text.isin(real).to_numpy(dtype=bool)
    out[parts.text_at[iso]] = text[iso].to_numpy(dtype=object)  # a CSV's dates
    rest = np.sort(np.concatenate([parts.text_at[~iso], parts.numbers_at, parts.other_at]))
    cells = dict(zip(parts.text_at[~iso], text[~iso], strict=True))
    for at in rest:
        value = cells[at] if at in cells else parts.at(np.array([at]))[0]
        day = _one_date(column.code, index[at], value, bool(flags[at]), log)
        if day is not None:
            out[at] = day
    return pd.Series(out, index=index, dtype="str")


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _one_date(code: str, record: int, value: Any, typed: bool, log: Log) -> str | None:
    """The ISO date of a cell off the fast path, logging the change or the failure."""
    expected = "a date such as 2022-08-03"
    if isinstance(value, float | int) and not isinstance(value, bool):
        day = serial_to_date(float(value))
        if day is None:
            log.cell(record, code, value, "not_a_date", "error",
                     f"{show(value)} is not a date", expected)  # fmt: skip
            return None
        log.cell(record, code, value, "date_serial", "fixed",
                 f"read {show(value)} as {day.isoformat()} (an Excel date serial number)",
                 "", day.isoformat())  # fmt: skip
        return day.isoformat()
    if not isinstance(value, str):
        log.cell(record, code, value, "not_a_date", "error",
                 f"{show(value)!r} is not a date", expected)  # fmt: skip
        return None
    if not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None:
        year_first = re.match(r"[0-9]{4}[-/.年][0-9]{1,2}[-/.月][0-9]{1,2}", value.strip())
        why = "there is no such day" if year_first else "write it year first, e.g. 2022-08-03"
        log.cell(record, code, value, "not_a_date", "error",
                 f"{value!r} is not a date; {why}", expected)  # fmt: skip
        return None
    day, changes = parsed
    if typed or changes:
        check, message = _fixed_message(value, day, changes or ["date_as_text"])
        log.cell(record, code, value, check, "fixed", message, "", day.isoformat())
    return day.isoformat()


def _texts(column: Column, parts: Parts, log: Log) -> pd.Series:
    import numpy as np
    import pandas as pd

    text = parts.text
    stripped = text.str.strip()
    out = stripped[stripped != ""]
    others = np.sort(np.concatenate([parts.numbers_at, parts.days_at, parts.other_at]))
    if len(others):
        shown = [show(v) for v in parts.at(others)]
        out = pd.concat([out, pd.Series(shown, index=parts.index[others], dtype="str")])
    changed = ((stripped != text) & (stripped != "")).to_numpy(dtype=bool)
    for record, value in text[changed].items():
        log.cell(record, column.code, value, "whitespace", "fixed",
                 f"read {value!r} as {value.strip()!r} (spaces around it removed)", "",
                 value.strip())  # fmt: skip
    return out.reindex(parts.index).astype("str")
