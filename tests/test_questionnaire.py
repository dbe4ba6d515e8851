"""The paper questionnaire: codes match the workbook, skips match the rules, PII apart.

The HTML is read back with the standard library's parser; nothing here needs a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser

import pandas as pd
import pytest
from click.testing import CliRunner

import villagesurvey as vs
from villagesurvey import Instrument, parse_instrument
from villagesurvey.cli import main
from villagesurvey.instrument import dump_instrument, parse_condition
from villagesurvey.questionnaire import build_questionnaire, questionnaire_html
from villagesurvey.validate.masks import holds
from villagesurvey.workbook import CODE_ROW, META_SHEET
from villagesurvey.workbook._points import sheet_columns

from .conftest import MODEL_STUDY, SMALL

_VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    parents: list[Element]
    text: list[str] = field(default_factory=list)

    def has_class(self, name: str) -> bool:
        return name in self.attrs.get("class", "").split()

    def inside(self, tag: str | None = None, cls: str | None = None) -> Element | None:
        for parent in reversed(self.parents):
            if (tag is None or parent.tag == tag) and (cls is None or parent.has_class(cls)):
                return parent
        return None

    @property
    def content(self) -> str:
        return "".join(self.text)


class Page(HTMLParser):
    """Every element of the page with its attributes, its ancestors and its text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.stack: list[Element] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, list(self.stack))
        self.elements.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text.append(data)

    def find(self, tag: str | None = None, cls: str | None = None, attr: str | None = None):
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag)
            and (cls is None or e.has_class(cls))
            and (attr is None or attr in e.attrs)
        ]


def workbook_columns(instrument: Instrument) -> list[tuple[str, str]]:
    """(code, letter) of every column of the blank workbook, from its code row; a point's
    four cells as one answer, ``J-M``."""
    sheet = vs.build_workbook(instrument, rows=1).active
    cells = [(cell.value, cell.column_letter) for cell in sheet[CODE_ROW] if cell.value]
    layout = list(sheet_columns(instrument))
    assert [code for code, _, _ in layout] == [code for code, _ in cells]
    letters: dict[str, list[str]] = {}
    for (_, column, _), (_, letter) in zip(layout, cells, strict=True):
        letters.setdefault(column.code, []).append(letter)
    return [(code, "-".join(dict.fromkeys([got[0], got[-1]]))) for code, got in letters.items()]


@pytest.fixture(scope="module", params=["zh", "en", "zh+en"])
def model_page(request, model_study):
    return Page(questionnaire_html(model_study, request.param))


@pytest.fixture(scope="module")
def small_page(small):
    return Page(questionnaire_html(small, "en"))


def in_roster(element: Element) -> bool:
    """A column printed in a roster's grid (tests/test_questionnaire_rosters.py)."""
    return element.inside(tag="table", cls="roster-grid") is not None


def printed_columns(page: Page) -> list[tuple[str, str]]:
    out = []
    for element in page.find(cls="col", attr="data-column"):
        if in_roster(element):
            continue
        code, letter = element.content.split(" · ")
        assert code == element.attrs["data-column"]
        out.append((code, letter))
    return out


@pytest.mark.parametrize("which", ["model", "small"])
def test_every_code_on_paper_is_a_workbook_column_and_every_column_is_there(
    which, model_page, small_page, model_study, small
):
    page, instrument = (model_page, model_study) if which == "model" else (small_page, small)
    expected = workbook_columns(instrument)
    printed = printed_columns(page)
    assert set(printed) <= set(expected)  # each code with the letter of its workbook column
    assert {code for code, _ in printed} == {code for code, _ in expected}


def test_questions_are_numbered_in_the_workbooks_column_order(model_page, model_study):
    numbered = {}
    for element in model_page.find(cls="col", attr="data-column"):
        if in_roster(element):
            continue
        block = element.inside(cls="q")
        number = block.attrs.get("id", "")
        if number:  # the key's copy on the personal-data page carries no number
            numbered[element.attrs["data-column"]] = number.removeprefix("q")
    order = sorted(numbered, key=lambda c: [int(p) for p in numbered[c].split(".")])
    assert order == [code for code, _ in workbook_columns(model_study)]
    sections = [n.split(".")[0] for n in numbered.values()]
    assert sorted(set(sections), key=int) == [str(i) for i in range(1, 7)]


