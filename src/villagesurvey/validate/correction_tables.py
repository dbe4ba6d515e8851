"""The tables of an applied corrections file: findings settled, the audit trail, dropped rows.

:func:`settle` runs on the findings once every check is done: findings on dropped rows go
(the rows are in ``dropped.csv``), a confirmed warning becomes a ``confirmed`` note.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .cells import own_column, show
from .corrections import _FILE, _ROW, AUDIT_COLUMNS, Applied, _problem, _said, _text
from .findings import Findings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["audit_table", "confirm_late", "count_dropped", "dropped_table", "settle"]


def settle(table: pd.DataFrame, applied: Applied) -> pd.DataFrame:
    """The findings once checked: none on dropped rows, confirmed warnings as notes.

    A ``confirm`` line whose cell has no warning left is reported (``correction_unused``).
    """
    import pandas as pd

    records = table["record"]
    gone = records.isin(list(applied.dropped)).fillna(False).astype(bool)
    table = table.loc[~gone.to_numpy()].reset_index(drop=True)
    if not applied.confirmed:
        return table
    cells = list(zip(table["record"], table["column"], strict=True))
    hit = [
        severity == "warning" and (r, col) in applied.confirmed
        for (r, col), severity in zip(cells, table["severity"], strict=True)
    ]
    mask = pd.Series(hit, index=table.index, dtype=bool)
    source = applied.source
    for i in table.index[mask.to_numpy()]:
        c = applied.confirmed[(int(table.at[i, "record"]), str(table.at[i, "column"]))]
        table.at[i, "message"] = _said(source, c, str(table.at[i, "message"]))
    table.loc[mask, "severity"] = "confirmed"
    used = {cell for cell, h in zip(cells, hit, strict=True) if h}
    unused = Findings()
    for cell, c in applied.confirmed.items():
        if cell not in used:
            _problem(unused, source, c, "correction_unused",
                     "no warning on this value to confirm (an error must be replaced, blanked "
                     "or the respondent dropped)", severity="warning")  # fmt: skip
    extra = unused.frame()
    return pd.concat([table, extra], ignore_index=True) if len(extra) else table


def confirm_late(table: pd.DataFrame, start: int, applied: Applied) -> pd.DataFrame:
    """Settle warnings added after :func:`settle` (checks across levels), from row ``start``.

    A warning on a confirmed cell becomes a ``confirmed`` note, and the ``correction_unused``
    that :func:`settle` reported for its line goes.
    """
    import pandas as pd

    used = []
    for i in table.index[start:]:
        if table.at[i, "severity"] != "warning" or pd.isna(table.at[i, "record"]):
            continue
        c = applied.confirmed.get((int(table.at[i, "record"]), str(table.at[i, "column"])))
        if c is not None:
            table.at[i, "severity"] = "confirmed"
            table.at[i, "message"] = _said(applied.source, c, str(table.at[i, "message"]))
            used.append(c.line)
    unused = (
        (table["check"] == "correction_unused")
        & (table["file"] == applied.source.name)
        & table["row"].isin(used)
    )
    return table.loc[~unused.to_numpy()].reset_index(drop=True) if used else table


def audit_table(
    applied: Applied | None, instrument: Instrument, raw: pd.DataFrame, findings: pd.DataFrame
) -> pd.DataFrame:
    """Each changed cell's history: :data:`AUDIT_COLUMNS`, in the order the changes were made.

    A correction (``replace``, ``blank``, ``confirm``, ``drop``) comes first, as it is applied
    to the value as read; then each change the tool made while reading the value (action
    ``fixed``, the check and its message as the reason, ``who`` ``villagesurvey``).
    """
    import pandas as pd

    corrections = pd.DataFrame(
        applied.audit if applied is not None else [], columns=list(AUDIT_COLUMNS), dtype=object
    )
    fixed = findings[(findings["severity"] == "fixed") & findings["record"].notna()]
    if not len(fixed) and not len(corrections):
        return corrections  # nothing changed: the table of no lines, as sorted below
    records = fixed["record"].astype(int).to_numpy()
    parts = [raw.loc[records, k].map(_text).astype(str) for k in instrument.key]
    keys = parts[0].str.cat(parts[1:], sep=" / ") if parts[1:] else parts[0]
    fixes = pd.DataFrame(
        {
            "respondent": keys.to_numpy(),
            "file": fixed["file"].to_numpy(),
            "row": fixed["row"].astype(object).to_numpy(),
            "column": fixed["column"].to_numpy(),
            "before": fixed["value"].map(_text).to_numpy(),
            "after": fixed["fixed_value"].map(_text).to_numpy(),
            "action": "fixed",
            "reason": (fixed["check"] + ": " + fixed["message"]).to_numpy(),
            "who": "villagesurvey",
            "when": "",
            "corrections_file": "",
            "line": "",
        },
        dtype=object,
    )
    table = pd.concat([corrections, fixes], ignore_index=True) if len(fixes) else corrections
    order = table["action"].eq("fixed").astype(int)
    return (
        table.assign(_order=order, _row=pd.to_numeric(table["row"]))
        .sort_values(["file", "_row", "column", "_order"], kind="stable")
        .drop(columns=["_order", "_row"])
        .reset_index(drop=True)
    )


_DROPPED_OWN = ("file", "sheet", "row", "line", "reason", "who", "when")


def dropped_table(applied: Applied | None, instrument: Instrument) -> pd.DataFrame:
    """The dropped rows as they came in, with the line, reason, who and when of the drop."""
    import pandas as pd

    codes = [c.code for c in instrument.columns]
    if applied is None or not applied.dropped:
        head = [own_column(n, codes) for n in _DROPPED_OWN]
        return pd.DataFrame(columns=[*head, *codes], dtype=object)
    rows = applied.dropped_rows
    lines = [applied.dropped[int(r)] for r in rows.index]
    own = {
        "file": rows[_FILE],
        "sheet": rows["_sheet"],
        "row": rows[_ROW],
        "line": [c.line for c in lines],
        "reason": [c.get("reason") for c in lines],
        "who": [c.get("who") for c in lines],
        "when": [c.get("when") for c in lines],
    }
    out = pd.DataFrame({own_column(name, codes): values for name, values in own.items()})
    for code in codes:
        out[code] = rows[code].map(show)
    return out.reset_index(drop=True)


def count_dropped(files: list[Any], applied: Applied) -> None:
    """Add each file's dropped rows to its report (``rows_dropped``, ``rows_in``)."""
    rows = applied.dropped_rows
    per_file = Counter(rows[_FILE]) if rows is not None else Counter()
    for report in files:
        if report.status == "read":
            report.rows_dropped = per_file.get(report.name, 0)
            report.rows_in += report.rows_dropped
