"""Summary statistics of each column of a clean dataset, for the codebook.

Numbers get n, missing, mean, standard deviation (n - 1 in the denominator, as R's ``sd``),
minimum, median and maximum; dates their minimum, median and maximum; choices and Likert
items the count of each answer; a ``select_multiple`` question the count of respondents who
chose each option; text the number of distinct answers. Personal-data columns get none.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

from ..instrument import Instrument
from .labelled import LabelledDataset

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ColumnStatistics", "column_statistics"]


@dataclass(frozen=True)
class ColumnStatistics:
    """What one column of the dataset holds.

    Attributes
    ----------
    column : str
        The dataset column.
    n : int
        Answers present.
    missing : int
        Blank cells, those the skip rule explains included.
    not_asked : int
        Blank cells the skip rule explains (the question was not asked).
    mean, sd : float or None
        For numbers; ``sd`` is the sample standard deviation, ``None`` below two answers.
    min, median, max : float, date or None
        For numbers and dates.
    counts : tuple of (code, count)
        For choices, Likert items and ``select_multiple`` options: every answer of the
        list in its order, with how many gave it (chose it).
    distinct : int or None
        For text: how many different answers.
    """

    column: str
    n: int
    missing: int
    not_asked: int
    mean: float | None = None
    sd: float | None = None
    min: float | date | None = None
    median: float | date | None = None
    max: float | date | None = None
    counts: tuple[tuple[int | str, int], ...] = ()
    distinct: int | None = None


def column_statistics(dataset: LabelledDataset) -> dict[str, ColumnStatistics]:
    """The statistics of every column of the dataset that is not personal data.

    Parameters
    ----------
    dataset : LabelledDataset
        Read without personal data (:func:`~villagesurvey.export.labelled_dataset` with
        ``keep_pii=False``); a personal-data column found in it is skipped all the same.

    Returns
    -------
    dict
        Dataset column code -> :class:`ColumnStatistics`, in the dataset's order
        (``source_file`` and the options' 0/1 columns are not dataset columns of the
        instrument and get none).
    """
    instrument = dataset.instrument
    known = {c.code for c in instrument.columns}
    out: dict[str, ColumnStatistics] = {}
    for variable in dataset.variables:
        code = variable.column
        if variable.kind == "dummy" or code not in known or variable.name != code:
            continue
        if instrument.column(code).question.pii:
            continue
        values = dataset.data[code]
        skipped = int(dataset.not_asked[code].sum())
        out[code] = _statistics(instrument, code, values, skipped)
    return out


def _statistics(
    instrument: Instrument, code: str, values: pd.Series, skipped: int
) -> ColumnStatistics:
    question = instrument.column(code).question
    present = values.dropna()
    base = ColumnStatistics(code, len(present), len(values) - len(present), skipped)
    if present.empty:
        return base
    if question.type in ("integer", "decimal"):
        numbers = present.astype("float64")
        return replace(
            base,
            mean=float(numbers.mean()),
            sd=float(numbers.std(ddof=1)) if len(numbers) > 1 else None,
            min=float(numbers.min()),
            median=float(numbers.median()),
            max=float(numbers.max()),
        )
    if question.type == "date":
        ordered = present.sort_values()
        return replace(
            base,
            min=ordered.iloc[0].date(),
            median=_median_date(ordered),
            max=ordered.iloc[-1].date(),
        )
    choices = instrument.choice_list(question)
    if question.type == "select_multiple":
        chosen = [set(v.split()) for v in present]
        counts = tuple((c.code, sum(str(c.code) in s for s in chosen)) for c in choices)
        return replace(base, counts=counts)
    if choices:
        tally = present.astype("string").value_counts()
        return replace(
            base, counts=tuple((c.code, int(tally.get(str(c.code), 0))) for c in choices)
        )
    return replace(base, distinct=int(present.nunique()))


def _median_date(ordered: pd.Series) -> date:
    """The median date as R prints ``median`` of dates: the middle one, or the midpoint of
    the two middle ones rounded down to a day."""
    count = len(ordered)
    lower = ordered.iloc[(count - 1) // 2]
    upper = ordered.iloc[count // 2]
    middle: date = (lower + (upper - lower) / 2).floor("D").date()
    return middle
