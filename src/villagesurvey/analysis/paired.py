"""The paired before/after comparison of one outcome, and Holm's correction across outcomes.

Everything is computed on the differences ``after - before`` of the complete pairs:

- Student's paired t-test with the 95% CI of the mean difference (R ``t.test(paired = TRUE)``);
- the effect size ``d_z = mean difference / SD of the differences`` with its confidence
  interval from the noncentral t distribution (as MBESS ``ci.sm`` and effectsize
  ``cohens_d(paired = TRUE)`` compute it);
- Wilcoxon's signed-rank test as the robustness check, chosen as R's ``wilcox.test`` chooses:
  the exact distribution when there are fewer than 50 non-zero differences and no ties or
  zeros, otherwise the normal approximation with continuity correction, zeros dropped;
- Shapiro-Wilk on the differences.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["PairedTest", "dz_confidence_interval", "holm", "paired_test", "wilcoxon_test"]


@dataclass(frozen=True)
class PairedTest:
    """The paired comparison of one outcome.

    Attributes
    ----------
    n : int
        Complete pairs analysed.
    n_excluded : int
        Respondents left out because one side (or both) is missing.
    mean_before, mean_after, mean_diff : float
        Means of the complete pairs; ``mean_diff = mean_after - mean_before``.
    sd_diff : float
        Standard deviation of the differences (``n - 1`` denominator).
    t, df, p : float
        Paired t statistic, its degrees of freedom ``n - 1`` and two-sided p-value.
    ci_low, ci_high : float
        Confidence interval of the mean difference.
    cohen_dz, dz_ci_low, dz_ci_high : float
        ``d_z = mean_diff / sd_diff`` and its noncentral-t confidence interval.
    wilcoxon_p : float
        Two-sided p-value of Wilcoxon's signed-rank test.
    wilcoxon_method : str
        ``"exact"``, ``"normal approximation with continuity correction"`` or ``""`` (not run).
    shapiro_w, shapiro_p : float
        Shapiro-Wilk statistic and p-value on the differences (NaN for fewer than 3 pairs or
        identical differences).
    level : float
        Confidence level of the intervals.

    Any statistic that cannot be computed (too few pairs, no spread) is NaN.
    """

    n: int
    n_excluded: int
    mean_before: float
    mean_after: float
    mean_diff: float
    sd_diff: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    cohen_dz: float
    dz_ci_low: float
    dz_ci_high: float
    wilcoxon_p: float
    wilcoxon_method: str
    shapiro_w: float
    shapiro_p: float
    level: float = 0.95


def paired_test(before: ArrayLike, after: ArrayLike, level: float = 0.95) -> PairedTest:
    """Compare ``after`` with ``before`` respondent by respondent.

    Parameters
    ----------
    before, after : array-like of float
        The two waves, aligned by respondent; NaN marks a missing answer, and a pair with a
        missing side is left out and counted in ``n_excluded``.
    level : float, default 0.95
        Confidence level of the intervals.

    Returns
    -------
    PairedTest

    Examples
    --------
    Student's sleep data (R ``datasets::sleep``), group 2 against group 1:

    >>> g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
    >>> g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
    >>> result = paired_test(g1, g2)
    >>> round(result.t, 4), result.df, round(result.p, 6)
    (4.0621, 9.0, 0.002833)
    """
    from scipy import stats

    x = np.asarray(before, dtype=float)
    y = np.asarray(after, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError("before and after must be 1-d and of the same length")
    complete = ~(np.isnan(x) | np.isnan(y))
    x, y = x[complete], y[complete]
    d = y - x
    n = int(d.size)
    nan = math.nan
    mean_before = float(x.mean()) if n else nan
    mean_after = float(y.mean()) if n else nan
    mean_diff = float(d.mean()) if n else nan
    sd = float(d.std(ddof=1)) if n >= 2 else nan
    t = p = low = high = dz = dz_low = dz_high = nan
    df = float(n - 1) if n >= 2 else nan
    if n >= 2 and sd > 0:
        se = sd / math.sqrt(n)
        t = mean_diff / se
        p = float(2 * stats.t.sf(abs(t), df))
        margin = float(stats.t.ppf(0.5 + level / 2, df)) * se
        low, high = mean_diff - margin, mean_diff + margin
        dz = mean_diff / sd
        dz_low, dz_high = dz_confidence_interval(t, n, level)
    wilcoxon_p, method = wilcoxon_test(d)
    shapiro_w, shapiro_p = _shapiro(d)
    return PairedTest(
        n=n,
        n_excluded=int((~complete).sum()),
        mean_before=mean_before,
        mean_after=mean_after,
        mean_diff=mean_diff,
        sd_diff=sd,
        t=t,
        df=df,
        p=p,
        ci_low=low,
        ci_high=high,
        cohen_dz=dz,
        dz_ci_low=dz_low,
        dz_ci_high=dz_high,
        wilcoxon_p=wilcoxon_p,
        wilcoxon_method=method,
        shapiro_w=shapiro_w,
        shapiro_p=shapiro_p,
        level=level,
    )


def dz_confidence_interval(t: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Confidence interval of d_z by inverting the noncentral t distribution.

    The limits are the noncentrality parameters under which the observed ``t`` (with
    ``n - 1`` df) is the upper and the lower ``(1 - level) / 2`` quantile, divided by
    ``sqrt(n)`` (Steiger & Fouladi 1997; MBESS ``ci.sm``; effectsize ``cohens_d``).
    """
    from scipy import optimize, special

    if n < 2 or not math.isfinite(t):
        return math.nan, math.nan
    df = n - 1
    tail = (1 - level) / 2

    def limit(probability: float) -> float:
        def gap(ncp: float) -> float:
            return float(special.nctdtr(df, ncp, t)) - probability

        # Walk out from t in small steps: far from the root scipy's nct.cdf can return NaN.
        step = 0.25 * (1 + abs(t) / math.sqrt(df))
        low, high = t, t
        while gap(low) < 0:
            low -= step
        while gap(high) > 0:
            high += step
        if low == high:
            return low
        return float(optimize.brentq(gap, low, high, xtol=1e-10))

    root_n = math.sqrt(n)
    return limit(1 - tail) / root_n, limit(tail) / root_n


