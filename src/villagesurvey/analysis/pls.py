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

The bootstrap resamples respondents with replacement, re-estimates the model and reports the
standard deviation of the estimates (the standard error), ``t = estimate / SE``, a two-sided
p-value from the t distribution with ``resamples - 1`` degrees of freedom, and percentile
confidence intervals (R's ``quantile`` type 7).

Every step of the algorithm is linear in the standardized data, so it runs on the items'
correlation matrix; a resample costs one pass over its rows to make that matrix, and the
resamples are estimated together, as arrays: a thousand take a fraction of a second for a
survey of the model study's size, and about half a minute for 100,000 respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import AnalysisError

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
        One row per indicator: ``construct``, ``indicator``, ``weight``, ``loading``.
    paths : DataFrame
        One row per path: ``source``, ``target``, ``coefficient``; with a bootstrap also
        ``boot_mean``, ``se``, ``t``, ``p``, ``ci_low``, ``ci_high`` (NaN without one).
    r2 : DataFrame
        One row per endogenous construct: ``construct``, ``r2``, ``r2_adj``.
    scores : DataFrame
        The standardized construct scores of the respondents used.
    correlations : DataFrame
        Correlations between the construct scores.
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
    seed : int or None
        The seed of the resampling.
    level : float
        Confidence level of the percentile intervals.
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
    bootstrap: int = 0
    bootstrap_used: int = 0
    bootstrap_unsettled: int = 0
    seed: int | None = None
    level: float = 0.95
    boot_paths: np.ndarray = field(default_factory=lambda: np.empty((0, 0)), repr=False)


@dataclass(frozen=True)
class _Layout:
    """Which indicator belongs to which construct, and the arrows between constructs."""

    mask: np.ndarray  # (indicators, constructs) booleans
    arrows: np.ndarray  # (constructs, constructs): arrows[i, j] = 1 for i -> j
    sources: np.ndarray  # the paths in the order given: source and target indices
    targets: np.ndarray
    predecessors: tuple[np.ndarray, ...]  # per construct, the indices pointing at it
    isolated: np.ndarray  # constructs no path names


def pls_path_model(
    data: pd.DataFrame,
    blocks: Mapping[str, Sequence[str]],
    paths: Sequence[tuple[str, str]],
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
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
    layout = _layout(blocks, paths)
    columns = [c for name in constructs for c in blocks[name]]
    raw = _complete_rows(data, columns)
    x = raw.to_numpy(dtype=float)
    r, varied = _correlations(x[None])
    if not varied[0]:
        flat = [c for c, sd in zip(columns, x.std(axis=0), strict=True) if not sd > 0]
        raise AnalysisError(
            f"{', '.join(flat)}: every respondent gave the same answer; an indicator without "
            "variation cannot be used in the PLS model"
        )
    weights, iterations, converged = _estimate(r, layout, max_iterations, tolerance)
    fit = _fit(r, weights, layout)
    z = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    boot, unsettled = np.empty((0, len(layout.sources))), 0
    if bootstrap > 0:
        boot, unsettled = _bootstrap(
            x, layout, bootstrap, seed, max_iterations, tolerance, progress
        )
    return PlsResult(
        n=len(raw),
        n_dropped=len(data) - len(raw),
        constructs=constructs,
        outer=_outer_table(constructs, blocks, weights[0], fit["loadings"][0]),
        paths=_path_table(layout, constructs, fit["paths"][0], boot, level),
        r2=_r2_table(layout, constructs, fit["r2"][0], len(raw)),
        scores=pd.DataFrame(z @ weights[0], index=raw.index, columns=list(constructs)),
        correlations=pd.DataFrame(fit["corr"][0], index=constructs, columns=constructs),
        iterations=int(iterations[0]),
        converged=bool(converged[0]),
        bootstrap=bootstrap,
        bootstrap_used=len(boot),
        bootstrap_unsettled=unsettled,
        seed=seed,
        level=level,
        boot_paths=boot,
    )


def _layout(blocks: Mapping[str, Sequence[str]], paths: Sequence[tuple[str, str]]) -> _Layout:
    constructs = list(blocks)
    columns = [c for name in constructs for c in blocks[name]]
    if len(set(columns)) != len(columns):
        raise AnalysisError("an indicator belongs to two constructs; give each its own")
    mask = np.zeros((len(columns), len(constructs)), dtype=bool)
    row = 0
    for j, name in enumerate(constructs):
        if not blocks[name]:
            raise AnalysisError(f"construct {name!r} has no indicators")
        mask[row : row + len(blocks[name]), j] = True
        row += len(blocks[name])
    arrows = np.zeros((len(constructs),) * 2)
    pairs: list[tuple[int, int]] = []
    for source, target in paths:
        for name in (source, target):
            if name not in blocks:
                raise AnalysisError(
                    f"the path {source} -> {target} names {name!r}, which has no indicators"
                )
        pair = (constructs.index(source), constructs.index(target))
        if pair[0] == pair[1]:
            raise AnalysisError(f"the path {source} -> {target} points at itself")
        if pair not in pairs:
            pairs.append(pair)
            arrows[pair] = 1
    _refuse_loops(arrows, constructs)
    predecessors = tuple(np.flatnonzero(arrows[:, j]) for j in range(len(constructs)))
    isolated = ~(arrows.any(axis=0) | arrows.any(axis=1))
    ends = np.array(pairs, dtype=int).reshape(-1, 2)
    return _Layout(mask, arrows, ends[:, 0], ends[:, 1], predecessors, np.asarray(isolated))


def _refuse_loops(arrows: np.ndarray, constructs: list[str]) -> None:
    left = arrows.copy()
    alive = np.ones(len(constructs), dtype=bool)
    while alive.any():
        sources = alive & ~left[alive].any(axis=0)  # nothing alive points at them
        if not sources.any():
            loop = ", ".join(c for c, a in zip(constructs, alive, strict=True) if a)
            raise AnalysisError(
                f"the paths between {loop} make a loop; PLS needs a model without one"
            )
        alive &= ~sources
        left[sources] = 0


def _complete_rows(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise AnalysisError(f"missing column{'s' * (len(missing) > 1)} {', '.join(missing)}")
    frame = data[columns]
    bad = [c for c in columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if bad:
        raise AnalysisError(f"column{'s' * (len(bad) > 1)} {', '.join(bad)} must hold numbers")
    complete = frame.astype(float).dropna()
    if len(complete) < 3:
        raise AnalysisError(
            f"only {len(complete)} respondent(s) answered every indicator of the model; "
            "PLS needs at least 3"
        )
    return complete


def _correlations(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The correlation matrix of the columns of each (resample, rows, columns) slab, and
    whether every column of the slab varies (a flat column's correlations are 0)."""
    centred = a - a.mean(axis=1, keepdims=True)
    cov = np.swapaxes(centred, 1, 2) @ centred / (a.shape[1] - 1)
    sd = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
    flat = sd <= 1e-12 * (1 + np.abs(a).max(axis=1))
    sd = np.where(flat, 1.0, sd)
    corr: np.ndarray = cov / (sd[:, :, None] * sd[:, None, :])
    return corr, ~flat.any(axis=1)


def _unit(weights: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """Weights scaled so that the scores they make (of standardized items) have SD 1."""
    variance = ((corr @ weights) * weights).sum(axis=1)
    scaled: np.ndarray = weights / np.sqrt(np.where(variance > 0, variance, 1))[:, None, :]
    return scaled


def _inner_weights(corr: np.ndarray, layout: _Layout) -> np.ndarray:
    """Path weighting from the construct correlations: regression on predecessors,
    correlation with successors."""
    inner: np.ndarray = corr * layout.arrows.T[None]
    for j, before in enumerate(layout.predecessors):
        if len(before):
            inner[:, before, j] = np.linalg.solve(
                corr[:, before][:, :, before], corr[:, before, j][..., None]
            )[..., 0]
    inner[:, layout.isolated, layout.isolated] = 1.0
    return inner


def _estimate(
    r: np.ndarray, layout: _Layout, max_iterations: int, tolerance: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outer weights for each item correlation matrix of ``r`` (resamples, items, items).

    Every step of the algorithm is linear in the standardized data, so it runs on their
    correlations: scores ``ZW`` have correlations ``W'RW``, and Mode A's covariances of the
    items with the inner proxies ``ZWE`` are ``RWE``.
    """
    b = len(r)
    mask = layout.mask[None]
    weights = np.broadcast_to(mask.astype(float), (b, *layout.mask.shape)).copy()
    active = np.ones(b, dtype=bool)
    iterations = np.zeros(b, dtype=int)
    for iteration in range(max_iterations + 1):
        rs = r[active]
        scaled = _unit(weights[active], rs)
        scores = np.swapaxes(scaled, 1, 2) @ rs @ scaled
        proxy = scaled @ _inner_weights(scores, layout)  # item weights of the inner proxies
        new = _unit(np.where(mask, rs @ _unit(proxy, rs), 0.0), rs)
        change = np.abs(new - weights[active]).sum(axis=(1, 2))
        weights[active] = new
        iterations[active] = iteration
        still = np.flatnonzero(active)[~(change < tolerance)]
        active[:] = False
        active[still] = True
        if not active.any():
            break
    return weights, iterations, ~active


def _fit(r: np.ndarray, weights: np.ndarray, layout: _Layout) -> dict[str, np.ndarray]:
    """Loadings, construct correlations, path coefficients and R² of each slab."""
    loadings = np.where(layout.mask[None], r @ weights, 0.0)
    corr = np.swapaxes(weights, 1, 2) @ r @ weights
    coefficients = np.zeros_like(corr)
    r2 = np.full(corr.shape[:2], np.nan)
    for j, before in enumerate(layout.predecessors):
        if len(before):
            beta = np.linalg.solve(corr[:, before][:, :, before], corr[:, before, j][..., None])
            coefficients[:, before, j] = beta[..., 0]
            r2[:, j] = np.einsum("bi,bi->b", beta[..., 0], corr[:, before, j])
    return {"loadings": loadings, "paths": coefficients, "corr": corr, "r2": r2}


def _bootstrap(
    x: np.ndarray,
    layout: _Layout,
    count: int,
    seed: int | None,
    max_iterations: int,
    tolerance: float,
    progress: Callable[[int, int], object] | None,
) -> tuple[np.ndarray, int]:
    """Path coefficients of ``count`` resamples (rows: resamples kept; columns: paths), and
    how many of them did not settle."""
    rng = np.random.default_rng(seed)
    n = len(x)
    sources, targets = layout.sources, layout.targets
    kept = []
    done = unsettled = 0
    chunk = max(1, min(_CHUNK, _CHUNK_VALUES // x.size))
    while done < count:
        size = min(chunk, count - done)
        r, varied = _correlations(x[rng.integers(0, n, size=(size, n))])
        if varied.any():
            weights, _, converged = _estimate(r[varied], layout, max_iterations, tolerance)
            kept.append(_fit(r[varied], weights, layout)["paths"][:, sources, targets])
            unsettled += int((~converged).sum())
        done += size
        if progress is not None:
            progress(done, count)
    boot = np.concatenate(kept) if kept else np.empty((0, len(sources)))
    return boot, unsettled


def _outer_table(
    constructs: tuple[str, ...],
    blocks: Mapping[str, Sequence[str]],
    weights: np.ndarray,
    loadings: np.ndarray,
) -> pd.DataFrame:
    rows = []
    row = 0
    for j, name in enumerate(constructs):
        for indicator in blocks[name]:
            rows.append((name, indicator, weights[row, j], loadings[row, j]))
            row += 1
    return pd.DataFrame(rows, columns=["construct", "indicator", "weight", "loading"])


def _path_table(
    layout: _Layout,
    constructs: tuple[str, ...],
    coefficients: np.ndarray,
    boot: np.ndarray,
    level: float,
) -> pd.DataFrame:
    from scipy import stats

    sources, targets = layout.sources, layout.targets
    table = pd.DataFrame(
        {
            "source": [constructs[i] for i in sources],
            "target": [constructs[j] for j in targets],
            "coefficient": coefficients[sources, targets],
        }
    )
    nan = np.full(len(table), np.nan)
    if len(boot) >= 2:
        se = boot.std(axis=0, ddof=1)
        t = np.divide(table["coefficient"].to_numpy(), se, out=nan.copy(), where=se > 0)
        tail = (1 - level) / 2
        table["boot_mean"] = boot.mean(axis=0)
        table["se"] = se
        table["t"] = t
        table["p"] = 2 * stats.t.sf(np.abs(t), len(boot) - 1)
        table["ci_low"] = np.quantile(boot, tail, axis=0)
        table["ci_high"] = np.quantile(boot, 1 - tail, axis=0)
    else:
        for column in ("boot_mean", "se", "t", "p", "ci_low", "ci_high"):
            table[column] = nan
    return table


def _r2_table(layout: _Layout, constructs: tuple[str, ...], r2: np.ndarray, n: int) -> pd.DataFrame:
    rows = []
    for j, before in enumerate(layout.predecessors):
        if len(before):
            k = len(before)
            adjusted = 1 - (1 - r2[j]) * (n - 1) / (n - k - 1) if n > k + 1 else np.nan
            rows.append((constructs[j], r2[j], adjusted))
    return pd.DataFrame(rows, columns=["construct", "r2", "r2_adj"])
