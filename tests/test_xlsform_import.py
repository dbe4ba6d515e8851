"""The XLSForm import: pyxform's example forms, forms in the style teams write, round trips.

The forms are written here as readable tables (pyxform's test style: markdown tables turned
into .xlsx by ``pyxform.xls2json_backends.md_table_to_workbook``). pyxform's own reading of a
form (``pyxform.xls2json.parse_file_to_json``) is the outside reference for what a form holds;
the expected findings are the XLSForm spec's features that the instrument has no place for.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from pyxform.xls2json import parse_file_to_json
from pyxform.xls2json_backends import md_table_to_workbook

from villagesurvey import load_instrument, parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import XLSFormError
from villagesurvey.instrument import roster_instrument
from villagesurvey.instrument.conditions import AllOf, AnyOf, Compare, In, Not, Selected
from villagesurvey.xlsform import read_xlsform, write_xlsform, xlsform_to_instrument

from .conftest import MODEL_STUDY, ROOT
from .test_instrument_roundtrip import instruments

EXAMPLES = ROOT / "tests" / "data" / "xlsforms"
# pyxform's names of the question types that map, and what they map to
MAPPED = {"text": "text", "phone number": "text", "integer": "integer", "decimal": "decimal",
          "date": "date", "select one": "select_one", "select all that apply": "select_multiple",
          "select one external": "text"}  # fmt: skip


def _form(md: str, folder: Path, name: str = "form.xlsx") -> Path:
    path = folder / name
    md_table_to_workbook(md).save(path)
    return path


def _codes(result) -> list[tuple[int | None, str]]:
    return [(f.row, f.code) for f in result.findings]


def _pyxform_questions(path: Path):
    """The questions pyxform reads from a form, outside repeats, without the ones it adds."""

    def walk(node, in_repeat):
        for child in node.get("children", []):
            if child["type"] in ("repeat", "loop"):
                yield from walk(child, True)
            elif child["type"] == "group":
                if child["name"] != "meta":
                    yield from walk(child, in_repeat)
            elif child.get("label") != "Specify other.":  # added for "or specify other"
                yield child, in_repeat

    return list(walk(parse_file_to_json(str(path), warnings=[]), False))


@pytest.mark.parametrize(
    ("name", "lost"),
    [
        ("group.md", []),
        ("group.csv", []),
        ("text_and_integer.md", []),
        ("yes_or_no_question.md", []),
        ("specify_other.md", []),  # 'other' and its text field are imported
        ("loop.md", [(3, "repeat")]),
        (
            "case_insensitivity.md",
            [
                (3, "column_not_mapped"),  # choice_filter of the external select
                (4, "unsupported_type"),
                (None, "sheet_not_mapped"),
                (None, "sheet_not_mapped"),
                (None, "sheet_not_mapped"),
            ],
        ),
    ],
)
def test_pyxform_examples_import_what_pyxform_reads(name, lost, tmp_path):
    source = EXAMPLES / name
    form = source if source.suffix == ".csv" else _form(source.read_text("utf-8"), tmp_path)
    result = read_xlsform(form)
    assert [(f.row, f.code) for f in result.lost] == lost
    assert result.exit_code == (1 if lost else 0)
    imported = {q.code: q for q in result.instrument.questions}
    for question, in_repeat in _pyxform_questions(form):
        if question["type"] not in MAPPED or in_repeat:
            assert question["name"] not in imported
            continue
        ours = imported[question["name"]]
        assert ours.type == MAPPED[question["type"]]
        labels = question["label"]
        assert list(ours.label.values()) == list(
            labels.values() if isinstance(labels, dict) else [labels]
        )


def test_case_insensitive_headers_sheets_and_settings(tmp_path):
    form = _form((EXAMPLES / "case_insensitivity.md").read_text("utf-8"), tmp_path)
    instrument = read_xlsform(form).instrument
    assert (instrument.id, instrument.title, instrument.languages) == (
        "YesNo",
        {"en": "Yes or no"},
        ("en",),
    )
    assert [c.code for c in instrument.choices["c1"]] == ["n1-c", "n2-c"]  # as the form has them


# A household form in the style of KoboToolbox forms: two languages, metadata, a consent
# gate, constraints with messages, skip rules, a roster, a calculation, fields per year.
KOBO = """\
| survey |
| | type | name | label::English (en) | label::Swahili (sw) | hint::English (en) | hint::Swahili (sw) | required | relevant | constraint | constraint_message::English (en) | constraint_message::Swahili (sw) | appearance | calculation | default |
| | start | start | | | | | | | | | | | | |
| | end | end | | | | | | | | | | | | |
| | text | enumerator | Enumerator name | Jina la mdadisi | | | yes | | | | | | | |
| | select_one consent | consent | Does the respondent agree? | Je, mhojiwa anakubali? | | | yes | | | | | | | |
| | begin_group | hh | Household | Kaya | | | | ${consent} = 'yes' | | | | field-list | | |
| | text | hh_id | Household ID | Namba ya kaya | Format H001 | Muundo H001 | yes | | regex(., '^H[0-9]{3}$') | Use H and 3 digits | Tumia H na tarakimu 3 | | | |
| | integer | hh_size | Household size | Ukubwa wa kaya | | | yes | | . >= 1 and . <= 30 | 1 to 30 | 1 hadi 30 | | | |
| | integer | age | Age of head | Umri wa mkuu | | | yes | | (. >= 15 and . < 96) or . = 999 | 15-95 or 999 | 15-95 au 999 | | | |
| | select_one yn | owns_land | Owns land? | Ana ardhi? | | | yes | | | | | minimal | | |
| | decimal | land_area | Land area (acres) | Eneo la ardhi | | | | ${owns_land} = 'Y' | . >= 0.1 and . <= 500 | 0.1 to 500 | 0.1 hadi 500 | | | 1 |
| | select_multiple crops | crops | Crops grown | Mazao | | | | ${owns_land} = 'Y' | | | | | | |
| | text | crops_other | Other crop | Zao jingine | | | | selected(${crops}, 'other') | | | | | | |
| | integer | n_crops | Number of crops | Idadi ya mazao | | | | count-selected(${crops}) > 1 | . <= 2 * ${hh_size} | | | | | |
| | calculate | total | | | | | | | | | | | ${hh_size} + 1 | |
| | note | thanks | Thank you | Asante | | | | | | | | | | |
| | begin_repeat | members | Members | Wanakaya | | | | | | | | | | |
| | text | m_name | Name | Jina | | | | | | | | | | |
| | end_repeat | | | | | | | | | | | | | |
| | date | visit_date | Visit date | Tarehe | | | yes | | . >= date('2023-01-01') and . <= today() | | | | | |
| | geopoint | gps | Location | Mahali | | | | | | | | | | |
| | integer | spend_2020 | Spending (2020) | Matumizi (2020) | | | | | . >= 0 | | | | | |
| | integer | spend_2022 | Spending (2022) | Matumizi (2022) | | | | | . >= 0 | | | | | |
| | decimal | food_2020 | Food (2020) | Chakula (2020) | | | | ${spend_2020} > 0 | | | | | | |
| | decimal | food_2022 | Food (2022) | Chakula (2022) | | | | ${spend_2022} > 0 | | | | | | |
| | integer | debt_2020 | Debt (2020) | Deni (2020) | | | | ${owns_land} = 'Y' | | | | | | |
| | integer | debt_2022 | Debt (2022) | Deni (2022) | | | | ${owns_land} = 'N' | | | | | | |
| | end_group | | | | | | | | | | | | | |
| choices |
| | list_name | name | label::English (en) | label::Swahili (sw) |
| | consent | yes | Yes | Ndiyo |
| | consent | no | No | Hapana |
| | yn | Y | Yes | Ndiyo |
| | yn | N | No | Hapana |
| | crops | maize | Maize | Mahindi |
| | crops | other | Other | Nyingine |
| | crops | sweet-potato | Sweet potato | Viazi vitamu |
| settings |
| | form_title | form_id | version | default_language | instance_name |
| | Household survey | hh_survey | 2023031501 | English (en) | concat(${hh_id}) |
"""


@pytest.fixture(scope="module")
def kobo(tmp_path_factory):
    return read_xlsform(_form(KOBO, tmp_path_factory.mktemp("kobo"), "hh_survey.xlsx"))


def test_every_part_that_does_not_map_is_reported_by_row(kobo):
    assert [(f.row, f.code) for f in kobo.lost] == [
        (11, "column_not_mapped"),  # default
        (14, "relevance_not_mapped"),  # count-selected()
        # the calculation of row 15 is kept; the note of row 16 asks nothing: skipped silently;
        # the repeat of rows 17-19 is a roster; row 20's '. <= today()' is a date limit
    ]
    assert kobo.exit_code == 1
    notes = [(f.sheet, f.row, f.code) for f in kobo.findings if not f.lost]
    assert notes == [
        ("survey", None, "key_chosen"),
        ("survey", 2, "metadata_time"),  # start and end: datetime questions
        ("survey", 3, "metadata_time"),
        ("survey", 10, "appearance_not_mapped"),
        ("survey", 17, "roster_key_added"),
        ("settings", 2, "setting_not_mapped"),
    ]


def test_a_repeat_is_imported_as_a_roster(kobo):
    (roster,) = kobo.instrument.rosters
    assert roster.code == "members"
    assert roster.section.label == {"en": "Members", "sw": "Wanakaya"}
    assert [q.code for q in roster.section.questions] == ["members_no", "m_name"]
    assert roster.key == "members_no"
    assert "m_name" not in [q.code for q in kobo.instrument.questions]


def test_what_maps_is_in_the_instrument(kobo):
    instrument = kobo.instrument
    assert (instrument.id, instrument.version, instrument.languages) == (
        "hh_survey",
        "2023031501",
        ("en", "sw"),
    )
    assert instrument.key == ("instanceID",)  # no key declared: the submission's own ID
    assert [s.code for s in instrument.sections] == ["main", "hh"]
    size = instrument.question("hh_size")
    assert (size.min, size.max, size.required) == (1, 30, True)
    assert size.message == {"en": "1 to 30", "sw": "1 hadi 30"}
    hh_id = instrument.question("hh_id")  # regex(., '^H[0-9]{3}$') is its pattern
    assert (hh_id.hint, hh_id.pattern) == (
        {"en": "Format H001", "sw": "Muundo H001"},
        "^H[0-9]{3}$",
    )
    assert hh_id.message == {"en": "Use H and 3 digits", "sw": "Tumia H na tarakimu 3"}
    land = instrument.question("land_area")
    assert (land.min, land.max) == (0.1, 500)
    assert land.relevant == "consent = 'yes' and owns_land = 'Y'"  # the group's rule and its own
    assert (
        instrument.question("crops_other").relevant
        == "consent = 'yes' and selected(crops, 'other')"
    )
    assert instrument.question("n_crops").relevant == "consent = 'yes'"
    visit = instrument.question("visit_date")  # . >= date('2023-01-01') and . <= today()
    assert (visit.min, visit.max) == (date(2023, 1, 1), "today")
    assert [r.text for r in instrument.rules] == ["n_crops <= 2 * hh_size"]
    assert instrument.rules[0].severity == "error"  # a constraint stops the interview
    assert [c.code for c in instrument.choices["crops"]] == ["maize", "other", "sweet-potato"]


def test_fields_per_year_become_a_question_asked_in_waves(kobo):
    instrument = kobo.instrument
    spend = instrument.question("spend")
    assert (spend.waves, spend.min, spend.label) == (
        (2020, 2022),
        0,
        {"en": "Spending", "sw": "Matumizi"},
    )
    food = instrument.question("food")
    assert food.relevant == "consent = 'yes' and spend > 0"  # bound to each wave again
    assert instrument.column("food_2022").relevant == AllOf(
        (Compare("consent", "=", "yes"), Compare("spend_2022", ">", 0))
    )
    # debt_2020 and debt_2022 are asked under different rules: two questions, same columns
    assert {q.code for q in instrument.questions} >= {"debt_2020", "debt_2022"}
    assert instrument.waves == (2020, 2022)


# SurveyCTO spells some columns its own way: label:English, constraint message, relevance,
# required message, value on the choices sheet.
SURVEYCTO = """\
| survey |
| | type | name | label:English | label:Chinese | required | required message:English | relevance | constraint | constraint message:English | constraint message:Chinese |
| | text | hhid | Household ID | 户编号 | yes | Please enter the ID | | | | |
| | integer | members | Household members | 家庭人口 | yes | | | . > 0 and . < 31 | 1 to 30 | 1至30人 |
| | select_one yesno | sells | Sells online in 2022 | 2022年网上销售 | | | | | | |
| | decimal | income_2020 | Online income (2020) | 网上收入（2020年） | | | ${sells} = 1 | . >= 0 | Not negative | 不能为负 |
| | decimal | income_2022 | Online income (2022) | 网上收入（2022年） | | | ${sells} = 1 | . >= 0 | Not negative | 不能为负 |
| | date | start_date | Start date | 开始日期 | | | ${sells}=1 and ${members}>=2 | . > date('2019-12-31') and . <= date('2022-12-31') | | |
| | integer | 1st-child | Age of first child | 第一个孩子的年龄 | | | | | | |
| | integer | and | Another age | 另一个年龄 | | | | | | |
| choices |
| | list_name | value | label:English | label:Chinese |
| | yesno | 1 | Yes | 是 |
| | yesno | 0 | No | 否 |
| settings |
| | form_title | form_id | version |
| | Online sales | online_sales | 3 |
"""


def test_surveycto_spellings(tmp_path):
    result = read_xlsform(_form(SURVEYCTO, tmp_path))
    instrument = result.instrument
    assert instrument.languages == ("en", "zh")
    assert instrument.key == ("instanceID",)  # no key declared: the submission's own ID
    members = instrument.question("members")
    assert (members.min, members.max) == (1, 30)  # . > 0 and . < 31 for whole numbers
    assert members.message == {"en": "1 to 30", "zh": "1至30人"}
    income = instrument.question("income")
    assert income.waves == (2020, 2022)
    assert income.label == {"en": "Online income", "zh": "网上收入"}
    assert income.relevant == "sells = 1"
    start = instrument.question("start_date")
    assert (start.min, start.max) == (date(2020, 1, 1), date(2022, 12, 31))
    assert start.relevant == "sells = 1 and members >= 2"
    assert [c.code for c in instrument.choices["yesno"]] == [1, 0]
    renamed = [f.message for f in result.findings if f.code == "renamed"]
    assert renamed[0].startswith("question '1st-child' is imported as 'q_1st_child'")
    assert renamed[1].startswith("question 'and' is imported as 'and_q'")
    assert _codes(result)[:3] == [(None, "key_chosen"), (2, "column_not_mapped"), (8, "renamed")]


def _one_form(survey_rows: list[list[object]], choices: list[list[object]] | None = None):
    header = ["type", "name", "label", "relevant", "constraint"]
    sheets = {"survey": [header, *survey_rows], "settings": [["form_id", "version"], ["f", "1"]]}
    sheets["choices"] = [["list_name", "name", "label"], *(choices or [])]
    return xlsform_to_instrument(sheets)


_BEFORE = [
    ["text", "hh", "Household", "", ""],
    ["select_one g", "g", "Gender", "", ""],
    ["integer", "age", "Age", "", ""],
    ["select_multiple crops", "crops", "Crops", "", ""],
    ["date", "d", "Date", "", ""],
]
_CHOICES = [
    ["g", "1", "Male"],
    ["g", "2", "Female"],
    ["crops", "rice", "Rice"],
    ["crops", "tea", "Tea"],
]


@pytest.mark.parametrize(
    ("xpath", "condition"),
    [
        ("${g} = '2'", Compare("g", "=", 2)),
        ("${g}=2 and ${age}>=18", AllOf((Compare("g", "=", 2), Compare("age", ">=", 18)))),
        ("${g} = '1' or ${g} = '2'", In("g", (1, 2))),
        ("not(${g} = '1')", Not(Compare("g", "=", 1))),
        ("selected(${g}, '1')", Compare("g", "=", 1)),
        ("18 <= ${age}", Compare("age", ">=", 18)),
        ("${age} > -1.5", Compare("age", ">", -1.5)),
        ("${age} = '30'", Compare("age", "=", 30)),
        ("${d} > date('2022-01-01')", Compare("d", ">", "2022-01-01")),
        (
            "(${g} = 1 or ${age} > 60) and selected(${crops}, 'tea')",
            AllOf(
                (AnyOf((Compare("g", "=", 1), Compare("age", ">", 60))), Selected("crops", "tea"))
            ),
        ),
    ],
)
def test_relevance_that_maps(xpath, condition):
    # the instrument's condition language (docs/instrument.md) has each of these exactly
    result = _one_form([*_BEFORE, ["text", "q", "Q", xpath, ""]], _CHOICES)
    assert result.instrument.column("q").relevant == condition
    assert result.lost == ()


@pytest.mark.parametrize(
    ("xpath", "reason"),
    [
        ("${g} != ''", "tests for a blank answer"),
        ("count-selected(${crops}) > 1", "the function count-selected() has no equivalent"),
        ("${later} = 1", "${later}, which is not an earlier question that was read"),
        ("${g} = '9'", "'9' is not a choice of ${g}"),
        ("${age} > ${g}", "compares two answers"),
        ("/data/g = 1", "'/data/g = 1' is not read"),
        ("${age} = 'abc'", "compares the number ${age} with the text 'abc'"),
        ("${age} > 1 +", "is not read"),
    ],
)
def test_relevance_that_does_not_map_is_reported(xpath, reason):
    result = _one_form(
        [*_BEFORE, ["text", "q", "Q", xpath, ""], ["text", "later", "L", "", ""]], _CHOICES
    )
    (finding,) = result.lost
    assert (finding.code, finding.row, finding.column) == ("relevance_not_mapped", 7, "relevant")
    assert reason in finding.message
    assert result.instrument.question("q").relevant is None


@pytest.mark.parametrize(
    ("qtype", "constraint", "limits", "checks"),
    [
        ("integer", ". >= 0 and . <= 100", (0, 100), []),
        ("integer", ".>0 and .<100", (1, 99), []),
        ("integer", ". = 5", (5, 5), []),
        ("decimal", ". >= 0.5", (0.5, None), []),
        (
            "date",
            ". >= date('2022-01-01') and . < date('2023-01-01')",
            (date(2022, 1, 1), date(2022, 12, 31)),
            [],
        ),
        ("integer", ". <= ${age}", (None, None), ["q <= age"]),
        ("decimal", ". > 0", (None, None), ["q > 0"]),
        ("integer", ". >= 0 and . != 999", (0, None), ["q != 999"]),
        ("decimal", ". > 0.5 and . <= 10", (None, 10), ["q > 0.5"]),
        ("decimal", ". >= 0 and . <= ${age} * 2", (0, None), ["q <= 2 * age"]),
    ],
)
def test_constraints_that_map(qtype, constraint, limits, checks):
    result = _one_form([*_BEFORE, [qtype, "q", "Q", "", constraint]], _CHOICES)
    question = result.instrument.question("q")
    assert (question.min, question.max) == limits
    assert [r.text for r in result.instrument.rules] == checks
    assert result.lost == ()


@pytest.mark.parametrize(
    ("qtype", "constraint", "reason"),
    [
        ("integer", ". < 0 or . > 10", "joins conditions with 'or'"),
        ("integer", "regex(., '^[0-9]+$')", "the function regex() has no equivalent"),
        (
            "integer",
            ". >= 10 and . <= 5",
            "the least answer allowed (10) is more than the greatest (5)",
        ),
        ("date", ". > today()", "only '. <= today()' is"),
        ("integer", ". <= ${age} + 1", "'+ 1' is not read"),
        ("integer", ". <= ${g}", "${g} is not a number"),
    ],
)
def test_constraints_that_do_not_map_are_reported(qtype, constraint, reason):
    result = _one_form([*_BEFORE, [qtype, "q", "Q", "", constraint]], _CHOICES)
    (finding,) = result.lost
    assert (finding.code, finding.row, finding.column) == ("constraint_not_mapped", 7, "constraint")
    assert reason in finding.message
    question = result.instrument.question("q")
    assert (question.min, question.max, result.instrument.rules) == (None, None, ())


STRUCTURE = """\
| survey |
| | type | name | label | appearance | relevant | required |
| | begin group | id | Identification | | | |
| | integer | pid | Person | | | yes |
| | end group | | | | | |
| | begin group | views | Views | field-list | | |
| | select_one agree | eat_1 | I eat well | | | |
| | begin group | trust | Trust in buyers | field-list | ${pid} > 0 | |
| | select_one agree | trust_1 | Buyers pay | likert | | |
| | select_one agree | trust_2 | Buyers come back | likert | | |
| | end group | | | | | |
| | select_one agree | lone | Alone | likert | | ${pid} = 1 |
| | begin group | inner | Inner | | | |
| | text | pid | Duplicate name | | | |
| | end group | | | | | |
| | end group | | | | | |
| choices |
| | list_name | name | label |
| | agree | 1 | Disagree |
| | agree | 2 | Agree |
"""


def test_groups_scales_and_duplicate_names(tmp_path):
    result = read_xlsform(_form(STRUCTURE, tmp_path, "structure.xlsx"))
    instrument = result.instrument
    assert [s.code for s in instrument.sections] == ["id", "views"]
    assert instrument.scales["trust"].label == {"en": "Trust in buyers"}
    assert [q.code for q in instrument.scale_items("trust")] == ["trust_1", "trust_2"]
    assert instrument.question("trust_2").relevant == "pid > 0"  # the scale group's rule
    assert instrument.question("lone").type == "select_one"  # a Likert look, but no scale
    assert instrument.question("pid_2").label == {"en": "Duplicate name"}
    assert _codes(result) == [
        (None, "key_chosen"),
        (1, "language_code"),  # no language given: taken as en
        (11, "required_not_mapped"),
        (11, "likert_not_mapped"),
        (12, "nested_group"),
        (13, "renamed"),
        (None, "setting_assumed"),  # no form_id
        (None, "setting_assumed"),  # no version
    ]
    assert [f.lost for f in result.findings] == [
        False,
        False,
        True,
        False,
        False,
        True,
        False,
        False,
    ]


def test_languages_without_codes_and_missing_translations():
    sheets = {
        "survey": [
            ["type", "name", "label", "label::Français", "label::Kiswahili sanifu"],
            ["text", "a", "Name", "Nom", ""],
        ],
        "settings": [["form_id", "version", "default_language"], ["f", "1", "English"]],
    }
    result = xlsform_to_instrument(sheets)
    assert result.instrument.languages == ("en", "fr", "kis")
    assert result.instrument.question("a").label == {"en": "Name", "fr": "Nom", "kis": "Name"}
    assert _codes(result) == [
        (None, "key_chosen"),
        (1, "language_code"),
        (2, "missing_translation"),
    ]
    assert result.exit_code == 0


def test_a_plain_hint_beside_translated_labels_is_in_the_first_language():
    sheets = {
        "survey": [
            ["type", "name", "label::English (en)", "label::French (fr)", "hint"],
            ["text", "a", "Name", "Nom", "As on the ID card"],
        ]
    }
    result = xlsform_to_instrument(sheets)
    assert result.instrument.languages == ("en", "fr")
    hint = "As on the ID card"
    assert result.instrument.question("a").hint == {"en": hint, "fr": hint}
    assert [(f.code, f.row, f.column) for f in result.findings][1:3] == [
        ("language_code", 1, "hint"),
        ("missing_translation", 2, "hint"),
    ]


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ({"choices": [["list_name", "name", "label"]]}, "has no 'survey' sheet"),
        ({"survey": [["label", "hint"], ["A", "B"]]}, "needs the columns 'type' and 'name'"),
        ({"survey": [["type", "name", "label"], ["note", "n", "Hi"], ["begin loop over l", "r", "R"],
                     ["text", "a", "A"], ["end loop", "", ""]],
          "choices": [["list_name", "name", "label", "image"], ["l", "x", "X", "x.png"]]},
         "no question of the form could be imported, and an instrument needs at least one "
         "(2 rows did not map; the first on the survey sheet: survey row 3, type: repeat 'r'"),
    ],
)  # fmt: skip
def test_forms_that_cannot_be_imported(sheets, message):
    with pytest.raises(XLSFormError, match=message.replace("(", r"\(").replace(")", r"\)")):
        xlsform_to_instrument(sheets, "bad.xlsx")


def test_unsafe_or_broken_files_are_refused_in_one_line(tmp_path):
    renamed = tmp_path / "form.xlsx"
    renamed.write_text("type,name,label\ntext,a,A\n", encoding="utf-8")
    with pytest.raises(XLSFormError, match="it is a text file, not a workbook"):
        read_xlsform(renamed)
    with pytest.raises(XLSFormError, match="no such file"):
        read_xlsform(tmp_path / "missing.xlsx")
    garbage = tmp_path / "notes.csv"
    garbage.write_text("shopping list\n,eggs\n", encoding="utf-8")
    with pytest.raises(XLSFormError, match="has no 'survey' sheet"):
        read_xlsform(garbage)


def test_a_survey_sheet_saved_alone_as_csv(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("type;name;label\ninteger;age;Age\ntext;hh;Household\n", encoding="utf-8")
    result = read_xlsform(path)
    assert [q.code for q in result.instrument.questions] == ["instanceID", "age", "hh"]


@pytest.mark.parametrize("suffix", [".ods", ".xls"])
def test_ods_and_xls_read_like_xlsx(suffix, kobo):
    # household_kobo.ods/.xls: the KOBO table above, saved by LibreOffice (tests/data/xlsforms)
    other = read_xlsform(EXAMPLES / f"household_kobo{suffix}")
    assert other.instrument.questions == kobo.instrument.questions
    assert _codes(other) == _codes(kobo)


# -- round trips --------------------------------------------------------------------------------


def test_the_model_study_comes_back_whole(model_study, tmp_path):
    result = read_xlsform(write_xlsform(model_study, tmp_path / "form.xlsx"))
    # start and end are the phone's metadata rows, at the top: noted, and put back in their
    # section, after the question they followed, with their labels and hints
    assert [(f.code, f.row) for f in result.findings] == [
        ("metadata_time", 2),
        ("metadata_time", 3),
    ]
    identification = result.instrument.sections[0].questions
    assert [q.code for q in identification][-3:] == ["start", "end", "gps"]
    assert result.instrument.question("start").label == {"en": "Interview started at",
                                                          "zh": "访问开始时间"}  # fmt: skip
    assert result.instrument.monitoring_declared == model_study.monitoring_declared
    # the title in every language, the checks, the model and the derived outcomes too
    assert result.instrument == model_study


def _canonical(condition):
    """A skip rule with ``q in [a, b]`` spelled ``q = a or q = b``, as XPath spells it."""
    match condition:
        case In(name, values) if len(values) == 1:
            return Compare(name, "=", values[0])
        case In(name, values):
            return AnyOf(tuple(Compare(name, "=", v) for v in values))
        case Not(operand):
            return Not(_canonical(operand))
        case AllOf(operands) | AnyOf(operands):
            return type(condition)(tuple(_canonical(o) for o in operands))
    return condition


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instruments())
def test_instrument_to_xlsform_and_back_keeps_every_question(tmp_path_factory, data):
    assume(
        not {"\ufffe", "\uffff"} & set(json.dumps(data, ensure_ascii=False, default=str))
    )  # no .xlsx holds these (repr escapes them)
    instrument = parse_instrument(yaml.safe_dump(data, sort_keys=False))
    path = write_xlsform(instrument, tmp_path_factory.mktemp("rt") / "form.xlsx")
    result = read_xlsform(path)
    again = result.instrument
    assert result.lost == ()
    # the same questions, labels, choices, limits and waves; skip rules bound to each column
    assert [q.__class__(**{**vars(q), "relevant": None}) for q in again.questions] == [
        q.__class__(**{**vars(q), "relevant": None}) for q in instrument.questions
    ]
    assert [(c.code, _canonical(c.relevant), c.part_of) for c in again.columns] == [
        (c.code, _canonical(c.relevant), c.part_of) for c in instrument.columns
    ]
    assert (again.choices, again.scales, again.key) == (
        instrument.choices,
        instrument.scales,
        instrument.key,
    )
    # the same rosters, nested alike, with their counts and checks across levels
    assert [_without_skips(r) for r in again.rosters] == [
        _without_skips(r) for r in instrument.rosters
    ]
    for roster in instrument.rosters:
        table, back = roster_instrument(instrument, roster), roster_instrument(again, roster.code)
        assert [(c.code, _canonical(c.relevant), c.part_of) for c in back.columns] == [
            (c.code, _canonical(c.relevant), c.part_of) for c in table.columns
        ]


def _without_skips(roster):
    """A roster with its questions' skip rules left out (XPath spells them its own way)."""
    questions = tuple(replace(q, relevant=None) for q in roster.section.questions)
    return replace(roster, section=replace(roster.section, questions=questions))


