"""Evaluate a skip rule on whole columns at once, with "unknown" where an answer is missing.

The result is a pandas ``boolean`` array in three-valued (Kleene) logic: a rule that refers
to a blank answer is neither true nor false, so that a blank does not make its dependants
look wrongly asked or wrongly skipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..instrument.conditions import AllOf, AnyOf, Compare, Condition, In, Not, Selected

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["holds"]


def holds(condition: Condition, answers: pd.DataFrame) -> pd.Series:
    """Where ``condition`` holds (``True``), fails (``False``) or is unknown (``<NA>``).

    Parameters
    ----------
    condition : Condition
        A parsed, wave-bound skip rule.
    answers : DataFrame
        Typed answers (numbers as ``Float64``, everything else as text codes).
    """
    import pandas as pd

    if isinstance(condition, Not):
        return ~holds(condition.operand, answers)
    if isinstance(condition, AllOf | AnyOf):
        parts = [holds(c, answers) for c in condition.operands]
        result = parts[0]
        for part in parts[1:]:
            result = result & part if isinstance(condition, AllOf) else result | part
        return result
    column = answers[condition.name]
    missing = column.isna()
    if isinstance(condition, Compare):
        result = _compare(column, condition.op, condition.value)
    elif isinstance(condition, In):
        values = [_like(column, v) for v in condition.values]
        result = column.isin(values)
    elif isinstance(condition, Selected):
        padded = " " + column.fillna("").astype(str) + " "
        result = padded.str.contains(f" {condition.value} ", regex=False)
    else:  # pragma: no cover - the parser makes no other node
        raise TypeError(f"unknown condition {condition!r}")
    unknown = missing.to_numpy(dtype=bool)
    known = result.to_numpy(dtype=bool, na_value=False) & ~unknown
    return pd.Series(pd.arrays.BooleanArray(known, unknown), index=answers.index)


def _like(column: pd.Series, value: int | float | str) -> float | str:
    """The literal in the column's terms: a number for a number column, else its text."""
    if str(column.dtype) == "Float64":
        return float(value)
    return str(value)


def _compare(column: pd.Series, op: str, value: int | float | str) -> pd.Series:

    if isinstance(value, int | float) and str(column.dtype) != "Float64":
        column = _numeric(column)  # numeric choice codes: 10 > 9
    target = _like(column, value) if not isinstance(value, int | float) else float(value)
    if op == "=":
        return column == target
    if op == "!=":
        return column != target
    if op == "<":
        return column < target
    if op == "<=":
        return column <= target
    if op == ">":
        return column > target
    return column >= target


def _numeric(column: pd.Series) -> pd.Series:
    """``pd.to_numeric(column, errors="coerce")``, converting each different code once."""
    import numpy as np
    import pandas as pd

    numbers, uniques = pd.factorize(column)
    converted = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
    values = np.append(converted.to_numpy(dtype=float, na_value=np.nan), np.nan)
    return pd.Series(values[numbers], index=column.index)
