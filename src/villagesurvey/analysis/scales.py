"""How well the instrument's scales measure, and its PLS path model: :func:`measure_scales`.

For every construct (each scale, and each single-indicator construct of the instrument's
``model``): Cronbach's alpha (standardized, as SmartPLS and seminr report it, and raw with
Feldt's interval), rho_A, rho_C and AVE from the PLS outer loadings and weights, item
diagnostics, and between constructs HTMT (with a bootstrap interval) and the Fornell-Larcker
criterion; then the path coefficients and R² of the model by PLS and by consistent PLS
(PLSc), with bootstrap standard errors. The bootstrap resamples whole villages when the
instrument's key starts with one (the respondents of a village are alike), respondents
otherwise. Plain-language warnings say where the usual thresholds (Hair et al. 2022) are not
met, and what the design cannot show.

Missing answers: the reliability of a scale uses the respondents who answered all its items;
the path model uses those who answered every indicator of the model (both counts are
reported). Nothing here prints or writes files.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import AnalysisError, OptionError
from ..instrument import Instrument
from ..instrument.model import Text
from ._indicators import Block, indicator_frame
from ._scale_notes import SCALE_NOTE_TEMPLATES as SCALE_NOTE_TEMPLATES
from ._scale_notes import THRESHOLDS as THRESHOLDS
from ._scale_notes import ScaleNote as ScaleNote
from ._scale_notes import design_notes, htmt_interval_notes, ordered_notes
from .notes import Note
from .pls import PlsResult, pls_path_model
from .reliability import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    fornell_larcker,
    htmt,
    htmt_bootstrap,
    item_total,
    rho_a,
)

__all__ = [
    "BOOTSTRAP_UNITS",
    "SCALE_NOTE_TEMPLATES",
    "THRESHOLDS",
    "Measurement",
    "ScaleNote",
    "measure_scales",
]

BOOTSTRAP_UNITS = ("auto", "cluster", "respondent")
"""``bootstrap_unit`` values: ``auto`` resamples clusters when the instrument has them."""


@dataclass(frozen=True)
class Measurement:
    """The measurement model and the path model, as data.

    Attributes
    ----------
    n : int
        Respondents in the dataset.
    constructs : DataFrame
        One row per construct: ``construct``, ``kind`` (``scale``, ``column``, ``change``,
        ``growth``), ``items``, ``n`` (complete answers), ``n_dropped``, ``alpha_std``,
        ``alpha_raw``, ``alpha_raw_ci_low``, ``alpha_raw_ci_high``, ``rho_a``, ``rho_c``,
        ``ave``, ``in_model``. Reliability is NaN for a single-indicator construct.
    items : DataFrame
        One row per indicator: ``construct``, ``item``, ``reversed``, ``n``, ``mean``,
        ``sd``, ``loading``, ``loading_consistent`` (PLSc), ``weight``, ``item_total_r``,
        ``alpha_if_deleted``.
    htmt : DataFrame
        Square HTMT table (NaN diagonal), on the respondents who answered every indicator.
    htmt_intervals : DataFrame
        One row per pair: ``a``, ``b``, ``htmt``, ``boot_mean``, ``se``, ``ci_low``,
        ``ci_high``, ``used`` (see :func:`~villagesurvey.analysis.htmt_bootstrap`); the
        bootstrap columns are NaN without a bootstrap.
    fornell_larcker : DataFrame
        Square table: √AVE on the diagonal, construct-score correlations elsewhere.
    paths : DataFrame
        The model's paths (see :class:`~villagesurvey.analysis.PlsResult`); empty without a
        model.
    r2 : DataFrame
        ``construct``, ``r2``, ``r2_adj`` of each endogenous construct.
    consistent : DataFrame
        The paths by consistent PLS (PLSc), with the columns of ``paths``.
    r2_consistent : DataFrame
        R² by PLSc.
    model : PlsResult or None
        The estimated path model (None without a model, or when it could not be estimated).
    labels : dict of str to Text
        Each construct's name per language.
    notes : tuple of Note
        Warnings, most important first; ``str(note)`` reads it in English.
    bootstrap, seed, level
        The bootstrap asked for, its seed, and the confidence level.
    bootstrap_unit : str
        What the bootstrap resampled: ``cluster`` or ``respondent``.
    cluster : str or None
        The column whose values are the clusters (the instrument's first key column), when
        clusters were resampled.
    clusters : int or None
        How many clusters the path model's respondents come from, then.
    """

    n: int
    constructs: pd.DataFrame
    items: pd.DataFrame
    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    paths: pd.DataFrame
    r2: pd.DataFrame
    model: PlsResult | None
    htmt_intervals: pd.DataFrame = field(default_factory=pd.DataFrame)
    consistent: pd.DataFrame = field(default_factory=pd.DataFrame)
    r2_consistent: pd.DataFrame = field(default_factory=pd.DataFrame)
    labels: dict[str, Text] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    bootstrap: int = 0
    seed: int | None = None
    level: float = 0.95
    bootstrap_unit: str = "respondent"
    cluster: str | None = None
    clusters: int | None = None


def measure_scales(
    instrument: Instrument,
    data: pd.DataFrame,
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
    bootstrap_unit: str = "auto",
    progress: Callable[[int, int], object] | None = None,
    source: str = "the dataset",
) -> Measurement:
    """Reliability and validity of every scale, and the instrument's PLS path model.

    Parameters
    ----------
    instrument : Instrument
        Declares the scales (Likert items, reverse-worded ones) and the ``model``.
    data : DataFrame
        The clean dataset (values as numbers, or as text that reads as numbers).
    bootstrap : int, default 0
        Resamples for the path coefficients' standard errors and intervals; 0 for none.
    seed : int, optional
        Seed of the bootstrap.
    level : float, default 0.95
        Confidence level of the intervals.
    bootstrap_unit : {"auto", "cluster", "respondent"}, default "auto"
        What the bootstrap resamples: whole clusters (the values of the instrument's first
        key column, when the key has more than one column: villages), or respondents.
        ``auto`` resamples clusters when there are some.
    progress : callable, optional
        ``progress(done, total)`` as bootstrap resamples are estimated.
    source : str
        How to name ``data`` in error messages.

    Returns
    -------
    Measurement

    Raises
    ------
    AnalysisError
        The instrument has no scales, or a column is missing or holds text.
    OptionError
        An unknown ``bootstrap_unit``, or ``cluster`` without a cluster column.
    """
    if not instrument.scales and instrument.model is None:
        raise AnalysisError(
            f"the instrument {instrument.id} declares no scales; add scales: and likert items"
        )
    frame, blocks = indicator_frame(instrument, data, source)
    cluster = _cluster_column(instrument, data, bootstrap_unit)
    clusters = None if cluster is None else data[cluster].reindex(frame.index)
    boot = _Settings(bootstrap, seed, level, clusters, progress)
    notes: list[Note] = []
    model = _estimate_model(instrument, frame, blocks, boot, notes)
    estimates = _estimates(model, frame, blocks, notes)
    constructs, items = _tables(frame, blocks, estimates, model)
    discriminant, intervals = _discriminant(frame, blocks, boot)
    criterion = _fornell_larcker(blocks, estimates, constructs)
    notes = ordered_notes(notes, blocks, constructs, items, discriminant, criterion, model)
    notes += htmt_interval_notes(intervals, level) + design_notes(instrument, blocks)
    return Measurement(
        n=len(frame),
        constructs=constructs,
        items=items,
        htmt=discriminant,
        fornell_larcker=criterion,
        paths=model.paths if model else _empty_paths(),
        r2=model.r2 if model else pd.DataFrame(columns=["construct", "r2", "r2_adj"]),
        model=model,
        htmt_intervals=intervals,
        consistent=model.consistent if model else _empty_paths(),
        r2_consistent=(
            model.r2_consistent if model else pd.DataFrame(columns=["construct", "r2", "r2_adj"])
        ),
        labels={b.code: dict(b.label) for b in blocks},
        notes=tuple(notes),
        bootstrap=bootstrap,
        seed=seed,
        level=level,
        bootstrap_unit="cluster" if cluster else "respondent",
        cluster=cluster,
        clusters=model.clusters if model else None,
    )


@dataclass(frozen=True)
class _Settings:
    """The bootstrap asked for: resamples, seed, level, clusters of the rows, progress."""

    resamples: int
    seed: int | None
    level: float
    clusters: pd.Series | None
    progress: Callable[[int, int], object] | None


def _cluster_column(instrument: Instrument, data: pd.DataFrame, unit: str) -> str | None:
    """The column whose values are resampled, or None to resample respondents."""
    if unit not in BOOTSTRAP_UNITS:
        raise OptionError(
            f"--bootstrap-unit {unit}: give {', '.join(BOOTSTRAP_UNITS[:-1])} or respondent"
        )
    if unit == "respondent":
        return None
    column = instrument.key[0] if len(instrument.key) > 1 else None
    if column is not None and column in data.columns:
        return column
    if unit == "cluster":
        raise OptionError(
            "--bootstrap-unit cluster: the instrument's key has no cluster column before the "
            "respondent's own (such as village_id), or the data lacks it"
        )
    return None


def _discriminant(
    frame: pd.DataFrame, blocks: list[Block], boot: _Settings
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """HTMT, and its bootstrap intervals, on those who answered every indicator."""
    codes = [b.code for b in blocks]
    spans = {b.code: list(b.indicators) for b in blocks}
    complete = frame[[c for b in blocks for c in b.indicators]].dropna()
    if len(complete) < 3:
        table = pd.DataFrame(np.nan, index=codes, columns=codes)
        return table, _intervals(table, 0)
    table = htmt(complete, spans)
    if boot.resamples < 2:
        return table, _intervals(table, 0)
    clusters = None if boot.clusters is None else boot.clusters.reindex(complete.index)
    intervals = htmt_bootstrap(
        complete, spans, boot.resamples, seed=boot.seed, clusters=clusters, level=boot.level
    )
    return table, intervals


def _intervals(table: pd.DataFrame, used: int) -> pd.DataFrame:
    """The HTMT pairs without a bootstrap: NaN intervals."""
    names = list(table.index)
    rows = [
        (a, b, table.loc[a, b], *[math.nan] * 4, used)
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    ]
    columns = ["a", "b", "htmt", "boot_mean", "se", "ci_low", "ci_high", "used"]
    return pd.DataFrame(rows, columns=columns)


def _empty_paths() -> pd.DataFrame:
    columns = ["source", "target", "coefficient", "boot_mean", "se", "t", "p", "ci_low"]
    return pd.DataFrame(columns=[*columns, "ci_high"])


def _estimate_model(
    instrument: Instrument,
    frame: pd.DataFrame,
    blocks: list[Block],
    boot: _Settings,
    notes: list[Note],
) -> PlsResult | None:
    model = instrument.model
    if model is None:
        return None
    by_code = {b.code: b for b in blocks}
    order = [b.code for b in blocks if b.code in model.construct_codes]
    try:
        return pls_path_model(
            frame,
            {code: list(by_code[code].indicators) for code in order},
            [(p.source, p.target) for p in model.paths],
            bootstrap=boot.resamples,
            seed=boot.seed,
            level=boot.level,
            clusters=boot.clusters,
            progress=boot.progress,
        )
    except AnalysisError as exc:
        notes.append(ScaleNote("pls_failed", {"reason": str(exc)}))
        return None


def _estimates(
    model: PlsResult | None, frame: pd.DataFrame, blocks: list[Block], notes: list[Note]
) -> dict[str, PlsResult]:
    """The PLS estimate each construct's loadings come from: the model's, or its own."""
    estimates: dict[str, PlsResult] = {}
    for block in blocks:
        if model is not None and block.code in model.constructs:
            estimates[block.code] = model
            continue
        try:
            estimates[block.code] = pls_path_model(frame, {block.code: list(block.indicators)}, [])
        except AnalysisError:
            continue  # a flat item or too few answers: the reliability row says it
    return estimates


def _tables(
    frame: pd.DataFrame,
    blocks: list[Block],
    estimates: dict[str, PlsResult],
    model: PlsResult | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows: list[dict[str, Any]] = []
    item_rows: list[pd.DataFrame] = []
    for block in blocks:
        answers = frame[list(block.indicators)].dropna()
        outer = _outer(estimates.get(block.code), block)
        row: dict[str, Any] = {
            "construct": block.code,
            "kind": block.kind,
            "items": len(block.indicators),
            "n": len(answers),
            "n_dropped": len(frame) - len(answers),
            "alpha_std": math.nan,
            "alpha_raw": math.nan,
            "alpha_raw_ci_low": math.nan,
            "alpha_raw_ci_high": math.nan,
            "rho_a": math.nan,
            "rho_c": math.nan,
            "ave": math.nan,
            "in_model": model is not None and block.code in model.constructs,
        }
        stats = item_total(answers)
        if block.kind == "scale":
            alpha = cronbach_alpha(answers)
            row |= {
                "alpha_std": alpha.std_alpha,
                "alpha_raw": alpha.alpha,
                "alpha_raw_ci_low": alpha.ci_low,
                "alpha_raw_ci_high": alpha.ci_high,
            }
            if outer is not None:
                used = frame.loc[estimates[block.code].scores.index, list(block.indicators)]
                row |= {
                    "rho_a": rho_a(outer["weight"], used.corr().to_numpy()),
                    "rho_c": composite_reliability(outer["loading"]),
                    "ave": average_variance_extracted(outer["loading"]),
                }
        else:
            stats[["item_total_r", "alpha_if_deleted"]] = math.nan
        stats.insert(0, "construct", block.code)
        stats.insert(2, "reversed", [c in block.reversed for c in block.indicators])
        stats.insert(3, "n", len(answers))
        stats["loading"] = outer["loading"].to_numpy() if outer is not None else math.nan
        stats["loading_consistent"] = (
            outer["loading_consistent"].to_numpy() if outer is not None else math.nan
        )
        stats["weight"] = outer["weight"].to_numpy() if outer is not None else math.nan
        item_rows.append(stats.drop(columns="std_alpha_if_deleted"))
        rows.append(row)
    items = pd.concat(item_rows, ignore_index=True)
    order = ["construct", "item", "reversed", "n", "mean", "sd", "loading", "loading_consistent"]
    order.append("weight")
    return pd.DataFrame(rows), items[[*order, "item_total_r", "alpha_if_deleted"]]


def _outer(result: PlsResult | None, block: Block) -> pd.DataFrame | None:
    if result is None:
        return None
    outer = result.outer[result.outer["construct"] == block.code]
    return outer.set_index("indicator").loc[list(block.indicators)]


def _fornell_larcker(
    blocks: list[Block], estimates: dict[str, PlsResult], constructs: pd.DataFrame
) -> pd.DataFrame:
    codes = [b.code for b in blocks]
    known = [estimates[b.code].scores[b.code] for b in blocks if b.code in estimates]
    scores = pd.concat(known, axis=1) if known else pd.DataFrame()
    correlations = scores.corr().reindex(index=codes, columns=codes)
    ave = dict(zip(constructs["construct"], constructs["ave"], strict=True))
    for block in blocks:
        if block.kind != "scale":
            ave[block.code] = 1.0  # one indicator is its own construct
    return fornell_larcker(ave, correlations)
