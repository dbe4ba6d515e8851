"""The report's content in words and formatted numbers, shared by the HTML and Markdown pages."""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, replace
from typing import Any

from ..analysis import Analysis, Note
from ..instrument import Instrument, Question
from ._text import ui
from .provenance import validation_sentence

__all__ = [
    "Table",
    "choice_label",
    "demographics_rows",
    "findings",
    "fmt",
    "headline_notes",
    "label",
    "methods",
    "notes",
    "outcome_label",
    "p_text",
    "roster_label",
    "subtitle",
    "title",
    "unit_text",
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


def _p_is(value: float) -> str:
    """``p = 0.012`` or ``p < 0.001``."""
    text = _p(value)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def p_text(value: float) -> str:
    """A p-value for reading: ``< 0.001`` below it, three decimals otherwise."""
    return _p(value)


def _p(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def unit_text(analysis: Analysis, row: Any, language: str) -> str:
    """The outcome's unit, with the price base for money."""
    return _unit(analysis, row, language)


def _unit(analysis: Analysis, row: Any, language: str) -> str:
    if row.deflated:
        return str(ui(language)["in_prices"].format(unit=row.unit, base=analysis.base_year))
    return str(row.unit)


def findings(
    analysis: Analysis, language: str, markup: str = "html"
) -> tuple[list[str], list[str], list[str]]:
    """Plain-language sentences for the outcomes that changed clearly, and the labels of
    those equivalent to no change and of those left inconclusive.

    An outcome has changed clearly when the Holm-adjusted p-value of its design-based
    (cluster-robust) test is below alpha; it is equivalent to no change when its TOST
    p-value within the smallest change of interest is.
    """
    text = ui(language)
    suffix = "" if markup == "html" else "_md"
    changed: list[str] = []
    equivalent: list[str] = []
    inconclusive: list[str] = []
    for row in analysis.outcomes.itertuples():
        name = outcome_label(analysis, row, language)
        name = html.escape(name) if markup == "html" else name
        if row.conclusion != "changed":
            if row.conclusion == "equivalent":
                money = bool(row.deflated)
                equivalent.append(
                    text["equivalent_item"].format(
                        label=name,
                        change=fmt(row.mean_diff, money=money, sign=True),
                        sesoi=fmt(row.sesoi, money=money),
                        p=_p_is(row.tost_p),
                    )
                )
            else:
                inconclusive.append(name)
            continue
        kind = "finding_share" if row.kind == "yes_no" else "finding"
        changed.append(_finding(analysis, row, name, text[kind + suffix], language))
    return changed, equivalent, inconclusive


def _finding(analysis: Analysis, row: Any, name: str, template: str, language: str) -> str:
    text = ui(language)
    money = bool(row.deflated)
    yes_no = row.kind == "yes_no"
    unit = f" {_unit(analysis, row, language)}" if row.unit else ""

    def show(value: float, sign: bool = False) -> str:
        if yes_no:
            return fmt(100 * value, 0, sign=sign) + ("" if sign else "%")
        return fmt(value, money=money, sign=sign)

    sentence = template.format(
        label=name,
        direction=text["rose"] if row.mean_diff > 0 else text["fell"],
        change=(fmt(abs(100 * row.mean_diff), 0) + " " + text["points"])
        if yes_no
        else fmt(abs(row.mean_diff), money=money) + unit,
        before=show(row.mean_before),
        after=show(row.mean_after),
        low=show(row.ci_low, sign=True),
        high=show(row.ci_high, sign=True),
        dz=fmt(row.cohen_dz),
        dav=fmt(row.d_av),
    )
    if yes_no:
        sentence += text["finding_yes_no"].format(
            started=int(row.started),
            stopped=int(row.stopped),
            p=_p_is(row.mcnemar_p),
        )
    return sentence


def notes(items: list[Note] | tuple[Note, ...], language: str) -> list[str]:
    """Warnings in ``language``."""
    templates = ui(language)["notes"]
    return [note.message(templates) for note in items]


def headline_notes(analysis: Analysis, language: str) -> list[str]:
    """The warnings at the top of the report in ``language``, outcomes named by their labels."""
    text = ui(language)
    names = {
        str(row.outcome): label(analysis.instrument.question(row.question), language)
        for row in analysis.outcomes.itertuples()
    }

    def named(part: str) -> str:  # "code" or "code (count)"
        code, _, rest = part.partition(" ")
        return f"{names.get(code, code)} {rest}".strip()

    messages = []
    for note in analysis.notes:
        values = dict(note.values)
        if isinstance(values.get("outcome"), str):
            values["outcome"] = named(str(values["outcome"]))
        if isinstance(values.get("outcomes"), str):
            parts = str(values["outcomes"]).split(", ")
            values["outcomes"] = text["separator"].join(named(p) for p in parts)
        messages.append(replace(note, values=values).message(text["notes"]))
    return messages


def demographics_rows(analysis: Analysis, language: str) -> list[list[str]]:
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
    text = ui(language)
    for roster in analysis.rosters:
        summary = text["roster_range"].format(
            mean=fmt(roster.mean, 1), low=fmt(roster.min, 0), high=fmt(roster.max, 0)
        )
        name = text["roster_size"].format(roster=roster_label(analysis, roster.code, language))
        rows.append([name, "", fmt(roster.households), summary])
    return rows


def roster_label(analysis: Analysis, code: str, language: str) -> str:
    """A roster's label in ``language`` (its code if it has none)."""
    found = [r for r in analysis.instrument.rosters if r.code == code]
    labels = found[0].section.label if found else {}
    return str(labels.get(language) or next(iter(labels.values()), code))


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


def methods(
    analysis: Analysis, language: str, validation: dict[str, Any] | None = None
) -> list[str]:
    """The methods paragraphs, filled in; first, the validation behind the data if known."""
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
    behind = validation_sentence(validation, text)
    return [*([behind] if behind else []), *paragraphs, text["personal"]]


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
