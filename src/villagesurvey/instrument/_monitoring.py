"""The instrument's ``monitoring:`` block, checked by line.

Every key is optional. A question it names must be a question of the household (not of a
roster, not asked in waves: one interview per row) of a fitting type: ``unknown_question``
(with a did-you-mean) or ``wrong_type`` otherwise. ``min_minutes`` must be a positive number
(``bad_limit``); ``dont_know`` and ``refused`` lists of codes; ``consent`` a question and the
codes meaning yes, which must be among its choices (``unknown_choice``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._derive import DeriveReader
from ._fields import suggest
from ._yaml import LineList, LineMap
from .model import Instrument, Question
from .monitoring import DEFAULT_NAMES, OUTCOME_TYPES, Code, Consent, Monitoring

__all__ = ["MonitoringReader"]

_FIELDS = (
    "enumerator", "date", "start", "end", "min_minutes", "dont_know", "refused", "consent",
    "outcomes",
)  # fmt: skip
_CONSENT_FIELDS = ("question", "yes")
_WHERE = "monitoring"


class MonitoringReader(DeriveReader):
    """Reads an instrument, its model, its derived outcomes and its ``monitoring:`` block."""

    def fields(self, node: LineMap, allowed: tuple[str, ...], where: str) -> None:
        if where == "" and "sections" in allowed:  # the top level: monitoring is a field too
            allowed = (*allowed, "monitoring")
        super().fields(node, allowed, where)

    def instrument(self, data: Any) -> Instrument | None:
        built = super().instrument(data)
        if not isinstance(data, LineMap) or "monitoring" not in data:
            return built
        node = self.mapping(data["monitoring"], data.line_of("monitoring"), _WHERE, "monitoring")
        if node is None or built is None:
            return None
        block = _Checks(self, built).block(node)
        if self.problems or block is None:
            return None
        return replace(built, monitoring_declared=block)


class _Checks:
    """The checks of the block against the instrument read before it."""

    def __init__(self, reader: MonitoringReader, instrument: Instrument) -> None:
        self.r = reader
        self.instrument = instrument
        self.questions = {q.code: q for q in instrument.questions}

    def block(self, node: LineMap) -> Monitoring | None:
        r = self.r
        before = len(r.problems)
        r.fields(node, _FIELDS, _WHERE)
        names = {key: self.question(node, key, DEFAULT_NAMES[key][1]) for key in DEFAULT_NAMES}
        minutes = self.minutes(node)
        codes = {key: self.codes(node.get(key), node.line_of(key), key) for key in
                 ("dont_know", "refused")}  # fmt: skip
        consent = self.consent(node.get("consent"), node.line_of("consent"))
        outcomes = self.outcomes(node.get("outcomes"), node.line_of("outcomes"), "outcomes" in node)
        if len(r.problems) > before:
            return None
        return Monitoring(
            **names, min_minutes=minutes, dont_know=codes["dont_know"],
            refused=codes["refused"], consent=consent, outcomes=outcomes,
        )  # fmt: skip

    def named(self, value: Any, line: int, key: str) -> Question | None:
        """The household question ``value`` names, or ``None`` with a problem."""
        if not isinstance(value, str):
            self.r.problem(line, _WHERE, "wrong_type", f"{key} must name a question, not {value!r}")
            return None
        question = self.questions.get(value)
        if question is None:
            self.r.problem(
                line, _WHERE, "unknown_question",
                f"{key}: {value!r} is not a question of the household"
                f"{suggest(value, list(self.questions))}",
            )  # fmt: skip
        return question

    def question(self, node: LineMap, key: str, types: tuple[str, ...]) -> str | None:
        if node.get(key) is None:
            return None
        line = node.line_of(key)
        question = self.named(node[key], line, key)
        if question is None:
            return None
        if question.waves:
            self.r.problem(
                line, _WHERE, "wrong_type",
                f"{key}: {question.code!r} is asked in waves; name a question asked once "
                "per interview",
            )  # fmt: skip
        elif types and question.type not in types:
            self.r.problem(
                line, _WHERE, "wrong_type",
                f"{key}: {question.code!r} is a {question.type} question; it must be "
                f"{' or '.join(types)}",
            )  # fmt: skip
        return question.code

    def minutes(self, node: LineMap) -> float | None:
        value = node.get("min_minutes")
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e6:
            return value  # as written, for the round trip
        self.r.problem(
            node.line_of("min_minutes"), _WHERE, "bad_limit",
            f"min_minutes must be a positive number of minutes, not {value!r}",
        )  # fmt: skip
        return None

    def codes(self, value: Any, line: int, key: str) -> tuple[Code, ...]:
        if value is None:
            return ()
        items = value if isinstance(value, LineList) else [value]
        good: list[Code] = []
        for item in items:
            if isinstance(item, bool) or not isinstance(item, int | float | str) or item == "":
                self.r.problem(
                    line, _WHERE, "wrong_type",
                    f"{key} must be a list of answer codes such as [-98, 9999], not {item!r}",
                )  # fmt: skip
            else:
                good.append(item)
        return tuple(good)

    def consent(self, value: Any, line: int) -> Consent | None:
        if value is None:
            return None
        node = self.r.mapping(value, line, _WHERE, "consent")
        if node is None:
            return None
        self.r.fields(node, _CONSENT_FIELDS, _WHERE)
        if node.get("question") is None or node.get("yes") is None:
            self.r.problem(
                node.line, _WHERE, "missing_field",
                "consent needs the question and the codes meaning yes: "
                "{question: consent, yes: [1]}",
            )  # fmt: skip
            return None
        question = self.named(node["question"], node.line_of("question"), "consent")
        yes = self.codes(node["yes"], node.line_of("yes"), "yes")
        if question is None or not yes:
            return None
        known = [c.code for c in self.instrument.choice_list(question)]
        for code in yes:
            if known and code not in known:
                self.r.problem(
                    node.line_of("yes"), _WHERE, "unknown_choice",
                    f"consent: {code!r} is not a choice of {question.code!r} "
                    f"(its codes: {', '.join(map(str, known))})",
                )  # fmt: skip
        return Consent(question.code, yes)

    def outcomes(self, value: Any, line: int, given: bool) -> tuple[str, ...] | None:
        if not given:
            return None
        if not isinstance(value, LineList):
            self.r.problem(
                line, _WHERE, "wrong_type", "outcomes must be a list of questions or columns"
            )
            return None
        columns = {c.code: c.question for c in self.instrument.columns}
        good: list[str] = []
        for item in value:
            question = columns.get(item) if isinstance(item, str) else None
            if question is None and isinstance(item, str):
                question = self.questions.get(item)
            if question is None:
                known = [*self.questions, *columns]
                self.r.problem(
                    line, _WHERE, "unknown_question",
                    f"outcomes: {item!r} is neither a question nor a column"
                    f"{suggest(str(item), known)}",
                )  # fmt: skip
            elif question.type not in OUTCOME_TYPES:
                self.r.problem(
                    line, _WHERE, "wrong_type",
                    f"outcomes: {item!r} is a {question.type} question; an outcome must be "
                    "a number (integer, decimal or likert)",
                )  # fmt: skip
            else:
                good.append(item)
        return tuple(good)
