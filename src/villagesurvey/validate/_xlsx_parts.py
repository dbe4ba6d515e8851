"""Where a workbook's formulas and error values are: read from its package's XML.

calamine gives a cell's value, not whether a formula made it. The worksheet parts of an
.xlsx or .xlsm package are found through its relationships (:func:`sheet_parts`) and streamed
with defusedxml (:func:`formula_cells`): each formula cell and each cell holding an error
value. Only the standard library and defusedxml are imported: the reader process
(:mod:`._worker`) runs this.
"""

from __future__ import annotations

import importlib
import re
import zipfile
from collections.abc import Iterable
from typing import Any

__all__ = ["formula_cells", "sheet_parts"]

_CELL = re.compile(r"([A-Za-z]{1,3})([0-9]{1,7})")
_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _defused() -> Any:
    """The module defusedxml.ElementTree, imported on first need (it has no type stubs)."""
    return importlib.import_module("defusedxml.ElementTree")


def _resolve(base: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = base.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    fromstring = _defused().fromstring
    folder, _, name = part.rpartition("/")
    rels = f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"
    if rels not in archive.namelist():
        return {}
    root = fromstring(archive.read(rels), forbid_dtd=True)
    return {
        r.get("Id", ""): (r.get("Type", ""), _resolve(part, r.get("Target", "")))
        for r in root.iter(_RELATIONSHIPS)
        if r.get("TargetMode") != "External"
    }


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map sheet names to their worksheet parts, through the package's relationships."""
    fromstring = _defused().fromstring
    workbook = next(
        (t for kind, t in _relationships(archive, "").values() if kind.endswith("/officeDocument")),
        "xl/workbook.xml",
    )
    targets = _relationships(archive, workbook)
    root = fromstring(archive.read(workbook), forbid_dtd=True)
    found: dict[str, str] = {}
    for element in root.iter():
        if element.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if k.rpartition("}")[2] == "id"), "")
        if rid in targets:
            found[element.get("name", "")] = targets[rid][1]
    return found


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def formula_cells(archive: zipfile.ZipFile, part: str) -> list[tuple[int, int, str]]:
    """Stream one worksheet part: (row, column, "=formula") for each formula cell, and
    (row, column, "#ERROR!") for each cell holding an error value and no formula."""
    iterparse = _defused().iterparse
    found: list[tuple[int, int, str]] = []
    shared: dict[str, str] = {}
    row = column = 0
    error = formula = False
    sheet_data = None
    with archive.open(part) as stream:
        events: Iterable[tuple[str, Any]] = iterparse(
            stream, events=("start", "end"), forbid_dtd=True
        )
        for event, element in events:
            tag = element.tag.rpartition("}")[2]
            if event == "start":
                if tag == "row":
                    number = element.get("r")
                    row = int(number) if number and number.isdigit() else row + 1
                    column = 0
                elif tag == "c":
                    match = _CELL.fullmatch(element.get("r") or "")
                    if match:
                        row, column = int(match[2]), _column_number(match[1])
                    else:
                        column += 1
                    error, formula = element.get("t") == "e", False
                elif tag == "sheetData":
                    sheet_data = element
            elif tag == "f":
                text = element.text or ""
                index = element.get("si")
                if element.get("t") == "shared" and index is not None:
                    text = shared.setdefault(index, text) if text else shared.get(index, "")
                found.append((row, column, "=" + text))
                formula = True
            elif tag == "v" and error and not formula:
                found.append((row, column, (element.text or "#VALUE!").strip()[:32]))
            elif tag == "c":
                element.clear()
            elif tag == "row" and sheet_data is not None:
                sheet_data.remove(element)
    return found
