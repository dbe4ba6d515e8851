"""Write-only xlsx table sheets: a bold frozen header, an autofilter, text never a formula.

Shared by every writer of tables (the issues of a validation, the codebook): values are
stored as what they are, every text as text (never a formula), and characters an xlsx file
cannot hold are shown escaped (:func:`~villagesurvey.tables.safe.writable`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from ..workbook._cells import display_width, truncate
from .safe import writable

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

__all__ = ["MAX_SHEET_ROWS", "add_table_sheet"]

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="305496")
_NOTE_FONT = Font(italic=True, color="C00000")
_SEVERITY_FILL = {
    "error": PatternFill("solid", fgColor="F8CBAD"),
    "warning": PatternFill("solid", fgColor="FFE699"),
    "fixed": PatternFill("solid", fgColor="C6E0B4"),
}
_WIDEST = 80
MAX_SHEET_ROWS = 100_000
"""Rows per sheet of issues.xlsx; issues.csv has them all."""


def _plain(value: Any) -> Any:
    """A value openpyxl can store: no NA, no NaN, no numpy scalar; anything else as text."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, bool | int | float):
        return value
    return writable(str(value))


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A cell whose text can never become a formula."""
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def add_table_sheet(
    book: Workbook,
    title: str,
    header: list[str],
    rows: Iterable[Iterable[Any]],
    *,
    note: str | None,
    limit: int = MAX_SHEET_ROWS,
) -> None:
    """A filterable table: bold header, frozen, autofilter, widths from the content.

    At most ``limit`` rows (:data:`MAX_SHEET_ROWS` by default) are written.
    """
    sheet = book.create_sheet(truncate(title, 31))
    table = [[_plain(v) for v in r] for r, _ in zip(rows, range(limit), strict=False)]
    widths = [display_width(h) + 2 for h in header]
    for row in table[:500]:
        for i, value in enumerate(row[: len(widths)]):
            text = "" if value is None else str(value)
            widths[i] = max(widths[i], min(display_width(text) + 2, _WIDEST))
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    first = 1
    if note:
        cell = _cell(sheet, note)
        cell.font = _NOTE_FONT
        sheet.append([cell])
        first = 2
    sheet.freeze_panes = f"A{first + 1}"
    heads = []
    for name in header:
        cell = _cell(sheet, name)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        heads.append(cell)
    sheet.append(heads)
    severity = header.index("severity") if "severity" in header else None
    for row in table:
        cells = [_cell(sheet, v) for v in row]
        if severity is not None and row[severity] in _SEVERITY_FILL:
            cells[severity].fill = _SEVERITY_FILL[row[severity]]
        sheet.append(cells)
    last = get_column_letter(max(len(header), 1))
    sheet.auto_filter.ref = f"A{first}:{last}{first + len(table)}"
