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


def _quartile(
    ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float, selected: int = 0
) -> np.ndarray:
    """Quantile ``q`` of each group of ``ordered`` (sorted within groups), as NumPy's
    ``linear`` method (R's type 7) computes it, to the last bit. With ``selected`` 1, each
    group's two values around its quantile are at its start, one after the other."""
    import numpy as np

    virtual = (counts - 1) * q
    before = np.floor(virtual)
    gamma = virtual - before
    if selected:
        low, high = ordered[starts], ordered[starts + 1]
    else:
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


Grouping = tuple["np.ndarray", "np.ndarray", "np.ndarray"]
"""The positions of records in the order of their group (kept within a group), the group at
each, and the size of each group (:func:`_grouping`)."""


def _grouping(codes: np.ndarray) -> Grouping:
    """The records grouped by ``codes``: one sort for every column."""
    import numpy as np

    size = int(codes.max()) + 1 if len(codes) else 0
    narrow = codes.astype(np.int16) if size < 2**15 else codes  # a radix sort below
    order = np.argsort(narrow, kind="stable")
    return order, narrow[order], np.bincount(codes, minlength=size)


def _bounds(
    values: np.ndarray,
    codes: np.ndarray,
    factor: float,
    grouping: Grouping | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's lower and upper fence, and whether they are its own (a record's are
    those of its group: index them by ``codes``; no array of a value per record is made).

    A group of at least :data:`MIN_GROUP` answers with fences of its own is judged by them;
    every other group by the fences of all returns (none if those cannot be drawn).
    ``grouping`` is :func:`_grouping` of ``codes``, when already made.
    """
    import numpy as np

    order, in_order, sizes = _grouping(codes) if grouping is None else grouping
    size = len(sizes)
    ordered = values[order]  # by group, then as met
    blank = np.isnan(ordered)
    counts = sizes - np.bincount(in_order[blank], minlength=size)
    if len(counts) and counts.sum() < len(ordered):
        ordered, in_order = ordered[~blank], in_order[~blank]
    del blank
    if not _distinct_enough(ordered):  # nor has any group: no fences at all
        return np.full(size, -np.inf), np.full(size, np.inf), np.zeros(size, dtype=bool)
    large = np.flatnonzero(counts >= MIN_GROUP)  # only these can have fences of their own
    if len(large) * _VALUES_PER_SORT > len(ordered):  # one sort of all, then by group
        by_group, grouped = _sorted_in_groups(ordered, in_order)
        low_g, high_g, own = _group_fences(by_group, grouped, size, factor)
        del by_group, grouped
    else:  # a selection of the quartiles in each large group
        ends = np.cumsum(counts)
        pieces = [ordered[ends[g] - counts[g] : ends[g]] for g in large.tolist()]
        low_l, high_l, own_l = _fences_of(pieces, factor)
        low_g, high_g, own = np.zeros(size), np.zeros(size), np.zeros(size, dtype=bool)
        low_g[large], high_g[large], own[large] = low_l, high_l, own_l
    own &= counts >= MIN_GROUP
    del in_order  # a column of a census is 80 MB a copy: one at a time
    pooled = _fences_of([ordered], factor)
    low_all, high_all = (pooled[0][0], pooled[1][0]) if pooled[2][0] else (-np.inf, np.inf)
    return np.where(own, low_g, low_all), np.where(own, high_g, high_all), own


def _fences_of(
    pieces: list[np.ndarray], factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fences of each piece of values (reordered in place), and whether it has them: at
    least :data:`MIN_VALUES` answers of :data:`MIN_DISTINCT` different values, quartiles
    apart. The quartiles are those of :func:`_quartile`, the values around them selected
    (``numpy.partition``) rather than sorted."""
    import numpy as np

    counts = np.array([len(piece) for piece in pieces], dtype=np.int64)
    starts = np.arange(len(pieces), dtype=np.intp) * 2  # the two values around a quartile
    around = {q: np.zeros(2 * len(pieces)) for q in (0.25, 0.75)}
    usable = np.zeros(len(pieces), dtype=bool)
    for i, piece in enumerate(pieces):
        n = len(piece)
        if n < MIN_VALUES or not _distinct_enough(piece):
            continue
        done = 0  # the values before ``done`` are the smallest, in place
        for q, values in around.items():
            below = int(np.floor((n - 1) * q))
            if below >= done:  # one selection at a time: NumPy's is fastest so
                piece[done:].partition(below - done)
            values[2 * i] = piece[below]
            values[2 * i + 1] = piece[below + 1 :].min() if below + 1 < n else piece[below]
            done = below + 1
        usable[i] = True
    safe = np.where(usable, counts, 1)
    q1, q3 = (np.where(usable, _quartile(around[q], starts, safe, q, 1), 0.0) for q in around)
    spread = q3 - q1
    usable &= spread > 0
    return q1 - factor * spread, q3 + factor * spread, usable


def _distinct_enough(values: np.ndarray) -> bool:
    """Whether ``values`` (no NaN) hold :data:`MIN_DISTINCT` different values or more."""
    import numpy as np

    for few in (values[:: max(1, len(values) // 256)], values):  # a few often tell
        ordered = np.sort(few)
        if np.count_nonzero(ordered[1:] != ordered[:-1]) + 1 >= MIN_DISTINCT:
            return True
    return False


_VALUES_PER_SORT = 400
"""The quartiles of each group that can have fences of its own are selected one group at a
time while there are this many values or more for each (a selection's own cost is about that
of 400 values of one sort of all); otherwise all values are sorted at once."""


def _sorted_in_groups(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` ordered by group, then by value; the group of each. Tied values are equal:
    their order does not matter."""
    import numpy as np

    by_value = np.argsort(values)
    order = by_value[np.argsort(groups[by_value], kind="stable")]
    return values[order], groups[order]


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
    grouping = _grouping(codes)  # the same for every column
    for code in outlier_columns(instrument):
        column = instrument.column(code)
        values = values_of(code)
        if column.question.special:  # a don't-know code is no measurement
            values = np.where(np.isin(values, column.question.special), np.nan, values)
        logged = column.question.is_money and not bool((values < 0).any())  # NaN is not < 0
        if logged:
            with np.errstate(divide="ignore"):
                scale = np.log(np.where(values > 0, values, np.nan))
        else:
            scale = values
        low, high, local = _bounds(scale, codes, factor, grouping)  # by group
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
