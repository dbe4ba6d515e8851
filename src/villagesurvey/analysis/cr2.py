"""Cluster-robust tests for few clusters: CR2 with Bell-McCaffrey degrees of freedom, and a
wild cluster bootstrap with Webb's six-point weights.

For an OLS fit ``y = X b + e`` with respondents in ``G`` clusters (villages):

- the CR2 variance (Bell & McCaffrey 2002) adjusts each cluster's residuals by
  ``A_g = (I - H_gg)^(-1/2)``, ``H_gg`` the cluster's block of the hat matrix:
  ``V = M (sum_g X_g' A_g e_g e_g' A_g X_g) M`` with ``M = (X'X)^-1``;
- the degrees of freedom of the t test of ``c'b`` are Satterthwaite's under a working model
  of independent, equal-variance errors (Bell & McCaffrey 2002; Pustejovsky & Tipton 2018):
  writing ``c'V c = sum_g (q_g' y)^2`` with ``q_g' = c'M X_g' A_g (I - H)_g``,
  ``df = (sum_g q_g'q_g)^2 / sum_g sum_h (q_g'q_h)^2``.

This is R's ``clubSandwich::coef_test(fit, vcov = "CR2", cluster = g, test =
"Satterthwaite")`` for an ``lm`` fit. With a dozen villages the usual CR1 test with ``G - 1``
df (Stata's ``vce(cluster)``) rejects too often; with five it is far off.

The wild cluster bootstrap (restricted, WCR; Cameron, Gelbach & Miller 2008) multiplies each
cluster's residuals under the null by one weight drawn from Webb's (2014) six-point
distribution (``±sqrt(1/2), ±1, ±sqrt(3/2)``, each 1/6); Rademacher weights (±1) give only
``2^G`` distinct samples, too few to resolve a p-value with six villages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["WEBB_WEIGHTS", "CR2Test", "cr2_mean", "cr2_test", "wild_bootstrap_mean"]

WEBB_WEIGHTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
)
"""Webb's six-point weights: mean 0, variance 1, each drawn with probability 1/6."""


@dataclass(frozen=True)
class CR2Test:
    """A cluster-robust (CR2) t test of one coefficient or contrast.

    Attributes
    ----------
    estimate, se : float
        The coefficient (``c'b``) and its CR2 standard error.
    t, df, p : float
        ``estimate / se``, the Bell-McCaffrey (Satterthwaite) degrees of freedom and the
        two-sided p-value from ``t(df)``.
    ci_low, ci_high : float
        Confidence interval ``estimate ± t(df) quantile × se``.
    clusters : int
        Clusters with at least one observation.
    """

    estimate: float
    se: float
    t: float
    df: float
    p: float
    ci_low: float
    ci_high: float
    clusters: int


def _codes(groups: ArrayLike, keep: np.ndarray) -> np.ndarray:
    import pandas as pd

    codes, _ = pd.factorize(pd.Series(np.asarray(groups, dtype=object)[keep]))
    return np.asarray(codes)


def _inverse_root(matrix: np.ndarray) -> np.ndarray:
    """Symmetric ``matrix^(-1/2)``, with eigenvalues near zero dropped (a pseudo-inverse)."""
    values, vectors = np.linalg.eigh(matrix)
    scale = np.where(values > 1e-10, 1 / np.sqrt(np.clip(values, 1e-10, None)), 0.0)
    return np.asarray((vectors * scale) @ vectors.T)


def _nan_test(estimate: float, clusters: int) -> CR2Test:
    nan = math.nan
    return CR2Test(estimate, nan, nan, nan, nan, nan, nan, clusters)


