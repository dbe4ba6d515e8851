"""Write issues.xlsx: a summary sheet, the files read, a sheet per check, the response rates.

Each check's sheet shows its first :data:`._xlsx.MAX_CHECK_ROWS` findings (issues.csv has
them all); every text is stored as text, never as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from ._xlsx import MAX_CHECK_ROWS

if TYPE_CHECKING:
    import pandas as pd

    from .result import Validation

__all__ = ["write_issues_xlsx"]


def write_issues_xlsx(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    from ..tables.xlsx_stream import TableBook
    from ._xlsx import summary_rows

    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add("Summary", ["item", "value", "detail"], summary_rows(validation))
        files = [
            [f.name, f.status, f.rows_in, f.rows_clean, f.rows_quarantined, f.check, f.reason,
             f.sha256 or ""]
            for f in validation.files
        ]  # fmt: skip
        book.add(
            "Files",
            ["file", "status", "rows_in", "rows_clean", "rows_quarantined", "check", "reason",
             "sha256"],
            files,
        )  # fmt: skip
        order = {"error": 0, "warning": 1, "fixed": 2, "corrected": 3, "confirmed": 4}
        checks = sorted(
            issues.groupby(["check", "severity"]).size().items(),
            key=lambda item: (order[item[0][1]], -item[1], item[0][0]),
        )
        seen: set[str] = set()
        for (check, _severity), _count in checks:
            if check in seen:
                continue
            seen.add(check)
            part = issues[issues["check"] == check]
            shown = part.head(MAX_CHECK_ROWS)
            rows = zip(*(shown[c].tolist() for c in shown.columns), strict=True)
            book.add(check, list(part.columns), rows, note=_cap_note(len(part)))
        for name, table in validation.rates.items():
            book.add(name, list(table.columns), table.itertuples(index=False, name=None))
        book.save()


def _cap_note(count: int) -> str | None:
    if count <= MAX_CHECK_ROWS:
        return None
    return f"showing the first {MAX_CHECK_ROWS:,} of {count:,} findings; issues.csv has them all"
