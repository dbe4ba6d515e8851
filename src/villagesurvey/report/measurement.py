"""The report's measurement section: scale reliability, validity and the PLS path model.

Tables (like Table 2 of the model study: alpha, rho_A, rho_C and AVE per construct) with the
usual thresholds marked, warnings in plain words, the path diagram, the ``scales`` block of
``results.json``, the sheets of ``tables.xlsx``, and the lines ``villagesurvey scales``
prints. Everything here returns text or data; nothing is written.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..analysis import THRESHOLDS, Measurement, ScaleNote
from ..instrument import Instrument
from . import figures
from ._json import plain, records
from ._measurement_text import measurement_texts
from ._tables import Table, fmt

__all__ = [
    "measurement_lines",
    "measurement_methods",
    "measurement_notes",
    "measurement_results",
    "measurement_sheets",
    "measurement_tables",
    "path_figure",
]

_BAD = " ✗"
_LABELLED = ("construct", "a", "b", "which", "target")  # note values that name a construct


def _name(m: Measurement, code: str, language: str) -> str:
    label = m.labels.get(code) or {}
    return label.get(language) or next(iter(label.values()), code)


def _p(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _marked(value: float, threshold: str) -> str:
    failing = value < THRESHOLDS[threshold]  # False for NaN
    return fmt(value) + (_BAD if failing else "")


def _stars(p: float) -> str:
    if not math.isfinite(p):
        return ""
    return "***" if p < 0.001 else "**" if p < 0.01 else "*" if p < 0.05 else ""


def measurement_notes(m: Measurement, language: str) -> list[str]:
    """The warnings in ``language``, constructs named by their labels."""
    templates = measurement_texts(language)["notes"]
    notes = []
    for note in m.notes:
        values = {
            k: _name(m, v, language) if k in _LABELLED and isinstance(v, str) else v
            for k, v in note.values.items()
        }
        if isinstance(note.values.get("sources"), str):  # construct codes, joined by ", "
            codes = str(note.values["sources"]).split(", ")
            values["sources"] = _join([_name(m, c, language) for c in codes], language)
        notes.append(ScaleNote(note.code, values).message(templates))
    return notes


def _join(names: list[str], language: str) -> str:
    """``a, b and c`` in ``language``."""
    if len(names) < 2:
        return "".join(names)
    comma, last = (str(word) for word in measurement_texts(language)["and"])
    return comma.join(names[:-1]) + last + names[-1]


def _indicator(instrument: Instrument, item: str) -> str:
    """How a single indicator is made, for readers: ``ln(x_2022 / x_2020)``."""
    kind, _, source = item.partition(":")
    if kind not in ("change", "growth"):
        return source or item
    waves = sorted(instrument.question(source).waves)
    first, last = f"{source}_{waves[0]}", f"{source}_{waves[-1]}"
    return f"ln({last} / {first})" if kind == "growth" else f"{last} − {first}"


def _reliability(m: Measurement, language: str) -> Table:
    text = measurement_texts(language)
    col = text["col"]
    rows = []
    for row in m.constructs.itertuples():
        name = _name(m, row.construct, language)
        if row.kind != "scale":
            rows.append([name, f"1 ({text['single']})", fmt(row.n), *["—"] * 5])
            continue
        raw = f"{fmt(row.alpha_raw)} [{fmt(row.alpha_raw_ci_low)}, {fmt(row.alpha_raw_ci_high)}]"
        rows.append(
            [
                name,
                fmt(row.items),
                fmt(row.n),
                _marked(row.alpha_std, "alpha"),
                raw,
                fmt(row.rho_a),
                _marked(row.rho_c, "rho_c"),
                _marked(row.ave, "ave"),
            ]
        )
    keys = ("construct", "items", "n", "alpha", "alpha_raw", "rho_a", "rho_c", "ave")
    return Table(text["t_reliability"], [col[k] for k in keys], rows)


def _numbered(m: Measurement, language: str) -> list[str]:
    return [f"{i}. {_name(m, c, language)}" for i, c in enumerate(m.htmt.index, start=1)]


def _htmt(m: Measurement, language: str) -> Table:
    text = measurement_texts(language)
    names = list(m.htmt.index)
    upper = {(r.a, r.b): (r.ci_low, r.ci_high) for r in m.htmt_intervals.itertuples()}
    rows = []
    for i, (a, label) in enumerate(zip(names, _numbered(m, language), strict=True)):
        cells = []
        for b in names[:i]:
            value = float(m.htmt.loc[a, b])
            low, high = upper.get((b, a), (math.nan, math.nan))
            reach = max(value, high) if math.isfinite(high) else value
            mark = _BAD if value >= THRESHOLDS["htmt_liberal"] else ""
            mark = mark or (" !" if reach >= THRESHOLDS["htmt"] else "")
            interval = f" [{fmt(low)}, {fmt(high)}]" if math.isfinite(high) else ""
            cells.append(fmt(value) + interval + mark)
        rows.append([label, *cells, *[""] * (len(names) - 1 - i)])
    headers = [text["col"]["construct"], *[str(i) for i in range(1, len(names))]]
    booted = m.htmt_intervals["se"].notna().any() if len(m.htmt_intervals) else False
    title = text["t_htmt_boot"] if booted else text["t_htmt"]
    return Table(title, headers, [r[: len(headers)] for r in rows[1:]])


def _fornell(m: Measurement, language: str) -> Table:
    text = measurement_texts(language)
    table = m.fornell_larcker
    names = list(table.index)
    rows = []
    for i, (a, label) in enumerate(zip(names, _numbered(m, language), strict=True)):
        cells = []
        for b in names[:i]:
            r = float(table.loc[a, b])
            worst = min(float(table.loc[a, a]), float(table.loc[b, b]))
            cells.append(fmt(r) + (_BAD if abs(r) > worst else ""))
        cells.append(fmt(float(table.loc[a, a])))
        rows.append([label, *cells, *[""] * (len(names) - 1 - i)])
    headers = [text["col"]["construct"], *[str(i) for i in range(1, len(names) + 1)]]
    return Table(text["t_fornell"], headers, rows)


def _items(m: Measurement, instrument: Instrument, language: str) -> Table:
    text = measurement_texts(language)
    col = text["col"]
    rows = []
    previous = None
    for row in m.items.itertuples():
        try:
            question = instrument.question(row.item)
            asked = question.label.get(language) or next(iter(question.label.values()))
            item = row.item
        except KeyError:  # a single indicator: its question, and how it is made
            asked, item = _indicator(instrument, row.item), row.item.partition(":")[2]
        against = row.item_total_r < 0
        low = row.loading < THRESHOLDS["loading"] and row.construct in set(
            m.constructs.loc[m.constructs["kind"] == "scale", "construct"]
        )
        rows.append(
            [
                _name(m, row.construct, language) if row.construct != previous else "",
                item,
                text["yes"] if row.reversed else "",
                fmt(row.mean),
                fmt(row.sd),
                fmt(row.loading) + (_BAD if low else ""),
                fmt(row.weight),
                fmt(row.item_total_r) + (_BAD if against else ""),
                fmt(row.alpha_if_deleted),
                asked,
            ]
        )
        previous = row.construct
    keys = "construct item reversed mean sd loading weight item_total alpha_deleted question"
    headers = [col[k] for k in keys.split()]
    return Table(text["t_items"], headers, rows, text_columns=3, text_last=1)


def _interval(low: float, high: float) -> str:
    return f"[{fmt(low)}, {fmt(high)}]" if math.isfinite(low) else "—"


def _paths(m: Measurement, language: str) -> list[Table]:
    text = measurement_texts(language)
    col = text["col"]
    model = m.model
    if model is None:
        return []
    boot = ""
    if model.bootstrap_used >= 2:
        unit = _unit(m, language)
        boot = text["t_paths_boot"].format(used=model.bootstrap_used, seed=m.seed, unit=unit)
    consistent = m.consistent.set_index(["source", "target"])
    rows = []
    for r in m.paths.itertuples():
        c = consistent.loc[(r.source, r.target)]
        rows.append(
            [
                f"{_name(m, r.source, language)} → {_name(m, r.target, language)}",
                fmt(r.coefficient) + _stars(r.p),
                fmt(r.se),
                fmt(r.t),
                _p(r.p),
                _interval(r.ci_low, r.ci_high),
                fmt(c["coefficient"]) + _stars(c["p"]),
                _interval(c["ci_low"], c["ci_high"]),
            ]
        )
    keys = ("path", "coefficient", "se", "t", "p", "ci", "plsc", "plsc_ci")
    r2_plsc = dict(zip(m.r2_consistent["construct"], m.r2_consistent["r2"], strict=True))
    r2 = [
        [_name(m, r.construct, language), fmt(r.r2), fmt(r.r2_adj), fmt(r2_plsc[r.construct])]
        for r in m.r2.itertuples()
    ]
    return [
        Table(text["t_paths"].format(boot=boot), [col[k] for k in keys], rows),
        Table(text["t_r2"], [col["construct"], col["r2"], col["r2_adj"], col["r2_plsc"]], r2),
    ]


def _unit(m: Measurement, language: str) -> str:
    """What the bootstrap resampled, in words."""
    text = measurement_texts(language)
    if m.bootstrap_unit == "cluster":
        return str(text["unit_cluster"].format(clusters=m.clusters, column=m.cluster))
    return str(text["unit_respondent"])


def measurement_tables(m: Measurement, instrument: Instrument, language: str) -> list[Table]:
    """The section's tables, in reading order (M1 to M6)."""
    return [
        _reliability(m, language),
        _htmt(m, language),
        _fornell(m, language),
        _items(m, instrument, language),
        *_paths(m, language),
    ]


