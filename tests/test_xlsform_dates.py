"""Date constraints of real forms: fixed dates and ``today()``."""

from __future__ import annotations

from datetime import date, timedelta

from pyxform.xls2json_backends import md_table_to_workbook

from villagesurvey.validate import validate_returns
from villagesurvey.xlsform import build_xlsform, read_xlsform

FORM = """
| survey |
| | type | name | label | constraint |
| | date | born | Date of birth | . <= today() |
| | date | visit | Visit date | . >= date('2020-01-01') and . <= today() |
| | date | next | Next visit | . >= today() |
| | date | before | Day before | . < today() |
"""


def test_not_after_today_is_a_limit_and_validate_holds_it(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook(FORM).save(path)
    result = read_xlsform(path)
    instrument = result.instrument
    assert instrument.question("born").max == "today"
    visit = instrument.question("visit")
    assert (visit.min, visit.max) == (date(2020, 1, 1), "today")
    # the phone's today() was the day of the interview: a later check cannot tell whether a
    # date on or after it was allowed, nor a date before it refused
    lost = [(f.row, f.code) for f in result.findings if f.lost]
    assert lost == [(4, "constraint_not_mapped"), (5, "constraint_not_mapped")]
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    returns = tmp_path / "export.csv"
    returns.write_text(
        "born,visit,_uuid\n"
        f"1990-05-01,2021-03-04,a\n{tomorrow},2021-03-04,b\n1990-05-01,2019-12-31,c\n",
        encoding="utf-8",
    )
    validation = validate_returns(instrument, [returns], workers=1)
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert list(zip(errors["row"], errors["column"], errors["check"], strict=True)) == [
        (3, "born", "out_of_range"),
        (4, "visit", "out_of_range"),
    ]
    assert len(validation.clean()) == 1


def test_today_is_written_back_as_today(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook(FORM).save(path)
    survey = build_xlsform(read_xlsform(path).instrument).survey
    header = survey[0]
    constraints = {row[header.index("name")]: row[header.index("constraint")] for row in survey[1:]}
    assert constraints["born"] == ". <= today()"
    assert constraints["visit"] == ". >= date('2020-01-01') and . <= today()"


def test_the_blank_workbook_refuses_a_date_after_today(tmp_path):
    from villagesurvey.workbook import build_workbook

    path = tmp_path / "form.xlsx"
    md_table_to_workbook(FORM).save(path)
    instrument = read_xlsform(path).instrument
    sheet = build_workbook(instrument, rows=5).worksheets[0]
    limits = {(v.formula1, v.formula2) for v in sheet.data_validations.dataValidation}
    assert ("DATE(2020,1,1)", "TODAY()") in limits  # Excel's TODAY() is the day of entry
