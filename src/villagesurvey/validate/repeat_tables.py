"""The repeat tables of phone exports: which rows they hold and whose rows they are.

A form's repeat group (a household's members) is exported as a table of its own, one row per
repeat, beside the main table of one row per submission:

- **KoboToolbox** (its XLS export): one sheet per repeat, named after it (cut to Excel's 31
  characters, ``...`` marking the cut); each row has ``_index`` (its number in the sheet),
  ``_parent_table_name`` and ``_parent_index`` (the ``_index`` of its parent's row in the
  parent's sheet), and ``_submission__uuid`` ... (copies of the submission's metadata).
  KoboToolbox's CSV export holds the main table only.
- **ODK Central** (its CSV zip, as ODK Briefcase): ``<form>.csv`` with the submissions, and
  ``<form>-<repeat>.csv`` per repeat; a repeat row has ``PARENT_KEY`` (its submission's
  ``KEY``, the instance ID) and its own ``KEY``, the parent's key followed by the repeat's
  path and its number: ``uuid:0a1b.../children/child[2]``.
- **SurveyCTO** (long format): the same ``PARENT_KEY`` and ``KEY`` (``uuid:.../roster[1]``);
  the main file says ``SET-OF-roster``.

A repeat within a repeat has a parent that is itself a repeat row: ``PARENT_KEY`` ending in
``]``, or a ``_parent_table_name`` naming another repeat's sheet. Nothing here checks answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .headers import HEADER_SEARCH_ROWS, cell_text
from .reading import ReadFile, Sheet

__all__ = [
    "KOBO_LINKS",
    "ODK_LINKS",
    "RepeatTable",
    "data_rows",
    "filled_rows",
    "find_links",
    "first_value",
    "is_nested",
    "key_name",
    "key_parts",
    "main_index",
    "sheet_matches",
    "stem_name",
    "whole_number",
]

KOBO_LINKS = ("_parent_index", "_parent_table_name", "_index", "_submission__uuid")
"""The columns that link a KoboToolbox repeat row to its parent (case-folded)."""
ODK_LINKS = ("parent_key", "key")
"""The columns that link an ODK Central or SurveyCTO repeat row to its parent (case-folded)."""

_KEY = re.compile(r"^(?P<parent>.*)/(?P<name>[^/\[\]]+)\[(?P<number>\d+)\]$")


@dataclass
class RepeatTable:
    """One repeat's rows as an export holds them, waiting to be linked to their households.

    Attributes
    ----------
    file : str
        The file's name as reports show it.
    sheet : Sheet
        The repeat's sheet (a KoboToolbox XLS export) or file (a CSV file).
    header : int
        The offset in ``sheet.rows`` of its header row.
    links : dict
        Case-folded link column (:data:`KOBO_LINKS` or :data:`ODK_LINKS`) → its offset in a row.
    name : str
        The repeat's name as the export says it: the sheet's name (KoboToolbox) or the last
        step of ``KEY`` (ODK Central, SurveyCTO).
    parent_table : str or None
        KoboToolbox: the sheet its rows' parents are on (``_parent_table_name``).
    main : dict or None
        KoboToolbox: the main sheet's ``_index`` → its Excel row, in the same file.
    read : ReadFile or None
        The file as read (its path, SHA-256 and format).
    """

    file: str
    sheet: Sheet
    header: int
    links: dict[str, int]
    name: str
    parent_table: str | None = None
    main: dict[int, int] | None = None
    read: ReadFile | None = None

    @property
    def kobo(self) -> bool:
        """Whether the rows are linked by ``_parent_index`` (KoboToolbox)."""
        return "_parent_index" in self.links

    def headers(self) -> list[str]:
        """The header row's cells as text."""
        return [str(cell_text(c) or "") for c in self.sheet.rows[self.header]]


