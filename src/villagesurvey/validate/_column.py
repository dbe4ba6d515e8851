"""One raw column split by what its cells hold, and the log normalising keeps of it.

A column of a workbook holds text, numbers, dates and the odd boolean side by side; a column
of a CSV file holds text only (Arrow strings). :func:`split` sorts the cells of a column by
kind in one pass (or none, when the column's type says it), so that each kind is then
handled as a whole: text with vectorised string functions, numbers with NumPy, and only the
few cells of other kinds one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from .cells import show

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["Log", "Parts", "split", "spread"]

_TEXT, _NUMBER, _DAY, _MISSING, _OTHER = range(5)
_KIND = {str: _TEXT, float: _NUMBER, int: _NUMBER, date: _DAY, datetime: _DAY}
_KIND[type(None)] = _MISSING
_NUMBER_KINDS = frozenset({float, int, type(None)})
_TEXT_KINDS = frozenset({str, type(None)})


@dataclass(frozen=True)
class Parts:
    """The cells of a column by kind; positions are row positions in the column.

    Attributes
    ----------
    index : Index
        The column's index (the records).
    text : Series
        The text cells (``str`` dtype), indexed by record.
    text_at : ndarray
        Their positions.
    numbers_at : ndarray
        Positions of the cells that hold a number (``int`` or ``float``, not ``bool``).
    numbers : ndarray
        Their values as floats.
    days_at : ndarray
        Positions of the cells that hold a date or a datetime.
    other_at : ndarray
        Positions of the cells that hold anything else (a boolean, a time).
    values : ndarray or None
        The cells as objects, when the column is not all text.
    """

    index: pd.Index
    text: pd.Series
    text_at: np.ndarray
    numbers_at: np.ndarray
    numbers: np.ndarray
    days_at: np.ndarray
    other_at: np.ndarray
    values: np.ndarray | None

    def at(self, positions: np.ndarray) -> list[Any]:
        """The cells at ``positions`` (not text), as they came in."""
        assert self.values is not None  # only a column that is not all text has them
        return list(self.values[positions])


def split(cells: pd.Series) -> Parts:
    """Sort the cells of a raw column by kind; missing cells (None, NaN) are in no part."""
    import numpy as np
    import pandas as pd

    none = np.empty(0, dtype=np.intp)
    if str(cells.dtype) == "str":  # a CSV file's column: text or missing
        if _arrow_nulls(cells) == 0:  # every cell filled: the column is its text
            every = np.arange(len(cells), dtype=np.intp)
            return Parts(cells.index, cells, every, none, np.empty(0), none, none, None)
        text_at = np.flatnonzero(cells.notna().to_numpy())
        text = cells.iloc[text_at]
        return Parts(cells.index, text, text_at, none, np.empty(0), none, none, None)
    values = cells.to_numpy(dtype=object)
    kinds = set(map(type, values))
    if kinds <= _NUMBER_KINDS:  # a column of numbers, the usual case: no cell by cell
        numbers = values.astype(float)
        numbers_at = np.flatnonzero(~np.isnan(numbers))  # NaN is a missing cell
        text = pd.Series([], index=cells.index[:0], dtype="str")
        return Parts(cells.index, text, none, numbers_at, numbers[numbers_at], none, none, values)
    if kinds <= _TEXT_KINDS:  # a column of text
        text_at = np.flatnonzero(pd.notna(values))
        text = pd.Series(values[text_at], index=cells.index[text_at], dtype="str")
        return Parts(cells.index, text, text_at, none, np.empty(0), none, none, values)
    kind = np.fromiter((_KIND.get(type(v), _OTHER) for v in values), np.int8, len(values))
    number = kind == _NUMBER
    missing = kind == _MISSING
    numbers_at = np.flatnonzero(number)
    numbers = values[numbers_at].astype(float)
    if np.isnan(numbers).any():  # NaN is a missing cell, not a number
        missing[numbers_at[np.isnan(numbers)]] = True
        numbers_at, numbers = numbers_at[~np.isnan(numbers)], numbers[~np.isnan(numbers)]
    text_at = np.flatnonzero(kind == _TEXT)
    return Parts(
        cells.index,
        pd.Series(values[text_at], index=cells.index[text_at], dtype="str"),
        text_at,
        numbers_at,
        numbers,
        np.flatnonzero(kind == _DAY),
        np.flatnonzero(kind == _OTHER),
        values,
    )


def _arrow_nulls(cells: pd.Series) -> int | None:
    """The missing cells of an Arrow text column, as Arrow counts them; ``None`` if not Arrow."""
    import pyarrow as pa

    if getattr(cells.dtype, "storage", None) != "pyarrow":
        return None
    return int(pa.array(cells.array).null_count)


def spread(
    values: list[str | None], inverse: np.ndarray, at: np.ndarray, index: pd.Index
) -> pd.Series:
    """A text column from the different values: ``values[inverse[i]]`` at position ``at[i]``.

    Positions not in ``at`` are missing. Built in Arrow, without a Python object per row.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    taken = np.full(len(index), -1, dtype=np.int64)
    taken[at] = inverse
    chosen = pa.array(values, type=pa.large_string()).take(pa.array(taken, mask=taken < 0))
    return pd.Series(chosen.to_pandas().array, index=index, dtype="str")


def _listed(value: Any, size: int) -> list[Any]:
    if isinstance(value, list | tuple) or hasattr(value, "__array__"):
        return list(value)
    return [value] * size


class Log:
    """Findings of the normalisation, column-wise lists (cheap to append, one frame at the end)."""

    _NAMES = ("record", "column", "value", "check", "severity", "message", "expected")

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []

    def cell(
        self,
        record: int,
        column: str,
        value: Any,
        check: str,
        severity: str,
        message: str,
        expected: str = "",
        fixed_value: Any = None,
    ) -> None:
        """One finding; ``value`` is shown as a person writes it."""
        self.parts.append(
            {
                "record": [record],
                "column": [column],
                "value": [show(value)],
                "check": [check],
                "severity": [severity],
                "message": [message],
                "expected": [expected],
                "fixed_value": [fixed_value],
            }
        )

    def many(self, columns: dict[str, Any]) -> None:
        """Several findings at once: each of the fields as a list or as one value for all."""
        size = len(columns["record"])
        if size:
            self.parts.append({key: _listed(value, size) for key, value in columns.items()})

    def frame(self) -> pd.DataFrame:
        """Every finding logged, in order, as a table of objects."""
        import pandas as pd

        columns: dict[str, list[Any]] = {name: [] for name in (*self._NAMES, "fixed_value")}
        for part in self.parts:
            for key, values in part.items():
                columns.setdefault(key, []).extend(values)
        return pd.DataFrame(columns, dtype=object)