def measurement_methods(m: Measurement, language: str) -> list[str]:
    """How the numbers were computed, in ``language``."""
    text = measurement_texts(language)
    model = m.model
    if model is None:
        tail = text["no_model"]
    elif model.bootstrap_used >= 2:
        tail = text["boot_method"].format(
            used=model.bootstrap_used,
            seed=m.seed,
            unit=_unit(m, language),
            inadmissible=model.bootstrap_inadmissible,
        )
    else:
        tail = text["no_boot"]
    values = {"n": m.n, "n_model": model.n if model else "—", "bootstrap": tail}
    return [p.format(**values) for p in text["methods"]]


def path_figure(m: Measurement, language: str) -> tuple[str, str]:
    """The path diagram as inline SVG, and its caption; empty texts when there is no model."""
    if m.model is None:
        return "", ""
    r2 = dict(zip(m.r2["construct"], m.r2["r2"], strict=True))
    boxes = [
        (c, _name(m, c, language), f"R² = {r2[c]:.2f}" if c in r2 else "")
        for c in m.model.constructs
    ]
    arrows = [
        (r.source, r.target, f"{r.coefficient:.2f}{_stars(r.p)}", not r.p >= 0.05)
        for r in m.paths.itertuples()
    ]
    text = measurement_texts(language)
    caption = text["fig_paths"] if m.model.bootstrap_used >= 2 else text["fig_paths_plain"]
    return figures.path_diagram(boxes, arrows, title=caption), caption


