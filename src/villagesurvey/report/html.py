"""``report.html``: one self-contained page a programme manager can read.

Findings and warnings first, then figures, tables and methods. The CSS is inline, the
figures are inline SVG, and nothing is fetched from the network.
"""

from __future__ import annotations

import math
from html import escape
from typing import Any

import numpy as np

from .._version import package_version
from ..analysis import Analysis, paired_power, t_power
from ..analysis.roster_table import AGE_BAND
from ..instrument import roster_instrument
from . import figures
from ._measurement_text import measurement_texts
from ._outcome_tables import report_tables
from ._tables import (
    Table,
    choice_label,
    cpi_table,
    findings,
    headline_notes,
    methods,
    notes,
    outcome_label,
    roster_label,
    subtitle,
    title,
)
from ._text import ui
from .measurement import measurement_methods, measurement_notes, measurement_tables, path_figure

__all__ = ["render_html"]

_CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --warn: #fff4e5;
  --warn-edge: #d55e00; --good: #eef6ee; --good-edge: #2e7d32; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 20px 48px; }
h1 { font-size: 1.7rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 12px; border-bottom: 2px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 1.05rem; margin: 18px 0 6px; }
.sub { color: var(--muted); margin: 0; }
.box { border-left: 6px solid; padding: 12px 18px; margin: 18px 0; border-radius: 4px; }
.box h2 { border: 0; margin: 0 0 8px; padding: 0; }
.warn { background: var(--warn); border-color: var(--warn-edge); }
.good { background: var(--good); border-color: var(--good-edge); }
.box li { margin: 6px 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(500px, 1fr));
  gap: 14px; }
