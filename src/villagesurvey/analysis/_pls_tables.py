"""The tables of a PLS estimate: outer weights and loadings, paths with their bootstrap, R²."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["boot_summary", "outer_table", "path_table", "r2_table"]

BOOT_COLUMNS = ("boot_mean", "se", "t", "p", "ci_low", "ci_high")


def outer_table(
    constructs: tuple[str, ...],
    blocks: Mapping[str, Sequence[str]],
    weights: np.ndarray,
    loadings: np.ndarray,
    consistent: np.ndarray,
) -> pd.DataFrame:
    rows = []
    row = 0
    for j, name in enumerate(constructs):
        for indicator in blocks[name]:
            rows.append((name, indicator, weights[row, j], loadings[row, j], consistent[row, j]))
            row += 1
    columns = ["construct", "indicator", "weight", "loading", "loading_consistent"]
    return pd.DataFrame(rows, columns=columns)


def boot_summary(estimate: np.ndarray, boot: np.ndarray, level: float) -> dict[str, np.ndarray]:
    """Bootstrap mean, SE, t, p and percentile interval of each column of ``boot``.

    Resamples where a column is NaN (PLSc with rho_A undefined) are left out of that
    column; a column with fewer than two finite resamples gets NaN throughout.
    """
    from scipy import stats

    columns = boot.shape[1] if boot.ndim == 2 else len(estimate)
    nan = np.full(columns, np.nan)
    out = {name: nan.copy() for name in BOOT_COLUMNS}
    tail = (1 - level) / 2
    for c in range(columns if len(boot) else 0):
        values = boot[:, c][np.isfinite(boot[:, c])]
        if len(values) < 2:
            continue
        se = float(values.std(ddof=1))
        t = estimate[c] / se if se > 0 else np.nan
        out["boot_mean"][c] = values.mean()
        out["se"][c] = se
        out["t"][c] = t
        out["p"][c] = 2 * stats.t.sf(abs(t), len(values) - 1) if np.isfinite(t) else np.nan
        out["ci_low"][c] = np.quantile(values, tail)
        out["ci_high"][c] = np.quantile(values, 1 - tail)
    return out


def path_table(
    sources: np.ndarray,
    targets: np.ndarray,
    constructs: tuple[str, ...],
    coefficients: np.ndarray,
    boot: np.ndarray,
    level: float,
) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "source": [constructs[i] for i in sources],
            "target": [constructs[j] for j in targets],
            "coefficient": coefficients[sources, targets],
        }
    )
    summary = boot_summary(table["coefficient"].to_numpy(), boot, level)
    for name in BOOT_COLUMNS:
        table[name] = summary[name]
    return table


def r2_table(
    predecessors: Sequence[np.ndarray], constructs: tuple[str, ...], r2: np.ndarray, n: int
) -> pd.DataFrame:
    rows = []
    for j, before in enumerate(predecessors):
        if len(before):
            k = len(before)
            adjusted = 1 - (1 - r2[j]) * (n - 1) / (n - k - 1) if n > k + 1 else np.nan
            rows.append((constructs[j], r2[j], adjusted))
    return pd.DataFrame(rows, columns=["construct", "r2", "r2_adj"])
