"""Skip rules: the small condition language of a question's ``relevant`` field.

Grammar::

    condition  := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | "(" condition ")" | comparison
    comparison := NAME OP literal
                | NAME "in" "[" literal ("," literal)* "]"
                | "selected" "(" NAME "," literal ")"
    OP         := "=" | "!=" | "<" | "<=" | ">" | ">="
    literal    := number | 'text' | "text"

Parsing gives a tree of frozen dataclasses that later stages translate (to pandas masks, to
XLSForm relevance) without parsing text again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "OPERATORS",
    "AllOf",
    "AnyOf",
    "Compare",
    "Condition",
    "ConditionSyntaxError",
    "In",
    "Not",
    "Selected",
    "bind_waves",
    "format_condition",
    "parse_condition",
    "references",
]

Literal = int | float | str
OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_KEYWORDS = {"and", "or", "not", "in", "selected"}


@dataclass(frozen=True)
class Compare:
    """``name op value``."""

    name: str
    op: str
    value: Literal


@dataclass(frozen=True)
class In:
    """``name in [values]``."""

    name: str
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Selected:
    """``selected(name, value)``: a select_multiple answer includes ``value``."""

    name: str
    value: Literal


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: Condition


@dataclass(frozen=True)
class AllOf:
    """Every operand holds (``and``)."""

    operands: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    """At least one operand holds (``or``)."""

    operands: tuple[Condition, ...]


Condition = Compare | In | Selected | Not | AllOf | AnyOf


class ConditionSyntaxError(ValueError):
    """A skip rule that does not follow the grammar; ``position`` is the 0-based offset."""

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.position = position


_TOKEN = re.compile(
    r"""\s*(?:
        (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<op><=|>=|!=|==|=|<|>)
      | (?P<punct>[()\[\],])
      | (?P<name>[A-Za-z_][A-Za-z0-9_.\-]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            start = len(text) - len(text[position:].lstrip())
            raise ConditionSyntaxError(f"unexpected {text[start]!r}", start)
        kind = match.lastgroup
        tokens.append(_Token(kind, match.group(kind), match.start(kind)))
        position = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, kind: str, text: str | None = None, expected: str = "") -> _Token:
        token = self.peek()
        if token is None or token.kind != kind or (text is not None and token.text != text):
            what = expected or (repr(text) if text else kind)
            found = f"{token.text!r}" if token else "the end"
            position = token.position if token else len(self.text)
            raise ConditionSyntaxError(f"expected {what} but found {found}", position)
        self.index += 1
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token is not None and token.kind == kind and token.text == text

    def condition(self) -> Condition:
        operands = [self.and_expr()]
        while self.at("name", "or"):
            self.index += 1
            operands.append(self.and_expr())
        return operands[0] if len(operands) == 1 else AnyOf(tuple(operands))

    def and_expr(self) -> Condition:
        operands = [self.not_expr()]
        while self.at("name", "and"):
            self.index += 1
            operands.append(self.not_expr())
        return operands[0] if len(operands) == 1 else AllOf(tuple(operands))

    def not_expr(self) -> Condition:
        if self.at("name", "not"):
            self.index += 1
            return Not(self.not_expr())
        if self.at("punct", "("):
            self.index += 1
            inner = self.condition()
            self.take("punct", ")")
            return inner
        if self.at("name", "selected"):
            self.index += 1
            self.take("punct", "(")
            name = self.name()
            self.take("punct", ",")
            value = self.literal()
            self.take("punct", ")")
            return Selected(name, value)
        return self.comparison()

    def comparison(self) -> Condition:
        name = self.name()
        if self.at("name", "in"):
            self.index += 1
            self.take("punct", "[")
            values = [self.literal()]
            while self.at("punct", ","):
                self.index += 1
                values.append(self.literal())
            self.take("punct", "]")
            return In(name, tuple(values))
        op = self.take("op", expected="a comparison (=, !=, <, <=, >, >=, in)").text
        return Compare(name, "=" if op == "==" else op, self.literal())

    def name(self) -> str:
        token = self.take("name", expected="a question code")
        if token.text in _KEYWORDS:
            raise ConditionSyntaxError(
                f"expected a question code but found {token.text!r}", token.position
            )
        return token.text

    def literal(self) -> Literal:
        token = self.peek()
        if token is not None and token.kind == "number":
            self.index += 1
            return float(token.text) if "." in token.text else int(token.text)
        if token is not None and token.kind == "string":
            self.index += 1
            return token.text[1:-1]
        found = f"{token.text!r}" if token else "the end"
        position = token.position if token else len(self.text)
        raise ConditionSyntaxError(
            f"expected a number or a quoted text but found {found}", position
        )


def parse_condition(text: str) -> Condition:
    """Parse a skip rule.

    Parameters
    ----------
    text : str
        The condition, e.g. ``"ecom_participation = 1 and age >= 18"``.

    Returns
    -------
    Condition
        The parsed tree.

    Raises
    ------
    ConditionSyntaxError
        If the text does not follow the grammar.
    """
    parser = _Parser(text)
    if parser.peek() is None:
        raise ConditionSyntaxError("the condition is empty", 0)
    condition = parser.condition()
    extra = parser.peek()
    if extra is not None:
        raise ConditionSyntaxError(
            f"unexpected {extra.text!r} after a complete condition; join conditions "
            "with 'and' or 'or'",
            extra.position,
        )
    return condition


def references(condition: Condition) -> list[tuple[str, tuple[Literal, ...]]]:
    """Every question a condition names, with the values it compares it to, in order."""
    match condition:
        case Compare(name, _, value) | Selected(name, value):
            return [(name, (value,))]
        case In(name, values):
            return [(name, values)]
        case Not(operand):
            return references(operand)
        case AllOf(operands) | AnyOf(operands):
            return [ref for operand in operands for ref in references(operand)]
    raise TypeError(f"not a condition: {condition!r}")


def bind_waves(condition: Condition, wave: int, waved: set[str]) -> Condition:
    """Rename references to questions asked in waves to their column for ``wave``."""

    def name(code: str) -> str:
        return f"{code}_{wave}" if code in waved else code

    match condition:
        case Compare(code, op, value):
            return Compare(name(code), op, value)
        case In(code, values):
            return In(name(code), values)
        case Selected(code, value):
            return Selected(name(code), value)
        case Not(operand):
            return Not(bind_waves(operand, wave, waved))
        case AllOf(operands):
            return AllOf(tuple(bind_waves(o, wave, waved) for o in operands))
        case AnyOf(operands):
            return AnyOf(tuple(bind_waves(o, wave, waved) for o in operands))
    raise TypeError(f"not a condition: {condition!r}")


def _literal(value: Literal) -> str:
    if isinstance(value, str):
        return f'"{value}"' if "'" in value else f"'{value}'"
    if isinstance(value, float):
        from decimal import Decimal

        # repr writes 0.00001 as 1e-05, which the grammar has no place for.
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else f"{text}.0"
    return repr(value)


def format_condition(condition: Condition) -> str:
    """Write a condition back as text that :func:`parse_condition` reads to the same tree."""
    match condition:
        case Compare(name, op, value):
            return f"{name} {op} {_literal(value)}"
        case In(name, values):
            return f"{name} in [{', '.join(_literal(v) for v in values)}]"
        case Selected(name, value):
            return f"selected({name}, {_literal(value)})"
        case Not(operand):
            inner = format_condition(operand)
            return f"not ({inner})" if isinstance(operand, AllOf | AnyOf) else f"not {inner}"
        case AllOf(operands):
            # An and/or inside an "and" keeps its brackets, so the text reads back to this tree.
            return " and ".join(
                f"({format_condition(o)})" if isinstance(o, AllOf | AnyOf) else format_condition(o)
                for o in operands
            )
        case AnyOf(operands):
            return " or ".join(
                f"({format_condition(o)})" if isinstance(o, AnyOf) else format_condition(o)
                for o in operands
            )
    raise TypeError(f"not a condition: {condition!r}")
