"""The report's content in words and formatted numbers, shared by the HTML and Markdown pages."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..analysis import Analysis, Note
from ..instrument import Instrument, Question
from ._text import ui

__all__ = [
    "Table",
    "choice_label",
    "findings",
    "fmt",
    "label",
    "methods",
    "notes",
    "outcome_label",
    "report_tables",
    "subtitle",
    "title",
]


@dataclass(frozen=True)
class Table:
    """A table as the reader sees it: a title, headers and rows of formatted text.

    The first ``text_columns`` columns and the last ``text_last`` hold text; the others
    numbers (aligned right).
    """

    title: str
    headers: list[str]
    rows: list[list[str]]
    text_columns: int = 1
    text_last: int = 0

    def is_text(self, column: int) -> bool:
        """Whether the column at this position holds text rather than numbers."""
        return column < self.text_columns or column >= len(self.headers) - self.text_last


def label(question: Question, language: str) -> str:
    """The question's label in ``language``, else in the instrument's first language."""
    return question.label.get(language) or next(iter(question.label.values()))


def outcome_label(analysis: Analysis, row: Any, language: str) -> str:
    """An outcome's label, with its waves when a question has more than one pair."""
    text = label(analysis.instrument.question(row.question), language)
    if row.outcome != row.question:
        text += f" ({row.wave_before}–{row.wave_after})"
    return text


def choice_label(instrument: Instrument, code: str, value: str, language: str) -> str:
    """The label of a choice answer ``value`` of column ``code`` (the value if no label)."""
    try:
        question = instrument.column(code).question
    except KeyError:
        return value
    for choice in instrument.choice_list(question):
        if str(choice.code) == value:
            return choice.label.get(language) or next(iter(choice.label.values()))
    return value


