"""Phone exports as the tools write them: submission IDs, n/a, coordinates, times.

Each table is an export in the layout of its tool (KoboToolbox/kobocat or Ona's CSV, ODK
Central's ``meta/instanceID``) of a form written here as pyxform's markdown table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyxform.xls2json_backends import md_table_to_workbook

from villagesurvey.codebook import codebook_rows
from villagesurvey.export import build_codebook
from villagesurvey.validate import validate_returns
from villagesurvey.xlsform import read_xlsform

FORM = """
| survey |
| | type | name | label | relevant | parameters |
| | integer | age | Age | | |
| | text | why | Why | ${age} > 10 | |
| | geopoint | home | Home | | |
| | time | woke | Woke up at | | |
| | datetime | seen | Seen at | | |
| | range | score | Score | | start=0 end=5 step=1 |
| | select_multiple crops | crops | Crops | | |
| choices |
| | list_name | name | label |
| | crops | sweet-potato | Sweet potato |
| | crops | maize | Maize |
"""


@pytest.fixture(scope="module")
def instrument(tmp_path_factory):
    path = tmp_path_factory.mktemp("form") / "form.xlsx"
    md_table_to_workbook(FORM).save(path)
    return read_xlsform(path).instrument


def _validate(instrument, folder: Path, text: str):
    path = folder / "export.csv"
    path.write_text(text, encoding="utf-8")
    return validate_returns(instrument, [path], workers=1)


def test_types_and_names_import_as_the_form_has_them(instrument):
    kinds = {c.code: c.question.type for c in instrument.columns}
    assert kinds == {
        "instanceID": "text", "age": "integer", "why": "text", "home": "geopoint",
        "woke": "time", "seen": "datetime", "score": "integer", "crops": "select_multiple",
    }  # fmt: skip
    score = instrument.question("score")
    assert (score.min, score.max) == (0, 5)
    assert [c.code for c in instrument.choices[instrument.question("crops").choices]] == [
        "sweet-potato",
        "maize",
    ]


def test_n_a_of_a_phone_export_is_a_blank_and_each_is_logged(instrument, tmp_path):
    validation = _validate(
        instrument,
        tmp_path,
        "age,why,home,woke,seen,score,crops,meta/instanceID\n"
        "5,n/a,n/a,n/a,n/a,n/a,n/a,uuid:1\n"
        "12,tall,1.5 2.5 10 5,07:30:00.000+03:00,2024-05-01T07:30:00.000+03:00,3,"
        "sweet-potato maize,uuid:2\n",
    )
    assert validation.rows_clean == 2
    blanks = validation.findings[validation.findings["check"] == "tool_blank"]
    assert sorted(blanks["column"]) == ["crops", "home", "score", "seen", "why", "woke"]
    clean = validation.clean()
    assert clean["instanceID"].tolist() == ["uuid:1", "uuid:2"]
    assert clean["why"].tolist() == ["", "tall"]


def test_coordinates_times_and_dates_with_times_are_checked(instrument, tmp_path):
    validation = _validate(
        instrument,
        tmp_path,
        "age,home,woke,seen,_uuid\n"
        "1,91 10,25:00,2024-05-01,a\n"  # latitude beyond 90; no 25th hour; no time
        "2,-33.9 18.4,23:59,2024-05-01 23:59:59Z,b\n",
    )
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert sorted(zip(errors["column"], errors["check"], strict=True)) == [
        ("home", "not_a_geopoint"),
        ("seen", "not_a_datetime"),
        ("woke", "not_a_time"),
    ]
    assert validation.rows_clean == 1


def test_odk_central_s_split_geopoint_is_one_answer_again(instrument, tmp_path):
    # ODK Central's CSV writes a geopoint in four columns, <name>-Latitude ... -Accuracy
    validation = _validate(
        instrument,
        tmp_path,
        "age,home-Latitude,home-Longitude,home-Altitude,home-Accuracy,meta-instanceID\n"
        "5,-1.2921,36.8219,1650,4.5,uuid:1\n"
        "6,,,,,uuid:2\n"
        "7,95,36.8,,,uuid:3\n"  # latitude beyond 90
        "8,,36.8,,,uuid:4\n",  # no latitude
    )
    assert "unknown_column" not in set(validation.findings["check"])
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert sorted(zip(errors["row"], errors["column"], errors["check"], strict=True)) == [
        (4, "home", "not_a_geopoint"),
        (5, "home", "not_a_geopoint"),
    ]
    clean = validation.clean()
    assert clean["home"].tolist() == ["-1.2921 36.8219 1650 4.5", ""]


def test_an_export_of_one_answer_column_is_read(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label |
| | integer | age | Age |
| | note | thanks | Thank you |
""").save(path)
    instrument = read_xlsform(path).instrument
    # the note's column is in the export (empty), as ODK and KoboToolbox write it
    validation = _validate(instrument, tmp_path, "age,note,_uuid\n5,,a\n6,,b\n")
    assert validation.rows_clean == 2
    assert "unknown_column" not in set(validation.findings["check"])
    alone = _validate(instrument, tmp_path, "age\n5\n6\n")  # no ID: one column only
    assert (alone.rows_in, alone.rows_clean) == (2, 2)
    assert alone.clean()["age"].tolist() == ["5", "6"]  # clean.csv as text


