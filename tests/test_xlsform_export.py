"""The XLSForm export, read back by pyxform (the XLSForm reference converter of ODK and Kobo).

pyxform is the outside reference here: every shipped instrument must convert without an error
or a warning, and the XForm pyxform makes must carry the instrument's types, limits, messages,
skip rules and translations.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from textwrap import dedent

import openpyxl
import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook
from pyxform.xls2xform import convert

from villagesurvey import load_instrument, parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import XLSFormError
from villagesurvey.instrument import parse_condition, roster_instrument
from villagesurvey.xlsform import build_xlsform, condition_xpath, read_xlsform, write_xlsform

from .conftest import MODEL_STUDY, ROOT, SMALL

INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
NS = {
    "x": "http://www.w3.org/2002/xforms",
    "h": "http://www.w3.org/1999/xhtml",
    "jr": "http://openrosa.org/javarosa",
    "vs": "https://github.com/villagesurvey/villagesurvey/blob/main/docs/xlsform.md",
}


@pytest.mark.parametrize("path", INSTRUMENTS, ids=lambda p: p.name)
def test_every_shipped_instrument_converts_without_a_warning(path, tmp_path):
    form = write_xlsform(load_instrument(path), tmp_path / "form.xlsx")
    result = convert(xlsform=str(form), file_type=".xlsx")  # raises on an error
    assert result.warnings == []


@pytest.fixture(scope="module")
def xform(tmp_path_factory):
    """The model study's XForm, as pyxform makes it from the exported XLSForm."""
    path = write_xlsform(load_instrument(MODEL_STUDY), tmp_path_factory.mktemp("x") / "f.xlsx")
    return ET.fromstring(convert(xlsform=str(path), file_type=".xlsx").xform)


_LABEL = f"{{{NS['x']}}}label"


def _name(control) -> str:
    return control.attrib["ref"].rsplit("/", 1)[-1]


def _bind(xform, column: str) -> dict[str, str]:
    binds = xform.findall(".//x:model/x:bind", NS)
    found = [b.attrib for b in binds if b.attrib["nodeset"].rsplit("/", 1)[-1] == column]
    assert len(found) == 1, column
    return found[0]


def _text(xform, language: str, text_id: str) -> str:
    translation = xform.find(f".//x:itext/x:translation[@lang='{language}']", NS)
    return translation.find(f"x:text[@id='{text_id}']/x:value", NS).text


def test_identity_and_languages_reach_the_xform(xform):
    data = xform.find(".//x:model/x:instance/x:data", NS)
    assert data.attrib == {"id": "village_ecommerce", "version": "2022.1"}
    translations = xform.findall(".//x:itext/x:translation", NS)
    assert [t.attrib["lang"] for t in translations] == ["English (en)", "Chinese (zh)"]
    assert translations[0].attrib.get("default") == "true()"


def test_types_limits_messages_and_required(xform):
    age = _bind(xform, "age")
    assert age["type"] == "int"
    assert age["required"] == "true()"
    assert age["constraint"] == ". >= 16 and . <= 100"
    assert _text(xform, "Chinese (zh)", "/data/demographics/age:label") == "年龄"
    assert _text(xform, "English (en)", "/data/demographics/age:jr:constraintMsg").startswith(
        "Age must be 16 to 100"
    )
    interview = _bind(xform, "interview_date")
    assert interview["type"] == "date"
    assert interview["constraint"] == ". >= date('2022-06-01') and . <= date('2023-12-31')"
    assert _bind(xform, "family_income_2020")["type"] == "decimal"
    assert _bind(xform, "household_spending_2022")["constraint"] == ". >= 0"


def test_questions_in_waves_are_one_field_per_wave_with_the_wave_in_the_label(xform):
    assert _bind(xform, "skill_count_2020")["type"] == "int"
    assert _bind(xform, "skill_count_2022")["type"] == "int"
    label = "/data/skills/skill_count_2022:label"
    assert _text(xform, "English (en)", label) == "Number of work skills you have (2022)"
    assert _text(xform, "Chinese (zh)", label) == "您掌握的工作技能数量（2022年）"


def test_skip_rules_are_bound_to_their_wave(xform):
    # instrument: income_ecommerce (waves 2020, 2022) relevant "ecom_participation = 1"
    for wave in (2020, 2022):
        relevant = _bind(xform, f"income_ecommerce_{wave}")["relevant"]
        assert relevant.split() == [f"/data/ecommerce/ecom_participation_{wave}", "=", "'1'"]
    # a question without waves names the wave column it depends on
    relevant = _bind(xform, "ecom_start_year")["relevant"]
    assert relevant.split() == ["/data/ecommerce/ecom_participation_2022", "=", "'1'"]


