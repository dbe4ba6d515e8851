"""The PLS algorithm on stacks of item correlation matrices (see :mod:`.pls`).

Every step of Lohmöller's algorithm is linear in the standardized data, so it runs on the
items' correlations: scores ``ZW`` have correlations ``W'RW``, and Mode A's covariances of the
items with the inner proxies ``ZWE`` are ``RWE``. Each function takes a stack (resamples,
items, items) and works on every slab at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import AnalysisError

__all__ = ["Layout", "complete_rows", "correlations", "estimate", "fit", "layout"]


@dataclass(frozen=True)
class Layout:
    """Which indicator belongs to which construct, and the arrows between constructs."""

    mask: np.ndarray  # (indicators, constructs) booleans
    arrows: np.ndarray  # (constructs, constructs): arrows[i, j] = 1 for i -> j
    sources: np.ndarray  # the paths in the order given: source and target indices
    targets: np.ndarray
    predecessors: tuple[np.ndarray, ...]  # per construct, the indices pointing at it
    isolated: np.ndarray  # constructs no path names
    factorial: bool = False  # the factorial inner weighting scheme instead of path weighting


def layout(blocks: Mapping[str, Sequence[str]], paths: Sequence[tuple[str, str]]) -> Layout:
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
    return Layout(mask, arrows, ends[:, 0], ends[:, 1], predecessors, np.asarray(isolated))


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


def complete_rows(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
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


def correlations(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
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


def _inner_weights(corr: np.ndarray, layout: Layout) -> np.ndarray:
    """Path weighting from the construct correlations: regression on predecessors,
    correlation with successors."""
    if layout.factorial:
        factorial: np.ndarray = corr * (layout.arrows + layout.arrows.T)[None]
        factorial[:, layout.isolated, layout.isolated] = 1.0
        return factorial
    inner: np.ndarray = corr * layout.arrows.T[None]
    for j, before in enumerate(layout.predecessors):
        if len(before):
            inner[:, before, j] = np.linalg.solve(
                corr[:, before][:, :, before], corr[:, before, j][..., None]
            )[..., 0]
    inner[:, layout.isolated, layout.isolated] = 1.0
    return inner


def estimate(
    r: np.ndarray, layout: Layout, max_iterations: int, tolerance: float
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


def fit(r: np.ndarray, weights: np.ndarray, layout: Layout) -> dict[str, np.ndarray]:
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
