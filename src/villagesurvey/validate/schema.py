"""The instrument's rules as pandera schemas, run lazily so that every failure is collected.

:func:`build_schemas` makes two :class:`pandera.pandas.DataFrameSchema` from an instrument,
one whose failures are errors (hard limits, required answers, skip rules, parts above their
total) and one whose failures are warnings (soft limits). Each check is named
``<check code>|<column>``, so a failure case says which rule failed where;
:func:`failures` turns :class:`pandera.errors.SchemaErrors` into that table.
"""

from __future__ import annotations

import weakref
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from ..instrument import TODAY, BoundRule, Column, Instrument
from ..instrument.conditions import Condition
from .masks import holds

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pandera.pandas as pa

__all__ = [
    "KEPT_SCHEMAS",
    "PART_TOLERANCE",
    "Schemas",
    "build_schemas",
    "failures",
    "parts_over_total",
]

PART_TOLERANCE = 0.5
"""Parts may exceed their total by this much (rounding) before it is an error."""


@dataclass(frozen=True)
class Schemas:
    """The two schemas of an instrument: failures of ``errors`` quarantine the row."""

    errors: pa.DataFrameSchema
    warnings: pa.DataFrameSchema


def _limit(value: Any) -> Any:
    if value == TODAY:  # the phone's today() was at the latest the day of this check
        return date.today().isoformat()
    return value.isoformat() if hasattr(value, "isoformat") else value


def _range_check(code: str, lowest: Any, highest: Any, special: tuple[Any, ...] = ()) -> pa.Check:
    import pandera.pandas as pa

    def inside(series: pd.Series) -> pd.Series:
        low, high = _limit(lowest), _limit(highest)
        if str(series.dtype) == "Float64" and all(_is_number(x) for x in (low, high)):
            return _inside_numbers(series, low, high, special)
        return _inside(series, low, high, special)

    return pa.Check(inside, name=code)


def _is_number(limit: Any) -> bool:
    return limit is None or (isinstance(limit, int | float) and not isinstance(limit, bool))


def _inside(series: pd.Series, low: Any, high: Any, special: tuple[Any, ...]) -> pd.Series:
    """Within the limits (``<NA>`` for a missing answer), or one of the special codes."""
    ok = series == series
    if low is not None:
        ok &= series >= low
    if high is not None:
        ok &= series <= high
    if special:  # codes accepted beyond the limits (don't know, refused)
        ok |= series.isin([float(s) for s in special]).fillna(False)
    return ok


def _inside_numbers(
    series: pd.Series, low: float | None, high: float | None, special: tuple[Any, ...]
) -> pd.Series:
    """:func:`_inside` of a number column in NumPy; ``False`` where that gives ``<NA>``."""
    import numpy as np
    import pandas as pd

    values = series.to_numpy(dtype=float, na_value=np.nan)
    ok = ~np.isnan(values)
    if low is not None:
        ok &= values >= low
    if high is not None:
        ok &= values <= high
    if special:
        ok |= np.isin(values, [float(s) for s in special])
    return pd.Series(ok, index=series.index)


def _dtype(column: Column) -> str:
    return "Float64" if column.question.type in ("integer", "decimal") else "str"


KEPT_SCHEMAS = 8
"""The instruments whose schemas are kept built, the most recently used: a process that
checks returns of many instruments in turn holds no more than these."""

_BUILT: dict[str, Schemas] = {}  # by instrument content, the most recently used last


def build_schemas(instrument: Instrument) -> Schemas:
    """The error and warning schemas of an instrument, built once per instrument content
    (kept for the :data:`KEPT_SCHEMAS` instruments used last)."""
    key = instrument.content_hash
    built = _BUILT.pop(key, None)
    _BUILT[key] = built if built is not None else _build(instrument)
    while len(_BUILT) > KEPT_SCHEMAS:
        del _BUILT[next(iter(_BUILT))]
    return _BUILT[key]


def _build(instrument: Instrument) -> Schemas:
    import pandera.pandas as pa

    hard: dict[str, pa.Column] = {}
    soft: dict[str, pa.Column] = {}
    frame_checks: list[pa.Check] = []
    for column in instrument.columns:
        q = column.question
        checks = []
        if q.min is not None or q.max is not None:
            checks.append(_range_check("out_of_range", q.min, q.max, q.special))
        hard[column.code] = pa.Column(_dtype(column), checks=checks, nullable=True)
        if q.soft_min is not None or q.soft_max is not None:
            soft[column.code] = pa.Column(
                _dtype(column),
                checks=[_range_check("outside_soft_limit", q.soft_min, q.soft_max, q.special)],
                nullable=True,
            )
        frame_checks += _answer_checks(column)
    for total, parts in instrument.totals.items():
        frame_checks.append(_parts_check(total, [p.code for p in parts]))
    soft_checks: list[pa.Check] = []
    for bound in instrument.bound_rules:
        target = frame_checks if bound.rule.severity == "error" else soft_checks
        target.append(_rule_check(bound))
    return Schemas(
        errors=pa.DataFrameSchema(hard, checks=frame_checks, strict=False),
        warnings=pa.DataFrameSchema(soft, checks=soft_checks, strict=False),
    )


