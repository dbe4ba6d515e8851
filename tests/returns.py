"""Build field returns for tests from readable tables.

A table is written as in Markdown::

    | village_id | person_id | age  | gender |
    | V01        | 1         | 43   | Male   |
    | V01        | 2         | '41  | 女     |

:func:`fill_template` types each cell as Excel would when an enumerator types it: ``43``
becomes a number, ``2022-07-05`` a date, anything else text; a leading ``'`` keeps the
rest as text (``'41`` is the text "41", ``'=1+1`` the text "=1+1"), as in Excel; an empty
cell stays empty.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path
from typing import Any

from villagesurvey import Instrument, build_workbook
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW


def table(text: str) -> list[dict[str, str]]:
    """The rows of a Markdown-style table as dicts of cell text."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    cells = [[c.strip() for c in line.strip("|").split("|")] for line in lines]
    header, body = cells[0], [c for c in cells[1:] if not set("".join(c)) <= {"-", ":"}]
    return [dict(zip(header, row, strict=True)) for row in body]


def typed(text: str) -> Any:
    """A cell as Excel stores what was typed."""
    if text == "":
        return None
    if text.startswith("'"):
        return text[1:]
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", text):
        return float(text)
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return date.fromisoformat(text)
    return text


def fill_template(
    instrument: Instrument,
    rows: list[dict[str, str]],
    path: Path,
    *,
    language: str = "en",
    first_row: int = FIRST_DATA_ROW,
    rosters: dict[str, list[dict[str, str]]] | None = None,
) -> Path:
    """Save our blank workbook with ``rows`` typed in from ``first_row`` on.

    ``rosters`` gives the rows of each roster's sheet, by roster code.
    """
    book = build_workbook(instrument, language, rows=max(len(rows), 5))
    _type_in(book.worksheets[0], rows, first_row)
    for code, roster_rows in (rosters or {}).items():
        _type_in(book[code], roster_rows, FIRST_DATA_ROW)
    book.save(path)
    return path


def _type_in(sheet: Any, rows: list[dict[str, str]], first_row: int) -> None:
    columns = {cell.value: cell.column for cell in sheet[CODE_ROW] if cell.value}
    for offset, row in enumerate(rows):
        for code, text in row.items():
            if code not in columns and f"{code}_latitude" in columns:  # a point's four cells
                parts = ("latitude", "longitude", "altitude", "accuracy")
                for part, number in zip(parts, text.split(), strict=False):
                    sheet.cell(first_row + offset, columns[f"{code}_{part}"]).value = typed(number)
                continue
            cell = sheet.cell(first_row + offset, columns[code])
            cell.value = typed(text)
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text, even when it begins with "=" (typed as '=...)


def plain_workbook(rows: list[list[Any]], path: Path, title: str = "Sheet1") -> Path:
    """A workbook that is not one of ours: the given cells from A1, typed as in Excel."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append([typed(v) if isinstance(v, str) else v for v in row])
    book.save(path)
    return path


def write_csv(rows: list[dict[str, str]], path: Path, encoding: str = "utf-8") -> Path:
    """A CSV export: a header of codes, every value as text."""
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def as_return(rows: list[dict[str, str]], file: str = "V01.xlsx", language: str = "en"):
    """The rows as a laid-out return of our template, without a file (for the checks alone)."""
    from villagesurvey.validate.layout import Return

    codes = list(rows[0]) if rows else []
    values = {code: [typed(row[code]) for row in rows] for code in codes}
    letters = {code: f"C{i}" for i, code in enumerate(codes)}
    numbers = list(range(FIRST_DATA_ROW, FIRST_DATA_ROW + len(rows)))
    return Return(file, "Data", numbers, values, letters, {}, language)
