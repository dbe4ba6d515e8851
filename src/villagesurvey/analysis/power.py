"""Power of the paired t-test, in d_z units, as R's ``pwr.t.test(type = "paired")`` computes it.

The test statistic of a paired t-test with ``n`` pairs and standardised effect
``d_z = mean difference / SD of differences`` follows a noncentral t distribution with
``n - 1`` degrees of freedom and noncentrality ``d_z * sqrt(n)``. Power is the chance that it
falls beyond the two-sided critical value (both tails counted, as ``pwr`` does). The minimum
detectable effect and the pairs needed are found by root finding (Brent's method) on that
function, as ``pwr`` does with ``uniroot``.

Clustering enters through the design effect: with ``n`` respondents in clusters of mean size
``m`` and intra-cluster correlation ``icc``, the effective number of independent pairs is
``n / (1 + (m - 1) icc)``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

__all__ = [
    "PowerPlan",
    "min_detectable_effect",
    "n_for_power",
    "paired_power",
    "plan_power",
]


def _check(alpha: float, power: float | None = None) -> None:
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if power is not None and not 0 < power < 1:
        raise ValueError(f"power must be between 0 and 1, got {power}")


def paired_power(d: float, n: float, alpha: float = 0.05) -> float:
    """Power of a two-sided paired t-test with ``n`` pairs to detect effect ``d`` (d_z).

    ``P(T > t_crit) + P(T < -t_crit)`` for ``T`` noncentral t with ``n - 1`` df and
    noncentrality ``d * sqrt(n)``, ``t_crit`` the ``1 - alpha/2`` quantile of the central t:
    the formula of R's ``pwr.t.test(type = "paired")`` and pingouin's ``power_ttest``.

    Parameters
    ----------
    d : float
        Standardised effect, mean difference / SD of the differences (sign ignored).
    n : float
        Number of pairs (may be fractional, e.g. an effective n); NaN when below 2.
    alpha : float, default 0.05
        Two-sided significance level.

    Returns
    -------
    float
        Power in [alpha, 1]; NaN when ``d`` or ``n`` is NaN or ``n < 2``.

    Examples
    --------
    >>> round(paired_power(0.5, 20), 4)  # R: pwr.t.test(n = 20, d = 0.5, type = "paired")
    0.5645
    """
    _check(alpha)
    if math.isnan(d) or math.isnan(n) or n < 2:
        return math.nan
    return _power(abs(d), n, alpha)


def _power(d: float, n: float, alpha: float) -> float:
    from scipy import special

    df = n - 1
    critical = float(special.stdtrit(df, 1 - alpha / 2))
    ncp = d * math.sqrt(n)
    upper = 1 - float(special.nctdtr(df, ncp, critical))
    lower = float(special.nctdtr(df, ncp, -critical))
    return min(1.0, upper + lower)


def _root(function: Callable[[float], float], low: float, high: float) -> float:
    from scipy import optimize

    try:
        return float(optimize.brentq(function, low, high, xtol=1e-10, rtol=1e-12))
    except ValueError:  # no sign change: the target cannot be reached in the range
        return math.nan


@functools.lru_cache(maxsize=256)
def min_detectable_effect(n: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """The smallest d_z a two-sided paired t-test with ``n`` pairs detects with ``power``.

    Returns NaN when ``n < 2`` or when no effect up to d_z = 100 reaches the power.

    Examples
    --------
    >>> round(min_detectable_effect(62), 2)  # R: pwr.t.test(n = 62, power = 0.8, type = "paired")
    0.36
    """
    _check(alpha, power)
    if math.isnan(n) or n < 2:
        return math.nan
    return _root(lambda d: _power(d, n, alpha) - power, 1e-9, 100.0)


@functools.lru_cache(maxsize=1024)
def n_for_power(d: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """Pairs needed to detect ``d`` (d_z) with ``power`` (fractional; round up to plan).

    Returns infinity when even 10 million pairs are not enough (``d == 0``), NaN for NaN.

    Examples
    --------
    >>> round(n_for_power(0.5), 2)  # R: pwr.t.test(d = 0.5, power = 0.8, type = "paired")
    33.37
    """
    _check(alpha, power)
    if math.isnan(d):
        return math.nan
    d = abs(d)
    if d == 0 or _power(d, 1e7, alpha) < power:
        return math.inf
    if _power(d, 2, alpha) >= power:
        return 2.0
    return _root(lambda n: _power(d, n, alpha) - power, 2.0, 1e7)


@dataclass(frozen=True)
class PowerPlan:
    """The answers to the planning questions for a paired before/after survey.

    Attributes
    ----------
    n : int
        Respondents (pairs) planned or collected.
    alpha, target_power : float
        Two-sided significance level and the power aimed at.
    mde_dz : float
        Minimum detectable d_z with ``n`` independent pairs.
    effect : float or None
        The effect asked about, in d_z units.
    power : float or None
        Power to detect ``effect`` with ``n`` independent pairs.
    n_needed : float or None
        Pairs needed for ``effect`` at ``target_power``, ignoring clustering.
    icc, clusters : float or None, int or None
        Intra-cluster correlation of the differences and the number of clusters, if given.
    cluster_size : float or None
        Mean respondents per cluster, ``n / clusters``.
    deff : float
        Design effect ``1 + (m - 1) icc`` (1 without clustering).
    n_eff : float
        Effective number of independent pairs, ``n / deff``.
    mde_dz_eff, power_eff : float, float or None
        The minimum detectable effect and the power with ``n_eff``.
    n_needed_clustered : float or None
        Respondents needed for ``effect`` when each counts ``1 / deff`` (same cluster size).
    """

    n: int
    alpha: float
    target_power: float
    mde_dz: float
    effect: float | None = None
    power: float | None = None
    n_needed: float | None = None
    icc: float | None = None
    clusters: int | None = None
    cluster_size: float | None = None
    deff: float = 1.0
    n_eff: float = math.nan
    mde_dz_eff: float = math.nan
    power_eff: float | None = None
    n_needed_clustered: float | None = None


def plan_power(
    n: int,
    effect: float | None = None,
    *,
    icc: float | None = None,
    clusters: int | None = None,
    alpha: float = 0.05,
    power: float = 0.8,
) -> PowerPlan:
    """Answer the planning question for ``n`` paired respondents, with or without clusters.

    Parameters
    ----------
    n : int
        Respondents interviewed in both waves.
    effect : float, optional
        An effect of interest in d_z units: its power and the pairs it needs are added.
    icc : float, optional
        Intra-cluster correlation of the before/after differences (0 to 1).
    clusters : int, optional
        Number of clusters (villages); needed with ``icc``. Clusters are taken as equal in
        size, ``m = n / clusters``.
    alpha, power : float
        Two-sided significance level and target power.

    Returns
    -------
    PowerPlan

    Raises
    ------
    ValueError
        For ``n < 2``, an ICC outside [0, 1], ``icc`` without ``clusters`` (or the reverse),
        or more clusters than respondents.
    """
    _check(alpha, power)
    if n < 2:
        raise ValueError(f"n must be at least 2 pairs, got {n}")
    if (icc is None) != (clusters is None):
        raise ValueError("give both icc and clusters, or neither")
    deff, size = 1.0, None
    if icc is not None and clusters is not None:
        if not 0 <= icc <= 1:
            raise ValueError(f"icc must be between 0 and 1, got {icc}")
        if not 1 <= clusters <= n:
            raise ValueError(f"clusters must be between 1 and n = {n}, got {clusters}")
        size = n / clusters
        deff = 1 + (size - 1) * icc
    n_eff = n / deff
    plan = PowerPlan(
        n=n,
        alpha=alpha,
        target_power=power,
        mde_dz=min_detectable_effect(n, power, alpha),
        icc=icc,
        clusters=clusters,
        cluster_size=size,
        deff=deff,
        n_eff=n_eff,
        mde_dz_eff=min_detectable_effect(n_eff, power, alpha),
    )
    if effect is None:
        return plan
    needed = n_for_power(effect, power, alpha)
    return replace(
        plan,
        effect=effect,
        power=paired_power(effect, n, alpha),
        n_needed=needed,
        power_eff=paired_power(effect, n_eff, alpha),
        n_needed_clustered=needed * deff,
    )