def test_every_question_is_one_unbreakable_block_holding_its_answers(model_page, model_study):
    for element in model_page.find(cls="col", attr="data-column"):
        if in_roster(element):
            continue
        block = element.inside(cls="q")
        assert block is not None
        assert (
            model_study.column(element.attrs["data-column"]).question.code
            == (block.attrs["data-question"])
        )
    style = model_page.find(tag="style")[0].content
    assert re.search(r"\.q \{[^}]*break-inside: avoid", style)
    assert "size: A4" in style


# -- skip rules -----------------------------------------------------------------------------

SKIPS = dedent_skips = """\
id: skips
version: "3"
title: {en: Skips, zh: 跳题}
languages: [en, zh]
waves: [2020, 2022]
key: [person_id]
choices:
  yes_no:
    - {code: 1, en: "Yes", zh: 是}
    - {code: 0, en: "No", zh: 否}
  work:
    - {code: 1, en: Farming, zh: 务农}
    - {code: 2, en: Wages, zh: 打工}
    - {code: 3, en: Business, zh: 经商}
    - {code: 4, en: None, zh: 无}
  crops:
    - {code: rice, en: Rice, zh: 水稻}
    - {code: tea, en: Tea, zh: 茶叶}
sections:
  - code: a
    label: {en: A, zh: 甲}
    questions:
      - {code: person_id, type: text, required: true, label: {en: Person, zh: 人}}
      - {code: works, type: select_one, choices: work, label: {en: Main work, zh: 主要工作}}
      - {code: hours, type: integer, max: 100, relevant: "works in [1, 2, 3]", label: {en: Hours, zh: 小时}}
      - {code: days, type: integer, max: 31, relevant: "works in [1, 2, 3]", label: {en: Days, zh: 天数}}
      - {code: age, type: integer, max: 100, label: {en: Age, zh: 年龄}}
      - {code: pension, type: select_one, choices: yes_no, relevant: "age >= 60", label: {en: Pension, zh: 养老金}}
      - {code: crops, type: select_multiple, choices: crops, label: {en: Crops, zh: 作物}}
      - {code: tea_kg, type: decimal, relevant: "selected(crops, 'tea')", label: {en: Tea harvest, zh: 茶叶产量}}
  - code: b
    label: {en: B, zh: 乙}
    questions:
      - {code: sells, type: select_one, choices: yes_no, waves: [2020, 2022], label: {en: Sells online, zh: 网上销售}}
      - {code: sales, type: decimal, waves: [2020, 2022], relevant: "sells = 1", label: {en: Sales, zh: 销售额}}
      - {code: shop, type: select_one, choices: yes_no, relevant: "sells_2022 = 1 and works != 4", label: {en: Own shop, zh: 自有网店}}
      - {code: works_again, type: select_one, choices: work, label: {en: Work now, zh: 现在工作}}
      - {code: last, type: text, relevant: "not works_again = 4", label: {en: Employer, zh: 雇主}}
"""


@pytest.fixture(scope="module", params=["model", "skips", "small"])
def skip_case(request, model_study, small):
    instrument = {
        "model": model_study,
        "small": small,
        "skips": parse_instrument(SKIPS, source="skips.yaml") if request.param == "skips" else None,
    }[request.param]
    return instrument, Page(questionnaire_html(instrument, "en"))


def test_every_skip_rule_is_printed_with_its_own_condition(skip_case):
    instrument, page = skip_case
    instructions = page.find(attr="data-when")
    for column in instrument.columns:
        if column.relevant is None:
            continue
        matching = [i for i in instructions if column.code in i.attrs["data-skip"].split()]
        assert matching, column.code
        for instruction in matching:
            assert parse_condition(instruction.attrs["data-when"]) == column.relevant