def measurement_results(m: Measurement) -> dict[str, Any]:
    """The ``scales`` block of ``results.json`` (keys in ``docs/report.md``)."""
    model = m.model
    constructs = records(m.constructs)
    for record in constructs:
        record["label"] = m.labels[record["construct"]]
    names = list(m.htmt.index)
    pairs = [(a, b) for i, a in enumerate(names) for b in names[i + 1 :]]
    paths = records(m.paths.rename(columns={"source": "from", "target": "to"}))
    consistent = records(m.consistent.rename(columns={"source": "from", "target": "to"}))
    intervals = m.htmt_intervals.set_index(["a", "b"])
    boot_keys = ("boot_mean", "se", "ci_low", "ci_high")
    return {
        "respondents": m.n,
        "model_respondents": model.n if model else None,
        "bootstrap": m.bootstrap,
        "bootstrap_unit": m.bootstrap_unit,
        "cluster": m.cluster,
        "clusters": m.clusters,
        "bootstrap_used": model.bootstrap_used if model else 0,
        "bootstrap_unsettled": model.bootstrap_unsettled if model else 0,
        "bootstrap_inadmissible": model.bootstrap_inadmissible if model else 0,
        "seed": m.seed,
        "level": m.level,
        "converged": model.converged if model else None,
        "iterations": model.iterations if model else None,
        "thresholds": dict(THRESHOLDS),
        "constructs": constructs,
        "items": records(m.items),
        "htmt": [
            {
                "a": a,
                "b": b,
                "htmt": plain(m.htmt.loc[a, b]),
                **{key: plain(intervals.loc[(a, b), key]) for key in boot_keys},
            }
            for a, b in pairs
        ],
        "fornell_larcker": {
            "sqrt_ave": {c: plain(m.fornell_larcker.loc[c, c]) for c in names},
            "correlations": [
                {"a": a, "b": b, "r": plain(m.fornell_larcker.loc[a, b])} for a, b in pairs
            ],
        },
        "paths": paths,
        "r2": records(m.r2),
        "consistent": {
            "admissible": model.consistent_admissible if model else None,
            "paths": consistent,
            "r2": records(m.r2_consistent),
        },
        "warnings": [str(note) for note in m.notes],
        "warning_codes": [note.code for note in m.notes],
    }


