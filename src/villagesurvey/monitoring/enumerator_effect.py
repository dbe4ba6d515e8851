"""The enumerator effect on an outcome: how much of its variance lies between who asked.

Respondents are not assigned to enumerators at random, but in a good survey who asked
explains little of the answers: interviewer intra-class correlations are mostly below 0.05
(Groves & Magilavy 1986; O'Muircheartaigh & Campanelli 1998; West & Olson 2010). A large
one means enumerators ask, probe or record differently, or make answers up.

**ICC(1)**, the one-way random-effects intra-class correlation by the ANOVA estimator, with
enumerators as groups (Shrout & Fleiss 1979's ICC(1); ``psych::ICC``'s ICC1 for a one-way
design; Donner 1986 for unequal group sizes)::

    ICC(1) = (MSB - MSW) / (MSB + (n0 - 1) MSW),   n0 = (N - sum(n_i^2) / N) / (k - 1)

and its F test ``F = MSB / MSW`` on ``(k - 1, N - k)`` df (R ``anova(lm(y ~ enumerator))``).

**Villages.** An enumerator usually covers a few villages, and villages differ: the
enumerator ICC then holds the villages' differences too. The signal is therefore the
enumerator effect *beyond the villages*:

- when enumerators share villages, the F test of enumerator after village in the linear
  model ``y ~ village + enumerator`` (sequential sums of squares, R
  ``anova(lm(y ~ village + enumerator))``): the differences between enumerators within a
  village;
- when each village has one enumerator (enumerators nested in villages' groups), the nested
  ANOVA's test of enumerators against villages within enumerator,
  ``F = MS_enumerator / MS_village(enumerator)`` on ``(k - 1, v - k)`` df (Sokal & Rohlf,
  *Biometry*, ch. 10; R ``summary(aov(y ~ enumerator + Error(village)))``): do an
  enumerator's villages differ from another's more than villages differ among themselves?
- when each enumerator has a village of their own and no other (``v = k``), enumerator and
  village cannot be told apart: the numbers are shown and nothing is tested.

The village ICC(1) is shown beside the enumerator's for the reader to compare.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["EnumeratorEffect", "enumerator_effect", "icc1"]

MIN_ANSWERS = 5
"""Answers an enumerator needs to take part (the others' are left out of the test)."""


@dataclass(frozen=True)
class OneWay:
    """A one-way ANOVA's intra-class correlation and F test."""

    icc: float
    f: float
    df1: int
    df2: int
    p: float


@dataclass(frozen=True)
class EnumeratorEffect:
    """The enumerator effect on one outcome.

    Attributes
    ----------
    n : int
        Answers used (of enumerators with at least :data:`MIN_ANSWERS`).
    enumerator : OneWay
        ICC(1) and F test with enumerators as groups.
    village : OneWay or None
        The same with villages as groups (None without a village column).
    design : str
        ``"no villages"``, ``"crossed"`` (enumerators share villages), ``"nested"`` (each
        village has one enumerator) or ``"confounded"`` (one village per enumerator).
    f, df1, df2, p : float
        The test of the enumerator effect beyond the villages (see the module notes); NaN
        for ``"confounded"``. Without villages, the one-way test.
    means : dict of str to float
        Each enumerator's mean answer.
    """

    n: int
    enumerator: OneWay
    village: OneWay | None
    design: str
    f: float
    df1: float
    df2: float
    p: float
    means: dict[str, float]


def icc1(values: np.ndarray, groups: np.ndarray) -> OneWay | None:
    """ICC(1) and the F test of a one-way ANOVA of ``values`` by ``groups`` (see the module
    notes); None with fewer than two groups, no replication, or no variation within groups."""
    from scipy import stats

    y = np.asarray(values, dtype=float)
    _, codes = np.unique(np.asarray(groups, dtype=object).astype(str), return_inverse=True)
    total, k = y.size, int(codes.max()) + 1 if y.size else 0
    if k < 2 or total - k < 1:
        return None
    sizes = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=y, minlength=k) / sizes
    msb = float((sizes * (means - y.mean()) ** 2).sum() / (k - 1))
    msw = float(((y - means[codes]) ** 2).sum() / (total - k))
    if not msw > 0:
        return None
    n0 = (total - (sizes**2).sum() / total) / (k - 1)
    f = msb / msw
    p = float(stats.f.sf(f, k - 1, total - k))
    return OneWay((msb - msw) / (msb + (n0 - 1) * msw), f, k - 1, total - k, p)


