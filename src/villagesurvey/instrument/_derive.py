"""The instrument's ``derive:``: household outcomes computed from a roster, checked by line.

Each entry names an outcome and gives its expression (see :mod:`.derive`), either alone
(``earners: count(roster.members, earnings > 0)``) or with a label and a smallest change of
interest (``earners: {expression: ..., label: {...}, sesoi: 1}``). Every mistake is a
located problem: an expression that does not parse (``bad_expression``), a roster or a
question that does not exist (``unknown_roster``, ``unknown_question``), a question that is
not a number (``wrong_type``), questions asked in different waves (``wave_mismatch``), a
name already used by a column (``duplicate_code``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._fields import suggest
from ._model import ModelReader
from ._yaml import LineMap
from .conditions import parse_condition, references
from .derive import Derived, DeriveSyntaxError, parse_derive
from .model import NUMERIC_TYPES, Instrument, Question, Roster
from .rosters import roster_instrument

__all__ = ["DeriveReader"]

_FIELDS = ("expression", "label", "sesoi")


class DeriveReader(ModelReader):
    """Reads an instrument, its model and its derived outcomes (``derive:``)."""

    def fields(self, node: LineMap, allowed: tuple[str, ...], where: str) -> None:
        if where == "" and "sections" in allowed:  # the top level: derive is a field too
            allowed = (*allowed, "derive")
        super().fields(node, allowed, where)

    def instrument(self, data: Any) -> Instrument | None:
        built = super().instrument(data)
        if not isinstance(data, LineMap) or "derive" not in data:
            return built
        line = data.line_of("derive")
        node = self.mapping(data["derive"], line, "derive", "derive")
        if node is None or built is None:
            return None
        derived = [self._one(node, name, built) for name in node]
        if self.problems:
            return None
        return replace(built, derived=tuple(d for d in derived if d is not None))

    def _one(self, node: LineMap, name: Any, instrument: Instrument) -> Derived | None:
        line = node.line_of(name)
        where = f"derive {name!r}"
        if self.identifier(name, line, where, "the outcome's name") is None:
            return None
        taken = {c.code for c in instrument.columns} | {r.code for r in instrument.rosters}
        spec = node[name]
        label, sesoi = None, None
        if isinstance(spec, LineMap):
            self.fields(spec, _FIELDS, where)
            label = self.text(spec, "label", where, required=False)
            sesoi = self._sesoi(spec, where)
            line = spec.line_of("expression") if "expression" in spec else line
            spec = spec.get("expression")
        if not isinstance(spec, str):
            self.problem(
                line, where, "wrong_type",
                "give an expression such as count(roster.members, earnings > 0)",
            )  # fmt: skip
            return None
        try:
            derived = parse_derive(str(name), spec)
        except DeriveSyntaxError as error:
            self.problem(line, where, "bad_expression", f"{spec!r}: {error}")
            return None
        checked = _Checks(self, line, where).derived(derived, instrument)
        if checked is None:
            return None
        clash = [c for c in checked.columns if c in taken]
        if clash:
            self.problem(
                line, where, "duplicate_code",
                f"{clash[0]!r} is already a column of the dataset; give the outcome another name",
            )  # fmt: skip
            return None
        return replace(checked, label=label, sesoi=sesoi)

    def _sesoi(self, spec: LineMap, where: str) -> float | None:
        value = spec.get("sesoi")
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
            self.problem(
                spec.line_of("sesoi"), where, "bad_limit",
                f"sesoi must be a positive number, not {value!r}",
            )  # fmt: skip
            return None
        return float(value)


class _Checks:
    """The checks of one expression against the instrument's rosters."""

    def __init__(self, reader: DeriveReader, line: int, where: str) -> None:
        self.reader, self.line, self.where = reader, line, where

    def problem(self, check: str, message: str) -> None:
        self.reader.problem(self.line, self.where, check, message)

    def derived(self, derived: Derived, instrument: Instrument) -> Derived | None:
        rosters = {r.code: r for r in instrument.rosters}
        roster = rosters.get(derived.roster)
        if roster is None:
            known = list(rosters)
            self.problem(
                "unknown_roster", f"roster.{derived.roster}: no roster of that code"
                + (suggest(derived.roster, known) if known else "; the instrument has none"),
            )  # fmt: skip
            return None
        questions = {q.code: q for q in roster.section.questions}
        columns = {c.code: c.question for c in roster_instrument(instrument, roster).columns}
        waves: set[tuple[int, ...]] = set()
        unit = None
        if derived.question is not None:
            question = self.question(derived.question, questions, columns, roster)
            if question is None:
                return None
            if question.type not in NUMERIC_TYPES:
                self.problem(
                    "wrong_type", f"{derived.function}() needs a number question; "
                    f"{question.code!r} is {question.type}",
                )  # fmt: skip
                return None
            unit = question.unit
            if derived.question in questions and question.waves:
                waves.add(question.waves)
        for text in derived.conditions:
            for name, _ in references(parse_condition(text)):
                question = self.question(name, questions, columns, roster)
                if question is None:
                    return None
                if name in questions and question.waves:
                    waves.add(question.waves)
        if len(waves) > 1:
            self.problem(
                "wave_mismatch", "the roster questions it names are asked in different waves "
                f"({' and '.join(str(list(w)) for w in sorted(waves))}); name one wave's "
                "column (works_2022) or questions of the same waves",
            )  # fmt: skip
            return None
        if derived.function == "share":
            unit = None
        return replace(derived, waves=next(iter(waves), ()), unit=unit)

    def question(
        self, name: str, questions: dict[str, Question], columns: dict[str, Question],
        roster: Roster,
    ) -> Question | None:  # fmt: skip
        """A question of the roster, or one wave's column of it; a problem otherwise."""
        question = questions.get(name) or columns.get(name)
        if question is None or question.code not in questions:
            self.problem(
                "unknown_question", f"{name!r} is no question of roster {roster.code!r}"
                f"{suggest(name, [*questions, *columns])}",
            )  # fmt: skip
            return None
        return question