figure { margin: 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.card figcaption { font-weight: 600; font-size: .95rem; }
.card .unit { font-weight: 400; color: var(--muted); }
.pair { display: flex; gap: 6px; flex-wrap: wrap; }
.caption { color: var(--muted); font-size: .9rem; margin: 4px 0 10px; }
.scroll { overflow-x: auto; margin: 8px 0 20px; }
table { border-collapse: collapse; font-size: .86rem; min-width: 60%; }
caption { text-align: left; font-weight: 600; padding: 6px 0; font-size: .95rem; }
td:first-child { min-width: 230px; }
td:nth-child(2):not(:last-child) { white-space: nowrap; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f6f8fa; text-align: left; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) { background: #fafbfc; }
ol.legend { columns: 2; font-size: .9rem; color: var(--muted); }
footer { color: var(--muted); font-size: .85rem; margin-top: 40px; }
@media print { .grid { display: block; } .card { break-inside: avoid; margin-bottom: 8px; }
  @page { margin: 12mm; }
  main { max-width: none; padding: 0; }
  .scroll { overflow: visible; }
  table { font-size: 7pt; width: 100%; }
  td:first-child { min-width: 0; }
  th, td { padding: 2px 3px; }
  td.num, td:nth-child(2):not(:last-child) { white-space: normal; }
  tr { break-inside: avoid; } .keep { break-inside: avoid; } }
"""


_KEEP_ROWS = 30


def _table(table: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(c)}</td>" if table.is_text(i) else f'<td class="num">{escape(c)}</td>'
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in table.rows
    )
    # A table that fits on a printed page is kept on one, with its title.
    keep = " keep" if len(table.rows) <= _KEEP_ROWS else ""
    return (
        f'<div class="scroll{keep}"><table><caption>{escape(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def _outcome_figures(analysis: Analysis, language: str) -> str:
    text = ui(language)
    cards = []
    pairs = analysis.pairs.dropna(subset=["diff"])
    for row in analysis.outcomes.itertuples():
        mine = pairs[pairs["outcome"] == row.outcome]
        means = mine.groupby("cluster", sort=True)[["before", "after"]].mean()
        name = outcome_label(analysis, row, language)
        unit = ""
        if row.unit:
            unit = (
                text["in_prices"].format(unit=row.unit, base=analysis.base_year)
                if row.deflated
                else row.unit
            )
        slope = figures.slope_chart(
            means["before"].tolist(),
            means["after"].tolist(),
            float(row.mean_before),
            float(row.mean_after),
            (str(row.wave_before), str(row.wave_after)),
            title=f"{name}: {text['fig_slopes']}",
        )
        histogram = figures.difference_histogram(
            mine["diff"].tolist(), title=f"{name}: {text['fig_diffs']}"
        )
        cards.append(
            f'<figure class="card"><figcaption>{escape(name)} '
            f'<span class="unit">{escape(unit)}</span></figcaption>'
            f'<div class="pair">{slope}{histogram}</div></figure>'
        )
    return f'<div class="grid">{"".join(cards)}</div>'


def _pyramids(analysis: Analysis, language: str) -> list[str]:
    """Each roster's members by age band and sex, with what the figure counts."""
    text = ui(language)
    out = []
    for roster in analysis.rosters:
        if roster.sex is None or roster.pyramid.empty:
            continue
        name = roster_label(analysis, roster.code, language)
        sexes = list(dict.fromkeys(roster.pyramid["sex"]))[:2]
        if len(sexes) < 2:
            continue
        counts = {s: roster.pyramid[roster.pyramid["sex"] == s] for s in sexes}
        bands = counts[sexes[0]]["band"].tolist()
        table = roster_instrument(analysis.instrument, roster.code)
        sides = tuple(choice_label(table, roster.sex, s, language) for s in sexes)
        title = text["fig_pyramid"].format(roster=name)
        svg = figures.age_pyramid(
            bands,
            counts[sexes[0]]["count"].astype(int).tolist(),
            counts[sexes[1]]["count"].astype(int).tolist(),
            (sides[0], sides[1]),
            title=title,
        )
        caption = text["pyramid_caption"].format(
            members=roster.members, households=roster.households, band=AGE_BAND,
            unplaced=roster.unplaced,
        )  # fmt: skip
        out.append(f"<h3>{escape(title)}</h3><figure>{svg}</figure>")
        out.append(f'<p class="caption">{escape(caption)}</p>')
    return out


def _power_figure(analysis: Analysis, language: str) -> str:
    text = ui(language)
    table = analysis.outcomes
    n = analysis.n
    n_eff = float(np.nanmedian(table["n_eff"])) if table["n_eff"].notna().any() else float(n)
    df = float(np.nanmedian(table["df"])) if table["df"].notna().any() else float(n - 1)
    with_sesoi = [
        (row, float(row.sesoi) / float(row.sd_diff))
        for row in table.itertuples()
        if row.sesoi is not None and row.sd_diff > 0 and math.isfinite(row.power_sesoi)
    ]
    top = max([1.0, *[min(2.0, d * 1.1) for _, d in with_sesoi]])
    grid = [top * i / 80 for i in range(81)]
    curve = [
        (
            d,
            paired_power(d, n, analysis.alpha),
            t_power(d * math.sqrt(n_eff), df, analysis.alpha),
        )
        for d in grid
    ]
    marks = [(str(i), d, float(row.power_sesoi)) for i, (row, d) in enumerate(with_sesoi, 1)]
    caption = text["fig_power"].format(n=n, n_eff=n_eff, df=df)
    svg = figures.power_curve(
        curve, marks, text["power_axis_x"], text["power_axis_y"], title=caption
    )
    legend = "".join(
        f"<li>{escape(outcome_label(analysis, row, language))} "
        f"({escape(text['col']['sesoi'])} = {row.sesoi:g}, d_z = {d:.2f})</li>"
        for row, d in with_sesoi
    )
    return (
        f"<figure>{svg}<figcaption class='caption'>{escape(caption)}</figcaption></figure>"
        f'<ol class="legend">{legend}</ol>'
    )


def _measurement(analysis: Analysis, language: str) -> str:
    """The measurement section: warnings, the path diagram, tables M1-M6, methods."""
    m = analysis.measurement
    if m is None:
        return ""
    text = measurement_texts(language)
    parts = [
        f"<h2>{escape(text['section'])}</h2>",
        f'<p class="caption">{escape(text["intro"])}</p>',
    ]
    notes = measurement_notes(m, language)
    if notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in notes)
        box = f"<h3>{escape(text['warnings'])}</h3><ul>{items}</ul>"
        parts.append(f'<section class="box warn">{box}</section>')
    else:
        parts.append(f'<section class="box good"><p>{escape(text["all_good"])}</p></section>')
    svg, caption = path_figure(m, language)
    if svg:
        caption_html = f"<figcaption class='caption'>{escape(caption)}</figcaption>"
        parts.append(f"<figure>{svg}{caption_html}</figure>")
    parts.extend(_table(t) for t in measurement_tables(m, analysis.instrument, language))
    parts.extend(f"<p>{escape(p)}</p>" for p in measurement_methods(m, language))
    return "\n".join(parts)


def render_html(analysis: Analysis, language: str, validation: dict[str, Any] | None = None) -> str:
    """The report page as HTML text.

    Parameters
    ----------
    analysis : Analysis
        What :func:`~villagesurvey.analysis.analyse` returned.
    language : str
        Language of the page's words and of the instrument's labels.
    validation : dict, optional
        What :func:`~villagesurvey.report.provenance.read_validation` found beside the data;
        stated in the methods.
    """
    text = ui(language)
    heading = title(analysis, language)
    changed, equivalent, inconclusive = findings(analysis, language, "html")
    warnings = headline_notes(analysis, language)
    parts = [
        f"<header><h1>{escape(heading)}</h1>"
        f'<p class="sub">{escape(subtitle(analysis, language))}</p></header>'
    ]
    if warnings:
        items = "".join(f"<li>{escape(w)}</li>" for w in warnings)
        box = f"<h2>{escape(text['warnings'])}</h2><ul>{items}</ul>"
        parts.append(f'<section class="box warn">{box}</section>')
    found = "".join(f"<li>{s}</li>" for s in changed) or f"<li>{escape(text['none_changed'])}</li>"
    parts.append(
        f'<section class="box good"><h2>{escape(text["headline"])}</h2>'
        f"<h3>{escape(text['changed'].format(count=len(analysis.outcomes)))}</h3><ul>{found}</ul>"
        + (
            f"<h3>{escape(text['equivalent'])}</h3><ul>"
            + "".join(f"<li>{s}</li>" for s in equivalent)
            + "</ul>"
            if equivalent
            else ""
        )
        + (
            f"<h3>{escape(text['inconclusive'])}</h3><p>{text['separator'].join(inconclusive)}</p>"
            if inconclusive
            else ""
        )
        + "</section>"
    )
    parts.append(f"<h2>{escape(text['figures'])}</h2>")
    parts.append(
        f'<p class="caption">{escape(text["fig_slopes"])}. {escape(text["fig_diffs"])}.</p>'
    )
    parts.append(_outcome_figures(analysis, language))
    parts.append(f"<h3>{escape(text['power_title'])}</h3>")
    parts.append(_power_figure(analysis, language))
    parts.extend(_pyramids(analysis, language))
    parts.append(f"<h2>{escape(text['tables'])}</h2>")
    parts.extend(_table(t) for t in report_tables(analysis, language))
    rows = [
        [outcome_label(analysis, row, language), message]
        for row in analysis.outcomes.itertuples()
        for message in notes(row.warnings, language)
    ]
    if rows:
        headers = [text["col"]["outcome"], text["col"]["warning"]]
        parts.append(_table(Table(text["t_warnings"], headers, rows, text_columns=2)))
    if analysis.measurement is not None:
        parts.append(_measurement(analysis, language))
    parts.append(f"<h2>{escape(text['methods'])}</h2>")
    parts.extend(f"<p>{escape(p)}</p>" for p in methods(analysis, language, validation))
    deflation = cpi_table(analysis, language)
    if deflation is not None:
        parts.append(_table(deflation))
    made_by = text["made_by"].format(version=package_version())
    parts.append(f"<footer>{escape(made_by)}</footer>")
    body = "\n".join(parts)
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(text["lang"])}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(heading)}</title>\n"
        f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )
