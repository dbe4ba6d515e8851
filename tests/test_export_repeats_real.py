"""Real phone exports with repeat groups: import the form, validate its export, every level.

KoboToolbox's XLS exports are made by formpack's own exporter from formpack's test fixtures;
ODK Central's CSV files are the ones its own test suite says its export zip holds
(``tests/data/README.md`` says where each comes from). Every row of every table is accounted
for: rows in = clean + quarantined + not read, at the household level and per roster, and the
counts are those of the files themselves, read here with another reader (openpyxl, csv).
"""

from __future__ import annotations

import csv
import json
import zipfile
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from villagesurvey.instrument import Monitoring
from villagesurvey.validate import validate_returns, write_validation
from villagesurvey.xlsform import read_xlsform

from .xlsform_corpus import KOBO, ROOT

CENTRAL = ROOT / "tests" / "data" / "odk_central"

# formpack tests/fixtures/grouped_repeatable/v1.json: each submission's
# household_location and the household_member_name of its repeats, in order
GROUPED_REPEATABLE = {
    "montreal": ["peter"],
    "marseille": ["kyle", "linda"],
    "rocky mountains": ["morty"],
    "toronto": ["tony", "mary"],
    "new york": ["emma", "parker"],
    "boston": ["amadou", "esteban", "suzie", "fiona", "phillip"],
}


def sheet_rows(path):
    """Rows below the header of each sheet, as openpyxl reads them."""
    book = load_workbook(path, read_only=True)
    return {ws.title: sum(1 for _ in ws.iter_rows(min_row=2)) for ws in book.worksheets}


def accounted(level):
    assert level.rows_in == level.rows_clean + level.rows_quarantined + level.rows_not_read
    for report in level.files:
        assert report.rows_in == (
            report.rows_clean + report.rows_quarantined + report.rows_not_read
        )


def test_a_kobo_xls_export_gives_each_member_its_household():
    form = KOBO / "grouped_repeatable.xlsx"
    instrument = read_xlsform(form).instrument
    export = KOBO / "xls" / "grouped_repeatable.xlsx"
    result = validate_returns(instrument, [export], workers=1)
    members = result.rosters["houshold_member_repeat"]
    rows = sheet_rows(export)
    assert result.rows_in == rows["grouped_repeatable"] == 6
    assert members.rows_in == rows["houshold_member_repeat"] == 13
    assert (result.rows_clean, members.rows_clean) == (6, 13)
    accounted(result)
    accounted(members)
    households = result.clean().set_index("instanceID")["household_location"]
    clean = members.clean()
    found: dict[str, list[str]] = {}
    for key, number, name in clean[
        ["instanceID", "houshold_member_repeat_no", "household_member_name"]
    ].itertuples(index=False):
        found.setdefault(households[key], []).append(name)
        assert int(number) == len(found[households[key]])  # numbered 1, 2 ... per household
    assert found == GROUPED_REPEATABLE
    assert not (members.findings["severity"] == "error").any()


def test_a_repeat_count_is_checked_against_the_kobo_export():
    # formpack tests/fixtures/select_one_from_previous_answers/v1.json: Q1 (how many
    # members) is 2, and the FM repeat (repeat_count ${Q1}) holds Julius Caesar, 53, and
    # Gaius Octavius, 17
    form = KOBO / "select_one_from_previous_answers.xlsx"
    result = read_xlsform(form)
    assert result.instrument.rosters[0].count == "Q1"
    validation = validate_returns(
        result.instrument, [KOBO / "xls" / "select_one_from_previous_answers.xlsx"], workers=1
    )
    family = validation.rosters["FM"]
    assert (validation.rows_in, validation.rows_clean) == (1, 1)
    assert (family.rows_in, family.rows_clean) == (2, 2)
    assert family.clean()[["FM_no", "Q2", "Q3"]].values.tolist() == [
        ["1", "Julius Caesar", "53"],
        ["2", "Gaius Octavius", "17"],
    ]
    assert "roster_count" not in set(validation.findings["check"])


def test_sheet_names_cut_to_31_characters_find_their_rosters():
    # formpack tests/fixtures/long_names: two repeats whose names are cut alike on their
    # sheets ("long_group_name__Victor_jagt..." and "long_group_name__Victor_... (1)")
    form = KOBO / "long_names.xlsx"
    instrument = read_xlsform(form).instrument
    export = KOBO / "xls" / "long_names.xlsx"
    result = validate_returns(instrument, [export], workers=1)
    first, second = (r.code for r in instrument.rosters)
    rows = sheet_rows(export)
    assert set(result.findings["check"]) <= {"csv_encoding", "submission_id_from_row"}
    for code, sheet in ((first, "long_group_name__Victor_jagt..."),
                        (second, "long_group_name__Victor_... (1)")):  # fmt: skip
        level = result.rosters[code]
        assert level.rows_in == rows[sheet] == 3
        assert set(level.raw["_sheet"]) == {sheet}
        accounted(level)
        # the submissions answer no household question (only start, end and the repeats):
        # they are read all the same, as the households their members belong to
        assert level.rows_clean == 3
        assert level.clean()["instanceID"].tolist() == [
            "long_names.xlsx row 2", "long_names.xlsx row 2", "long_names.xlsx row 3"
        ]  # fmt: skip
    assert (result.rows_in, result.rows_clean) == (rows["long_names"], 2)


