"""Answer spaces by question type: digit boxes, date boxes, lines, codes to circle, grids."""

from __future__ import annotations

from html import escape

from ..codebook import format_limit
from ..instrument.model import Limit
from ._text import unit_word
from ._words import Texts, skip_attributes
from .form import Cell, FormQuestion

__all__ = ["answer_space", "column_tag", "digit_count"]

_DEFAULT_DIGITS = 6
_LONG_CHOICES = 6  # more answers than this are listed in two columns


def column_tag(cell: Cell) -> str:
    """The column's code and workbook letter, printed small so the typist finds the column."""
    return (
        f'<code class="col" data-column="{escape(cell.code)}">'
        f"{escape(cell.code)} · {escape(cell.letter)}</code>"
    )


def digit_count(question: FormQuestion) -> int:
    """Boxes for the whole part of a number: enough for the largest value allowed or usual."""
    q = question.question
    if isinstance(q.max, int | float):
        digits = len(str(int(abs(q.max))))
    elif isinstance(q.soft_max, int | float):
        digits = len(str(int(abs(q.soft_max)))) + 1
    else:
        digits = _DEFAULT_DIGITS
    return max(digits, 1) + (1 if _signed(q.min) else 0)  # a box for the minus sign


def _signed(low: Limit | None) -> bool:
    return isinstance(low, int | float) and not isinstance(low, bool) and low < 0


def _boxes(count: int) -> str:
    return '<span class="boxes">' + '<span class="box"></span>' * count + "</span>"


def _usual(texts: Texts, question: FormQuestion) -> str:
    q = question.question
    low = q.soft_min if q.soft_min is not None else q.min
    high = q.soft_max if q.soft_max is not None else q.max
    if (q.soft_min is None and q.soft_max is None) or low is None or high is None:
        return ""
    span = f"{_thousands(low)}–{_thousands(high)}"
    ranges = {
        lang: f"{span} {unit_word(q.unit, lang)}" if q.unit else span
        for lang in texts.form.languages
    }
    return f'<span class="usual">({texts.say("usually", range=ranges)})</span>'


def _thousands(value: Limit) -> str:
    """A limit with thousands separated (500,000), so that the zeros can be counted."""
    if isinstance(value, int | float) and abs(value) >= 10000:
        return f"{value:,}" if isinstance(value, int) else f"{value:,g}"
    return format_limit(value)


def _unit(texts: Texts, question: FormQuestion) -> str:
    unit = question.question.unit
    if not unit:
        return ""
    shown = dict.fromkeys(unit_word(unit, lang) for lang in texts.form.languages)
    return f'<span class="unit">{escape(" / ".join(shown))}</span>'


def _number(texts: Texts, question: FormQuestion, usual: bool = True) -> str:
    q = question.question
    whole = _boxes(digit_count(question))
    if q.type == "decimal" and not q.is_money:
        whole += '<span class="sep">.</span>' + _boxes(2)
    return whole + _unit(texts, question) + (_usual(texts, question) if usual else "")


def _date(texts: Texts) -> str:
    dash = '<span class="sep">–</span>'
    boxes = _boxes(4) + dash + _boxes(2) + dash + _boxes(2)
    return boxes + f' <span class="small-note">{texts.say("date_boxes")}</span>'


def _single(texts: Texts, question: FormQuestion, usual: bool = True) -> str:
    """The answer space of one column (no choices): boxes, date boxes or a line."""
    kind = question.question.type
    if kind in ("integer", "decimal"):
        return _number(texts, question, usual)
    if kind == "date":
        return _date(texts)
    if kind == "geopoint":  # as the workbook's four cells
        parts = ("latitude", "longitude", "altitude", "accuracy")
        return " ".join(
            f'<span class="small-note">{texts.say(f"point_{p}")}</span> <span class="line"></span>'
            for p in parts
        )
    if any(question.code == key.code for key in texts.form.key):
        return '<span class="keybox"></span>'  # the respondent key: a box to fill
    return '<span class="line"></span>'


def _choice_list(texts: Texts, question: FormQuestion) -> str:
    long = len(question.choices) > _LONG_CHOICES or any(
        len(c.label.get(texts.form.languages[0], "")) > 28 for c in question.choices
    )
    items = "".join(
        f'<li><span class="code">{escape(str(c.code))}</span>{texts.lang(c.label)}</li>'
        for c in question.choices
    )
    how = "circle_all" if question.question.type == "select_multiple" else "circle_one"
    return (
        f'<ol class="choices{" long" if long else ""}">{items}</ol>'
        f'<div class="small-note">{texts.say(how)}</div>'
    )


def _likert(texts: Texts, question: FormQuestion) -> str:
    codes = "".join(
        f'<td><span class="code">{escape(str(c.code))}</span></td>' for c in question.choices
    )
    anchors = "".join(f"<td>{texts.lang(c.label)}</td>" for c in question.choices)
    return f'<table class="grid likert"><tr>{codes}</tr><tr>{anchors}</tr></table>'


def _wave_head(texts: Texts, cell: Cell) -> str:
    note = ""
    skip = texts.cell_skips.get(cell.code)
    if skip is not None:
        condition = {lang: texts.condition(skip.condition, lang) for lang in texts.form.languages}
        sentence = texts.say("wave_only_if", condition=condition)
        note = f'<div class="ask-if" {skip_attributes(skip)}>{sentence}</div>'
    return f'<div class="wave-head"><b>{cell.wave}</b>{column_tag(cell)}{note}</div>'


def _choice_grid(texts: Texts, question: FormQuestion) -> str:
    heads = "".join(f"<th>{_wave_head(texts, cell)}</th>" for cell in question.cells)
    rows = "".join(
        f"<tr><td>{texts.lang(c.label)}</td>"
        + "".join(
            f'<td class="mark"><span class="code">{escape(str(c.code))}</span></td>'
            for _ in question.cells
        )
        + "</tr>"
        for c in question.choices
    )
    how = "circle_all" if question.question.type == "select_multiple" else "circle_one"
    return (
        f'<table class="grid"><tr><th></th>{heads}</tr>{rows}</table>'
        f'<div class="small-note">{texts.say(how)}</div>'
    )


def answer_space(texts: Texts, question: FormQuestion) -> str:
    """The HTML of a question's answer space, waves side by side."""
    waved = question.cells[0].wave is not None
    if question.choices and waved:
        return _choice_grid(texts, question)
    if question.choices:
        if question.question.type == "likert":
            return _likert(texts, question)
        return _choice_list(texts, question)
    if not waved:
        return _single(texts, question)
    spaces = "".join(
        f'<div class="wave">{_wave_head(texts, cell)}{_single(texts, question, usual=False)}</div>'
        for cell in question.cells
    )
    return f'<div class="waves">{spaces}</div>{_usual(texts, question)}'
