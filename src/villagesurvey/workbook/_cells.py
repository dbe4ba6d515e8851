"""Small helpers for writing cells that are safe and readable."""

from __future__ import annotations

import unicodedata
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["display_width", "put", "truncate"]


def put(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value; text is always stored as text, never as a formula or an error value."""
    cell: Cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str) and cell.data_type in ("f", "e"):
        cell.data_type = "s"  # openpyxl takes "=..." for a formula, "#VALUE!" for an error
    return cell


def display_width(text: str) -> int:
    """Columns the text takes on screen: East Asian wide characters count twice."""
    if text.isascii():  # no wide character: most texts, at once
        return len(text)
    return len(text) + sum(
        1 for ch in text if ch > "\x7f" and unicodedata.east_asian_width(ch) in "WF"
    )


def truncate(text: str, limit: int) -> str:
    """Cut text to Excel's length limits (32 for titles, 255 for messages), marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
