"""One outcome's before/after comparison: the design-based headline and everything beside it.

The headline is the mean change with its CR2 cluster-robust standard error, Bell-McCaffrey
degrees of freedom and confidence interval (falling back to the paired t-test when there
are fewer than two clusters); the paired t-test, Wilcoxon, the wild cluster bootstrap, the
cluster bootstrap interval and Hodges-Lehmann are shown beside it. For a yes/no outcome the
mean change is the risk difference; for a rating, the mean change of the scores.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ._data import Outcome
from .clustering import cluster_analysis
from .notes import Note
from .paired import paired_test
from .robust import (
    cluster_bootstrap_ci,
    d_av,
    geometric_mean_ratio,
    hodges_lehmann,
    mcnemar,
    sign_test,
)
from .sensitivity import min_detectable_change, t_power, tost

__all__ = [
    "HEADLINE_CR2",
    "HEADLINE_NAIVE",
    "SMALL_SAMPLE",
    "add_holm",
    "compare_outcome",
    "conclusion",
]

SMALL_SAMPLE = 30
"""Fewer complete pairs than this is called a small sample in the report."""

HEADLINE_CR2 = "CR2 cluster-robust, Bell-McCaffrey df"
HEADLINE_NAIVE = "paired t-test (fewer than 2 villages)"
FEW_DF = 4.0
"""Below this many degrees of freedom the design-based interval is called very wide."""


def compare_outcome(
    outcome: Outcome,
    pairs: pd.DataFrame,
    *,
    alpha: float,
    power: float,
    sesoi: float | None,
    structural: int = 0,
    resamples: int = 999,
    seed: int | None = 1,
) -> dict[str, Any]:
    """Every number of one outcome's row (see ``docs/report.md`` for each key)."""
    q = outcome.pair.question
    level = 1 - alpha
    test = paired_test(pairs["before"].to_numpy(), pairs["after"].to_numpy(), level)
    complete = pairs.dropna(subset=["diff"])
    diff = complete["diff"].to_numpy()
    villages = complete["cluster"].to_numpy()
    clusters = cluster_analysis(diff, villages, resamples=resamples, seed=seed)
    row: dict[str, Any] = {
        "outcome": outcome.name,
        "question": q.code,
        "before": outcome.pair.before.code,
        "after": outcome.pair.after.code,
        "wave_before": outcome.pair.before.wave,
        "wave_after": outcome.pair.after.wave,
        "unit": q.unit or "",
        "kind": outcome.kind,
        "deflated": q.is_money,
        "when_skipped": q.when_skipped,
        "structural_zeros": structural,
        **{k: getattr(test, k) for k in ("n", "n_excluded", "mean_before", "mean_after")},
        "mean_diff": test.mean_diff,
        "sd_diff": test.sd_diff,
    }
    row |= _headline(test, clusters)
    row |= {
        "cohen_dz": test.cohen_dz,
        "dz_ci_low": test.dz_ci_low,
        "dz_ci_high": test.dz_ci_high,
        "d_av": d_av(complete["before"], complete["after"]),
        "naive_t": test.t,
        "naive_df": test.df,
        "naive_p": test.p,
        "naive_ci_low": test.ci_low,
        "naive_ci_high": test.ci_high,
        "wilcoxon_p": test.wilcoxon_p,
        "wilcoxon_method": test.wilcoxon_method,
        "icc": clusters.icc,
        "icc_low": clusters.icc_low,
        "icc_high": clusters.icc_high,
        "deff": clusters.deff,
        "n_eff": clusters.n_eff,
        "clusters": clusters.clusters,
        "cluster_m": clusters.m,
        "cr2_t": clusters.t,
        "cr2_df": clusters.df,
        "cr2_p": clusters.p,
        "wild_p": clusters.wild_p,
    }
    row |= _sensitivity(row, sesoi, alpha, power)
    row |= _robustness(outcome, complete, level, resamples, seed)
    row["warnings"] = _notes(row, alpha)
    return row


def _headline(test: Any, clusters: Any) -> dict[str, Any]:
    if not math.isnan(clusters.se):
        values = (clusters.t, clusters.df, clusters.p, clusters.ci_low, clusters.ci_high)
        se, method = clusters.se, HEADLINE_CR2
    else:
        values = (test.t, test.df, test.p, test.ci_low, test.ci_high)
        se = test.sd_diff / math.sqrt(test.n) if test.n >= 2 else math.nan
        method = HEADLINE_NAIVE
    keys = ("t", "df", "p", "ci_low", "ci_high")
    return {**dict(zip(keys, values, strict=True)), "se": se, "method": method}


