"""Too little variance: an enumerator whose respondents are more alike than anyone's.

Interviews made up at a desk, or copied from one real interview with a few numbers
changed, differ less from one another than real households do (Blasius & Thiessen 2015,
"Should we trust survey data?", on simplified and fabricated response patterns; Kuriakose &
Robbins 2016 on near-duplicate interviews). IPA's ``ipacheck`` shows the standard deviation
of chosen variables per enumerator (``ipacheckenumstats``) for a person to compare by eye;
here the comparison is a test.

**The statistic** (Brown & Forsythe's 1974 robust measure of spread, the one of
``car::leveneTest(center = median)``, taken per interview so that questions of any unit
can be pooled):

1. for each question, each answer's absolute deviation from the median of *its own
   enumerator's* answers, ``|y - median_e|``;
2. divided by the mean of those deviations over every enumerator's answers to the question,
   so that each question's typical deviation is 1 (a question whose answers never differ is
   left out);
3. averaged over the questions an interview answered: the interview's *spread*, about 1 for
   a typical interview and near 0 for a copy of the enumerator's usual answers (an interview
   needs :data:`MIN_QUESTIONS` answered questions).

An enumerator's interviews are then compared with all the other enumerators' interviews by
Welch's t-test, one-sided (R ``t.test(own, others, alternative = "less")``): interviews are
the independent units (the answers of one interview are not). The ratio of the two mean
spreads says by how much. The deviations are taken from each enumerator's own median, so an
enumerator whose respondents are all richer or poorer (their villages may be) does not look
spread out or alike for it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .labels import Labels

__all__ = ["MIN_INTERVIEWS", "MIN_QUESTIONS", "SpreadTest", "interview_spread", "spread_test"]

MIN_QUESTIONS = 3
"""Questions an interview must answer for its spread to count."""
MIN_INTERVIEWS = 10
"""Interviews an enumerator (and the others together) need for the test."""


def interview_spread(
    columns: Mapping[str, np.ndarray], enumerators: Labels | np.ndarray
) -> np.ndarray:
    """Each interview's spread (see the module notes), NaN when it cannot be told.

    Parameters
    ----------
    columns : mapping of str to array of float
        The answers to each question (missing as NaN), one value per interview.
    enumerators : Labels or array of str
        Who asked each interview (missing or blank: left out, spread NaN).

    Returns
    -------
    ndarray of float
        One spread per interview, in the order given.
    """
    import pandas as pd

    codes = Labels.of(enumerators).codes
    known = codes >= 0
    total = np.zeros(codes.size)
    counted = np.zeros(codes.size, dtype=np.int64)
    for values in columns.values():
        y = np.asarray(values, dtype=float)
        present = known & ~np.isnan(y)
        if present.sum() < 2:
            continue
        medians = pd.Series(y[present]).groupby(codes[present]).transform("median").to_numpy()
        deviation = np.abs(y[present] - medians)
        scale = deviation.mean()
        if not scale > 0:
            continue
        total[present] += deviation / scale
        counted[present] += 1
    spread = np.full(codes.size, np.nan)
    enough = counted >= MIN_QUESTIONS
    spread[enough] = total[enough] / counted[enough]
    return spread


@dataclass(frozen=True)
class SpreadTest:
    """One enumerator's interviews against the others' for how much they differ.

    Attributes
    ----------
    interviews, others_interviews : int
        Interviews with a spread, of the enumerator and of all the others.
    spread, others_spread : float
        Mean spread of those interviews (about 1 for typical interviews).
    ratio : float
        ``spread / others_spread``.
    t, df, p : float
        Welch's t statistic, its degrees of freedom and the one-sided p-value (the
        enumerator's interviews differ less).
    """

    interviews: int
    others_interviews: int
    spread: float
    others_spread: float
    ratio: float
    t: float
    df: float
    p: float


def spread_test(own: np.ndarray, others: np.ndarray) -> SpreadTest | None:
    """Welch's one-sided test of an enumerator's interview spreads against the others'.

    Parameters
    ----------
    own, others : array of float
        Spreads (:func:`interview_spread`) of the enumerator's interviews and of the
        others'; NaN left out.

    Returns
    -------
    SpreadTest or None
        None when either side has fewer than :data:`MIN_INTERVIEWS` interviews, or the
        spreads do not vary at all.
    """
    from scipy import special

    own = own[~np.isnan(own)]
    others = others[~np.isnan(others)]
    if own.size < MIN_INTERVIEWS or others.size < MIN_INTERVIEWS:
        return None
    v_own, v_others = own.var(ddof=1) / own.size, others.var(ddof=1) / others.size
    if not v_own + v_others > 0:
        return None
    mean_own, mean_others = float(own.mean()), float(others.mean())
    t = (mean_own - mean_others) / math.sqrt(v_own + v_others)
    df = (v_own + v_others) ** 2 / (
        v_own**2 / (own.size - 1) + v_others**2 / (others.size - 1)
    )  # Welch-Satterthwaite
    return SpreadTest(
        interviews=int(own.size),
        others_interviews=int(others.size),
        spread=mean_own,
        others_spread=mean_others,
        ratio=mean_own / mean_others if mean_others > 0 else float("nan"),
        t=float(t),
        df=float(df),
        p=float(special.stdtr(df, t)),
    )
