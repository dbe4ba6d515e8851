"""The notes at the top of the report, and the table of missing answers."""

from __future__ import annotations

import pandas as pd

from ._data import Outcome
from .notes import Note
from .outcome import SMALL_SAMPLE

__all__ = ["headline_notes", "missing_table"]


def headline_notes(
    table: pd.DataFrame, n: int, clusters: int, power: float, compare: str | None
) -> list[Note]:
    """The notes for the top of the report, most important first."""
    if table.empty:
        return []
    notes: list[Note] = [Note("design_caveat", _waves(table))]
    if compare is not None:
        notes.append(Note("did_assumption", {"column": compare}))
    zeros = table[table["structural_zeros"] > 0]
    if len(zeros):
        names = ", ".join(f"{r.outcome} ({r.structural_zeros})" for r in zeros.itertuples())
        notes.append(Note("structural_zeros_headline", {"outcomes": names}))
    if n < SMALL_SAMPLE:
        notes.append(Note("headline_small", {"n": n}))
    tested = table[table["mde_dz"].notna()]
    if len(tested):
        values: dict[str, float | int | str] = {
            "n": n,
            "clusters": clusters,
            "power": power,
            "mde_low": float(tested["mde_dz"].min()),
            "mde_high": float(tested["mde_dz"].max()),
            "df_low": float(tested["df"].min()),
            "df_high": float(tested["df"].max()),
        }
        notes.append(Note("headline_power", values))
        known = tested[tested["icc_high"].notna()]
        if len(known):
            worst = known.loc[known["icc"].idxmax()]
            m = float(worst["cluster_m"])
            low = max(float(worst["icc_low"]), 0.0)
            high = max(float(worst["icc_high"]), 0.0)
            notes.append(
                Note(
                    "headline_icc",
                    {
                        "outcome": str(worst["outcome"]),
                        "icc": float(worst["icc"]),
                        "low": float(worst["icc_low"]),
                        "high": float(worst["icc_high"]),
                        "n": int(worst["n"]),
                        "n_eff_low": float(worst["n"]) / (1 + (m - 1) * high),
                        "n_eff_high": float(worst["n"]) / (1 + (m - 1) * low),
                    },
                )
            )
    if 2 <= clusters < SMALL_SAMPLE:
        notes.append(Note("headline_few_clusters", {"clusters": clusters}))
    return notes


def _waves(table: pd.DataFrame) -> dict[str, float | int | str]:
    first = table.iloc[0]
    return {"before": str(first["wave_before"]), "after": str(first["wave_after"])}


def missing_table(
    frame: pd.DataFrame, blank: pd.DataFrame, cluster: pd.Series, outcomes: list[Outcome]
) -> pd.DataFrame:
    """Blanks left per compared column, those filled as ``when_skipped``, and by village."""
    villages = sorted(str(v) for v in cluster.dropna().unique())
    rows = []
    for o in outcomes:
        for column in (o.pair.before, o.pair.after):
            still = frame[column.code].isna()
            by_village = still.groupby(cluster.to_numpy(dtype=object)).sum()
            rows.append(
                {
                    "outcome": o.name,
                    "column": column.code,
                    "wave": column.wave,
                    "missing": int(still.sum()),
                    "skipped": int((blank[column.code] & ~still).sum()),
                    **{v: int(by_village.get(v, 0)) for v in villages},
                }
            )
    return pd.DataFrame(rows)
