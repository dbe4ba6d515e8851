"""Skip rules as interviewer instructions: which columns a rule skips and where to go on.

The workbook, the XLSForm and validate all read a skip rule the same way: a column is
asked only when its (wave-bound) condition holds. On paper the interviewer needs the
reverse: at the question the rule is about, *which answers send them on, and to where*.
"""

from __future__ import annotations

from ..instrument import Column, Instrument
from ..instrument.conditions import Compare, Condition, In, Literal, Not, references
from .form import Skip

__all__ = ["condition_fails", "skip_instructions"]


def skip_instructions(instrument: Instrument) -> tuple[Skip, ...]:
    """One :class:`Skip` per run of consecutive columns that share a skip rule.

    Parameters
    ----------
    instrument : Instrument

    Returns
    -------
    tuple of Skip
        In workbook column order. The target is the first column after the run.
    """
    columns = instrument.columns
    skips: list[Skip] = []
    start = 0
    while start < len(columns):
        condition = columns[start].relevant
        if condition is None:
            start += 1
            continue
        end = start
        while end + 1 < len(columns) and columns[end + 1].relevant == condition:
            end += 1
        skips.append(_skip(instrument, columns, start, end, condition))
        start = end + 1
    return tuple(skips)


def _skip(
    instrument: Instrument, columns: tuple[Column, ...], start: int, end: int, condition: Condition
) -> Skip:
    run = columns[start : end + 1]
    target = columns[end + 1].code if end + 1 < len(columns) else None
    first, last = run[0].question.code, run[-1].question.code
    whole = (start == 0 or columns[start - 1].question.code != first) and (
        target is None or columns[end + 1].question.code != last
    )
    source = None
    names = {name for name, _ in references(condition)}
    if whole and start > 0 and names == {columns[start - 1].code}:
        source = columns[start - 1].code
    otherwise = None
    if source is not None:
        choices = instrument.choice_list(instrument.column(source).question)
        if choices and instrument.column(source).question.type != "select_multiple":
            fails = tuple(c.code for c in choices if condition_fails(condition, c.code))
            otherwise = fails if fails else None
    return Skip(condition, tuple(c.code for c in run), target, source, otherwise, whole)


def condition_fails(condition: Condition, answer: Literal) -> bool:
    """True when a condition on one single-answer question fails for ``answer``.

    Only comparisons (``=``, ``!=``, ``<`` ...), ``in`` and ``not`` are decided; anything
    else (``and``, ``or``, ``selected``) counts as not failing, so no answer is listed.
    """
    match condition:
        case Compare(_, op, value):
            return not _compare(answer, op, value)
        case In(_, values):
            return not any(_same(answer, v) for v in values)
        case Not(operand):
            return not condition_fails(operand, answer) and _decided(operand)
    return False


def _decided(condition: Condition) -> bool:
    match condition:
        case Compare() | In():
            return True
        case Not(operand):
            return _decided(operand)
    return False


def _same(answer: Literal, value: Literal) -> bool:
    if isinstance(answer, str) or isinstance(value, str):
        return str(answer) == str(value)
    return answer == value


def _compare(answer: Literal, op: str, value: Literal) -> bool:
    if op == "=":
        return _same(answer, value)
    if op == "!=":
        return not _same(answer, value)
    if isinstance(answer, str) or isinstance(value, str):
        return False  # an order between texts means nothing for a code
    return {"<": answer < value, "<=": answer <= value, ">": answer > value,
            ">=": answer >= value}[op]  # fmt: skip
