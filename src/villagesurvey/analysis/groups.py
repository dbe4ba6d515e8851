"""Comparisons between groups of respondents, cluster-robust: difference-in-differences
against a comparison group, and the test of whether a change differs between subgroups.

Both regress the paired differences ``d = after - before`` on group indicators and test the
coefficient with CR2 and Bell-McCaffrey degrees of freedom (:func:`~.cr2.cr2_test`):

- difference-in-differences: ``d = a + b * exposed``; ``b`` is the change among the exposed
  minus the change among the others. It estimates the programme's effect only under parallel
  trends (both groups would have changed alike without it). The baseline difference, the
  same regression with ``before`` in place of ``d``, is shown beside it.
- subgroups (Gelman & Stern 2006: "significant in one group, not in the other" is not a test
  of a difference): ``d = a + sum_l b_l * in_level_l`` over the levels after the first; each
  ``b_l`` is that level's mean change minus the first level's, and a CR2 Wald test (HTZ)
  tests that all ``b_l`` are 0.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from .cr2 import cr2_test, cr2_wald

__all__ = ["difference_in_differences", "exposure", "subgroup_differences"]

_NAN_TEST = {"estimate": math.nan, "se": math.nan, "df": math.nan, "p": math.nan}


def _test(values: np.ndarray, indicator: np.ndarray, clusters: np.ndarray) -> dict[str, float]:
    keep = ~np.isnan(values) & ~np.isnan(indicator)
    if keep.sum() < 3 or len(set(indicator[keep])) < 2:
        return {**_NAN_TEST, "ci_low": math.nan, "ci_high": math.nan}
    design = np.column_stack([np.ones(int(keep.sum())), indicator[keep]])
    result = cr2_test(values[keep], design, clusters[keep])
    return {
        "estimate": result.estimate,
        "se": result.se,
        "df": result.df,
        "p": result.p,
        "ci_low": result.ci_low,
        "ci_high": result.ci_high,
    }


def difference_in_differences(pairs: pd.DataFrame, exposed: pd.Series) -> pd.DataFrame:
    """Change among the exposed minus change among the unexposed, for each outcome.

    Parameters
    ----------
    pairs : DataFrame
        Long form with ``outcome``, ``respondent``, ``cluster``, ``before``, ``after``,
        ``diff`` (as :func:`~villagesurvey.analysis.analyse` builds it).
    exposed : Series of float
        1 for exposed, 0 for not, NaN unknown; indexed by respondent.

    Returns
    -------
    DataFrame
        One row per outcome: ``outcome``, ``n_exposed``, ``n_unexposed``, ``change_exposed``,
        ``change_unexposed``, ``did`` with ``did_se``, ``did_df``, ``did_p``,
        ``did_ci_low``, ``did_ci_high``; ``baseline_diff`` with ``baseline_p``,
        ``baseline_ci_low``, ``baseline_ci_high``.
    """
    rows: list[dict[str, Any]] = []
    for outcome, group in pairs.groupby("outcome", sort=False):
        flag = exposed.reindex(group["respondent"]).to_numpy(dtype=float)
        diff = group["diff"].to_numpy(dtype=float)
        clusters = group["cluster"].to_numpy(dtype=object)
        complete = ~np.isnan(diff) & ~np.isnan(flag)
        did = _test(diff, flag, clusters)
        base = _test(group["before"].to_numpy(dtype=float), flag, clusters)
        rows.append(
            {
                "outcome": outcome,
                "n_exposed": int((complete & (flag == 1)).sum()),
                "n_unexposed": int((complete & (flag == 0)).sum()),
                "change_exposed": _mean(diff[complete & (flag == 1)]),
                "change_unexposed": _mean(diff[complete & (flag == 0)]),
                **{f"did_{k}" if k != "estimate" else "did": v for k, v in did.items()},
                "baseline_diff": base["estimate"],
                "baseline_p": base["p"],
                "baseline_ci_low": base["ci_low"],
                "baseline_ci_high": base["ci_high"],
            }
        )
    return pd.DataFrame(rows)


def subgroup_differences(pairs: pd.DataFrame, groups: pd.Series, levels: list[str]) -> pd.DataFrame:
    """For each outcome and each level after the first: its mean change minus the first's.

    Returns
    -------
    DataFrame
        ``outcome``, ``level``, ``reference``, ``difference``, ``se``, ``df``, ``p``,
        ``ci_low``, ``ci_high`` (CR2, Bell-McCaffrey df); and the test that the mean change is
        the same in every level, ``f``, ``f_df_num``, ``f_df_denom``, ``f_p`` (CR2 Wald test,
        HTZ; the same on each row of an outcome).
    """
    rows: list[dict[str, Any]] = []
    if len(levels) < 2:
        return pd.DataFrame(rows)
    reference = levels[0]
    for outcome, group in pairs.groupby("outcome", sort=False):
        label = groups.reindex(group["respondent"]).fillna("").astype(str).to_numpy()
        diff = group["diff"].to_numpy(dtype=float)
        clusters = group["cluster"].to_numpy(dtype=object)
        known = np.isin(label, levels)
        dummies = np.column_stack([label == level for level in levels[1:]]).astype(float)
        design = np.column_stack([np.ones(int(known.sum())), dummies[known]])
        constraints = np.eye(len(levels))[1:]
        omnibus = cr2_wald(diff[known], design, clusters[known], constraints)
        for index, level in enumerate(levels[1:], start=1):
            fit = cr2_test(diff[known], design, clusters[known], contrast=constraints[index - 1])
            result = {
                "estimate": fit.estimate,
                "se": fit.se,
                "df": fit.df,
                "p": fit.p,
                "ci_low": fit.ci_low,
                "ci_high": fit.ci_high,
            }
            rows.append(
                {
                    "outcome": outcome,
                    "level": level,
                    "reference": reference,
                    "difference": result["estimate"],
                    **{k: result[k] for k in ("se", "df", "p", "ci_low", "ci_high")},
                    **dict(zip(("f", "f_df_num", "f_df_denom", "f_p"), omnibus, strict=True)),
                }
            )
    return pd.DataFrame(rows)


def exposure(data: pd.DataFrame, column: str, known: list[str], source: str) -> pd.Series:
    """The comparison column as 1 (exposed), 0 (not) or NaN, with a 0-based index.

    Raises
    ------
    AnalysisError
        When the column is not one of ``known`` (the instrument's columns) or the data's, or
        holds values other than 0 and 1.
    """
    from ..errors import AnalysisError

    if column not in known or column not in data.columns:
        raise AnalysisError(
            f"--compare {column}: not a column of the instrument and the data; give a yes/no "
            "column coded 0 and 1, e.g. ecom_participation_2022"
        )
    raw = data[column].reset_index(drop=True).astype("string").str.strip().replace("", pd.NA)
    values = pd.to_numeric(raw, errors="coerce").astype(float)
    bad = values.notna() & ~values.isin([0.0, 1.0]) | (values.isna() & raw.notna())
    if bad.any():
        raise AnalysisError(
            f"{source}: --compare {column}: {raw[bad].iloc[0]!r} is not 0 or 1; the comparison "
            "column must be a yes/no answer coded 0 and 1"
        )
    return values


def _mean(values: np.ndarray) -> float:
    return float(values.mean()) if values.size else math.nan
