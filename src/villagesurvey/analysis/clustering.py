"""Respondents nested in villages: ICC, design effect, effective n, cluster-robust test.

For the paired differences ``d`` of one outcome, grouped into ``k`` clusters of sizes
``n_1 .. n_k`` (``N`` in all):

- the intra-cluster correlation by the one-way ANOVA estimator,
  ``ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW)`` with
  ``n0 = (N - sum(n_i^2) / N) / (k - 1)`` (Donner 1986; Snijders & Bosker, ch. 3);
- the design effect ``deff = 1 + (m - 1) ICC`` with ``m = sum(n_i^2) / N``, the size-weighted
  mean cluster size (Kish 1965; Eldridge, Ashby & Kerry 2006); a negative ICC estimate
  counts as 0 here, so the design effect is never below 1;
- the effective number of independent pairs, ``N / deff``;
- the design-based test of :func:`cluster_analysis`: CR2 with Bell-McCaffrey degrees of
  freedom and a wild cluster bootstrap (see :mod:`~villagesurvey.analysis.cr2`);
- :func:`cluster_robust_mean`, the simpler test: OLS of ``d`` on a constant with the CR1
  sandwich variance ``G/(G-1) * (N-1)/(N-K) * sum_g (sum_i e_gi)^2 / N^2`` (``K = 1``,
  ``e`` the residuals ``d - mean(d)``) and a t reference with ``G - 1`` df, as Stata's
  ``regress d, vce(cluster village)``. The default normal reference of many packages is
  badly anti-conservative with a dozen clusters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "ClusterResult",
    "cluster_analysis",
    "cluster_robust_mean",
    "design_effect",
    "icc_oneway",
    "weighted_cluster_size",
]


@dataclass(frozen=True)
class ClusterResult:
    """How clustering changes the evidence for one outcome's mean difference.

    Attributes
    ----------
    clusters : int
        Clusters with at least one complete pair.
    m : float
        Size-weighted mean cluster size, ``sum(n_i^2) / N``.
    icc : float
        One-way ANOVA ICC of the differences (may be negative; NaN if it cannot be estimated).
    icc_low, icc_high : float
        Its 95% confidence interval (:func:`~villagesurvey.analysis.sensitivity.icc_interval`).
    deff : float
        Design effect ``1 + (m - 1) max(icc, 0)``.
    n_eff : float
        Effective number of independent pairs, ``N / deff``.
    estimate, se : float
        Mean difference and its cluster-robust (CR2) standard error.
    t, df, p : float
        CR2 t statistic, Bell-McCaffrey degrees of freedom, two-sided p-value.
    ci_low, ci_high : float
        The CR2 95% confidence interval of the mean difference.
    wild_p : float
        Wild cluster bootstrap p-value (Webb weights, null imposed).
    """

    clusters: int
    m: float
    icc: float
    icc_low: float
    icc_high: float
    deff: float
    n_eff: float
    estimate: float
    se: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    wild_p: float


def _clean(values: ArrayLike, groups: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    import pandas as pd

    y = np.asarray(values, dtype=float)
    labels = pd.Series(np.asarray(groups, dtype=object))
    keep = ~np.isnan(y) & labels.notna().to_numpy()
    codes, _ = pd.factorize(labels[keep])
    return y[keep], np.asarray(codes)


def weighted_cluster_size(groups: ArrayLike) -> float:
    """``sum(n_i^2) / N``: the mean cluster size a randomly chosen respondent is in."""
    _, counts = np.unique(np.asarray(groups, dtype=object).astype(str), return_counts=True)
    total = counts.sum()
    return float((counts**2).sum() / total) if total else math.nan


def _anova(y: np.ndarray, codes: np.ndarray) -> tuple[float, float, float, int] | None:
    """``MSB, MSW, n0, k`` of the one-way ANOVA, or None when they cannot be estimated."""
    total = y.size
    k = int(codes.max()) + 1 if total else 0
    if k < 2 or total - k < 1:
        return None
    sizes = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=y, minlength=k) / sizes
    grand = y.mean()
    msb = float((sizes * (means - grand) ** 2).sum() / (k - 1))
    msw = float(((y - means[codes]) ** 2).sum() / (total - k))
    n0 = (total - (sizes**2).sum() / total) / (k - 1)
    return msb, msw, n0, k


def icc_oneway(values: ArrayLike, groups: ArrayLike) -> float:
    """One-way ANOVA estimate of the intra-cluster correlation (see the module notes).

    NaN when there are fewer than two clusters, no replication within clusters, or no
    variation at all.
    """
    y, codes = _clean(values, groups)
    parts = _anova(y, codes)
    if parts is None:
        return math.nan
    msb, msw, n0, _ = parts
    denominator = msb + (n0 - 1) * msw
    return (msb - msw) / denominator if denominator > 0 else math.nan


def design_effect(icc: float, m: float) -> float:
    """``1 + (m - 1) max(icc, 0)``; 1 when the ICC is unknown (NaN)."""
    if math.isnan(icc):
        return 1.0
    return 1 + (m - 1) * max(icc, 0.0)


def cluster_robust_mean(values: ArrayLike, groups: ArrayLike) -> tuple[float, float, float, float]:
    """Mean of ``values`` with a CR1 cluster-robust standard error and a t(G - 1) test.

    Returns
    -------
    estimate, se, t, p : float
        NaN (except the estimate) with fewer than two clusters or no variation.
    """
    y, codes = _clean(values, groups)
    if y.size == 0:
        return math.nan, math.nan, math.nan, math.nan
    clusters = int(codes.max()) + 1
    estimate = float(y.mean())
    if clusters < 2 or np.ptp(y) == 0:
        return estimate, math.nan, math.nan, math.nan
    from scipy import special

    # OLS of y on a constant with the CR1 sandwich (Stata's and statsmodels' "cluster"):
    # V = G / (G - 1) * (N - 1) / (N - K) * sum_g (sum_{i in g} e_i)^2 / N^2, here K = 1
    scores = np.bincount(codes, weights=y - estimate, minlength=clusters)
    se = math.sqrt(clusters / (clusters - 1) * float((scores**2).sum())) / y.size
    t = estimate / se
    p = float(2 * special.stdtr(clusters - 1, -abs(t)))
    return estimate, se, t, p


def cluster_analysis(
    values: ArrayLike, groups: ArrayLike, *, resamples: int = 999, seed: int | None = 1
) -> ClusterResult:
    """ICC with its interval, design effect, effective n and the cluster-robust tests.

    Parameters
    ----------
    values : array-like of float
        The paired differences; NaN entries (incomplete pairs) are left out.
    groups : array-like
        The cluster (village) of each respondent, aligned with ``values``.
    resamples, seed : int
        Draws of the wild cluster bootstrap (all ``6^G`` weight vectors when fewer), its seed.
    """
    from .cr2 import cr2_mean, wild_bootstrap_mean
    from .sensitivity import icc_interval

    y, codes = _clean(values, groups)
    clusters = int(codes.max()) + 1 if y.size else 0
    m = weighted_cluster_size(codes) if y.size else math.nan
    icc = icc_oneway(y, codes)
    parts = _anova(y, codes)
    low, high = (
        icc_interval(parts[0], parts[1], parts[3], y.size, parts[2])
        if parts
        else (
            math.nan,
            math.nan,
        )
    )
    deff = design_effect(icc, m) if y.size else math.nan
    test = cr2_mean(y, codes)
    return ClusterResult(
        clusters=clusters,
        m=m,
        icc=icc,
        icc_low=low,
        icc_high=high,
        deff=deff,
        n_eff=y.size / deff if y.size else math.nan,
        estimate=test.estimate,
        se=test.se,
        t=test.t,
        df=test.df,
        p=test.p,
        ci_low=test.ci_low,
        ci_high=test.ci_high,
        wild_p=wild_bootstrap_mean(y, codes, resamples, seed),
    )
