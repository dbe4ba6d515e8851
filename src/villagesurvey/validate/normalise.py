"""Turn the cells of every return into typed answers, logging each change and each failure.

Column by column, vectorised: the cells that are already what the column expects (a number
in a number column, a date in a date column, the drop-down's label in a choice column) pass
through a fast path without a finding; only the rest go through :mod:`.cells` one by one.
A CSV file's columns (Arrow text, no cell types) take :mod:`.arrow_lane`: each different
text of a column is read once and its value and finding spread over the rows, the same
values and findings in the same order.
What the tool changes is a ``fixed`` finding with the value before and after; what it cannot
read is an ``error`` (``not_a_number``, ``not_a_whole_number``, ``not_a_date``,
``not_a_datetime``, ``unknown_label``) and the answer becomes blank for the later checks.

The expected form of a choice answer depends on the file: our workbook's drop-downs write
labels in the workbook's language (decoding them to codes is reading, not changing, and is
not logged); a CSV export holds codes. The other form is accepted and logged.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument
from ..instrument.model import FORMATTED_TYPES
from ._choices import choices, several, spoken
from ._column import Log, Parts, split
from ._readings import ISO_DATE, LOGGED, PLAIN, date_reading, is_day, number_reading
from .arrow_lane import Distinct, arrow_text, distinct, trimmed
from .cells import show
from .datetimes import datetimes
from .formats import formatted, patterned

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

__all__ = ["LANGUAGE", "TYPED", "normalise"]

LANGUAGE = "_language"
"""Column of the raw frame: the template language of the record's file, or ``None``."""
TYPED = "_typed"
"""Column of the raw frame: ``True`` when the file keeps cell types (a workbook, not a CSV)."""


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
    untyped = len(raw) > 0 and not flags.any()  # a CSV's cells: the lane may take them
    for column in instrument.columns:
        cells = raw[column.code]
        q = column.question
        lane = distinct(cells) if untyped and q.type in _LANE_TYPES else None
        by_text = untyped and arrow_text(cells)  # the column itself is Arrow text
        if q.type in ("integer", "decimal"):
            typed[column.code] = (
                _lane_numbers(column, lane, log)
                if lane is not None
                else _numbers(column, split(cells), flags, log)
            )
        elif q.type == "date":
            typed[column.code] = (
                _lane_dates(column, lane, log)
                if lane is not None
                else _dates(column, split(cells), flags, log)
            )
        elif q.type in ("select_one", "likert"):
            typed[column.code] = choices(instrument, column, lane or split(cells), languages, log)
        elif q.type == "select_multiple":
            typed[column.code] = several(instrument, column, lane or split(cells), log)
        elif q.type == "datetime":
            typed[column.code] = datetimes(column, lane or split(cells), log)
        elif q.type in FORMATTED_TYPES:
            text = _text_column(column, cells, untyped, log)
            typed[column.code] = formatted(column, text, log, by_text=by_text)
        elif q.pattern is not None:
            text = _text_column(column, cells, untyped, log)
            typed[column.code] = patterned(column, text, log, by_text=by_text)
        else:
            typed[column.code] = _text_column(column, cells, untyped, log)
    return pd.DataFrame(typed, index=raw.index, copy=False), log.frame()  # each column made here


_LANE_TYPES = frozenset(
    {"integer", "decimal", "date", "select_one", "likert", "select_multiple", "datetime"}
)


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
    rest_at = parts.text_at[~plain]
    if len(rest_at):
        _read_texts(code, index, rest_at, text[~plain], flags[rest_at], out, log)
    others = np.sort(np.concatenate([parts.days_at, parts.other_at]))
    for at, value in zip(others, parts.at(others) if len(others) else [], strict=True):
        what = "a date" if isinstance(value, date | datetime) else f"{show(value)!r}"
        log.cell(index[at], code, value, "not_a_number", "error",
                 f"{what} is not a number", "a number")  # fmt: skip
    if column.question.type == "integer":
        _whole(column, index, out, log)
    return pd.Series(out, index=index, dtype="Float64")


def _read_texts(
    code: str, index: pd.Index, at: np.ndarray, text: pd.Series, flags: np.ndarray,
    out: np.ndarray, log: Log,
) -> None:  # fmt: skip
    """Read the texts that are not plain numbers into ``out``, logging each change or failure."""
    values, logged, found = _read_each(text, flags, number_reading)
    out[at] = values.astype(float)
    if logged.any():
        log.many(
            {
                "record": index[at[logged]],
                "column": code,
                "value": text.to_numpy(dtype=object)[logged],
                **{name: [f[n] for f in found] for n, name in enumerate(LOGGED)},
            }
        )


