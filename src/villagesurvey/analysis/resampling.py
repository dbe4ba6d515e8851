"""Bootstrap resamples as counts, for respondents or for whole clusters (villages).

A resample drawn with replacement is the same as frequency weights on the original rows:
how many times each row was drawn. Resampling respondents draws ``n`` rows; resampling
clusters draws ``G`` clusters with replacement and takes every row of each cluster drawn
(the pairs cluster bootstrap: Davison & Hinkley 1997, section 3.8; Cameron, Gelbach & Miller
2008), so a resample keeps the villages' within-village likeness that the respondent
bootstrap ignores. Statistics that depend on the data only through correlations (PLS, HTMT)
are computed from the weighted correlation matrix of each resample.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["UNITS", "cluster_codes", "resample_counts", "weighted_correlations"]

UNITS = ("respondent", "cluster")
"""What a bootstrap resamples: respondents, or whole clusters (villages)."""


def cluster_codes(labels: pd.Series | Sequence[object] | np.ndarray) -> np.ndarray:
    """Integer codes 0..G-1 of the cluster labels; a blank label is a cluster of its own."""
    codes, _ = pd.factorize(pd.Series(labels, dtype=object).reset_index(drop=True))
    blank = codes < 0
    codes[blank] = codes.max(initial=-1) + 1 + np.arange(int(blank.sum()))
    return np.asarray(codes, dtype=int)


def resample_counts(
    rng: np.random.Generator, size: int, n: int, clusters: np.ndarray | None = None
) -> np.ndarray:
    """How many times each of ``n`` rows is drawn, in ``size`` resamples (size, n).

    Without ``clusters`` the rows are drawn (the same draws as ``rng.integers(0, n, (size,
    n))``); with them (integer codes, one per row) the clusters are drawn, as many as there
    are, and each row counts as often as its cluster was drawn.
    """
    units = n if clusters is None else int(clusters.max()) + 1
    draws = rng.integers(0, units, size=(size, units))
    offsets = (np.arange(size) * units)[:, None]
    counts = np.bincount((draws + offsets).ravel(), minlength=size * units)
    counts = counts.reshape(size, units).astype(float)
    return counts if clusters is None else counts[:, clusters]


def weighted_correlations(x: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The correlation matrix of the columns of ``x`` in each resample, and whether every
    column varies in it (a flat column's correlations are 0).

    ``counts`` (resamples, rows) are frequency weights: the result is that of the data with
    each row repeated as often as it was drawn (covariances with the ``N - 1`` denominator).
    """
    total = counts.sum(axis=1)
    mean = counts @ x / total[:, None]
    centred = x[None] - mean[:, None, :]
    cov = np.swapaxes(centred * counts[:, :, None], 1, 2) @ centred
    cov /= (total - 1)[:, None, None]
    sd = np.sqrt(np.clip(np.diagonal(cov, axis1=1, axis2=2), 0, None))
    flat = sd <= 1e-12 * (1 + np.abs(x).max(initial=0))
    sd = np.where(flat, 1.0, sd)
    corr: np.ndarray = cov / (sd[:, :, None] * sd[:, None, :])
    return corr, ~flat.any(axis=1)
