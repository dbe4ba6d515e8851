"""Render a roster as a grid: a line per member, its questions as columns, codes below."""

from __future__ import annotations

from html import escape

from ._answers import column_tag
from ._text import unit_word
from ._words import Texts
from .form import Cell, FormQuestion, FormRoster

__all__ = ["roster_personal", "roster_section"]

_COLUMNS = 7  # answer columns per grid; more continue in a second grid, lines numbered again


def roster_section(texts: Texts, roster: FormRoster) -> str:
    """A roster's section: its title, how to fill it, its grid(s) and the codes to write."""
    label = texts.lang(roster.label)
    grids = "".join(
        _grid(texts, roster, part)
        for part in _parts([(q, c) for q in roster.questions for c in q.cells])
    )
    codes = "".join(_codes(texts, q) for q in roster.questions if q.choices)
    return (
        f'<section class="roster" data-section="{escape(roster.code)}" '
        f'data-roster="{escape(roster.code)}" data-lines="{roster.lines}">'
        f"<h2>{roster.number} {label}</h2>"
        f'<p class="note">{_how(texts, roster)}</p>{grids}'
        f'<div class="codes">{codes}</div></section>'
    )


def roster_personal(texts: Texts, roster: FormRoster) -> str:
    """The roster's personal-data questions, a line per member, for the torn-off page."""
    if not roster.personal:
        return ""
    title = f"<h3>{roster.number} {texts.lang(roster.label)}</h3>"
    cells = [(q, c) for q in roster.personal for c in q.cells]
    return title + "".join(_grid(texts, roster, part) for part in _parts(cells))


def _how(texts: Texts, roster: FormRoster) -> str:
    sheet = escape(roster.code)
    if roster.count is None:
        return texts.say("roster_how", lines=str(roster.lines), sheet=sheet)
    count = texts.form.numbers[roster.count]
    return texts.say("roster_how_count", count=count, lines=str(roster.lines), sheet=sheet)


def _parts(cells: list[tuple[FormQuestion, Cell]]) -> list[list[tuple[FormQuestion, Cell]]]:
    """The grid's columns in groups that fit the width of a page."""
    return [cells[i : i + _COLUMNS] for i in range(0, len(cells), _COLUMNS)] or [[]]


def _grid(texts: Texts, roster: FormRoster, cells: list[tuple[FormQuestion, Cell]]) -> str:
    key = roster.key
    heads = f'<th class="line-no">{_head(texts, key, key.cells[0])}</th>'
    heads += "".join(
        f'<th data-question="{escape(q.code)}">{_head(texts, q, cell)}</th>' for q, cell in cells
    )
    blank = "".join(f'<td data-column="{escape(cell.code)}"></td>' for _, cell in cells)
    rows = "".join(
        f'<tr><td class="line-no">{line}</td>{blank}</tr>' for line in range(1, roster.lines + 1)
    )
    return f'<table class="grid roster-grid"><thead><tr>{heads}</tr></thead>{rows}</table>'


def _head(texts: Texts, item: FormQuestion, cell: Cell) -> str:
    q = item.question
    wave = f" <b>{cell.wave}</b>" if cell.wave is not None else ""
    unit = ""
    if q.unit:
        shown = dict.fromkeys(unit_word(q.unit, lang) for lang in texts.form.languages)
        unit = f' <span class="unit">({escape(" / ".join(shown))})</span>'
    only = ""
    if cell.ask_if is not None:
        condition = {lang: texts.condition(cell.ask_if, lang) for lang in texts.form.languages}
        only = f'<div class="ask-if">{texts.say("wave_only_if", condition=condition)}</div>'
    return (
        f'<span class="num">{item.number}</span> {texts.lang(q.label)}{wave}{unit}'
        f"<br>{column_tag(cell)}{only}"
    )


def _codes(texts: Texts, item: FormQuestion) -> str:
    listed = " · ".join(
        f'<span class="code">{escape(str(c.code))}</span>{texts.lang(c.label)}'
        for c in item.choices
    )
    how = "write_all" if item.question.type == "select_multiple" else "write_one"
    return (
        f'<p data-question="{escape(item.code)}"><b>{item.number} {texts.lang(item.question.label)}'
        f"</b> ({texts.say(how)}): {listed}</p>"
    )
