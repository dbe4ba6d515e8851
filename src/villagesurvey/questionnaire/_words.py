"""Texts of a form in its languages, and skip rules as sentences an interviewer reads."""

from __future__ import annotations

from html import escape

from ..codebook import format_limit
from ..instrument.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    In,
    Literal,
    Not,
    Selected,
    format_condition,
)
from ._text import words
from .form import Cell, Form, FormQuestion, Skip

__all__ = ["Texts", "skip_attributes"]

_OPS = {"=": "=", "!=": "≠", "<": "<", "<=": "≤", ">": ">", ">=": "≥"}
_NEGATED = {"=": "!=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def skip_attributes(skip: Skip) -> str:
    """The rule, the columns it skips and the target, as attributes a program can check."""
    return (
        f'data-when="{escape(format_condition(skip.condition))}" '
        f'data-skip="{escape(" ".join(skip.skipped))}" '
        f'data-target="{escape(skip.target or "")}"'
    )


class Texts:
    """Writes a form's texts in its languages, each already escaped for HTML."""

    def __init__(self, form: Form) -> None:
        self.form = form
        questions = [*form.questions, *(q for r in form.rosters for q in (r.key, *r.questions))]
        self.cells: dict[str, tuple[FormQuestion, Cell]] = {
            cell.code: (q, cell) for q in questions for cell in q.cells
        }
        self.cell_skips: dict[str, Skip] = {
            code: skip for skip in form.skips if not skip.whole for code in skip.skipped
        }

    def lang(self, text: dict[str, str] | None) -> str:
        """A text in the leading language, the others after it in grey."""
        if not text:
            return ""
        first, *others = self.form.languages
        parts = [escape(text.get(first, ""))]
        parts += [
            f'<span class="alt" lang="{escape(lang)}">{escape(text[lang])}</span>'
            for lang in others
            if text.get(lang) and text.get(lang) != text.get(first)
        ]
        return " ".join(parts)

    def say(self, key: str, **values: dict[str, str] | str) -> str:
        """One of the form's own sentences in every language, with its values filled in."""
        return self.join(self.each(key, **values))

    def each(self, key: str, **values: dict[str, str] | str) -> dict[str, str]:
        """One of the form's own sentences per language (values are already escaped)."""
        return {
            lang: words(lang)[key].format(
                **{n: v if isinstance(v, str) else v[lang] for n, v in values.items()}
            )
            for lang in self.form.languages
        }

    def join(self, sentences: dict[str, str]) -> str:
        """Sentences per language, the leading one first and the others after it in grey."""
        first, *others = self.form.languages
        return " ".join(
            [sentences[first]]
            + [
                f'<span class="alt" lang="{escape(lang)}">{sentences[lang]}</span>'
                for lang in others
            ]
        )

    def answer(self, question: FormQuestion, value: Literal, language: str) -> str:
        """A value as the interviewer reads it: ``1 (Yes)`` for a choice, else the value."""
        shown = escape(format_limit(value) if not isinstance(value, str) else value)
        for choice in question.choices:
            if str(choice.code) == str(value):
                label = escape(choice.label.get(language, ""))
                if language.startswith("zh"):
                    return f"{shown}（{label}）"
                return f"{shown} ({label})"
        return shown

    def failing(self, skip: Skip, question: FormQuestion, language: str) -> str:
        """The answers to the skip's question that send the interviewer on, in words.

        ``0 (No)`` for a choice question, ``< 60`` for a number, otherwise ``not (...)``.
        """
        if skip.otherwise:
            return words(language)["or"].join(
                self.answer(question, code, language) for code in skip.otherwise
            )
        match skip.condition:
            case Compare(_, op, value):
                return f"{_OPS[_NEGATED[op]]} {self.answer(question, value, language)}"
            case Not(Compare(_, op, value)):
                return f"{_OPS[op]} {self.answer(question, value, language)}"
        return words(language)["not"].format(condition=self.condition(skip.condition, language))

    def ref(self, code: str) -> str:
        """A column as a reference: its question number, with the wave for a wave column."""
        question, cell = self.cells[code]
        return f"{question.number} ({cell.wave})" if cell.wave is not None else question.number

    def condition(self, condition: Condition, language: str) -> str:
        """A skip rule in words, with question numbers and answer labels, escaped."""
        w = words(language)
        match condition:
            case Compare(name, op, value):
                q = self.cells[name][0]
                return f"{self.ref(name)} {_OPS[op]} {self.answer(q, value, language)}"
            case In(name, values):
                q = self.cells[name][0]
                shown = ", ".join(self.answer(q, v, language) for v in values)
                return w["one_of"].format(name=self.ref(name), values=shown)
            case Selected(name, value):
                q = self.cells[name][0]
                return w["selected"].format(
                    name=self.ref(name), value=self.answer(q, value, language)
                )
            case Not(operand):
                return w["not"].format(condition=self.condition(operand, language))
            case AllOf(operands) | AnyOf(operands):
                joint = w["and"] if isinstance(condition, AllOf) else w["or"]
                return joint.join(
                    f"({self.condition(o, language)})"
                    if isinstance(o, AllOf | AnyOf)
                    else self.condition(o, language)
                    for o in operands
                )
        raise TypeError(f"not a condition: {condition!r}")