def test_distinct_submissions_alike_in_every_answer_are_not_copies(instrument, tmp_path):
    body = "age,_uuid\n" + "".join(f"4,{u}\n" for u in ("a", "b", "a"))
    validation = _validate(instrument, tmp_path, body)
    checks = validation.findings.loc[validation.findings["severity"] == "error", "check"]
    assert checks.tolist() == ["duplicate_row"]  # only the third: the same submission again
    assert validation.rows_clean == 2


def test_a_blank_numeric_key_does_not_stop_validate(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label | required | bind::villagesurvey:key |
| | integer | hh | Household | yes | 1 |
| | integer | size | Size | | |
""").save(path)
    result = read_xlsform(path)
    assert result.instrument.key == ("hh",)
    validation = _validate(result.instrument, tmp_path, "hh,size\n1,3\n,4\n2,5\n")
    assert validation.rows_in == 3  # the blank key is reported, not a crash
    assert "required_missing" in set(validation.findings["check"])


def test_export_names_are_listed_in_the_codebook(instrument):
    codebook = build_codebook(instrument)
    assert codebook.options["crops"] == {
        "sweet-potato": "crops_sweet_potato",
        "maize": "crops_maize",
    }
    assert codebook.export_names == {}
    assert next(r.code for r in codebook_rows(instrument)) == "instanceID"


def test_a_regex_constraint_is_a_pattern_checked_on_each_answer(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label | constraint | constraint_message |
| | text | phone | Phone | regex(., '^[0-9]{10}$') | Ten digits |
| | integer | n | N | | |
""").save(path)
    instrument = read_xlsform(path).instrument
    assert instrument.question("phone").pattern == "^[0-9]{10}$"
    validation = _validate(instrument, tmp_path, "phone,n,_uuid\n0712345678,1,a\n071234,2,b\n")
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert list(zip(errors["row"], errors["check"], strict=True)) == [(3, "pattern_mismatch")]


def test_a_calculated_column_of_an_export_is_kept(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label | calculation |
| | integer | price | Price | |
| | calculate | double | | ${price} * 2 |
""").save(path)
    instrument = read_xlsform(path).instrument
    validation = _validate(instrument, tmp_path, "price,double,_uuid\n3,6,a\n4,8,b\n")
    assert validation.rows_clean == 2
    assert validation.clean()["double"].tolist() == ["6", "8"]


def test_a_cascading_select_allows_only_the_choices_of_the_earlier_answer(tmp_path):
    # pyxform's own example of choice_filter (tests/example_xls/choice_filter_test.xlsx)
    from .xlsform_corpus import PYXFORM

    instrument = read_xlsform(PYXFORM / "choice_filter_test.xlsx").instrument
    assert instrument.question("county").filter_by == (("cf", "state"),)
    validation = _validate(
        instrument,
        tmp_path,
        "state,county,city,_uuid\n"
        "washington,king,dumont,a\n"
        "texas,pierce,,b\n"  # pierce is a county of washington
        "texas,cameron,dumont,c\n",  # dumont is a city of king county
    )
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert sorted(zip(errors["row"], errors["column"], errors["check"], strict=True)) == [
        (3, "county", "choice_not_allowed"),
        (4, "city", "choice_not_allowed"),
    ]
    assert validation.rows_clean == 1


def test_a_code_beyond_the_limits_is_accepted_where_the_form_accepts_it(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label | constraint |
| | integer | age | Age | (. >= 15 and . < 96) or . = 999 |
""").save(path)
    instrument = read_xlsform(path).instrument
    age = instrument.question("age")
    assert (age.min, age.max, age.special) == (15, 95, (999,))
    validation = _validate(instrument, tmp_path, "age,_uuid\n40,a\n999,b\n998,c\n")
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert list(zip(errors["row"], errors["check"], strict=True)) == [(4, "out_of_range")]


def test_an_exclusive_option_is_chosen_alone(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook("""
| survey |
| | type | name | label | constraint |
| | select_multiple c | crops | Crops | not(selected(., 'none') and count-selected(.) > 1) |
| choices |
| | list_name | name | label |
| | c | maize | Maize |
| | c | none | None of these |
""").save(path)
    instrument = read_xlsform(path).instrument
    assert instrument.question("crops").exclusive == ("none",)
    validation = _validate(instrument, tmp_path, "crops,_uuid\nnone,a\nmaize none,b\nmaize,c\n")
    errors = validation.findings[validation.findings["severity"] == "error"]
    assert list(zip(errors["row"], errors["check"], strict=True)) == [(3, "exclusive_option")]
