"""Checks across levels: a roster's rows against their households.

Run once both levels are checked. On the household's row (its count or total column): the
number of roster rows differs from the declared count (``roster_count``), not exactly one row
holds the roster's ``exactly_one`` condition (``roster_exactly_one``: one head of household),
a total differs from the sum over the roster by more than its tolerance (``roster_sum``).
On the roster's row: no household has its key (``roster_orphan``), or its household is
quarantined (``parent_quarantined``), so a row is never clean without its household. A roster
within another roster is checked the same way against the outer roster's rows (a farm's
count of plots, its area against the sum of its plots', a plot of no farm or of a
quarantined farm).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import Roster
from ..instrument.conditions import parse_condition
from .checking import count_file_rows
from .correction_tables import confirm_late, count_dropped
from .findings import COLUMNS
from .masks import holds
from .result import FILE, ROW, SHEET, numbers_as_text

if TYPE_CHECKING:
    import pandas as pd

    from .run import Validation

__all__ = ["check_levels"]


def check_levels(
    household: Validation,
    roster: Validation,
    spec: Roster,
    letters: dict[tuple[str, str, str], str],
) -> None:
    """Add the findings across levels to both validations, and quarantine what they break.

    Parameters
    ----------
    household : Validation
        The parent level: the households, or the outer roster of a nested roster; its
        findings, quarantine and file counts are updated.
    roster : Validation
        One roster's level, checked against its own instrument; updated the same way.
    spec : Roster
        The roster as the instrument declares it.
    letters : dict
        The Excel letter of each ``(file, sheet, column)`` of both levels.
    """
    parents = _keys(household, household.instrument.key)
    members = _keys(roster, household.instrument.key)
    found: list[dict[str, Any]] = []
    if len(roster.raw):
        per_parent = members.value_counts()
        if spec.count:
            found += _counts(household, spec, spec.count, parents, per_parent)
        if spec.exactly_one:
            found += _exactly_one(household, roster, spec, spec.exactly_one, parents, members)
        for part in spec.sums:
            found += _sums(household, roster, spec, part, parents, members)
    _add(household, found, letters)
    orphans: list[dict[str, Any]] = []
    known = set(parents.dropna())
    bad = set(parents.loc[household.quarantined].dropna())
    parent = "household" if spec.within is None else f"row of roster {spec.within!r}"
    column = roster.instrument.key[0] if spec.within is None else household.instrument.key[-1]
    for record, key in members.items():
        if key is None:
            continue  # no household key: required_missing says it (and why, for an export)
        if key not in known:
            orphans.append(_finding(
                roster, record, column, "roster_orphan", "error",
                f"no {parent} has the key {key}; check the key columns of this row",
            ))  # fmt: skip
        elif key in bad:
            orphans.append(_finding(
                roster, record, column, "parent_quarantined", "error",
                f"its {parent} ({key}) is quarantined; the row waits for it to be fixed",
            ))  # fmt: skip
    _add(roster, orphans, letters)


def _keys(validation: Validation, key: tuple[str, ...]) -> pd.Series:
    """Each row's household key as one text (``"v1 | 12"``); missing if a part is blank."""
    parts = []
    for code in key:
        values = validation.typed[code]
        text = numbers_as_text(values) if str(values.dtype) == "Float64" else values.astype("str")
        parts.append(text.where(values.notna()))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " | " + part
    return joined.astype(object).where(joined.notna(), None)


def _counts(
    household: Validation, spec: Roster, count: str, parents: pd.Series, per_parent: pd.Series
) -> list[dict[str, Any]]:
    out = []
    declared = household.typed[count]
    for record, key in parents.dropna().items():
        expected = declared.at[record]
        have = int(per_parent.get(key, 0))
        if expected is not None and not bool(_isna(expected)) and have != int(expected):
            out.append(_finding(
                household, record, count, "roster_count", spec.severity,
                f"says {int(expected)} but roster {spec.code!r} has {have} row"
                f"{'s' * (have != 1)} for this {'household' if spec.within is None else 'row'}",
                value=int(expected), expected=str(have),
            ))  # fmt: skip
    return out


def _exactly_one(
    household: Validation, roster: Validation, spec: Roster, condition: str,
    parents: pd.Series, members: pd.Series,
) -> list[dict[str, Any]]:  # fmt: skip
    hits = holds(parse_condition(condition), roster.typed).fillna(False).astype(bool)
    per_parent = hits.groupby(members).sum()
    out = []
    for record, key in parents.dropna().items():
        if key not in per_parent.index:
            continue  # no rows: the count says it
        n = int(per_parent.at[key])
        if n != 1:
            out.append(_finding(
                household, record, household.instrument.key[-1], "roster_exactly_one",
                spec.severity, f"{n} rows of roster {spec.code!r} hold {condition}; "
                "exactly one should", value=n, expected="1",
            ))  # fmt: skip
    return out


def _sums(
    household: Validation, roster: Validation, spec: Roster, part: Any, parents: pd.Series,
    members: pd.Series,
) -> list[dict[str, Any]]:  # fmt: skip
    totals = household.typed[part.total]
    amounts = roster.typed[part.part]
    known = amounts.notna().groupby(members).any()
    sums = amounts.fillna(0).groupby(members).sum()
    out = []
    for record, key in parents.dropna().items():
        total = totals.at[record]
        if _isna(total) or key not in known.index or not bool(known.at[key]):
            continue
        summed = float(sums.at[key])
        if abs(float(total) - summed) > part.tolerance:
            out.append(_finding(
                household, record, part.total, "roster_sum", spec.severity,
                f"is {_number(total)} but the {part.part} of roster {spec.code!r} adds up to "
                f"{_number(summed)} (tolerance {_number(part.tolerance)})",
                value=_number(total), expected=_number(summed),
            ))  # fmt: skip
    return out


def _finding(
    validation: Validation, record: int, column: str, check: str, severity: str, message: str,
    value: Any = None, expected: str = "",
) -> dict[str, Any]:  # fmt: skip
    raw = validation.raw
    if value is None:
        value = raw.at[record, column]
    return {
        "file": raw.at[record, FILE], "sheet": raw.at[record, SHEET],
        "row": raw.at[record, ROW], "column": column, "letter": "", "value": value,
        "check": check, "severity": severity, "message": message, "expected": expected,
        "fixed_value": None, "record": int(record),
    }  # fmt: skip


def _add(
    validation: Validation, found: list[dict[str, Any]], letters: dict[tuple[str, str, str], str]
) -> None:
    """Append findings, quarantine the rows of their errors, count the files' rows again."""
    import pandas as pd

    if not found:
        return
    for f in found:
        f["letter"] = letters.get((f["file"], f["sheet"], f["column"]), "")
    extra = pd.DataFrame(found, columns=list(COLUMNS)).astype(object)
    table = pd.concat([validation.findings.astype(object), extra], ignore_index=True)
    for name in ("row", "record"):
        table[name] = table[name].astype("Int64")
    if validation.corrections is not None and validation.corrections.confirmed:
        table = confirm_late(table, len(validation.findings), validation.corrections)
    validation.findings = table
    errors = sorted({f["record"] for f in found if f["severity"] == "error"})  # once each
    quarantined = validation.quarantined.union(pd.Index(errors, dtype="int64"))
    validation.quarantined = quarantined.sort_values()
    count_file_rows(validation.files, validation.raw, validation.quarantined, table)
    if validation.corrections is not None:  # the files' dropped rows, counted again
        count_dropped(validation.files, validation.corrections)


def _isna(value: Any) -> bool:
    import pandas as pd

    return value is None or bool(pd.isna(value))


def _number(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)
