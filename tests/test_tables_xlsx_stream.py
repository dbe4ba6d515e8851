"""Table sheets written straight to the xlsx XML (:class:`villagesurvey.tables.xlsx_stream.
TableBook`) read back by openpyxl as they were given: every text a text, hostile ones too,
each severity coloured in its column only, whichever row a text is first met on."""

from __future__ import annotations

import math
from pathlib import Path

import openpyxl
import pytest

from villagesurvey.tables.xlsx_stream import TableBook

_TEXTS = ["error", "=1+2", "a\rb", "<&>\"'", "x\x01y", " padded ", "中文", "warning", "fixed"]


def _fill(cell: openpyxl.cell.cell.Cell) -> str | None:
    color = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
    return color if isinstance(color, str) else None


@pytest.mark.parametrize("rows", [3, 3_000])  # a few, and more than are written at a time
def test_every_row_is_read_back_as_given_its_severity_coloured(rows: int, tmp_path: Path) -> None:
    header = ["check", "severity", "value", "row"]
    table = []
    for n in range(rows):
        text = _TEXTS[(n * 7) % len(_TEXTS)]  # each text met in both columns, in turn
        other = _TEXTS[(n * 5 + 1) % len(_TEXTS)]
        number = [1, 1.0, True, -0.0, math.nan, None, 2.5, ""][n % 8]
        table.append([text, other, number, n])
    path = tmp_path / "book.xlsx"
    book = TableBook(path)
    book.add("findings", header, table, note="a note")
    book.save()

    sheet = openpyxl.load_workbook(path)["findings"]
    assert sheet["A1"].value == "a note"
    assert [c.value for c in sheet[2]] == header
    colours = {None: None, "error": "00F8CBAD", "warning": "00FFE699", "fixed": "00C6E0B4"}
    for n, (text, other, number, row) in enumerate(table):
        cells = sheet[n + 3]
        shown = [text, other]
        assert [c.value for c in cells[:2]] == [s.replace("\x01", "\\x01") for s in shown]
        assert all(c.data_type == "s" for c in cells[:2])  # "=1+2" is a text, not a formula
        assert _fill(cells[0]) is None  # the check column is never coloured
        assert _fill(cells[1]) == colours.get(other)
        expected = None if number is None or number == "" or number != number else number
        assert cells[2].value == expected
        assert type(cells[2].value) is type(expected)
        if expected == 0:
            assert math.copysign(1, cells[2].value) == math.copysign(1, number)
        assert cells[3].value == row
