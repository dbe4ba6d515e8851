"""Start and end times through XLSForm: ``start``/``end`` metadata rows out and back in.

pyxform (the XLSForm reference converter) is the outside reference for the export; formpack's
``grouped_translated`` fixture (tests/data/README.md) is a real KoboToolbox form with ``start``
and ``end`` rows and its real export.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from textwrap import dedent

from pyxform.xls2xform import convert

from villagesurvey import parse_instrument, validate_returns
from villagesurvey.xlsform import build_xlsform, read_xlsform, write_xlsform

KOBO = Path(__file__).parent / "data" / "kobo"
NS = {"x": "http://www.w3.org/2002/xforms", "jr": "http://openrosa.org/javarosa"}

TIMED = parse_instrument(
    dedent(
        """\
        id: timed
        version: "1"
        title: {en: Timed, zh: 计时}
        languages: [en, zh]
        key: [hh]
        sections:
          - code: visit
            label: {en: Visit, zh: 访问}
            questions:
              - {code: hh, type: text, required: true, label: {en: Household, zh: 户}}
              - {code: began, type: datetime, label: {en: Started, zh: 开始}}
              - {code: finished, type: datetime, label: {en: Ended, zh: 结束}}
              - {code: harvest, type: datetime, label: {en: Harvest began, zh: 收获开始}}
        monitoring: {start: began, end: finished}
        """
    )
)


def _rows(instrument):
    header, *rows = build_xlsform(instrument).survey
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_monitoring_start_and_end_become_metadata_rows_and_others_datetime():
    rows = _rows(TIMED)
    assert [(r["type"], r["name"]) for r in rows[:2]] == [("start", "began"), ("end", "finished")]
    assert [r["type"] for r in rows if r["name"] == "harvest"] == ["dateTime"]
    assert [r["name"] for r in rows].count("began") == 1


def test_pyxform_makes_them_timestamps_the_phone_fills(tmp_path):
    form = write_xlsform(TIMED, tmp_path / "form.xlsx")
    result = convert(xlsform=str(form), file_type=".xlsx")
    assert result.warnings == []
    binds = {
        b.attrib["nodeset"].rsplit("/", 1)[-1]: b.attrib
        for b in ET.fromstring(result.xform).findall(".//x:model/x:bind", NS)
    }
    preload = f"{{{NS['jr']}}}preload"
    params = f"{{{NS['jr']}}}preloadParams"
    assert (binds["began"][preload], binds["began"][params]) == ("timestamp", "start")
    assert (binds["finished"][preload], binds["finished"][params]) == ("timestamp", "end")
    assert binds["harvest"]["type"] == "dateTime"
    assert preload not in binds["harvest"]


def test_the_form_read_back_has_the_questions_and_the_block(tmp_path):
    back = read_xlsform(write_xlsform(TIMED, tmp_path / "form.xlsx"))
    instrument = back.instrument
    assert {q.code: q.type for q in instrument.questions} == {
        "hh": "text", "began": "datetime", "finished": "datetime", "harvest": "datetime"
    }  # fmt: skip
    assert (instrument.monitoring.start, instrument.monitoring.end) == ("began", "finished")
    assert [f.code for f in back.findings if f.code == "metadata_time"] == ["metadata_time"] * 2


def test_without_a_block_a_datetime_question_coded_start_is_the_start():
    plain = parse_instrument(
        dedent(
            """\
            id: t
            version: "1"
            title: T
            languages: [en]
            key: [hh]
            sections:
              - code: s
                label: S
                questions:
                  - {code: hh, type: text, required: true, label: Household}
                  - {code: start, type: datetime, label: Start}
                  - {code: end, type: text, label: End as text}
            """
        )
    )
    rows = _rows(plain)
    assert [(r["type"], r["name"]) for r in rows[:1]] == [("start", "start")]
    assert [r["type"] for r in rows if r["name"] == "end"] == ["text"]


def test_a_real_kobo_form_s_start_and_end_are_read_with_their_export():
    imported = read_xlsform(KOBO / "grouped_translated.xlsx").instrument
    assert (imported.monitoring.start, imported.monitoring.end) == ("start", "end")
    validation = validate_returns(imported, [KOBO / "grouped_translated.csv"], workers=1)
    assert validation.rows_clean == 3
    # the export's own times (tests/data/kobo/grouped_translated.csv), kept as written
    assert validation.typed["start"].tolist()[0] == "2017-12-28T10:01:27.000-05:00"
    assert validation.typed["end"].tolist()[0] == "2017-12-28T10:01:57.000-05:00"
    assert not validation.findings["check"].str.contains("datetime").any()


def test_an_offset_in_whole_hours_as_formpack_writes_it_is_kept():
    imported = read_xlsform(KOBO / "long_names.xlsx").instrument
    validation = validate_returns(imported, [KOBO / "long_names.csv"], workers=1)
    assert validation.typed["start"].tolist() == [
        "2017-03-13T11:25:31.707-04", "2017-03-13T11:26:15.317-04"
    ]  # fmt: skip
    assert not validation.findings["check"].str.contains("datetime").any()


def test_pyxform_s_own_example_forms():
    # pyxform's tests/example_xls (tests/data/README.md): widgets.xls asks a dateTime question;
    # flat_xlsform_test.xlsx records start and end (rows 42 and 44) besides a dateTime one
    pyxform = Path(__file__).parent / "data" / "xlsforms" / "pyxform"
    widgets = read_xlsform(pyxform / "widgets.xls").instrument
    assert widgets.question("dateTime").type == "datetime"
    assert (widgets.monitoring.start, widgets.monitoring.end) == (None, None)
    flat = read_xlsform(pyxform / "flat_xlsform_test.xlsx")
    assert [q.code for q in flat.instrument.questions if q.type == "datetime"] == [
        "datetime_test", "start", "end"
    ]  # fmt: skip
    assert (flat.instrument.monitoring.start, flat.instrument.monitoring.end) == ("start", "end")
    assert [f.row for f in flat.findings if f.code == "metadata_time"] == [42, 44]
