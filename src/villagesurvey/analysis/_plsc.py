"""Consistent PLS (PLSc, Dijkstra & Henseler 2015), on stacks of PLS estimates.

PLS construct scores are weighted sums of items that carry measurement error, so their
correlations understate those of the constructs the items reflect, and path coefficients
computed from them are biased. PLSc corrects each correlation by the reliabilities of the two
scores, ``r_ij / sqrt(rho_A,i * rho_A,j)`` (rho_A is 1 for a single indicator), computes the
path coefficients and R² from the corrected correlations, and the loadings of a multi-item
construct as ``w * sqrt(rho_A) / (w'w)``; as R seminr's ``PLSc()`` and cSEM's
``disattenuate = TRUE``. A rho_A of 0 or less (items that do not hold together) leaves the
construct's corrected numbers undefined (NaN).

An estimate is *inadmissible* when a rho_A is not in (0, 1], a corrected correlation
exceeds 1 in size, or the corrected correlation matrix is not positive definite (the checks
of cSEM's ``verify()`` that concern the paths; a corrected loading above 1, a Heywood case of
one item, does not make the paths undefined and is left to the loadings table): PLSc's
correction then overshoots, as it does with unreliable scales in small samples. The
bootstrap leaves such resamples out of the PLSc intervals (cSEM's default
``.handle_inadmissibles = "drop"``) and counts them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["consistent_fit", "rho_a_stack"]


def rho_a_stack(r: np.ndarray, weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """rho_A of every construct (resamples, constructs) from the item correlations ``r``
    and the unit-variance outer ``weights`` of each slab; 1 for a single indicator."""
    rho = np.ones(weights.shape[0::2])
    for j in range(mask.shape[1]):
        items = np.flatnonzero(mask[:, j])
        if len(items) < 2:
            continue
        w = weights[:, items, j]
        s = r[:, items][:, :, items].copy()
        s[:, np.arange(len(items)), np.arange(len(items))] = 0.0
        ww = (w * w).sum(axis=1)
        off = np.einsum("bi,bij,bj->b", w, s, w)
        denominator = ww**2 - (w**4).sum(axis=1)
        rho[:, j] = np.divide(
            ww**2 * off, denominator, out=np.full(len(w), np.nan), where=denominator != 0
        )
    return rho


def _solve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a x = b`` for each slab; NaN where ``a`` holds NaN or is singular."""
    out = np.full(b.shape, np.nan)
    finite = np.isfinite(a).all(axis=(1, 2)) & np.isfinite(b).all(axis=(1, 2))
    rows = np.flatnonzero(finite)
    try:
        out[rows] = np.linalg.solve(a[rows], b[rows])
    except np.linalg.LinAlgError:  # one singular slab: solve them one by one
        for k in rows:
            try:
                out[k] = np.linalg.solve(a[k], b[k])
            except np.linalg.LinAlgError:
                continue
    return out


def consistent_fit(
    r: np.ndarray,
    weights: np.ndarray,
    corr: np.ndarray,
    mask: np.ndarray,
    predecessors: Sequence[np.ndarray],
) -> dict[str, np.ndarray]:
    """PLSc of each slab: ``rho_a`` (b, constructs), corrected ``corr``, ``paths`` (b, from,
    to), ``r2`` (b, constructs; NaN for exogenous ones) and ``loadings`` (b, items, constructs).

    ``corr`` are the PLS construct-score correlations, ``weights`` the unit-variance outer
    weights of the same slabs. ``admissible`` (b,) says which slabs pass the checks above.
    """
    rho = rho_a_stack(r, weights, mask)
    root = np.sqrt(np.where(rho > 0, rho, np.nan))
    scale = root[:, :, None] * root[:, None, :]
    k = corr.shape[1]
    scale[:, np.arange(k), np.arange(k)] = 1.0
    corrected = corr / scale
    paths = np.zeros_like(corr)
    r2 = np.full(corr.shape[:2], np.nan)
    for j, before in enumerate(predecessors):
        if len(before):
            beta = _solve(corrected[:, before][:, :, before], corrected[:, before, j][..., None])
            paths[:, before, j] = beta[..., 0]
            r2[:, j] = np.einsum("bi,bi->b", beta[..., 0], corrected[:, before, j])
    ww = (weights * weights).sum(axis=1)  # (b, constructs)
    single = mask.sum(axis=0) < 2
    factor = np.where(single[None], 1.0, root / np.where(ww > 0, ww, np.nan))
    loadings = np.where(mask[None], weights * factor[:, None, :], 0.0)  # 1 for one indicator
    return {
        "rho_a": rho,
        "corr": corrected,
        "paths": paths,
        "r2": r2,
        "loadings": loadings,
        "admissible": _admissible(rho, corrected),
    }


def _admissible(rho: np.ndarray, corrected: np.ndarray) -> np.ndarray:
    ok = np.all((rho > 0) & (rho <= 1 + 1e-12), axis=1)
    ok &= np.all(np.abs(np.nan_to_num(corrected, nan=2.0)) <= 1 + 1e-12, axis=(1, 2))
    finite = np.flatnonzero(ok)
    if len(finite):
        smallest = np.linalg.eigvalsh(corrected[finite])[:, 0]
        ok[finite] = smallest > 0
    admissible: np.ndarray = ok
    return admissible
