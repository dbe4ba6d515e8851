"""The five output files: safe to open in a spreadsheet, personal data hidden, readable."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from villagesurvey import validate_returns, write_validation
from villagesurvey.validate import OUTPUTS
from villagesurvey.validate.cells import HIDDEN
from villagesurvey.validate.outputs import neutralise

from .returns import fill_template
from .test_validate import good_rows


def _csv(path):
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("-5", "-5"),
        ("+86 10 1234", "'+86 10 1234"),
        ("Li Na", "Li Na"),
    ],
)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text, written):
    assert neutralise(text) == written


@pytest.fixture
def written(small, tmp_path):
    rows = good_rows()
    rows[0]["name"] = '\'=HYPERLINK("http://evil","x")'  # typed as text
    rows[1]["name"] = " Wang Wei "  # fixed: whitespace, on a personal-data question
    rows[1]["age"] = "150"
    path = fill_template(small, rows, tmp_path / "V01.xlsx")

    def write(show_pii: bool = False):
        out = tmp_path / ("pii" if show_pii else "out")
        write_validation(validate_returns(small, [path]), out, show_pii=show_pii)
        return out

    return write


def test_all_five_files_are_written(written):
    out = written()
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


def test_a_formula_typed_as_an_answer_cannot_run_from_the_clean_file(written):
    clean = _csv(written() / "clean.csv")
    assert clean[0]["name"] == '\'=HYPERLINK("http://evil","x")'


def test_personal_data_is_hidden_in_the_issues_unless_asked(written):
    out = written()
    fixed = next(r for r in _csv(out / "issues.csv") if r["column"] == "name")
    assert (fixed["check"], fixed["value"], fixed["fixed_value"]) == ("whitespace", HIDDEN, HIDDEN)
    assert "Wang" not in fixed["message"]
    book = openpyxl.load_workbook(out / "issues.xlsx")
    assert "Wang" not in str([c.value for row in book["whitespace"].iter_rows() for c in row])
    shown = next(r for r in _csv(written(show_pii=True) / "issues.csv") if r["column"] == "name")
    assert shown["value"] == " Wang Wei "


def test_the_quarantine_holds_the_row_as_it_came_with_its_reasons(written):
    (row,) = _csv(written() / "quarantine.csv")
    assert (row["file"], row["sheet"], row["row"], row["checks"]) == (
        "V01.xlsx",
        "Data",
        "5",
        "out_of_range",
    )
    assert row["age"] == "150"
    assert row["name"] == " Wang Wei "
    assert "age: 150 is above the hard maximum of 100" in row["reasons"]


def test_issues_xlsx_has_a_summary_and_a_filterable_sheet_per_check(written):
    book = openpyxl.load_workbook(written() / "issues.xlsx")
    assert book.sheetnames[:3] == ["Summary", "Files", "out_of_range"]
    assert {"whitespace", "by_village_id"} <= set(book.sheetnames)  # no enumerator column here
    sheet = book["out_of_range"]
    header = [c.value for c in sheet[1]]
    assert header[:9] == [
        "file",
        "sheet",
        "row",
        "column",
        "letter",
        "value",
        "check",
        "severity",
        "message",
    ]
    assert sheet.auto_filter.ref == "A1:K2"
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]][:7] == [
        "V01.xlsx",
        "Data",
        5,
        "age",
        "E",
        "150",
        "out_of_range",
    ]
    summary = {row[0].value: row[1].value for row in book["Summary"].iter_rows(min_row=2)}
    assert (summary["rows in"], summary["rows clean"], summary["rows quarantined"]) == (2, 1, 1)


def test_text_in_issues_xlsx_is_never_a_formula(small, tmp_path):
    rows = good_rows()
    rows[0]["crops"] = "'=1+1"
    fill_template(small, rows, tmp_path / "V.xlsx")
    write_validation(validate_returns(small, [tmp_path / "V.xlsx"]), tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "issues.xlsx")
    cell = book["unknown_label"]["F2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_summary_json_counts_files_rows_and_checks(written):
    summary = json.loads((written() / "summary.json").read_text(encoding="utf-8"))
    assert summary["instrument"]["id"] == "small"
    assert (summary["rows_in"], summary["rows_clean"], summary["rows_quarantined"]) == (2, 1, 1)
    assert summary["files"][0]["status"] == "read"
    assert len(summary["files"][0]["sha256"]) == 64
    assert summary["counts"]["error"] == {"out_of_range": 1}
    assert summary["exit_code"] == 1


@pytest.mark.parametrize("name", ["Li Na", "Li, Na", 'Li "Nana" Na', "Li\nNa"])
def test_clean_csv_reads_back_exactly_whatever_the_text(small, tmp_path, name):
    rows = good_rows()
    rows[0]["name"] = "'" + name
    fill_template(small, rows, tmp_path / "V.xlsx")
    write_validation(validate_returns(small, [tmp_path / "V.xlsx"]), tmp_path / "out")
    text = (tmp_path / "out" / "clean.csv").read_text(encoding="utf-8")
    clean = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["name"] for r in clean] == [name.strip(), "Wang"]
    assert clean[0]["income_2022"] == "15000"


def test_a_warning_added_after_the_checks_reaches_every_report(small, tmp_path):
    import pandas as pd

    path = fill_template(small, good_rows(), tmp_path / "V01.xlsx")
    validation = validate_returns(small, [path])
    before = validation.rows_quarantined
    signal = {"column": ["age"], "value": ["E07"], "check": ["late_signal"]}
    validation.add_warnings(pd.DataFrame({**signal, "severity": ["warning"], "message": ["m"]}))
    validation.monitoring["progress"] = {"done": 3}
    out = write_validation(validation, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["warning"]["late_signal"] == 1
    assert summary["monitoring"] == {"progress": {"done": 3}}
    assert [r["check"] for r in _csv(out / "issues.csv")].count("late_signal") == 1
    assert validation.rows_quarantined == before
    with pytest.raises(ValueError, match="only warnings"):
        validation.add_warnings(pd.DataFrame({**signal, "severity": ["error"]}))