_HELD: ContextVar[dict[tuple[int, Condition], pd.Series] | None] = ContextVar("_HELD", default=None)
"""While :func:`failures` runs: each skip rule's mask on its frame, worked out once."""


def _held(rule: Condition, frame: pd.DataFrame) -> pd.Series:
    """:func:`.masks.holds`, once per rule and frame while :func:`failures` runs."""
    memo = _HELD.get()
    if memo is None:
        return holds(rule, frame)
    key = (id(frame), rule)  # the frame lives until failures returns: its id is its own
    if key not in memo:
        memo[key] = holds(rule, frame)
    return memo[key]


def _answer_checks(column: Column) -> list[pa.Check]:
    """Required answers present where asked; no answer where the skip rule says skip."""
    import pandera.pandas as pa

    code, rule, required = column.code, column.relevant, column.question.required
    checks = []
    if required:

        def answered(frame: pd.DataFrame) -> pd.Series:
            import pandas as pd

            missing = _missing(frame[code])
            if rule is not None:
                missing &= _held(rule, frame).to_numpy(dtype=bool, na_value=False)  # asked
            return pd.Series(~missing, index=frame.index)

        checks.append(pa.Check(answered, name=f"required_missing|{code}"))
    if rule is not None:

        def skipped(frame: pd.DataFrame) -> pd.Series:
            import pandas as pd

            skip = ~_held(rule, frame).to_numpy(dtype=bool, na_value=True)
            return pd.Series(~(~_missing(frame[code]) & skip), index=frame.index)

        checks.append(pa.Check(skipped, name=f"skip_rule_violation|{code}"))
    return checks


def _missing(answers: pd.Series) -> np.ndarray:
    """``answers.isna()`` as a NumPy array, without a Series of it."""
    import numpy as np

    return np.asarray(answers.array.isna(), dtype=bool)


def _parts_check(total: str, parts: list[str]) -> pa.Check:
    import pandera.pandas as pa

    def within(frame: pd.DataFrame) -> pd.Series:
        import pandas as pd

        over = parts_over_total([frame[p] for p in parts], frame[total])
        return pd.Series(~over, index=frame.index)

    return pa.Check(within, name=f"parts_exceed_total|{total}")


def parts_over_total(parts: list[pd.Series], total: pd.Series) -> np.ndarray:
    """Where the answered parts add up to more than the total plus :data:`PART_TOLERANCE`.

    The same as ``frame[parts].sum(axis=1)`` on ``Float64`` answers compared with
    ``total + PART_TOLERANCE``, where at least one part and the total are answered, but in
    NumPy: the parts are added from left to right with the compensated (Kahan) summation
    that pandas uses for this sum, so that the sums are the same to the last bit.

    Parameters
    ----------
    parts : list of Series
        The parts' answers (``Float64``; a missing answer adds nothing).
    total : Series
        The total's answers.

    Returns
    -------
    ndarray of bool
        ``True`` where the parts exceed the total.
    """
    import numpy as np

    size = len(total)
    summed, compensation = np.zeros(size), np.zeros(size)
    any_part = np.zeros(size, dtype=bool)
    step, added, error = np.empty(size), np.empty(size), np.empty(size)
    with np.errstate(invalid="ignore", over="ignore"):
        for part in parts:
            present = ~_missing(part)
            values = _floats(part)  # what a missing answer holds is not taken
            np.subtract(values, compensation, out=step)
            np.add(summed, step, out=added)
            np.subtract(added, summed, out=error)
            error -= step
            np.copyto(compensation, error, where=present)
            infinite = ~np.isfinite(compensation)  # only where taken: the rest was finite
            if infinite.any():  # an infinite part or sum: no compensation
                compensation[infinite] = 0.0
            np.copyto(summed, added, where=present)
            any_part |= present
        known = any_part & ~_missing(total)
        limit = total.to_numpy(dtype=float, na_value=np.nan) + PART_TOLERANCE
        over: np.ndarray = known & (summed > limit)
    return over


def _floats(answers: pd.Series) -> np.ndarray:
    """The answers as float64, the buffer itself of ``Float64`` answers (whatever it holds
    under a missing answer), else a copy with 0.0 there."""
    import numpy as np
    import pandas as pd

    array = answers.array
    if isinstance(array, pd.arrays.FloatingArray) and array.dtype.numpy_dtype == np.float64:
        return np.asarray(array._data)
    floats: np.ndarray = answers.to_numpy(dtype=float, na_value=0.0)
    return floats


def _rule_check(bound: BoundRule) -> pa.Check:
    import pandera.pandas as pa

    rule = bound.rule

    def holds_rule(frame: pd.DataFrame) -> pd.Series:
        left = frame[bound.left]
        right = frame[bound.right] * rule.factor if bound.right else rule.factor
        fails = ~_OPS[rule.op](left, right)
        known = left.notna() & (frame[bound.right].notna() if bound.right else True)
        return ~(fails & known).fillna(False).astype(bool)

    return pa.Check(holds_rule, name=f"{rule.code}|{bound.left}")


