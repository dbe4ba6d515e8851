"""Last-digit preference: amounts whose last digit is 0 or 5 far more often than chance.

People who make numbers up, rather than ask for them, favour round numbers: the last digit
of their amounts is 0 or 5 far more often than the respondents of their colleagues say it.
Terminal-digit preference is the oldest of such checks (Whipple's index of age heaping, in
demography); the distribution of digits has long been used to find fabricated interviews
(Schräpler & Wagner 2005 and Bredl, Winker & Kötschau 2012 look at first digits, after
Benford's law).

**Which digit.** Amounts are often rounded by everybody (the model study's incomes are
multiples of 100, most of them of 1,000), so the last digit written is nearly always 0 and
says nothing about an enumerator. The digit looked at is the *last digit that varies* of
each question (:func:`varying_place`): the lowest place (units, tens, hundreds, ..., or
tenths and hundredths for decimals) at which at least a quarter
(:data:`MIN_VARYING`) of the question's answers, over all enumerators, have a digit other
than 0. A place at which answers differ only now and then (a few incomes given to the yuan
among incomes rounded to the hundred) is passed over, so that the rounding everybody
shares is never read as one enumerator's preference. Only answers that reach the place
above it count (``34,000`` at the thousands: ``4``; ``800`` has no thousands digit beyond
its first and is left out, as are answers below 10 at the units: a first digit is not
uniform), and zero answers (nothing earned) are left out.

**Two tests, both needed** (an intersection-union test, Berger 1982: the larger p-value):

- Pearson's chi-square of the enumerator's ten digit counts against equal shares (df 9;
  R ``chisq.test(counts)``): the digits are not what chance gives;
- Fisher's exact test, one-sided, of the share of 0 and 5 among the enumerator's digits
  against the share among the other enumerators' digits (R ``fisher.test(matrix(...),
  alternative = "greater")``): more 0s and 5s than the colleagues' respondents give.

The first alone would flag a question that every enumerator's respondents round; the
second alone a small difference among digits that are all uniform.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MIN_DIGITS",
    "MIN_VARYING",
    "DigitTest",
    "digit_counts",
    "digit_test",
    "last_digits",
    "varying_place",
]

MIN_VARYING = 0.25
"""Share of answers with a digit other than 0 from which a place counts as varying."""
MIN_DIGITS = 50
"""Digits an enumerator (and the others together) need for the test: 5 expected per digit,
Cochran's rule for the chi-square."""

_DECIMALS = 2  # amounts are read to the hundredth: places from 10^-2 up
_LARGEST = 1e15  # beyond this, digits of a float are no longer exact


def _scaled(values: np.ndarray) -> np.ndarray:
    """The non-zero answers in hundredths, as integers (missing and huge ones left out)."""
    x = np.abs(np.asarray(values, dtype=float))
    x = x[~np.isnan(x) & (x != 0) & (x < _LARGEST)]
    scaled: np.ndarray = np.round(x * 10**_DECIMALS).astype(np.int64)
    return scaled