def _read_each(
    text: pd.Series, flags: np.ndarray, read: Callable[[str, bool], tuple[Any, Any]]
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """``read`` each text (with its file kind): the values, which are logged, and their findings.

    Each different text (and file kind) is read once: an error repeated down a column (a
    template's wrong format, a formula copied down) costs one reading, not one per row.
    """
    import numpy as np
    import pandas as pd

    codes, different = pd.factorize(text)
    pairs = codes * 2 + flags.astype(np.intp)
    seen, inverse = np.unique(pairs, return_inverse=True)
    readings = [read(str(different[p // 2]), bool(p % 2)) for p in seen.tolist()]
    values = np.array([r[0] for r in readings] + [None], dtype=object)[:-1][inverse]
    logged = np.array([r[1] is not None for r in readings], dtype=bool)[inverse]
    return values, logged, [readings[i][1] for i in inverse[logged].tolist()]


def _plain_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which texts are plain numbers (digits, a point, a sign), and their values.

    Each different text is looked at once: a column of a million answers holds far fewer.
    """
    import numpy as np
    import pandas as pd

    codes, texts = pd.factorize(text)
    different = pd.Series(texts, dtype="str")
    plain = different.str.fullmatch(PLAIN).to_numpy(dtype=bool)
    numbers = np.full(len(different), np.nan)
    numbers[plain] = different[plain].astype(float).to_numpy(dtype=float)
    return plain[codes], numbers[codes]


def _whole(column: Column, index: pd.Index, out: np.ndarray, log: Log) -> None:
    import numpy as np

    with np.errstate(invalid="ignore"):
        broken = np.flatnonzero(~np.isnan(out) & (out != np.round(out)))
    for at in broken:
        value = float(out[at])
        log.cell(index[at], column.code, value, "not_a_whole_number", "error",
                 f"{show(value)} is not a whole number", "a whole number")  # fmt: skip
        out[at] = np.nan


def _fractions(values: np.ndarray) -> bool:
    """Whether a value is not a whole number (as :func:`_whole` finds them)."""
    import numpy as np

    with np.errstate(invalid="ignore"):
        return bool((~np.isnan(values) & (values != np.round(values))).any())


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
    iso = text.str.fullmatch(ISO_DATE).to_numpy(dtype=bool) & ~flags[parts.text_at]
    if iso.any():  # 2022-06-31 has the form of a date but is none: off the fast path
        real = {day for day in text[iso].unique() if is_day(day)}
        iso &= text.isin(real).to_numpy(dtype=bool)
    out[parts.text_at[iso]] = text[iso].to_numpy(dtype=object)  # a CSV's dates
    at = parts.text_at[~iso]
    values, logged, found = _read_each(text[~iso], flags[at], date_reading)
    out[at] = values
    where, shown = at[logged].tolist(), text[~iso].to_numpy(dtype=object)[logged].tolist()
    others = np.sort(np.concatenate([parts.numbers_at, parts.other_at]))
    for place, value in zip(others, parts.at(others) if len(others) else [], strict=True):
        day, finding = date_reading(value, bool(flags[place]))  # a workbook's odd cells
        out[place] = day
        if finding is not None:
            where.append(int(place))
            shown.append(show(value))
            found.append(finding)
    if where:
        order = np.argsort(np.array(where), kind="stable")  # in the column's order
        log.many(
            {
                "record": index[np.array(where)[order]],
                "column": column.code,
                "value": [shown[i] for i in order],
                **{name: [found[i][n] for i in order] for n, name in enumerate(LOGGED)},
            }
        )
    return pd.Series(out, index=index, dtype="str")


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
    _log_trimmed(column, text[changed], log)
    return out.reindex(parts.index).astype("str")


def _text_column(column: Column, cells: pd.Series, untyped: bool, log: Log) -> pd.Series:
    """A text column's answers with the spaces around them removed, each change logged."""
    fast = trimmed(cells) if untyped else None
    if fast is None:
        return _texts(column, split(cells), log)
    out, changed = fast
    _log_trimmed(column, changed, log)
    return out


def _log_trimmed(column: Column, changed: pd.Series, log: Log) -> None:
    """A ``whitespace`` fix for each text (by record) whose spaces around it were removed."""
    for record, value in changed.items():
        log.cell(record, column.code, value, "whitespace", "fixed",
                 f"read {value!r} as {value.strip()!r} (spaces around it removed)", "",
                 value.strip())  # fmt: skip


def _lane_numbers(column: Column, lane: Distinct, log: Log) -> pd.Series:
    """:func:`_numbers` of a CSV column, each different text read once."""
    import numpy as np
    import pandas as pd

    plain = lane.matches(PLAIN)
    values = np.full(len(plain), np.nan)
    if plain.any():  # as _plain_numbers reads them (pandas' astype(float) calls float)
        texts = zip(lane.texts, plain.tolist(), strict=True)
        values[plain] = [float(text) for text, is_plain in texts if is_plain]
    read, found = lane.read(lambda text: number_reading(text, False), plain)
    values[~plain] = np.array(read, dtype=object)[~plain].astype(float)
    out = lane.numbers(values)
    lane.log(log, column.code, found)
    if column.question.type == "integer" and _fractions(values):  # else none in the cells
        _whole(column, lane.index, out, log)
    # what Series(out, dtype="Float64") makes (NaN under the mask), without its checks
    answers = pd.arrays.FloatingArray(out, np.isnan(out))
    return pd.Series(answers, index=lane.index, copy=False)


def _lane_dates(column: Column, lane: Distinct, log: Log) -> pd.Series:
    """:func:`_dates` of a CSV column, each different text read once."""
    import numpy as np

    sure = lane.matches(ISO_DATE)
    sure[sure] = [is_day(text) for text, iso in zip(lane.texts, sure, strict=True) if iso]
    read, found = lane.read(lambda text: date_reading(text, False), sure)
    lane.log(log, column.code, found)
    days = np.where(sure, np.array(lane.texts, dtype=object), np.array(read, dtype=object))
    return lane.text(days.tolist())
