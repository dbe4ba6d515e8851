"""The data sheet: section band, question labels, the code row, then one row per respondent."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..codebook import column_label, format_limit
from ..instrument import TODAY, Column, Instrument
from ..instrument.conditions import format_condition
from ..instrument.model import Limit
from . import CODE_ROW, FIRST_DATA_ROW, LABEL_ROW, SECTION_ROW
from ._cells import display_width, put, truncate
from ._points import PART_LIMITS, part_label, sheet_columns
from ._text import ui

__all__ = ["add_data_sheet"]

_SECTION_FILLS = ("DDEBF7", "E2EFDA", "FFF2CC", "EDE2F6", "DEEAF1", "F8E1DA")
_REQUIRED_FILL = PatternFill("solid", fgColor="F8CBAD")
_OPTIONAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CODE_FILL = PatternFill("solid", fgColor="FAFAFA")
_THIN = Side(style="thin", color="A6A6A6")
_NUMBER_FORMATS = {
    "integer": "0", "decimal": "General", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
    "text": "@",
}  # fmt: skip
_WIDE = 10**15  # stands in for "no limit" in a range check
_EARLIEST, _LATEST = date(1900, 1, 1), date(2199, 12, 31)  # Excel's calendar, roughly


def add_data_sheet(
    workbook: Workbook,
    instrument: Instrument,
    language: str,
    rows: int,
    lists: dict[str, str],
) -> Worksheet:
    """Add the data sheet; ``lists`` maps a choice list name to its drop-down range."""
    text = ui(language)
    sheet = workbook.create_sheet(text["data_sheet"])
    last_row = FIRST_DATA_ROW + rows - 1
    tallest = 1
    for index, (code_text, column, part) in enumerate(sheet_columns(instrument), start=1):
        letter = get_column_letter(index)
        q = column.question
        label = column_label(column, language)
        if part is not None:
            label = part_label(label, part, language)
        label += " *" if q.required and part in (None, "latitude", "longitude") else ""
        width = min(
            max(display_width(column.code) + 2, 12, math.ceil(display_width(label) / 3) + 2), 30
        )
        sheet.column_dimensions[letter].width = width
        tallest = max(tallest, math.ceil(display_width(label) / (width - 1)))
        head = put(sheet, LABEL_ROW, index, label)
        head.font = Font(bold=True)
        head.fill = _REQUIRED_FILL if q.required else _OPTIONAL_FILL
        head.alignment = Alignment(wrap_text=True, vertical="top")
        head.border = Border(left=_THIN, right=_THIN, top=_THIN)
        code = put(sheet, CODE_ROW, index, code_text)
        code.font = Font(name="Consolas", size=9, color="595959")
        code.fill = _CODE_FILL
        code.border = Border(left=_THIN, right=_THIN, bottom=Side(style="medium", color="595959"))
        if q.type in _NUMBER_FORMATS:  # a column style: what the enumerator types takes it
            sheet.column_dimensions[letter].number_format = _NUMBER_FORMATS[q.type]
        validation = (
            _validation(instrument, column, language, lists)
            if part is None
            else _part_validation(column, part, language)
        )
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)
    _section_band(sheet, instrument, language)
    sheet.row_dimensions[LABEL_ROW].height = 15 * min(tallest, 6) + 4
    sheet.row_dimensions[CODE_ROW].height = 14
    frozen = _leading_key_columns(instrument)
    sheet.freeze_panes = f"{get_column_letter(frozen + 1)}{FIRST_DATA_ROW}"
    sheet.print_title_rows = f"{SECTION_ROW}:{CODE_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.tabColor = "2F75B5"
    return sheet


def _section_band(sheet: Worksheet, instrument: Instrument, language: str) -> None:
    start = 1
    for number, section in enumerate(instrument.sections):
        columns = sheet_columns(instrument)
        width = sum(1 for _, c, _ in columns if c.question.section == section.code)
        if width == 0:
            continue
        end = start + width - 1
        fill = PatternFill("solid", fgColor=_SECTION_FILLS[number % len(_SECTION_FILLS)])
        cell = put(sheet, SECTION_ROW, start, section.label[language])
        cell.font = Font(bold=True, size=12)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        for index in range(start, end + 1):
            sheet.cell(row=SECTION_ROW, column=index).fill = fill
        if end > start:
            sheet.merge_cells(
                start_row=SECTION_ROW, start_column=start, end_row=SECTION_ROW, end_column=end
            )
        start = end + 1
    sheet.row_dimensions[SECTION_ROW].height = 20


def _leading_key_columns(instrument: Instrument) -> int:
    count = 0
    for column in instrument.columns:
        if column.code not in instrument.key:
            break
        count += 1
    return count


def _excel_limit(value: Limit | None, fallback: Limit) -> str:
    """A limit as an Excel formula term; ``fallback`` stands in for a missing one."""
    value = fallback if value is None else value
    if value == TODAY:
        return "TODAY()"
    if isinstance(value, date):
        return f"DATE({value.year},{value.month},{value.day})"
    return format_limit(value)


def _range_words(column: Column, text: dict[str, Any]) -> str:
    q = column.question
    low, high = q.min, q.max
    if low is not None and high is not None:
        return str(text["between"]).format(low=format_limit(low), high=format_limit(high))
    if low is not None:
        return str(text["at_least"]).format(low=format_limit(low))
    if high is not None:
        return str(text["at_most"]).format(high=format_limit(high))
    return ""


def _validation(
    instrument: Instrument, column: Column, language: str, lists: dict[str, str]
) -> DataValidation:
    """The Excel data validation of a column: a drop-down or a range, with its messages."""
    text = ui(language)
    q = column.question
    prompt = [q.label[language]]
    if q.hint:
        prompt.append(q.hint[language])
    choices = instrument.choice_list(q)
    if q.type in ("select_one", "likert"):
        list_name = instrument.scales[q.scale].choices if q.scale else q.choices
        validation = DataValidation(type="list", formula1=lists[str(list_name)], allow_blank=True)
        prompt.append(str(text["choose"]))
        error = str(text["choose_error"])
    elif q.type == "select_multiple":
        validation = DataValidation(allow_blank=True)
        options = "; ".join(f"{c.code} = {c.label[language]}" for c in choices)
        prompt.append(f"{text['multiple']} {options}")
        error = ""
    elif q.type in ("integer", "decimal", "date"):
        kind = {"integer": "whole", "decimal": "decimal", "date": "date"}[q.type]
        validation = DataValidation(
            type=kind,
            operator="between",
            formula1=_excel_limit(q.min, _EARLIEST if q.type == "date" else -_WIDE),
            formula2=_excel_limit(q.max, _LATEST if q.type == "date" else _WIDE),
            allow_blank=True,
        )
        words = {"integer": text["whole"], "decimal": text["decimal"], "date": text["date"]}[q.type]
        error = f"{words}{_range_words(column, text)}."
        prompt.append(error)
        if q.unit:
            prompt.append(str(text["unit"]).format(unit=q.unit))
        if q.soft_min is not None or q.soft_max is not None:
            low = format_limit(q.soft_min) if q.soft_min is not None else "…"
            high = format_limit(q.soft_max) if q.soft_max is not None else "…"
            prompt.append(str(text["expected"]).format(range=f"{low} – {high}"))
    else:
        validation = DataValidation(allow_blank=True)
        error = ""
        if q.type == "datetime":
            prompt.append(str(text["datetime"]))
    if column.relevant is not None:
        prompt.append(str(text["asked_if"]).format(rule=format_condition(column.relevant)))
    if q.message:
        error = q.message[language]
    validation.promptTitle = truncate(column.code, 32)
    validation.prompt = truncate("\n".join(prompt), 255)
    validation.showInputMessage = True
    if error:
        validation.errorTitle = truncate(str(text["invalid"]), 32)
        validation.error = truncate(error, 255)
        validation.errorStyle = "stop"
        validation.showErrorMessage = True
    return validation


def _part_validation(column: Column, part: str, language: str) -> DataValidation:
    """A geopoint part's cell: a decimal in the part's range, with the question as prompt."""
    text = ui(language)
    low, high = PART_LIMITS[part]
    validation = DataValidation(
        type="decimal",
        operator="between",
        formula1=format_limit(-_WIDE if low is None else low),
        formula2=format_limit(_WIDE if high is None else high),
        allow_blank=True,
    )
    words = str(text["decimal"])
    if low is not None and high is not None:
        words += str(text["between"]).format(low=format_limit(low), high=format_limit(high))
    elif low is not None:
        words += str(text["at_least"]).format(low=format_limit(low))
    prompt = [column.question.label[language], part_label("", part, language).lstrip(":： "), words]
    if column.relevant is not None:
        prompt.append(str(text["asked_if"]).format(rule=format_condition(column.relevant)))
    validation.promptTitle = truncate(f"{column.code}_{part}", 32)
    validation.prompt = truncate("\n".join(prompt), 255)
    validation.showInputMessage = True
    validation.errorTitle = truncate(str(text["invalid"]), 32)
    validation.error = truncate(f"{words}.", 255)
    validation.errorStyle = "stop"
    validation.showErrorMessage = True
    return validation
