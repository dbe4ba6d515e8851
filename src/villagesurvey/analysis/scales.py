"""How well the instrument's scales measure, and its PLS path model: :func:`measure_scales`.

For every construct (each scale, and each single-indicator construct of the instrument's
``model``): Cronbach's alpha (standardized, as SmartPLS and seminr report it, and raw with
Feldt's interval), rho_A, rho_C and AVE from the PLS outer loadings and weights, item
diagnostics, and between constructs HTMT and the Fornell-Larcker criterion; then the path
coefficients and R² of the model, with bootstrap standard errors. Plain-language warnings
say where the usual thresholds (Hair et al. 2022) are not met.

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

from ..errors import AnalysisError
from ..instrument import Instrument
from ..instrument.model import Text
from ._indicators import Block, indicator_frame
from .notes import Note
from .pls import PlsResult, pls_path_model
from .reliability import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    fornell_larcker,
    htmt,
    item_total,
    rho_a,
)

__all__ = ["SCALE_NOTE_TEMPLATES", "THRESHOLDS", "Measurement", "ScaleNote", "measure_scales"]

THRESHOLDS: dict[str, float] = {
    "alpha": 0.70,
    "rho_c": 0.70,
    "ave": 0.50,
    "loading": 0.708,
    "htmt": 0.85,
    "htmt_liberal": 0.90,
}
"""The usual cut-offs (Hair et al. 2022): alpha and rho_C at least 0.70, AVE at least 0.50,
outer loadings at least 0.708, HTMT below 0.85 (conservative) or 0.90 (liberal)."""

SCALE_NOTE_TEMPLATES: dict[str, str] = {
    "pls_small_sample": (
        "The path model rests on {n} respondents: PLS estimates from so few are fragile. By "
        "the inverse square root method (Kock & Hadaya 2018) only paths of at least "
        "{p_min:.2f} can be detected with 80% power at the 5% level, and a path of 0.20 needs "
        "about {n_020} respondents. Read the bootstrap intervals, not the coefficients alone."
    ),
    "pls_failed": "The path model could not be estimated ({reason}).",
    "scales_not_measured": (
        "The scales could not be measured ({reason}); the report leaves them out."
    ),
    "pls_not_converged": (
        "The PLS weights did not settle within {iterations} iterations; treat the model's "
        "numbers with caution."
    ),
    "bootstrap_failed": (
        "{failed} of {count} bootstrap resamples could not be estimated (an item without "
        "variation in the resample) and were left out."
    ),
    "scale_left_out": "{construct}: {dropped} respondent(s) left out for a blank answer.",
    "growth_undefined": (
        "{construct}: growth is undefined for {count} respondent(s) with an amount of 0 or "
        "less; they are left out."
    ),
    "scale_low_alpha": (
        "{construct}: Cronbach's alpha is {value:.2f}, below 0.70: the items do not hold "
        "together well enough to be added up."
    ),
    "scale_low_rho_c": (
        "{construct}: composite reliability rho_C is {value:.2f}, below 0.70: the scale "
        "measures its construct unreliably."
    ),
    "scale_low_ave": (
        "{construct}: the items share only {value:.0%} of their variance with the construct "
        "(AVE {value:.2f}, below 0.50): more error than construct."
    ),
    "item_low_loading": (
        "{construct}: item {item} loads only {value:.2f} on its construct (0.708 or more is "
        "expected; below 0.40 an item is usually dropped)."
    ),
    "item_negative": (
        "{construct}: item {item} goes against the other items (item-total r = {value:.2f}). "
        "Is it reverse-worded without reverse: true in the instrument?"
    ),
    "item_raises_alpha": (
        "{construct}: leaving out item {item} would raise Cronbach's alpha from {alpha:.2f} "
        "to {value:.2f}."
    ),
    "htmt_high": (
        "{a} and {b} are not told apart by their items (HTMT {value:.2f}, at or above 0.90): "
        "they may measure the same thing."
    ),
    "htmt_borderline": (
        "{a} and {b} are close (HTMT {value:.2f}, between 0.85 and 0.90): discriminant "
        "validity is doubtful."
    ),
    "fornell_larcker": (
        "{a} and {b} correlate {value:.2f}, more than the square root of the AVE of {which} "
        "({root:.2f}): the Fornell-Larcker criterion is not met."
    ),
}
"""English text of each measurement warning, by code."""


@dataclass(frozen=True)
class ScaleNote(Note):
    """A measurement warning: like :class:`~villagesurvey.analysis.Note`, its own texts."""

    def message(self, templates: dict[str, str] | None = None) -> str:
        """The note in words, from ``templates`` (default English) by code."""
        template = (templates or {}).get(self.code) or SCALE_NOTE_TEMPLATES[self.code]
        return template.format(**self.values)


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
        ``sd``, ``loading``, ``weight``, ``item_total_r``, ``alpha_if_deleted``.
    htmt : DataFrame
        Square HTMT table (NaN diagonal), on the respondents who answered every indicator.
    fornell_larcker : DataFrame
        Square table: √AVE on the diagonal, construct-score correlations elsewhere.
    paths : DataFrame
        The model's paths (see :class:`~villagesurvey.analysis.PlsResult`); empty without a
        model.
    r2 : DataFrame
        ``construct``, ``r2``, ``r2_adj`` of each endogenous construct.
    model : PlsResult or None
        The estimated path model (None without a model, or when it could not be estimated).
    labels : dict of str to Text
        Each construct's name per language.
    notes : tuple of Note
        Warnings, most important first; ``str(note)`` reads it in English.
    bootstrap, seed, level
        The bootstrap asked for, its seed, and the confidence level.
    """

    n: int
    constructs: pd.DataFrame
    items: pd.DataFrame
    htmt: pd.DataFrame
    fornell_larcker: pd.DataFrame
    paths: pd.DataFrame
    r2: pd.DataFrame
    model: PlsResult | None
    labels: dict[str, Text] = field(default_factory=dict)
    notes: tuple[Note, ...] = ()
    bootstrap: int = 0
    seed: int | None = None
    level: float = 0.95


