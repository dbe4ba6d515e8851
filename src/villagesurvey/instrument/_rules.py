"""The instrument's ``checks``: rules across questions, such as spending against income."""

from __future__ import annotations

import re
from typing import Any

from ._fields import FieldReader, suggest
from ._yaml import LineList, LineMap
from .model import NUMERIC_TYPES, Question, Rule

__all__ = ["read_rules"]

_FIELDS = ("code", "rule", "severity", "message")
_SEVERITIES = ("error", "warning")
_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_RULE = re.compile(
    rf"^\s*(?P<left>[A-Za-z][\w.\-]*)\s*(?P<op><=|>=|!=|<|>|=)\s*"
    rf"(?:(?P<factor>{_NUMBER})\s*\*\s*)?(?P<right>[A-Za-z][\w.\-]*)?\s*$"
)
_CONSTANT = re.compile(
    rf"^\s*(?P<left>[A-Za-z][\w.\-]*)\s*(?P<op><=|>=|!=|<|>|=)\s*(?P<factor>{_NUMBER})\s*$"
)


def _number(text: str) -> int | float:
    value = float(text)
    return int(value) if value.is_integer() and re.fullmatch(r"[+-]?\d+", text) else value


def read_rules(
    reader: FieldReader, value: Any, line: int, questions: dict[str, Question]
) -> tuple[Rule, ...]:
    """Read the ``checks`` list, recording a located problem for each mistake."""
    if value is None:
        return ()
    if not isinstance(value, LineList) or not value:
        reader.problem(line, "", "wrong_type", "checks must be a list of {code, rule, severity}")
        return ()
    rules: list[Rule] = []
    codes: set[str] = set()
    for node in value:
        if not isinstance(node, LineMap):
            reader.problem(value.line, "", "wrong_type", "each check needs a code and a rule")
            continue
        where = f"check {node.get('code')!r}"
        reader.fields(node, _FIELDS, where)
        code = reader.identifier(node.get("code"), node.line_of("code"), where, "the check code")
        if code in codes:
            reader.problem(node.line_of("code"), where, "duplicate_code", "check code used twice")
        rule = _rule(reader, node, where, questions)
        severity = node.get("severity", "warning")
        if severity not in _SEVERITIES:
            reader.problem(
                node.line_of("severity"), where, "bad_severity",
                f"severity must be error or warning, not {severity!r}",
            )  # fmt: skip
        message = reader.text(node, "message", where, required=False) if "message" in node else None
        if code is None or rule is None or severity not in _SEVERITIES:
            continue
        codes.add(code)
        left, op, right, factor = rule
        rules.append(Rule(code, left, op, right, factor, severity, message))
    return tuple(rules)


def _rule(
    reader: FieldReader, node: LineMap, where: str, questions: dict[str, Question]
) -> tuple[str, str, str | None, int | float] | None:
    text = node.get("rule")
    line = node.line_of("rule")
    if not isinstance(text, str):
        reader.problem(
            line, where, "missing_field" if text is None else "wrong_type",
            "needs a rule such as 'household_spending <= 2 * family_income'",
        )  # fmt: skip
        return None
    match = _CONSTANT.match(text) or _RULE.match(text)
    if match is None or (match.re is _RULE and match["right"] is None):
        reader.problem(
            line, where, "bad_rule",
            f"{text!r} is not 'question op [number *] question' or 'question op number', "
            "e.g. 'household_spending <= 2 * family_income'",
        )  # fmt: skip
        return None
    names = [match["left"]] + ([match["right"]] if match.re is _RULE else [])
    sound = True
    for name in names:
        q = questions.get(name)
        if q is None:
            reader.problem(
                line, where, "unknown_question",
                f"{name!r} is not a question{suggest(name, list(questions))}",
            )  # fmt: skip
            sound = False
        elif q.type not in NUMERIC_TYPES:
            reader.problem(
                line, where, "wrong_type", f"{name!r} is a {q.type} question; rules compare numbers"
            )
            sound = False
    if len(names) == 2 and sound:
        first, second = (questions[n] for n in names)
        if first.waves and second.waves and not set(first.waves) & set(second.waves):
            reader.problem(
                line, where, "wave_mismatch", f"{first.code} and {second.code} share no wave"
            )
            sound = False
    if not sound:
        return None
    factor = _number(match["factor"]) if match["factor"] else 1
    right = match["right"] if match.re is _RULE else None
    return match["left"], match["op"], right, factor
