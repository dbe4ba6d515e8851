"""A geopoint through the XLSForm: exported as pyxform reads it, and imported back."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pyxform.xls2json_backends import md_table_to_workbook
from pyxform.xls2xform import convert

from villagesurvey.instrument import parse_instrument
from villagesurvey.xlsform import read_xlsform, write_xlsform

from .test_validate_gps_points import INSTRUMENT

WITH_LIMITS = INSTRUMENT.replace(
    "{code: home, type: geopoint, pii: true, label: {en: House, zh: 住房}}",
    "{code: home, type: geopoint, pii: true, max_accuracy: 25, radius_km: 2.5, "
    "label: {en: House, zh: 住房}}",
)
XF = "{http://www.w3.org/2002/xforms}"


def test_a_geopoint_converts_without_a_warning_and_comes_back(tmp_path):
    instrument = parse_instrument(WITH_LIMITS)
    form = write_xlsform(instrument, tmp_path / "gps.xlsx")
    result = convert(xlsform=str(form), file_type=".xlsx")  # pyxform, the reference converter
    assert result.warnings == []
    xform = ET.fromstring(result.xform)
    bind = next(b for b in xform.iter(f"{XF}bind") if b.get("nodeset", "").endswith("/home"))
    assert bind.get("type") == "geopoint"
    control = next(i for i in xform.iter(f"{XF}input") if i.get("ref", "").endswith("/home"))
    # ODK Collect warns when the accuracy is worse than this (the ODK XForms spec's attribute)
    assert control.get("unacceptableAccuracyThreshold") == "25"
    back = read_xlsform(form)
    home = back.instrument.question("home")
    assert (home.type, home.max_accuracy, home.radius_km, home.pii) == ("geopoint", 25, 2.5, True)
    assert not [f for f in back.findings if f.lost]


FORM = """
| survey |
| | type | name | label | parameters |
| | text | hh | Household | |
| | geopoint | plot | Plot | capture-accuracy=5 warning-accuracy=30 |
| | gps | home | Home | |
| | geopoint | shop | Shop | warning-accuracy=lots |
"""


def test_a_form_s_geopoints_and_their_parameters(tmp_path):
    path = tmp_path / "form.xlsx"
    md_table_to_workbook(FORM).save(path)
    result = read_xlsform(path)
    plot, home, shop = (result.instrument.question(c) for c in ("plot", "home", "shop"))
    assert (plot.type, plot.max_accuracy) == ("geopoint", 30)
    assert (home.type, home.max_accuracy) == ("geopoint", None)
    assert (shop.type, shop.max_accuracy) == ("geopoint", None)
    said = [f for f in result.findings if f.column == "parameters"]
    assert len(said) == 2
    assert "capture-accuracy=5" in said[0].message
    assert "warning-accuracy=lots" in said[1].message