def _rss(y: np.ndarray, *factors: np.ndarray) -> tuple[float, int]:
    """Residual sum of squares and rank of the least-squares fit of ``y`` on an intercept
    and the dummies of each factor."""
    columns = [np.ones((y.size, 1))]
    for codes in factors:
        dummies = np.zeros((y.size, int(codes.max()) + 1))
        dummies[np.arange(y.size), codes] = 1
        columns.append(dummies[:, 1:])
    design = np.hstack(columns)
    coef, _, rank, _ = np.linalg.lstsq(design, y, rcond=None)
    residuals = y - design @ coef
    return float(residuals @ residuals), int(rank)


def _beyond(
    y: np.ndarray, enumerator: np.ndarray, village: np.ndarray
) -> tuple[str, float, float, float]:
    """The design and the F test of enumerators beyond villages: ``design, f, df1, df2``."""
    rss_v, rank_v = _rss(y, village)
    rss_ve, rank_ve = _rss(y, village, enumerator)
    if rank_ve > rank_v:  # enumerators differ within villages: crossed
        df1, df2 = rank_ve - rank_v, y.size - rank_ve
        if df2 < 1 or not rss_ve > 0:
            return "crossed", math.nan, df1, df2
        return "crossed", ((rss_v - rss_ve) / df1) / (rss_ve / df2), df1, df2
    rss_1, _ = _rss(y)
    rss_e, rank_e = _rss(y, enumerator)
    df1, df2 = rank_e - 1, rank_v - rank_e
    if df2 < 1:
        return "confounded", math.nan, df1, df2
    ms_village = (rss_e - rss_v) / df2
    if not ms_village > 0:
        return "nested", math.nan, df1, df2
    return "nested", ((rss_1 - rss_e) / df1) / ms_village, df1, df2


def enumerator_effect(
    values: np.ndarray, enumerators: np.ndarray, villages: np.ndarray | None = None
) -> EnumeratorEffect | None:
    """The enumerator ICC(1) of an outcome and its test beyond the villages.

    Parameters
    ----------
    values : array of float
        The outcome (missing as NaN).
    enumerators : array of str
        Who asked each respondent (missing or blank: left out).
    villages : array of str, optional
        Each respondent's village (missing: left out); without it, the one-way test.

    Returns
    -------
    EnumeratorEffect or None
        None when fewer than two enumerators have :data:`MIN_ANSWERS` answers, or the
        answers do not vary within enumerators.
    """
    from scipy import stats

    y = np.asarray(values, dtype=float)
    who = np.asarray(enumerators, dtype=object)
    keep = ~np.isnan(y) & np.array([isinstance(v, str) and v != "" for v in who], dtype=bool)
    if villages is not None:
        where = np.asarray(villages, dtype=object)
        keep &= np.array([isinstance(v, str) and v != "" for v in where], dtype=bool)
    names, counts = np.unique(who[keep].astype(str), return_counts=True)
    enough = set(names[counts >= MIN_ANSWERS].tolist())
    keep &= np.array([str(v) in enough for v in who], dtype=bool)
    y, who = y[keep], who[keep].astype(str)
    one_way = icc1(y, who)
    if one_way is None:
        return None
    means = {str(n): float(y[who == n].mean()) for n in sorted(enough)}
    if villages is None:
        return EnumeratorEffect(
            y.size, one_way, None, "no villages", one_way.f, one_way.df1, one_way.df2,
            one_way.p, means,
        )  # fmt: skip
    where = np.asarray(villages, dtype=object)[keep].astype(str)
    _, e_codes = np.unique(who, return_inverse=True)
    _, v_codes = np.unique(where, return_inverse=True)
    design, f, df1, df2 = _beyond(y, e_codes, v_codes)
    p = float(stats.f.sf(f, df1, df2)) if not math.isnan(f) else math.nan
    return EnumeratorEffect(y.size, one_way, icc1(y, where), design, f, df1, df2, p, means)
