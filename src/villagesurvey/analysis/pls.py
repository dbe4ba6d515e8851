"""PLS-SEM: the partial least squares path model, with bootstrap standard errors.

The algorithm is Lohmöller's (1989) version of Wold's PLS path modelling, as R's seminr
(``estimate_pls`` with ``inner_weights = path_weighting``) and SmartPLS run it:

1. the indicators are standardized (mean 0, SD 1 with the ``n - 1`` denominator);
2. starting from weights of 1, each construct's score is the weighted sum of its indicators,
   standardized;
3. inner proxies (path weighting scheme): a construct's predecessors count with their
   regression coefficients on it, its successors with their correlations; the proxy is
   standardized;
4. outer weights, Mode A: the covariance of each indicator with its construct's inner proxy,
   scaled so that the construct score has SD 1;
5. repeat 2-4 until the weights change by less than ``tolerance`` in total (the sum of the
   absolute changes, 1e-7 as seminr) or ``max_iterations`` (300) are done.

Loadings are the correlations of the indicators with the final scores, path coefficients the
OLS coefficients of each endogenous construct on its predecessors, R² that of the regression.
A construct that no path names uses its own score as its inner proxy; its weights are then
those of the first principal component of its indicators.

Consistent PLS (PLSc; Dijkstra & Henseler 2015) is reported beside it: the construct
correlations corrected by the reliabilities ``rho_A`` of the two scores, the path
coefficients and R² computed from the corrected correlations, and corrected loadings, as R
seminr's ``PLSc()`` (see :mod:`._plsc`). PLS estimates composites; PLSc estimates common
factors, the usual reading of reflective Likert scales.

The bootstrap resamples respondents with replacement, or whole clusters (villages, as
``clusters`` gives them: the pairs cluster bootstrap), re-estimates the model and reports the
standard deviation of the estimates (the standard error), ``t = estimate / SE``, a two-sided
p-value from the t distribution with ``resamples - 1`` degrees of freedom, and percentile
confidence intervals (R's ``quantile`` type 7); for PLS and PLSc alike.

Every step of the algorithm is linear in the standardized data, so it runs on the items'
correlation matrix; a resample is a set of frequency weights on the rows (how often each was
drawn), and its correlation matrix one weighted pass over them; the resamples are estimated
together, as arrays: a thousand take a fraction of a second for a survey of the model study's
size, and about half a minute for 100,000 respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from . import _pls_core as core
from ._pls_tables import outer_table, path_table, r2_table
from ._plsc import consistent_fit
from .resampling import cluster_codes, resample_counts, weighted_correlations

__all__ = ["MAX_ITERATIONS", "TOLERANCE", "PlsResult", "pls_path_model"]

MAX_ITERATIONS = 300
"""Iterations allowed before PLS gives up converging (seminr's ``maxIt``)."""

TOLERANCE = 1e-7
"""Convergence: the sum of the absolute changes of the outer weights (seminr's ``10^-7``)."""

_CHUNK = 500  # resamples estimated together, and between two calls of ``progress``
_CHUNK_VALUES = 4_000_000  # at most this many resampled values at once (32 MB of floats)


@dataclass(frozen=True)
class PlsResult:
    """A PLS path model, estimated.

    Attributes
    ----------
    n : int
        Respondents used: those with every indicator of the model (listwise).
    n_dropped : int
        Respondents left out for a missing indicator.
    constructs : tuple of str
        The constructs, in the order of ``blocks``.
    outer : DataFrame
        One row per indicator: ``construct``, ``indicator``, ``weight``, ``loading``, and
        ``loading_consistent`` (PLSc).
    paths : DataFrame
        One row per path: ``source``, ``target``, ``coefficient``; with a bootstrap also
        ``boot_mean``, ``se``, ``t``, ``p``, ``ci_low``, ``ci_high`` (NaN without one).
    r2 : DataFrame
        One row per endogenous construct: ``construct``, ``r2``, ``r2_adj``.
    scores : DataFrame
        The standardized construct scores of the respondents used.
    correlations : DataFrame
        Correlations between the construct scores.
    rho_a : Series
        rho_A of each construct's score (1 for a single indicator), the reliability PLSc
        corrects by.
    consistent : DataFrame
        The paths by PLSc, with the columns of ``paths``.
    r2_consistent : DataFrame
        R² by PLSc: ``construct``, ``r2``, ``r2_adj``.
    correlations_consistent : DataFrame
        The construct correlations corrected for attenuation (PLSc).
    consistent_admissible : bool
        Whether the PLSc estimate is admissible: every rho_A in (0, 1], corrected
        correlations at most 1 in size, a positive definite corrected
        correlation matrix (cSEM's ``verify()``).
    iterations : int
        Iterations the estimation took.
    converged : bool
        Whether the weights settled within ``max_iterations``.
    bootstrap : int
        Resamples asked for (0: none).
    bootstrap_used : int
        Resamples estimated; a resample in which an indicator does not vary is left out.
    bootstrap_unsettled : int
        Resamples whose weights did not settle within ``max_iterations``; like seminr, their
        last estimates are kept.
    bootstrap_inadmissible : int
        Resamples whose PLSc estimate is inadmissible; they are left out of the PLSc
        columns (cSEM's default), not out of the PLS ones.
    seed : int or None
        The seed of the resampling.
    level : float
        Confidence level of the percentile intervals.
    bootstrap_unit : str
        What the bootstrap resampled: ``respondent`` or ``cluster``.
    clusters : int or None
        Clusters among the respondents used, when ``clusters`` were given.
    """

    n: int
    n_dropped: int
    constructs: tuple[str, ...]
    outer: pd.DataFrame
    paths: pd.DataFrame
    r2: pd.DataFrame
    scores: pd.DataFrame
    correlations: pd.DataFrame
    iterations: int
    converged: bool
    rho_a: pd.Series
    consistent: pd.DataFrame
    r2_consistent: pd.DataFrame
    correlations_consistent: pd.DataFrame
    consistent_admissible: bool = True
    bootstrap: int = 0
    bootstrap_used: int = 0
    bootstrap_unsettled: int = 0
    bootstrap_inadmissible: int = 0
    seed: int | None = None
    level: float = 0.95
    bootstrap_unit: str = "respondent"
    clusters: int | None = None
    boot_paths: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)
    boot_consistent: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)


