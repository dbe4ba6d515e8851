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

from .labels import Labels

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


def _rss(y: np.ndarray, codes: np.ndarray, k: int) -> float:
    """Residual sum of squares about the group means (codes ``0 .. k-1``)."""
    sizes = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=y, minlength=k) / np.maximum(sizes, 1)
    return float(((y - means[codes]) ** 2).sum())


def icc1(values: np.ndarray, groups: Labels | np.ndarray) -> OneWay | None:
    """ICC(1) and the F test of a one-way ANOVA of ``values`` by ``groups`` (see the module
    notes); None with fewer than two groups, no replication, or no variation within groups."""
    from scipy import special

    y = np.asarray(values, dtype=float)
    coded = Labels.of(groups)
    codes, total, k = coded.codes, y.size, len(coded.names)
    if k < 2 or total - k < 1:
        return None
    sizes = np.bincount(codes, minlength=k).astype(float)
    means = np.bincount(codes, weights=y, minlength=k) / sizes
    msb = float((sizes * (means - y.mean()) ** 2).sum() / (k - 1))
    msw = _rss(y, codes, k) / (total - k)
    if not msw > 0:
        return None
    n0 = (total - (sizes**2).sum() / total) / (k - 1)
    f = msb / msw
    p = float(special.fdtrc(k - 1, total - k, f))
    return OneWay((msb - msw) / (msb + (n0 - 1) * msw), f, k - 1, total - k, p)


def _within_villages(
    y: np.ndarray, e: np.ndarray, v: np.ndarray, ke: int, kv: int
) -> tuple[float, int]:
    """What enumerators add to villages in ``y ~ village + enumerator``: the fall in the
    residual sum of squares and its degrees of freedom.

    The village means are absorbed (Frisch-Waugh-Lovell), so that only the enumerators'
    ``ke x ke`` cross-products are formed, from the village x enumerator counts ``C``:
    ``X'MX = diag(n_e) - C' diag(1/n_v) C`` and ``X'My = s_e - C' (s_v / n_v)``.
    """
    n_v = np.bincount(v, minlength=kv).astype(float)
    s_v = np.bincount(v, weights=y, minlength=kv)
    cross = np.bincount(v * ke + e, minlength=kv * ke).reshape(kv, ke).astype(float)
    if ((cross > 0).sum(axis=1) <= 1).all():  # one enumerator per village: nothing within
        return 0.0, 0
    xtx = np.diag(cross.sum(axis=0)) - cross.T @ (cross / n_v[:, None])
    xty = np.bincount(e, weights=y, minlength=ke) - cross.T @ (s_v / n_v)
    eigen, vectors = np.linalg.eigh(xtx)
    kept = eigen > 1e-8 * max(1.0, float(cross.sum(axis=0).max()))
    projected = vectors[:, kept].T @ xty
    return float((projected**2 / eigen[kept]).sum()), int(kept.sum())


def _beyond(
    y: np.ndarray, e: np.ndarray, v: np.ndarray, ke: int, kv: int
) -> tuple[str, float, float, float]:
    """The design and the F test of enumerators beyond villages: ``design, f, df1, df2``."""
    rss_v = _rss(y, v, kv)
    fall, df1 = _within_villages(y, e, v, ke, kv)
    if df1 > 0:  # enumerators differ within villages: crossed
        df2 = y.size - kv - df1
        rss_ve = rss_v - fall
        if df2 < 1 or not rss_ve > 0:
            return "crossed", math.nan, df1, df2
        return "crossed", (fall / df1) / (rss_ve / df2), df1, df2
    rss_1 = float(((y - y.mean()) ** 2).sum())
    rss_e = _rss(y, e, ke)
    df1, df2 = ke - 1, kv - ke
    if df2 < 1:
        return "confounded", math.nan, df1, df2
    ms_village = (rss_e - rss_v) / df2
    if not ms_village > 0:
        return "nested", math.nan, df1, df2
    return "nested", ((rss_1 - rss_e) / df1) / ms_village, df1, df2


def enumerator_effect(
    values: np.ndarray,
    enumerators: Labels | np.ndarray,
    villages: Labels | np.ndarray | None = None,
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
    from scipy import special

    y = np.asarray(values, dtype=float)
    who = Labels.of(enumerators)
    where = Labels.of(villages) if villages is not None else None
    keep = ~np.isnan(y) & (who.codes >= 0)
    if where is not None:
        keep &= where.codes >= 0
    counts = np.bincount(who.codes[keep], minlength=len(who.names))
    keep &= np.append(counts >= MIN_ANSWERS, False)[who.codes]  # code -1 reads the last
    y, who = y[keep], who.take(keep)
    one_way = icc1(y, who)
    if one_way is None:
        return None
    sums = np.bincount(who.codes, weights=y) / np.bincount(who.codes)
    means = {n: float(sums[i]) for i, n in sorted(enumerate(who.names), key=lambda t: t[1])}
    if where is None:
        return EnumeratorEffect(
            y.size, one_way, None, "no villages", one_way.f, one_way.df1, one_way.df2,
            one_way.p, means,
        )  # fmt: skip
    where = where.take(keep)
    design, f, df1, df2 = _beyond(y, who.codes, where.codes, len(who.names), len(where.names))
    p = float(special.fdtrc(df1, df2, f)) if not math.isnan(f) else math.nan
    return EnumeratorEffect(y.size, one_way, icc1(y, where), design, f, df1, df2, p, means)
