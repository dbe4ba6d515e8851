"""The blank workbook, read back as Excel and LibreOffice would see it."""

from __future__ import annotations

import dataclasses
import zipfile
from pathlib import Path
from textwrap import dedent

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from villagesurvey import Instrument, build_workbook, parse_instrument, write_workbook
from villagesurvey.codebook import codebook_rows
from villagesurvey.errors import OptionError, OutputError
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW, LABEL_ROW, META_SHEET
from villagesurvey.workbook._points import sheet_columns


def _saved(instrument: Instrument, tmp_path: Path, language: str | None = None, **kw: int):
    path = write_workbook(instrument, tmp_path / "blank.xlsx", language, **kw)
    return openpyxl.load_workbook(path)


def _validations(sheet) -> dict[str, object]:
    """Data validations by the column letter they cover."""
    return {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv
        for dv in sheet.data_validations.dataValidation
    }


def _column_letter(instrument: Instrument, code: str) -> str:
    index = [c.code for c in instrument.columns].index(code)
    return openpyxl.utils.get_column_letter(index + 1)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_code_row_lists_every_column_in_order(small, tmp_path, language):
    sheet = _saved(small, tmp_path, language).active
    codes = [cell.value for cell in sheet[CODE_ROW]]
    assert codes == [c.code for c in small.columns]


def test_labels_follow_the_language_with_wave_and_required_mark(small, tmp_path):
    en = _saved(small, tmp_path, "en").active
    zh = _saved(small, tmp_path, "zh").active
    labels_en = [c.value for c in en[LABEL_ROW]]
    labels_zh = [c.value for c in zh[LABEL_ROW]]
    assert labels_en[:2] == ["Village *", "Person *"]
    assert labels_en[[c.code for c in small.columns].index("income_2022")] == "Income (2022)"
    assert labels_zh[[c.code for c in small.columns].index("income_2020")] == "收入（2020年）"
    assert en.title == "Data"
    assert zh.title == "数据"


def test_section_band_spans_each_section(small, tmp_path):
    sheet = _saved(small, tmp_path, "en").active
    merged = sorted(str(r) for r in sheet.merged_cells.ranges)
    # 4 identification columns, then 11 in "people"
    assert merged == ["A1:D1", "E1:O1"]
    assert sheet["A1"].value == "Identification"
    assert sheet["E1"].value == "People"


def test_choice_columns_get_a_drop_down_of_labels(small, tmp_path):
    workbook = _saved(small, tmp_path, "zh")
    sheet = workbook.active
    gender = _validations(sheet)[_column_letter(small, "gender")]
    assert gender.type == "list"
    sheet_name, cells = gender.formula1.split("!")
    lists = workbook[sheet_name.strip("'")]
    first, last = cells.replace("$", "").split(":")
    labels = [row[0].value for row in lists[first:last]]
    assert labels == ["男", "女"]
    assert lists.sheet_state == "hidden"


def test_likert_items_use_their_scale_choices(small, tmp_path):
    workbook = _saved(small, tmp_path, "en")
    validation = _validations(workbook.active)[_column_letter(small, "trust_2")]
    sheet_name, cells = validation.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    labels = [row[0].value for row in workbook[sheet_name.strip("'")][first:last]]
    assert labels == ["Disagree", "Neutral", "Agree"]


def test_integer_range_with_message_hint_and_soft_limits(small, tmp_path):
    validation = _validations(_saved(small, tmp_path, "en").active)[_column_letter(small, "age")]
    assert (validation.type, validation.operator) == ("whole", "between")
    assert (validation.formula1, validation.formula2) == ("16", "100")
    assert validation.error == "Age must be 16 to 100"
    assert validation.showErrorMessage
    assert validation.errorStyle == "stop"
    assert "Completed years" in validation.prompt
    assert "Usually 18 – 80" in validation.prompt
    assert "Unit: years" in validation.prompt


def test_zh_messages_come_from_the_instrument(small, tmp_path):
    validation = _validations(_saved(small, tmp_path, "zh").active)[_column_letter(small, "age")]
    assert validation.error == "年龄应在16至100岁之间"
    assert "周岁" in validation.prompt


def test_decimal_with_only_a_minimum_and_date_ranges(small, tmp_path):
    checks = _validations(_saved(small, tmp_path, "en").active)
    income = checks[_column_letter(small, "income_2020")]
    assert income.type == "decimal"
    assert income.formula1 == "0"
    assert float(income.formula2) >= 1e12
    assert income.error == "Enter a number of at least 0."
    date = checks[_column_letter(small, "interview_date")]
    assert date.type == "date"
    assert (date.formula1, date.formula2) == ("DATE(2022,6,1)", "DATE(2022,12,31)")