def pls_path_model(
    data: pd.DataFrame,
    blocks: Mapping[str, Sequence[str]],
    paths: Sequence[tuple[str, str]],
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    clusters: pd.Series | Sequence[object] | None = None,
    inner_weights: str = "path",
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
    progress: Callable[[int, int], object] | None = None,
) -> PlsResult:
    """Estimate a PLS path model (Mode A, path weighting) and bootstrap its paths.

    Parameters
    ----------
    data : DataFrame
        One row per respondent, numeric indicator columns (others are ignored).
    blocks : mapping of str to sequence of str
        Each construct's indicators (columns of ``data``), e.g. ``{"Image": ["IMAG1", ...]}``.
    paths : sequence of (str, str)
        The arrows ``(source, target)`` between constructs; the model must not loop.
    bootstrap : int, default 0
        Resamples for standard errors and confidence intervals; 0 for none.
    seed : int, optional
        Seed of the resampling, for reproducible standard errors.
    level : float, default 0.95
        Confidence level of the percentile intervals.
    clusters : Series or sequence, optional
        The cluster (village) of each row of ``data`` (a Series aligned on its index, or
        one label per row): the bootstrap then resamples whole clusters.
    inner_weights : {"path", "factorial"}, default "path"
        The inner weighting scheme: path weighting (seminr's ``path_weighting``, the
        default of seminr and SmartPLS) or the factorial scheme (``path_factorial``: the
        correlations with every neighbour).
    max_iterations, tolerance
        When to stop iterating (seminr's ``maxIt = 300`` and ``stopCriterion = 7``).
    progress : callable, optional
        Called as ``progress(done, total)`` as resamples are estimated.

    Returns
    -------
    PlsResult

    Raises
    ------
    AnalysisError
        A column that is missing, not numeric or without variation, a path naming a
        construct without indicators, a model that loops, or fewer than 3 complete rows.
    """
    constructs = tuple(blocks)
    if inner_weights not in ("path", "factorial"):
        raise AnalysisError(f"inner_weights {inner_weights!r}: give 'path' or 'factorial'")
    layout = replace(core.layout(blocks, paths), factorial=inner_weights == "factorial")
    columns = [c for name in constructs for c in blocks[name]]
    raw = core.complete_rows(data, columns)
    x = raw.to_numpy(dtype=float)
    r, varied = core.correlations(x[None])
    if not varied[0]:
        flat = [c for c, sd in zip(columns, x.std(axis=0), strict=True) if not sd > 0]
        raise AnalysisError(
            f"{', '.join(flat)}: every respondent gave the same answer; an indicator without "
            "variation cannot be used in the PLS model"
        )
    weights, iterations, converged = core.estimate(r, layout, max_iterations, tolerance)
    fit = core.fit(r, weights, layout)
    plsc = consistent_fit(r, weights, fit["corr"], layout.mask, layout.predecessors)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    codes = None if clusters is None else _cluster_codes(data, raw.index, clusters)
    boot = _Boot(np.empty((0, len(layout.sources))), np.empty((0, len(layout.sources))), 0)
    if bootstrap > 0:
        settings = (max_iterations, tolerance)
        boot = _bootstrap(x, codes, layout, bootstrap, seed, settings, progress)
    ends = (layout.sources, layout.targets, constructs)  # where each path starts and ends
    return PlsResult(
        n=len(raw),
        n_dropped=len(data) - len(raw),
        constructs=constructs,
        outer=outer_table(constructs, blocks, weights[0], fit["loadings"][0], plsc["loadings"][0]),
        paths=path_table(*ends, fit["paths"][0], boot.paths, level),
        r2=r2_table(layout.predecessors, constructs, fit["r2"][0], len(raw)),
        scores=pd.DataFrame(z @ weights[0], index=raw.index, columns=list(constructs)),
        correlations=_square(fit["corr"][0], constructs),
        iterations=int(iterations[0]),
        converged=bool(converged[0]),
        rho_a=pd.Series(plsc["rho_a"][0], index=list(constructs), name="rho_a"),
        consistent=path_table(*ends, plsc["paths"][0], boot.consistent, level),
        r2_consistent=r2_table(layout.predecessors, constructs, plsc["r2"][0], len(raw)),
        correlations_consistent=_square(plsc["corr"][0], constructs),
        consistent_admissible=bool(plsc["admissible"][0]),
        bootstrap=bootstrap,
        bootstrap_used=len(boot.paths),
        bootstrap_unsettled=boot.unsettled,
        bootstrap_inadmissible=int(np.isnan(boot.consistent).any(axis=1).sum()),
        seed=seed,
        level=level,
        bootstrap_unit="respondent" if codes is None else "cluster",
        clusters=None if codes is None else int(codes.max()) + 1,
        boot_paths=boot.paths,
        boot_consistent=boot.consistent,
    )


