"""``results.json``: every number of the report, machine-readable, with stable keys.

Missing or undefined numbers (a test that could not run, an infinite sample size) are
``null``. The keys are documented in ``docs/report.md``.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from .._version import package_version
from ..analysis import Analysis
from ._json import plain
from .measurement import measurement_results

__all__ = ["RESULTS_VERSION", "results_dict"]

RESULTS_VERSION = 1
"""Bumped when a key changes meaning or disappears; new keys may appear at any time."""

_OUTCOME_KEYS = (
    "outcome",
    "question",
    "before",
    "after",
    "wave_before",
    "wave_after",
    "unit",
    "n",
    "n_excluded",
    "mean_before",
    "mean_after",
    "mean_diff",
    "sd_diff",
    "t",
    "df",
    "p",
    "ci_low",
    "ci_high",
    "cohen_dz",
    "dz_ci_low",
    "dz_ci_high",
    "power",
    "mde_dz",
    "n_needed",
    "p_holm",
    "wilcoxon_p",
    "wilcoxon_method",
    "shapiro_w",
    "shapiro_p",
    "deflated",
)
_CLUSTER_KEYS = {
    "icc": "icc",
    "deff": "deff",
    "n_eff": "n_eff",
    "clusters": "clusters",
    "m": "cluster_m",
    "se": "cluster_se",
    "t": "cluster_t",
    "df": "cluster_df",
    "p": "cluster_p",
    "power": "power_eff",
    "mde_dz": "mde_dz_eff",
    "n_needed": "n_needed_eff",
}


def _outcomes(analysis: Analysis, table: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in table.to_dict("records"):
        record = {key: plain(row[key]) for key in _OUTCOME_KEYS}
        record["deflated"] = bool(row["deflated"])
        record["label"] = dict(analysis.instrument.question(row["question"]).label)
        record["warnings"] = [str(note) for note in row["warnings"]]
        record["warning_codes"] = [note.code for note in row["warnings"]]
        record["clustering"] = {key: plain(row[column]) for key, column in _CLUSTER_KEYS.items()}
        records.append(record)
    return records


def _years(analysis: Analysis) -> list[int]:
    return sorted({*analysis.cpi_factors, analysis.base_year})


def results_dict(analysis: Analysis, source: str = "") -> dict[str, Any]:
    """The content of ``results.json`` for an analysis.

    Parameters
    ----------
    analysis : Analysis
        What :func:`~villagesurvey.analysis.analyse` returned.
    source : str
        The clean dataset's file name, recorded under ``data.source``.
    """
    instrument = analysis.instrument
    cpi = analysis.cpi
    return {
        "results_version": RESULTS_VERSION,
        "villagesurvey": package_version(),
        "instrument": {
            "id": instrument.id,
            "version": instrument.version,
            "content_hash": instrument.content_hash,
        },
        "data": {"source": source, "respondents": analysis.n},
        "alpha": analysis.alpha,
        "target_power": analysis.target_power,
        "warnings": [str(note) for note in analysis.notes],
        "warning_codes": [note.code for note in analysis.notes],
        "deflation": {
            "base_year": analysis.base_year,
            "cpi_table": cpi.name if cpi else None,
            "cpi_source": cpi.source if cpi else None,
            "index": {str(y): cpi.index[y] for y in _years(analysis)} if cpi else {},
            "factors": {str(y): f for y, f in analysis.cpi_factors.items()},
        },
        "clustering": {
            "variable": analysis.cluster,
            "clusters": len(analysis.cluster_sizes),
            "sizes": analysis.cluster_sizes,
            "m": plain(
                sum(s * s for s in analysis.cluster_sizes.values()) / analysis.n
                if analysis.n
                else math.nan
            ),
        },
        "outcomes": _outcomes(analysis, analysis.outcomes),
        "subgroups": {
            column: {
                level: {
                    "respondents": analysis.subgroup_sizes[column][level],
                    "outcomes": _outcomes(analysis, table),
                }
                for level, table in groups.items()
            }
            for column, groups in analysis.subgroups.items()
        },
        "demographics": [
            {key: plain(value) for key, value in row.items()}
            for row in analysis.demographics.to_dict("records")
        ],
        "left_out": [{"question": code, "reason": reason} for code, reason in analysis.left_out],
        "scales": (
            measurement_results(analysis.measurement) if analysis.measurement is not None else None
        ),
    }
