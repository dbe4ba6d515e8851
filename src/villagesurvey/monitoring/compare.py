"""Fair comparisons of one enumerator with the others: the tests behind each signal.

A share (interviews under the floor, rows with errors, "don't know" answers, gates answered
so as to skip a section) is compared with Fisher's exact test on the 2 x 2 table
(this enumerator / the others, yes / no), two-sided, as R's ``fisher.test`` does. Durations
are compared with the Wilcoxon rank-sum (Mann-Whitney) test, two-sided, exact as R's
``wilcox.test`` is when both groups have fewer than 50 values and no ties, otherwise the
normal approximation with R's continuity correction. Each family of tests (one per
enumerator, or per enumerator and gate) is adjusted with Holm's method (R's
``p.adjust(p, "holm")``), so that more enumerators do not mean more false alarms.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["fisher_p", "holm", "rank_sum_p"]


def fisher_p(hits: int, size: int, other_hits: int, other_size: int) -> float:
    """Two-sided p-value of Fisher's exact test: ``hits`` of ``size`` against the others'.

    Parameters
    ----------
    hits, size : int
        This enumerator's count and total (interviews under the floor, of interviews).
    other_hits, other_size : int
        The same for every other enumerator together.

    Returns
    -------
    float
        R's ``fisher.test(matrix(c(hits, size - hits, other_hits, other_size - other_hits),
        2))$p.value``.
    """
    from scipy.stats import fisher_exact

    table = [[hits, size - hits], [other_hits, other_size - other_hits]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def rank_sum_p(values: Sequence[float], others: Sequence[float]) -> float:
    """Two-sided p-value of the Wilcoxon rank-sum test of ``values`` against ``others``.

    Exact when both have fewer than 50 values and no value is tied, as R's ``wilcox.test``;
    otherwise the normal approximation with a continuity correction (R's ``correct = TRUE``,
    the variance corrected for ties).
    """
    from scipy.stats import mannwhitneyu

    pooled = [*values, *others]
    exact = len(values) < 50 and len(others) < 50 and len(set(pooled)) == len(pooled)
    result = mannwhitneyu(
        values, others, alternative="two-sided", method="exact" if exact else "asymptotic",
        use_continuity=True,
    )  # fmt: skip
    return float(result.pvalue)


def holm(pvalues: Sequence[float]) -> list[float]:
    """Holm's step-down adjustment of a family of p-values (R's ``p.adjust(p, "holm")``)."""
    size = len(pvalues)
    order = sorted(range(size), key=lambda i: pvalues[i])
    adjusted = [0.0] * size
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (size - rank) * pvalues[index]))
        adjusted[index] = running
    return adjusted