def test_select_multiple_explains_the_codes(small, tmp_path):
    validation = _validations(_saved(small, tmp_path, "en").active)[_column_letter(small, "crops")]
    assert validation.type is None
    assert "rice = Rice; tea = Tea" in validation.prompt


def test_skip_rule_in_the_prompt_names_the_same_wave(small, tmp_path):
    checks = _validations(_saved(small, tmp_path, "en").active)
    assert (
        "Ask only if: sells_online_2022 = 1"
        in checks[_column_letter(small, "online_income_2022")].prompt
    )
    assert (
        "Ask only if: sells_online_2020 = 1"
        in checks[_column_letter(small, "online_income_2020")].prompt
    )


def test_checks_cover_the_requested_rows(small, tmp_path):
    checks = _validations(_saved(small, tmp_path, "en", rows=25).active)
    assert str(checks["A"].sqref) == f"A{FIRST_DATA_ROW}:A{FIRST_DATA_ROW + 24}"


def test_excel_length_limits_on_messages(small, tmp_path):
    question = small.question("age")
    long_hint = {"en": "word " * 200, "zh": "字" * 400}
    changed = dataclasses.replace(question, hint=long_hint)
    people = dataclasses.replace(
        small.sections[1],
        questions=tuple(changed if q.code == "age" else q for q in small.sections[1].questions),
    )
    instrument = dataclasses.replace(small, sections=(small.sections[0], people))
    for validation in _saved(instrument, tmp_path, "zh").active.data_validations.dataValidation:
        assert len(validation.prompt or "") <= 255
        assert len(validation.promptTitle or "") <= 32
        assert len(validation.error or "") <= 255


def test_frozen_header_and_key_columns_and_formats(small, tmp_path):
    sheet = _saved(small, tmp_path, "en").active
    assert sheet.freeze_panes == f"C{FIRST_DATA_ROW}"  # village_id and person_id stay in view
    assert sheet.column_dimensions["A"].number_format == "@"  # ids such as 007 stay text
    assert (
        sheet.column_dimensions[_column_letter(small, "interview_date")].number_format
        == "yyyy-mm-dd"
    )
    assert sheet.print_title_rows == f"$1:${CODE_ROW}"
    assert all(sheet.column_dimensions[c].width >= 12 for c in "ABCDE")


def test_required_columns_are_coloured(small, tmp_path):
    sheet = _saved(small, tmp_path, "en").active
    fills = {c.value: c.fill.fgColor.rgb for c in sheet[LABEL_ROW]}
    assert fills["Age *"] != fills["Gender"]
    assert fills["Age *"] == fills["Village *"]


def test_instrument_identity_is_stored(small, tmp_path):
    workbook = _saved(small, tmp_path, "zh")
    meta = dict(workbook[META_SHEET].values)
    assert meta["instrument_id"] == "small"
    assert meta["instrument_version"] == "1"
    assert meta["instrument_sha256"] == small.content_hash
    assert meta["language"] == "zh"
    assert meta["data_sheet"] == "数据"
    assert (meta["code_row"], meta["first_data_row"]) == (str(CODE_ROW), str(FIRST_DATA_ROW))
    assert workbook[META_SHEET].sheet_state == "hidden"
    properties = {p.name: p.value for p in workbook.custom_doc_props.props}
    assert properties["villagesurvey.instrument_sha256"] == small.content_hash
    assert properties["villagesurvey.instrument_version"] == "1"


def test_codebook_sheet_matches_the_codebook(small, tmp_path):
    sheet = _saved(small, tmp_path, "en")["Codebook"]
    rows = list(sheet.values)
    header, body = rows[0], rows[1:]
    assert header[:4] == ("Code", "Label (en)", "Label (zh)", "Section")
    assert [r[0] for r in body] == [r.code for r in codebook_rows(small)]
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_code["gender"]["Allowed values"] == "1 = Male; 2 = Female"
    assert by_code["age"]["Allowed values"] == "16 – 100"
    assert by_code["age"]["Usually"] == "18 – 80"
    assert by_code["name"]["Personal data"] == "yes"
    assert by_code["online_income_2022"]["Asked if"] == "sells_online = 1"
    assert by_code["online_income_2022"]["Wave"] == 2022
    assert by_code["trust_2"]["Scale"] == "trust (reverse)"