def find_links(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """``(header offset, link columns)`` when a sheet holds a repeat's rows, else ``None``.

    A KoboToolbox repeat sheet has ``_parent_index``; an ODK Central or SurveyCTO repeat file
    has both ``PARENT_KEY`` and ``KEY``.
    """
    for offset, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = {str(cell_text(c)).casefold(): i for i, c in enumerate(row) if isinstance(c, str)}
        if "_parent_index" in texts:
            return offset, {k: texts[k] for k in KOBO_LINKS if k in texts}
        if all(k in texts for k in ODK_LINKS):
            return offset, {k: texts[k] for k in ODK_LINKS}
    return None


def data_rows(sheet: Sheet) -> list[list[Any]]:
    """Every row of a sheet as Python values (a CSV file's table too)."""
    if sheet.table is None:
        return [list(r) for r in sheet.rows]
    return [list(r.values()) for r in sheet.table.to_pylist()]


def key_parts(key: Any) -> tuple[str, str, int] | None:
    """``(parent, repeat name, number)`` of an ODK ``KEY`` (``uuid:1/children/child[2]``)."""
    text = cell_text(key)
    if not isinstance(text, str):
        return None
    found = _KEY.match(text)
    if found is None:
        return None
    return found["parent"], found["name"], int(found["number"])


def is_nested(table: RepeatTable, rows: Sequence[list[Any]], repeat_sheets: set[str]) -> bool:
    """Whether the table's rows are repeats within another repeat's rows."""
    if table.kobo:
        return table.parent_table is not None and _sheet_named(table.parent_table, repeat_sheets)
    at = table.links["parent_key"]
    for row in rows:
        parent = cell_text(row[at]) if at < len(row) else None
        if isinstance(parent, str) and parent:
            return parent.endswith("]")
    return False


def _sheet_named(name: str, sheets: set[str]) -> bool:
    return any(sheet_matches(sheet, name) for sheet in sheets)


def sheet_matches(sheet: str, name: str) -> bool:
    """Whether a sheet's name is ``name``, or ``name`` cut as KoboToolbox cuts sheet names.

    KoboToolbox (formpack) cuts a name to Excel's 31 characters, ending it in ``...``, and
    tells two cut names apart with `` (1)``, `` (2)`` ...
    """
    sheet, name = sheet.casefold(), name.casefold()
    if sheet == name:
        return True
    stem = re.sub(r"\s*\(\d+\)$", "", sheet)
    if stem.endswith("..."):
        return name.startswith(stem[:-3]) and len(name) > len(stem) - 3
    return False


def main_index(sheet: Sheet) -> dict[int, int]:
    """``_index`` → Excel row of a KoboToolbox main sheet (empty if it has no ``_index``)."""
    for offset, row in enumerate(sheet.rows[:12]):
        at = next(
            (i for i, c in enumerate(row) if isinstance(c, str) and c.strip() == "_index"), None
        )
        if at is None:
            continue
        out: dict[int, int] = {}
        for below, cells in enumerate(sheet.rows[offset + 1 :], start=offset + 1):
            number = whole_number(cells[at]) if at < len(cells) else None
            if number is not None:
                out.setdefault(number, sheet.first_row + below)
        return out
    return {}


def filled_rows(table: RepeatTable) -> int:
    """How many rows below the header hold anything."""
    rows = data_rows(table.sheet)[table.header + 1 :]
    return sum(1 for r in rows if any(c not in (None, "") for c in r))


def first_value(table: RepeatTable, link: str) -> str | None:
    """The first text in a link column (``_parent_table_name``) below the header."""
    at = table.links.get(link)
    if at is None:
        return None
    for row in table.sheet.rows[table.header + 1 :]:
        text = cell_text(row[at]) if at < len(row) else None
        if isinstance(text, str) and text:
            return text
    return None


def key_name(table: RepeatTable) -> str | None:
    """The repeat's name, as the first rows' ``KEY`` says it (``.../child[1]``)."""
    at = table.links["key"]
    for row in table.sheet.rows[table.header + 1 :]:
        parts = key_parts(row[at]) if at < len(row) else None
        if parts is not None:
            return parts[1]
    return None


def stem_name(stem: str) -> str:
    """``child`` from ODK's file name ``form-child`` (``form-child~2`` for a second one)."""
    return stem.rpartition("-")[2].partition("~")[0] or stem


def whole_number(value: Any) -> int | None:
    """A cell as a whole number (``3``, ``3.0``, ``"3"``), or ``None``."""
    text = cell_text(value)
    if isinstance(text, float | bool):  # 1.5 is no row number; 3.0 came back as "3"
        return None
    try:
        return int(text) if text not in (None, "") else None
    except (TypeError, ValueError):
        return None
