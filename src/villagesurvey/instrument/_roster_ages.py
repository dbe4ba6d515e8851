"""A roster's ``older_than:``: ages expected between rows of one household.

``older_than: [{older: relation = 2, younger: relation = 3, age: age, by: 12}]`` says that the
head's spouse is at least 12 years older than each child; validate warns on a child's row
that breaks it.
"""

from __future__ import annotations

from ._fields import FieldReader, suggest
from ._yaml import LineList, LineMap
from .conditions import ConditionSyntaxError, parse_condition, references
from .model import NUMERIC_TYPES, OlderThan, Question

__all__ = ["own_condition", "read_older_than"]

_FIELDS = ("older", "younger", "age", "by")


def read_older_than(
    reader: FieldReader, spec: LineMap, where: str, own: dict[str, Question]
) -> tuple[OlderThan, ...]:
    """The roster's ``older_than`` rules, every mistake recorded with its line."""
    value, line = spec.get("older_than"), spec.line_of("older_than")
    if value is None:
        return ()
    if not isinstance(value, LineList) or not value:
        reader.problem(
            line, where, "wrong_type",
            "older_than must be a list of {older, younger, age}: "
            "[{older: relation = 2, younger: relation = 3, age: age}]",
        )  # fmt: skip
        return ()
    rules: list[OlderThan] = []
    for item in value:
        if not isinstance(item, LineMap):
            reader.problem(value.line, where, "wrong_type", "each older_than needs older, "
                           "younger and age")  # fmt: skip
            continue
        before = len(reader.problems)
        reader.fields(item, _FIELDS, where)
        older = _condition(reader, item, "older", where, own)
        younger = _condition(reader, item, "younger", where, own)
        age = _age(reader, item, where, own)
        by = reader.amount(item, "by", where, "a number of years")
        if len(reader.problems) == before and older and younger and age and by is not None:
            rules.append(OlderThan(older, younger, age, by))
    return tuple(rules)


def _condition(
    reader: FieldReader, item: LineMap, field: str, where: str, own: dict[str, Question]
) -> str | None:
    if item.get(field) is None:
        reader.problem(
            item.line, where, "missing_field",
            f"older_than needs {field}: a condition on the roster's questions (relation = 3)",
        )  # fmt: skip
        return None
    return own_condition(reader, item.get(field), item.line_of(field), where, field, own)


def _age(reader: FieldReader, item: LineMap, where: str, own: dict[str, Question]) -> str | None:
    code, line = item.get("age"), item.line_of("age")
    question = own.get(code) if isinstance(code, str) else None
    if question is None:
        reader.problem(
            line if code is not None else item.line, where,
            "unknown_question" if code is not None else "missing_field",
            f"age {code!r} is no question of this roster{suggest(str(code), list(own))}",
        )  # fmt: skip
        return None
    if question.type not in NUMERIC_TYPES or question.waves:
        reader.problem(
            line, where, "wrong_type", f"age {code!r} must be a number question asked once"
        )
        return None
    return question.code


def own_condition(
    reader: FieldReader, text: object, line: int, where: str, field: str, own: dict[str, Question]
) -> str | None:
    """A condition that names only questions of the roster asked once; ``None`` if not."""
    if not isinstance(text, str):
        reader.problem(line, where, "wrong_type", f"{field} must be a condition such as "
                       "\"relation = 1\"")  # fmt: skip
        return None
    try:
        condition = parse_condition(text)
    except ConditionSyntaxError as error:
        reader.problem(line, where, "bad_condition", f"{field}: {error}")
        return None
    for name, _values in references(condition):
        if name not in own or own[name].waves:
            reader.problem(
                line, where, "unknown_question",
                f"{field} names {name!r}, which is no question of this roster asked once",
            )  # fmt: skip
            return None
    return text
