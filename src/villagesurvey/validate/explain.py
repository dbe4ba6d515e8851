"""Say in plain words why a schema check failed on a cell, and what was expected."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codebook import format_limit
from ..instrument import Column, Instrument
from ..instrument.conditions import format_condition, references
from .cells import show

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["explain"]


def explain(
    instrument: Instrument, failed: pd.DataFrame, typed: pd.DataFrame, raw: pd.DataFrame
) -> pd.DataFrame:
    """Findings (``record, column, value, check, message, expected``) for schema failures.

    Parameters
    ----------
    instrument : Instrument
        The rules' source.
    failed : DataFrame
        ``record, column, check`` from :func:`.schema.failures`.
    typed, raw : DataFrame
        The typed answers and the cells as they came in, indexed by record.
    """
    import pandas as pd

    messages: list[str] = []
    expected: list[str] = []
    shown: list[str] = []
    records = failed["record"].to_numpy()
    answers = _Cells(typed, records)
    cells = _Cells(raw, records)
    for i, (code, check) in enumerate(failed[["column", "check"]].itertuples(index=False)):
        column = instrument.column(code)
        value = answers.at(i, code)
        value = None if pd.isna(value) else value
        row = _Row(answers, i)
        if check in _WORDS:
            message, wanted = _WORDS[check](instrument, column, value, row)
        else:  # one of the instrument's own checks
            message, wanted = _rule(instrument, check, column, value, row)
        messages.append(message)
        expected.append(wanted)
        shown.append(show(cells.at(i, code)) if code in raw else show(value))
    return pd.DataFrame(
        {
            "record": failed["record"].to_numpy(dtype=object),
            "column": failed["column"].to_numpy(dtype=object),
            "value": pd.Series(shown, dtype=object),
            "check": failed["check"].to_numpy(dtype=object),
            "message": pd.Series(messages, dtype=object),
            "expected": pd.Series(expected, dtype=object),
        }
    )


class _Cells:
    """The cells of a frame at the records of the findings, a column's array taken once.

    ``at(i, code)`` is ``frame.at[records[i], code]``: the same element of the column's
    array, without looking up the record and the column for each finding.
    """

    def __init__(self, frame: pd.DataFrame, records: Any) -> None:
        self.frame = frame
        self.positions = frame.index.get_indexer(records) if len(records) else []
        self.arrays: dict[str, Any] = {}

    def at(self, i: int, code: str) -> Any:
        """The cell of the ``i``-th finding's record in column ``code``."""
        if code not in self.arrays:
            self.arrays[code] = self.frame[code].array
        position = self.positions[i]
        if position < 0:  # pragma: no cover - a finding's record is always a row
            raise KeyError(code)
        return self.arrays[code][position]


class _Row:
    """One record's typed answers, looked up only when a message needs them."""

    def __init__(self, cells: _Cells, i: int) -> None:
        self.cells, self.i = cells, i

    def __getitem__(self, code: str) -> Any:
        return self.cells.at(self.i, code)


def _bounds(low: Any, high: Any) -> str:
    if low is not None and high is not None:
        return f"{format_limit(low)} to {format_limit(high)}"
    if low is not None:
        return f"at least {format_limit(low)}"
    return f"at most {format_limit(high)}"


def _side(value: Any, low: Any, high: Any) -> str:
    low = low.isoformat() if hasattr(low, "isoformat") else low
    if low is not None and value < low:
        return f"below the {{kind}} minimum of {format_limit(low)}"
    return f"above the {{kind}} maximum of {format_limit(high)}"


def _out_of_range(instrument: Instrument, column: Column, value: Any, row: _Row) -> tuple[str, str]:
    q = column.question
    own = q.message[instrument.languages[0]] if q.message else ""
    side = _side(value, q.min, q.max).format(kind="hard")
    extra = f"; {own}" if own else ""
    return f"{show(value)} is {side}{extra}", _bounds(q.min, q.max)


def _outside_soft(instrument: Instrument, column: Column, value: Any, row: _Row) -> tuple[str, str]:
    q = column.question
    side = _side(value, q.soft_min, q.soft_max).format(kind="usual")
    return (
        f"{show(value)} is {side}; confirm it with the respondent",
        _bounds(q.soft_min, q.soft_max),
    )


def _required(instrument: Instrument, column: Column, value: Any, row: _Row) -> tuple[str, str]:
    label = column.question.label[instrument.languages[0]]
    if column.relevant is not None:
        return (
            f"{column.code} ({label}) is required when {format_condition(column.relevant)}, "
            "and it is blank",
            "an answer",
        )
    return f"{column.code} ({label}) is required and it is blank", "an answer"


def _skip(instrument: Instrument, column: Column, value: Any, row: _Row) -> tuple[str, str]:
    assert column.relevant is not None  # only skip rules fail this check
    facts = []
    for name, _ in references(column.relevant):
        answer = row[name]
        facts.append(f"{name} is {'blank' if _blank(answer) else _named(instrument, name, answer)}")
    return (
        f"asked only if {format_condition(column.relevant)}, but {', '.join(facts)}; "
        "remove this answer or correct the one it depends on",
        "blank",
    )


def _parts(instrument: Instrument, column: Column, value: Any, row: _Row) -> tuple[str, str]:
    parts = instrument.totals[column.code]
    named = [f"{p.code} {show(row[p.code])}" for p in parts if not _blank(row[p.code])]
    summed = sum(float(row[p.code]) for p in parts if not _blank(row[p.code]))
    return (
        f"the parts add up to {show(summed)} ({' + '.join(named)}), more than "
        f"{column.code} = {show(value)}",
        f"at least {show(summed)}, or smaller parts",
    )


def _rule(
    instrument: Instrument, check: str, column: Column, value: Any, row: _Row
) -> tuple[str, str]:
    bound = next(
        b for b in instrument.bound_rules if b.rule.code == check and b.left == column.code
    )
    rule = bound.rule
    right = str(rule.factor)
    shown = f"{bound.left} = {show(value)}"
    if bound.right is not None:
        right = bound.right if rule.factor == 1 else f"{rule.factor} * {bound.right}"
        shown += f", {bound.right} = {show(row[bound.right])}"
    text = f"{bound.left} {rule.op} {right}"
    own = f"{rule.message[instrument.languages[0]]}: " if rule.message else ""
    return f"{own}{text} does not hold ({shown})", text


def _blank(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _named(instrument: Instrument, code: str, answer: Any) -> str:
    column = instrument.column(code)
    for choice in instrument.choice_list(column.question):
        if str(choice.code) == str(answer):
            return f"{answer} ({choice.label[instrument.languages[0]]})"
    return show(answer)


_WORDS = {
    "out_of_range": _out_of_range,
    "outside_soft_limit": _outside_soft,
    "required_missing": _required,
    "skip_rule_violation": _skip,
    "parts_exceed_total": _parts,
}
