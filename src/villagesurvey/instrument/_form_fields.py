"""Question fields an XLSForm brings: a pattern, a calculation, special codes, exclusive
options, a cascading select's filter. Each reader records a located problem instead of
raising, as the others do."""

from __future__ import annotations

import re
from typing import Any

from ._fields import FieldReader
from ._yaml import LineMap
from .model import NUMERIC_TYPES, SELECT_TYPES

__all__ = ["read_calculation", "read_exclusive", "read_filter_by", "read_pattern", "read_special"]


def read_pattern(r: FieldReader, node: LineMap, where: str, qtype: str | None) -> str | None:
    """The regular expression a text answer must match (an XLSForm's ``regex(., '...')``)."""
    pattern = node.get("pattern")
    if pattern is None:
        return None
    line = node.line_of("pattern")
    if not isinstance(pattern, str) or not pattern:
        r.problem(line, where, "wrong_type", "pattern must be a regular expression")
        return None
    try:
        re.compile(pattern)
    except re.error as error:
        r.problem(line, where, "bad_pattern", f"pattern {pattern!r}: {error}")
        return None
    if qtype is not None and qtype != "text":
        r.problem(line, where, "field_not_allowed", f"a {qtype} question has no pattern; remove it")
    return pattern


def read_calculation(r: FieldReader, node: LineMap, where: str, qtype: str | None) -> str | None:
    """The XPath a ``calculate`` field is computed by on the phone (kept as written)."""
    value = node.get("calculation")
    line = node.line_of("calculation")
    if value is None:
        if qtype == "calculate":
            r.problem(
                node.line, where, "missing_field",
                "a calculate question needs its calculation (the XPath the phone computes)",
            )  # fmt: skip
        return None
    if not isinstance(value, str) or not value.strip():
        r.problem(line, where, "wrong_type", "calculation must be an XPath text")
        return None
    if qtype is not None and qtype != "calculate":
        r.problem(line, where, "field_not_allowed", f"a {qtype} question has no calculation")
    return value.strip()


def read_exclusive(
    r: FieldReader, node: LineMap, where: str, qtype: str | None, known: tuple[Any, ...] | None
) -> tuple[int | str, ...]:
    """``exclusive: [none]``: options of a select_multiple chosen only alone."""
    value = node.get("exclusive")
    if value is None:
        return ()
    line = node.line_of("exclusive")
    codes = value if isinstance(value, list) else [value]
    if qtype is not None and qtype != "select_multiple":
        r.problem(line, where, "field_not_allowed", f"a {qtype} question has no exclusive options")
        return ()
    unknown = [c for c in codes if known is not None and c not in known]
    if unknown:
        r.problem(
            line, where, "unknown_choice",
            f"exclusive options {unknown} are not choices of the question's list",
        )  # fmt: skip
    return tuple(codes)


def read_special(
    r: FieldReader, node: LineMap, where: str, qtype: str | None
) -> tuple[int | float, ...]:
    """``special: [9999]``: codes a number accepts beyond its limits (don't know, refused)."""
    value = node.get("special")
    if value is None:
        return ()
    line = node.line_of("special")
    numbers = value if isinstance(value, list) else [value]
    if not numbers or not all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in numbers
    ):
        r.problem(line, where, "wrong_type", "special must be a list of numbers")
        return ()
    if qtype is not None and qtype not in NUMERIC_TYPES:
        r.problem(line, where, "field_not_allowed", f"a {qtype} question has no special codes")
    elif "min" not in node and "max" not in node:
        r.problem(
            line, where, "field_not_allowed",
            "special codes are accepted beyond the limits: give min or max too",
        )  # fmt: skip
    return tuple(numbers)


def read_filter_by(
    r: FieldReader, node: LineMap, where: str, qtype: str | None, earlier: set[str]
) -> tuple[tuple[str, str], ...]:
    """``filter_by: {state: state_q}``: the choices whose ``filter`` ``state`` equals the
    answer to the earlier question ``state_q`` (a cascading select)."""
    value = node.get("filter_by")
    if value is None:
        return ()
    line = node.line_of("filter_by")
    if not isinstance(value, LineMap) or not all(isinstance(v, str) for v in value.values()):
        r.problem(line, where, "wrong_type", "filter_by must map a filter name to a question code")
        return ()
    if qtype is not None and qtype not in SELECT_TYPES:
        r.problem(line, where, "field_not_allowed", f"a {qtype} question has no filter_by")
    for question in value.values():
        if question not in earlier:
            r.problem(
                line, where, "unknown_question",
                f"filter_by names {question!r}, which is not an earlier question",
            )  # fmt: skip
    return tuple((str(k), str(v)) for k, v in value.items())