def test_each_instruction_skips_a_run_and_goes_to_the_first_question_after_it(skip_case):
    instrument, page = skip_case
    codes = [c.code for c in instrument.columns]
    numbers = {
        e.attrs["data-column"]: e.inside(cls="q").attrs["id"].removeprefix("q")
        for e in page.find(cls="col", attr="data-column")
        if not in_roster(e) and "id" in e.inside(cls="q").attrs
    }
    instructions = [i for i in page.find(attr="data-when") if not in_roster(i)]
    assert instructions
    for instruction in instructions:
        rule = parse_condition(instruction.attrs["data-when"])
        skipped = instruction.attrs["data-skip"].split()
        first = codes.index(skipped[0])
        assert skipped == codes[first : first + len(skipped)]  # consecutive columns
        assert all(instrument.column(c).relevant == rule for c in skipped)
        after = first + len(skipped)
        # The run is whole: the columns either side do not share its rule.
        assert first == 0 or instrument.column(codes[first - 1]).relevant != rule
        target = codes[after] if after < len(codes) else ""
        if target:
            assert instrument.column(target).relevant != rule
        assert instruction.attrs["data-target"] == target
        text = instruction.content
        if "go to" in text:
            assert text.rstrip(". ").endswith(f"go to {numbers[target]}"), text
        elif target == "":
            assert "end" in text


def test_go_to_lists_exactly_the_answers_for_which_the_rule_fails(skip_case):
    instrument, page = skip_case
    for instruction in page.find(cls="skip", attr="data-when"):
        rule = parse_condition(instruction.attrs["data-when"])
        block = instruction.inside(cls="q")
        question = instrument.question(block.attrs["data-question"])
        [(source, _)] = {(n, v) for n, v in _references(rule)}
        assert instrument.column(source).question == question  # printed at its question
        choices = instrument.choice_list(question)
        if not choices or question.type == "select_multiple":
            continue
        # validate's evaluation of the rule is the reference: a row per possible answer.
        answers = pd.DataFrame({source: pd.array([float(c.code) for c in choices], "Float64")})
        fails = [c for c, ok in zip(choices, holds(rule, answers), strict=True) if not ok]
        listed = re.search(r"If (?:the \d+ answer is )?(.*?) →", instruction.content).group(1)
        assert listed == " or ".join(f"{c.code} ({c.label['en']})" for c in fails)


def _references(rule):
    from villagesurvey.instrument.conditions import references

    return [(name, values) for name, values in references(rule)]


def test_the_model_studys_skip_reads_as_the_interviewer_needs_it(model_study):
    page = Page(questionnaire_html(model_study, "en"))
    [go_to] = [e for e in page.find(cls="skip") if not in_roster(e)]
    assert go_to.inside(cls="q").attrs["data-question"] == "ecom_participation"
    assert go_to.content == "If the 2022 answer is 0 (No) → go to 5.1"
    asks = [e for e in page.find(cls="ask-if") if not in_roster(e)]
    banner = [e for e in asks if e.attrs["data-skip"].startswith("ecom_start")]
    assert banner[0].content.startswith("Ask 4.2–4.4 only if 4.1 (2022) = 1 (Yes)")
    zh = Page(questionnaire_html(model_study, "zh"))
    [zh_go_to] = [e for e in zh.find(cls="skip") if not in_roster(e)]
    assert zh_go_to.content == "如2022年答 0（否） → 跳至 5.1"


def test_a_skip_on_a_number_or_a_selection_reads_plainly():
    page = Page(questionnaire_html(parse_instrument(SKIPS, source="skips.yaml"), "en"))
    go_to = {e.inside(cls="q").attrs["data-question"]: e.content for e in page.find(cls="skip")}
    assert go_to == {
        "works": "If 4 (None) → go to 1.5",
        "age": "If < 60 → go to 1.7",  # pension: relevant "age >= 60"
        "crops": "If not (1.7 includes tea (Tea)) → go to 2.1",
        "works_again": "If 4 (None) → end of the interview",  # last: "not works_again = 4"
    }


# -- personal data, languages, escaping ------------------------------------------------------


