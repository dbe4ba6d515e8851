"""Generic checks of instrument fields: each records a located problem instead of raising."""

from __future__ import annotations

import difflib
import math
import re
from datetime import date, datetime
from typing import Any

from ..errors import InstrumentProblem
from ._yaml import LineMap
from .model import Limit, Text

__all__ = ["FieldReader", "check_limit_value", "is_int", "suggest"]

IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
"""A code: a letter, then letters, digits, ``_``, ``-`` or ``.`` (as XLSForm names may be)."""


def suggest(word: str, options: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


class FieldReader:
    """Collects problems while reading fields; the readers of each part build on it."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[InstrumentProblem] = []
        self.languages: tuple[str, ...] = ()
        self.question_codes: set[str] = set()  # every question code, even of broken questions
        self.question_lines: dict[str, int] = {}  # the line of each question code
        self.broken_scale_refs: set[str] = set()  # scales named by questions with mistakes

    def problem(self, line: int | None, where: str, check: str, message: str) -> None:
        self.problems.append(InstrumentProblem(self.source, line, where, check, message))

    def mapping(self, value: Any, line: int, where: str, what: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.problem(line, where, "wrong_type", f"{what} must be a mapping of names to values")
        return None

    def fields(self, node: LineMap, allowed: tuple[str, ...], where: str) -> None:
        for key in node:
            if key not in allowed:
                self.problem(
                    node.line_of(key),
                    where,
                    "unknown_field",
                    f"unknown field {key!r}{suggest(key, allowed)}",
                )

    def text(self, node: LineMap, key: str, where: str, required: bool = True) -> Text | None:
        value = node.get(key)
        line = node.line_of(key)
        if value is None:
            if required:
                self.problem(line, where, "missing_field", f"has no {key}; add {key}: {{...}}")
            return None
        if len(self.languages) == 1 and not isinstance(value, LineMap | list):
            # One language: a plain text will do (label: Age).
            single = LineMap({self.languages[0]: value})
            single.line, single.key_lines = line, {}
            single.plain = {self.languages[0]: node.plain[key]} if key in node.plain else {}
            return self.translations(single, line, where, key)
        if not isinstance(value, LineMap):
            langs = ", ".join(f"{lang}: ..." for lang in self.languages) or "en: ..."
            self.problem(
                line, where, "wrong_type", f"{key} must give a text per language: {{{langs}}}"
            )
            return None
        return self.translations(value, line, where, key)

    def translations(self, value: LineMap, line: int, where: str, what: str) -> Text:
        result: Text = {}
        for lang in self.languages:
            text = value.get(lang)
            if text is not None and not isinstance(text, str) and lang in value.plain:
                text = value.plain[lang]  # 1.10 or 2022-06-01 as typed, not a number or date
            if (
                not isinstance(text, str | int | float)
                or isinstance(text, bool)
                or not str(text).strip()
            ):
                self.problem(
                    line,
                    where,
                    "missing_translation",
                    f"{what} has no {lang!r} text; add {lang}: ...",
                )
            else:
                result[lang] = str(text)
        for lang in value:
            if lang not in self.languages and lang != "code":
                self.problem(
                    value.line_of(lang),
                    where,
                    "unknown_language",
                    f"{what} has text in {lang!r}, which is not in languages "
                    f"{list(self.languages)}; add it there or remove this text",
                )
        return result

    def flag(self, node: LineMap, key: str, where: str) -> bool:
        value = node.get(key, False)
        if isinstance(value, bool):
            return value
        self.problem(
            node.line_of(key), where, "wrong_type", f"{key} must be true or false, not {value!r}"
        )
        return False

    def amount(self, node: LineMap, key: str, where: str, what: str = "a number") -> float | None:
        """A field that must be a number of 0 or more (default 0); None, reported, if not."""
        value: float = node.get(key, 0)
        if _is_number(value) and value >= 0:
            return value  # as written: 12 stays 12, for the round trip
        self.problem(
            node.line_of(key),
            where,
            "bad_limit",
            f"{key} must be {what} of 0 or more, not {value!r}",
        )
        return None

    def identifier(self, value: Any, line: int, where: str, what: str) -> str | None:
        if isinstance(value, str) and IDENTIFIER.match(value):
            return value
        self.problem(
            line,
            where,
            "bad_code",
            f"{what} {value!r} must start with a letter and hold only letters, digits, _, - and .",
        )
        return None


def check_limit_value(qtype: str, value: Any) -> Limit | None:
    """A limit as the type needs it, or ``None`` when it does not fit the question type."""
    if qtype == "integer" and is_int(value):
        return int(value)
    if qtype == "decimal" and _is_number(value) and math.isfinite(value):
        return value  # type: ignore[no-any-return]
    if qtype == "date" and isinstance(value, date) and not isinstance(value, datetime):
        return value
    if qtype == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None
