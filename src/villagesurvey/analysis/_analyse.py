"""``analyse``: the before/after analysis of a clean dataset, returned as data."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError
from ..instrument import Instrument
from ._data import Outcome, demographic_questions, numeric_frame, pick_outcomes, resolve_by
from .clustering import cluster_analysis
from .cpi import CpiTable, default_cpi
from .demographics import demographics_table
from .notes import Note
from .paired import holm, paired_test
from .power import min_detectable_effect, n_for_power, paired_power
from .scales import Measurement, ScaleNote, measure_scales

__all__ = ["SMALL_SAMPLE", "Analysis", "analyse"]

SMALL_SAMPLE = 30
"""Fewer complete pairs than this is called a small sample in the report."""


@dataclass(frozen=True)
class Analysis:
    """Everything the before/after report shows, as data.

    Attributes
    ----------
    instrument : Instrument
        The questionnaire the data follows (for labels and units).
    n : int
        Respondents in the dataset.
    cluster : str
        The column respondents are clustered by (the instrument's first key column).
    cluster_sizes : dict of str to int
        Respondents per cluster.
    base_year : int
        Money outcomes are in this year's prices.
    cpi : CpiTable or None
        The price index used (None when no outcome is money).
    cpi_factors : dict of int to float
        For each wave year, the factor ``CPI[base_year] / CPI[year]`` applied to its money.
    outcomes : DataFrame
        One row per compared outcome, in the instrument's order (see ``docs/report.md`` for
        every column); ``warnings`` holds a list of :class:`~villagesurvey.analysis.Note`.
    pairs : DataFrame
        The complete pairs behind the tests, long form: ``outcome``, ``cluster``,
        ``before``, ``after``, ``diff`` (money in base-year prices). No personal data.
    subgroups : dict
        ``{column: {category: outcomes-like DataFrame}}`` for each ``by`` column.
    subgroup_sizes : dict
        ``{column: {category: respondents}}``.
    demographics : DataFrame
        Table 1 (see :func:`~villagesurvey.analysis.demographics_table`).
    left_out : tuple of (str, str)
        Codes of the questions asked in waves but not compared, with the reason
        (``categorical``, ``not_numeric``).
    notes : tuple of Note
        Warnings for the top of the report, most important first.
    alpha, target_power : float
        Significance level and the power called adequate.
    measurement : Measurement or None
        Reliability and validity of the instrument's scales and its PLS path model (see
        :func:`~villagesurvey.analysis.measure_scales`); None when it declares no scales.
    """

    instrument: Instrument
    n: int
    cluster: str
    cluster_sizes: dict[str, int]
    base_year: int
    cpi: CpiTable | None
    cpi_factors: dict[int, float]
    outcomes: pd.DataFrame
    pairs: pd.DataFrame
    subgroups: dict[str, dict[str, pd.DataFrame]] = field(default_factory=dict)
    subgroup_sizes: dict[str, dict[str, int]] = field(default_factory=dict)
    demographics: pd.DataFrame = field(default_factory=pd.DataFrame)
    left_out: tuple[tuple[str, str], ...] = ()
    notes: tuple[Note, ...] = ()
    alpha: float = 0.05
    target_power: float = 0.8
    measurement: Measurement | None = None


def analyse(
    instrument: Instrument,
    data: pd.DataFrame,
    *,
    cpi: CpiTable | None = None,
    base_year: int = 2020,
    by: Sequence[str] = (),
    alpha: float = 0.05,
    power: float = 0.8,
    source: str = "the dataset",
    bootstrap: int = 0,
    seed: int | None = None,
    progress: Callable[[int, int], object] | None = None,
    bootstrap_unit: str = "auto",
) -> Analysis:
    """Compare every before/after outcome of ``data`` and say how far the numbers can be trusted.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire; its wave pairs are the outcomes, its first key column the cluster.
    data : DataFrame
        The clean dataset, one row per respondent, one column per instrument column (values
        as numbers or as text that reads as numbers; choice answers as codes).
    cpi : CpiTable, optional
        Price index for money outcomes; default China's national CPI (:func:`default_cpi`).
    base_year : int, default 2020
        Money outcomes are converted to this year's prices.
    by : sequence of str
        Columns to repeat the comparison within each category of (``"gender"``,
        ``"village"``).
    alpha, power : float
        Significance level, and the power below which a warning is given.
    source : str
        How to name ``data`` in error messages (e.g. its file name).
    bootstrap, seed, progress
        Resamples for the standard errors of the path model's coefficients (0 for none), the
        seed of the resampling, and ``progress(done, total)`` called as they are estimated.
    bootstrap_unit : {"auto", "cluster", "respondent"}, default "auto"
        What that bootstrap resamples (see :func:`measure_scales`).

    Returns
    -------
    Analysis

    Raises
    ------
    AnalysisError
        A missing column, a value that is not a number, a CPI table without a needed year,
        or a ``by`` column that does not exist or is personal data.
    """
    outcomes, left_out = pick_outcomes(instrument)
    cluster = instrument.key[0]
    groups = resolve_by(instrument, by)
    people = demographic_questions(instrument)
    numeric = [c for o in outcomes for c in (o.pair.before.code, o.pair.after.code)]
    numeric += [q.code for q in people]
    frame, labels = numeric_frame(data, numeric, [cluster, *groups], source)
    factors: dict[int, float] = {}
    if any(o.pair.question.is_money for o in outcomes):
        cpi = cpi or default_cpi()
        for o in outcomes:
            if o.pair.question.is_money:
                for column in (o.pair.before, o.pair.after):
                    year = int(column.wave or base_year)
                    factors[year] = cpi.factor(year, base_year)
    else:
        cpi = None
    pairs = _pairs(frame, labels[cluster], outcomes, factors)
    table = _table(pairs, outcomes, alpha, power)
    subgroups = {
        column: {
            level: _table(
                pairs[pairs["respondent"].isin(labels.index[labels[column] == level])],
                outcomes,
                alpha,
                power,
            )
            for level in _levels(instrument, labels[column])
        }
        for column in groups
    }
    sizes = labels[cluster].value_counts(sort=False).sort_index()
    measurement, unmeasured = _measure(
        instrument, data, bootstrap, seed, progress, source, bootstrap_unit
    )
    return Analysis(
        instrument=instrument,
        n=len(frame),
        cluster=cluster,
        cluster_sizes={str(k): int(v) for k, v in sizes.items()},
        base_year=base_year,
        cpi=cpi,
        cpi_factors=dict(sorted(factors.items())),
        outcomes=table,
        pairs=pairs.drop(columns="respondent"),
        subgroups=subgroups,
        subgroup_sizes={
            column: {level: int((labels[column] == level).sum()) for level in levels}
            for column, levels in subgroups.items()
        },
        demographics=demographics_table(instrument, frame, people),
        left_out=tuple(left_out),
        notes=(*_headline(table, len(frame), len(sizes), alpha, power), *unmeasured),
        alpha=alpha,
        target_power=power,
        measurement=measurement,
    )


def _measure(
    instrument: Instrument,
    data: pd.DataFrame,
    bootstrap: int,
    seed: int | None,
    progress: Callable[[int, int], object] | None,
    source: str,
    bootstrap_unit: str = "auto",
) -> tuple[Measurement | None, list[Note]]:
    """The scales' measurement, or a note saying why it could not be made (the before/after
    comparison does not need the scales' items)."""
    if not instrument.scales:
        return None, []
    try:
        measured = measure_scales(
            instrument,
            data,
            bootstrap=bootstrap,
            seed=seed,
            bootstrap_unit=bootstrap_unit,
            progress=progress,
            source=source,
        )
    except AnalysisError as exc:
        return None, [ScaleNote("scales_not_measured", {"reason": str(exc)})]
    return measured, []


