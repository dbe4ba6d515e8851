"""Corrections: the template validate writes, and its decisions applied with an audit trail."""

from __future__ import annotations

import csv
import hashlib
import json

import openpyxl
import pytest

from villagesurvey import validate_returns, write_validation
from villagesurvey.validate.cells import HIDDEN
from villagesurvey.validate.corrections import AUDIT_COLUMNS, FIELDS

from .returns import fill_template
from .test_validate import good_rows

HEADER = ["village_id", "person_id", *FIELDS]


def _csv(path):
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows():
    """Five respondents: an impossible age, an unusual age, a bad choice, a duplicate key."""
    rows = good_rows() + [dict(good_rows()[1]) for _ in range(3)]
    rows[2].update(person_id="3", age="150")  # error: above the hard limit
    rows[3].update(person_id="4", age="85")  # warning: above the soft limit
    rows[4].update(person_id="2", gender="'=1+1")  # same key as row 2, and a bad choice
    return rows


@pytest.fixture
def returns(small, tmp_path):
    return fill_template(small, _rows(), tmp_path / "V01.xlsx")


def _write_corrections(path, lines):
    """A corrections CSV with the template's header; ``lines`` are dicts of its fields."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, HEADER)
        writer.writeheader()
        for line in lines:
            writer.writerow(line)
    return path


def _line(person, column, value, action, new="", row="", **more):
    return dict(village_id="V01", person_id=person, column=column, value=value, action=action,
                new_value=new, row=row, file="V01.xlsx" if row else "", reason="call-back",
                who="Zhang", when="2022-07-09", **more)  # fmt: skip


# --- 1. the template ---------------------------------------------------------------------


def test_the_template_has_a_line_per_error_and_warning_with_drop_downs(small, returns, tmp_path):
    result = validate_returns(small, [returns])
    write_validation(result, tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "corrections.xlsx")
    sheet = book.worksheets[0]
    assert sheet.title == "corrections"
    header = [c.value for c in sheet[1]]
    assert header == HEADER
    lines = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(2)]
    open_ = result.findings[result.findings["severity"].isin(["error", "warning"])]
    assert len(lines) == len(open_[open_["record"].notna()])
    age = next(x for x in lines if x["person_id"] == "3" and x["column"] == "age")
    assert (age["file"], age["row"], age["value"], age["check"]) == ("V01.xlsx", "6", "150",
                                                                    "out_of_range")  # fmt: skip
    assert age["label"] == "Age / 年龄"
    assert age["action"] is None
    assert age["new_value"] is None
    # the bad choice '=1+1' is shown as text, never stored as a formula
    gender = next(x for x in lines if x["column"] == "gender")
    assert gender["value"] == "=1+1"
    for row in sheet.iter_rows():
        assert all(c.data_type != "f" for c in row)
    rules = sheet.data_validations.dataValidation
    action = next(r for r in rules if "replace" in (r.formula1 or ""))
    assert action.formula1 == '"replace,confirm,drop,blank"'
    choices = next(r for r in rules if (r.formula1 or "").startswith("choices!"))
    row = lines.index(gender) + 2
    assert f"K{row}" in str(choices.sqref)  # new_value of the gender line
    listed = [c.value for c in book["choices"]["A"] if c.value]
    assert listed == ["gender", "Male", "Female"]
    assert book["how to"]["B1"].value.startswith("每行")


def test_personal_data_is_hidden_in_the_template(small, tmp_path):
    rows = good_rows()
    rows[0]["name"] = "Total"  # a total row: an error on the personal-data column
    path = fill_template(small, rows, tmp_path / "V01.xlsx")
    result = validate_returns(small, [path])
    write_validation(result, tmp_path / "out")
    sheet = openpyxl.load_workbook(tmp_path / "out" / "corrections.xlsx").worksheets[0]
    lines = [[c.value for c in row] for row in sheet.iter_rows(2)]
    name = next(x for x in lines if x[HEADER.index("column")] == "name")
    assert name[HEADER.index("value")] == HIDDEN
    texts = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert "Total" not in texts


# --- 2. applying them ---------------------------------------------------------------------


def test_corrections_are_applied_logged_and_counted(small, returns, tmp_path):
    before = _sha(returns)
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("3", "age", "150", "replace", "45"),
        _line("4", "age", "85", "confirm"),
        _line("2", "", "", "drop", row="8"),
        _line("1", "crops", "rice tea", "blank"),
    ])  # fmt: skip
    result = validate_returns(small, [returns], corrections=fixes)
    out = write_validation(result, tmp_path / "out")
    assert _sha(returns) == before
    clean = _csv(out / "clean.csv")
    by_person = {r["person_id"]: r for r in clean}
    assert by_person["3"]["age"] == "45"
    assert by_person["4"]["age"] == "85"
    assert by_person["1"]["crops"] == ""
    assert sorted(by_person) == ["1", "2", "3", "4"]  # the duplicate is gone, not quarantined
    dropped = _csv(out / "dropped.csv")
    assert [(d["row"], d["line"], d["reason"], d["gender"]) for d in dropped] == [
        ("8", "4", "call-back", "=1+1".join(["'", ""]))
    ]
    audit = _csv(out / "audit.csv")
    assert list(audit[0]) == list(AUDIT_COLUMNS)
    assert {(a["respondent"], a["column"], a["before"], a["after"], a["action"], a["line"])
            for a in audit} == {
        ("V01 / 3", "age", "150", "45", "replace", "2"),
        ("V01 / 4", "age", "85", "85", "confirm", "3"),
        ("V01 / 1", "crops", "rice tea", "", "blank", "5"),
        ("V01 / 2", "", "", "", "drop", "4"),
    }  # fmt: skip
    assert all(a["who"] == "Zhang" and a["corrections_file"] == "fix.csv" for a in audit)
    issues = _csv(out / "issues.csv")
    severities = {(i["row"], i["column"], i["severity"]) for i in issues}
    assert ("6", "age", "corrected") in severities
    assert ("7", "age", "confirmed") in severities
    assert not any(i["severity"] == "warning" and i["column"] == "age" for i in issues)
    assert not any(i["check"] in ("duplicate_key", "unknown_label") for i in issues)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert (summary["rows_in"], summary["rows_clean"], summary["rows_quarantined"],
            summary["rows_dropped"]) == (5, len(clean), 0, len(dropped))  # fmt: skip
    assert summary["files"][0]["rows_dropped"] == 1
    assert summary["corrections"]["sha256"] == _sha(fixes)
    assert summary["corrections"]["replaced"] == 1
    assert summary["corrections"]["dropped"] == 1
    assert result.exit_code == 0


def test_a_replaced_value_goes_through_every_check(small, returns, tmp_path):
    fixes = _write_corrections(tmp_path / "fix.csv", [_line("3", "age", "150", "replace", "90")])
    result = validate_returns(small, [returns], corrections=fixes)
    age = result.findings[(result.findings["row"] == 6) & (result.findings["column"] == "age")]
    assert set(age["check"]) == {"correction_replace", "outside_soft_limit"}


def test_a_choice_is_stored_as_the_label_its_workbook_uses(small, returns, tmp_path):
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("2", "gender", "=1+1", "replace", "女", row="8"),
    ])  # fmt: skip
    result = validate_returns(small, [returns], corrections=fixes)
    # stored as the label the workbook's language uses, so that nothing else is changed
    assert result.audit["after"].tolist() == ["Female"]
    assert "unknown_label" not in set(result.findings["check"])


# --- lines that do not fit are reported at their line, never applied ----------------------


def _problems(result):
    f = result.findings
    f = f[f["check"].str.startswith("correction_") & (f["file"] == "fix.csv")]
    return sorted(zip(f["row"].astype(int), f["check"], f["severity"], strict=True))


def test_stale_unknown_and_invalid_lines_are_reported(small, returns, tmp_path):
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("3", "age", "105", "replace", "45"),  # the cell holds 150 now
        _line("9", "age", "43", "replace", "44"),  # no such respondent
        _line("1", "height", "", "replace", "1"),  # no such column
        _line("1", "gender", "Female", "replace", "Other"),  # not a choice
        _line("2", "age", "35", "replace", "200", row="5"),  # beyond the hard limit
        _line("4", "age", "85", "replace", "\x07 44"),  # a control character
        _line("1", "age", "43", "fix", "44"),  # not an action
    ])  # fmt: skip
    result = validate_returns(small, [returns], corrections=fixes)
    assert _problems(result) == [
        (2, "correction_stale", "error"),
        (3, "correction_respondent", "error"),
        (4, "correction_column", "error"),
        (5, "correction_value", "error"),
        (6, "correction_value", "error"),
        (7, "correction_value", "error"),
        (8, "correction_action", "error"),
    ]
    assert result.audit.empty
    assert result.exit_code == 1


def test_two_lines_that_disagree_on_a_cell_are_both_refused(small, returns, tmp_path):
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("3", "age", "150", "replace", "45"),
        _line("3", "age", "150", "replace", "54"),
        _line("4", "age", "85", "confirm"),
        _line("4", "age", "85", "confirm"),
    ])  # fmt: skip
    result = validate_returns(small, [returns], corrections=fixes)
    assert _problems(result) == [
        (2, "correction_conflict", "error"),
        (3, "correction_conflict", "error"),
        (5, "correction_duplicate", "warning"),
    ]
    assert result.audit["action"].tolist() == ["confirm"]
    assert 6 in set(result.quarantine()["row"])  # age 150 is still an error


def test_dropping_a_key_held_twice_needs_the_row(small, returns, tmp_path):
    ambiguous = _write_corrections(tmp_path / "fix.csv", [_line("2", "", "", "drop")])
    result = validate_returns(small, [returns], corrections=ambiguous)
    assert _problems(result) == [(2, "correction_respondent", "error")]
    assert result.rows_dropped == 0
    exact = _write_corrections(tmp_path / "fix.csv", [_line("2", "", "", "drop", row="5")])
    result = validate_returns(small, [returns], corrections=exact)
    assert result.dropped["row"].tolist() == [5]
    assert result.rows_in == 5 == result.rows_clean + result.rows_quarantined + 1


def test_a_confirmed_warning_comes_back_when_the_value_changes(small, tmp_path):
    fixes = _write_corrections(tmp_path / "fix.csv", [_line("4", "age", "85", "confirm")])
    rows = _rows()
    rows[3]["age"] = "88"  # the returns were sent again with another value
    path = fill_template(small, rows, tmp_path / "V01.xlsx")
    result = validate_returns(small, [path], corrections=fixes)
    assert _problems(result) == [(2, "correction_stale", "error")]
    f = result.findings
    assert "outside_soft_limit" in set(f.loc[f["severity"] == "warning", "check"])


def test_hostile_content_in_a_corrections_workbook(small, returns, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    line = _line("1", "name", "Li Na", "replace", '=HYPERLINK("http://evil","x")')
    for column, value in enumerate((line.get(h, "") for h in HEADER), start=1):
        sheet.cell(2, column, value).data_type = "s"  # text that looks like a formula
    sheet.append([line.get(h, "") if h != "action" else '=CONCAT("dr","op")' for h in HEADER])
    book.save(tmp_path / "fix.xlsx")
    before = _sha(returns)
    result = validate_returns(small, [returns], corrections=tmp_path / "fix.xlsx")
    out = write_validation(result, tmp_path / "out", show_pii=True)
    assert _sha(returns) == before
    f = result.findings
    f = f[f["file"] == "fix.xlsx"]
    assert list(zip(f["row"], f["check"], strict=True)) == [(3, "correction_formula")]
    clean = {r["person_id"]: r for r in _csv(out / "clean.csv")}
    assert clean["1"]["name"] == '\'=HYPERLINK("http://evil","x")'
    audit = (out / "audit.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in audit


def test_a_corrections_file_that_is_not_one_is_refused(small, returns, tmp_path):
    from villagesurvey.errors import ReturnsError

    (tmp_path / "fix.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ReturnsError, match="action"):
        validate_returns(small, [returns], corrections=tmp_path / "fix.csv")


# --- 3. the loop: decisions carry over -----------------------------------------------------


def test_decided_lines_carry_over_into_the_next_template(small, returns, tmp_path):
    first = validate_returns(small, [returns])
    write_validation(first, tmp_path / "one")
    book = openpyxl.load_workbook(tmp_path / "one" / "corrections.xlsx")
    sheet = book["corrections"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(2):
        line = dict(zip(header, row, strict=True))
        if line["person_id"].value == "4" and line["column"].value == "age":
            line["action"].value, line["reason"].value = "confirm", "seen the ID card"
    book.save(tmp_path / "decided.xlsx")
    second = validate_returns(small, [returns], corrections=tmp_path / "decided.xlsx")
    write_validation(second, tmp_path / "two")
    again = openpyxl.load_workbook(tmp_path / "two" / "corrections.xlsx")["corrections"]
    lines = [[c.value for c in row] for row in again.iter_rows(2)]
    ages = [x for x in lines if x[1] == "4" and x[HEADER.index("column")] == "age"]
    assert len(ages) == 1
    assert ages[0][HEADER.index("action")] == "confirm"
    assert ages[0][HEADER.index("reason")] == "seen the ID card"
    assert len(lines) == sheet.max_row - 1  # every other line still open, none lost


def test_the_cli_applies_a_corrections_file(small, returns, tmp_path):
    from click.testing import CliRunner

    from villagesurvey.cli import main

    from .conftest import SMALL

    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("3", "age", "150", "replace", "45"),
        _line("2", "gender", "=1+1", "replace", "Female", row="8"),
    ])  # fmt: skip
    args = ["validate", str(tmp_path / "small.yaml"), str(returns), "-o", str(tmp_path / "out"),
            "--corrections", str(fixes)]  # fmt: skip
    run = CliRunner().invoke(main, args)
    assert run.exit_code == 1, run.output  # the duplicate key is still there
    assert "audit.csv" in run.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    out = tmp_path / "out"
    assert len(_csv(out / "clean.csv")) == summary["rows_clean"]
    assert len(_csv(out / "dropped.csv")) == summary["rows_dropped"] == 0
    assert len(_csv(out / "audit.csv")) == 2
    assert summary["rows_in"] == summary["rows_clean"] + summary["rows_quarantined"]


# --- the sample data: messy returns → corrections → a clean dataset ------------------------


def test_the_sample_corrections_leave_only_what_a_call_back_cannot_fix(model_study, tmp_path):
    from .conftest import ROOT

    messy = ROOT / "sample_data" / "returns_messy"
    before = {p.name: _sha(p) for p in messy.iterdir()}
    fixes = ROOT / "sample_data" / "corrections.csv"
    result = validate_returns(model_study, [messy], corrections=fixes)
    out = write_validation(result, tmp_path / "out")
    assert {p.name: _sha(p) for p in messy.iterdir()} == before
    quarantine = _csv(out / "quarantine.csv")
    # Corrections change the respondents' rows, not the members sheet: the two households
    # whose members sheet needs fixing in the workbook (a member left off, two heads) wait.
    assert sorted((q["file"], q["checks"]) for q in quarantine) == [
        ("V10_old_template.xlsx", "roster_exactly_one"),
        ("V11_total_row.xlsx", "roster_count"),
        ("V11_total_row.xlsx", "total_row"),
    ]
    history = _csv(out / "audit.csv")
    # a cell's history holds the tool's own fixes too (defects.csv: full-width digits)
    assert [(a["before"], a["after"], a["action"], a["who"]) for a in history
            if (a["file"], a["row"], a["column"]) == ("V03_messy.xlsx", "4", "family_income_2020")
            ] == [("７００００", "70000", "fixed", "villagesurvey")]  # fmt: skip
    audit = [a for a in history if a["action"] != "fixed"]
    lines = _csv(fixes)
    assert sorted(int(a["line"]) for a in audit) == list(range(2, len(lines) + 2))
    issues = _csv(out / "issues.csv")
    noted = [i for i in issues if i["severity"] in ("corrected", "confirmed")]
    assert len(noted) == len(lines)
    assert not any(i["check"].startswith("correction_") and i["severity"] == "error"
                   for i in issues)  # fmt: skip
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_dropped"] == len(_csv(out / "dropped.csv")) == 2
    assert summary["rows_in"] == (
        len(_csv(out / "clean.csv")) + len(quarantine) + 2 + summary["rows_not_read"]
    )


def test_a_cell_of_a_dropped_respondent_and_a_confirmed_error_are_reported(
    small, returns, tmp_path
):
    fixes = _write_corrections(tmp_path / "fix.csv", [
        _line("3", "", "", "drop"),
        _line("3", "age", "150", "replace", "45"),  # the respondent is dropped anyway
        _line("1", "age", "43", "confirm"),  # no warning on 43
        _line("4", "age", "85", "confirm", row="9"),  # found by key: the row is only a hint
    ])  # fmt: skip
    result = validate_returns(small, [returns], corrections=fixes)
    assert _problems(result) == [
        (3, "correction_moot", "warning"),
        (4, "correction_unused", "warning"),
    ]
    assert result.dropped["person_id"].tolist() == ["3"]
    assert sorted(result.audit["action"]) == ["confirm", "confirm", "drop"]
    f = result.findings
    assert f.loc[(f["row"] == 7) & (f["column"] == "age"), "severity"].tolist() == ["confirmed"]


def test_the_template_lists_a_bounded_number_of_open_lines(small, returns, tmp_path, monkeypatch):
    from villagesurvey.validate import correction_sheet

    monkeypatch.setattr(correction_sheet, "MAX_OPEN_LINES", 2)
    fixes = _write_corrections(tmp_path / "fix.csv", [_line("4", "age", "85", "confirm")])
    write_validation(validate_returns(small, [returns], corrections=fixes), tmp_path / "out")
    book = openpyxl.load_workbook(tmp_path / "out" / "corrections.xlsx")
    lines = [[c.value for c in row] for row in book["corrections"].iter_rows(2)]
    assert len(lines) == 1 + 2  # the decided line, then two open ones
    assert lines[0][HEADER.index("action")] == "confirm"
    notes = [c.value for c in book["how to"]["A"]]
    assert notes[-1] == "Only the first 2 problems are listed; issues.csv has all."


def test_a_batch_without_changes_has_the_audit_table_of_no_lines(small, tmp_path):
    import pandas as pd

    result = validate_returns(small, [fill_template(small, good_rows(), tmp_path / "V01.xlsx")])
    assert not (result.findings["severity"] == "fixed").any()
    # the table of no lines, as the lines of a batch with changes are made and sorted
    empty = pd.DataFrame([], columns=list(AUDIT_COLUMNS), dtype=object)
    made = empty.assign(_order=empty["action"].eq("fixed").astype(int), _row=empty["row"])
    ordered = made.sort_values(["file", "_row", "column", "_order"], kind="stable")
    expected = ordered.drop(columns=["_order", "_row"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(result.audit, expected)
    assert list(result.audit.dtypes) == list(expected.dtypes)
