"""Validate the roster sheets of a batch: each read and checked as its own table, then linked.

A workbook made from an instrument with rosters has one sheet per roster, named in its
``_instrument`` sheet (``roster_sheet.<code>``). Each roster's rows are laid out and checked
like the main sheet's, against the roster's own instrument (the household's key columns, then
the roster's questions: :func:`~villagesurvey.instrument.roster_instrument`), with findings
of their own; :mod:`.roster_checks` then links them to their households. A roster within
another (plots within farms) is linked the same way to the outer roster's rows, once those
are linked to their households; :mod:`.roster_ages` checks ages between rows of a household.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument, Roster, roster_instrument
from ..workbook import META_SHEET
from .findings import Findings
from .layout import Return, lay_out
from .reading import ReadFile, Refused, Sheet
from .roster_corrections import level_lines

if TYPE_CHECKING:
    from .corrections import CorrectionsFile
    from .run import FileReport, Validation

__all__ = ["RosterReturns"]

_ROSTER_META = "roster_sheet."


class RosterReturns:
    """Gathers each roster's rows, file by file, while the batch is read."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.tables = {r.code: roster_instrument(instrument, r) for r in instrument.rosters}
        self.returns: dict[str, list[Return]] = {r.code: [] for r in instrument.rosters}
        self.findings: dict[str, Findings] = {r.code: Findings() for r in instrument.rosters}
        self.files: dict[str, list[FileReport]] = {r.code: [] for r in instrument.rosters}
        self.letters: dict[tuple[str, str, str], str] = {}

    def add(self, read: ReadFile, name: str, household: Return) -> None:
        """Lay out the roster sheets of a file read as a return of the instrument."""
        meta = read.sheets.get(META_SHEET)
        if meta is None or not self.tables:
            return
        self._letters(household)
        rows = _meta_rows(meta)
        for roster in self.instrument.rosters:
            self._add(roster, read, name, meta, rows)

    def _add(
        self, roster: Roster, read: ReadFile, name: str, meta: Sheet, rows: dict[str, Any]
    ) -> None:
        from .run import FileReport

        findings = self.findings[roster.code]
        sheet_name = rows.get(_ROSTER_META + roster.code)
        sheet = read.sheets.get(sheet_name) if isinstance(sheet_name, str) else None
        if sheet is None:
            findings.add(
                file=name, sheet=meta.name, check="no_roster_sheet", severity="warning",
                message=f"the file has no sheet for roster {roster.code!r}; "
                "its rows are not in this file",
            )  # fmt: skip
            return
        own_meta = Sheet(
            META_SHEET,
            [["instrument_id", self.instrument.id], ["data_sheet", sheet.name],
             *([["language", rows["language"]]] if "language" in rows else [])],
            1, 1, {},
        )  # fmt: skip
        one = replace(read, sheets={META_SHEET: own_meta, sheet.name: sheet})
        laid = lay_out(self.tables[roster.code], one, name, findings)
        if isinstance(laid, Refused):
            report = FileReport(name, read.path, read.sha256, "refused", read.format,
                                laid.check, laid.reason)  # fmt: skip
            self.files[roster.code].append(report)
            return
        self.files[roster.code].append(
            FileReport(name, read.path, read.sha256, "read", read.format)
        )
        self.returns[roster.code].append(laid)
        self._letters(laid)

    def _letters(self, laid: Return) -> None:
        for code, letter in laid.letters.items():
            self.letters[(laid.file, laid.sheet, code)] = letter

    def check(
        self,
        household: Validation,
        outlier_factor: float | None = None,
        corrections: CorrectionsFile | None = None,
    ) -> Validation:
        """Check every roster's rows, link them to the households, and attach them.

        Returns the household validation with ``rosters`` filled in: one validation per
        roster, keyed by its code, after the checks across levels (which may quarantine
        households, and the rows of quarantined households). A nested roster is checked
        against its outer roster, after that one is checked against the households. The
        lines of ``corrections`` that name a roster's rows are applied to them first.
        """
        from .roster_ages import check_ages
        from .roster_checks import check_levels
        from .run import check_returns

        for roster in self.instrument.rosters:  # an outer roster before those within it
            code = roster.code
            lines = level_lines(corrections, self.instrument, code) if corrections else None
            checked = check_returns(
                self.tables[code], self.returns[code], files=self.files[code],
                findings=self.findings[code], outlier_factor=outlier_factor,
                corrections=lines if lines is not None and lines.lines else None,
            )  # fmt: skip
            household.rosters[code] = checked
            parent = household.rosters[roster.within] if roster.within else household
            check_ages(checked, roster, parent.instrument.key, self.letters)
            check_levels(parent, checked, roster, self.letters)
        return household


def _meta_rows(sheet: Sheet) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for row in sheet.rows:
        cells = [*row, None, None]
        if isinstance(cells[0], str):
            found[cells[0].strip()] = cells[1]
    return found