def _pairs(
    frame: pd.DataFrame, cluster: pd.Series, outcomes: list[Outcome], factors: dict[int, float]
) -> pd.DataFrame:
    parts = []
    for o in outcomes:
        before = frame[o.pair.before.code]
        after = frame[o.pair.after.code]
        if o.pair.question.is_money:
            before = before * factors[int(o.pair.before.wave or 0)]
            after = after * factors[int(o.pair.after.wave or 0)]
        parts.append(
            pd.DataFrame(
                {
                    "outcome": o.name,
                    "respondent": frame.index,
                    "cluster": cluster.to_numpy(dtype=object),
                    "before": before.to_numpy(),
                    "after": after.to_numpy(),
                    "diff": (after - before).to_numpy(),
                }
            )
        )
    columns = ["outcome", "respondent", "cluster", "before", "after", "diff"]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _table(
    pairs: pd.DataFrame, outcomes: list[Outcome], alpha: float, power: float
) -> pd.DataFrame:
    rows = [_compare(o, pairs[pairs["outcome"] == o.name], alpha, power) for o in outcomes]
    table = pd.DataFrame(rows)
    if rows:
        table.insert(table.columns.get_loc("p") + 1, "p_holm", holm(table["p"].tolist()))
    return table


def _compare(outcome: Outcome, pairs: pd.DataFrame, alpha: float, power: float) -> dict[str, Any]:
    q = outcome.pair.question
    test = paired_test(pairs["before"].to_numpy(), pairs["after"].to_numpy(), 1 - alpha)
    complete = pairs.dropna(subset=["diff"])
    clusters = cluster_analysis(complete["diff"].to_numpy(), complete["cluster"].to_numpy())
    dz = test.cohen_dz
    row: dict[str, Any] = {
        "outcome": outcome.name,
        "question": q.code,
        "before": outcome.pair.before.code,
        "after": outcome.pair.after.code,
        "wave_before": outcome.pair.before.wave,
        "wave_after": outcome.pair.after.wave,
        "unit": q.unit or "",
        "deflated": q.is_money,
        **{k: v for k, v in test.__dict__.items() if k not in ("level",)},
        "power": paired_power(dz, test.n, alpha),
        "mde_dz": min_detectable_effect(test.n, power, alpha),
        "n_needed": n_for_power(dz, power, alpha),
        "icc": clusters.icc,
        "deff": clusters.deff,
        "n_eff": clusters.n_eff,
        "clusters": clusters.clusters,
        "cluster_m": clusters.m,
        "cluster_se": clusters.se,
        "cluster_t": clusters.t,
        "cluster_df": clusters.df,
        "cluster_p": clusters.p,
        "power_eff": paired_power(dz, clusters.n_eff, alpha),
        "mde_dz_eff": min_detectable_effect(clusters.n_eff, power, alpha),
        "n_needed_eff": n_for_power(dz, power, alpha) * clusters.deff,
    }
    row["warnings"] = _notes(row, alpha, power)
    return row


