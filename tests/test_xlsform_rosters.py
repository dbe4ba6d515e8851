"""A roster in the XLSForm: a repeat that pyxform (the reference converter) accepts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pyxform.xls2xform import convert

from tests.rosters import HOUSEHOLD
from villagesurvey.instrument import parse_instrument
from villagesurvey.xlsform import build_xlsform, write_xlsform

NS = {"x": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}


def test_a_roster_is_exported_as_a_repeat(tmp_path):
    instrument = parse_instrument(HOUSEHOLD)
    survey = build_xlsform(instrument).survey
    header = survey[0]
    rows = [dict(zip(header, row, strict=True)) for row in survey[1:]]
    kinds = [(r["type"], r["name"]) for r in rows]
    begin = kinds.index(("begin_repeat", "members"))
    assert kinds[begin + 1 :] == [
        ("integer", "member"), ("select_one relation", "relation"), ("select_one sex", "sex"),
        ("integer", "age"), ("decimal", "income"), ("text", "phone"), ("end_repeat", ""),
    ]  # fmt: skip
    repeat = rows[begin]
    assert repeat["repeat_count"] == "${hh_size}"
    assert repeat["bind::villagesurvey:roster_key"] == "member"
    assert repeat["bind::villagesurvey:sums"] == "family_income=income~1"
    assert rows[kinds.index(("decimal", "income"))]["relevant"] == "${age} >= 16"


def test_pyxform_converts_the_roster_without_a_warning(tmp_path):
    form = write_xlsform(parse_instrument(HOUSEHOLD), tmp_path / "form.xlsx")
    result = convert(xlsform=str(form), file_type=".xlsx")  # raises on an error
    assert result.warnings == []
    xform = ET.fromstring(result.xform)
    repeat = xform.find(".//h:body//x:repeat", NS)
    assert repeat.attrib["nodeset"] == "/data/members"
    # pyxform writes ${hh_size} as the path of the household question
    assert repeat.attrib["{http://openrosa.org/javarosa}count"].strip() == "/data/household/hh_size"
    names = [c.attrib["ref"].rsplit("/", 1)[-1] for c in repeat if "ref" in c.attrib]
    assert names == ["member", "relation", "sex", "age", "income", "phone"]


def test_a_form_of_only_a_repeat_keys_its_households_by_submission():
    from villagesurvey.xlsform import xlsform_to_instrument

    survey = [["type", "name", "label"], ["begin_repeat", "r", "R"], ["text", "a", "A"],
              ["end_repeat", "", ""]]  # fmt: skip
    result = xlsform_to_instrument({"survey": survey})
    assert [q.code for q in result.instrument.questions] == ["instanceID"]
    (roster,) = result.instrument.rosters
    assert [q.code for q in roster.section.questions] == ["r_no", "a"]
    assert result.lost == ()


def test_a_repeat_nested_twice_is_reported_and_the_outer_two_kept():
    from villagesurvey.xlsform import xlsform_to_instrument

    survey = [
        ["type", "name", "label", "relevant"],
        ["integer", "n", "N", ""],
        ["begin_repeat", "plots", "Plots", ""],
        ["decimal", "area", "Area", "${n} > 0"],
        ["begin_repeat", "crops", "Crops", ""],
        ["text", "crop", "Crop", ""],
        ["begin_repeat", "pests", "Pests", ""],
        ["text", "pest", "Pest", ""],
        ["end_repeat", "", "", ""],
        ["end_repeat", "", "", ""],
        ["end_repeat", "", "", ""],
    ]
    result = xlsform_to_instrument({"survey": survey})
    plots, crops = result.instrument.rosters
    assert [q.code for q in plots.section.questions] == ["plots_no", "area"]
    assert plots.section.questions[1].relevant is None  # named the household's n
    assert (crops.within, [q.code for q in crops.section.questions]) == (
        "plots", ["crops_no", "crop"],
    )  # fmt: skip
    assert [(f.row, f.code) for f in result.lost] == [
        (None, "cross_level_not_mapped"),
        (7, "repeat"),
    ]


def test_a_roster_comes_back_whole_from_its_xlsform(tmp_path):
    from villagesurvey.xlsform import read_xlsform

    instrument = parse_instrument(HOUSEHOLD.replace("tolerance: 1}", "tolerance: 1.5}"))
    result = read_xlsform(write_xlsform(instrument, tmp_path / "form.xlsx"))
    assert result.findings == ()
    assert result.instrument == instrument


def test_the_xlsform_command_names_each_repeat(tmp_path):
    from click.testing import CliRunner

    from villagesurvey.cli import main

    source = tmp_path / "hh.yaml"
    source.write_text(HOUSEHOLD, encoding="utf-8")
    result = CliRunner().invoke(main, ["xlsform", str(source), "-o", str(tmp_path / "f.xlsx")])
    assert result.exit_code == 0
    assert result.output.strip().endswith("(hh_survey 1, 4 fields, repeat members)")