def _sensitivity(
    row: dict[str, Any], sesoi: float | None, alpha: float, power: float
) -> dict[str, Any]:
    se, df = row["se"], row["df"]
    mde = min_detectable_change(se, df, power, alpha) if not math.isnan(df) else math.nan
    sd = row["sd_diff"]
    out: dict[str, Any] = {
        "mde": mde,
        "mde_dz": mde / sd if sd and sd > 0 else math.nan,
        "sesoi": sesoi,
        "power_sesoi": math.nan,
        "tost_p": math.nan,
    }
    if sesoi is not None and se > 0:
        out["power_sesoi"] = t_power(sesoi / se, df, alpha)
        out["tost_p"] = tost(row["mean_diff"], se, df, sesoi)
    return out


def _robustness(
    outcome: Outcome, complete: pd.DataFrame, level: float, resamples: int, seed: int | None
) -> dict[str, Any]:
    diff = complete["diff"].to_numpy()
    low, high = cluster_bootstrap_ci(diff, complete["cluster"].to_numpy(), resamples, level, seed)
    hl, hl_low, hl_high = hodges_lehmann(diff, level)
    nan = math.nan
    out: dict[str, Any] = {
        "boot_ci_low": low,
        "boot_ci_high": high,
        "hl": hl,
        "hl_ci_low": hl_low,
        "hl_ci_high": hl_high,
        "gmr": nan,
        "gmr_n": 0,
    }
    if outcome.pair.question.is_money:
        out["gmr"], out["gmr_n"] = geometric_mean_ratio(complete["before"], complete["after"])
    yes_no = outcome.kind == "yes_no"
    result = mcnemar(complete["before"], complete["after"], level) if yes_no else None
    out |= {
        "started": result.started if result else None,
        "stopped": result.stopped if result else None,
        "mcnemar_p": result.p if result else nan,
        "mcnemar_method": result.method if result else "",
        "rd": result.risk_difference if result else nan,
        "rd_ci_low": result.ci_low if result else nan,
        "rd_ci_high": result.ci_high if result else nan,
    }
    counts = sign_test(diff) if outcome.kind == "rating" else None
    keys = ("improved", "same", "worse", "sign_p")
    out |= dict(zip(keys, counts or (None, None, None, nan), strict=True))
    return out


def _lt(value: float, threshold: float) -> bool:
    return not math.isnan(value) and value < threshold


def _notes(row: dict[str, Any], alpha: float) -> list[Note]:
    notes: list[Note] = []
    if row["structural_zeros"]:
        value = row["when_skipped"]
        notes.append(Note("structural_zeros", {"count": row["structural_zeros"], "value": value}))
    if row["n_excluded"]:
        notes.append(Note("excluded_pairs", {"excluded": row["n_excluded"]}))
    if row["n"] < 2:
        return [*notes, Note("too_few_pairs")]
    if not row["sd_diff"] > 0:
        return [*notes, Note("no_variation")]
    if row["n"] < SMALL_SAMPLE:
        notes.append(Note("small_sample", {"n": row["n"]}))
    if row["method"] == HEADLINE_NAIVE:
        notes.append(Note("one_cluster"))
    elif _lt(row["df"], FEW_DF):
        notes.append(Note("few_df", {"df": row["df"], "clusters": row["clusters"]}))
    if _lt(row["naive_p"], alpha) and not _lt(row["p"], alpha):
        notes.append(Note("naive_only", {"p": row["naive_p"], "cr2": row["p"]}))
    wild = row["wild_p"]
    if not math.isnan(wild) and _lt(row["p"], alpha) != _lt(wild, alpha):
        notes.append(Note("wild_disagrees", {"p": row["p"], "wild": wild}))
    return notes


def conclusion(row: Any, alpha: float) -> str:
    """``changed`` (Holm-adjusted headline p below alpha), ``equivalent`` (TOST p below
    alpha within ±SESOI), ``inconclusive``, or ``untested`` (no test possible)."""
    if math.isnan(row["p"]):
        return "untested"
    if row["p_holm"] < alpha:
        return "changed"
    if _lt(row["tost_p"], alpha):
        return "equivalent"
    return "inconclusive"


def add_holm(table: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """Holm's correction of the headline and of the naive p-values, and the conclusions."""
    from .paired import holm

    if table.empty:
        return table
    table.insert(table.columns.get_loc("p") + 1, "p_holm", holm(table["p"].tolist()))
    table.insert(
        table.columns.get_loc("naive_p") + 1, "naive_p_holm", holm(table["naive_p"].tolist())
    )
    table.insert(
        table.columns.get_loc("tost_p") + 1,
        "conclusion",
        [conclusion(row, alpha) for _, row in table.iterrows()],
    )
    return table
