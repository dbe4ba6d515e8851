"""Checks and descriptions beside the mean change: Hodges-Lehmann, a cluster bootstrap, d_av,
the ratio of geometric means, and the tests for yes/no and rating outcomes.

- Hodges-Lehmann: the median of the Walsh averages ``(d_i + d_j) / 2, i <= j`` with the
  interval of R's ``wilcox.test(d, conf.int = TRUE)`` when it is exact (fewer than 50
  differences, no ties, no zeros); otherwise the order-statistic interval with the normal
  approximation of the signed-rank distribution (Hollander & Wolfe 1999, sec. 3.2).
- The cluster bootstrap resamples whole villages with replacement and takes the percentile
  interval of the mean change (Field & Welsh 2007).
- ``d_av = mean change / mean of the two waves' SDs`` (Lakens 2013, eq. 10).
- Yes/no outcomes: McNemar's test, exact (binomial on the discordant pairs, R ``binom.test``)
  when they are fewer than 25, otherwise the chi-squared test with continuity correction
  (R ``mcnemar.test``); the risk difference with the Wald interval for paired proportions
  (Agresti 2002, sec. 10.1).
- Ratings: the sign test on who improved and who got worse (R ``binom.test``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "EXACT_MCNEMAR_BELOW",
    "McNemar",
    "cluster_bootstrap_ci",
    "d_av",
    "geometric_mean_ratio",
    "hodges_lehmann",
    "mcnemar",
    "sign_test",
]

EXACT_MCNEMAR_BELOW = 25
"""With fewer discordant pairs than this, McNemar's test is the exact binomial test."""


