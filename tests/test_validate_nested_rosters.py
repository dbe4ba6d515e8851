"""Validate a roster within a roster (plots within farms) and ages against relation."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.returns import fill_template, table
from tests.rosters import FARMS
from villagesurvey import validate_returns, write_validation
from villagesurvey.instrument import parse_instrument

HOUSEHOLDS = table("""
| village | hh | hh_size | n_farms | land |
| V1      | 1  | 3       | 2       | 5    |
| V1      | 2  | 2       | 1       | 4    |
| V1      | 3  | 1       | 1       | 1    |
""")

# hh 1's child is older than the head's spouse; hh 2's head is not 12 years younger than
# the head's parent; hh 3 says 1 member and lists 2 (the household is quarantined).
MEMBERS = table("""
| village | hh | member | relation | age |
| V1      | 1  | 1      | Head     | 40  |
| V1      | 1  | 2      | Spouse   | 38  |
| V1      | 1  | 3      | Child    | 39  |
| V1      | 2  | 1      | Head     | 50  |
| V1      | 2  | 2      | Parent   | 55  |
| V1      | 3  | 1      | Head     | 30  |
| V1      | 3  | 2      | Child    | 5   |
""")

# Farm 1 of hh 1 is sound; farm 2 of hh 1 says 1 plot and has 2; the farm of hh 2 has two
# main plots and 4 mu against its plots' 2.5; the farm of hh 3 belongs to a quarantined
# household.
FARM_ROWS = table("""
| village | hh | farm | area | n_plots |
| V1      | 1  | 1    | 3    | 2       |
| V1      | 1  | 2    | 2    | 1       |
| V1      | 2  | 1    | 4    | 2       |
| V1      | 3  | 1    | 1    | 1       |
""")

# The last plot names farm 3 of hh 1, which does not exist.
PLOTS = table("""
| village | hh | farm | plot | main | crop | plot_area |
| V1      | 1  | 1    | 1    | Yes  | Rice | 1         |
| V1      | 1  | 1    | 2    | No   | Rice | 2         |
| V1      | 1  | 2    | 1    | Yes  | Tea  |           |
| V1      | 1  | 2    | 2    | No   | Tea  |           |
| V1      | 2  | 1    | 1    | Yes  | Rice | 1.5       |
| V1      | 2  | 1    | 2    | Yes  | Rice | 1         |
| V1      | 3  | 1    | 1    | Yes  | Rice | 1         |
| V1      | 1  | 3    | 1    | Yes  | Rice | 1         |
""")


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nested")
    instrument = parse_instrument(FARMS)
    rosters = {"members": MEMBERS, "farms": FARM_ROWS, "plots": PLOTS}
    fill_template(instrument, HOUSEHOLDS, folder / "V1.xlsx", rosters=rosters)
    result = validate_returns(instrument, [folder / "V1.xlsx"], workers=1)
    return result, write_validation(result, folder / "out")


def located(level, check):
    part = level.findings[level.findings["check"] == check]
    return sorted(zip(part["sheet"], part["row"], part["column"], part["letter"], strict=True))


def test_the_checks_of_a_nested_roster_are_on_its_outer_roster_rows(checked):
    result, _ = checked
    farms = result.rosters["farms"]
    # Roster sheets' rows start at 4: farm 2 of hh 1 is row 5, the farm of hh 2 row 6.
    assert located(farms, "roster_count") == [("farms", 5, "n_plots", "E")]
    assert located(farms, "roster_exactly_one") == [("farms", 6, "farm", "C")]
    assert located(farms, "roster_sum") == [("farms", 6, "area", "D")]
    count = farms.findings[farms.findings["check"] == "roster_count"].iloc[0]
    assert count["message"] == "says 1 but roster 'plots' has 2 rows for this row"
    assert located(farms, "parent_quarantined") == [("farms", 7, "village", "A")]


def test_nested_rows_are_linked_to_their_outer_roster_rows(checked):
    result, _ = checked
    plots = result.rosters["plots"]
    assert located(plots, "roster_orphan") == [("plots", 11, "farm", "C")]
    waiting = plots.findings[plots.findings["check"] == "parent_quarantined"]
    assert list(waiting["row"]) == [6, 7, 8, 9, 10]
    assert set(waiting["column"]) == {"farm"}
    assert waiting["message"].iloc[-1] == (
        "its row of roster 'farms' (V1 | 3 | 1) is quarantined; the row waits for it to be fixed"
    )
    clean = plots.clean()
    assert list(clean.columns[1:5]) == ["village", "hh", "farm", "plot"]
    assert list(zip(clean["hh"], clean["farm"], clean["plot"], strict=True)) == [
        ("1", "1", "1"), ("1", "1", "2"),
    ]  # fmt: skip


def test_a_quarantined_household_quarantines_its_rows_at_every_level(checked):
    result, _ = checked
    assert sorted(result.clean()["hh"]) == ["1", "2"]  # a farm's defects stay at its level
    assert sorted(result.rosters["farms"].clean()["farm"]) == ["1"]
    assert set(result.rosters["members"].quarantine()["hh"]) == {"3"}


def test_a_child_older_than_the_spouse_is_a_warning_on_the_child_row(checked):
    result, _ = checked
    members = result.rosters["members"]
    assert located(members, "roster_older_than") == [
        ("members", 6, "age", "E"),  # hh 1's child, 39 against a spouse of 38
        ("members", 7, "age", "E"),  # hh 2's head, 50 against a parent of 55 less 12
    ]
    part = members.findings[members.findings["check"] == "roster_older_than"]
    assert set(part["severity"]) == {"warning"}
    assert list(part["message"]) == [
        "is 39, but a row of relation = 3 should be younger than the oldest row of "
        "relation = 2 in its household (38)",
        "is 50, but a row of relation = 1 should be at least 12 years younger than the "
        "oldest row of relation = 4 in its household (55)",
    ]
    assert list(part["expected"]) == ["at most 38", "at most 43"]
    assert {"1", "2"} <= set(members.clean()["hh"])  # a warning quarantines nothing


def test_every_row_of_every_level_is_accounted_for(checked):
    _, folder = checked
    summary = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    assert (summary["rows_in"], summary["rows_clean"], summary["rows_quarantined"]) == (3, 2, 1)
    counts = {
        code: (level["rows_in"], level["rows_clean"], level["rows_quarantined"],
               level["rows_not_read"], level["within"])
        for code, level in summary["rosters"].items()
    }  # fmt: skip
    assert counts == {
        "members": (7, 5, 2, 0, None),
        "farms": (4, 1, 3, 0, None),
        "plots": (8, 2, 6, 0, "farms"),
    }

    def rows(name):
        with open(Path(folder) / name, encoding="utf-8", newline="") as stream:
            return list(csv.DictReader(stream))

    for code, (rows_in, clean, quarantined, _, _) in counts.items():
        assert len(rows(f"clean_{code}.csv")) == clean
        assert len(rows(f"quarantine_{code}.csv")) == quarantined
        assert clean + quarantined == rows_in
    orphan = [q for q in rows("quarantine_plots.csv") if q["farm"] == "3"]
    assert [q["checks"] for q in orphan] == ["roster_orphan"]


def test_the_summary_sheet_counts_the_rows_of_each_roster(checked):
    from openpyxl import load_workbook

    _, folder = checked
    book = load_workbook(Path(folder) / "issues.xlsx", read_only=True)
    rows = {r[0]: r[1:] for r in book["Summary"].iter_rows(min_row=2, values_only=True)}
    summary = json.loads((Path(folder) / "summary.json").read_text(encoding="utf-8"))
    for code, level in summary["rosters"].items():
        for what in ("in", "clean", "quarantined", "not_read"):
            item = f"roster {code}: rows {what.replace('_', ' ')}"
            assert rows[item][0] == level[f"rows_{what}"], item
    assert rows["roster plots: rows in"][1] == "rows of its sheets, each linked to roster farms"
    assert rows["roster plots: error: parent_quarantined"][0] == 5
    assert rows["roster members: warning: roster_older_than"][0] == 2
    assert "roster_older_than" in book.sheetnames


@st.composite
def batches(draw):
    """Households 1..n, their farms and plots (a farm or plot may name a parent that is not),
    and a few farm or plot rows to drop by a correction."""
    n = draw(st.integers(1, 3))
    number = st.integers(1, 3)  # numbers may repeat within a parent; one past n is missing
    households = [
        {"village": "V1", "hh": str(h), "n_farms": str(draw(number)), "land": str(draw(number))}
        for h in range(1, n + 1)
    ]
    farms = [
        {"village": "V1", "hh": str(draw(st.integers(1, n + 1))), "farm": str(draw(number)),
         "area": str(draw(number)), "n_plots": str(draw(st.integers(1, 21)))}  # 21: too many
        for _ in range(draw(st.integers(0, 5)))
    ]  # fmt: skip
    plots = [
        {"village": "V1", "hh": str(draw(st.integers(1, n + 1))), "farm": str(draw(number)),
         "plot": str(draw(number)), "main": draw(st.sampled_from(["Yes", "No", "Maybe"])),
         "crop": "Rice", "plot_area": str(draw(number))}
        for _ in range(draw(st.integers(0, 7)))
    ]  # fmt: skip
    drops = draw(st.lists(st.sampled_from(farms + plots), max_size=2)) if farms + plots else []
    return households, farms, plots, drops


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=batches())
def test_every_row_of_every_nested_level_is_counted_once(batch, tmp_path):
    households, farms, plots, drops = batch
    instrument = parse_instrument(FARMS)
    path = tmp_path / "V1.xlsx"
    fill_template(instrument, households, path, rosters={"farms": farms, "plots": plots})
    decisions = tmp_path / "drops.csv"  # drop a few farm or plot rows, named by their keys
    with decisions.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, ["village", "hh", "farm", "plot", "column", "action"])
        writer.writeheader()
        for row in drops:
            writer.writerow({k: row.get(k, "") for k in ("village", "hh", "farm", "plot")}
                            | {"action": "drop"})  # fmt: skip
    result = validate_returns(instrument, [path], workers=1, corrections=decisions)
    levels = [(result, households), (result.rosters["farms"], farms),
              (result.rosters["plots"], plots)]  # fmt: skip
    for level, rows in levels:
        assert level.rows_in == len(rows)
        assert level.rows_in == level.rows_clean + level.rows_quarantined + level.rows_dropped
        assert level.rows_quarantined == len(level.quarantine())
        assert level.rows_dropped == len(level.dropped)
    clean_households = set(result.clean()["hh"])
    clean_farms = result.rosters["farms"].clean()
    assert set(clean_farms["hh"]) <= clean_households  # no clean farm of a bad household
    farm_keys = set(zip(clean_farms["hh"], clean_farms["farm"], strict=True))
    clean_plots = result.rosters["plots"].clean()
    assert set(zip(clean_plots["hh"], clean_plots["farm"], strict=True)) <= farm_keys


def test_a_nested_roster_is_exported_linked_to_its_outer_roster(checked, tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from villagesurvey.cli import main

    _, folder = checked
    source = tmp_path / "farms.yaml"
    source.write_text(FARMS, encoding="utf-8")
    args = ["export", "-i", str(source), str(folder)]
    run = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "s.parquet")])
    assert run.exit_code == 0, run.output
    assert "roster plots, linked by village, hh, farm" in run.output
    plots = pd.read_parquet(tmp_path / "s_plots.parquet")
    assert list(plots.columns[1:5]) == ["village", "hh", "farm", "plot"]
    wide = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "w.parquet"), "--wide"])
    assert wide.exit_code == 0, wide.output
    assert (
        "roster plots is within roster farms: not reshaped, written as a file of its own "
        "linked by village, hh, farm" in wide.output
    )
    assert (tmp_path / "w_plots.parquet").exists()
    assert not (tmp_path / "w_farms.parquet").exists()  # farms are columns of the main file
