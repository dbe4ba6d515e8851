"""Read XLSForm relevance into skip rules, and constraints into limits and checks.

Only what has an exact equivalent is read. Relevance of the forms ``${q} = 'x'``,
``selected(${q}, 'x')``, comparisons with numbers and ``date('...')``, combined with ``and``,
``or``, ``not()`` and brackets, becomes a :class:`~villagesurvey.instrument.conditions.Condition`.
A constraint is read atom by atom (``. >= 0 and . <= 100``): ``. op number`` becomes a limit
where a limit says the same (``. > 5`` is ``min: 6`` for a whole number); ``. <= ${total}``
and ``. <= 2 * ${total}`` become checks. Whatever else is there is
returned as a reason, so that nothing is dropped silently.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..instrument.conditions import AllOf, AnyOf, Compare, Condition, In, Not, Selected
from ..instrument.model import TODAY, Limit
from .xpath import And, Call, Cmp, Mul, Node, Num, Or, Ref, Self, Str, XPathError, parse_xpath

__all__ = ["ConstraintParts", "Resolve", "Target", "constraint_parts", "relevance_condition"]

_FLIP = {"=": "=", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_SELECTS = ("select_one", "select_multiple", "likert")


@dataclass(frozen=True)
class Target:
    """A question an expression names: its column, type and choice codes."""

    column: str
    type: str
    codes: tuple[int | str, ...] = ()


Resolve = Callable[[str], Target | None]
"""Find the imported question a ``${name}`` names; ``None`` if it is not an earlier one."""


def relevance_condition(text: str, resolve: Resolve) -> Condition:
    """Read XLSForm relevance as a skip rule; :class:`XPathError` says why it cannot be."""
    return _condition(parse_xpath(text), resolve)


def _target(name: str, resolve: Resolve) -> Target:
    target = resolve(name)
    if target is None:
        raise XPathError(f"it names ${{{name}}}, which is not an earlier question that was read")
    return target


def _condition(node: Node, resolve: Resolve) -> Condition:
    match node:
        case Or(items):
            return _as_in(AnyOf(tuple(_condition(item, resolve) for item in items)))
        case And(items):
            return AllOf(tuple(_condition(item, resolve) for item in items))
        case Call("not", (operand,)):
            return Not(_condition(operand, resolve))
        case Call("selected", (Ref(name), literal)):
            target = _target(name, resolve)
            value = _value(literal, target, name)
            if target.type == "select_multiple":
                return Selected(target.column, value)
            return Compare(target.column, "=", value)
        case Cmp(op, Ref(name), right) if not isinstance(right, Ref):
            target = _target(name, resolve)
            return Compare(target.column, op, _value(right, target, name))
        case Cmp(op, left, Ref(name)) if not isinstance(left, Ref):
            target = _target(name, resolve)
            return Compare(target.column, _FLIP[op], _value(left, target, name))
        case Cmp(_, left, right):
            for side in (left, right):
                if isinstance(side, Call) and side.name != "date":
                    raise XPathError(f"the function {side.name}() has no equivalent")
            raise XPathError("it compares two answers or expressions, not an answer with a value")
        case Call(function, _):
            raise XPathError(f"the function {function}() has no equivalent")
    raise XPathError("it is not a condition on an earlier answer")


def _as_in(condition: AnyOf) -> Condition:
    """``q = 1 or q = 3`` is ``q in [1, 3]``, the way such a rule is written back."""
    names = {o.name for o in condition.operands if isinstance(o, Compare) and o.op == "="}
    if len(names) == 1 and all(isinstance(o, Compare) and o.op == "=" for o in condition.operands):
        values = tuple(o.value for o in condition.operands if isinstance(o, Compare))
        return In(names.pop(), values)
    return condition


def _constant(node: Node) -> int | float | str:
    match node:
        case Num(value):
            return value
        case Str(value):
            return value
        case Call("date", (Str(value),)):
            return value
        case Call(function, _):
            raise XPathError(f"the function {function}() has no equivalent")
    raise XPathError("it compares with an expression, not a value")


def _value(node: Node, target: Target, name: str) -> int | float | str:
    value = _constant(node)
    if value == "":
        raise XPathError("it tests for a blank answer, which a skip rule cannot say")
    if target.type in _SELECTS:
        text = _number_text(value) if not isinstance(value, str) else value
        for code in target.codes:
            if str(code) == text:
                return code
        raise XPathError(f"{text!r} is not a choice of ${{{name}}}")
    if target.type in ("integer", "decimal") and isinstance(value, str):
        number = _number(value)
        if number is None:
            raise XPathError(f"it compares the number ${{{name}}} with the text {value!r}")
        return number
    if target.type == "date" and (not isinstance(value, str) or _date(value) is None):
        raise XPathError(f"it compares the date ${{{name}}} with {value!r}, not a date")
    return value


def _number_text(value: int | float | str) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _number(text: str) -> int | float | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


# -- constraints -------------------------------------------------------------------------------


@dataclass
class ConstraintParts:
    """What a constraint says, read atom by atom.

    Attributes
    ----------
    limits : dict
        ``min`` and ``max`` where an atom is a limit.
    rules : list of (op, right, factor)
        Checks ``question op factor * right``, or ``question op factor`` when ``right`` is
        ``None`` (a bound a limit cannot say: ``. > 0`` on a decimal, ``. != 999``).
    lost : list of str
        The atoms not read, each with the reason.
    """

    limits: dict[str, Limit] = field(default_factory=dict)
    rules: list[tuple[str, str | None, int | float]] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    pattern: str | None = None
    special: list[int | float] = field(default_factory=list)
    exclusive: list[str] = field(default_factory=list)


def _atoms(node: Node) -> list[Node]:
    if isinstance(node, And):
        return [atom for item in node.items for atom in _atoms(item)]
    return [node]


def constraint_parts(text: str, own: str, qtype: str, resolve: Resolve) -> ConstraintParts:
    """Read a constraint on the question ``own`` of type ``qtype``.

    Raises
    ------
    XPathError
        If the constraint cannot be parsed, or joins its parts with ``or``.
    """
    node = parse_xpath(text)
    special: list[int | float] = []
    if isinstance(node, Or) and qtype in ("integer", "decimal"):
        rest = [item for item in node.items if _special(item, own) is None]
        if len(rest) == 1:  # limits, or a code beyond them: (. >= 0 and . < 92) or . = 9999
            special = [v for item in node.items if (v := _special(item, own)) is not None]
            node = rest[0]
    if isinstance(node, Or):
        raise XPathError("it joins conditions with 'or', which limits cannot say")
    parts = ConstraintParts(special=special)
    for atom in _atoms(node):
        try:
            _atom(atom, own, qtype, resolve, parts)
        except XPathError as reason:
            parts.lost.append(str(reason))
    return parts


def _exclusive(node: Node, own: str) -> str | None:
    """The option of ``not(selected(., 'none') and count-selected(.) > 1)``, else ``None``."""
    if not (isinstance(node, Call) and node.name == "not" and len(node.args) == 1):
        return None
    inner = node.args[0]
    if not (isinstance(inner, And) and len(inner.items) == 2):
        return None
    picked, count = inner.items
    if isinstance(count, Call):
        picked, count = count, picked
    if not (isinstance(picked, Call) and picked.name == "selected" and len(picked.args) == 2):
        return None
    option = picked.args[1]
    if not (_is_self(picked.args[0], own) and isinstance(option, Str)):
        return None
    if not (isinstance(count, Cmp) and isinstance(count.left, Call)
            and count.left.name == "count-selected" and isinstance(count.right, Num)
            and (count.op, count.right.value) in ((">", 1), (">=", 2))):  # fmt: skip
        return None
    return option.value


def _special(node: Node, own: str) -> int | float | None:
    """The number of ``. = 9999`` (a code beyond the limits), else ``None``."""
    if isinstance(node, Cmp) and node.op == "=":
        for this, other in ((node.left, node.right), (node.right, node.left)):
            if _is_self(this, own) and isinstance(other, Num):
                return other.value
    return None


def _is_self(node: Node, own: str) -> bool:
    return isinstance(node, Self) or (isinstance(node, Ref) and node.name == own)


def _atom(atom: Node, own: str, qtype: str, resolve: Resolve, parts: ConstraintParts) -> None:
    alone = _exclusive(atom, own) if qtype == "select_multiple" else None
    if alone is not None:
        parts.exclusive.append(alone)
        return
    if isinstance(atom, Call) and atom.name == "regex" and qtype == "text":
        pattern = atom.args[1] if len(atom.args) == 2 else None
        if isinstance(pattern, Str) and _is_self(atom.args[0], own) and parts.pattern is None:
            parts.pattern = pattern.value
            return
        raise XPathError("only one regex() of the answer itself can be a pattern")
    if isinstance(atom, Call):
        raise XPathError(f"the function {atom.name}() has no equivalent")
    if not isinstance(atom, Cmp):
        raise XPathError("a part that is not a comparison of the answer is not read")
    op, other = atom.op, atom.right
    if not _is_self(atom.left, own):
        if not _is_self(atom.right, own):
            raise XPathError("a part that does not compare the answer itself is not read")
        op, other = _FLIP[atom.op], atom.left
    rule = _other_question(other, resolve)
    if rule is not None:
        if qtype not in ("integer", "decimal"):
            raise XPathError(f"a {qtype} answer cannot be compared with another answer")
        parts.rules.append((op, rule[0], rule[1]))
        return
    if qtype == "date" and other == Call("today", ()):
        if op != "<=":  # a later check cannot know the day the phone asked
            raise XPathError(f"'. {op} today()' is not a date limit: only '. <= today()' is")
        _tighten(parts, "max", TODAY)
        return
    value = _constant(other)
    if qtype in ("integer", "decimal"):
        number = value if not isinstance(value, str) else _number(value)
        if number is None:
            raise XPathError(f"a number is compared with the text {value!r}")
        _number_limit(op, number, qtype, parts)
    elif qtype == "date":
        day = _date(value) if isinstance(value, str) else None
        if day is None or op == "!=":
            raise XPathError(f"'. {op} {value}' is not a date limit")
        step = timedelta(days=1)
        bounds = {">=": ("min", day), ">": ("min", day + step), "<=": ("max", day),
                  "<": ("max", day - step), "=": ("both", day)}  # fmt: skip
        _tighten(parts, *bounds[op])
    else:
        raise XPathError(f"a {qtype} answer has no limits")


def _other_question(node: Node, resolve: Resolve) -> tuple[str, int | float] | None:
    """``${total}`` or ``2 * ${total}``: the column compared with and its factor."""
    factor: int | float = 1
    if isinstance(node, Mul):
        if isinstance(node.left, Num) and isinstance(node.right, Ref):
            factor, node = node.left.value, node.right
        elif isinstance(node.right, Num) and isinstance(node.left, Ref):
            factor, node = node.right.value, node.left
        else:
            raise XPathError("only 'number * ${question}' is read as a product")
    if not isinstance(node, Ref):
        return None
    target = _target(node.name, resolve)
    if target.type not in ("integer", "decimal"):
        raise XPathError(f"${{{node.name}}} is not a number")
    return target.column, factor


def _number_limit(op: str, value: int | float, qtype: str, parts: ConstraintParts) -> None:
    if qtype == "integer":
        whole = {
            ">=": ("min", math.ceil(value)), ">": ("min", math.floor(value) + 1),
            "<=": ("max", math.floor(value)), "<": ("max", math.ceil(value) - 1),
        }  # fmt: skip
        if op in whole:
            _tighten(parts, *whole[op])
            return
        if op == "=" and float(value).is_integer():
            _tighten(parts, "both", int(value))
            return
    elif op in (">=", "<=", "="):
        _tighten(parts, {">=": "min", "<=": "max", "=": "both"}[op], value)
        return
    parts.rules.append((op, None, value))  # '. > 0', '. != 999': a check, not a limit


def _tighten(parts: ConstraintParts, which: str, value: Limit) -> None:
    limits = parts.limits
    if TODAY in (value, limits.get("max")) and "max" in limits:
        raise XPathError("a second upper limit beside today() is not read")
    if which in ("min", "both"):
        limits["min"] = max(limits["min"], value) if "min" in limits else value
    if which in ("max", "both"):
        limits["max"] = min(limits["max"], value) if "max" in limits else value
