"""A roster within a roster in the XLSForm: a repeat inside a repeat, and back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pyxform.xls2xform import convert

from tests.rosters import FARMS
from villagesurvey.instrument import parse_instrument
from villagesurvey.xlsform import build_xlsform, read_xlsform, write_xlsform, xlsform_to_instrument

NS = {"x": "http://www.w3.org/2002/xforms", "h": "http://www.w3.org/1999/xhtml"}
JR = "{http://openrosa.org/javarosa}count"


def test_a_nested_roster_is_a_repeat_inside_its_outer_repeat():
    survey = build_xlsform(parse_instrument(FARMS)).survey
    rows = [dict(zip(survey[0], row, strict=True)) for row in survey[1:]]
    kinds = [(r["type"], r["name"]) for r in rows]
    begin = kinds.index(("begin_repeat", "farms"))
    assert kinds[begin:] == [
        ("begin_repeat", "farms"), ("integer", "farm"), ("decimal", "area"),
        ("integer", "n_plots"),
        ("begin_repeat", "plots"), ("integer", "plot"), ("select_one yesno", "main"),
        ("select_one crop", "crop"), ("decimal", "plot_area"), ("end_repeat", ""),
        ("end_repeat", ""),
    ]  # fmt: skip
    plots = rows[kinds.index(("begin_repeat", "plots"))]
    assert plots["repeat_count"] == "${n_plots}"
    assert plots["bind::villagesurvey:sums"] == "area=plot_area~0.1"
    members = rows[kinds.index(("begin_repeat", "members"))]
    assert members["bind::villagesurvey:older_than"] == (
        '[{"older": "relation = 2", "younger": "relation = 3", "age": "age"}, '
        '{"older": "relation = 4", "younger": "relation = 1", "age": "age", "by": 12}]'
    )


def test_pyxform_converts_the_nested_repeat_without_a_warning(tmp_path):
    form = write_xlsform(parse_instrument(FARMS), tmp_path / "form.xlsx")
    result = convert(xlsform=str(form), file_type=".xlsx")  # raises on an error
    assert result.warnings == []
    xform = ET.fromstring(result.xform)
    repeats = {r.attrib["nodeset"]: r for r in xform.findall(".//h:body//x:repeat", NS)}
    assert list(repeats) == ["/data/members", "/data/farms", "/data/farms/plots"]
    # the count of a farm's plots is the farm's own n_plots, relative to the farm
    assert repeats["/data/farms/plots"].attrib[JR].strip() == "../n_plots"
    assert repeats["/data/farms"].attrib[JR].strip() == "/data/household/n_farms"


def test_nested_rosters_come_back_whole_from_their_xlsform(tmp_path):
    instrument = parse_instrument(FARMS)
    result = read_xlsform(write_xlsform(instrument, tmp_path / "form.xlsx"))
    assert result.findings == ()
    assert result.instrument == instrument


def test_a_repeat_inside_a_repeat_is_imported_as_a_nested_roster():
    survey = [
        ["type", "name", "label", "repeat_count", "relevant"],
        ["integer", "n_farms", "Farms", "", ""],
        ["begin_repeat", "farm", "Farm", "${n_farms}", ""],
        ["begin_group", "farm_details", "Details", "", ""],
        ["integer", "n_plots", "Plots", "", ""],
        ["end_group", "", "", "", ""],
        ["begin_repeat", "plot", "Plot", "${n_plots}", ""],
        ["decimal", "plot_area", "Area", "", "${n_plots} > 0"],
        ["end_repeat", "", "", "", ""],
        ["text", "farm_note", "Note", "", ""],
        ["end_repeat", "", "", "", ""],
    ]
    result = xlsform_to_instrument({"survey": survey})
    farm, plot = result.instrument.rosters
    assert (farm.within, farm.count, [q.code for q in farm.section.questions]) == (
        None, "n_farms", ["farm_no", "n_plots", "farm_note"],
    )  # fmt: skip
    assert (plot.within, plot.count, plot.key) == ("farm", "n_plots", "plot_no")
    assert plot.section.questions[1].relevant is None  # named the farm's n_plots
    assert [f.code for f in result.lost] == ["cross_level_not_mapped"]


def test_an_outer_repeat_holding_only_a_repeat_gets_a_row_number():
    survey = [
        ["type", "name", "label"],
        ["text", "village", "Village"],
        ["begin_repeat", "farm", "Farm"],
        ["begin_repeat", "plot", "Plot"],
        ["decimal", "plot_area", "Area"],
        ["end_repeat", "", ""],
        ["end_repeat", "", ""],
    ]
    result = xlsform_to_instrument({"survey": survey})
    farm, plot = result.instrument.rosters
    assert [q.code for q in farm.section.questions] == ["farm_no"]
    assert (plot.within, [q.code for q in plot.section.questions]) == (
        "farm", ["plot_no", "plot_area"],
    )  # fmt: skip


def test_an_older_than_the_instrument_cannot_hold_is_reported():
    rule = (
        '[{"older": "relation = 2", "younger": "relation = 3", "age": "age"}, {"older": "n > 1"}]'
    )
    survey = [
        ["type", "name", "label", "bind::villagesurvey:older_than"],
        ["integer", "n", "N", ""],
        ["begin_repeat", "members", "Members", rule],
        ["integer", "relation", "Relation", ""],
        ["integer", "age", "Age", ""],
        ["end_repeat", "", "", ""],
    ]
    result = xlsform_to_instrument({"survey": survey})
    (members,) = result.instrument.rosters
    assert [(o.older, o.younger, o.age) for o in members.older_than] == [
        ("relation = 2", "relation = 3", "age")
    ]
    assert [(f.row, f.code) for f in result.lost] == [(3, "older_than_not_mapped")]
