"""``report.md``: the report as Markdown, for a repository, a wiki or a paper's appendix."""

from __future__ import annotations

from typing import Any

from ..analysis import Analysis
from ._measurement_text import measurement_texts
from ._outcome_tables import report_tables
from ._tables import (
    Table,
    cpi_table,
    findings,
    headline_notes,
    methods,
    notes,
    outcome_label,
    subtitle,
    title,
)
from ._text import ui
from .measurement import measurement_methods, measurement_notes, measurement_tables

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(table: Table) -> list[str]:
    lines = [f"**{_cell(table.title)}**", ""]
    lines.append("| " + " | ".join(_cell(h) for h in table.headers) + " |")
    aligns = ["---" if table.is_text(i) else "--:" for i in range(len(table.headers))]
    lines.append("|" + "|".join(aligns) + "|")
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows)
    return [*lines, ""]


def _measurement(analysis: Analysis, language: str) -> list[str]:
    """The measurement section: warnings, tables M1-M6, methods (the diagram is in the HTML)."""
    m = analysis.measurement
    if m is None:
        return []
    text = measurement_texts(language)
    lines = [f"## {text['section']}", "", text["intro"], ""]
    notes = measurement_notes(m, language)
    if notes:
        lines += [f"### {text['warnings']}", "", *[f"- {n}" for n in notes], ""]
    else:
        lines += [text["all_good"], ""]
    for table in measurement_tables(m, analysis.instrument, language):
        lines += _table(table)
    for paragraph in measurement_methods(m, language):
        lines += [paragraph, ""]
    return lines


def render_markdown(
    analysis: Analysis, language: str, validation: dict[str, Any] | None = None
) -> str:
    """The report as Markdown text: warnings and findings, tables, methods."""
    text = ui(language)
    lines = [f"# {title(analysis, language)}", "", subtitle(analysis, language), ""]
    warnings = headline_notes(analysis, language)
    if warnings:
        lines += [f"## {text['warnings']}", ""] + [f"- {w}" for w in warnings] + [""]
    changed, equivalent, inconclusive = findings(analysis, language, "markdown")
    lines += [
        f"## {text['headline']}",
        "",
        f"### {text['changed'].format(count=len(analysis.outcomes))}",
        "",
    ]
    lines += [f"- {s}" for s in changed] or [f"- {text['none_changed']}"]
    lines += [""]
    if equivalent:
        lines += [f"### {text['equivalent']}", "", *[f"- {s}" for s in equivalent], ""]
    if inconclusive:
        lines += [f"### {text['inconclusive']}", "", text["separator"].join(inconclusive), ""]
    lines += [f"## {text['tables']}", ""]
    for table in report_tables(analysis, language):
        lines += _table(table)
    rows = [
        [outcome_label(analysis, row, language), message]
        for row in analysis.outcomes.itertuples()
        for message in notes(row.warnings, language)
    ]
    if rows:
        lines += _table(
            Table(text["t_warnings"], [text["col"]["outcome"], text["col"]["warning"]], rows)
        )
    lines += _measurement(analysis, language)
    lines += [f"## {text['methods']}", ""]
    for paragraph in methods(analysis, language, validation):
        lines += [paragraph, ""]
    deflation = cpi_table(analysis, language)
    if deflation is not None:
        lines += _table(deflation)
    return "\n".join(lines).rstrip() + "\n"