def cr2_test(
    y: ArrayLike,
    x: ArrayLike,
    groups: ArrayLike,
    contrast: ArrayLike | None = None,
    level: float = 0.95,
) -> CR2Test:
    """OLS of ``y`` on ``x`` and a CR2 t test of ``contrast' b`` with Bell-McCaffrey df.

    Parameters
    ----------
    y : array-like of float
        The outcome; rows with NaN in ``y`` or ``x`` or a missing group are left out.
    x : array-like, shape (n, k)
        The design matrix (include a column of ones for an intercept).
    groups : array-like
        The cluster of each row.
    contrast : array-like of length k, optional
        The combination tested; default the last coefficient.
    level : float, default 0.95
        Confidence level of the interval.

    Returns
    -------
    CR2Test
        NaN (except the estimate) with fewer than two clusters or a zero standard error.

    Examples
    --------
    The mean of 1, 2, 3, 4, 5, 6.5 in clusters 1, 1, 2, 2, 3, 3 (R: ``clubSandwich::coef_test(
    lm(d ~ 1), vcov = "CR2", cluster = g, test = "Satterthwaite")``: SE 1.10, df 2):

    >>> r = cr2_test([1, 2, 3, 4, 5, 6.5], [[1]] * 6, [1, 1, 2, 2, 3, 3])
    >>> round(r.se, 4), round(r.df, 4)
    (1.2276, 2.0)
    """
    from scipy import special

    values = np.asarray(y, dtype=float)
    if values.size == 0:
        return _nan_test(math.nan, 0)
    design = np.asarray(x, dtype=float).reshape(values.size, -1)
    labels = np.asarray(groups, dtype=object)
    present = np.array([g is not None and g == g for g in labels], dtype=bool)
    keep = ~np.isnan(values) & ~np.isnan(design).any(axis=1) & present
    values, design = values[keep], design[keep]
    codes = _codes(groups, keep)
    clusters = int(codes.max()) + 1 if codes.size else 0
    c = np.zeros(design.shape[1]) if contrast is None else np.asarray(contrast, dtype=float)
    if contrast is None:
        c[-1] = 1.0
    if values.size <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        return _nan_test(math.nan, clusters)
    bread = np.linalg.inv(design.T @ design)
    coefficients = bread @ design.T @ values
    estimate = float(c @ coefficients)
    if clusters < 2:
        return _nan_test(estimate, clusters)
    n = values.size
    residual_maker = np.eye(n) - design @ bread @ design.T
    residuals = residual_maker @ values
    cm = bread @ c  # M c, shape (k,)
    q = np.zeros((clusters, n))  # row g: q_g' = c'M X_g' A_g (I - H)_g
    for g in range(clusters):
        rows = np.flatnonzero(codes == g)
        adjust = _inverse_root(residual_maker[np.ix_(rows, rows)])
        weights = adjust @ (design[rows] @ cm)  # A_g X_g M c (A_g symmetric)
        q[g] = weights @ residual_maker[rows]
    variance = float(((q @ values) ** 2).sum())
    cross = q @ q.T
    df = float(np.trace(cross) ** 2 / (cross**2).sum()) if cross.any() else math.nan
    se = math.sqrt(variance)
    if not se > 1e-12 * max(1.0, float(np.abs(residuals).max(initial=0.0)), abs(estimate)):
        return _nan_test(estimate, clusters)
    t = estimate / se
    p = float(2 * special.stdtr(df, -abs(t)))
    margin = float(special.stdtrit(df, 0.5 + level / 2)) * se
    return CR2Test(estimate, se, t, df, p, estimate - margin, estimate + margin, clusters)


def _q_vectors(
    design: np.ndarray, codes: np.ndarray, contrasts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``q[s, g]``: the N-vector with ``(c_s' V c_s)`` = ``sum_g (q[s, g]' y)^2``; and ``b``."""
    n = design.shape[0]
    clusters = int(codes.max()) + 1
    bread = np.linalg.inv(design.T @ design)
    residual_maker = np.eye(n) - design @ bread @ design.T
    cm = bread @ contrasts.T  # (k, q)
    q = np.zeros((contrasts.shape[0], clusters, n))
    for g in range(clusters):
        rows = np.flatnonzero(codes == g)
        adjust = _inverse_root(residual_maker[np.ix_(rows, rows)])
        weights = adjust @ (design[rows] @ cm)  # (n_g, q)
        q[:, g, :] = weights.T @ residual_maker[rows]
    return q, bread


def cr2_wald(
    y: ArrayLike, x: ArrayLike, groups: ArrayLike, constraints: ArrayLike
) -> tuple[float, float, float, float]:
    """CR2 Wald test that ``C b = 0`` with the HTZ small-sample F (Pustejovsky & Tipton 2018).

    As R's ``clubSandwich::Wald_test(fit, constraints, vcov = "CR2", cluster = g,
    test = "HTZ")`` for an ``lm`` fit: ``Q = (C b)' (C V C')^-1 (C b)`` and, with ``nu`` from
    the Hotelling T-squared approximation, ``F = (nu - q + 1) / nu * Q / q`` on ``q`` and
    ``nu - q + 1`` degrees of freedom.

    Returns
    -------
    F, df_num, df_denom, p : float
        NaN when the test cannot be made (fewer than two clusters, a singular design).
    """
    from scipy import special

    values = np.asarray(y, dtype=float)
    design = np.asarray(x, dtype=float).reshape(values.size, -1)
    c = np.atleast_2d(np.asarray(constraints, dtype=float))
    labels = np.asarray(groups, dtype=object)
    present = np.array([g is not None and g == g for g in labels], dtype=bool)
    keep = ~np.isnan(values) & ~np.isnan(design).any(axis=1) & present
    values, design = values[keep], design[keep]
    codes = _codes(groups, keep)
    nan = (math.nan, float(c.shape[0]), math.nan, math.nan)
    if codes.size == 0 or int(codes.max()) < 1 or np.linalg.matrix_rank(design) < design.shape[1]:
        return nan
    q_vectors, bread = _q_vectors(design, codes, c)
    q = c.shape[0]
    scores = q_vectors @ values  # (q, G)
    vcov = scores @ scores.T
    if np.linalg.matrix_rank(vcov) < q:
        return nan
    cb = c @ (bread @ design.T @ values)
    wald = float(cb @ np.linalg.solve(vcov, cb))
    p_array = np.einsum("sjn,tkn->stjk", q_vectors, q_vectors)
    omega = np.einsum("stjj->st", p_array)
    root = _inverse_root(omega)
    b = np.einsum("as,stjk,tb->abjk", root, p_array, root)
    total = np.einsum("stjk,tsjk->st", b, b) + np.einsum("ssjk,ttjk->st", b, b)
    nu = q * (q + 1) / float(total.sum())
    df = nu - q + 1
    if not df > 0:
        return nan
    f = max((nu - q + 1) / nu, 0.0) * wald / q
    return f, float(q), df, float(special.fdtrc(q, df, f))


def cr2_mean(values: ArrayLike, groups: ArrayLike, level: float = 0.95) -> CR2Test:
    """CR2 test of the mean of ``values`` (the intercept-only fit), Bell-McCaffrey df.

    The paired before/after differences give the design-based test of the mean change.
    """
    y = np.asarray(values, dtype=float)
    return cr2_test(y, np.ones((y.size, 1)), groups, level=level)


def wild_bootstrap_mean(
    values: ArrayLike,
    groups: ArrayLike,
    resamples: int = 999,
    seed: int | None = 1,
) -> float:
    """Wild cluster bootstrap p-value of "mean = 0", null imposed, Webb weights.

    Under the null the restricted fit is 0 and its residuals are the values themselves; each
    resample multiplies cluster ``g``'s values by one Webb weight ``w_g`` and recomputes the
    CR1 t statistic ``mean / se``. The p-value is the share of resamples with ``|t*|`` at
    least the observed ``|t|`` (symmetric, as ``boottest``). When the ``6^G`` weight vectors
    are no more than ``resamples``, every one is used once (full enumeration, no chance).

    Returns
    -------
    float
        NaN with fewer than two clusters or no spread.
    """
    y = np.asarray(values, dtype=float)
    labels = np.asarray(groups, dtype=object)
    keep = ~np.isnan(y) & np.array([g is not None and g == g for g in labels], dtype=bool)
    y = y[keep]
    codes = _codes(groups, keep)
    clusters = int(codes.max()) + 1 if codes.size else 0
    if clusters < 2 or np.ptp(y) == 0:
        return math.nan
    sums = np.bincount(codes, weights=y, minlength=clusters)
    sizes = np.bincount(codes, minlength=clusters).astype(float)
    n = y.size

    def t_values(cluster_sums: np.ndarray) -> np.ndarray:
        # mean = S / n; CR1 score of cluster g: S_g - n_g * mean (constant factors cancel)
        means = cluster_sums.sum(axis=-1) / n
        scores = cluster_sums - sizes * means[..., None]
        se = np.sqrt((scores**2).sum(axis=-1)) / n
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.asarray(means / se)

    observed = float(t_values(sums[None, :])[0])
    if 6**clusters <= resamples:
        picks = np.indices((6,) * clusters).reshape(clusters, -1).T
    else:
        picks = np.random.default_rng(seed).integers(0, 6, size=(resamples, clusters))
    weights = WEBB_WEIGHTS[picks]
    simulated = t_values(weights * sums)
    simulated = simulated[np.isfinite(simulated)]
    return (
        float((np.abs(simulated) >= abs(observed) - 1e-12).mean()) if simulated.size else math.nan
    )