def test_selects_likert_items_and_their_choice_lists(xform):
    body = xform.find("h:body", NS)
    controls = {_name(c): c for c in body.iter() if c.tag != _LABEL and "ref" in c.attrib}
    assert controls["gender"].tag == f"{{{NS['x']}}}select1"
    assert controls["ecom_platforms"].tag == f"{{{NS['x']}}}select"
    assert controls["cbec_1"].attrib["appearance"] == "likert"
    scale = controls["cbec"]  # the scale's items on one screen, under the scale's label
    assert scale.tag == f"{{{NS['x']}}}group"
    assert scale.attrib["appearance"] == "field-list"
    items = [_name(c) for c in scale if c.tag != _LABEL]
    assert items == ["cbec_1", "cbec_2", "cbec_3", "cbec_4"]
    agree = xform.find(".//x:model/x:instance[@id='agree5']", NS)
    assert [n.text for n in agree.iter(f"{{{NS['x']}}}name")] == ["1", "2", "3", "4", "5"]


def test_what_xlsform_has_no_column_for_is_in_custom_bind_attributes(xform):
    age = _bind(xform, "age")
    assert (age[f"{{{NS['vs']}}}soft_min"], age[f"{{{NS['vs']}}}soft_max"]) == ("18", "80")
    assert age[f"{{{NS['vs']}}}unit"] == "years"
    assert _bind(xform, "person_id")[f"{{{NS['vs']}}}key"] == "3"
    assert _bind(xform, "phone")[f"{{{NS['vs']}}}pii"] == "true"
    assert _bind(xform, "spending_food_2022")[f"{{{NS['vs']}}}part_of"] == "household_spending_2022"
    assert _bind(xform, "rural_ecommerce_4")[f"{{{NS['vs']}}}reverse"] == "true"


def test_sheets_are_plain_rows_with_one_column_per_language(model_study):
    sheets = build_xlsform(model_study)
    header = sheets.survey[0]
    assert header[:4] == ("type", "name", "label::English (en)", "label::Chinese (zh)")
    assert {"hint::Chinese (zh)", "constraint_message::English (en)", "relevant"} <= set(header)
    settings = dict(zip(*sheets.settings, strict=True))
    assert settings["form_id"] == "village_ecommerce"
    assert settings["version"] == "2022.1"
    assert settings["default_language"] == "English (en)"
    assert sheets.choices[1] == ("gender", "1", "Male", "男")
    fields = [row[1] for row in sheets.survey[1:] if not row[0].endswith(("group", "repeat"))]
    members = [c.code for c in roster_instrument(model_study, "members").columns]
    moments = [model_study.monitoring.start, model_study.monitoring.end]  # metadata, on top
    asked = [c.code for c in model_study.columns if c.code not in moments]
    assert fields == moments + asked + members[len(model_study.key) :]
    repeats = [row[:2] for row in sheets.survey if row[0].endswith("repeat")]
    assert repeats == [("begin_repeat", "members"), ("end_repeat", "")]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("sells_online_2020 = 1", "${sells_online_2020} = '1'"),
        ("age >= 18 and gender = 2", "${age} >= 18 and ${gender} = '2'"),
        ("gender in [1, 2]", "(${gender} = '1' or ${gender} = '2')"),
        ("gender in [2]", "${gender} = '2'"),
        (
            "selected(crops, 'rice') or not (age < 18 and gender != 1)",
            "selected(${crops}, 'rice') or not(${age} < 18 and ${gender} != '1')",
        ),
        ("(age > 1 or age < -1) and gender = 1", "(${age} > 1 or ${age} < -1) and ${gender} = '1'"),
        ("interview_date >= '2022-07-01'", "${interview_date} >= date('2022-07-01')"),
        ('name = "it\'s"', '${name} = "it\'s"'),
        ("income_2020 > 0.00001", "${income_2020} > 0.00001"),
    ],
)
def test_skip_rules_in_xpath(small, rule, expected):
    # Expected text from the XLSForm spec (xlsform.org, "Relevant"): ${name} references,
    # choice names quoted, numbers bare, date('YYYY-MM-DD') for dates, not(), and/or.
    types = {c.code: c.question.type for c in small.columns}
    assert condition_xpath(parse_condition(rule), types) == expected


