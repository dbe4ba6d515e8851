"""Read an XLSForm file into plain sheets: the only place the importer touches a file.

.xlsx, .xlsm, .xls and .ods are read with python-calamine after the same safety look at the
bytes that returns get (zip bombs, XML entities, encrypted or renamed files are refused);
.csv in pyxform's layout (a sheet's name in the first column, its rows below, one column to
the right), or a survey sheet saved alone as CSV. Each sheet comes back as its rows from row
1, so that a row's index + 1 is the row the user sees.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from ..errors import XLSFormError

__all__ = ["read_sheets"]

MAX_FORM_BYTES = 64 * 2**20  # forms are kilobytes; one with pictures embedded a few MB
MAX_FORM_CELLS = 2_000_000
_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")


def read_sheets(path: Path) -> dict[str, list[list[Any]]]:
    """Read every worksheet of the form at ``path`` into rows of cell values.

    Raises
    ------
    XLSFormError
        If the file is missing, too large, unsafe, not a spreadsheet or cannot be parsed.
    """
    if path.suffix.lower() not in _SUFFIXES:
        raise XLSFormError(
            f"{path}: an XLSForm is an .xlsx, .xls, .ods or .csv file, not "
            f"{path.suffix or 'a file without suffix'}"
        )
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_FORM_BYTES + 1)
    except FileNotFoundError:
        raise XLSFormError(f"{path}: no such file") from None
    except OSError as error:
        raise XLSFormError(f"{path}: cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_FORM_BYTES:
        raise XLSFormError(
            f"{path}: larger than {MAX_FORM_BYTES // 2**20} MiB, far more than a form"
        )
    if not data:
        raise XLSFormError(f"{path}: the file is empty")
    if path.suffix.lower() == ".csv":
        return _csv_sheets(data, path)
    _look(data, path)
    return _workbook_sheets(data, path)


def _look(data: bytes, path: Path) -> None:
    from ..validate._preflight import Refusal, ZipLimits, preflight

    limits = ZipLimits(
        members=2_000, member_bytes=256 * 2**20, total_bytes=512 * 2**20, ratio=100.0
    )
    try:
        preflight(data, path.suffix.lower(), limits)
    except Refusal as refusal:
        raise XLSFormError(f"{path}: {refusal.reason} [{refusal.check}]") from None


def _workbook_sheets(data: bytes, path: Path) -> dict[str, list[list[Any]]]:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

    sheets: dict[str, list[list[Any]]] = {}
    budget = MAX_FORM_CELLS
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in book.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = book.get_sheet_by_name(meta.name)
            start = sheet.start or (0, 0)
            budget -= (sheet.height + start[0]) * (sheet.width + start[1])
            if budget < 0:
                raise XLSFormError(
                    f"{path}: sheet {meta.name!r} spans more cells than a form holds; delete "
                    "the empty rows and columns after its last question"
                )
            sheets[meta.name] = sheet.to_python(skip_empty_area=False)
    except PasswordError:
        raise XLSFormError(f"{path}: it is password-protected; remove the password") from None
    except CalamineError as error:
        raise XLSFormError(f"{path}: it could not be read ({error})") from None
    return sheets


def _csv_sheets(data: bytes, path: Path) -> dict[str, list[list[Any]]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise XLSFormError(f"{path}: the CSV file is neither UTF-8 nor GB18030 text")
    first = text.lstrip().split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel saves CSV with ";" in some countries
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise XLSFormError(f"{path}: not a readable CSV file ({error})") from None
    header = next((r for r in records if any(c.strip() for c in r)), [])
    if {"type", "name"} <= {c.strip().lower() for c in header}:
        return {"survey": [list(r) for r in records]}  # the survey sheet alone, saved as CSV
    sheets: dict[str, list[list[Any]]] = {}
    current: list[list[Any]] | None = None
    for number, record in enumerate(records, start=1):
        if record and record[0].strip():
            current = sheets.setdefault(record[0].strip(), [])
        if current is None:
            raise XLSFormError(
                f"{path}: not an XLSForm CSV: its first column must name the sheet (survey, "
                "choices, settings) above each sheet's rows"
            )
        while len(current) < number - 1:
            current.append([])  # rows of other sheets: the row numbers stay the file's lines
        current.append(record[1:] if not (record and record[0].strip()) else [])
    return sheets
