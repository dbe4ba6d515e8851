"""The workbook's other sheets: drop-down lists, codebook, instructions, and the metadata."""

from __future__ import annotations

import math

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname

from .._version import package_version
from ..codebook import codebook_rows
from ..instrument import Instrument
from . import CODE_ROW, FIRST_DATA_ROW, LABEL_ROW, LISTS_SHEET, META_SHEET
from ._cells import display_width, put
from ._text import ui

__all__ = ["add_codebook_sheet", "add_instructions_sheet", "add_lists_sheet", "add_meta"]

_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")


def add_lists_sheet(workbook: Workbook, instrument: Instrument, language: str) -> dict[str, str]:
    """Write each choice list's labels in a column of a hidden sheet; return their ranges."""
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    for index, (name, choices) in enumerate(instrument.choices.items(), start=1):
        letter = get_column_letter(index)
        put(sheet, 1, index, name)
        for row, choice in enumerate(choices, start=2):
            put(sheet, row, index, choice.label[language])
        last = len(choices) + 1
        ranges[name] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${last}"
    return ranges


def add_codebook_sheet(workbook: Workbook, instrument: Instrument, language: str) -> None:
    """One row per column: code, labels in every language, type, allowed values, ..."""
    text = ui(language)
    sheet = workbook.create_sheet(text["codebook_sheet"])
    headers: list[str] = list(text["codebook_headers"])
    label_header = headers.pop(1)
    headers[1:1] = [label_header.format(lang=lang) for lang in instrument.languages]
    for index, header in enumerate(headers, start=1):
        cell = put(sheet, 1, index, header)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
    yes, no = str(text["yes"]), str(text["no"])
    table: list[list[object]] = []
    from ._rosters import roster_codebook_rows

    for entry in [*codebook_rows(instrument), *roster_codebook_rows(instrument)]:
        table.append(
            [
                entry.code,
                *(entry.label[lang] for lang in instrument.languages),
                entry.section,
                entry.type,
                entry.unit,
                yes if entry.required else no,
                entry.allowed[language],
                entry.expected,
                entry.wave if entry.wave is not None else "",
                entry.relevant,
                yes if entry.pii else no,
                entry.scale,
                entry.part_of,
            ]
        )
    widths = [
        max([display_width(header) + 2] + [min(display_width(str(r[i])) + 2, 50) for r in table])
        for i, header in enumerate(headers)
    ]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row, values in enumerate(table, start=2):
        for index, value in enumerate(values, start=1):
            cell = put(sheet, row, index, value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Spreadsheets do not all fit a row to wrapped text on opening: give it the height.
        lines = max(
            math.ceil(display_width(str(v)) / (w - 2)) for v, w in zip(values, widths, strict=True)
        )
        sheet.row_dimensions[row].height = 15 * max(lines, 1)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions


def add_instructions_sheet(workbook: Workbook, instrument: Instrument, language: str) -> None:
    """How to fill the workbook, and which questionnaire it belongs to."""
    text = ui(language)
    sheet = workbook.create_sheet(text["instructions_sheet"])
    lines = [
        line.format(
            data=text["data_sheet"],
            codebook=text["codebook_sheet"],
            first=FIRST_DATA_ROW,
            code_row=CODE_ROW,
        )
        for line in text["instructions"]
    ]
    lines += [
        "",
        str(text["about"]).format(title=instrument.title[language]),
        f"{instrument.id} {instrument.version} (sha256 {instrument.content_hash[:12]})",
    ]
    for row, line in enumerate(lines, start=1):
        cell = put(sheet, row, 1, line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 110


def add_meta(
    workbook: Workbook,
    instrument: Instrument,
    language: str,
    data_sheet: str,
    rosters: dict[str, str] | None = None,
) -> None:
    """Store which instrument the workbook belongs to, in a hidden sheet and the properties.

    A reader matches a return to its instrument by these values, whatever the file is called.
    """
    meta = {
        "instrument_id": instrument.id,
        "instrument_version": instrument.version,
        "instrument_sha256": instrument.content_hash,
        "language": language,
        "data_sheet": data_sheet,
        "label_row": str(LABEL_ROW),
        "code_row": str(CODE_ROW),
        "first_data_row": str(FIRST_DATA_ROW),
        "generator": f"villagesurvey {package_version()}",
    }
    for code, name in (rosters or {}).items():
        meta[f"roster_sheet.{code}"] = name
    sheet = workbook.create_sheet(META_SHEET)
    sheet.sheet_state = "hidden"
    for row, (name, value) in enumerate(meta.items(), start=1):
        put(sheet, row, 1, name)
        put(sheet, row, 2, value)
    for name, value in meta.items():
        workbook.custom_doc_props.append(StringProperty(name=f"villagesurvey.{name}", value=value))
    workbook.properties.title = instrument.title[language]
    workbook.properties.creator = "villagesurvey"
    workbook.properties.identifier = f"{instrument.id} {instrument.version}"
