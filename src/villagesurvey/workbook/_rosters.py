"""One data sheet per roster, its columns led by the household's key, and their codebook rows."""

from __future__ import annotations

from openpyxl import Workbook

from ..codebook import CodebookRow, codebook_rows
from ..instrument import Instrument, roster_instrument
from ._data import add_data_sheet

__all__ = ["ROSTER_META", "add_roster_sheets", "roster_codebook_rows"]

ROSTER_META = "roster_sheet."
"""The ``_instrument`` row naming a roster's sheet: ``roster_sheet.<roster code>``."""


def add_roster_sheets(
    workbook: Workbook, instrument: Instrument, language: str, rows: int, lists: dict[str, str]
) -> dict[str, str]:
    """Add a data sheet per roster, named after it; return roster code → sheet name.

    Each sheet is built as the main data sheet is (labels, codes, drop-downs, range checks and
    their messages), from the roster's own instrument: the parent's key columns, typed by the
    enumerator on every row, then the roster's questions.
    """
    sheets: dict[str, str] = {}
    for roster in instrument.rosters:
        sheet = add_data_sheet(
            workbook, roster_instrument(instrument, roster), language, rows, lists
        )
        sheet.title = roster.code[:31]  # Excel's longest sheet name
        sheet.sheet_properties.tabColor = "548235"
        sheets[roster.code] = sheet.title
    return sheets


def roster_codebook_rows(instrument: Instrument) -> list[CodebookRow]:
    """The codebook rows of every roster's own columns; their section is the roster's code."""
    return [
        row
        for roster in instrument.rosters
        for row in codebook_rows(roster_instrument(instrument, roster))
        if row.section == roster.code
    ]
