"""The codebook lists a roster's columns under the roster, with their statistics."""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument
from villagesurvey.cli import main
from villagesurvey.export import build_codebook, write_codebook

from .test_codebook_export import parse_markdown
from .test_export_levels import CLEAN, INSTRUMENT, MEMBERS


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    folder = tmp_path_factory.mktemp("checked")
    (folder / "clean.csv").write_text(CLEAN, encoding="utf-8")
    (folder / "clean_members.csv").write_text(MEMBERS, encoding="utf-8")
    (folder / "hh.yaml").write_text(INSTRUMENT, encoding="utf-8")
    return folder


def test_roster_columns_come_under_their_roster(checked):
    codebook = build_codebook(parse_instrument(INSTRUMENT))
    assert [row.code for row in codebook.rows] == ["village", "hh", "hh_size", "head_name"]
    (members,) = codebook.rosters
    assert members.roster == "members"
    assert members.link == ("village", "hh")
    assert [row.code for row in members.rows] == [
        "member", "relation", "sex", "age", "work", "income", "phone",
    ]  # fmt: skip
    assert members.options["work"] == {
        "farm": "work_farm", "shop": "work_shop", "wage": "work_wage",
    }  # fmt: skip
    assert members.statistics is None


def test_markdown_has_a_roster_part_with_statistics_of_its_table(checked, tmp_path):
    path = tmp_path / "codebook.md"
    result = CliRunner().invoke(
        main, ["codebook", str(checked / "hh.yaml"), "-o", str(path), "--data", str(checked)]
    )
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    household, roster = text.split("## Roster: Household members (`members`)")
    assert "### `age`" not in household
    assert "### `hh_size`" in household
    assert "`clean_members.csv`" in roster
    assert "Data: `clean_members.csv`, 6 rows" in roster
    entries = parse_markdown(text)
    fields = {r["field"]: r["value"] for r in entries["age"][0]}
    assert fields["Section"] == "members"
    # R 4.2.2: age <- c(45, 47, 10, 70, 33, 31); mean(age); sd(age); median(age)
    #   39.33333  20.00667  39
    assert entries["age"][1] == [{
        "n": "6", "Missing": "0", "Not asked": "0", "Mean": "39.33", "SD": "20.01", "Min": "10",
        "Median": "39", "Max": "70",
    }]  # fmt: skip
    # R: inc <- c(3000, 2000, 500, 1200); mean(inc); sd(inc); median(inc)  1675 1075.097 1600
    # the 10-year-old was not asked; the 31-year-old left it blank
    assert entries["income"][1] == [{
        "n": "4", "Missing": "2", "Not asked": "1", "Mean": "1675", "SD": "1075.10",
        "Min": "500", "Median": "1600", "Max": "3000",
    }]  # fmt: skip
    assert [r["Count"] for r in entries["relation"][2]] == ["3", "2", "1"]
    assert "personal data: no statistics" in roster.split("### `phone`")[1]


def test_xlsx_lists_roster_rows_with_their_roster(checked, tmp_path):
    path = tmp_path / "codebook.xlsx"
    write_codebook(parse_instrument(INSTRUMENT), path, data=checked / "clean.csv")
    book = openpyxl.load_workbook(path)
    sheet = book["Variables"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2,
                                                                            values_only=True)}  # fmt: skip
    assert rows["hh_size"]["Roster"] is None
    assert rows["age"]["Roster"] == "members"
    assert rows["age"]["n"] == 6
    assert rows["income"]["Not asked"] == 1
    choices = [r for r in book["Choices"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[3]) for r in choices if r[0] == "work"] == [
        ("work", "farm", "work_farm"), ("work", "shop", "work_shop"), ("work", "wage", "work_wage"),
    ]  # fmt: skip
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Roster members"] == "village, hh, member"
    assert about["rows (members)"] == 6