def _notes(row: dict[str, Any], alpha: float, power: float) -> list[Note]:
    notes: list[Note] = []
    if row["n_excluded"]:
        notes.append(Note("excluded_pairs", {"excluded": row["n_excluded"]}))
    if row["n"] < 2:
        return [*notes, Note("too_few_pairs")]
    if not row["sd_diff"] > 0:
        return [*notes, Note("no_variation")]
    if row["n"] < SMALL_SAMPLE:
        notes.append(Note("small_sample", {"n": row["n"]}))
    if _lt(row["power_eff"], power):
        needed = row["n_needed_eff"]
        notes.append(
            Note(
                "low_power",
                {
                    "power": row["power_eff"],
                    "dz": row["cohen_dz"],
                    "n_eff": row["n_eff"],
                    "mde": row["mde_dz_eff"],
                    "needed": f"{math.ceil(needed):,}" if math.isfinite(needed) else "∞",
                },
            )
        )
    if _lt(row["shapiro_p"], alpha):
        notes.append(Note("not_normal", {"p": row["shapiro_p"]}))
    if _lt(row["p"], alpha) != _lt(row["wilcoxon_p"], alpha) and not math.isnan(row["wilcoxon_p"]):
        notes.append(Note("tests_disagree", {"p": row["p"], "w": row["wilcoxon_p"]}))
    if _lt(row["p"], alpha) and row["cluster_p"] >= alpha:  # False for NaN
        notes.append(Note("cluster_not_significant", {"p": row["cluster_p"]}))
    return notes


def _lt(value: float, threshold: float) -> bool:
    return not math.isnan(value) and value < threshold


def _headline(table: pd.DataFrame, n: int, clusters: int, alpha: float, power: float) -> list[Note]:
    if table.empty:
        return []
    notes: list[Note] = []
    known = table["n_eff"].notna().any()
    n_eff = float(np.nanmax(table["n_eff"])) if known else float(n)
    n_eff_low = float(np.nanmin(table["n_eff"])) if known else float(n)
    mde = min_detectable_effect(n_eff, power, alpha)
    mde_high = min_detectable_effect(n_eff_low, power, alpha)
    low = int((table["power_eff"].fillna(0) < power).sum())
    if n < SMALL_SAMPLE:
        notes.append(Note("headline_small", {"n": n, "mde": min_detectable_effect(n, power)}))
    if low:
        values = {"n": n, "clusters": clusters, "n_eff": n_eff, "mde": mde}
        values |= {"n_eff_low": n_eff_low, "mde_high": mde_high}
        notes.append(Note("headline_power", {**values, "low": low, "total": len(table)}))
    if 2 <= clusters < SMALL_SAMPLE:
        notes.append(Note("headline_few_clusters", {"clusters": clusters, "df": clusters - 1}))
    return notes


def _levels(instrument: Instrument, values: pd.Series) -> list[str]:
    present = [str(v) for v in values.dropna().unique()]
    column = instrument.column(str(values.name))
    order = [str(c.code) for c in instrument.choice_list(column.question)]
    return [c for c in order if c in present] + sorted(set(present) - set(order))
