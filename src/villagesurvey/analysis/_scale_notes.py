"""The measurement section's warnings: thresholds, texts, and when each is given."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..instrument import Instrument
from ._indicators import Block
from .notes import Note
from .pls import PlsResult

__all__ = [
    "SCALE_NOTE_TEMPLATES",
    "THRESHOLDS",
    "ScaleNote",
    "design_notes",
    "htmt_interval_notes",
    "ordered_notes",
]

THRESHOLDS: dict[str, float] = {
    "alpha": 0.70,
    "rho_c": 0.70,
    "ave": 0.50,
    "loading": 0.708,
    "htmt": 0.85,
    "htmt_liberal": 0.90,
    "few_clusters": 20,
}
"""The usual cut-offs (Hair et al. 2022): alpha and rho_C at least 0.70, AVE at least 0.50,
outer loadings at least 0.708, HTMT below 0.85 (conservative) or 0.90 (liberal); and the
number of clusters below which a cluster bootstrap is warned about (Cameron, Gelbach & Miller
2008 find its intervals too narrow with few clusters)."""

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
    "bootstrap_few_clusters": (
        "The bootstrap resamples whole villages, as the respondents of a village are alike, "
        "but there are only {clusters}: with fewer than {few} clusters the intervals are "
        "themselves uncertain and tend to be too narrow (Cameron, Gelbach & Miller 2008). "
        "Read them as the least uncertainty there is."
    ),
    "plsc_inadmissible": (
        "The consistent PLS (PLSc) estimate is inadmissible (a reliability rho_A outside 0 "
        "to 1, or a corrected correlation or loading above 1): its correction overshoots "
        "with these scales and this sample. Rely on the PLS estimates."
    ),
    "plsc_unstable": (
        "{count} of {used} bootstrap resamples gave an inadmissible PLSc estimate (a rho_A "
        "outside 0 to 1, or corrected correlations that no data could have) and are left out "
        "of its intervals: with these scales and this sample PLSc is unstable, and its "
        "intervals are narrower than they should be."
    ),
    "reverse_causation": (
        "{sources} were measured in the {last} interview, after the change they are said to "
        "predict ({target}, since {first}). The path is an association, not an effect: "
        "having done well may colour the answers as much as the answers explain the change "
        "(reverse causation)."
    ),
    "common_method": (
        "Both ends of those paths come from the same person in the same {last} interview, "
        "the {first} amounts recalled: a shared way of answering (mood, wishing to please, "
        "wanting to look consistent) inflates their correlation (common-method bias; "
        "Podsakoff et al. 2003). A measure from another source, such as records or a later "
        "wave, would test it."
    ),
    "htmt_interval": (
        "{a} and {b}: HTMT is {value:.2f}, but its {level:.0%} bootstrap interval reaches "
        "{upper:.2f}, not below {threshold:.2f}: discriminant validity is not established "
        "(Franke & Sarstedt 2019)."
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


def ordered_notes(
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
        few = int(THRESHOLDS["few_clusters"])
        if model.bootstrap and model.clusters is not None and model.clusters < few:
            head.append(
                ScaleNote("bootstrap_few_clusters", {"clusters": model.clusters, "few": few})
            )
        if not model.consistent_admissible and not model.consistent.empty:
            head.append(ScaleNote("plsc_inadmissible", {}))
        elif model.bootstrap_inadmissible > 0.1 * model.bootstrap_used:
            values: dict[str, float | int | str] = {"count": model.bootstrap_inadmissible}
            values["used"] = model.bootstrap_used
            head.append(ScaleNote("plsc_unstable", values))
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


def htmt_interval_notes(intervals: pd.DataFrame, level: float) -> list[Note]:
    """A note for each pair whose HTMT is below 0.85 but whose interval's upper bound is not."""
    notes: list[Note] = []
    for row in intervals.itertuples():
        if not row.htmt < THRESHOLDS["htmt"] or not row.ci_high >= THRESHOLDS["htmt"]:
            continue  # a high HTMT has its own note; NaN gives none
        threshold = THRESHOLDS[
            "htmt_liberal" if row.ci_high >= THRESHOLDS["htmt_liberal"] else "htmt"
        ]
        values = {"a": row.a, "b": row.b, "value": row.htmt, "level": level}
        values |= {"upper": row.ci_high, "threshold": threshold}
        notes.append(ScaleNote("htmt_interval", values))
    return notes


def design_notes(instrument: Instrument, blocks: list[Block]) -> list[Note]:
    """Reverse causation and common-method bias, when answers of the last interview are
    said to predict a change since an earlier wave (``change`` or ``growth`` constructs)."""
    model = instrument.model
    if model is None:
        return []
    kinds = {b.code: b.kind for b in blocks}
    notes: list[Note] = []
    waves: tuple[int, int] | None = None
    for target in model.construct_codes:
        if kinds.get(target) not in ("change", "growth") or target not in model.constructs:
            continue
        sources = tuple(
            dict.fromkeys(
                p.source
                for p in model.paths
                if p.target == target and kinds.get(p.source) in ("scale", "column")
            )
        )
        if not sources:
            continue
        asked = sorted(instrument.question(model.constructs[target].source).waves)
        waves = (asked[0], asked[-1])
        values: dict[str, float | int | str] = {"sources": ", ".join(sources), "target": target}
        values |= {"first": waves[0], "last": waves[1]}
        notes.append(ScaleNote("reverse_causation", values))
    if waves is not None:
        notes.append(ScaleNote("common_method", {"first": waves[0], "last": waves[1]}))
    return notes
