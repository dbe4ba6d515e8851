"""The findings and the audit trail as issues.csv and audit.csv hold them.

Values are text; answers to questions marked ``pii`` are hidden (:data:`.cells.HIDDEN`, in
the messages too) unless asked.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cells import HIDDEN
from .findings import COLUMNS

if TYPE_CHECKING:
    import pandas as pd

    from .result import Validation

__all__ = ["ISSUE_COLUMNS", "every_audit", "issues_table"]


ISSUE_COLUMNS = [c for c in COLUMNS if c != "record"]


def issues_table(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The findings as ``issues.csv`` holds them: values as text, personal answers hidden
    (:data:`.cells.HIDDEN`, in the messages too) unless ``show_pii``."""
    table = validation.findings[ISSUE_COLUMNS].copy()
    for name in ("value", "fixed_value"):
        table[name] = _texts(table[name])
    if not show_pii:
        pii = {c.code for c in validation.instrument.columns if c.question.pii}
        private = table["column"].isin(pii)
        if not private.any():
            return table
        for i in table.index[private.to_numpy()]:
            message = table.at[i, "message"]
            for secret in (table.at[i, "value"], table.at[i, "fixed_value"]):
                if secret:
                    message = message.replace(repr(secret), HIDDEN).replace(secret, HIDDEN)
            table.at[i, "message"] = message
        table.loc[private, "value"] = table.loc[private, "value"].where(
            table.loc[private, "value"] == "", HIDDEN
        )
        table.loc[private, "fixed_value"] = table.loc[private, "fixed_value"].where(
            table.loc[private, "fixed_value"] == "", HIDDEN
        )
    return table


def every_audit(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The audit trail of every level; with rosters, a last column names each line's roster."""
    import pandas as pd

    audit = _private_audit(validation, show_pii)
    if not validation.rosters:
        return audit
    tables = [audit.assign(roster="")]
    for code, level in validation.rosters.items():
        tables.append(_private_audit(level, show_pii).assign(roster=code))
    return pd.concat(tables, ignore_index=True)


def _private_audit(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The audit trail, answers to personal-data questions hidden unless asked."""
    audit = validation.audit
    if not show_pii:
        pii = {c.code for c in validation.instrument.columns if c.question.pii}
        private = audit["column"].isin(pii)
        if not private.any():
            return audit
        for name in ("before", "after"):
            audit.loc[private & (audit[name] != ""), name] = HIDDEN
    return audit


def _texts(values: pd.Series) -> pd.Series:
    """:func:`_text` of a column; a column of texts only has its blanks filled."""
    import pandas as pd

    if len(values) and pd.api.types.infer_dtype(values, skipna=True) == "string":
        return values.where(values.notna(), "").astype(object)  # text already: fill blanks
    return values.map(_text)


def _text(value: Any) -> str:
    """A finding's value as text; blank for a missing one (None, NaN, NA)."""
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)