def test_personal_data_is_on_its_own_page_and_nowhere_else(model_page, model_study):
    personal = [q for q in model_study.questions if q.pii]
    assert personal
    for block in model_page.find(cls="q"):
        code = block.attrs["data-question"]
        section = block.inside(tag="section")
        on_personal_page = section is not None and section.has_class("personal")
        if model_study.question(code).pii:
            assert on_personal_page, code
        elif on_personal_page:
            assert code in model_study.key  # the key is copied there to link the two
    style = model_page.find(tag="style")[0].content
    assert re.search(r"\.personal \{[^}]*break-before: page", style)


def test_languages(model_study):
    zh = Page(questionnaire_html(model_study, "zh"))
    en = Page(questionnaire_html(model_study, "en"))
    both = Page(questionnaire_html(model_study, "zh+en"))
    title = {lang: page.find(tag="h1")[0].content for lang, page in (("zh", zh), ("en", en))}
    assert title == {
        "zh": "乡村跨境电商家庭调查",
        "en": "Village cross-border e-commerce household survey",
    }
    assert (
        both.find(tag="h1")[0].content
        == "乡村跨境电商家庭调查 Village cross-border e-commerce household survey"
    )
    assert (zh.find(tag="html")[0].attrs["lang"], both.find(tag="html")[0].attrs["lang"]) == (
        "zh",
        "zh",
    )
    age = {
        p: next(b for b in p.find(cls="q") if b.attrs["data-question"] == "age")
        for p in (zh, en, both)
    }
    assert "年龄" in age[zh].content
    assert "Age" not in age[zh].content
    assert "Age" in age[en].content
    assert "年龄" not in age[en].content
    assert "年龄" in age[both].content
    assert "Age" in age[both].content
    assert "通常 18–80 岁" in age[zh].content
    assert "usually 18–80 years" in age[en].content
    style = zh.find(tag="style")[0].content
    for font in (
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "PingFang SC",
        "Microsoft YaHei",
        "SimSun",
    ):
        assert f'"{font}"' in style


def test_answer_spaces_fit_the_question(model_study):
    page = Page(questionnaire_html(model_study, "en"))
    block = {b.attrs["data-question"]: b for b in page.find(cls="q")}

    def boxes(code):
        return [e for e in page.elements if e.has_class("box") and block[code] in e.parents]

    assert len(boxes("age")) == 3  # max 100
    assert len(boxes("interview_date")) == 8  # YYYY MM DD
    assert len(boxes("skill_count")) == 2 * 2  # max 20, in 2020 and in 2022
    assert "usually 0–60 days" in block["training_days"].content  # hard min 0, soft max 60
    waves = [
        e.content for e in page.elements if e.tag == "b" and block["family_income"] in e.parents
    ]
    assert waves == ["2020", "2022"]
    likert = [e for e in page.elements if e.has_class("code") and block["cbec_1"] in e.parents]
    assert [e.content for e in likert] == ["1", "2", "3", "4", "5"]
    assert "Strongly disagree" in block["cbec_1"].content
    assert "Circle every code that applies" in block["ecom_platforms"].content


def test_cover_carries_the_identity_and_the_key(model_study):
    page = Page(questionnaire_html(model_study, "en"))
    cover = page.find(tag="header", cls="cover")[0]
    meta = dict(vs.build_workbook(model_study, rows=1)[META_SHEET].values)
    assert meta["instrument_sha256"] in cover.content  # the workbook that receives it
    assert "village_ecommerce" in cover.content
    assert "2022.1" in cover.content
    keys = {b.attrs["data-question"] for b in page.find(cls="q") if b.inside(tag="header")}
    assert set(model_study.key) <= keys
    key_boxes = [e.inside(cls="q").attrs["data-question"] for e in page.find(cls="keybox")]
    assert key_boxes == [*model_study.key, *model_study.key]  # on the cover, and on the PII page
    assert "interview_date" in keys
    style = page.find(tag="style")[0].content
    assert "counter(page)" in style
    assert "counter(pages)" in style
    assert f'"village_ecommerce 2022.1 · {model_study.content_hash[:12]}"' in style


