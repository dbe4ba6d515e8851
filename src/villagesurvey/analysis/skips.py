"""Skipped answers that mean a number: ``when_skipped: 0`` fills the structural zeros.

A question asked only when its skip rule holds (e-commerce income, asked of those who took
part in e-commerce) is blank for everyone else. When the instrument says ``when_skipped: 0``,
a blank where the rule is *false* is a 0 (no e-commerce, no e-commerce income); a blank where
the rule holds, or cannot be evaluated because its own answer is missing, stays missing.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from ..instrument import SKIPPED_NOT_APPLICABLE, Column
from ..instrument.conditions import references

__all__ = ["fill_skipped"]


def _answers(data: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=data.index)
    for name in names:
        values = data[name].astype("string").str.strip() if name in data else pd.NA
        out[name] = pd.Series(values, index=data.index, dtype="string").replace("", pd.NA)
    return out


def fill_skipped(
    frame: pd.DataFrame, data: pd.DataFrame, columns: Sequence[Column]
) -> dict[str, int]:
    """Fill, in ``frame``, the blanks of ``columns`` that a skip rule made and that
    ``when_skipped`` gives a number to.

    Parameters
    ----------
    frame : DataFrame
        The numeric columns the analysis uses (changed in place), same index as ``data``.
    data : DataFrame
        The clean dataset, for the answers the skip rules name.
    columns : sequence of Column
        The columns to consider.

    Returns
    -------
    dict of str to int
        For each column given, how many values were filled.
    """
    from ..validate.masks import holds

    filled: dict[str, int] = {}
    for column in columns:
        value = column.question.when_skipped
        if column.relevant is None or value is None or value == SKIPPED_NOT_APPLICABLE:
            filled[column.code] = 0
            continue
        names = [name for name, _ in references(column.relevant)]
        rule = holds(column.relevant, _answers(data.reset_index(drop=True), names))
        skipped = (rule == False).fillna(False).to_numpy(dtype=bool)  # noqa: E712
        blank = frame[column.code].isna().to_numpy()
        fill = skipped & blank
        frame.loc[fill, column.code] = float(value)
        filled[column.code] = int(fill.sum())
    return filled
