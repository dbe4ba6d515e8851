"""A roster's sheet in the blank workbook: the household's key first, checked as the main sheet."""

from __future__ import annotations

import openpyxl

from tests.rosters import HOUSEHOLD
from villagesurvey import parse_instrument, write_workbook
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW, LABEL_ROW, META_SHEET


def test_each_roster_has_its_sheet_with_the_household_key_first(tmp_path):
    instrument = parse_instrument(HOUSEHOLD)
    book = openpyxl.load_workbook(write_workbook(instrument, tmp_path / "blank.xlsx"))
    assert book.sheetnames[:2] == ["Data", "members"]
    sheet = book["members"]
    codes = [c.value for c in sheet[CODE_ROW] if c.value]
    assert codes == ["village", "hh", "member", "relation", "sex", "age", "income", "phone"]
    assert sheet.cell(LABEL_ROW, 3).value == "Member number *"
    checks = {str(dv.sqref).split(":")[0]: dv for dv in sheet.data_validations.dataValidation}
    age = checks[f"F{FIRST_DATA_ROW}"]
    assert (age.type, age.formula1, age.formula2) == ("whole", "0", "120")
    relation = checks[f"D{FIRST_DATA_ROW}"]
    assert relation.type == "list"
    meta = {row[0].value: row[1].value for row in book[META_SHEET].iter_rows()}
    assert meta["roster_sheet.members"] == "members"


def test_the_codebook_lists_roster_columns_under_their_roster(tmp_path):
    instrument = parse_instrument(HOUSEHOLD)
    book = openpyxl.load_workbook(write_workbook(instrument, tmp_path / "blank.xlsx"))
    rows = list(book["Codebook"].iter_rows(min_row=2, values_only=True))
    sections = {row[0]: row[2] for row in rows}
    assert [row[0] for row in rows] == [
        "village", "hh", "hh_size", "family_income",
        "member", "relation", "sex", "age", "income", "phone",
    ]  # fmt: skip
    assert sections["hh"] == "household"
    assert sections["age"] == "members"