def test_instructions_name_the_instrument(small, tmp_path):
    lines = [row[0] for row in _saved(small, tmp_path, "zh")["填写说明"].values]
    assert lines[0] == "填写说明"
    assert any(small.content_hash[:12] in (line or "") for line in lines)


def test_text_that_looks_like_a_formula_stays_text(small, tmp_path):
    question = dataclasses.replace(
        small.question("name"), label={"en": '=HYPERLINK("http://x")', "zh": "+1"}
    )
    ident = dataclasses.replace(
        small.sections[0],
        questions=tuple(question if q.code == "name" else q for q in small.sections[0].questions),
    )
    instrument = dataclasses.replace(small, sections=(ident, small.sections[1]))
    path = write_workbook(instrument, tmp_path / "x.xlsx", "en")
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    labels = [c.value for c in openpyxl.load_workbook(path).active[LABEL_ROW]]
    assert '=HYPERLINK("http://x")' in labels


def test_the_fast_reader_sees_the_code_row(model_study, tmp_path):
    path = write_workbook(model_study, tmp_path / "blank.xlsx", "zh")
    workbook = CalamineWorkbook.from_path(str(path))
    rows = workbook.get_sheet_by_name("数据").to_python()
    assert rows[CODE_ROW - 1] == [code for code, _, _ in sheet_columns(model_study)]


def test_model_study_workbook_in_both_languages(model_study, tmp_path):
    for language in ("en", "zh"):
        workbook = _saved(model_study, tmp_path, language)
        sheet = workbook.active
        assert sheet.max_column == len(list(sheet_columns(model_study)))  # a point: 4 cells
        checks = sheet.data_validations.dataValidation
        assert len(checks) == len(list(sheet_columns(model_study)))
        kinds = {dv.type for dv in checks}
        assert {"list", "whole", "decimal", "date"} <= kinds


def test_unknown_language_is_refused(small):
    with pytest.raises(
        OptionError, match=r"'fr' is not one of the instrument's languages \(en, zh\)"
    ):
        build_workbook(small, "fr")


def test_rows_must_be_positive(small):
    with pytest.raises(OptionError, match="rows must be at least 1"):
        build_workbook(small, "en", rows=0)


def test_missing_folder_is_an_output_error(small, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        write_workbook(small, tmp_path / "nowhere" / "blank.xlsx")


def test_failed_write_leaves_no_file_behind(small, tmp_path, monkeypatch):
    target = tmp_path / "blank.xlsx"
    target.write_bytes(b"the previous version")

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OutputError, match="No space left on device"):
        write_workbook(small, target)
    assert target.read_bytes() == b"the previous version"
    assert list(tmp_path.iterdir()) == [target]


def test_numbers_and_dates_without_limits_still_refuse_text(small, tmp_path):
    people = small.sections[1]
    age = dataclasses.replace(
        small.question("age"), min=None, max=None, soft_min=None, soft_max=None, message=None
    )
    ident = small.sections[0]
    when = dataclasses.replace(small.question("interview_date"), min=None, max=None)
    instrument = dataclasses.replace(
        small,
        sections=(
            dataclasses.replace(
                ident,
                questions=tuple(when if q.code == "interview_date" else q for q in ident.questions),
            ),
            dataclasses.replace(
                people, questions=tuple(age if q.code == "age" else q for q in people.questions)
            ),
        ),
    )
    checks = _validations(_saved(instrument, tmp_path, "en").active)
    age_check = checks[_column_letter(instrument, "age")]
    assert (age_check.type, age_check.formula1, age_check.formula2) == (
        "whole",
        str(-(10**15)),
        str(10**15),
    )
    assert age_check.error == "Enter a whole number."
    date_check = checks[_column_letter(instrument, "interview_date")]
    assert (date_check.formula1, date_check.formula2) == ("DATE(1900,1,1)", "DATE(2199,12,31)")


def test_other_languages_get_english_headings(tmp_path):
    instrument = parse_instrument(
        dedent(
            """\
            id: fr_only
            version: "1"
            title: Enquête
            languages: [fr]
            key: [menage]
            sections:
              - code: s
                label: Section
                questions:
                  - {code: menage, type: text, required: true, label: Ménage}
            """
        )
    )
    workbook = _saved(instrument, tmp_path, "fr")
    assert workbook.sheetnames[:3] == ["Data", "Codebook", "Instructions"]
    assert workbook.active["A2"].value == "Ménage *"


def test_openpyxl_parses_with_defusedxml():
    # openpyxl guards against XML entity bombs only when defusedxml is installed; it is a
    # dependency so that every workbook villagesurvey opens is parsed that way.
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
