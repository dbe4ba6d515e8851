"""Back-check marks on questions: ``backcheck: 1|2|3`` and ``backcheck_tolerance``.

A back-check re-asks a few questions of a sample of respondents; the instrument says which,
and what a difference means (the three types of IPA's back-check manual and its Stata
command ``bcstats``):

1. facts that must not differ (household size, roof material): a difference is a question
   for the enumerator;
2. answers that are hard to ask well: differences show who needs training;
3. answers whose stability is of interest: compared with a paired test.

A number question may give a tolerance within which a difference does not count: an amount
in its unit (``backcheck_tolerance: 1``) or a share of the survey's value
(``backcheck_tolerance: 10%``). Each reader records a located problem instead of raising.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._fields import FieldReader
    from ._yaml import LineMap
    from .model import Question

__all__ = ["BACKCHECK_TYPES", "CHECKABLE_TYPES", "Tolerance", "check_backchecks", "read_backcheck"]

BACKCHECK_TYPES = (1, 2, 3)
CHECKABLE_TYPES = (
    "integer", "decimal", "text", "date", "select_one", "select_multiple", "likert",
)  # fmt: skip
"""Question types a back-check compares (not times, points or the phone's calculations)."""
_NUMBERS = ("integer", "decimal")
_PERCENT = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*%\s*$")


@dataclass(frozen=True)
class Tolerance:
    """How far a back-check's number may lie from the survey's and still agree.

    ``amount`` in the question's unit, or with ``relative`` a percentage of the survey's
    value: the two agree when ``|back-check - survey| <= amount`` (or ``amount / 100 *
    |survey|``).
    """

    amount: int | float
    relative: bool = False

    def allows(self, survey: float, backcheck: float) -> bool:
        """Whether the two values agree within the tolerance."""
        room = self.amount / 100 * abs(survey) if self.relative else self.amount
        return abs(backcheck - survey) <= room * (1 + 1e-12)

    @property
    def text(self) -> str:
        """The tolerance as written in the instrument (``1``, ``10%``)."""
        return f"{self.amount}%" if self.relative else str(self.amount)


def read_backcheck(
    r: FieldReader, node: LineMap, where: str, qtype: str | None
) -> tuple[int | None, Tolerance | None]:
    """The question's back-check type and tolerance, each ``None`` when not given (or wrong)."""
    kind = node.get("backcheck")
    if kind is not None and (
        isinstance(kind, bool) or not isinstance(kind, int) or kind not in BACKCHECK_TYPES
    ):
        r.problem(
            node.line_of("backcheck"), where, "wrong_type",
            f"backcheck must be 1, 2 or 3 (the back-check type), not {kind!r}",
        )  # fmt: skip
        kind = None
    elif kind is not None and qtype is not None and qtype not in CHECKABLE_TYPES:
        r.problem(
            node.line_of("backcheck"), where, "field_not_allowed",
            f"a {qtype} question is not back-checked; remove backcheck",
        )  # fmt: skip
    tolerance = _tolerance(r, node, where, qtype, kind)
    return kind, tolerance


def _tolerance(
    r: FieldReader, node: LineMap, where: str, qtype: str | None, kind: Any
) -> Tolerance | None:
    if "backcheck_tolerance" not in node:
        return None
    value = node["backcheck_tolerance"]
    line = node.line_of("backcheck_tolerance")
    tolerance: Tolerance | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if math.isfinite(value) and value >= 0:
            tolerance = Tolerance(value)
    elif isinstance(value, str) and (match := _PERCENT.match(value)):
        number = float(match.group(1))
        tolerance = Tolerance(int(number) if number.is_integer() else number, relative=True)
    if tolerance is None:
        r.problem(
            line, where, "bad_limit",
            f"backcheck_tolerance must be an amount of 0 or more (2) or a percentage (10%), "
            f"not {value!r}",
        )  # fmt: skip
        return None
    if "backcheck" not in node:
        r.problem(
            line, where, "field_not_allowed",
            "backcheck_tolerance needs backcheck: 1, 2 or 3 on the question",
        )  # fmt: skip
    elif qtype is not None and qtype not in _NUMBERS:
        r.problem(
            line, where, "field_not_allowed",
            f"only a number has a back-check tolerance, not a {qtype} question; remove it",
        )  # fmt: skip
    return tolerance


def check_backchecks(
    r: FieldReader,
    key: Sequence[str],
    household: Sequence[Question],
    rosters: Sequence[Question],
) -> None:
    """A key question is how a back-check finds its survey row, and a roster row has no
    place in the comparison: neither is back-checked."""
    for question in household:
        if question.code in key and question.backcheck is not None:
            r.problem(
                r.question_lines.get(question.code), f"question {question.code!r}",
                "field_not_allowed",
                f"{question.code!r} is in the key, which matches a back-check with its survey "
                "row; remove backcheck",
            )  # fmt: skip
    for question in rosters:
        if question.backcheck is not None:
            r.problem(
                r.question_lines.get(question.code), f"question {question.code!r}",
                "field_not_allowed",
                "a roster question is not back-checked (a back-check compares the household's "
                "answers); remove backcheck",
            )  # fmt: skip
