"""Reliability and validity of multi-item scales, one formula per function.

- Cronbach's (1951) alpha, raw (from the covariances, as R psych ``raw_alpha``, pingouin and
  SPSS report it) and standardized (from the correlations: psych ``std.alpha``, and the
  alpha that SmartPLS and R seminr report), with Feldt's (1987) confidence interval;
- item diagnostics: the corrected item-total correlation (the item against the sum of the
  others: SPSS "Corrected Item-Total Correlation", psych ``r.drop``) and alpha if the item is
  deleted;
- from PLS loadings and weights: composite reliability rho_C (Dillon-Goldstein's rho),
  rho_A (Dijkstra & Henseler 2015) and the average variance extracted (Fornell & Larcker
  1981);
- between constructs: the heterotrait-monotrait ratio HTMT (Henseler, Ringle & Sarstedt
  2015), with a percentile bootstrap interval (of respondents or of whole villages), and
  the Fornell-Larcker criterion.

Every function takes complete data (no missing values) or the numbers named; the caller
decides which respondents to use (:func:`~villagesurvey.analysis.measure_scales` drops, for
each scale, those who left one of its items blank).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = [
    "Alpha",
    "average_variance_extracted",
    "composite_reliability",
    "cronbach_alpha",
    "fornell_larcker",
    "htmt",
    "htmt_bootstrap",
    "item_total",
    "rho_a",
]


@dataclass(frozen=True)
class Alpha:
    """Cronbach's alpha of a set of items.

    Attributes
    ----------
    alpha : float
        Raw alpha, from the item covariances: ``k / (k - 1) * (1 - sum(var_i) / var_total)``.
    std_alpha : float
        Standardized alpha, the same formula on the item correlations: what SmartPLS and
        seminr report as Cronbach's alpha.
    ci_low, ci_high : float
        Feldt's confidence interval of the raw alpha, from the F distribution with
        ``n - 1`` and ``(n - 1)(k - 1)`` degrees of freedom (pingouin, psych ``alpha.ci``).
    n : int
        Respondents (complete rows).
    k : int
        Items.
    level : float
        Confidence level.
    """

    alpha: float
    std_alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int
    level: float = 0.95


def _alpha_of(matrix: np.ndarray) -> float:
    k = matrix.shape[0]
    total = float(matrix.sum())
    if k < 2 or not total > 0:
        return math.nan
    return float(k / (k - 1) * (1 - float(np.trace(matrix)) / total))


def _matrix(items: pd.DataFrame | ArrayLike) -> np.ndarray:
    values = np.asarray(items, dtype=float)
    if values.ndim != 2:
        raise ValueError("items must be a table: one row per respondent, one column per item")
    return values


def cronbach_alpha(items: pd.DataFrame | ArrayLike, level: float = 0.95) -> Alpha:
    """Cronbach's alpha, raw and standardized, of complete item responses.

    Parameters
    ----------
    items : DataFrame or array
        One row per respondent, one column per item, no missing values.
    level : float, default 0.95
        Confidence level of Feldt's interval.

    Returns
    -------
    Alpha
        NaN where undefined (fewer than two items or respondents, no variance).
    """
    from scipy import stats

    x = _matrix(items)
    n, k = x.shape
    if n < 2 or k < 2:
        return Alpha(math.nan, math.nan, math.nan, math.nan, n, k, level)
    cov = np.cov(x, rowvar=False)
    sd = np.sqrt(np.diag(cov))
    raw = _alpha_of(cov)
    std = _alpha_of(cov / np.outer(sd, sd)) if np.all(sd > 0) else math.nan
    tail = (1 - level) / 2
    df1, df2 = n - 1, (n - 1) * (k - 1)
    low = 1 - (1 - raw) * stats.f.isf(tail, df1, df2)
    high = 1 - (1 - raw) * stats.f.isf(1 - tail, df1, df2)
    return Alpha(raw, std, float(low), float(high), n, k, level)


def item_total(items: pd.DataFrame) -> pd.DataFrame:
    """Item diagnostics of complete responses to one scale.

    Returns
    -------
    DataFrame
        One row per item: ``item``, ``mean``, ``sd``, ``item_total_r`` (correlation of the
        item with the sum of the other items), ``alpha_if_deleted`` (raw alpha of the other
        items) and ``std_alpha_if_deleted``.
    """
    x = _matrix(items)
    k = x.shape[1]
    cov = np.atleast_2d(np.cov(x, rowvar=False)) if len(x) > 1 else np.full((k, k), np.nan)
    sd = np.sqrt(np.diag(cov))
    corr = cov / np.outer(sd, sd) if np.all(sd > 0) else np.full_like(cov, np.nan)
    rows = []
    for i, name in enumerate(items.columns):
        rest = [j for j in range(k) if j != i]
        spread = cov[i, i] * cov[np.ix_(rest, rest)].sum()
        r = cov[i, rest].sum() / math.sqrt(spread) if spread > 0 else math.nan
        rows.append(
            {
                "item": name,
                "mean": float(x[:, i].mean()) if len(x) else math.nan,
                "sd": float(sd[i]),
                "item_total_r": float(r),
                "alpha_if_deleted": _alpha_of(cov[np.ix_(rest, rest)]),
                "std_alpha_if_deleted": _alpha_of(corr[np.ix_(rest, rest)]),
            }
        )
    return pd.DataFrame(rows)


def composite_reliability(loadings: ArrayLike) -> float:
    """rho_C = (Σλ)² / ((Σλ)² + Σ(1 − λ²)), from standardized outer loadings."""
    lam = np.asarray(loadings, dtype=float)
    top = float(lam.sum()) ** 2
    return top / (top + float((1 - lam**2).sum()))


def average_variance_extracted(loadings: ArrayLike) -> float:
    """AVE = mean of the squared standardized outer loadings."""
    return float((np.asarray(loadings, dtype=float) ** 2).mean())


def rho_a(weights: ArrayLike, correlations: ArrayLike) -> float:
    """Dijkstra-Henseler's rho_A from a construct's outer weights and its items' correlations.

    ``rho_A = (w'w)² · w'(S − diag S)w / w'(ww' − diag ww')w`` with ``S`` the correlation
    matrix of the construct's standardized indicators and ``w`` their weights.
    """
    w = np.asarray(weights, dtype=float)
    s = np.array(correlations, dtype=float)
    np.fill_diagonal(s, 0.0)
    outer = np.outer(w, w)
    np.fill_diagonal(outer, 0.0)
    denominator = float(w @ outer @ w)
    if len(w) < 2 or denominator == 0:
        return math.nan
    return float((w @ w) ** 2 * (w @ s @ w) / denominator)


def htmt(data: pd.DataFrame, blocks: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations between every two constructs.

    The mean absolute correlation between the items of two constructs divided by the
    geometric mean of the mean absolute correlations among each construct's own items (1
    for a construct with one item), as seminr computes it. Values near 1 say that two
    constructs are not told apart by their items.

    Returns
    -------
    DataFrame
        Square and symmetric, indexed by construct, NaN on the diagonal.
    """
    names = list(blocks)
    columns = [c for name in names for c in blocks[name]]
    corr = np.corrcoef(data[columns].to_numpy(dtype=float), rowvar=False)
    table = _htmt_stack(corr[None], [len(blocks[name]) for name in names])[0]
    return pd.DataFrame(table, index=names, columns=names)


def _htmt_stack(corr: np.ndarray, sizes: Sequence[int]) -> np.ndarray:
    """HTMT tables (b, constructs, constructs) of a stack of item correlation matrices."""
    corr = np.abs(corr)
    spans, start = [], 0
    for k in sizes:
        spans.append(slice(start, start + k))
        start += k
    within = []
    for span in spans:
        k = span.stop - span.start
        block = corr[:, span, span]
        within.append((block.sum(axis=(1, 2)) - k) / (k * (k - 1)) if k > 1 else 1.0)
    table = np.full((len(corr), len(spans), len(spans)), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i, a in enumerate(spans):
            for j in range(i + 1, len(spans)):
                between = corr[:, a, spans[j]].mean(axis=(1, 2))
                table[:, i, j] = table[:, j, i] = between / np.sqrt(within[i] * within[j])
    return table


def htmt_bootstrap(
    data: pd.DataFrame,
    blocks: Mapping[str, Sequence[str]],
    resamples: int,
    *,
    seed: int | None = None,
    clusters: Sequence[object] | pd.Series | None = None,
    level: float = 0.95,
) -> pd.DataFrame:
    """HTMT of every two constructs with its bootstrap standard error and percentile interval.

    Parameters
    ----------
    data : DataFrame
        Complete item responses (no missing values), one row per respondent.
    blocks : mapping of str to sequence of str
        Each construct's items.
    resamples : int
        Bootstrap resamples (at least 2).
    seed : int, optional
        Seed of ``numpy.random.default_rng``.
    clusters : sequence or Series, optional
        The cluster (village) of each row: whole clusters are resampled.
    level : float, default 0.95
        Confidence level of the percentile interval (R ``quantile`` type 7).

    Returns
    -------
    DataFrame
        One row per pair ``a``, ``b`` (in the order of ``blocks``): ``htmt``, ``boot_mean``,
        ``se`` (SD of the resampled values), ``ci_low``, ``ci_high``, and ``used`` (resamples
        in which every item varied).
    """
    from .resampling import cluster_codes, resample_counts, weighted_correlations

    names = list(blocks)
    columns = [c for name in names for c in blocks[name]]
    x = data[columns].to_numpy(dtype=float)
    sizes = [len(blocks[name]) for name in names]
    point = htmt(data, blocks).to_numpy()
    codes = None if clusters is None else cluster_codes(list(clusters))
    rng = np.random.default_rng(seed)
    chunk = max(1, min(500, 4_000_000 // max(x.size, 1)))
    kept, done = [], 0
    while done < resamples:
        size = min(chunk, resamples - done)
        r, varied = weighted_correlations(x, resample_counts(rng, size, len(x), codes))
        kept.append(_htmt_stack(r[varied], sizes))
        done += size
    boot = np.concatenate(kept) if kept else np.empty((0, len(names), len(names)))
    tail = (1 - level) / 2
    rows = []
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            values = boot[:, i, j][np.isfinite(boot[:, i, j])]
            enough = len(values) >= 2
            rows.append(
                {
                    "a": a,
                    "b": names[j],
                    "htmt": point[i, j],
                    "boot_mean": values.mean() if enough else math.nan,
                    "se": values.std(ddof=1) if enough else math.nan,
                    "ci_low": np.quantile(values, tail) if enough else math.nan,
                    "ci_high": np.quantile(values, 1 - tail) if enough else math.nan,
                    "used": len(values),
                }
            )
    columns_out = ["a", "b", "htmt", "boot_mean", "se", "ci_low", "ci_high", "used"]
    return pd.DataFrame(rows, columns=columns_out)


def fornell_larcker(ave: Mapping[str, float], correlations: pd.DataFrame) -> pd.DataFrame:
    """The Fornell-Larcker table: √AVE on the diagonal, construct correlations elsewhere.

    Discriminant validity holds when each diagonal value exceeds every correlation in its
    row and column.
    """
    names = list(ave)
    table = correlations.reindex(index=names, columns=names).to_numpy(dtype=float, copy=True)
    roots = [math.sqrt(v) if v >= 0 else math.nan for v in ave.values()]
    np.fill_diagonal(table, roots)
    return pd.DataFrame(table, index=names, columns=names)
