"""Attacks on validate's promises, with damaged, unusual and hostile returns built here.

For every input, whatever it holds:

- rows in the source = clean + quarantined + reported as not read (with a finding at the row);
- every output CSV parses with Python's csv module into as many records as summary.json says;
- no parsed cell of any output begins with = + - @ tab or CR, unless it is an ASCII number;
- the command ends with exit code 0, 1 or 2 (130 when interrupted), and never a traceback;
- an interrupted or failed run leaves the previous output set as it was.

A fixed corpus (one file per known way of breaking a promise) and generated returns
(hypothesis) are checked against the same promises.
"""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from villagesurvey import parse_instrument, validate_returns, write_validation
from villagesurvey.tables.safe import shown_name, writable
from villagesurvey.validate.cells import serial_to_date
from villagesurvey.validate.error_cells import _CONTROL, _nothing_to_report

from .attacks import (
    HEADER,
    INTERNALS,
    assert_promises,
    csv_text,
    file_entry,
    issues_of,
    records,
    rows_of,
    run_cli,
)
from .conftest import SMALL
from .returns import fill_template


@pytest.fixture(scope="module")
def instrument_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instrument") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


# -- the corpus: workbooks -------------------------------------------------------------------


def _edit_meta(path: Path, key: str, value: str) -> None:
    book = load_workbook(path)
    for row in book["_instrument"].iter_rows():
        if row[0].value == key:
            row[1].value = value
    book.save(path)