def wilcoxon_test(differences: ArrayLike) -> tuple[float, str]:
    """Two-sided Wilcoxon signed-rank p-value, choosing the method as R's ``wilcox.test``.

    Zeros are dropped. With fewer than 50 non-zero differences and neither ties nor zeros
    the exact distribution is used; otherwise the normal approximation with tie-corrected
    variance and continuity correction (R's default ``correct = TRUE``).

    Returns
    -------
    p : float
        NaN when no difference is non-zero.
    method : str
        ``"exact"``, ``"normal approximation with continuity correction"`` or ``""``.
    """
    from scipy import stats

    d = np.asarray(differences, dtype=float)
    d = d[~np.isnan(d)]
    nonzero = d[d != 0]
    n = nonzero.size
    if n == 0:
        return math.nan, ""
    has_zeros = nonzero.size < d.size
    has_ties = np.unique(np.abs(nonzero)).size < n
    if n < 50 and not has_zeros and not has_ties:
        result = stats.wilcoxon(nonzero, method="exact")
        return float(result.pvalue), "exact"
    with warnings.catch_warnings():
        # scipy notes that the approximation is rough for few pairs; R uses it all the same
        warnings.filterwarnings("ignore", message=".*[Ss]ample size too small.*")
        result = stats.wilcoxon(nonzero, method="approx", correction=True)
    return float(result.pvalue), "normal approximation with continuity correction"


def _shapiro(differences: np.ndarray) -> tuple[float, float]:
    from scipy import stats

    if differences.size < 3 or np.ptp(differences) == 0:
        return math.nan, math.nan
    result = stats.shapiro(differences)
    return float(result.statistic), float(result.pvalue)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment (R ``p.adjust(p, "holm")``); NaN entries stay NaN.

    The adjustment runs over the non-missing p-values only, as ``p.adjust`` does with
    ``n = length(p)`` after ``NA`` are removed.

    Examples
    --------
    >>> [round(p, 4) for p in holm([0.01, 0.02, 0.03, 0.04, 0.05])]
    [0.05, 0.08, 0.09, 0.09, 0.09]
    """
    values = np.asarray(pvalues, dtype=float)
    adjusted = np.full(values.shape, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    m = present.size
    order = present[np.argsort(values[present], kind="stable")]
    running = 0.0
    for rank, at in enumerate(order):  # p_(i) * (m - i + 1), made monotone, capped at 1
        running = max(running, min(1.0, (m - rank) * float(values[at])))
        adjusted[at] = running
    return [float(v) for v in adjusted]
