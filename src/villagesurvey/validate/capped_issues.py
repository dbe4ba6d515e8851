"""The first findings of each check: what issues.xlsx shows of a validation whose findings
are never held whole (in partitions, on Dask).

Each piece of issues.csv keeps the first findings of each check it holds (:func:`first_findings`,
as many as a sheet of issues.xlsx shows); put together in the order of issues.csv
(:func:`add_heads`), they are the sheets of :func:`.issues_book.write_issues_book`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Heads", "add_heads", "first_findings"]

Heads = dict[str, "pd.DataFrame"]
"""The first findings of each check (its lines of issues.csv), by check."""


def first_findings(issues: pd.DataFrame) -> Heads:
    """The first lines of each check of an issues table, as many as issues.xlsx shows."""
    from ._xlsx import MAX_CHECK_ROWS

    return {str(check): rows.head(MAX_CHECK_ROWS) for check, rows in issues.groupby("check")}


def add_heads(heads: Heads, more: Heads) -> Heads:
    """``heads`` followed by ``more`` (lines that come after them in issues.csv), each check
    cut to what issues.xlsx shows; ``heads`` is changed and returned."""
    import pandas as pd

    from ._xlsx import MAX_CHECK_ROWS

    for check, rows in more.items():
        held = heads.get(check)
        if held is None:
            heads[check] = rows.head(MAX_CHECK_ROWS)
        elif len(held) < MAX_CHECK_ROWS:
            heads[check] = pd.concat([held, rows], ignore_index=True).head(MAX_CHECK_ROWS)
    return heads
