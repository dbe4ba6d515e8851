"""Validate a household workbook with a member roster: each level checked, then linked."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.returns import fill_template, table
from tests.rosters import HOUSEHOLD
from villagesurvey import validate_returns, write_validation
from villagesurvey.instrument import parse_instrument

HOUSEHOLDS = table("""
| village | hh | hh_size | family_income |
| V1      | 1  | 3       | 5000          |
| V1      | 2  | 2       | 900           |
| V1      | 3  | 3       | 100           |
| V1      | 4  | 1       | 700           |
| V1      | 5  | 2       |               |
""")

# hh 1 is sound; hh 2 has two heads; hh 3 says 3 members and lists 2; hh 4's income is not
# the sum of its members' (700 against 500); hh 5 numbers two members 1; hh 9 does not exist.
MEMBERS = table("""
| village | hh | member | relation | sex    | age | income |
| V1      | 1  | 1      | Head     | Male   | 45  | 3000   |
| V1      | 1  | 2      | Spouse   | Female | 43  | 2000   |
| V1      | 1  | 3      | Child    | Female | 10  |        |
| V1      | 2  | 1      | Head     | Male   | 60  | 500    |
| V1      | 2  | 2      | Head     | Female | 58  | 400    |
| V1      | 3  | 1      | Head     | Male   | 30  | 60     |
| V1      | 3  | 2      | Spouse   | Female | 31  | 40     |
| V1      | 4  | 1      | Head     | Female | 70  | 500    |
| V1      | 9  | 1      | Head     | Male   | 50  | 10     |
| V1      | 5  | 1      | Head     | Male   | 33  |        |
| V1      | 5  | 1      | Spouse   | Female | 32  |        |
""")


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rosters")
    instrument = parse_instrument(HOUSEHOLD)
    fill_template(instrument, HOUSEHOLDS, folder / "V1.xlsx", rosters={"members": MEMBERS})
    result = validate_returns(instrument, [folder / "V1.xlsx"], workers=1)
    return result, write_validation(result, folder / "out")


def findings(level, check):
    part = level.findings[level.findings["check"] == check]
    return sorted(zip(part["sheet"], part["row"], part["column"], part["letter"], strict=True))


def test_cross_level_checks_are_located_on_the_household_row(checked):
    result, _ = checked
    # Data sheet rows start at 4: hh 2 is row 5, hh 3 row 6, hh 4 row 7.
    sheet = result.raw["_sheet"].iloc[0]
    assert findings(result, "roster_exactly_one") == [(sheet, 5, "hh", "B")]
    assert findings(result, "roster_count") == [(sheet, 6, "hh_size", "C")]
    assert findings(result, "roster_sum") == [(sheet, 7, "family_income", "D")]
    assert sorted(result.clean()["hh"]) == ["1", "5"]


def test_roster_rows_are_linked_to_their_households(checked):
    result, _ = checked
    members = result.rosters["members"]
    assert findings(members, "roster_orphan") == [("members", 12, "village", "A")]
    assert [r for _, r, _, _ in findings(members, "parent_quarantined")] == [7, 8, 9, 10, 11]
    assert len(findings(members, "duplicate_key")) == 2  # member 1 of hh 5, twice
    clean = members.clean()
    assert list(clean.columns[1:4]) == ["village", "hh", "member"]
    assert list(zip(clean["hh"], clean["member"], strict=True)) == [
        ("1", "1"),
        ("1", "2"),
        ("1", "3"),
    ]


def test_every_row_of_each_level_is_clean_or_quarantined(checked):
    _, folder = checked
    summary = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    assert (summary["rows_in"], summary["rows_clean"], summary["rows_quarantined"]) == (5, 2, 3)
    level = summary["rosters"]["members"]
    assert (level["rows_in"], level["rows_clean"], level["rows_quarantined"]) == (11, 3, 8)
    assert level["counts"]["error"]["parent_quarantined"] == 5
    assert summary["exit_code"] == 1

    def rows(name):
        with open(Path(folder) / name, encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))

    assert len(rows("clean_members.csv")) == 3
    quarantine = rows("quarantine_members.csv")
    assert len(quarantine) == 8
    assert {q["checks"] for q in quarantine if q["hh"] == "9"} == {"roster_orphan"}
    issues = rows("issues.csv")
    assert {"roster_orphan", "roster_count", "parent_quarantined"} <= {i["check"] for i in issues}


def test_a_household_without_a_roster_sheet_is_told(tmp_path):
    from openpyxl import load_workbook

    instrument = parse_instrument(HOUSEHOLD)
    path = fill_template(instrument, HOUSEHOLDS[:1], tmp_path / "V.xlsx")
    book = load_workbook(path)
    del book["members"]
    book.save(path)
    result = validate_returns(instrument, [path], workers=1)
    members = result.rosters["members"]
    assert list(members.findings["check"]) == ["no_roster_sheet"]
    assert members.rows_in == 0
    # no roster rows at all: the count of 3 members is not checked against nothing
    assert result.rows_clean == 1


@st.composite
def batches(draw):
    """Households 1..n with a declared size, and members that may name any household 1..n+1."""
    n = draw(st.integers(1, 4))
    households = [
        {"village": "V1", "hh": str(h), "hh_size": str(draw(st.integers(1, 3)))}
        for h in range(1, n + 1)
    ]
    members = [
        {
            "village": "V1",
            "hh": str(draw(st.integers(1, n + 1))),  # n + 1: an orphan
            "member": str(draw(st.integers(1, 3))),  # numbers may repeat within a household
            "relation": draw(st.sampled_from(["Head", "Spouse", "Child", "Cousin"])),
            "age": str(draw(st.integers(0, 130))),  # above 120: out of range
        }
        for _ in range(draw(st.integers(0, 6)))
    ]
    return households, members


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=batches())
def test_every_row_of_every_level_is_counted_once(batch, tmp_path):
    households, members = batch
    instrument = parse_instrument(HOUSEHOLD)
    path = tmp_path / "V1.xlsx"
    fill_template(instrument, households, path, rosters={"members": members})
    result = validate_returns(instrument, [path], workers=1)
    level = result.rosters["members"]
    assert result.rows_in == result.rows_clean + result.rows_quarantined == len(households)
    assert level.rows_in == level.rows_clean + level.rows_quarantined == len(members)
    assert level.rows_quarantined == len(level.quarantine())
    clean_households = set(result.clean()["hh"])
    assert set(level.clean()["hh"]) <= clean_households  # no clean member of a bad household


def test_the_console_says_each_level(checked):
    from villagesurvey.validate import summary_lines

    result, folder = checked
    lines = summary_lines(result, folder)
    assert lines[-2] == (
        "roster members: 11 in, 3 clean, 8 quarantined "
        "(errors: parent_quarantined 5, duplicate_key 2, roster_orphan 1)"
    )
    assert "clean_members.csv, quarantine_members.csv" in lines[-1]