# -- the command ---------------------------------------------------------------------------------


def test_cli_imports_its_own_export_with_exit_0(tmp_path):
    form = write_xlsform(load_instrument(MODEL_STUDY), tmp_path / "form.xlsx")
    target = tmp_path / "back.yaml"
    result = CliRunner().invoke(main, ["import-xlsform", str(form), "-o", str(target)])
    assert result.exit_code == 0, result.output
    count = len(load_instrument(MODEL_STUDY).questions)
    lines = result.output.strip().splitlines()
    assert [line.endswith("[metadata_time]") for line in lines] == [True, True, False]
    assert lines[-1] == (
        f"wrote {target} (village_ecommerce 2022.1: {count} questions in 6 sections, roster "
        "members of 8); everything mapped"
    )
    back = {c.code: c.question.type for c in load_instrument(target).columns}
    assert back == {c.code: c.question.type for c in load_instrument(MODEL_STUDY).columns}
    assert load_instrument(target).rosters == load_instrument(MODEL_STUDY).rosters
    check = CliRunner().invoke(main, ["check", str(target)])
    assert check.exit_code == 0


def test_cli_lists_what_did_not_map_one_line_each_and_exits_1(tmp_path):
    form = _form((EXAMPLES / "loop.md").read_text("utf-8"), tmp_path, "loop.xlsx")
    target = tmp_path / "loop.yaml"
    result = CliRunner().invoke(main, ["import-xlsform", str(form), "-o", str(target)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[1].startswith(f"{form}: survey row 3, type: repeat 'loop_toilet_types'")
    assert sum(line.startswith(f"{form}: ") for line in lines) == len(lines) - 1
    assert lines[-1].endswith("; 1 thing did not map")
    assert load_instrument(target).question("available_toilet_types").type == "select_multiple"


def test_cli_cannot_read_a_form_exit_2(tmp_path):
    (tmp_path / "form.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    result = CliRunner().invoke(
        main, ["import-xlsform", str(tmp_path / "form.xlsx"), "-o", str(tmp_path / "i.yaml")]
    )
    assert result.exit_code == 2
    assert result.output.startswith(f"villagesurvey: {tmp_path / 'form.xlsx'}: ")
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "i.yaml").exists()


def test_a_label_without_a_language_is_every_languages_fallback():
    # pyxform reads a column without a language as the text of every language lacking one
    sheets = {
        "survey": [["type", "name", "label::Chinese (zh)", "label::English (en)"],
                   ["select_one yn", "q", "问", "Q"]],
        "choices": [["list_name", "name", "label::Chinese (zh)", "label::English (en)", "label"],
                    ["yn", "yes", "是", "", "Yes"], ["yn", "no", "否", "No", ""]],
    }  # fmt: skip
    instrument = xlsform_to_instrument(sheets).instrument
    yes, no = instrument.choices["yn"]
    assert (yes.label["zh"], yes.label["en"]) == ("是", "Yes")
    assert (no.label["zh"], no.label["en"]) == ("否", "No")


def test_choices_from_a_file_accept_any_answer_and_say_so():
    sheets = {
        "survey": [["type", "name", "label", "appearance"],
                   ["select_one_from_file villages.csv", "v", "Village", ""],
                   ["select_one fruits", "f", "Fruit", "search('fruits')"]],
        "choices": [["list_name", "name", "label"], ["fruits", "name_key", "name"]],
    }  # fmt: skip
    result = xlsform_to_instrument(sheets)
    assert [(q.code, q.type) for q in result.instrument.questions][1:] == [
        ("v", "text"),
        ("f", "text"),
    ]
    notes = [(f.row, f.code, f.lost) for f in result.findings if f.code == "external_choices"]
    assert notes == [(2, "external_choices", False), (3, "external_choices", False)]


def test_media_folder_gives_the_choices_of_an_attached_file(tmp_path):
    form = _form(
        """
| survey |
| | type | name | label |
| | select_one_from_file villages.csv | village | Village |
| | integer | n | N |
""",
        tmp_path,
    )
    media = tmp_path / "media"
    media.mkdir()
    (media / "villages.csv").write_text("name,label\nv01,Upper\nv02,Lower\n", encoding="utf-8")
    target = tmp_path / "form.yaml"
    result = CliRunner().invoke(
        main, ["import-xlsform", str(form), "-o", str(target), "--media", str(media)]
    )
    assert result.exit_code == 0, result.output
    instrument = load_instrument(target)
    village = instrument.question("village")
    assert village.type == "select_one"
    assert [(c.code, c.label["en"]) for c in instrument.choices[village.choices]] == [
        ("v01", "Upper"),
        ("v02", "Lower"),
    ]
    assert "the choices of question 'village' are read from villages.csv" in result.output


def test_calculations_are_kept_and_references_to_fields_not_imported_are_unlinked():
    sheets = {
        "survey": [["type", "name", "label", "calculation"],
                   ["integer", "price", "Price", ""],
                   ["calculate", "double", "", "${price} * 2"],
                   ["calculate", "shown", "", "${gone} + 1"],
                   ["text", "why", "Why ${double}, not ${gone}?", ""],
                   ["begin loop over l", "r", "R", ""], ["text", "gone", "Gone", ""],
                   ["end loop", "", "", ""]],
    }  # fmt: skip
    result = xlsform_to_instrument(sheets)
    instrument = result.instrument
    assert instrument.question("double").calculation == "${price} * 2"
    assert "shown" not in [q.code for q in instrument.questions]
    assert instrument.question("why").label == {"en": "Why ${double}, not [gone]?"}
    assert sorted(f.code for f in result.lost) == ["calculation", "reference_not_mapped", "repeat"]