def fmt(value: Any, digits: int = 2, money: bool = False, sign: bool = False) -> str:
    """A number for reading: ``—`` for missing, thousands separators for money."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, float) and math.isinf(value):
        return "∞"
    plus = "+" if sign else ""
    if isinstance(value, float) and round(value, 0 if money else digits) == 0:
        value = 0.0  # no "-0.00"
    if money:
        return f"{value:{plus},.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:{plus},d}"
    return f"{value:{plus},.{digits}f}"


def _p(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _count(value: float) -> str:
    return "∞" if math.isinf(value) else "—" if math.isnan(value) else f"{math.ceil(value):,}"


def _unit(analysis: Analysis, row: Any, language: str) -> str:
    if row.deflated:
        return str(ui(language)["in_prices"].format(unit=row.unit, base=analysis.base_year))
    return str(row.unit)


def findings(
    analysis: Analysis, language: str, markup: str = "html"
) -> tuple[list[str], list[str]]:
    """Plain-language sentences for the outcomes that changed, and the labels of those that did not.

    An outcome has changed clearly when its Holm-adjusted p-value is below alpha.
    """
    text = ui(language)
    template = text["finding"] if markup == "html" else text["finding_md"]
    changed: list[str] = []
    unchanged: list[str] = []
    for row in analysis.outcomes.itertuples():
        name = outcome_label(analysis, row, language)
        name = html.escape(name) if markup == "html" else name
        if not row.p_holm < analysis.alpha:
            unchanged.append(name)
            continue
        money = bool(row.deflated)
        unit = f" {_unit(analysis, row, language)}" if row.unit else ""
        sentence = template.format(
            label=name,
            direction=text["rose"] if row.mean_diff > 0 else text["fell"],
            change=fmt(abs(row.mean_diff), money=money) + unit,
            before=fmt(row.mean_before, money=money),
            after=fmt(row.mean_after, money=money),
            low=fmt(row.ci_low, money=money, sign=True),
            high=fmt(row.ci_high, money=money, sign=True),
            dz=fmt(row.cohen_dz),
        )
        if not row.cluster_p < analysis.alpha:
            sentence += text["finding_cluster"].format(p=_p(row.cluster_p))
        changed.append(sentence)
    return changed, unchanged


def notes(items: list[Note] | tuple[Note, ...], language: str) -> list[str]:
    """Warnings in ``language``."""
    templates = ui(language)["notes"]
    return [note.message(templates) for note in items]


def _results_rows(analysis: Analysis, table: pd.DataFrame, language: str) -> list[list[str]]:
    rows = []
    for row in table.itertuples():
        money = bool(row.deflated)
        rows.append(
            [
                outcome_label(analysis, row, language),
                _unit(analysis, row, language),
                fmt(row.n),
                fmt(row.n_excluded),
                fmt(row.mean_before, money=money),
                fmt(row.mean_after, money=money),
                fmt(row.mean_diff, money=money, sign=True),
                f"{fmt(row.ci_low, money=money, sign=True)} to "
                f"{fmt(row.ci_high, money=money, sign=True)}",
                f"{fmt(row.t)} ({fmt(row.df, 0)})",
                _p(row.p),
                _p(row.p_holm),
                f"{fmt(row.cohen_dz)} [{fmt(row.dz_ci_low)}, {fmt(row.dz_ci_high)}]",
                _p(row.wilcoxon_p),
                _p(row.shapiro_p),
            ]
        )
    return rows


def report_tables(analysis: Analysis, language: str) -> list[Table]:
    """Every table of the report, in reading order."""
    text = ui(language)
    col = text["col"]
    keys = "outcome unit n excluded before after change ci t p p_holm dz wilcoxon shapiro"
    results_headers = [col[k] for k in keys.split()]
    table = analysis.outcomes
    tables = [
        Table(
            text["t_demo"],
            [col["variable"], col["category"], col["n"], col["summary"]],
            _demographics_rows(analysis, language),
            text_columns=2,
        ),
        Table(
            text["t_results"],
            results_headers,
            _results_rows(analysis, table, language),
            text_columns=2,
        ),
        Table(
            text["t_power"],
            [
                col[k]
                for k in ("outcome", "n", "dz_only", "power", "mde", "needed", "n_eff", "power_eff")
            ],
            [
                [
                    outcome_label(analysis, row, language),
                    fmt(row.n),
                    fmt(row.cohen_dz),
                    fmt(row.power),
                    fmt(row.mde_dz),
                    _count(row.n_needed),
                    fmt(row.n_eff, 1),
                    fmt(row.power_eff),
                ]
                for row in table.itertuples()
            ],
        ),
        Table(
            text["t_cluster"],
            [col[k] for k in ("outcome", "clusters", "icc", "deff", "n_eff", "cr_t", "cr_p")],
            [
                [
                    outcome_label(analysis, row, language),
                    fmt(row.clusters),
                    fmt(row.icc, 3),
                    fmt(row.deff),
                    fmt(row.n_eff, 1),
                    f"{fmt(row.cluster_t)} ({fmt(row.cluster_df, 0)})",
                    _p(row.cluster_p),
                ]
                for row in table.itertuples()
            ],
        ),
    ]
    letter = ord("a")
    for column, groups in analysis.subgroups.items():
        by = label(analysis.instrument.column(column).question, language)
        for level, group in groups.items():
            name = choice_label(analysis.instrument, column, level, language)
            title = text["t_subgroup"].format(letter=chr(letter), by=by, level=name)
            rows = _results_rows(analysis, group, language)
            tables.append(Table(title, results_headers, rows, text_columns=2))
            letter = letter + 1 if letter < ord("z") else letter
    return tables


def _demographics_rows(analysis: Analysis, language: str) -> list[list[str]]:
    rows = []
    previous = None
    for row in analysis.demographics.itertuples():
        question = analysis.instrument.question(row.variable)
        name = label(question, language) if row.variable != previous else ""
        previous = row.variable
        if row.category == "":
            summary = f"{fmt(row.mean, 1)} ({fmt(row.sd, 1)})"
            rows.append([name, "", fmt(row.n), summary])
        else:
            category = choice_label(analysis.instrument, row.variable, row.category, language)
            rows.append([name, category, fmt(row.n), f"{int(row.count)} ({row.percent:.1f}%)"])
    return rows


def cpi_table(analysis: Analysis, language: str) -> Table | None:
    """The index and factor of each wave year, or None when nothing was deflated."""
    if analysis.cpi is None:
        return None
    col = ui(language)["col"]
    years = sorted({*analysis.cpi_factors, analysis.base_year})
    return Table(
        ui(language)["t_cpi"],
        [col["year"], col["index"], col["factor"].format(base=analysis.base_year)],
        [
            [
                str(y),
                fmt(analysis.cpi.index[y], 3),
                fmt(analysis.cpi.factor(y, analysis.base_year), 6),
            ]
            for y in years
        ],
    )


def methods(analysis: Analysis, language: str) -> list[str]:
    """The methods paragraphs, filled in."""
    text = ui(language)
    first = next(iter(analysis.outcomes.itertuples()), None)
    m = float(first.cluster_m) if first is not None else math.nan
    left = [
        text["left_out"][reason].format(name=label(analysis.instrument.question(code), language))
        for code, reason in analysis.left_out
    ]
    values = {
        "count": len(analysis.outcomes),
        "alpha": analysis.alpha,
        "cluster": analysis.cluster,
        "m": m,
        "df": len(analysis.cluster_sizes) - 1,
        "base": analysis.base_year,
        "cpi": analysis.cpi.name if analysis.cpi else "",
        "source": analysis.cpi.source if analysis.cpi else "",
        "left_out": "; ".join(left) or text["nothing_left_out"],
    }
    paragraphs = [p.format(**values) for p in text["methods_text"]]
    if analysis.cpi is None:
        paragraphs[4] = text["no_money"]
    return [*paragraphs, text["personal"]]


def title(analysis: Analysis, language: str) -> str:
    """The report's title: the instrument's title in ``language``."""
    name = analysis.instrument.title
    return str(ui(language)["title"].format(title=name.get(language) or next(iter(name.values()))))


def subtitle(analysis: Analysis, language: str) -> str:
    """Respondents, villages, waves, instrument and price base, in one line."""
    rows = analysis.outcomes.itertuples()
    waves = sorted({w for row in rows for w in (row.wave_before, row.wave_after)})
    return str(
        ui(language)["subtitle"].format(
            n=analysis.n,
            clusters=len(analysis.cluster_sizes),
            waves=" → ".join(str(w) for w in waves),
            id=analysis.instrument.id,
            version=analysis.instrument.version,
            base=analysis.base_year,
        )
    )