def measurement_sheets(m: Measurement, language: str) -> dict[str, pd.DataFrame]:
    """Sheets for ``tables.xlsx``: Scales, Items, HTMT, Fornell-Larcker, Paths, Paths PLSc,
    R2."""
    scales = m.constructs.copy()
    scales.insert(1, "label", [_name(m, c, language) for c in scales["construct"]])
    htmt = m.htmt_intervals.drop(columns="used")
    fornell = m.fornell_larcker.copy()
    fornell.insert(0, "construct", fornell.index)
    return {
        "Scales": scales,
        "Items": m.items,
        "HTMT": htmt,
        "Fornell-Larcker": fornell.reset_index(drop=True),
        "Paths": m.paths.rename(columns={"source": "from", "target": "to"}),
        "Paths PLSc": m.consistent.rename(columns={"source": "from", "target": "to"}),
        "R2": m.r2.merge(
            m.r2_consistent.rename(columns={"r2": "r2_plsc", "r2_adj": "r2_adj_plsc"}),
            on="construct",
            how="left",
        ),
    }


def measurement_lines(m: Measurement, language: str = "en") -> list[str]:
    """The reliability table and the paths as lines of text for a terminal."""
    width = max([len(_name(m, c, language)) for c in m.constructs["construct"]] + [9])
    head = f"{'construct':<{width}}  items    n  alpha  rho_A  rho_C    AVE"
    lines = [head]
    for row in m.constructs.itertuples():
        values = [row.alpha_std, row.rho_a, row.rho_c, row.ave]
        cells = "".join(f"{'—' if not math.isfinite(v) else f'{v:.2f}':>7}" for v in values)
        lines.append(
            f"{_name(m, row.construct, language):<{width}}  {row.items:>5} {row.n:>4}{cells}"
        )
    model = m.model
    if model is not None:
        boot = ""
        if m.bootstrap:
            unit = "villages" if m.bootstrap_unit == "cluster" else "respondents"
            boot = f", bootstrap {model.bootstrap_used} resamples of the {unit} (seed {m.seed})"
        lines += ["", f"PLS path model on {model.n} respondents{boot}"]
        consistent = m.consistent.set_index(["source", "target"])
        for r in m.paths.itertuples():
            arrow = f"{_name(m, r.source, language)} -> {_name(m, r.target, language)}"
            c = consistent.loc[(r.source, r.target)]
            stats = plsc = ""
            if math.isfinite(r.se):
                stats = (
                    f"  SE {r.se:.2f}  t {r.t:.2f}  p {_p(r.p)}  "
                    f"95% CI [{r.ci_low:.2f}, {r.ci_high:.2f}]"
                )
            if math.isfinite(c["ci_low"]):
                plsc = f" [{c['ci_low']:.2f}, {c['ci_high']:.2f}]"
            lines.append(f"  {arrow}: {r.coefficient:.3f}{stats}")
            lines.append(f"    PLSc: {c['coefficient']:.3f}{plsc}")
        r2_plsc = dict(zip(m.r2_consistent["construct"], m.r2_consistent["r2"], strict=True))
        for r in m.r2.itertuples():
            name = _name(m, r.construct, language)
            lines.append(f"  R² {name}: {r.r2:.3f} (PLSc {r2_plsc[r.construct]:.3f})")
    lines += [f"warning: {note}" for note in measurement_notes(m, language)]
    return lines
