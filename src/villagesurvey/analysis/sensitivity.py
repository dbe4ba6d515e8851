"""What a test can detect, and whether a change is equivalent to none: the minimum detectable
effect, power at a smallest effect size of interest (SESOI), TOST, and the ICC's interval.

All of it uses the test the report headlines: an estimate with standard error ``se`` and a t
reference with ``df`` degrees of freedom (CR2 with Bell-McCaffrey df, or ``n - 1`` for the
paired t-test). Power for a true change ``delta`` is that of a two-sided t test with
noncentrality ``delta / se`` (as R's ``pwr.t.test`` with ``d * sqrt(n)``); the minimum
detectable effect is the ``delta`` at which it reaches the target power. None of this uses
the observed effect: power "for the effect observed" only restates the p-value (Hoenig &
Heisey 2001).

TOST (Schuirmann 1987; Lakens 2017): the change is equivalent to none within ``±sesoi`` when
both one-sided tests, ``H0: delta <= -sesoi`` and ``H0: delta >= sesoi``, reject; its p-value
is the larger of the two.
"""

from __future__ import annotations

import functools
import math

__all__ = ["icc_interval", "min_detectable_change", "t_power", "tost"]


def t_power(noncentrality: float, df: float, alpha: float = 0.05) -> float:
    """Power of a two-sided t test with ``df`` df when the true t has this noncentrality.

    Examples
    --------
    >>> round(t_power(0.5 * 20**0.5, 19), 4)  # R: pwr.t.test(n = 20, d = 0.5, type = "paired")
    0.5645
    """
    from scipy import special

    if math.isnan(noncentrality) or math.isnan(df) or df <= 0:
        return math.nan
    critical = float(special.stdtrit(df, 1 - alpha / 2))
    ncp = abs(noncentrality)
    upper = 1 - float(special.nctdtr(df, ncp, critical))
    lower = float(special.nctdtr(df, ncp, -critical))
    return min(1.0, upper + lower)


@functools.lru_cache(maxsize=512)
def _noncentrality(df: float, power: float, alpha: float) -> float:
    from scipy import optimize

    if math.isnan(df) or df <= 0:
        return math.nan
    return float(optimize.brentq(lambda x: t_power(x, df, alpha) - power, 1e-9, 1e3, xtol=1e-10))


def min_detectable_change(se: float, df: float, power: float = 0.8, alpha: float = 0.05) -> float:
    """The true change a two-sided t test (``se``, ``df``) detects with ``power``.

    Examples
    --------
    With ``se = 1 / sqrt(62)`` and 61 df this is the minimum detectable d_z of 62 pairs
    (R: ``pwr.t.test(n = 62, power = 0.8, type = "paired")`` gives d = 0.3597):

    >>> round(min_detectable_change(1 / 62**0.5, 61), 4)
    0.3597
    """
    if math.isnan(se) or not se > 0:
        return math.nan
    return _noncentrality(round(df, 9), power, alpha) * se


def tost(estimate: float, se: float, df: float, sesoi: float) -> float:
    """TOST p-value for equivalence within ``±sesoi`` (NaN when anything is missing)."""
    from scipy import special

    if any(math.isnan(v) for v in (estimate, se, df, sesoi)) or not se > 0 or not sesoi > 0:
        return math.nan
    p_lower = float(special.stdtr(df, -(estimate + sesoi) / se))  # H0: delta <= -sesoi
    p_upper = float(special.stdtr(df, (estimate - sesoi) / se))  # H0: delta >= sesoi
    return max(p_lower, p_upper)


def icc_interval(
    msb: float, msw: float, clusters: int, n: int, n0: float, level: float = 0.95
) -> tuple[float, float]:
    """Confidence interval of the one-way ANOVA ICC from the F distribution (Searle 1971).

    With ``F = MSB / MSW`` and ``F_lo, F_hi`` the ``(1 -+ level) / 2`` quantiles of
    ``F(G - 1, N - G)``: ``((F / F_hi - 1) / (F / F_hi + n0 - 1),
    (F / F_lo - 1) / (F / F_lo + n0 - 1))``, as R's ``ICC::ICCest`` and ``psych::ICC``
    (ICC1) compute it. Exact for equal cluster sizes, approximate otherwise.
    """
    from scipy import special

    if clusters < 2 or n - clusters < 1 or not msw > 0:
        return math.nan, math.nan
    f = msb / msw
    d1, d2 = clusters - 1, n - clusters
    tail = (1 - level) / 2
    f_hi = float(special.fdtri(d1, d2, 1 - tail))
    f_lo = float(special.fdtri(d1, d2, tail))
    low = (f / f_hi - 1) / (f / f_hi + n0 - 1)
    high = (f / f_lo - 1) / (f / f_lo + n0 - 1)
    return low, high