def test_the_consent_statement_is_on_the_cover_when_the_instrument_has_one(model_study, small):
    statement = "We would like to ask about your work. You may stop at any time."
    text = SMALL.replace(
        "languages: [en, zh]\n",
        f"consent: {{en: '{statement}', zh: 我们想了解您的工作情况，您可以随时停止。}}\nlanguages: [en, zh]\n",
    )
    instrument = parse_instrument(text, source="consent.yaml")
    assert instrument.consent == {"en": statement, "zh": "我们想了解您的工作情况，您可以随时停止。"}
    assert parse_instrument(dump_instrument(instrument)) == instrument
    assert dump_instrument(small) == dump_instrument(replace(instrument, consent=None))
    page = Page(questionnaire_html(instrument, "zh+en"))
    [consent] = page.find(cls="consent")
    assert consent.inside(tag="header") is not None
    assert statement in consent.content
    assert "我们想了解您的工作情况" in consent.content
    assert not Page(questionnaire_html(small, "en")).find(cls="consent")


def test_the_page_fetches_nothing(model_study):
    html = questionnaire_html(model_study, "zh+en")
    for needle in ("http:", "https:", "<script", "<link", "@import", "url(", " src="):
        assert needle not in html


def test_hostile_text_cannot_become_markup(tmp_path):
    hostile = (
        SMALL.replace(
            'version: "1"', "version: '1\"; } body { display: none } </style><script>x()</script>'"
        )
        .replace("{en: Age, zh: 年龄}", "{en: '<script>alert(1)</script>', zh: 年龄}")
        .replace("hint: {en: Completed years", "hint: {en: '<img src=x onerror=alert(2)>'")
        .replace("{code: 1, en: Male, zh: 男}", "{code: 1, en: '</style><b>bold</b>', zh: 男}")
    )
    instrument = parse_instrument(hostile, source="hostile.yaml")
    html = questionnaire_html(instrument, "en")
    page = Page(html)
    assert [
        e.tag
        for e in page.elements
        if e.tag in ("script", "img", "b") and not e.inside(cls="wave-head")
    ] == []
    assert len(page.find(tag="style")) == 1
    style = page.find(tag="style")[0].content
    assert "</style" not in style
    # The version stays inside the footer's CSS string: its quote and brackets are escaped.
    footer = re.search(r"@bottom-left \{ content: (\"(?:[^\"\\]|\\.)*\");", style).group(1)
    assert "1\\22 ; } body { display: none } \\3c /style\\3e " in footer
    age = next(b for b in page.find(cls="q") if b.attrs["data-question"] == "age")
    assert "<script>alert(1)</script>" in age.content  # shown as text
    assert "<img src=x onerror=alert(2)>" in age.content


def test_options_and_errors(model_study, tmp_path):
    with pytest.raises(vs.OptionError, match="'fr' is not one of"):
        build_questionnaire(model_study, "fr")
    with pytest.raises(vs.OptionError, match="twice"):
        build_questionnaire(model_study, "zh+zh")
    assert build_questionnaire(model_study).languages == ("en",)
    path = vs.write_questionnaire(model_study, tmp_path / "form.html", language="zh")
    assert path.read_text(encoding="utf-8") == vs.questionnaire_html(model_study, "zh")


def test_cli_writes_the_form_and_refuses_bad_options(tmp_path):
    runner = CliRunner()
    target = tmp_path / "form.html"
    result = runner.invoke(
        main, ["questionnaire", str(MODEL_STUDY), "-o", str(target), "--lang", "zh+en"]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {target}" in result.output
    assert set(printed_columns(Page(target.read_text(encoding="utf-8")))) == set(
        workbook_columns(vs.load_instrument(MODEL_STUDY))
    )
    bad = runner.invoke(
        main, ["questionnaire", str(MODEL_STUDY), "-o", str(target), "--lang", "fr"]
    )
    assert bad.exit_code == 2
    assert "'fr' is not one of" in bad.output
    pdf = runner.invoke(main, ["questionnaire", str(MODEL_STUDY), "-o", str(tmp_path / "f.pdf")])
    assert pdf.exit_code == 2
    assert "must be an .html file" in pdf.output
    missing = runner.invoke(main, ["questionnaire", str(tmp_path / "none.yaml"), "-o", str(target)])
    assert missing.exit_code == 2