def test_submissions_without_answers_are_reported_even_after_the_last_one():
    # long_names.csv, KoboToolbox's CSV export: its two submissions answer only the repeats,
    # which the CSV export does not hold, and the start and end times, left out here
    imported = read_xlsform(KOBO / "long_names.xlsx").instrument
    sections = tuple(
        replace(s, questions=tuple(q for q in s.questions if q.type != "datetime"))
        for s in imported.sections
    )
    instrument = replace(imported, sections=sections, monitoring_declared=Monitoring())
    result = validate_returns(instrument, [KOBO / "long_names.csv"], workers=1)
    blank = result.findings[result.findings["check"] == "blank_row"]
    assert blank["row"].tolist() == [2, 3]
    assert result.rows_in == 0


def test_a_kobo_csv_export_says_it_has_no_repeat_rows():
    form = KOBO / "grouped_repeatable.xlsx"
    instrument = read_xlsform(form).instrument
    result = validate_returns(instrument, [form.with_suffix(".csv")], workers=1)
    said = result.findings[result.findings["check"] == "no_roster_sheet"]
    assert said["file"].tolist() == ["grouped_repeatable.csv"]
    assert "XLS export" in said["message"].iloc[0]
    assert result.rows_clean == 6
    assert result.rosters["houshold_member_repeat"].rows_in == 0


def central_csv(name):
    with open(CENTRAL / name, newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_an_odk_central_export_links_repeats_by_parent_key(as_zip, tmp_path):
    instrument = read_xlsform(CENTRAL / "singlerepeat.xlsx").instrument
    source = CENTRAL / "singlerepeat"
    if as_zip:
        source = tmp_path / "singlerepeat.zip"
        with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("singlerepeat.csv", "singlerepeat-child.csv"):
                archive.write(CENTRAL / "singlerepeat" / name, name)
    result = validate_returns(instrument, [source], workers=1)
    children = result.rosters["child"]
    main = central_csv("singlerepeat/singlerepeat.csv")
    repeat = central_csv("singlerepeat/singlerepeat-child.csv")
    assert (result.rows_in, result.rows_clean) == (len(main), 3)
    assert (children.rows_in, children.rows_clean) == (len(repeat), 3)
    accounted(result)
    accounted(children)
    # the repeat's "name" and "age" were renamed on import: the household has them too
    clean = children.clean()[["instanceID", "child_no", "name_2", "age_2"]]
    assert clean.values.tolist() == [
        [r["PARENT_KEY"], r["KEY"][-2], r["name"], r["age"]] for r in repeat
    ]
    # each member is traced to its own repeat on the server: its KEY
    assert children.clean()["source_submission"].tolist() == [r["KEY"] for r in repeat]
    if as_zip:
        assert {str(f.path) for f in result.files} == {
            str(source / "singlerepeat.csv"),
            str(source / "singlerepeat-child.csv"),
        }
    summary = json.loads((write_validation(result, tmp_path / "out") / "summary.json").read_text())
    assert summary["rosters"]["child"]["rows_in"] == 3
    assert (tmp_path / "out" / "clean_child.csv").read_text(encoding="utf-8").count("\n") == 4


def test_a_repeat_within_a_repeat_is_reported_not_read():
    instrument = read_xlsform(CENTRAL / "multirepeat.xlsx").instrument
    result = validate_returns(instrument, [CENTRAL / "multirepeat"], workers=1)
    nested = result.findings[result.findings["check"] == "nested_repeat"]
    toys = central_csv("multirepeat/multirepeat-toy.csv")
    assert nested[["file", "severity"]].values.tolist() == [["multirepeat-toy.csv", "warning"]]
    assert (
        f"repeat 'toy' ({len(toys)} rows) sits within another repeat" in nested["message"].iloc[0]
    )
    children = result.rosters["child"]
    assert (children.rows_in, children.rows_clean) == (4, 4)
    # the form's nested repeat is a roster within child, whose rows exports do not give yet
    assert [(r.code, r.within) for r in instrument.rosters] == [("child", None), ("toy", "child")]
    assert result.rosters["toy"].rows_in == 0
    assert "no_roster_sheet" not in set(result.findings["check"])  # the nested one is told


def test_import_xlsform_then_validate_on_the_command_line(tmp_path):
    from click.testing import CliRunner

    from villagesurvey.cli import main

    runner = CliRunner()
    instrument = tmp_path / "grouped_repeatable.yaml"
    made = runner.invoke(main, ["import-xlsform", str(KOBO / "grouped_repeatable.xlsx"),
                                "-o", str(instrument)])  # fmt: skip
    assert made.exit_code == 0, made.output
    checked = runner.invoke(main, ["validate", str(instrument),
                                   str(KOBO / "xls" / "grouped_repeatable.xlsx"),
                                   "-o", str(tmp_path / "out")])  # fmt: skip
    assert checked.exit_code == 0, checked.output
    assert "roster houshold_member_repeat: 13 in, 13 clean, 0 quarantined" in checked.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    level = summary["rosters"]["houshold_member_repeat"]
    assert (summary["rows_in"], level["rows_in"], level["rows_clean"]) == (6, 13, 13)
    with open(tmp_path / "out" / "clean_houshold_member_repeat.csv", encoding="utf-8") as f:
        names = [row["household_member_name"] for row in csv.DictReader(f)]
    assert names == [n for members in GROUPED_REPEATABLE.values() for n in members]
