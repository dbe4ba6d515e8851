"""Table 1: who the respondents are (n, mean and SD, or counts and % by category)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from ..instrument import Instrument, Question

__all__ = ["DEMOGRAPHICS_COLUMNS", "demographics_table"]

DEMOGRAPHICS_COLUMNS = (
    "variable",
    "category",
    "n",
    "missing",
    "mean",
    "sd",
    "min",
    "max",
    "count",
    "percent",
)
"""Columns of the table: numbers fill mean to max, categories fill count and percent."""


def demographics_table(
    instrument: Instrument, data: pd.DataFrame, questions: Sequence[Question]
) -> pd.DataFrame:
    """One row per numeric question, one row per category of a single-choice question.

    Parameters
    ----------
    instrument : Instrument
        For the choice lists (categories keep the instrument's order).
    data : DataFrame
        The respondents, with the questions' columns as numbers (choice codes).
    questions : sequence of Question
        What to describe, in order.

    Returns
    -------
    DataFrame
        Columns :data:`DEMOGRAPHICS_COLUMNS`. ``category`` is the choice code as text (empty
        for a number); ``percent`` is of those who answered (``n``). A code outside the
        choice list is counted under its own code.
    """
    rows: list[dict[str, object]] = []
    for q in questions:
        values = data[q.code]
        answered = values.dropna()
        base: dict[str, object] = {
            "variable": q.code,
            "n": int(answered.size),
            "missing": int(values.size - answered.size),
        }
        if q.type != "select_one":
            rows.append(
                {
                    **base,
                    "category": "",
                    "mean": float(answered.mean()) if answered.size else math.nan,
                    "sd": float(answered.std(ddof=1)) if answered.size > 1 else math.nan,
                    "min": float(answered.min()) if answered.size else math.nan,
                    "max": float(answered.max()) if answered.size else math.nan,
                }
            )
            continue
        codes = [str(c.code) for c in instrument.choice_list(q)]
        seen = answered.map(_code_text)
        extra = sorted(set(seen) - set(codes))
        for code in [*codes, *extra]:
            count = int((seen == code).sum())
            rows.append(
                {
                    **base,
                    "category": code,
                    "count": count,
                    "percent": 100 * count / answered.size if answered.size else math.nan,
                }
            )
    return pd.DataFrame(rows, columns=list(DEMOGRAPHICS_COLUMNS))


def _code_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
