"""CSV files read in columns: the same cells as Python's csv module reads, limits, fallbacks.

The reference for every cell is the standard library's :mod:`csv` reader (the reader CSV
files went through before they were read in columns), with empty cells as ``None``.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from villagesurvey import load_instrument
from villagesurvey.validate import validate_returns
from villagesurvey.validate._csv import HEAD_ROWS, read_csv
from villagesurvey.validate._preflight import Refusal
from villagesurvey.validate.reading import ReadFile, Refused, read_returns

ROOT = Path(__file__).resolve().parent.parent

TRICKY = {
    "plain": "village_id,name,income\nV01,李娜,45000\nV02,王芳,\n",
    "quoted": 'a,b,c\n"1,5","say ""hi""",""\n"x\ny",2,3\n',
    "empty line": "a,b\n1,2\n\n3,4\n",
    "crlf": "a,b\r\n1,2\r\n3,\r\n",
    "semicolon": "a;b;c\n1,5;2;3\n",
    "tab": "a\tb\n1 000\t2\n",
    "spaces": "a,b\n  ,x \n",
    "long": "code,value\n" + "".join(f"R{i},{i * 7}\n" for i in range(3 * HEAD_ROWS)),
}


def _reference(text: str) -> list[list[str | None]]:
    first = text.partition("\n")[0]
    delimiter = "," if "," in first else next((d for d in "\t;" if d in first), ",")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    width = max(len(row) for row in rows)  # an empty line is a row of empty cells
    return [[cell if cell != "" else None for cell in row] + [None] * (width - len(row))
            for row in rows]  # fmt: skip


def _table_rows(table: object) -> list[list[str | None]]:
    return [list(row.values()) for row in table.to_pylist()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", list(TRICKY))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_cells_are_those_the_csv_module_reads(name: str, encoding: str):
    text = TRICKY[name]
    head, table, said = read_csv(text.encode(encoding), 10_000)
    expected = _reference(text)
    assert _table_rows(table) == expected
    assert head == expected[:HEAD_ROWS]
    words = {"utf-8": "UTF-8", "utf-8-sig": "byte-order mark", "gb18030": "GB18030"}
    ascii_text = encoding == "gb18030" and text.isascii()  # then valid UTF-8 as well
    assert ("UTF-8" if ascii_text else words[encoding]) in said


def test_rows_of_other_widths_go_to_the_reader_process_and_are_padded(tmp_path: Path):
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,c\n1\n2,3\n", encoding="utf-8")
    assert read_csv(path.read_bytes(), 10_000) is None
    (result,) = read_returns([path])
    assert isinstance(result, ReadFile)
    sheet = result.sheets["ragged"]
    assert sheet.table is None
    assert sheet.rows == [["a", "b", "c"], ["1", None, None], ["2", "3", None]]


def test_too_many_cells_and_an_unknown_encoding_are_refused(tmp_path: Path):
    with pytest.raises(Refusal) as refusal:
        read_csv(b"a,b,c\n1,2,3\n4,5,6\n", 8)
    assert refusal.value.check == "too_many_cells"
    path = tmp_path / "latin.csv"
    path.write_bytes(b"village,name\nV01,\xff\xfe\xff\n")
    (result,) = read_returns([path])
    assert isinstance(result, Refused)
    assert result.check == "unknown_encoding"


def test_blank_rows_of_a_csv_are_reported_at_their_line(tmp_path: Path):
    truth = (ROOT / "sample_data" / "truth.csv").read_text(encoding="utf-8").splitlines()
    header, rows = truth[0], truth[1:]
    lines = [header, *rows[:30], "," * header.count(","), *rows[30:], "", ""]
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    instrument = load_instrument(ROOT / "instruments" / "village_ecommerce.yaml")
    result = validate_returns(instrument, [path])
    blank = result.findings[result.findings["check"] == "blank_row"]
    assert blank["row"].tolist() == [32]  # line 32 of the file; those after the last: no news
    assert result.rows_in == len(rows)
