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

from typing import TYPE_CHECKING

from ..instrument import Instrument
from .cells import show
from .masks import holds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "IQR_FACTOR",
    "MIN_DISTINCT",
    "MIN_GROUP",
    "MIN_VALUES",
    "find_outliers",
    "response_rates",
]

IQR_FACTOR = 3.0
MIN_GROUP = 30
MIN_VALUES = 10
MIN_DISTINCT = 10


def _fences(values: pd.Series, factor: float) -> tuple[float, float] | None:
    values = values.dropna()
    if len(values) < MIN_VALUES or values.nunique() < MIN_DISTINCT:
        return None
    q1, q3 = float(values.quantile(0.25)), float(values.quantile(0.75))
    spread = q3 - q1
    if spread <= 0:
        return None
    return q1 - factor * spread, q3 + factor * spread


def _bounds(
    values: pd.Series, groups: pd.Series, factor: float
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Each record's lower and upper fence, and whether they are its group's own."""
    import numpy as np
    import pandas as pd

    pooled = _fences(values, factor) or (-np.inf, np.inf)
    low = pd.Series(pooled[0], index=values.index, dtype=float)
    high = pd.Series(pooled[1], index=values.index, dtype=float)
    local = pd.Series(False, index=values.index)
    counts = values.groupby(groups).count()
    for name in counts.index[counts >= MIN_GROUP]:
        members = groups == name
        fences = _fences(values[members], factor)
        if fences is not None:
            low[members], high[members] = fences
            local[members] = True
    return low, high, local


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
    groups = typed[group_by].fillna("")
    rows = []
    for column in instrument.columns:
        if column.question.type not in ("integer", "decimal") or column.code in instrument.key:
            continue
        values = typed[column.code].astype(float)
        logged = column.question.is_money and bool((values.dropna() >= 0).all())
        scale = np.log(values.where(values > 0)) if logged else values
        low, high, local = _bounds(scale, groups, factor)
        flagged = scale.notna() & (scale > high)
        if logged:  # fences back in money; nothing is too little (zero income is common)
            low, high = pd.Series(0.0, index=values.index), np.exp(high)
        else:
            flagged |= scale.notna() & (scale < low)
        floor = column.question.min
        if isinstance(floor, int | float):
            low = low.clip(lower=float(floor))
        how = "quartiles of the logarithm" if logged else "quartiles"
        for record in values.index[flagged.to_numpy(dtype=bool, na_value=False)]:
            value = float(values[record])
            where = f"{group_by} {groups[record]}" if local[record] else "all returns"
            usual = f"{_round(low[record])} to {_round(high[record])}"
            rows.append(
                (record, column.code, show(value), "outlier",
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
        key = typed[code].fillna("(blank)").astype(str).rename(code)
        table = per_record.groupby(key).sum()
        table["blank_rate"] = (table["blank_answers"] / table["expected_answers"]).round(4)
        tables[name] = table.reset_index()
    return tables
