"""Household outcomes derived from a roster: ``derive: {earners: count(roster.members, ...)}``.

An expression names one function, its roster and its arguments, and nothing else: it is
read by a small parser, never evaluated as code.

======================================  ===================================================
``count(roster.R)``                     the household's rows in roster ``R``
``count(roster.R, CONDITION)``          its rows for which the condition holds
``sum(roster.R, QUESTION)``             the sum of a number question over its rows
``sum(roster.R, QUESTION, CONDITION)``  ... over the rows for which the condition holds
``mean(roster.R, QUESTION[, COND])``    the mean of a number question over (those) rows
``share(roster.R, CONDITION[, AMONG])`` the share of its rows (of those for which ``AMONG``
                                        holds) for which the condition holds, 0 to 1
======================================  ===================================================

Conditions are written as skip rules (``earnings > 0``, ``relation in [3, 4]``,
``member_age >= 16 and works = 1``). A question asked in waves makes the outcome one
column per wave (``earners_2020``, ``earners_2022``), a before/after pair.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .conditions import Condition, ConditionSyntaxError, parse_condition

__all__ = ["FUNCTIONS", "DeriveSyntaxError", "Derived", "parse_conditions", "parse_derive"]

FUNCTIONS = ("count", "sum", "mean", "share")
"""The functions an expression may use."""

_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*\((.*)\)\s*$", re.DOTALL)
_ROSTER = re.compile(r"^roster\.([A-Za-z][A-Za-z0-9_.\-]*)$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


@dataclass(frozen=True)
class Derived:
    """A household outcome computed from a roster's rows.

    Attributes
    ----------
    code : str
        Its name in the dataset (with ``_<wave>`` per wave when ``waves`` is not empty).
    expression : str
        As written in the instrument.
    function : str
        One of :data:`FUNCTIONS`.
    roster : str
        The roster's code.
    question : str or None
        The number question summed or averaged (``sum``, ``mean``).
    condition : str or None
        The rows counted (``count``, ``share``) or summed / averaged (``sum``, ``mean``).
    among : str or None
        For ``share``: the rows it is a share of (all rows when None).
    label : dict or None
        Its label per language, if given.
    waves : tuple of int
        The waves of the roster questions it names (empty: one column).
    unit : str or None
        The unit of its values (a ``sum`` or ``mean`` has its question's unit).
    sesoi : float or None
        The smallest change of interest, in its unit.
    """

    code: str
    expression: str
    function: str
    roster: str
    question: str | None = None
    condition: str | None = None
    among: str | None = None
    label: dict[str, str] | None = None
    waves: tuple[int, ...] = ()
    unit: str | None = None
    sesoi: float | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The dataset columns it makes: one per wave, or its code alone."""
        return tuple(f"{self.code}_{w}" for w in self.waves) or (self.code,)

    @property
    def conditions(self) -> tuple[str, ...]:
        """Its condition and its ``among``, where given."""
        return tuple(c for c in (self.condition, self.among) if c)


class DeriveSyntaxError(ValueError):
    """An expression that is not one of the forms :func:`parse_derive` reads."""


def parse_derive(code: str, expression: str) -> Derived:
    """Read an expression into a :class:`Derived` (its waves, label and unit left unset).

    Parameters
    ----------
    code : str
        The outcome's name.
    expression : str
        ``count(roster.members, earnings > 0)`` and the like (see the module's table).

    Returns
    -------
    Derived

    Raises
    ------
    DeriveSyntaxError
        Saying what is wrong and what is expected.
    """
    match = _CALL.match(expression)
    if match is None:
        raise DeriveSyntaxError(
            "write a function of a roster, such as count(roster.members, earnings > 0)"
        )
    function, inside = match[1], match[2]
    if function not in FUNCTIONS:
        raise DeriveSyntaxError(
            f"{function!r} is not a function here; use one of {', '.join(FUNCTIONS)}"
        )
    args = _split(inside)
    roster = _ROSTER.match(args[0]) if args else None
    if roster is None:
        raise DeriveSyntaxError(f"{function}( must begin with the roster: roster.<code>")
    rest = args[1:]
    if function in ("count", "share"):
        most = 1 if function == "count" else 2
        if len(rest) > most or (function == "share" and not rest):
            raise DeriveSyntaxError(
                "count(roster.R) or count(roster.R, CONDITION)"
                if function == "count"
                else "share(roster.R, CONDITION) or share(roster.R, CONDITION, AMONG)"
            )
        conditions = [_condition(c) for c in rest]
        return Derived(
            code, expression, function, roster[1],
            condition=conditions[0] if conditions else None,
            among=conditions[1] if len(conditions) > 1 else None,
        )  # fmt: skip
    if not 1 <= len(rest) <= 2 or not _NAME.match(rest[0]):
        raise DeriveSyntaxError(
            f"{function}(roster.R, QUESTION) or {function}(roster.R, QUESTION, CONDITION)"
        )
    condition = _condition(rest[1]) if len(rest) == 2 else None
    return Derived(code, expression, function, roster[1], rest[0], condition)


def parse_conditions(derived: Derived) -> tuple[Condition, ...]:
    """Its conditions, parsed (they were checked when the instrument was read)."""
    return tuple(parse_condition(c) for c in derived.conditions)


def _condition(text: str) -> str:
    try:
        parse_condition(text)
    except ConditionSyntaxError as error:
        raise DeriveSyntaxError(f"condition {text!r}: {error}") from None
    return text


def _split(inside: str) -> list[str]:
    """The arguments, split at commas outside parentheses, brackets and quotes."""
    args, depth, quote, start = [], 0, "", 0
    for i, ch in enumerate(inside):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(inside[start:i].strip())
            start = i + 1
    args.append(inside[start:].strip())
    if depth or quote or any(not a for a in args):
        raise DeriveSyntaxError("unbalanced parentheses or quotes, or an empty argument")
    return args
