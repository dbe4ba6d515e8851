"""High-frequency checks: the daily look a supervisor takes at the returns so far.

After the checks of IPA's ``ipacheck`` and the World Bank's ``iefieldkit``:

- **outliers** per numeric column, by Tukey's fences on the interquartile range (a value
  beyond Q1 - k IQR or Q3 + k IQR, k = 3 by default, "far out"). Quartiles are taken within
  the group (the first key column, the village in the model study) when the group has at
  least :data:`MIN_GROUP` answers, otherwise over all returns, because quartiles of five
  answers say nothing. Money, which is skewed (a few households earn far more than the
  rest) and often zero, is judged on the logarithm of the amounts above zero, and only
  amounts too large are flagged. Columns with fewer than :data:`MIN_DISTINCT` different answers
  (counts, years, short scales) are left out: their quartiles often coincide. The fences of
  each group are drawn by :func:`.fences.bounds`; :func:`judge_column` judges one column
  (a worker of the streamed path judges each), :func:`outlier_rows` writes the warnings.
- **non-response rates** by enumerator and by group: how many answers that should have been
  given are blank, and how many say "don't know" or "refused" where a number, a date or a
  choice was asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .cells import show
from .fences import MIN_DISTINCT as MIN_DISTINCT
from .fences import MIN_GROUP as MIN_GROUP
from .fences import MIN_VALUES as MIN_VALUES
from .fences import Grouping, bounds, grouping
from .masks import holds

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "IQR_FACTOR",
    "MIN_DISTINCT",
    "MIN_GROUP",
    "MIN_VALUES",
    "ColumnOutliers",
    "find_outliers",
    "judge_column",
    "outlier_columns",
    "outlier_rows",
    "outliers_of",
    "response_rates",
]

IQR_FACTOR = 3.0


def _round(value: float) -> str:
    """A fence as a person writes it: 3 significant digits for large numbers."""
    if abs(value) >= 1000:
        return show(float(f"{value:.3g}"))
    return show(round(float(value), 2))


def find_outliers(
    instrument: Instrument, typed: pd.DataFrame, factor: float = IQR_FACTOR
) -> pd.DataFrame:
    """Warnings (``record, column, value, check, message, expected``) for far-out values.

    Parameters
    ----------
    instrument : Instrument
        Says which columns are numbers and which column groups the respondents.
    typed : DataFrame
        Typed answers indexed by record (rows with errors included: an outlier is worth a
        look wherever it is).
    factor : float, default 3.0
        Multiple of the interquartile range beyond the quartiles that counts as an outlier.
    """
    import numpy as np
    import pandas as pd

    group_by = instrument.key[0]
    # a blank key (of any type, a number too) is one group of its own
    codes = pd.factorize(typed[group_by], use_na_sentinel=False)[0].astype(np.intp)
    groups = typed[group_by]
    return outliers_of(
        instrument,
        lambda code: typed[code].to_numpy(dtype=float, na_value=np.nan),
        codes,
        lambda at: groups.iloc[at],
        typed.index.to_numpy(),
        factor,
    )


def outlier_columns(instrument: Instrument) -> list[str]:
    """The columns judged for outliers: numbers, not of the respondent key."""
    return [
        c.code
        for c in instrument.columns
        if c.question.type in ("integer", "decimal") and c.code not in instrument.key
    ]


def outliers_of(
    instrument: Instrument,
    values_of: Callable[[str], np.ndarray],
    codes: np.ndarray,
    group_of: Callable[[int], Any],
    records: np.ndarray,
    factor: float = IQR_FACTOR,
) -> pd.DataFrame:
    """:func:`find_outliers` on arrays, a column after the other (the Dask path gathers them;
    the streamed path judges each column in a worker: :mod:`.stream_outliers`).

    Parameters
    ----------
    instrument : Instrument
        Says which columns are numbers and which column groups the respondents.
    values_of : callable
        A column's answers as floats (NaN for a blank), one per record, by column code.
    codes : ndarray
        Each record's group (the first key column; a blank key is a group of its own).
    group_of : callable
        The group's answer of the record at a position (for the message).
    records : ndarray
        The record number at each position.
    factor : float, default 3.0
        See :func:`find_outliers`.
    """
    import functools

    grouped = functools.cache(lambda: grouping(codes))  # the same for every column
    judged = (
        judge_column(instrument, code, values_of(code), codes, factor, grouped)
        for code in outlier_columns(instrument)
    )
    return outlier_rows(instrument, judged, codes, group_of, records, factor)


@dataclass
class ColumnOutliers:
    """The answers of one column far from the others, and the fences they were judged by.

    Attributes
    ----------
    code : str
        The column.
    at : ndarray
        The positions of the records whose answers are far out, in order.
    values : ndarray
        Their answers.
    low, high : ndarray
        The usual range shown for each: its group's fences (money: from 0 to the upper fence
        in money), never below the question's minimum.
    local : ndarray
        For each, whether the fences are its group's own (else those of all returns).
    logged : bool
        Whether the column was judged on the logarithm of the amounts (money).
    """

    code: str
    at: np.ndarray
    values: np.ndarray
    low: np.ndarray
    high: np.ndarray
    local: np.ndarray
    logged: bool


def judge_column(
    instrument: Instrument,
    code: str,
    values: np.ndarray,
    codes: np.ndarray,
    factor: float = IQR_FACTOR,
    grouped: Callable[[], Grouping] | None = None,
) -> ColumnOutliers:
    """The answers of column ``code`` beyond the fences of their group.

    Parameters
    ----------
    instrument : Instrument
        Gives the column's question.
    code : str
        The column.
    values, codes : ndarray
        Its answers as floats (NaN for a blank) and each record's group, as
        :func:`outliers_of` takes them.
    factor : float, default 3.0
        See :func:`find_outliers`.
    grouped : callable, optional
        See :func:`.fences.bounds`.
    """
    import numpy as np

    column = instrument.column(code)
    if column.question.special:  # a don't-know code is no measurement
        values = np.where(np.isin(values, column.question.special), np.nan, values)
    logged = column.question.is_money and not bool((values < 0).any())  # NaN is not < 0
    if logged:
        with np.errstate(divide="ignore"):
            scale = np.log(np.where(values > 0, values, np.nan))
    else:
        scale = values
    low, high, local = bounds(scale, codes, factor, grouped)  # by group
    flagged = scale > high[codes]  # NaN compares False
    if not logged:
        flagged |= scale < low[codes]
    del scale
    at = np.flatnonzero(flagged)
    mine = codes[at]
    low, high = low[mine], high[mine]
    if logged:  # fences back in money; nothing is too little (zero income is common)
        with np.errstate(over="ignore"):  # a fence beyond floats is no fence: inf
            low, high = np.zeros(len(high)), np.exp(high)
    floor = column.question.min
    if isinstance(floor, int | float):
        low = np.maximum(low, float(floor))
    return ColumnOutliers(code, at, values[at], low, high, local[mine], logged)


def outlier_rows(
    instrument: Instrument,
    judged: Iterable[ColumnOutliers],
    codes: np.ndarray,
    group_of: Callable[[int], Any],
    records: np.ndarray,
    factor: float = IQR_FACTOR,
) -> pd.DataFrame:
    """The warnings of :func:`find_outliers` for the answers judged far out, column after
    column (``codes``, ``group_of`` and ``records`` as :func:`outliers_of` takes them)."""
    import pandas as pd

    group_by = instrument.key[0]
    rows = []
    for column in judged:
        code = column.code
        how = "quartiles of the logarithm" if column.logged else "quartiles"
        said: dict[tuple[float, float], str] = {}
        places = zip(
            column.at.tolist(), records[column.at], column.values.tolist(),
            column.low.tolist(), column.high.tolist(), column.local.tolist(), strict=True,
        )  # fmt: skip
        for at, record, value, low, high, local in places:
            if local:
                group = group_of(at)
                where = f"{group_by} {'(blank)' if pd.isna(group) else group}"
            else:
                where = "all returns"
            usual = said.get((low, high))
            if usual is None:
                usual = said[low, high] = f"{_round(low)} to {_round(high)}"
            shown = show(value)
            rows.append(
                (record, code, shown, "outlier",
                 f"{shown} is far from the other answers of {where} (usual {usual}: "
                 f"{how} \u00b1 {show(factor)} IQR); confirm it", usual)
            )  # fmt: skip
    return pd.DataFrame(
        rows, columns=["record", "column", "value", "check", "message", "expected"], dtype=object
    )


def response_rates(
    instrument: Instrument, typed: pd.DataFrame, dont_know: pd.Series, by: dict[str, str]
) -> dict[str, pd.DataFrame]:
    """Respondents, blank answers and "don't know" answers per enumerator, village, ...

    Parameters
    ----------
    instrument : Instrument
        Gives the columns and their skip rules.
    typed : DataFrame
        Typed answers indexed by record.
    dont_know : Series
        For each record, how many answers said "don't know" or "refused" (see
        :func:`.cells.is_dont_know`).
    by : dict
        ``table name -> column`` to group by, e.g. ``{"by_enumerator": "enumerator"}``.

    Returns
    -------
    dict of DataFrame
        Per table, one row per value of its column: ``respondents``, ``expected_answers``
        (questions that apply: no skip rule, or the skip rule holds), ``blank_answers``,
        ``dont_know`` and ``blank_rate`` (blank / expected).
    """
    import pandas as pd

    codes = [c.code for c in instrument.columns]
    expected = pd.DataFrame(True, index=typed.index, columns=codes)
    for column in instrument.columns:
        if column.relevant is not None:
            expected[column.code] = holds(column.relevant, typed).fillna(False).astype(bool)
    per_record = pd.DataFrame(
        {
            "respondents": 1,
            "expected_answers": expected.sum(axis=1),
            "blank_answers": (typed[codes].isna() & expected).sum(axis=1),
            "dont_know": dont_know.reindex(typed.index, fill_value=0),
        },
        index=typed.index,
    )
    tables = {}
    for name, code in by.items():
        key = typed[code].astype("string").fillna("(blank)").astype(str).rename(code)
        table = per_record.groupby(key).sum()
        table["blank_rate"] = (table["blank_answers"] / table["expected_answers"]).round(4)
        tables[name] = table.reset_index()
    return tables
