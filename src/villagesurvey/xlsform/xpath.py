"""The XPath of XLSForm relevance and constraints: skip rules written, a small part read back.

Writing: :func:`condition_xpath` turns a skip rule of the instrument's condition language
(:mod:`villagesurvey.instrument.conditions`) into XLSForm relevance, with ``${column}``
references::

    ecom_participation_2022 = 1 and age >= 18
    ->  ${ecom_participation_2022} = '1' and ${age} >= 18

Choice codes are quoted (a select answer is text in an XForm), numbers are not, and a text
compared with a ``date`` question is wrapped in ``date('...')``. ``q in [1, 3]`` becomes
``(${q} = '1' or ${q} = '3')``.

Reading: :func:`parse_xpath` parses the part of XPath that XLSForms use for simple rules
(``${q}``, ``.``, numbers, quoted text, ``= != < <= > >=``, ``*``, ``and``, ``or``, function
calls, brackets) into a small tree; anything else raises :class:`XPathError`, which the
importer reports instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..instrument.conditions import AllOf, AnyOf, Compare, Condition, In, Not, Selected

__all__ = [
    "And",
    "Call",
    "Cmp",
    "Mul",
    "Node",
    "Num",
    "Or",
    "Ref",
    "Self",
    "Str",
    "XPathError",
    "condition_xpath",
    "number_xpath",
    "parse_xpath",
    "quote",
]

_QUOTED_TYPES = ("select_one", "select_multiple", "likert")


class XPathError(ValueError):
    """An expression outside the part of XPath that maps; the message says what is there."""


# -- writing -----------------------------------------------------------------------------------


def quote(text: str) -> str:
    """An XPath string literal: ``'text'``, or ``"text"`` when it holds an apostrophe."""
    return f'"{text}"' if "'" in text else f"'{text}'"


def number_xpath(value: int | float) -> str:
    """A number as XPath reads it: never ``1e-05``, which XPath has no place for."""
    if isinstance(value, int):
        return str(value)
    text = format(Decimal(repr(value)), "f")
    return text if "." in text else f"{text}.0"


def _is_iso_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _literal(value: int | float | str, qtype: str | None) -> str:
    if qtype in _QUOTED_TYPES:
        return quote(str(value))
    if isinstance(value, str):
        if qtype == "date" and _is_iso_date(value):
            return f"date({quote(value)})"
        return quote(value)
    return number_xpath(value)


def condition_xpath(condition: Condition, types: Mapping[str, str]) -> str:
    """Write a skip rule as XLSForm relevance.

    Parameters
    ----------
    condition : Condition
        The rule, its names bound to columns (:attr:`Column.relevant`).
    types : Mapping[str, str]
        The question type of each column the rule may name.

    Returns
    -------
    str
        The XPath expression, e.g. ``${ecom_participation_2022} = '1'``.
    """

    def write(node: Condition) -> str:
        match node:
            case Compare(name, op, value):
                return f"${{{name}}} {op} {_literal(value, types.get(name))}"
            case In(name, values):
                each = [write(Compare(name, "=", v)) for v in values]
                return each[0] if len(each) == 1 else f"({' or '.join(each)})"
            case Selected(name, value):
                return f"selected(${{{name}}}, {_literal(value, types.get(name))})"
            case Not(operand):
                return f"not({write(operand)})"
            case AllOf(operands):
                return " and ".join(
                    f"({write(o)})" if isinstance(o, AllOf | AnyOf) else write(o) for o in operands
                )
            case AnyOf(operands):
                return " or ".join(
                    f"({write(o)})" if isinstance(o, AnyOf) else write(o) for o in operands
                )
        raise TypeError(f"not a condition: {node!r}")

    return write(condition)


# -- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """``${name}``."""

    name: str


@dataclass(frozen=True)
class Self:
    """``.``, the answer being checked."""


@dataclass(frozen=True)
class Num:
    """A number."""

    value: int | float


@dataclass(frozen=True)
class Str:
    """A quoted text."""

    value: str


@dataclass(frozen=True)
class Call:
    """``name(args)``."""

    name: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Cmp:
    """``left op right`` with ``op`` one of ``= != < <= > >=``."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Mul:
    """``left * right``."""

    left: Node
    right: Node