def measure_scales(
    instrument: Instrument,
    data: pd.DataFrame,
    *,
    bootstrap: int = 0,
    seed: int | None = None,
    level: float = 0.95,
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
    """
    if not instrument.scales and instrument.model is None:
        raise AnalysisError(
            f"the instrument {instrument.id} declares no scales; add scales: and likert items"
        )
    frame, blocks = indicator_frame(instrument, data, source)
    notes: list[Note] = []
    model = _estimate_model(instrument, frame, blocks, bootstrap, seed, level, progress, notes)
    estimates = _estimates(model, frame, blocks, notes)
    constructs, items = _tables(frame, blocks, estimates, model)
    every = [c for b in blocks for c in b.indicators]
    complete = frame[every].dropna()
    discriminant = (
        htmt(complete, {b.code: list(b.indicators) for b in blocks})
        if len(complete) >= 3
        else pd.DataFrame(np.nan, index=[b.code for b in blocks], columns=[b.code for b in blocks])
    )
    criterion = _fornell_larcker(blocks, estimates, constructs)
    notes = _ordered(notes, blocks, constructs, items, discriminant, criterion, model)
    return Measurement(
        n=len(frame),
        constructs=constructs,
        items=items,
        htmt=discriminant,
        fornell_larcker=criterion,
        paths=model.paths if model else _empty_paths(),
        r2=model.r2 if model else pd.DataFrame(columns=["construct", "r2", "r2_adj"]),
        model=model,
        labels={b.code: dict(b.label) for b in blocks},
        notes=tuple(notes),
        bootstrap=bootstrap,
        seed=seed,
        level=level,
    )


def _empty_paths() -> pd.DataFrame:
    columns = ["source", "target", "coefficient", "boot_mean", "se", "t", "p", "ci_low"]
    return pd.DataFrame(columns=[*columns, "ci_high"])


def _estimate_model(
    instrument: Instrument,
    frame: pd.DataFrame,
    blocks: list[Block],
    bootstrap: int,
    seed: int | None,
    level: float,
    progress: Callable[[int, int], object] | None,
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
            bootstrap=bootstrap,
            seed=seed,
            level=level,
            progress=progress,
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
        stats["weight"] = outer["weight"].to_numpy() if outer is not None else math.nan
        item_rows.append(stats.drop(columns="std_alpha_if_deleted"))
        rows.append(row)
    items = pd.concat(item_rows, ignore_index=True)
    order = ["construct", "item", "reversed", "n", "mean", "sd", "loading", "weight"]
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


def _ordered(
    notes: list[Note],
    blocks: list[Block],
    constructs: pd.DataFrame,
    items: pd.DataFrame,
    discriminant: pd.DataFrame,
    criterion: pd.DataFrame,
    model: PlsResult | None,
) -> list[Note]:
    """Every warning, the sample-size one first."""
    head: list[Note] = []
    if model is not None:
        p_min = 2.486 / math.sqrt(model.n)
        if p_min > 0.2:
            head.append(ScaleNote("pls_small_sample", {"n": model.n, "p_min": p_min, "n_020": 155}))
        if not model.converged:
            head.append(ScaleNote("pls_not_converged", {"iterations": model.iterations}))
        if model.bootstrap and model.bootstrap_used < model.bootstrap:
            failed = model.bootstrap - model.bootstrap_used
            head.append(ScaleNote("bootstrap_failed", {"failed": failed, "count": model.bootstrap}))
    body = [*_construct_notes(blocks, constructs), *_item_notes(constructs, items)]
    return [*head, *notes, *body, *_validity_notes(discriminant, criterion)]


def _construct_notes(blocks: list[Block], constructs: pd.DataFrame) -> list[Note]:
    notes: list[Note] = []
    for block, row in zip(blocks, constructs.itertuples(), strict=True):
        if block.undefined:
            notes.append(
                ScaleNote("growth_undefined", {"construct": block.code, "count": block.undefined})
            )
        elif row.n_dropped:
            notes.append(
                ScaleNote("scale_left_out", {"construct": block.code, "dropped": row.n_dropped})
            )
        checks = (("alpha", row.alpha_std), ("rho_c", row.rho_c), ("ave", row.ave))
        for name, value in checks:
            if value < THRESHOLDS[name]:  # False for NaN
                notes.append(
                    ScaleNote(f"scale_low_{name}", {"construct": block.code, "value": value})
                )
    return notes


def _item_notes(constructs: pd.DataFrame, items: pd.DataFrame) -> list[Note]:
    notes: list[Note] = []
    alphas = dict(zip(constructs["construct"], constructs["alpha_raw"], strict=True))
    for row in items.itertuples():
        where = {"construct": row.construct, "item": row.item}
        if row.item_total_r < 0:
            notes.append(ScaleNote("item_negative", {**where, "value": row.item_total_r}))
        elif row.loading < THRESHOLDS["loading"]:
            notes.append(ScaleNote("item_low_loading", {**where, "value": row.loading}))
        if row.alpha_if_deleted > alphas[row.construct] + 0.005:
            alpha = alphas[row.construct]
            values = {**where, "alpha": alpha, "value": row.alpha_if_deleted}
            notes.append(ScaleNote("item_raises_alpha", values))
    return notes


def _validity_notes(discriminant: pd.DataFrame, criterion: pd.DataFrame) -> list[Note]:
    notes: list[Note] = []
    names = list(discriminant.index)
    ratios, table = discriminant.to_numpy(), criterion.to_numpy()
    for i, a in enumerate(names):
        for j in range(i + 1, len(names)):
            b, value = names[j], float(ratios[i, j])
            if value >= THRESHOLDS["htmt_liberal"]:
                notes.append(ScaleNote("htmt_high", {"a": a, "b": b, "value": value}))
            elif value >= THRESHOLDS["htmt"]:
                notes.append(ScaleNote("htmt_borderline", {"a": a, "b": b, "value": value}))
            r = abs(float(table[i, j]))
            roots = {a: float(table[i, i]), b: float(table[j, j])}
            which = min(roots, key=lambda name: roots[name])
            if r > roots[which]:
                values = {"a": a, "b": b, "value": r, "which": which, "root": roots[which]}
                notes.append(ScaleNote("fornell_larcker", values))
    return notes
