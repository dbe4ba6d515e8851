"""issues.xlsx of a validation whose findings are never held whole (in partitions, on Dask).

Each piece of issues.csv keeps the first findings of each check it holds (:func:`first_findings`,
as many as a sheet of issues.xlsx shows); put together in the order of issues.csv
(:func:`add_heads`), they are the sheets of :func:`write_capped_xlsx`. The workbook is the one the
in-memory path writes, but for its response-rate sheets (by enumerator and by the first key),
which need every row.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path

if TYPE_CHECKING:
    import pandas as pd

    from .result import Validation

__all__ = ["Heads", "add_heads", "first_findings", "write_capped_xlsx"]

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


def write_capped_xlsx(
    path: Path,
    result: Validation,
    heads: Heads,
    tally: dict[str, dict[str, int]] | None = None,
) -> None:
    """issues.xlsx as the one-machine path writes it: the summary, the files, a sheet per
    check with its first findings (the count from all of them: ``tally``, the households'
    and the rosters' findings, by default the households'); no response rates."""
    from ..tables.xlsx_stream import TableBook
    from ._xlsx import MAX_CHECK_ROWS, summary_rows
    from .issue_tables import ISSUE_COLUMNS

    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add("Summary", ["item", "value", "detail"], summary_rows(result))
        columns = ["file", "status", "rows_in", "rows_clean", "rows_quarantined", "check",
                   "reason", "sha256"]  # fmt: skip
        files = [[f.name, f.status, f.rows_in, f.rows_clean, f.rows_quarantined, f.check,
                  f.reason, f.sha256 or ""] for f in result.files]  # fmt: skip
        book.add("Files", columns, files)
        every = result.counts if tally is None else tally
        for check, total in _checks_in_order(every):
            shown = heads[check]
            rows: Any = zip(*(shown[c].tolist() for c in shown.columns), strict=True)
            note = None
            if total > MAX_CHECK_ROWS:
                note = (
                    f"showing the first {MAX_CHECK_ROWS:,} of {total:,} findings; "
                    "issues.csv has them all"
                )
            book.add(check, list(ISSUE_COLUMNS), rows, note=note)
        book.save()


def _checks_in_order(tally: dict[str, dict[str, int]]) -> list[tuple[str, int]]:
    """Each check once with its findings of every severity: errors first, then by count."""
    order = {"error": 0, "warning": 1, "fixed": 2, "corrected": 3, "confirmed": 4}
    counts = [((check, severity), count) for severity, checks in tally.items()
              for check, count in checks.items()]  # fmt: skip
    seen: list[tuple[str, int]] = []
    for (check, _), _ in sorted(counts, key=lambda i: (order[i[0][1]], -i[1], i[0][0])):
        if all(check != c for c, _ in seen):
            seen.append((check, sum(n for (c, _), n in counts if c == check)))
    return seen