def _patch_xml(path: Path, old: bytes, new: bytes, cell_error: bool = False) -> None:
    """Rewrite the package's XML as a hostile or damaged workbook would hold it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.endswith(".xml"):
                data = data.replace(old, new)
            target.writestr(info, data)
    path.write_bytes(buffer.getvalue())


def _plain(rows: list[list[object]], path: Path) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def _error_cells(path: Path) -> Path:
    # Excel writes a broken formula's cell as <c t="e"><v>#REF!</v></c>
    _plain([["village_id", "person_id", "age"], ["V01", "1", "ERRA"], ["ERRB", "2", 30]], path)
    _patch_xml(path, b't="inlineStr"><is><t>ERRA</t></is>', b't="e"><v>#N/A</v>')
    _patch_xml(path, b't="inlineStr"><is><t>ERRB</t></is>', b't="e"><v>#REF!</v>')
    book = zipfile.ZipFile(path)
    assert any(b't="e"' in book.read(n) for n in book.namelist() if "worksheets" in n)
    return path


@pytest.fixture(scope="module")
def workbook_run(instrument_file, tmp_path_factory):
    small = parse_instrument(SMALL)
    folder = tmp_path_factory.mktemp("workbooks")
    path = fill_template(small, rows_of("L1"), folder / "labels_deleted.xlsx")
    book = load_workbook(path)
    book["Data"].delete_rows(1, 2)  # the enumerator deleted the label rows
    book.save(path)
    for name, key, value in (
        ("code_row_6", "code_row", "6"),
        ("code_row_1", "code_row", "1"),
        ("first_data_7", "first_data_row", "7"),
    ):
        path = fill_template(small, rows_of(name), folder / f"{name}.xlsx")
        _edit_meta(path, key, value)
    _error_cells(folder / "error_cells.xlsx")
    path = fill_template(small, rows_of("C1", name="CTRL"), folder / "control.xlsx")
    # control characters in shared strings, as Excel escapes them: \x01, ESC, \x0b
    _patch_xml(path, b">CTRL<", b">a_x0001_b_x001B_c_x000B_=1+1<")
    path = fill_template(small, rows_of("C2", name="CRLF")[:1], folder / "carriage_return.xlsx")
    _patch_xml(path, b">CRLF<", b">Ann_x000D_=1+1<")
    _plain(
        [["village_id", "person_id", "interview_date", "age"], ["V01", "1", 60, 40],
         ["V01", "2", 44776, 41]],
        folder / "serial_60.xlsx",
    )  # fmt: skip
    _plain(
        [["village_id", "person_id", "age", "notes"], ["U1", "1", 40, ""],
         [None, None, None, "only a note"], ["U1", "2", 41, ""]],
        folder / "only_unknown.xlsx",
    )  # fmt: skip
    _plain(
        [["village_id", "person_id", "age", "name"], ["V01", True, 40, False]],
        folder / "boolean.xlsx",
    )  # fmt: skip
    out = folder / "checked"
    result = run_cli(["validate", str(instrument_file), str(folder), "-o", str(out)])
    return result, out, assert_promises(out)


def test_workbook_corpus_keeps_every_promise(workbook_run):
    result, _out, summary = workbook_run
    assert result.exit_code == 1
    assert summary["files_read"] == 10
    assert summary["files_refused"] == 0


@pytest.mark.parametrize("name", ["labels_deleted", "code_row_6", "code_row_1", "first_data_7"])
def test_template_metadata_is_checked_against_the_sheet(workbook_run, name):
    _result, out, summary = workbook_run
    entry = file_entry(summary, f"{name}.xlsx")
    assert (entry["rows_in"], entry["rows_clean"]) == (3, 3)
    checks = {r["check"] for r in issues_of(out, f"{name}.xlsx")}
    assert "template_metadata_mismatch" in checks


def test_a_row_with_values_only_in_unknown_columns_is_reported_not_read(workbook_run):
    _result, out, summary = workbook_run
    entry = file_entry(summary, "only_unknown.xlsx")
    assert (entry["rows_in"], entry["rows_clean"], entry["rows_not_read"]) == (3, 2, 1)
    [finding] = [r for r in issues_of(out, "only_unknown.xlsx") if r["check"] == "row_not_read"]
    assert finding["row"] == "3"
    assert finding["severity"] == "error"


def test_error_cells_are_findings_with_their_text(workbook_run):
    _result, out, _summary = workbook_run
    found = {
        (r["row"], r["column"], r["value"])
        for r in issues_of(out, "error_cells.xlsx")
        if r["check"] == "error_cell"
    }
    assert found == {("2", "age", "#N/A"), ("3", "village_id", "#REF!")}


def test_control_characters_do_not_stop_the_batch(workbook_run):
    _result, out, summary = workbook_run
    assert file_entry(summary, "control.xlsx")["rows_in"] == 3
    [record] = [r for r in records(out / "clean.csv") if r[0] == "control.xlsx"][:1]
    assert "\x01" in record[4]
    assert "\x1b" in record[4]
    book = load_workbook(out / "issues.xlsx", read_only=True)
    assert "Summary" in book.sheetnames
    shown = [r[5] for r in book["control_character"].iter_rows(values_only=True)]
    book.close()
    assert set(shown[1:]) == {"(hidden: personal data)"}  # name is personal data
    found = {r["row"] for r in issues_of(out, "control.xlsx") if r["check"] == "control_character"}
    assert found == {"4", "5", "6"}


def test_a_carriage_return_in_a_cell_stays_in_its_record(workbook_run):
    _result, out, _summary = workbook_run
    [record] = [r for r in records(out / "clean.csv") if r[0] == "carriage_return.xlsx"]
    assert record[4] == "Ann\r=1+1"


def test_excel_serial_60_is_no_date(workbook_run):
    _result, out, _summary = workbook_run
    found = [r for r in issues_of(out, "serial_60.xlsx") if r["column"] == "interview_date"]
    assert [(r["row"], r["check"]) for r in found] == [("2", "not_a_date"), ("3", "date_serial")]
    assert found[1]["fixed_value"] == "2022-08-03"


def test_serials_follow_excels_1900_calendar():
    # Microsoft, "Excel incorrectly assumes that the year 1900 is a leap year" (KB 214326):
    # serial 1 is 1900-01-01, 59 is 1900-02-28, 60 the 1900-02-29 that never was, 61 is
    # 1900-03-01; DATE(2022,8,3) is 44776.
    assert serial_to_date(1) == date(1900, 1, 1)
    assert serial_to_date(59) == date(1900, 2, 28)
    assert serial_to_date(60) is None
    assert serial_to_date(61) == date(1900, 3, 1)
    assert serial_to_date(44776) == date(2022, 8, 3)


def test_logical_values_in_text_questions_are_reported(workbook_run):
    _result, out, _summary = workbook_run
    found = {(r["column"], r["check"]) for r in issues_of(out, "boolean.xlsx")}
    assert ("person_id", "boolean_cell") in found
    assert ("name", "boolean_cell") in found


CSV_CORPUS = {
    # name: (rows, rows in, clean, quarantined, not read)
    "header_moved.csv": (
        [["V01", "1", "40"], ["V01", "2", "41"], ["village_id", "person_id", "age"],
         ["V01", "3", "42"], ["V01", "4", "43"]],
        (4, 2, 0, 2),
    ),
    "carriage_return.csv": (
        [["village_id", "person_id", "age", "name"], ["V02", "1", "40", "Ann\r=1+1"],
         ["V02", "2", "40", "x\n@SUM(A1)"], ["V02", "3", "40", "y\r\n-2+3"]],
        (3, 3, 0, 0),
    ),
    "digits.csv": (
        [["village_id", "person_id", "age", "name"], ["V03", "1", "40", "-٣"],
         ["V03", "2", "3²", "+٣"], ["V03", "3", "٤٠", "=1"], ["V03", "4", "４０", "@x"]],
        (4, 2, 2, 0),
    ),
    "dates.csv": (
        [["village_id", "person_id", "age", "interview_date"], ["V04", "1", "40", "2022-06-31"],
         ["V04", "2", "40", "2023-02-29"], ["V04", "3", "40", "2022-08-03"]],
        (3, 1, 2, 0),
    ),
    "errors.csv": (
        [["village_id", "person_id", "age"], ["V05", "1", "#N/A"], ["#REF!", "2", "40"],
         ["V05", "3", "#DIV/0!"]],
        (3, 0, 3, 0),
    ),
    "control.csv": (
        [["village_id", "person_id", "age", "name"], ["V06\x01", "1", "4\x0b0", "a\x1b[31m"],
         ["V06", "2", "40", "\x1f\x7f"]],
        (2, 1, 1, 0),
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def csv_run(instrument_file, tmp_path_factory):
    folder = tmp_path_factory.mktemp("csv")
    for name, (rows, _counts) in CSV_CORPUS.items():
        (folder / name).write_bytes(csv_text(rows))
    # a name that is not UTF-8 (GBK, from an archive made on Chinese Windows), and a name
    # with a line break that tries to pass for a line of the report
    os.rename(folder / "dates.csv", os.path.join(os.fsencode(folder), b"\xd6\xd0\xce\xc4.csv"))
    (folder / "evil\n  refused x: fake [no_header_row].csv").write_bytes(b"no,codes\n1,2\n")
    out = folder / "checked"
    result = run_cli(["validate", str(instrument_file), str(folder), "-o", str(out)])
    return result, out, assert_promises(out)


@pytest.mark.parametrize("name", sorted(CSV_CORPUS))
def test_csv_corpus_rows_are_all_accounted_for(csv_run, name):
    _result, _out, summary = csv_run
    shown = "\\xd6\\xd0\\xce\\xc4.csv" if name == "dates.csv" else name
    entry = file_entry(summary, shown)
    counts = (
        entry["rows_in"], entry["rows_clean"], entry["rows_quarantined"], entry["rows_not_read"]
    )  # fmt: skip
    assert counts == CSV_CORPUS[name][1]


def test_names_are_shown_escaped_one_line_each(csv_run):
    result, _out, summary = csv_run
    names = {f["file"] for f in summary["files"]}
    assert "\\xd6\\xd0\\xce\\xc4.csv" in names
    assert "evil\\x0a  refused x: fake [no_header_row].csv" in names
    refused = [line for line in result.output.splitlines() if line.startswith("  refused")]
    assert len(refused) == 1


def test_only_ascii_numbers_escape_neutralising(csv_run):
    _result, out, _summary = csv_run
    names = {r[4] for r in records(out / "clean.csv")[1:]} | {
        r[8] for r in records(out / "quarantine.csv")[1:]
    }
    assert {"'-٣", "'+٣", "'=1", "'@x"} <= names


def test_non_ascii_digits_other_than_full_width_are_not_read_as_numbers(csv_run):
    _result, out, _summary = csv_run
    found = {(r["value"], r["check"]) for r in issues_of(out, "digits.csv") if r["column"] == "age"}
    [arabic] = [r["message"] for r in issues_of(out, "digits.csv") if r["value"] == "٤٠"]
    assert "if it means 40, type 40" in arabic  # the reading offered, not taken
    assert found == {
        ("3²", "not_a_number"), ("٤٠", "not_a_number"), ("４０", "full_width_digits")
    }  # fmt: skip


def test_impossible_dates_are_not_dates(csv_run):
    _result, out, _summary = csv_run
    found = {
        r["value"] for r in issues_of(out, "\\xd6\\xd0\\xce\\xc4.csv") if r["check"] == "not_a_date"
    }
    assert found == {"2022-06-31", "2023-02-29"}


# -- generated returns ------------------------------------------------------------------------

HOSTILE = st.sampled_from(
    ["=1+1", "+86", "-5", "-٣", "@SUM(A1)", "\t=x", "\r=2", "a\r=b", "a\n+c", "#N/A", "#REF!",
     "3²", "４５", "\x01", "\x1b[0m", "2022-06-31", "2022-08-03", "Total", "", " ", "V01",
     "40", "Male", "女", "\"q\"", "a,b"]
)  # fmt: skip
CELL = st.one_of(HOSTILE, st.text(max_size=6))


@st.composite
def csv_returns(draw: st.DrawFn) -> tuple[list[list[str]], int]:
    """A CSV file's rows, the header somewhere in its first rows; the non-blank rows below."""
    body = draw(st.lists(st.lists(CELL, min_size=6, max_size=6), max_size=8))
    above = draw(st.integers(0, min(2, len(body))))
    rows = [*body[:above], HEADER, *body[above:]]
    return rows, sum(1 for r in rows if any(c.strip() for c in r)) - 1