_OPS = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "=": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
}


def failures(
    schema: pa.DataFrameSchema, typed: pd.DataFrame, rules: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Run ``schema``'s checks; one row per failing cell: ``record, column, check``.

    The checks are the schema's own, run as pandera runs them lazily (the frame checks, then
    column checks on the answers present; a row with no answer at all passes a frame
    check) but as boolean masks over whole columns: pandera's failure-case tables (one row
    per failing cell and column, formatted) cost more than the checks when many cells
    fail. ``rules`` are the codes of the instrument's own checks, which may fail too.
    """
    _check_dtypes(schema, typed)
    held = _HELD.set({})
    try:
        return _failures(schema, typed, rules)
    finally:
        _HELD.reset(held)


def _failures(
    schema: pa.DataFrameSchema, typed: pd.DataFrame, rules: tuple[str, ...]
) -> pd.DataFrame:
    """:func:`failures` once the types are checked."""
    import numpy as np
    import pandas as pd

    records: list[np.ndarray] = []
    columns: list[str] = []
    checks: list[str] = []

    def failed(
        ok: pd.Series, index: pd.Index, name: str | None, own: str, passes: Any = False
    ) -> None:
        bad = ~(_true(ok) | passes)  # passes: the blank rows of a frame check
        if bad.any():
            check, _, column = str(name).partition("|")
            records.append(index.to_numpy()[bad])
            columns.append(column or own)
            checks.append(check)

    if schema.checks:  # pandera lists the frame's failures before the columns'
        blank = _blank_rows(typed)
        for check in schema.checks:
            failed(check._check_fn(typed), typed.index, check.name, "", blank)
    for code, column in schema.columns.items():
        if not column.checks:
            continue
        values = typed[code]
        missing = _missing(values)  # a column check looks at each answer by itself (a range):
        for check in column.checks:  # on the whole column, a missing answer passing
            failed(check._check_fn(values), values.index, check.name, code, missing)
    known = {"out_of_range", "outside_soft_limit", "required_missing", "skip_rule_violation",
             "parts_exceed_total", *rules}  # fmt: skip
    if set(checks) - known:  # a check of another kind would mean a bug in the schema
        raise RuntimeError(f"unexpected schema checks: {sorted(set(checks) - known)}")
    sizes = [len(r) for r in records]
    table = pd.DataFrame(
        {
            "record": np.concatenate(records).astype(int) if records else np.array([], int),
            "column": np.repeat(np.array(columns, dtype=object), sizes),
            "check": np.repeat(np.array(checks, dtype=object), sizes),
        }
    )
    if not records:
        return pd.DataFrame({"record": [], "column": [], "check": []}, dtype=object)
    return table.drop_duplicates().reset_index(drop=True)


def _true(ok: pd.Series) -> np.ndarray:
    """Where a check's result is ``True`` (``<NA>`` is not), as a NumPy array."""
    import numpy as np

    if ok.dtype == np.dtype(bool):  # no missing value to look for
        return np.asarray(ok.to_numpy(), dtype=bool)
    return np.asarray(ok.to_numpy(dtype=bool, na_value=False), dtype=bool)


def _blank_rows(typed: pd.DataFrame) -> np.ndarray:
    """``typed.isna().all(axis="columns")``, stopping at the first column once no row is blank."""
    import numpy as np

    blank = np.ones(len(typed), dtype=bool)
    for _, values in typed.items():
        if not blank.any():
            break
        blank &= values.isna().to_numpy(dtype=bool)
    return blank


_TYPES_SEEN: dict[int, tuple[weakref.ref[pa.DataFrameSchema], set[tuple[Any, ...]]]] = {}
"""The column types each schema was found to accept, by the schema's id; an entry goes with
its schema."""


def _types_seen(schema: pa.DataFrameSchema) -> set[tuple[Any, ...]]:
    """The column types ``schema`` was found to accept (empty the first time)."""
    key = id(schema)
    held = _TYPES_SEEN.get(key)
    if held is None or held[0]() is not schema:
        gone = weakref.ref(schema, lambda _: _TYPES_SEEN.pop(key, None))
        held = _TYPES_SEEN[key] = (gone, set())
    return held[1]


def _check_dtypes(schema: pa.DataFrameSchema, typed: pd.DataFrame) -> None:
    """Every column of the schema present, of its type (normalisation makes them so)."""
    from pandera.engines import pandas_engine

    kinds = dict(zip(typed.columns.tolist(), typed.dtypes.tolist(), strict=True))
    types = tuple(kinds.get(code) for code in schema.columns)
    seen = _types_seen(schema)
    if types in seen:
        return
    for code, column in schema.columns.items():
        found = pandas_engine.Engine.dtype(typed[code].dtype) if code in typed else None
        if found is None or not column.dtype.check(found):
            said = typed[code].dtype if code in typed else "missing"
            raise RuntimeError(f"unexpected schema failure: {code} is {said}, not {column.dtype}")
    seen.add(types)
