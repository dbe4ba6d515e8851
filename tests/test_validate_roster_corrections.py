"""Corrections on roster rows: named by roster and key, applied, logged and audited per level."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest

from tests.returns import fill_template
from tests.rosters import FARMS
from tests.test_validate_nested_rosters import FARM_ROWS, HOUSEHOLDS, MEMBERS, PLOTS
from villagesurvey import validate_returns, write_validation
from villagesurvey.instrument import parse_instrument
from villagesurvey.validate.corrections import FIELDS

KEYS = ["village", "hh", "roster", "member", "farm", "plot"]


def _csv(path):
    with open(path, encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


# Line 2 makes hh 1's child 9, not 39; line 3 confirms hh 2's head is 50 (named by the
# member column alone, no roster); line 4 says farm 2 of hh 1 has 2 plots; line 5 drops the
# plot of a farm that does not exist; line 6 names no roster; line 7 was written for another
# value.
DECISIONS = [
    {"village": "V1", "hh": "1", "roster": "members", "member": "3", "column": "age",
     "value": "39", "action": "replace", "new_value": "9", "reason": "call-back"},
    {"village": "V1", "hh": "2", "member": "1", "column": "age", "value": "50",
     "action": "confirm", "reason": "the head's parent is 55 indeed"},
    {"village": "V1", "hh": "1", "roster": "farms", "farm": "2", "column": "n_plots",
     "value": "1", "action": "replace", "new_value": "2"},
    {"village": "V1", "hh": "1", "roster": "plots", "farm": "3", "plot": "1", "action": "drop",
     "reason": "typed twice"},
    {"village": "V1", "hh": "1", "roster": "parcels", "plot": "1", "column": "crop",
     "value": "Rice", "action": "blank"},
    {"village": "V1", "hh": "2", "roster": "plots", "farm": "1", "plot": "2", "column": "main",
     "value": "No", "action": "replace", "new_value": "No"},
]  # fmt: skip


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roster_corrections")
    instrument = parse_instrument(FARMS)
    rosters = {"members": MEMBERS, "farms": FARM_ROWS, "plots": PLOTS}
    returns = fill_template(instrument, HOUSEHOLDS, folder / "V1.xlsx", rosters=rosters)
    first = write_validation(validate_returns(instrument, [returns], workers=1), folder / "a")
    decisions = folder / "decisions.csv"
    with decisions.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, [*KEYS, *FIELDS])
        writer.writeheader()
        writer.writerows(DECISIONS)
    result = validate_returns(instrument, [returns], workers=1, corrections=decisions)
    return Path(first), result, Path(write_validation(result, folder / "b"))


def test_the_template_lists_roster_findings_with_their_roster_and_key(corrected):
    first, _, _ = corrected
    sheet = openpyxl.load_workbook(first / "corrections.xlsx")["corrections"]
    header = [c.value for c in sheet[1]]
    assert header == [*KEYS, *FIELDS]
    lines = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    by_check: dict = {}
    for x in lines:
        by_check.setdefault((x["roster"], x["check"]), x)  # the first of each
    child = by_check[("members", "roster_older_than")]
    assert (child["hh"], child["member"], child["farm"], child["column"], child["value"]) == (
        "1",
        "3",
        None,
        "age",
        "39",
    )
    orphan = by_check[("plots", "roster_orphan")]
    assert (orphan["hh"], orphan["farm"], orphan["plot"], orphan["row"]) == ("1", "3", "1", "11")
    count = by_check[("farms", "roster_count")]
    assert (count["farm"], count["column"], count["value"]) == ("2", "n_plots", "1")
    assert {x["roster"] for x in lines} == {None, "members", "farms", "plots"}


def test_roster_corrections_are_applied_and_their_checks_run_again(corrected):
    _, result, _ = corrected
    members = result.rosters["members"]
    ages = members.findings[members.findings["check"] == "roster_older_than"]
    assert list(zip(ages["row"], ages["severity"], strict=True)) == [(7, "confirmed")]
    assert ages["message"].iloc[0].startswith("confirm at line 3 of decisions.csv")
    farms = result.rosters["farms"]
    assert "roster_count" not in set(farms.findings["check"])  # 2 plots, as the farm has
    assert sorted(zip(farms.clean()["hh"], farms.clean()["farm"], strict=True)) == [
        ("1", "1"), ("1", "2"),
    ]  # fmt: skip
    plots = result.rosters["plots"]
    assert "roster_orphan" not in set(plots.findings["check"])
    assert (plots.rows_in, plots.rows_clean, plots.rows_quarantined, plots.rows_dropped) == (
        8, 4, 3, 1,
    )  # fmt: skip


def test_a_roster_line_that_does_not_fit_is_reported_at_its_line(corrected):
    _, result, out = corrected
    issues = [i for i in _csv(out / "issues.csv") if i["file"] == "decisions.csv"]
    assert [(i["row"], i["check"]) for i in issues] == [
        ("6", "correction_roster"), ("7", "correction_stale"),
    ]  # fmt: skip
    assert issues[0]["message"] == "not applied: no roster 'parcels' in farm_survey 1"
    assert result.exit_code == 1


def test_roster_corrections_are_audited_and_counted(corrected):
    _, _, out = corrected
    audit = [a for a in _csv(out / "audit.csv") if a["action"] != "fixed"]
    assert [(a["roster"], a["respondent"], a["column"], a["before"], a["after"], a["action"],
             a["line"]) for a in audit] == [
        ("members", "V1 / 1 / 3", "age", "39", "9", "replace", "2"),
        ("members", "V1 / 2 / 1", "age", "50", "50", "confirm", "3"),
        ("farms", "V1 / 1 / 2", "n_plots", "1", "2", "replace", "4"),
        ("plots", "V1 / 1 / 3 / 1", "", "", "", "drop", "5"),
    ]  # fmt: skip
    dropped = _csv(out / "dropped_plots.csv")
    assert [(d["farm"], d["plot"], d["line"], d["reason"]) for d in dropped] == [
        ("3", "1", "5", "typed twice")
    ]
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    fixes = summary["corrections"]
    assert (fixes["lines"], fixes["replaced"], fixes["confirmed"], fixes["dropped"],
            fixes["not_applied"]) == (6, 2, 1, 1, 2)  # fmt: skip
    assert summary["rosters"]["plots"]["rows_dropped"] == 1


def test_decided_roster_lines_carry_over_into_the_next_template(corrected):
    _, _, out = corrected
    sheet = openpyxl.load_workbook(out / "corrections.xlsx")["corrections"]
    header = [c.value for c in sheet[1]]
    lines = [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]
    decided = [(x["roster"], x["hh"], x["member"], x["farm"], x["plot"], x["action"])
               for x in lines if x["action"]]  # fmt: skip
    assert decided == [  # by level: the households' (and a roster not known), then each roster's
        ("parcels", "1", None, None, "1", "blank"),
        ("members", "1", "3", None, None, "replace"),
        ("members", "2", "1", None, None, "confirm"),  # the roster it was applied to
        ("farms", "1", None, "2", None, "replace"),
        ("plots", "1", None, "3", "1", "drop"),
        ("plots", "2", None, "1", "2", "replace"),
    ]
    assert not any(x["check"] == "roster_older_than" and x["member"] == "1" for x in lines)


@pytest.mark.parametrize(
    ("cells", "level"),
    [
        ({"village": "V1", "hh": "1", "sheet": "Data"}, ("", ("V1", "1"))),
        ({"village": "V1", "hh": "1", "sheet": "Plots", "farm": "2", "plot": "3"},
         ("plots", ("V1", "1", "2", "3"))),
        ({"village": "V1", "hh": "1", "farm": "2"}, ("farms", ("V1", "1", "2"))),
        ({"village": "V1", "hh": "1", "farm": "2", "plot": "3"},
         ("plots", ("V1", "1", "2", "3"))),
        ({"village": "V1", "hh": "1", "member": "1", "farm": "2"},
         ("members and farms", ("V1", "1"))),
        ({"village": "V1", "hh": "1", "roster": "Members", "member": "4"},
         ("members", ("V1", "1", "4"))),
    ],
)  # fmt: skip
def test_a_line_names_its_roster_by_roster_sheet_or_key_columns(cells, level):
    from villagesurvey.validate.roster_corrections import line_level

    assert line_level(parse_instrument(FARMS), cells) == level


def test_a_member_waiting_for_its_household_has_no_line_of_its_own(model_study, tmp_path):
    # the messy sample: members of quarantined households are parent_quarantined (issues.csv
    # lists them); the template lists the households' lines and the orphan, not the waiting
    root = Path(__file__).resolve().parent.parent
    result = validate_returns(model_study, [root / "sample_data" / "returns_messy"])
    out = Path(write_validation(result, tmp_path / "out"))
    issues = _csv(out / "issues.csv")
    waiting = [i for i in issues if i["check"] == "parent_quarantined"]
    assert waiting
    sheet = openpyxl.load_workbook(out / "corrections.xlsx")["corrections"]
    header, *lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    checks = [line[header.index("check")] for line in lines]
    assert "parent_quarantined" not in checks
    assert "roster_orphan" in checks
    households = {(i["file"], i["row"]) for i in issues if i["sheet"] != "members"}
    listed = {(line[header.index("file")], line[header.index("row")]) for line in lines}
    assert {(i["file"], i["row"]) for i in issues if i["check"] == "out_of_range"} <= listed
    assert listed - households == {
        (i["file"], i["row"]) for i in issues if i["check"] == "roster_orphan"
    }