@settings(
    max_examples=15,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is shown as generated
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(files=st.lists(csv_returns(), min_size=1, max_size=3))
def test_generated_returns_keep_every_promise(files, tmp_path_factory):
    small = parse_instrument(SMALL)
    folder = tmp_path_factory.mktemp("generated")
    expected = {}
    for number, (rows, filled) in enumerate(files):
        (folder / f"r{number}.csv").write_bytes(csv_text(rows))
        expected[f"r{number}.csv"] = filled
    validation = validate_returns(small, [folder])
    out = folder / "checked"
    write_validation(validation, out)
    summary = assert_promises(out)
    for entry in summary["files"]:  # a refused file (a NUL byte: binary) is one line, not rows
        if entry["status"] == "read":
            assert entry["rows_in"] == expected[entry["file"]]


def test_no_numpy_repr_in_the_parts_over_total_message(tmp_path):
    text = """\
id: parts
version: "1"
title: {en: Parts}
languages: [en]
key: [person_id]
sections:
  - code: s
    label: {en: S}
    questions:
      - {code: person_id, type: text, required: true, label: {en: Person}}
      - {code: total, type: decimal, label: {en: Total}}
      - {code: part_a, type: decimal, part_of: total, label: {en: Part A}}
      - {code: part_b, type: decimal, part_of: total, label: {en: Part B}}
"""
    (tmp_path / "a.csv").write_bytes(
        csv_text([["person_id", "total", "part_a", "part_b"], ["1", "63234.5", "60000.25", "5000"]])
    )
    validation = validate_returns(parse_instrument(text), [tmp_path / "a.csv"])
    [message] = validation.findings.loc[validation.findings["check"] == "parts_exceed_total",
                                        "message"]  # fmt: skip
    assert "63234.5" in message
    assert "65000.25" in message
    assert not any(word in message for word in INTERNALS)


@pytest.mark.parametrize(
    ("text", "cell", "name"),
    [
        ("a\x01b\x1bc\x0b", "a\\x01b\\x1bc\\x0b", "a\\x01b\\x1bc\\x0b"),
        ("line\nbreak\ttab", "line\nbreak\ttab", "line\\x0abreak\\x09tab"),
        ("中文\udcd6\udcd0", "中文\\xd6\\xd0", "中文\\xd6\\xd0"),  # GBK bytes, not UTF-8
        ("plain", "plain", "plain"),
    ],
)
def test_texts_and_names_are_made_writable(text, cell, name):
    assert writable(text) == cell
    assert not ILLEGAL_CHARACTERS_RE.search(writable(text))
    assert shown_name(text) == name
    shown_name(text).encode("utf-8")  # always writable as UTF-8


_TEXTS = st.one_of(
    st.none(),
    st.text(alphabet=["#", "\x01", "\x1b", "\x7f", "\t", "\n", "a", "中", " "], max_size=4),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_TEXTS, max_size=6), min_size=1, max_size=4), st.integers(0, 3))
def test_error_cells_passed_over_only_when_no_text_could_report(
    pieces: list[list[str | None]], cut: int
) -> None:
    # chunked and sliced Arrow text, as a CSV file's column comes; the cell-by-cell rule:
    # a text starting with "#" or holding a control character is to be looked at
    chunks = [pa.array(p, pa.large_string()) for p in pieces]
    chunks[0] = chunks[0].slice(min(cut, len(chunks[0])))
    column = pd.Series(pd.array(pa.chunked_array(chunks, pa.large_string()), dtype="str"))
    texts = [t for t in column.tolist() if isinstance(t, str)]
    suspect = any(t.startswith("#") or _CONTROL.search(t) for t in texts)
    assert _nothing_to_report(column) is not suspect
