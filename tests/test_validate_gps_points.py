"""GPS points as validate reads them: the workbook's four cells, one cell as ODK writes it,
KoboToolbox's and ODK Central's exports; what people write made plain, hostile values refused."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyxform.xls2json_backends import md_table_to_workbook

from villagesurvey.instrument import parse_instrument
from villagesurvey.validate import validate_returns
from villagesurvey.validate.geopoints import read_point
from villagesurvey.xlsform import read_xlsform

from .returns import fill_template, table, write_csv

DATA = Path(__file__).parent / "data"

INSTRUMENT = """
id: gps
version: "1"
title: {en: GPS, zh: 定位}
languages: [en, zh]
key: [village, household]
sections:
  - code: main
    label: {en: Main, zh: 主要}
    questions:
      - {code: village, type: text, required: true, label: {en: Village, zh: 村}}
      - {code: household, type: integer, required: true, label: {en: Household, zh: 户}}
      - {code: home, type: geopoint, pii: true, label: {en: House, zh: 住房}}
"""


@pytest.fixture(scope="module")
def instrument():
    return parse_instrument(INSTRUMENT)


@pytest.mark.parametrize(
    ("cell", "plain"),
    [
        ("-1.2921 36.8219 1795 4.5", "-1.2921 36.8219 1795 4.5"),
        ("-1.2921 36.8219", "-1.2921 36.8219"),
        ("-1.2921 36.8219 1795", "-1.2921 36.8219 1795"),  # no accuracy: as ODK allows
        ("43.3149254 -1.9869671 71.80000305175781 15.478",  # ODK Central's test submission
         "43.3149254 -1.9869671 71.80000305175781 15.478"),
    ],
)  # fmt: skip
def test_a_plain_point_is_read_as_it_is(cell, plain):
    reading = read_point(cell)
    assert (reading.text, reading.changes) == (plain, ())


@pytest.mark.parametrize(
    ("cell", "plain", "change"),
    [
        ("-1,2921 36,8219 1795 4,5", "-1.2921 36.8219 1795 4.5", "decimal commas"),
        ("-1.2921, 36.8219", "-1.2921 36.8219", "a comma between"),
        ("-1.2921,36.8219 1795 4.5", "-1.2921 36.8219 1795 4.5", "a comma between"),
        ("1.2921S 36.8219E", "-1.2921 36.8219", "N, S, E, W"),
        ("1.2921 S 36.8219 E 1795 4.5", "-1.2921 36.8219 1795 4.5", "N, S, E, W"),
        ("S 1.2921 E 36.8219", "-1.2921 36.8219", "N, S, E, W"),
        ("s1.2921 w36.8219", "-1.2921 -36.8219", "N, S, E, W"),  # as a cell folded to lower
        ("1,2921S 36,8219E", "-1.2921 36.8219", "decimal commas"),
        ("39.9042°N 116.4074°E", "39.9042 116.4074", "N, S, E, W"),
        # 1°17'31.56" = 1 + 17/60 + 31.56/3600 = 1.2921 exactly
        ("1°17'31.56\"S 36°49'18.84\"E", "-1.2921 36.8219", "degrees, minutes and seconds"),
    ],
)
def test_what_people_write_is_made_plain_and_said(cell, plain, change):
    reading = read_point(cell)
    assert reading.text == plain
    assert any(change in c for c in reading.changes)


@pytest.mark.parametrize(
    ("cell", "check", "why"),
    [
        ("near the school", "not_a_geopoint", "is not a number"),
        ("nan nan", "not_a_geopoint", "is not a number"),
        ("NaN 36.8", "not_a_geopoint", "the latitude is not a number"),
        ("inf 36.8", "not_a_geopoint", "is not a number"),
        ("-1.29 1e999", "not_a_geopoint", "the longitude is not a number"),
        ("-1.2921", "not_a_geopoint", "1 numbers where 2 to 4"),
        ("-1.2921 36.8219 1795 4.5 7", "not_a_geopoint", "5 numbers where 2 to 4"),
        ("-1.2921 36.8\x07219", "not_a_geopoint", "control character"),
        ("-1.2921\x00 36.8219", "not_a_geopoint", "control character"),
        ("91 36.8", "not_a_geopoint", "the latitude is beyond ±90; latitude and longitude may"),
        ("-1.29 181", "not_a_geopoint", "the longitude is beyond ±180"),
        ("-1.29 36.8 1795 -4", "not_a_geopoint", "the accuracy is negative"),
        ("0 0", "gps_zero_point", "no fix"),
        ("0.0 0.0 0.0 0.0", "gps_zero_point", "no fix"),
        ("0 1E-8E", "gps_zero_point", "no fix"),  # 0.00000001°E is 0 at 7 decimals: no fix
        ("1.29E 36.8N", "not_a_geopoint", "E does not belong to the latitude"),
        ("-1.29S 36.8", "not_a_geopoint", "the latitude has both a sign and S"),
        ("1°75'S 36.8", "not_a_geopoint", "is not a number"),  # no 75th minute
        ("? 36.8", "not_a_geopoint", "the latitude is missing"),
    ],
)
def test_hostile_and_impossible_points_are_refused(cell, check, why):
    reading = read_point(cell)
    assert reading.text is None
    assert reading.check == check
    assert why in reading.message


def test_the_workbook_s_four_cells_are_one_answer(instrument, tmp_path):
    rows = table(
        """
        | village | household | home_latitude | home_longitude | home_altitude | home_accuracy |
        | A       | 1         | -1.2921       | 36.8219        | 1795          | 4.5           |
        | A       | 2         | '1,2922S      | '36,8218E      |               |               |
        | A       | 3         | 95            | 36.8           |               |               |
        | A       | 4         |               |                |               |               |
        | A       | 5         | 0             | 0              |               |               |
        | A       | 6         |               | 36.1           |               |               |
        """
    )
    path = fill_template(instrument, rows, tmp_path / "A.xlsx", language="zh")
    validation = validate_returns(instrument, [path], workers=1)
    found = validation.findings
    assert not (found["check"] == "row_not_read").any()  # the part labels are the header's
    said = {
        (int(r), c, k, letter)
        for r, c, k, letter in found[["row", "column", "check", "letter"]].itertuples(index=False)
    }
    assert said == {
        (5, "home", "geopoint_format", "C"),
        (6, "home", "not_a_geopoint", "C"),
        (8, "home", "gps_zero_point", "C"),
        (9, "home", "not_a_geopoint", "C"),
    }
    fixed = found[found["check"] == "geopoint_format"].iloc[0]
    assert (fixed["value"], fixed["fixed_value"]) == ("1,2922S 36,8218E", "-1.2922 36.8218")
    clean = validation.clean()
    assert clean["home"].tolist() == ["-1.2921 36.8219 1795 4.5", "-1.2922 36.8218", ""]


def test_one_cell_as_odk_writes_it(instrument, tmp_path):
    path = write_csv(
        table(
            """
            | village | household | home                     |
            | A       | 1         | -1.2921 36.8219 1795 4.5 |
            | A       | 2         | -1,2921 36,8219          |
            | A       | 3         | 1 2 3 4 5                |
            """
        ),
        tmp_path / "A.csv",
    )
    validation = validate_returns(instrument, [path], workers=1)
    assert validation.clean()["home"].tolist() == ["-1.2921 36.8219 1795 4.5", "-1.2921 36.8219"]
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert errors[["row", "check"]].values.tolist() == [[4, "not_a_geopoint"]]


KOBO_FORM = DATA / "kobo" / "restaurant_profile.xlsx"


def test_kobo_s_parts_stand_in_for_a_missing_point(tmp_path):
    # KoboToolbox's CSV export (formpack's fixture): "location" and its parts beside it,
    # "_location_latitude" ... "_location_precision"; without "location" the parts are read
    instrument = read_xlsform(KOBO_FORM).instrument
    text = KOBO_FORM.with_suffix(".csv").read_text(encoding="utf-8")
    lines = [line.split(";") for line in text.splitlines()]
    where = lines[0].index('"location"')
    cut = tmp_path / "cut.csv"
    cut.write_text("\n".join(";".join(c for i, c in enumerate(line) if i != where)
                             for line in lines) + "\n", encoding="utf-8")  # fmt: skip
    whole = validate_returns(instrument, [KOBO_FORM.with_suffix(".csv")], workers=1).clean()
    parts = validate_returns(instrument, [cut], workers=1)
    assert whole["location"].tolist() == [
        "13.42 -25.43", "12.43 -24.53", "12.43 -24.54 1 0", "12.43 -24.54 1",
    ]  # fmt: skip
    assert parts.clean()["location"].tolist() == whole["location"].tolist()
    assert not (parts.findings["check"] == "missing_column").any()


ODK_FORM = """
| survey |
| | type | name | label |
| | text | name | Name |
| | integer | age | Age |
| | geopoint | location | Location |
"""


def test_odk_central_s_export_of_a_geopoint(tmp_path):
    # ODK Central's own test of its CSV export ("should split geopoint columns into four
    # components"); tests/data/README.md says where it comes from
    form = tmp_path / "mytestform.xlsx"
    md_table_to_workbook(ODK_FORM).save(form)
    instrument = read_xlsform(form).instrument
    export = DATA / "odk_central" / "geopoint" / "mytestform.csv"
    validation = validate_returns(instrument, [export], workers=1)
    assert validation.rows_clean == 3
    assert validation.clean()["location"].tolist() == [
        "47.649434 -122.347737 26.8 3.14", "47.599115 -122.331753 10", "",
    ]  # fmt: skip


def test_the_blank_workbook_has_four_checked_cells_per_point(instrument):
    from villagesurvey import build_workbook
    from villagesurvey.workbook import CODE_ROW

    book = build_workbook(instrument, "en")
    sheet = book.worksheets[0]
    codes = [c.value for c in sheet[CODE_ROW] if c.value]
    assert codes == [
        "village", "household", "home_latitude", "home_longitude", "home_altitude",
        "home_accuracy",
    ]  # fmt: skip
    ranges = {
        str(v.sqref).split(":")[0][0]: (v.type, v.formula1, v.formula2)
        for v in sheet.data_validations.dataValidation
    }
    assert ranges["C"] == ("decimal", "-90", "90")
    assert ranges["D"] == ("decimal", "-180", "180")
    assert ranges["F"][:2] == ("decimal", "0")
    assert "latitude" in sheet["C2"].value
    zh = build_workbook(instrument, "zh").worksheets[0]
    assert zh["C2"].value == "住房：纬度（十进制度，南纬为负）"


_TOKENS = st.one_of(
    st.floats(-400, 400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(-200, 200).map(str),
    st.decimals(-200, 200, places=4).map(lambda d: str(d).replace(".", ",")),
    st.sampled_from(["N", "S", "E", "W", "°", ",", "?", "\x00", "nan", "'", '"', "12°30'"]),
    st.text(max_size=4),
)


@given(st.one_of(st.text(max_size=40), st.lists(_TOKENS, max_size=6).map(" ".join)))
@settings(max_examples=500, deadline=None)
def test_any_text_is_read_or_refused_and_a_reading_is_plain(text):
    reading = read_point(text)
    if reading.text is None:
        assert reading.check in ("not_a_geopoint", "gps_zero_point")
        return
    numbers = [float(n) for n in reading.text.split()]
    assert 2 <= len(numbers) <= 4
    assert -90 <= numbers[0] <= 90
    assert -180 <= numbers[1] <= 180
    assert all(math.isfinite(n) for n in numbers)
    again = read_point(reading.text)
    assert (again.text, again.changes) == (reading.text, ())


def test_the_paper_form_points_at_the_workbook_s_columns(tmp_path):
    from villagesurvey import build_workbook
    from villagesurvey.questionnaire import build_questionnaire, questionnaire_html
    from villagesurvey.workbook import CODE_ROW

    with_size = parse_instrument(
        INSTRUMENT + "      - {code: size, type: integer, label: {en: Size, zh: 人数}}\n"
    )
    form = build_questionnaire(with_size, "en")
    cells = {c.code: c.letter for q in [*form.cover, *form.personal, *(
        q for s in form.sections for q in s.questions)] for c in q.cells}  # fmt: skip
    sheet = build_workbook(with_size, "en").worksheets[0]
    where = {c.value: c.column_letter for c in sheet[CODE_ROW] if c.value}
    assert cells["home"] == f"{where['home_latitude']}-{where['home_accuracy']}" == "C-F"
    assert cells["size"] == where["size"] == "G"
    html = questionnaire_html(with_size, "zh")
    assert "纬度（度，南纬为负）" in html
    assert "精度（米）" in html


def test_an_older_template_s_point_cells_are_not_missing(instrument, tmp_path):
    rows = table(
        """
        | village | household | home_latitude | home_longitude | home_altitude | home_accuracy |
        | A       | 1         | -1.2921       | 36.8219        | 1795          | 4.5           |
        """
    )
    path = fill_template(instrument, rows, tmp_path / "A.xlsx")
    newer = parse_instrument(
        INSTRUMENT.replace('version: "1"', 'version: "2"')
        + "      - {code: size, type: integer, label: {en: Size, zh: 人数}}\n"
    )
    validation = validate_returns(newer, [path], workers=1)
    old = validation.findings[validation.findings["check"] == "old_template"]
    assert old["message"].str.contains("it has no size;").all()
    assert len(old) == 1
    assert validation.clean()["home"].tolist() == ["-1.2921 36.8219 1795 4.5"]


def test_a_personal_point_s_refused_parts_stay_hidden_in_issues(instrument, tmp_path):
    """The message of a refused personal point names which part is wrong, never its number:
    issues.csv hides the answer, and its parts must not reappear in the message."""
    from villagesurvey.validate import write_validation
    from villagesurvey.validate.cells import HIDDEN

    cells = ["91.123456 36.8219", "-1.2921 181.654321", "-1.2921 36.8219 1795 -4.75",
             "-1.2921S 36.8219", "7.5E 36.8219"]  # fmt: skip
    rows = "\n".join(f"| A | {n} | {cell} |" for n, cell in enumerate(cells, start=1))
    path = write_csv(table("| village | household | home |\n" + rows), tmp_path / "A.csv")
    validation = validate_returns(instrument, [path], workers=1)
    write_validation(validation, tmp_path / "out")
    issues = (tmp_path / "out" / "issues.csv").read_text(encoding="utf-8")
    assert issues.count(HIDDEN) >= 2 * len(cells)  # each row's value and its message
    for secret in ("91.123456", "181.654321", "4.75", "1.2921", "7.5"):
        assert secret not in issues
