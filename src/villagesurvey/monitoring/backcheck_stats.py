"""The numbers of a back-check: error rates, and the stability tests of type-3 questions.

Error rates are as IPA's ``bcstats`` gives them: differences over comparisons, per question,
per enumerator and per back-checker, each type apart; a rate above the threshold
(``okrate``, default 0.1) is flagged for types 1 and 2.

A type-3 question's two measurements are compared as paired data:

- a number: Student's paired t-test of back-check minus survey with its 95% interval (R
  ``t.test(backcheck, survey, paired = TRUE)``) and Wilcoxon's signed-rank test (R
  ``wilcox.test(paired = TRUE)``), as bcstats' ``ttest`` and ``signrank`` options;
- a choice: the share of agreement and Cohen's kappa (R ``psych::cohen.kappa``); with two
  categories McNemar's test (exact with fewer than 25 discordant pairs, as the report's),
  with more Bowker's test of symmetry (R ``mcnemar.test`` on the square table), summed over
  the pairs of categories in which anyone changed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analysis.paired import paired_test
from ..analysis.robust import mcnemar

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "DEFAULT_THRESHOLD",
    "bowker",
    "cohen_kappa",
    "enumerator_questions",
    "error_rates",
    "stability",
]

DEFAULT_THRESHOLD = 0.1
"""The error rate above which an enumerator, back-checker or question is flagged (bcstats'
``okrate``)."""
_FLAGGED_TYPES = (1, 2)
_CATEGORIES = ("select_one", "likert")


def error_rates(comparisons: pd.DataFrame, by: str | None, threshold: float) -> pd.DataFrame:
    """Comparisons, differences and error rate per type and value of ``by`` (or per column).

    Returns a frame with ``type``, the grouping column, ``comparisons``, ``differences``,
    ``error_rate`` and ``above_threshold`` (types 1 and 2; blank for type 3), highest rate
    first within each type.
    """
    import pandas as pd

    name = by or "column"
    columns = ["type", name, "comparisons", "differences", "error_rate", "above_threshold"]
    if not len(comparisons):
        return pd.DataFrame(columns=columns)
    keys = ["type", name]
    grouped = comparisons.groupby(keys, sort=False, dropna=False)["different"]
    table = grouped.agg(comparisons="size", differences="sum").reset_index()
    table["differences"] = table["differences"].astype(int)
    table["error_rate"] = table["differences"] / table["comparisons"]
    flagged = table["type"].isin(_FLAGGED_TYPES)
    table["above_threshold"] = (table["error_rate"] > threshold).where(flagged, None)
    table = table.sort_values(
        ["type", "error_rate", "comparisons"], ascending=[True, False, False], kind="stable"
    )
    return table[columns].reset_index(drop=True)


def enumerator_questions(comparisons: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The error rate of each question for each enumerator above the threshold, type by type
    (bcstats: "variables with high error rates for enumerators with high error rates")."""
    import pandas as pd

    columns = ["type", "enumerator", "column", "comparisons", "differences", "error_rate"]
    rates = error_rates(comparisons, "enumerator", threshold)
    high = rates[rates["above_threshold"].fillna(False).astype(bool)]
    chosen = comparisons.merge(high[["type", "enumerator"]], on=["type", "enumerator"])
    if not len(chosen):
        return pd.DataFrame(columns=columns)
    grouped = chosen.groupby(["type", "enumerator", "column"], sort=False)["different"]
    table = grouped.agg(comparisons="size", differences="sum").reset_index()
    table["differences"] = table["differences"].astype(int)
    table["error_rate"] = table["differences"] / table["comparisons"]
    table = table.sort_values(
        ["type", "enumerator", "error_rate"], ascending=[True, True, False], kind="stable"
    )
    return table[columns].reset_index(drop=True)


def cohen_kappa(first: Sequence[Any], second: Sequence[Any]) -> tuple[float, float]:
    """The share of pairs that agree and Cohen's (unweighted) kappa; kappa is NaN when
    chance agreement is total (one category only)."""
    n = len(first)
    if n == 0:
        return math.nan, math.nan
    agreed = sum(a == b for a, b in zip(first, second, strict=True)) / n
    categories = set(first) | set(second)
    chance = sum(
        (sum(a == c for a in first) / n) * (sum(b == c for b in second) / n) for c in categories
    )
    kappa = (agreed - chance) / (1 - chance) if chance < 1 else math.nan
    return agreed, kappa