def _square(values: np.ndarray, constructs: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame(values, index=list(constructs), columns=list(constructs))


def _cluster_codes(
    data: pd.DataFrame, rows: pd.Index, clusters: pd.Series | Sequence[object]
) -> np.ndarray:
    """Cluster codes 0..G-1 of the rows used, renumbered over the clusters among them."""
    labels = clusters if isinstance(clusters, pd.Series) else pd.Series(list(clusters))
    if not isinstance(clusters, pd.Series):
        if len(labels) != len(data):
            raise AnalysisError(
                f"clusters gives {len(labels)} labels for {len(data)} rows; give one per row"
            )
        labels.index = data.index
    return cluster_codes(labels.reindex(rows))


@dataclass(frozen=True)
class _Boot:
    paths: np.ndarray  # (resamples kept, paths)
    consistent: np.ndarray  # the same by PLSc
    unsettled: int


def _bootstrap(
    x: np.ndarray,
    clusters: np.ndarray | None,
    layout: core.Layout,
    count: int,
    seed: int | None,
    settings: tuple[int, float],
    progress: Callable[[int, int], object] | None,
) -> _Boot:
    """Path coefficients, PLS and PLSc, of ``count`` resamples of the rows (or of the
    clusters), and how many of them did not settle."""
    rng = np.random.default_rng(seed)
    sources, targets = layout.sources, layout.targets
    kept, kept_c = [], []
    done = unsettled = 0
    chunk = max(1, min(_CHUNK, _CHUNK_VALUES // x.size))
    while done < count:
        size = min(chunk, count - done)
        counts = resample_counts(rng, size, len(x), clusters)
        r, varied = weighted_correlations(x, counts)
        r = r[varied & (counts.sum(axis=1) > 1)]
        if len(r):
            weights, _, converged = core.estimate(r, layout, *settings)
            fit = core.fit(r, weights, layout)
            plsc = consistent_fit(r, weights, fit["corr"], layout.mask, layout.predecessors)
            kept.append(fit["paths"][:, sources, targets])
            consistent = plsc["paths"][:, sources, targets]
            consistent[~plsc["admissible"]] = np.nan
            kept_c.append(consistent)
            unsettled += int((~converged).sum())
        done += size
        if progress is not None:
            progress(done, count)
    empty = np.empty((0, len(sources)))
    if not kept:
        return _Boot(empty, empty, unsettled)
    return _Boot(np.concatenate(kept), np.concatenate(kept_c), unsettled)