@dataclass(frozen=True)
class And:
    """``a and b and ...``."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """``a or b or ...``."""

    items: tuple[Node, ...]


Node = Ref | Self | Num | Str | Call | Cmp | Mul | And | Or

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][\w.\-]*)\s*\})
      | (?P<num>\d+(?:\.\d*)?|\.\d+)
      | (?P<str>'[^']*'|"[^"]*")
      | (?P<op><=|>=|!=|=|<|>)
      | (?P<punct>[(),*-])
      | (?P<self>\.(?!\.))
      | (?P<name>[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)
    )""",
    re.VERBOSE,
)


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            start = len(text) - len(text[position:].lstrip())
            raise XPathError(f"{text[start : start + 12]!r} is not read")
        kind = "ref" if match.group("ref") else match.lastgroup
        value = match.group("refname") if kind == "ref" else match.group(kind)
        tokens.append((kind, value))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def accept(self, kind: str, value: str | None = None) -> bool:
        token = self.peek()
        if token is not None and token[0] == kind and (value is None or token[1] == value):
            self.index += 1
            return True
        return False

    def expect(self, kind: str, value: str) -> None:
        if not self.accept(kind, value):
            token = self.peek()
            found = repr(token[1]) if token else "the end"
            raise XPathError(f"expected {value!r} but found {found}")

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.accept("name", "or"):
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.comparison()]
        while self.accept("name", "and"):
            items.append(self.comparison())
        return items[0] if len(items) == 1 else And(tuple(items))

    def comparison(self) -> Node:
        left = self.product()
        token = self.peek()
        if token is not None and token[0] == "op":
            self.index += 1
            right = self.product()
            after = self.peek()
            if after is not None and after[0] == "op":
                raise XPathError("a chain of comparisons is not read")
            return Cmp(token[1], left, right)
        return left

    def product(self) -> Node:
        node = self.unary()
        while self.accept("punct", "*"):
            node = Mul(node, self.unary())
        return node

    def unary(self) -> Node:
        if self.accept("punct", "-"):
            operand = self.unary()
            if not isinstance(operand, Num):
                raise XPathError("a minus sign is read only before a number")
            return Num(-operand.value)
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise XPathError("the expression ends too early")
        kind, value = token
        self.index += 1
        if kind == "ref":
            return Ref(value)
        if kind == "self":
            return Self()
        if kind == "num":
            return Num(float(value) if "." in value else int(value))
        if kind == "str":
            return Str(value[1:-1])
        if kind == "punct" and value == "(":
            inner = self.or_expr()
            self.expect("punct", ")")
            return inner
        if kind == "name" and self.accept("punct", "("):
            args: list[Node] = []
            if not self.accept("punct", ")"):
                args.append(self.or_expr())
                while self.accept("punct", ","):
                    args.append(self.or_expr())
                self.expect("punct", ")")
            return Call(value, tuple(args))
        raise XPathError(f"{value!r} is not read here")


def parse_xpath(text: str) -> Node:
    """Parse the simple part of XPath that XLSForm relevance and constraints use.

    Parameters
    ----------
    text : str
        E.g. ``${age} >= 18 and selected(${crops}, 'rice')`` or ``. >= 0 and . <= 100``.

    Returns
    -------
    Node
        The expression as a tree of :class:`Ref`, :class:`Self`, :class:`Num`, :class:`Str`,
        :class:`Call`, :class:`Cmp`, :class:`Mul`, :class:`And` and :class:`Or`.

    Raises
    ------
    XPathError
        For anything else: paths (``/data/q``, ``..``), arithmetic other than ``*``,
        ``div``/``mod``, typographic quotes, a chain of comparisons.
    """
    parser = _Parser(text)
    if parser.peek() is None:
        raise XPathError("the expression is empty")
    node = parser.or_expr()
    extra = parser.peek()
    if extra is not None:
        raise XPathError(f"{extra[1]!r} after a complete expression is not read")
    return node
