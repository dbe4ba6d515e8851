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
from ..analysis.roster_table import RosterSummary
from ._json import plain, records
from .measurement import measurement_results

__all__ = ["RESULTS_VERSION", "results_dict"]

RESULTS_VERSION = 2
"""Bumped when a key changes meaning or disappears; new keys may appear at any time."""

_OUTCOME_KEYS = (
    "outcome",
    "question",
    "before",
    "after",
    "wave_before",
    "wave_after",
    "unit",
    "kind",
    "when_skipped",
    "structural_zeros",
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
    "se",
    "method",
    "p_holm",
    "conclusion",
    "cohen_dz",
    "dz_ci_low",
    "dz_ci_high",
    "d_av",
    "mde",
    "mde_dz",
    "sesoi",
    "power_sesoi",
    "gmr",
    "gmr_n",
)
_NAIVE_KEYS = {
    "t": "naive_t",
    "df": "naive_df",
    "p": "naive_p",
    "p_holm": "naive_p_holm",
    "ci_low": "naive_ci_low",
    "ci_high": "naive_ci_high",
    "wilcoxon_p": "wilcoxon_p",
    "wilcoxon_method": "wilcoxon_method",
}
_CLUSTER_KEYS = {
    "icc": "icc",
    "icc_ci_low": "icc_low",
    "icc_ci_high": "icc_high",
    "deff": "deff",
    "n_eff": "n_eff",
    "clusters": "clusters",
    "m": "cluster_m",
    "t": "cr2_t",
    "df": "cr2_df",
    "p": "cr2_p",
    "wild_bootstrap_p": "wild_p",
}
_ROBUST_KEYS = {
    "bootstrap_ci_low": "boot_ci_low",
    "bootstrap_ci_high": "boot_ci_high",
    "hodges_lehmann": "hl",
    "hodges_lehmann_ci_low": "hl_ci_low",
    "hodges_lehmann_ci_high": "hl_ci_high",
}
_YES_NO_KEYS = {
    "started": "started",
    "stopped": "stopped",
    "mcnemar_p": "mcnemar_p",
    "mcnemar_method": "mcnemar_method",
    "risk_difference": "rd",
    "ci_low": "rd_ci_low",
    "ci_high": "rd_ci_high",
}
_RATING_KEYS = {"improved": "improved", "same": "same", "worse": "worse", "sign_p": "sign_p"}


def _block(row: dict[str, Any], keys: dict[str, str]) -> dict[str, Any]:
    return {key: plain(row[column]) for key, column in keys.items()}


def _outcomes(analysis: Analysis, table: pd.DataFrame) -> list[dict[str, Any]]:
    records = []
    for row in table.to_dict("records"):
        record = {key: plain(row[key]) for key in _OUTCOME_KEYS}
        record["deflated"] = bool(row["deflated"])
        record["equivalence"] = {
            "sesoi": plain(row["sesoi"]),
            "tost_p": plain(row["tost_p"]),
            "equivalent": row["conclusion"] == "equivalent",
        }
        record["label"] = dict(analysis.instrument.question(row["question"]).label)
        record["warnings"] = [str(note) for note in row["warnings"]]
        record["warning_codes"] = [note.code for note in row["warnings"]]
        record["naive"] = _block(row, _NAIVE_KEYS)
        record["clustering"] = _block(row, _CLUSTER_KEYS)
        record["robustness"] = _block(row, _ROBUST_KEYS)
        record["yes_no"] = _block(row, _YES_NO_KEYS) if row["kind"] == "yes_no" else None
        record["rating"] = _block(row, _RATING_KEYS) if row["kind"] == "rating" else None
        records.append(record)
    return records


def _years(analysis: Analysis) -> list[int]:
    return sorted({*analysis.cpi_factors, analysis.base_year})


def results_dict(
    analysis: Analysis, source: str = "", validation: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The content of ``results.json`` for an analysis.

    Parameters
    ----------
    analysis : Analysis
        What :func:`~villagesurvey.analysis.analyse` returned.
    source : str
        The clean dataset's file name, recorded under ``data.source``.
    validation : dict, optional
        What :func:`~villagesurvey.report.provenance.read_validation` found beside the data,
        recorded under ``data.validation``.
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
        "data": {"source": source, "respondents": analysis.n, "validation": validation},
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
        "difference_in_differences": (
            {"compare": analysis.compare, "outcomes": records(analysis.did)}
            if analysis.compare is not None
            else None
        ),
        "subgroup_differences": {
            column: records(tests) for column, tests in analysis.subgroup_tests.items()
        },
        "missing": [
            {key: plain(value) for key, value in row.items()}
            for row in analysis.missing.to_dict("records")
        ],
        "scales": (
            measurement_results(analysis.measurement) if analysis.measurement is not None else None
        ),
        "derived": [
            {
                "outcome": d.code,
                "expression": d.expression,
                "roster": d.roster,
                "columns": list(d.columns),
            }
            for d in analysis.instrument.derived
            if any(q.code == d.code for q in analysis.instrument.questions)
        ],
        "rosters": {r.code: _roster(r) for r in analysis.rosters},
    }


def _roster(summary: RosterSummary) -> dict[str, Any]:
    return {
        "households": summary.households,
        "without_members": summary.without,
        "members": summary.members,
        "members_mean": plain(summary.mean),
        "members_min": plain(summary.min),
        "members_max": plain(summary.max),
        "age": summary.age,
        "sex": summary.sex,
        "unplaced": summary.unplaced,
        "pyramid": records(summary.pyramid),
    }
