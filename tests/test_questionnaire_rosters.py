"""Rosters on the paper questionnaire: a grid with a line per member, as printed on paper."""

from __future__ import annotations

import re

import pytest

import villagesurvey as vs
from villagesurvey import parse_instrument
from villagesurvey.questionnaire import build_questionnaire, questionnaire_html
from villagesurvey.questionnaire.rosters import DEFAULT_LINES, MAX_LINES
from villagesurvey.workbook import CODE_ROW

from .test_export_levels import INSTRUMENT
from .test_questionnaire import Page


@pytest.fixture(scope="module")
def instrument():
    return parse_instrument(INSTRUMENT)


@pytest.fixture(scope="module", params=["en", "zh", "zh+en"])
def page(request, instrument):
    return Page(questionnaire_html(instrument, request.param))


def grids(page: Page, where: str = "members"):
    section = next(s for s in page.find(tag="section") if s.attrs.get("data-section") == where)
    return [t for t in page.find(tag="table", cls="roster-grid") if section in t.parents]


def test_grid_columns_are_the_roster_sheets_columns(page, instrument):
    sheet = vs.build_workbook(instrument, rows=1)["members"]
    expected = {(c.value, c.column_letter) for c in sheet[CODE_ROW] if c.value}
    printed = []
    for table in grids(page):
        for tag in page.find(cls="col", attr="data-column"):
            if table in tag.parents:
                code, letter = tag.content.split(" · ")
                printed.append((code, letter))
    assert set(printed) <= expected
    # the household's key (village, hh) is on the cover; phone is personal data
    assert [code for code, _ in printed] == ["member", "relation", "sex", "age", "work", "income"]


def test_one_numbered_line_per_member_as_many_as_the_count_allows(page):
    (table,) = grids(page)
    numbers = [
        e.content.strip()
        for e in page.find(tag="td", cls="line-no")
        if table in e.parents
    ]  # fmt: skip
    assert numbers == [str(n) for n in range(1, DEFAULT_LINES + 1)]  # hh_size has no maximum
    blanks = [e for e in page.find(tag="td", attr="data-column") if table in e.parents]
    assert len(blanks) == DEFAULT_LINES * 5  # relation, sex, age, work, income
    assert all(e.content == "" for e in blanks)


@pytest.mark.parametrize(
    ("limits", "lines"),
    [("max: 6", 6), ("soft_max: 8, max: 30", 8), ("max: 40", MAX_LINES), ("max: 12", 12)],
)
def test_the_count_questions_maximum_sets_the_lines(limits, lines):
    text = INSTRUMENT.replace(
        "{code: hh_size, type: integer, min: 1,",
        f"{{code: hh_size, type: integer, min: 1, {limits},",
    )
    form = build_questionnaire(parse_instrument(text), "en")
    assert form.rosters[0].lines == lines
    page = Page(questionnaire_html(parse_instrument(text), "en"))
    assert len([e for e in page.find(tag="td", cls="line-no")]) == lines + lines  # + phone's


def test_numbers_instructions_and_codes(instrument):
    form = build_questionnaire(instrument, "en")
    (roster,) = form.rosters
    assert roster.number == 2  # after the household's one section
    assert roster.key.number == "2.1"
    assert [q.number for q in roster.questions] == ["2.2", "2.3", "2.4", "2.5", "2.6"]
    assert form.numbers["hh_size"] == "1.3"
    html = questionnaire_html(instrument, "en")
    text = re.sub(r"<[^>]+>", "", html)
    assert "as many lines as the answer to 1.3" in text
    assert "sheet “members”" in text
    assert text.count("Only if 2.4 ≥ 16; otherwise leave blank.") == 2  # work and income
    assert "2.2 Relation to head (write one code): 1Head · 2Spouse · 3Child" in text
    assert "2.5 Work (write every code that applies): farmFarming" in text
    assert "Income (CNY)" in text
    assert "Personal data (1.4, 2.7)" in text


def test_chinese_grid(instrument):
    text = re.sub(r"<[^>]+>", "", questionnaire_html(instrument, "zh"))
    assert "2 家庭成员" in text
    assert "填写行数应与第 1.3 题的回答相同" in text
    assert "仅当 2.4 ≥ 16 时填写；否则留空。" in text
    assert "2.2 与户主关系 (填写一个编码): 1户主 · 2配偶 · 3子女" in text
    assert "收入 (元)" in text


def test_roster_personal_data_is_on_the_personal_page_only(page):
    personal = next(s for s in page.find(tag="section") if s.has_class("personal"))
    (table,) = [t for t in page.find(tag="table", cls="roster-grid") if personal in t.parents]
    codes = [e.attrs["data-column"] for e in page.find(cls="col", attr="data-column")
             if table in e.parents]  # fmt: skip
    assert codes == ["member", "phone"]
    body = [e.attrs["data-column"] for t in grids(page)
            for e in page.find(cls="col", attr="data-column") if t in e.parents]  # fmt: skip
    assert "phone" not in body


def test_many_questions_continue_in_a_second_grid_and_the_grid_does_not_break():
    extra = "".join(
        f"      - {{code: q{i}, type: integer, label: {{en: Question {i}, zh: 问题{i}}}}}\n"
        for i in range(1, 6)
    )
    text = INSTRUMENT.replace("      - {code: phone,", extra + "      - {code: phone,")
    page = Page(questionnaire_html(parse_instrument(text), "en"))
    first, second = grids(page)
    columns = [
        [e.attrs["data-column"] for e in page.find(cls="col", attr="data-column")
         if t in e.parents]
        for t in (first, second)
    ]  # fmt: skip
    assert columns == [
        ["member", "relation", "sex", "age", "work", "income", "q1", "q2"],
        ["member", "q3", "q4", "q5"],
    ]
    style = page.find(tag="style")[0].content
    assert re.search(r"section\.roster \{[^}]*break-inside: avoid", style)
    assert re.search(r"table\.roster-grid \{[^}]*break-inside: avoid", style)