def _signrank_counts(n: int) -> np.ndarray:
    """Number of sign patterns giving each signed-rank sum 0 .. n(n+1)/2."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1
    for k in range(1, n + 1):
        counts[k:] = counts[k:] + counts[:-k].copy()
    return counts


def hodges_lehmann(differences: ArrayLike, level: float = 0.95) -> tuple[float, float, float]:
    """Hodges-Lehmann estimate of the paired differences with its confidence interval.

    Returns
    -------
    estimate, low, high : float
        NaN for an empty input; the interval is NaN with fewer than 2 differences.

    Examples
    --------
    >>> d = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4]  # sleep data, has a zero
    >>> round(hodges_lehmann(d)[0], 2)
    1.3
    """
    from scipy import special

    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    n = d.size
    if n == 0:
        return math.nan, math.nan, math.nan
    i, j = np.triu_indices(n)
    walsh = np.sort((d[i] + d[j]) / 2)
    estimate = float(np.median(walsh))
    if n < 2:
        return estimate, math.nan, math.nan
    tail = (1 - level) / 2
    exact = n < 50 and np.unique(np.abs(d)).size == n and not (d == 0).any()
    if exact:  # R: qu <- qsignrank(alpha/2, n); cint <- c(diffs[qu], diffs[n(n+1)/2 - qu + 1])
        cumulative = np.cumsum(_signrank_counts(n)) / 2.0**n
        qu = max(int(np.searchsorted(cumulative, tail - 1e-12)), 1)
    else:
        z = float(special.ndtri(1 - tail))
        qu = max(math.floor(n * (n + 1) / 4 - z * math.sqrt(n * (n + 1) * (2 * n + 1) / 24)), 1)
    total = walsh.size
    return estimate, float(walsh[qu - 1]), float(walsh[total - qu])


def cluster_bootstrap_ci(
    values: ArrayLike,
    groups: ArrayLike,
    resamples: int = 999,
    level: float = 0.95,
    seed: int | None = 1,
) -> tuple[float, float]:
    """Percentile interval of the mean from resampling whole clusters with replacement.

    NaN with fewer than two clusters.
    """
    import pandas as pd

    y = np.asarray(values, dtype=float)
    labels = pd.Series(np.asarray(groups, dtype=object))
    keep = ~np.isnan(y) & labels.notna().to_numpy()
    codes, _ = pd.factorize(labels[keep])
    y = y[keep]
    clusters = int(codes.max()) + 1 if y.size else 0
    if clusters < 2:
        return math.nan, math.nan
    sums = np.bincount(codes, weights=y, minlength=clusters)
    sizes = np.bincount(codes, minlength=clusters).astype(float)
    picks = np.random.default_rng(seed).integers(0, clusters, size=(resamples, clusters))
    means = sums[picks].sum(axis=1) / sizes[picks].sum(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def d_av(before: ArrayLike, after: ArrayLike) -> float:
    """``(mean(after) - mean(before)) / ((sd(before) + sd(after)) / 2)`` on complete pairs."""
    x = np.asarray(before, dtype=float)
    y = np.asarray(after, dtype=float)
    complete = ~(np.isnan(x) | np.isnan(y))
    x, y = x[complete], y[complete]
    if x.size < 2:
        return math.nan
    spread = (x.std(ddof=1) + y.std(ddof=1)) / 2
    return float((y.mean() - x.mean()) / spread) if spread > 0 else math.nan


def geometric_mean_ratio(before: ArrayLike, after: ArrayLike) -> tuple[float, int]:
    """``exp(mean(log(after / before)))`` over the pairs where both are above zero.

    Returns
    -------
    ratio : float
        NaN when fewer than two pairs are positive in both waves.
    n : int
        The pairs it is computed on.
    """
    x = np.asarray(before, dtype=float)
    y = np.asarray(after, dtype=float)
    positive = (x > 0) & (y > 0)
    n = int(positive.sum())
    if n < 2:
        return math.nan, n
    return float(np.exp(np.mean(np.log(y[positive]) - np.log(x[positive])))), n


@dataclass(frozen=True)
class McNemar:
    """McNemar's test of a paired yes/no outcome.

    Attributes
    ----------
    n : int
        Complete pairs.
    started, stopped : int
        Pairs going from no (0) to yes (1), and from yes to no.
    p : float
        Two-sided p-value (NaN when no pair changed).
    method : str
        ``"exact"`` (binomial) or ``"chi-squared with continuity correction"``.
    risk_difference, ci_low, ci_high : float
        Share yes after minus share yes before, with its Wald interval for paired data.
    """

    n: int
    started: int
    stopped: int
    p: float
    method: str
    risk_difference: float
    ci_low: float
    ci_high: float


def mcnemar(before: ArrayLike, after: ArrayLike, level: float = 0.95) -> McNemar:
    """McNemar's test and the risk difference of paired 0/1 answers (see the module notes)."""
    from scipy import special, stats

    x = np.asarray(before, dtype=float)
    y = np.asarray(after, dtype=float)
    complete = ~(np.isnan(x) | np.isnan(y))
    x, y = x[complete], y[complete]
    n = int(x.size)
    b = int(((x == 0) & (y == 1)).sum())
    c = int(((x == 1) & (y == 0)).sum())
    nan = math.nan
    if n == 0:
        return McNemar(0, 0, 0, nan, "", nan, nan, nan)
    rd = (b - c) / n
    z = float(special.ndtri(0.5 + level / 2))
    se = math.sqrt(max((b + c) - (b - c) ** 2 / n, 0.0)) / n
    if b + c == 0:
        p, method = nan, ""
    elif b + c < EXACT_MCNEMAR_BELOW:
        p, method = float(stats.binomtest(b, b + c, 0.5).pvalue), "exact"
    else:
        chi2 = (abs(b - c) - 1) ** 2 / (b + c)
        p, method = float(special.chdtrc(1, chi2)), "chi-squared with continuity correction"
    return McNemar(n, b, c, p, method, rd, rd - z * se, rd + z * se)


def sign_test(differences: ArrayLike) -> tuple[int, int, int, float]:
    """Who improved, stayed the same, got worse, and the two-sided sign test p-value.

    The p-value is R's ``binom.test(improved, improved + worse)``; NaN when nobody changed.
    """
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    up, same, down = int((d > 0).sum()), int((d == 0).sum()), int((d < 0).sum())
    p = float(stats.binomtest(up, up + down, 0.5).pvalue) if up + down else math.nan
    return up, same, down, p
