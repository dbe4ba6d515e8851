"""Write issues.xlsx: a summary sheet, the files read, a sheet per check, the response rates.

Each check's sheet shows its first :data:`._xlsx.MAX_CHECK_ROWS` findings (issues.csv has
them all); every text is stored as text, never as a formula. The in-memory path has every
finding at hand (:func:`write_issues_xlsx`); the streamed and Dask paths keep only each
check's first findings and their counts (:mod:`.capped_issues`) and write the same workbook
from them (:func:`write_issues_book`), without the response rates, which need every row.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path

if TYPE_CHECKING:
    import pandas as pd

    from .capped_issues import Heads
    from .result import Validation

__all__ = ["write_issues_book", "write_issues_xlsx"]


def write_issues_xlsx(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    """issues.xlsx of a validation held in memory, its findings ``issues`` (issues.csv's)."""
    from .capped_issues import first_findings

    sizes = issues.groupby(["severity", "check"]).size()
    tally: dict[str, dict[str, int]] = {}
    for (severity, check), count in sizes.items():
        tally.setdefault(str(severity), {})[str(check)] = int(count)
    write_issues_book(path, validation, first_findings(issues), tally, validation.rates)


def write_issues_book(
    path: Path,
    validation: Validation,
    heads: Heads,
    tally: dict[str, dict[str, int]],
    rates: dict[str, pd.DataFrame] | None = None,
) -> None:
    """issues.xlsx: the summary, the files, a sheet per check with its first findings.

    Parameters
    ----------
    path : Path
        The workbook to write (atomically).
    validation : Validation
        Gives the summary and the files.
    heads : dict of DataFrame
        Each check's first findings, in the order of issues.csv
        (:func:`.capped_issues.first_findings`).
    tally : dict
        The findings by severity and check, of all of them: each check's sheet says when it
        shows only its first ones, and the checks come errors first, then by count.
    rates : dict of DataFrame, optional
        The response-rate tables, a sheet each after the checks'.
    """
    from ..tables.xlsx_stream import TableBook
    from ._xlsx import MAX_CHECK_ROWS, summary_rows
    from .issue_tables import ISSUE_COLUMNS

    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add("Summary", ["item", "value", "detail"], summary_rows(validation))
        columns = ["file", "status", "rows_in", "rows_clean", "rows_quarantined", "check",
                   "reason", "sha256"]  # fmt: skip
        files = [[f.name, f.status, f.rows_in, f.rows_clean, f.rows_quarantined, f.check,
                  f.reason, f.sha256 or ""] for f in validation.files]  # fmt: skip
        book.add("Files", columns, files)
        for check, total in _checks_in_order(tally):
            shown = heads[check]
            rows: Any = zip(*(shown[c].tolist() for c in shown.columns), strict=True)
            note = None
            if total > MAX_CHECK_ROWS:
                note = (
                    f"showing the first {MAX_CHECK_ROWS:,} of {total:,} findings; "
                    "issues.csv has them all"
                )
            book.add(check, list(ISSUE_COLUMNS), rows, note=note)
        for name, table in (rates or {}).items():
            book.add(name, list(table.columns), table.itertuples(index=False, name=None))
        book.save()


def _checks_in_order(tally: dict[str, dict[str, int]]) -> list[tuple[str, int]]:
    """Each check once with its findings of every severity: errors first, then by count."""
    order = {"error": 0, "warning": 1, "fixed": 2, "corrected": 3, "confirmed": 4}
    counts = [(check, severity, n) for severity, checks in tally.items()
              for check, n in checks.items()]  # fmt: skip
    totals: dict[str, int] = {}
    for check, _, n in counts:
        totals[check] = totals.get(check, 0) + n
    ranked = sorted(counts, key=lambda c: (order[c[1]], -c[2], c[0]))
    return [(check, totals[check]) for check in dict.fromkeys(c[0] for c in ranked)]