def varying_place(values: np.ndarray) -> int | None:
    """The power of ten of a question's last varying digit (``2``: hundreds; ``-1``: tenths).

    Parameters
    ----------
    values : array of float
        Every answer to the question, of every enumerator (missing as NaN).

    Returns
    -------
    int or None
        The lowest place at which at least :data:`MIN_VARYING` of the answers that reach
        the place above it have a digit other than 0; None when no place does.
    """
    reach = _scaled(values)
    for place in range(0, 18):
        reach = reach[reach >= 10 ** (place + 1)]  # those below cannot reach a higher place
        if not reach.size:
            return None
        if ((reach // 10**place) % 10 != 0).mean() >= MIN_VARYING:
            return place - _DECIMALS
    return None


def last_digits(values: np.ndarray, place: int) -> np.ndarray:
    """The digit at ``place`` (a power of ten) of each answer, -1 for none.

    An answer has one when it is not zero and reaches the place above ``place``; missing
    answers have none.
    """
    x = np.abs(np.asarray(values, dtype=float))
    keep = ~np.isnan(x) & (x != 0) & (x < _LARGEST)
    scaled = np.round(np.where(keep, x, 0) * 10**_DECIMALS).astype(np.int64)
    at = place + _DECIMALS
    digits = np.full(x.size, -1, dtype=np.int64)
    if at >= 0:
        reach = keep & (scaled >= 10 ** (at + 1))
        digits[reach] = (scaled[reach] // 10**at) % 10
    return digits


@dataclass(frozen=True)
class DigitTest:
    """One enumerator's last digits against chance and against the other enumerators'.

    Attributes
    ----------
    counts : tuple of int
        How many of the enumerator's digits are 0, 1, ..., 9.
    digits, others_digits : int
        Digits of the enumerator and of all the others.
    share_0_5, others_share_0_5 : float
        Share of those digits that are 0 or 5 (0.2 by chance).
    chi2, df, p_uniform : float
        Pearson's chi-square against equal shares, its df (9), p-value.
    p_others : float
        Fisher's exact test, one-sided: more 0s and 5s than the others'.
    p : float
        ``max(p_uniform, p_others)``, the intersection-union test of both.
    """

    counts: tuple[int, ...]
    digits: int
    others_digits: int
    share_0_5: float
    others_share_0_5: float
    chi2: float
    df: int
    p_uniform: float
    p_others: float
    p: float


def digit_test(own: np.ndarray, others: np.ndarray) -> DigitTest | None:
    """Test one enumerator's digits against uniform and against the other enumerators'.

    Parameters
    ----------
    own, others : array of int
        How many of the last varying digits (:func:`last_digits`) are 0, 1, ..., 9: of the
        enumerator's answers and of the other enumerators' answers, pooled over questions.

    Returns
    -------
    DigitTest or None
        None when either side has fewer than :data:`MIN_DIGITS` digits.
    """
    from scipy import special

    own = np.asarray(own, dtype=np.int64)
    others = np.asarray(others, dtype=np.int64)
    n_own, n_others = int(own.sum()), int(others.sum())
    if n_own < MIN_DIGITS or n_others < MIN_DIGITS:
        return None
    expected = n_own / 10
    chi2 = float(((own - expected) ** 2).sum() / expected)
    p_uniform = float(special.chdtrc(9, chi2))
    round_own, round_others = int(own[0] + own[5]), int(others[0] + others[5])
    p_others = _fisher_greater(round_own, n_own, round_others + round_own, n_own + n_others)
    return DigitTest(
        counts=tuple(int(c) for c in own),
        digits=n_own,
        others_digits=n_others,
        share_0_5=round_own / n_own,
        others_share_0_5=round_others / n_others,
        chi2=chi2,
        df=9,
        p_uniform=p_uniform,
        p_others=p_others,
        p=max(p_uniform, p_others),
    )


def _fisher_greater(hits: int, drawn: int, successes: int, total: int) -> float:
    """One-sided Fisher's exact p-value: ``P(X >= hits)`` for ``X`` hypergeometric, ``drawn``
    draws from ``total`` of which ``successes`` are successes (R ``phyper(hits - 1, ...,
    lower.tail = FALSE)``, what ``fisher.test(alternative = "greater")`` gives)."""
    from scipy import special

    top = min(drawn, successes)
    if hits > top:
        return 0.0
    share = successes / total  # terms 40 SD beyond the mean and beyond hits: negligible
    mean = drawn * share
    sd = math.sqrt(drawn * share * (1 - share) * (total - drawn) / max(total - 1, 1))
    top = min(top, max(hits, math.ceil(mean)) + math.ceil(40 * sd) + 10)
    x = np.arange(hits, top + 1, dtype=float)

    def log_choose(n: float, k: np.ndarray | float) -> np.ndarray:
        result: np.ndarray = (
            special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
        )
        return result

    terms = (
        log_choose(successes, x)
        + log_choose(total - successes, drawn - x)
        - log_choose(total, float(drawn))
    )
    return float(min(1.0, np.exp(special.logsumexp(terms))))


def digit_counts(columns: Mapping[str, np.ndarray], codes: np.ndarray, k: int) -> np.ndarray:
    """How many of each enumerator's last varying digits are 0, ..., 9, pooled over the
    questions: a ``k x 10`` table.

    Parameters
    ----------
    columns : mapping of str to array of float
        The answers to each question, one value per interview.
    codes : array of int
        Each interview's enumerator, ``0 .. k-1`` (-1: none, left out).
    k : int
        The number of enumerators.
    """
    counts = np.zeros((k, 10), dtype=np.int64)
    for values in columns.values():
        place = varying_place(values)
        if place is None:
            continue
        digits = last_digits(values, place)
        use = (digits >= 0) & (codes >= 0)
        counts += np.bincount(codes[use] * 10 + digits[use], minlength=k * 10).reshape(k, 10)
    return counts