AWKWARD = dedent(
    """\
    id: awkward
    version: "1"
    title: {en: "=HYPERLINK(\\"x\\")"}
    languages: [en]
    key: [main_group]
    sections:
      - code: meta
        label: {en: Meta}
        questions:
          - {code: main_group, type: text, required: true, label: {en: "=SUM(A1)"}}
          - code: note
            type: text
            label: {en: "_x0041_ is not A; line\\r\\nbreak; bell \\a; tab\\t"}
          - {code: main, type: integer, label: {en: "+86 138"}, relevant: "main_group = 'x'"}
      - code: main_group
        label: {en: Main}
        questions:
          - {code: other, type: text, label: {en: "@home"}}
    """
)


def test_awkward_text_stays_text_and_names_stay_unique(tmp_path):
    instrument = parse_instrument(AWKWARD)
    path = write_xlsform(instrument, tmp_path / "awkward.xlsx")
    survey = openpyxl.load_workbook(path)["survey"]
    cells = [c for row in survey.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type == "s" for c in cells)  # never a formula
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("survey").to_python()
    labels = [row[2] for row in rows[1:]]
    assert "_x0041_ is not A; line\r\nbreak; bell \a; tab\t" in labels
    groups = [row[1] for row in rows if row[0] == "begin_group"]
    # "meta" is ODK's; "main" and "main_group" are questions'; each name is used once
    assert groups == ["meta_group", "main_group_group"]
    assert convert(xlsform=str(path), file_type=".xlsx").warnings == []
    again = read_xlsform(path).instrument
    assert [s.code for s in again.sections] == ["meta", "main_group"]
    assert again.questions == instrument.questions


def test_a_question_named_meta_is_refused_before_anything_is_written(tmp_path):
    # pyxform: "The name 'meta' is reserved for form metadata" (errors.py, NAMES_005)
    instrument = parse_instrument(
        "{id: m, version: '1', title: {en: M}, languages: [en], key: [meta], sections: [{code: s,"
        " label: {en: S}, questions: [{code: meta, type: text, required: true, label: {en: M}}]}]}"
    )
    with pytest.raises(XLSFormError, match="question 'meta'"):
        write_xlsform(instrument, tmp_path / "meta.xlsx")
    assert not (tmp_path / "meta.xlsx").exists()


def test_the_export_does_not_need_pyxform(tmp_path):
    code = (
        "import sys\n"
        "sys.modules['pyxform'] = None  # importing it now fails\n"
        "from villagesurvey import load_instrument, write_xlsform\n"
        f"write_xlsform(load_instrument({str(MODEL_STUDY)!r}), {str(tmp_path / 'f.xlsx')!r})\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert (tmp_path / "f.xlsx").stat().st_size > 0


def test_cli_writes_the_xlsform(tmp_path):
    runner = CliRunner()
    target = tmp_path / "small.xlsx"
    (tmp_path / "small.yaml").write_text(SMALL, encoding="utf-8")
    result = runner.invoke(main, ["xlsform", str(tmp_path / "small.yaml"), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {target} (small 1, ")
    assert convert(xlsform=str(target), file_type=".xlsx").warnings == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["xlsform", str(MODEL_STUDY), "-o", "form.xls"], "the XLSForm must be an .xlsx file"),
        (["xlsform", "missing.yaml", "-o", "form.xlsx"], "no such file"),
    ],
)
def test_cli_refuses_with_one_line_and_exit_2(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
    assert not Path("form.xlsx").exists()


def test_a_label_that_reads_like_an_excel_error_stays_text(tmp_path):
    from villagesurvey.instrument import parse_instrument
    from villagesurvey.xlsform import read_xlsform, write_xlsform

    text = """\
id: x
version: "1"
title: {en: X}
languages: [en]
key: k
choices:
  a:
    - {code: 1, en: "#VALUE!"}
    - {code: 2, en: "#N/A"}
sections:
  - code: s
    label: {en: S}
    questions:
      - {code: k, type: text, required: true, label: {en: K}}
      - {code: q, type: select_one, choices: a, label: {en: "#REF!"}}
"""
    instrument = parse_instrument(text)
    result = read_xlsform(write_xlsform(instrument, tmp_path / "form.xlsx"))
    assert result.findings == ()
    assert result.instrument == instrument