def bowker(first: Sequence[Any], second: Sequence[Any]) -> tuple[float, int, float]:
    """Bowker's test of symmetry of a square table: statistic, degrees of freedom, p-value.

    Summed over the pairs of categories ``i < j`` with ``n_ij + n_ji > 0`` (R's
    ``mcnemar.test`` sums over every pair and returns NaN when one is empty); the degrees of
    freedom are the number of pairs summed. NaN when no pair changed.
    """
    from scipy import special

    categories = sorted({*first, *second}, key=str)
    index = {c: i for i, c in enumerate(categories)}
    table = np.zeros((len(categories), len(categories)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    statistic, df = 0.0, 0
    for i in range(len(categories)):
        for j in range(i + 1, len(categories)):
            both = table[i, j] + table[j, i]
            if both > 0:
                statistic += (table[i, j] - table[j, i]) ** 2 / both
                df += 1
    if df == 0:
        return math.nan, 0, math.nan
    return statistic, df, float(special.chdtrc(df, statistic))


def stability(comparisons: pd.DataFrame, kinds: dict[str, str]) -> list[dict[str, Any]]:
    """The paired test of each type-3 column that has pairs; ``kinds`` maps a column to its
    question type. Only pairs answered on both sides are used."""
    out: list[dict[str, Any]] = []
    three = comparisons[(comparisons["type"] == 3) & comparisons["survey_value"].notna()]
    for column, pairs in three.groupby("column", sort=False):
        kind = kinds.get(str(column), "")
        survey = pairs["survey_value"].tolist()
        backcheck = pairs["backcheck_value"].tolist()
        if kind in ("integer", "decimal"):
            out.append(_numbers(str(column), survey, backcheck))
        elif kind in _CATEGORIES:
            out.append(_choices(str(column), survey, backcheck))
    return out


def _numbers(column: str, survey: list[Any], backcheck: list[Any]) -> dict[str, Any]:
    numeric = [(s, b) for s, b in zip(survey, backcheck, strict=True) if _both_numbers(s, b)]
    result = paired_test([s for s, _ in numeric], [b for _, b in numeric])
    return {
        "column": column,
        "kind": "number",
        "n": result.n,
        "mean_survey": result.mean_before,
        "mean_backcheck": result.mean_after,
        "mean_diff": result.mean_diff,
        "sd_diff": result.sd_diff,
        "t": result.t,
        "df": result.df,
        "p": result.p,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
        "wilcoxon_p": result.wilcoxon_p,
        "wilcoxon_method": result.wilcoxon_method,
    }


def _both_numbers(survey: Any, backcheck: Any) -> bool:
    return isinstance(survey, float) and isinstance(backcheck, float)


def _choices(column: str, survey: list[Any], backcheck: list[Any]) -> dict[str, Any]:
    agreed, kappa = cohen_kappa(survey, backcheck)
    categories = sorted({*survey, *backcheck}, key=str)
    out: dict[str, Any] = {
        "column": column,
        "kind": "category",
        "n": len(survey),
        "categories": len(categories),
        "agreement": agreed,
        "kappa": kappa,
    }
    if len(categories) == 2:
        first = categories[0]
        result = mcnemar(
            [0.0 if s == first else 1.0 for s in survey],
            [0.0 if b == first else 1.0 for b in backcheck],
        )
        out |= {"test": "McNemar", "method": result.method, "p": result.p}
        out |= {"statistic": math.nan, "df": math.nan}
    elif len(categories) > 2:
        statistic, df, p = bowker(survey, backcheck)
        out |= {"test": "Bowker", "method": "chi-squared", "statistic": statistic, "df": df}
        out["p"] = p
    else:
        out |= {"test": "", "method": "", "statistic": math.nan, "df": math.nan, "p": math.nan}
    return out
