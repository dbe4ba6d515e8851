"""What the Summary sheet of issues.xlsx says, and how many findings a check's sheet shows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import Validation

__all__ = ["MAX_CHECK_ROWS", "summary_rows"]

MAX_CHECK_ROWS = 10_000
"""Findings of one check shown in issues.xlsx (more than anyone reads); issues.csv has all.

A sheet of a spreadsheet is written a cell at a time, so this bound keeps issues.xlsx quick
to write (and to open) however many errors a batch holds."""


def summary_rows(validation: Validation) -> list[list[Any]]:
    """The summary sheet: what was read, what is clean, the most frequent problems."""
    instrument = validation.instrument
    rows: list[list[Any]] = [
        ["instrument", f"{instrument.id} {instrument.version}", instrument.content_hash[:12]],
        ["files read", sum(f.status == "read" for f in validation.files), ""],
        ["files refused", len(validation.refused),
         "; ".join(f"{f.name}: {f.reason}" for f in validation.refused)],
        ["rows in", validation.rows_in, "rows below the header with values (blank rows left out)"],
        ["rows clean", validation.rows_clean, "in clean.csv"],
        ["rows quarantined", validation.rows_quarantined, "in quarantine.csv, with the reasons"],
        ["rows not read", validation.rows_not_read, "not a respondent's row; see row_not_read"],
    ]  # fmt: skip
    for severity, checks in validation.counts.items():
        for check, count in checks.items():
            where = f"see the sheet {check}"
            if count > MAX_CHECK_ROWS:
                where += f" (its first {MAX_CHECK_ROWS:,}; issues.csv has all {count:,})"
            rows.append([f"{severity}: {check}", count, where])
    return rows + _roster_rows(validation)


def _roster_rows(validation: Validation) -> list[list[Any]]:
    """Each roster's rows, as summary.json counts them, then its findings by check."""
    rows: list[list[Any]] = []
    for roster in validation.instrument.rosters:
        level = validation.rosters.get(roster.code)
        if level is None:
            continue
        name = f"roster {roster.code}"
        parent = f"roster {roster.within}" if roster.within else "the households"
        rows += [
            [f"{name}: rows in", level.rows_in, f"rows of its sheets, each linked to {parent}"],
            [f"{name}: rows clean", level.rows_clean, f"in clean_{roster.code}.csv"],
            [f"{name}: rows quarantined", level.rows_quarantined,
             f"in quarantine_{roster.code}.csv, with the reasons"],
            [f"{name}: rows not read", level.rows_not_read, "see row_not_read"],
        ]  # fmt: skip
        for severity, checks in level.counts.items():
            for check, count in checks.items():
                rows.append([f"{name}: {severity}: {check}", count, f"see the sheet {check}"])
    return rows
