"""High-frequency checks: the daily look a supervisor takes at the returns so far.

After the checks of IPA's ``ipacheck`` and the World Bank's ``iefieldkit``:

- **outliers** per numeric column, by Tukey's fences on the interquartile range (a value
  beyond Q1 - k IQR or Q3 + k IQR, k = 3 by default, "far out"). Quartiles are taken within
  the group (the first key column, the village in the model study) when the group has at
  least :data:`MIN_GROUP` answers, otherwise over all returns, because quartiles of five
  answers say nothing. Money, which is skewed (a few households earn far more than the
  rest) and often zero, is judged on the logarithm of the amounts above zero, and only
  amounts too large are flagged. Columns with fewer than :data:`MIN_DISTINCT` different answers
  (counts, years, short scales) are left out: their quartiles often coincide.
- **non-response rates** by enumerator and by group: how many answers that should have been
  given are blank, and how many say "don't know" or "refused" where a number, a date or a
  choice was asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .cells import show
from .masks import holds

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "IQR_FACTOR",
    "MIN_DISTINCT",
    "MIN_GROUP",
    "MIN_VALUES",
    "find_outliers",
    "outlier_columns",
    "outliers_of",
    "response_rates",
]

IQR_FACTOR = 3.0
MIN_GROUP = 30
MIN_VALUES = 10
MIN_DISTINCT = 10


def _quartile(ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float) -> np.ndarray:
    """Quantile ``q`` of each group of ``ordered`` (sorted within groups), as NumPy's
    ``linear`` method (R's type 7) computes it, to the last bit."""
    import numpy as np

    virtual = (counts - 1) * q
    before = np.floor(virtual)
    gamma = virtual - before
    low = ordered[starts + before.astype(np.intp)]
    high = ordered[starts + np.minimum(before + 1, counts - 1).astype(np.intp)]
    diff = high - low
    result: np.ndarray = np.where(gamma >= 0.5, high - diff * (1 - gamma), low + diff * gamma)
    return result


def _group_fences(
    ordered: np.ndarray, grouped: np.ndarray, size: int, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fences of each group ``0 .. size-1``; whether it has them.

    ``ordered`` holds the known values sorted by group (``grouped``), then by value. A group
    has fences when it holds at least :data:`MIN_VALUES` answers of at least
    :data:`MIN_DISTINCT` different values and its quartiles differ.
    """
    import numpy as np

    counts = np.bincount(grouped, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]) | (grouped[1:] != grouped[:-1])
    distinct = np.bincount(grouped[new], minlength=size)
    usable = (counts >= MIN_VALUES) & (distinct >= MIN_DISTINCT)
    if not usable.any():
        nothing = np.zeros(size)
        return nothing, nothing, usable
    at, safe = np.where(usable, starts, 0), np.where(usable, counts, 1)
    q1 = np.where(usable, _quartile(ordered, at, safe, 0.25), 0.0)
    q3 = np.where(usable, _quartile(ordered, at, safe, 0.75), 0.0)
    spread = q3 - q1
    usable &= spread > 0
    return q1 - factor * spread, q3 + factor * spread, usable


def _bounds(
    values: np.ndarray, codes: np.ndarray, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's lower and upper fence, and whether they are its own (a record's are
    those of its group: index them by ``codes``; no array of a value per record is made).

    A group of at least :data:`MIN_GROUP` answers with fences of its own is judged by them;
    every other group by the fences of all returns (none if those cannot be drawn).
    """
    import numpy as np

    size = int(codes.max()) + 1 if len(codes) else 0
    known = ~np.isnan(values)
    values_known, groups = values[known], codes[known]
    ordered, grouped, all_sorted = _sorted_in_groups(values_known, groups, size)
    low_g, high_g, own = _group_fences(ordered, grouped, size, factor)
    own &= np.bincount(groups, minlength=size) >= MIN_GROUP
    del ordered, grouped, groups  # a column of a census is 80 MB a copy: one at a time
    if all_sorted is None:
        all_sorted = np.sort(values_known)
    del values_known
    pooled = _group_fences(all_sorted, np.zeros(len(all_sorted), np.intp), 1, factor)
    low_all, high_all = (pooled[0][0], pooled[1][0]) if pooled[2][0] else (-np.inf, np.inf)
    return np.where(own, low_g, low_all), np.where(own, high_g, high_all), own


_VALUES_PER_SORT = 400
"""Groups that can have fences are sorted one by one while there are this many values or more
for each (a sort's own cost is about that of 400 values of one sort of all)."""


def _sorted_in_groups(
    values: np.ndarray, groups: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``values`` ordered by group, and within each group that can have fences by value; the
    group of each; all the values sorted, if they were on the way. Tied values are equal:
    their order does not matter."""
    import numpy as np

    narrow = groups.astype(np.int16) if size < 2**15 else groups  # a radix sort below
    counts = np.bincount(groups, minlength=size)
    large = np.flatnonzero(counts >= MIN_VALUES)  # a smaller group has no fences of its own
    if len(large) * _VALUES_PER_SORT > len(values):  # one sort of all, then by group
        by_value = np.argsort(values)
        order = by_value[np.argsort(narrow[by_value], kind="stable")]
        return values[order], narrow[order], values[by_value]
    by_group = np.argsort(narrow, kind="stable")
    ordered, grouped = values[by_group], narrow[by_group]
    del by_group
    ends = np.cumsum(counts)
    for group in large.tolist():
        ordered[ends[group] - counts[group] : ends[group]].sort()
    return ordered, grouped, None


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
    """:func:`find_outliers` on arrays: what the streamed path keeps of every row.

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
    import numpy as np
    import pandas as pd

    group_by = instrument.key[0]
    rows = []
    for code in outlier_columns(instrument):
        column = instrument.column(code)
        values = values_of(code)
        if column.question.special:  # a don't-know code is no measurement
            values = np.where(np.isin(values, column.question.special), np.nan, values)
        known = ~np.isnan(values)
        logged = column.question.is_money and bool((values[known] >= 0).all())
        if logged:
            with np.errstate(divide="ignore"):
                scale = np.log(np.where(values > 0, values, np.nan))
        else:
            scale = values
        low, high, local = _bounds(scale, codes, factor)  # by group
        flagged = scale > high[codes]  # NaN compares False
        if logged:  # fences back in money; nothing is too little (zero income is common)
            with np.errstate(over="ignore"):  # a fence beyond floats is no fence: inf
                low, high = np.zeros(len(high)), np.exp(high)
        else:
            flagged |= scale < low[codes]
        floor = column.question.min
        if isinstance(floor, int | float):
            low = np.maximum(low, float(floor))
        how = "quartiles of the logarithm" if logged else "quartiles"
        for at in np.flatnonzero(flagged):
            value, mine = float(values[at]), codes[at]
            group = group_of(int(at))
            group = "(blank)" if pd.isna(group) else group
            where = f"{group_by} {group}" if local[mine] else "all returns"
            usual = f"{_round(low[mine])} to {_round(high[mine])}"
            rows.append(
                (records[at], code, show(value), "outlier",
                 f"{show(value)} is far from the other answers of {where} (usual {usual}: "
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
