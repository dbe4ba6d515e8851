"""Every mistake in an instrument file is reported with its check code, line and question.

Each test splices one broken part into a small valid instrument and marks the line where the
mistake should be reported with ``# <-``; :func:`only_problem` checks that exactly that one
problem is reported, with that check code, on that line, about that question.
"""

from __future__ import annotations

import copy
import re
from textwrap import dedent, indent

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagesurvey.errors import InstrumentError, InstrumentProblem
from villagesurvey.instrument import Instrument, dump_instrument, load_instrument, parse_instrument

MARK = "# <-"

BASE = """\
id: test
version: "1"
title: {en: Test, zh: 测试}
languages: [en, zh]
waves: [2020, 2022]
key: [hh]
choices:
  yes_no:
    - {code: 1, en: "Yes", zh: 是}
    - {code: 0, en: "No", zh: 否}
  agree3:
    - {code: 1, en: Disagree, zh: 不同意}
    - {code: 2, en: Neutral, zh: 一般}
    - {code: 3, en: Agree, zh: 同意}
%(choices)s
scales:
  trust:
    label: {en: Trust, zh: 信任}
    choices: agree3
%(scales)s
sections:
  - code: main
    label: {en: Main, zh: 主要}
    questions:
      - {code: hh, type: text, required: true, label: {en: Household, zh: 户}}
      - {code: trust_1, type: likert, scale: trust, label: {en: I trust, zh: 我信任}}
      - code: sells
        type: select_one
        choices: yes_no
        waves: [2020, 2022]
        label: {en: Sells online, zh: 网上销售}
      - {code: gender, type: select_one, choices: yes_no, label: {en: Female, zh: 女}}
%(questions)s
"""


def survey(questions: str = "", *, choices: str = "", scales: str = "", **replace: str) -> str:
    """The small valid instrument with extra questions, choice lists or scales spliced in.

    ``replace`` swaps a top-level field for another text, e.g. ``version='version: 2022.1'``.
    """
    text = BASE % {
        "questions": indent(dedent(questions).strip("\n"), " " * 6),
        "choices": indent(dedent(choices).strip("\n"), " " * 2),
        "scales": indent(dedent(scales).strip("\n"), " " * 2),
    }
    for field, new in replace.items():
        old = re.search(rf"^{field}:.*$", text, flags=re.MULTILINE)
        assert old is not None, field
        text = text[: old.start()] + new + text[old.end() :]
    return text


def marked_line(text: str) -> int:
    """The 1-based line that carries the ``# <-`` mark."""
    lines = [n for n, line in enumerate(text.splitlines(), 1) if MARK in line]
    assert len(lines) == 1, "mark exactly one line"
    return lines[0]


def problems_of(text: str) -> list[InstrumentProblem]:
    with pytest.raises(InstrumentError) as info:
        parse_instrument(text, source="test.yaml")
    return info.value.problems


def only_problem(text: str, check: str, where: str) -> InstrumentProblem:
    """Parse, expect exactly one problem, and check its code, its line and what it concerns."""
    problems = problems_of(text)
    assert [(p.check, p.line, p.where) for p in problems] == [(check, marked_line(text), where)]
    assert problems[0].source == "test.yaml"
    return problems[0]


def test_the_base_instrument_is_valid():
    instrument = parse_instrument(survey())
    assert isinstance(instrument, Instrument)
    assert [q.code for q in instrument.questions] == ["hh", "trust_1", "sells", "gender"]


# -- types and codes ---------------------------------------------------------------------


def test_unknown_type_suggests_the_closest():
    problem = only_problem(
        survey("""
            - code: age
              type: integr  # <-
              label: {en: Age, zh: 年龄}
        """),
        "unknown_type",
        "question 'age'",
    )
    assert "did you mean 'integer'?" in problem.message


def test_duplicate_question_code():
    text = survey("""
        - {code: age, type: integer, label: {en: Age, zh: 年龄}}
        - {code: age, type: integer, label: {en: Age again, zh: 年龄}}  # <-
    """)
    problem = only_problem(text, "duplicate_code", "question 'age'")
    assert f"used on line {marked_line(text) - 1}" in problem.message


def test_wave_column_collides_with_a_question_code():
    # sells has waves [2020, 2022], so its columns are sells_2020 and sells_2022
    problem = only_problem(
        survey("""
            - code: sells_2022  # <-
              type: integer
              label: {en: Sales in 2022, zh: 2022年销售}
        """),
        "duplicate_code",
        "question 'sells_2022'",
    )
    assert "'sells'" in problem.message


def test_question_with_waves_collides_with_an_earlier_column():
    only_problem(
        survey("""
            - {code: spend_2020, type: decimal, label: {en: Spending 2020, zh: 2020年支出}}
            - code: spend  # <-
              type: decimal
              waves: [2020, 2022]
              label: {en: Spending, zh: 支出}
        """),
        "duplicate_code",
        "question 'spend'",
    )


def test_bad_question_code():
    only_problem(
        survey("""
            - {code: 2nd_job, type: text, label: {en: Second job, zh: 副业}}  # <-
        """),
        "bad_code",
        "question '2nd_job'",
    )


def test_a_column_longer_than_32_characters_is_kept_as_written():
    # XLSForm names have no length limit; Stata's 32 is the .dta export's to map
    code = "income_from_livestock_sales_of_the_household"
    instrument = parse_instrument(
        survey(f"""
            - code: {code}
              type: decimal
              waves: [2020, 2022]
              label: {{en: Livestock income, zh: 畜牧收入}}
        """)
    )
    assert f"{code}_2020" in [c.code for c in instrument.columns]


# -- choice lists ------------------------------------------------------------------------


def test_missing_choice_list():
    only_problem(
        survey("""
            - code: crop  # <-
              type: select_one
              label: {en: Main crop, zh: 主要作物}
        """),
        "missing_choices",
        "question 'crop'",
    )


def test_unknown_choice_list_suggests_the_closest():
    problem = only_problem(
        survey("""
            - code: owns_phone
              type: select_one
              choices: yesno  # <-
              label: {en: Owns a phone, zh: 有手机}
        """),
        "unknown_choices",
        "question 'owns_phone'",
    )
    assert "did you mean 'yes_no'?" in problem.message


def test_duplicate_choice_code():
    text = survey(
        choices="""
            crops:
              - {code: rice, en: Rice, zh: 水稻}
              - {code: tea, en: Tea, zh: 茶叶}
              - {code: rice, en: Paddy, zh: 稻谷}  # <-
        """
    )
    problem = only_problem(text, "duplicate_choice", "choice list 'crops'")
    assert f"first on line {marked_line(text) - 2}" in problem.message


def test_choices_on_a_question_that_has_none():
    only_problem(
        survey("""
            - code: age
              type: integer
              choices: yes_no  # <-
              label: {en: Age, zh: 年龄}
        """),
        "field_not_allowed",
        "question 'age'",
    )


# -- limits ------------------------------------------------------------------------------


def test_min_greater_than_max():
    problem = only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              min: 100  # <-
              max: 16
        """),
        "min_gt_max",
        "question 'age'",
    )
    assert "min (100) is greater than max (16)" in problem.message


def test_swapped_hard_limits_are_one_problem_not_five():
    # with min and max swapped every soft limit is "outside" them; only the swap is news
    only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              min: 100  # <-
              max: 16
              soft_min: 18
              soft_max: 80
        """),
        "min_gt_max",
        "question 'age'",
    )


@pytest.mark.parametrize(
    "limits",
    [
        "min: 16\nmax: 100\nsoft_min: 10  # <-\nsoft_max: 80",
        "min: 16\nmax: 100\nsoft_min: 18\nsoft_max: 120  # <-",
        "min: 16\nsoft_max: 12  # <-",
        "max: 100\nsoft_min: 101  # <-",
    ],
    ids=["soft_min_below_min", "soft_max_above_max", "soft_max_below_min", "soft_min_above_max"],
)
def test_soft_limit_outside_hard_limits_is_reported_on_the_soft_limit(limits):
    only_problem(
        survey(
            "- code: age\n  type: integer\n  label: {en: Age, zh: 年龄}\n" + indent(limits, "  ")
        ),
        "soft_outside_hard",
        "question 'age'",
    )


def test_soft_min_greater_than_soft_max():
    only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              soft_min: 80  # <-
              soft_max: 18
        """),
        "min_gt_max",
        "question 'age'",
    )


@pytest.mark.parametrize(
    ("qtype", "limit"),
    [
        ("integer", "min: ten"),
        ("integer", "min: 1.5"),
        ("integer", "max: true"),
        ("decimal", 'max: "100"'),
        ("decimal", "max: .inf"),
        ("decimal", "min: .nan"),
        ("date", "min: 2022-13-45"),  # looks like a date, is none
        ("date", "min: yesterday"),
        ("date", "min: today"),  # only a max can be today
        ("date", "soft_max: today"),
        ("integer", "max: today"),
        ("date", "min: 2022-06-01 10:30:00"),  # a time, not a date
        ("date", "min: 20220601"),
    ],
)
def test_limit_of_the_wrong_kind(qtype, limit):
    problem = only_problem(
        survey(f"""
            - code: answer
              type: {qtype}
              label: {{en: Answer, zh: 回答}}
              {limit}  # <-
        """),
        "bad_limit",
        "question 'answer'",
    )
    assert problem.message.startswith(limit.split(":")[0])


def test_quoted_iso_date_is_a_fine_limit():
    instrument = parse_instrument(
        survey("""
            - code: visit
              type: date
              label: {en: Visit, zh: 访问}
              min: "2022-06-01"
              max: 2022-12-31
        """)
    )
    question = instrument.question("visit")
    assert (question.min.isoformat(), question.max.isoformat()) == ("2022-06-01", "2022-12-31")


def test_a_date_may_be_limited_to_today():
    instrument = parse_instrument(
        survey("""
            - code: visit
              type: date
              label: {en: Visit, zh: 访问}
              min: 2022-06-01
              max: today
        """)
    )
    question = instrument.question("visit")
    assert (question.min.isoformat(), question.max) == ("2022-06-01", "today")
    again = parse_instrument(dump_instrument(instrument)).question("visit")
    assert (again.min, again.max) == (question.min, "today")


def test_limits_on_a_text_question():
    only_problem(
        survey("""
            - code: name
              type: text
              label: {en: Name, zh: 姓名}
              max: 10  # <-
        """),
        "field_not_allowed",
        "question 'name'",
    )


# -- skip rules --------------------------------------------------------------------------


def test_skip_rule_naming_an_unknown_question():
    problem = only_problem(
        survey("""
            - code: income
              type: decimal
              relevant: "gendr = 1"  # <-
              label: {en: Income, zh: 收入}
        """),
        "unknown_question",
        "question 'income'",
    )
    assert "did you mean 'gender'?" in problem.message


def test_skip_rule_naming_a_wave_that_does_not_exist():
    problem = only_problem(
        survey("""
            - code: when
              type: integer
              relevant: "sells_2021 = 1"  # <-
              label: {en: Since when, zh: 从何时}
        """),
        "unknown_question",
        "question 'when'",
    )
    assert "did you mean 'sells_202" in problem.message


def test_skip_rule_naming_a_later_question():
    text = survey("""
        - code: income
          type: decimal
          relevant: "works = 1"  # <-
          label: {en: Income, zh: 收入}
        - code: works
          type: select_one
          choices: yes_no
          label: {en: Works, zh: 工作}
    """)
    problem = only_problem(text, "later_question", "question 'income'")
    assert f"asked later (line {marked_line(text) + 2})" in problem.message


def test_skip_rule_naming_its_own_question():
    only_problem(
        survey("""
            - code: works
              type: select_one
              choices: yes_no
              relevant: "works = 1"  # <-
              label: {en: Works, zh: 工作}
        """),
        "later_question",
        "question 'works'",
    )


def test_skip_rule_syntax_error_gives_the_character():
    problem = only_problem(
        survey("""
            - code: income
              type: decimal
              relevant: "gender = 1 and"  # <-
              label: {en: Income, zh: 收入}
        """),
        "bad_condition",
        "question 'income'",
    )
    assert "(at character 15)" in problem.message  # just past the end: a name was expected


def test_skip_rule_syntax_error_in_the_middle():
    problem = only_problem(
        survey("""
            - code: income
              type: decimal
              relevant: "gender = = 1"  # <-
              label: {en: Income, zh: 收入}
        """),
        "bad_condition",
        "question 'income'",
    )
    assert "(at character 10)" in problem.message


def test_skip_rule_that_is_not_text():
    only_problem(
        survey("""
            - code: income
              type: decimal
              relevant: 1  # <-
              label: {en: Income, zh: 收入}
        """),
        "wrong_type",
        "question 'income'",
    )


@pytest.mark.parametrize("rule", ["gender = 2", "gender in [0, 7]", "gender != 'yes'"])
def test_skip_rule_compares_a_select_one_with_a_code_not_in_its_list(rule):
    problem = only_problem(
        survey(f"""
            - code: pregnant
              type: select_one
              choices: yes_no
              relevant: "{rule}"  # <-
              label: {{en: Pregnant, zh: 怀孕}}
        """),
        "unknown_choice",
        "question 'pregnant'",
    )
    assert "[1, 0]" in problem.message


def test_question_without_waves_must_name_a_wave_column():
    problem = only_problem(
        survey("""
            - code: since
              type: integer
              relevant: "sells = 1"  # <-
              label: {en: Selling since, zh: 开始年份}
        """),
        "wave_needed",
        "question 'since'",
    )
    assert "sells_2020 or sells_2022" in problem.message


def test_question_with_waves_may_name_a_question_with_the_same_waves():
    instrument = parse_instrument(
        survey("""
            - code: sales
              type: decimal
              waves: [2020, 2022]
              relevant: "sells = 1"
              label: {en: Sales, zh: 销售额}
            - code: since
              type: integer
              relevant: "sells_2022 = 1"
              label: {en: Selling since, zh: 开始年份}
        """)
    )
    assert instrument.column("sales_2020").relevant.name == "sells_2020"


def test_skip_rule_on_a_broken_question_is_not_reported_twice():
    # the type is wrong; the skip rule naming the question must not add "not a question"
    only_problem(
        survey("""
            - code: works
              type: select_onee  # <-
              choices: yes_no
              label: {en: Works, zh: 工作}
            - code: income
              type: decimal
              relevant: "works = 1"
              label: {en: Income, zh: 收入}
        """),
        "unknown_type",
        "question 'works'",
    )


# -- texts and languages -----------------------------------------------------------------


@pytest.mark.parametrize(
    "field",
    [
        "label: {en: Age}  # <-",
        "hint: {en: Completed years, zh: ''}  # <-",
        "message: {zh: 年龄应在16至100岁之间}  # <-",
    ],
    ids=["label", "hint", "message"],
)
def test_missing_translation_in_a_question(field):
    label = "" if field.startswith("label") else "label: {en: Age, zh: 年龄}\n"
    problem = only_problem(
        survey("- code: age\n  type: integer\n" + indent(label + field, "  ")),
        "missing_translation",
        "question 'age'",
    )
    assert problem.message.startswith(field.split(":")[0])


def test_missing_translation_of_a_choice():
    problem = only_problem(
        survey(
            choices="""
                crops:
                  - {code: rice, en: Rice, zh: 水稻}
                  - {code: tea, en: Tea}  # <-
            """
        ),
        "missing_translation",
        "choice list 'crops'",
    )
    assert "'zh'" in problem.message


def test_missing_translation_of_the_title():
    only_problem(survey(title="title: {en: Test}  # <-"), "missing_translation", "")


def test_missing_translation_of_a_section():
    text = survey().replace("label: {en: Main, zh: 主要}", "label: {zh: 主要}  # <-")
    only_problem(text, "missing_translation", "section 'main'")


def test_missing_label():
    only_problem(
        survey("""
            - code: age  # <-
              type: integer
        """),
        "missing_field",
        "question 'age'",
    )


def test_text_in_a_language_not_declared():
    problem = only_problem(
        survey("""
            - code: age
              type: integer
              label:
                en: Age
                zh: 年龄
                fr: Âge  # <-
        """),
        "unknown_language",
        "question 'age'",
    )
    assert "'fr'" in problem.message


def test_blank_plain_label_with_one_language():
    text = dedent(
        """\
        id: plain
        version: "1"
        title: Plain
        languages: [en]
        key: [hh]
        sections:
          - code: main
            label: Main
            questions:
              - {code: hh, type: text, required: true, label: "  "}  # <-
        """
    )
    only_problem(text, "missing_translation", "question 'hh'")


# -- fields and YAML keys ----------------------------------------------------------------


def test_unknown_field_suggests_the_closest():
    problem = only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              requird: true  # <-
        """),
        "unknown_field",
        "question 'age'",
    )
    assert "did you mean 'required'?" in problem.message


def test_unknown_top_level_field():
    problem = only_problem(survey(version='version: "1"\nverison: "2"  # <-'), "unknown_field", "")
    assert "did you mean 'version'?" in problem.message


def test_code_is_not_a_field_of_the_instrument():
    # code is a field of sections and questions, but not of the instrument itself
    only_problem(survey(id="id: test\ncode: test  # <-"), "unknown_field", "")


def test_flag_that_is_not_true_or_false():
    only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              required: yes  # <-
        """),
        "wrong_type",
        "question 'age'",
    )


def test_duplicate_yaml_key_names_the_question():
    problem = only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
              label: {en: Age in years, zh: 周岁}  # <-
        """),
        "duplicate_key",
        "question 'age'",
    )
    assert "'label'" in problem.message


def test_duplicate_yaml_key_inside_a_label():
    only_problem(
        survey("""
            - code: age
              type: integer
              label:
                en: Age
                zh: 年龄
                en: Age in years  # <-
        """),
        "duplicate_key",
        "question 'age'",
    )


def test_duplicate_yaml_key_at_the_top():
    only_problem(
        survey(waves="waves: [2020, 2022]\nwaves: [2020, 2022]  # <-"), "duplicate_key", ""
    )


def test_version_written_as_a_number():
    problem = only_problem(survey(version="version: 2022.10  # <-"), "wrong_type", "")
    assert 'version: "2022.1"' in problem.message  # what YAML made of 2022.10


# -- the key -----------------------------------------------------------------------------


def test_key_naming_an_unknown_question():
    problem = only_problem(
        survey(key="key: [hh, person]  # <-"), "unknown_question", "key 'person'"
    )
    assert "no question has this code" in problem.message


def test_key_naming_a_question_that_is_not_required():
    only_problem(survey(key="key: [hh, gender]  # <-"), "key_not_required", "key 'gender'")


def test_key_naming_a_question_with_waves():
    text = survey(key="key: [hh, sells]  # <-").replace(
        "choices: yes_no\n        waves", "choices: yes_no\n        required: true\n        waves"
    )
    only_problem(text, "key_has_waves", "key 'sells'")


def test_key_naming_a_question_twice():
    only_problem(survey(key="key: [hh, hh]  # <-"), "duplicate_code", "")


# -- likert questions and scales ---------------------------------------------------------


def test_likert_question_without_scale():
    only_problem(
        survey("""
            - code: trust_2  # <-
              type: likert
              label: {en: I trust sellers, zh: 我信任卖家}
        """),
        "missing_scale",
        "question 'trust_2'",
    )


def test_likert_question_with_an_unknown_scale():
    problem = only_problem(
        survey("""
            - code: trust_2
              type: likert
              scale: trusst  # <-
              label: {en: I trust sellers, zh: 我信任卖家}
        """),
        "unknown_scale",
        "question 'trust_2'",
    )
    assert "did you mean 'trust'?" in problem.message


def test_scale_with_codes_that_are_not_integers():
    only_problem(
        survey(
            """
            - {code: risk_1, type: likert, scale: risk, label: {en: Risky, zh: 有风险}}
            """,
            choices="""
                levels:
                  - {code: low, en: Low, zh: 低}
                  - {code: high, en: High, zh: 高}
            """,
            scales="""
                risk:
                  label: {en: Risk, zh: 风险}
                  choices: levels  # <-
            """,
        ),
        "likert_codes",
        "scale 'risk'",
    )


def test_scale_with_no_items():
    only_problem(
        survey(
            scales="""
                risk:  # <-
                  label: {en: Risk, zh: 风险}
                  choices: agree3
            """
        ),
        "empty_scale",
        "scale 'risk'",
    )


def test_scale_with_a_mistake_is_not_also_undefined_for_its_items():
    only_problem(
        survey(
            """
            - {code: risk_1, type: likert, scale: risk, label: {en: Risky, zh: 有风险}}
            """,
            scales="""
                risk:
                  label: {en: Risk}  # <-
                  choices: agree3
            """,
        ),
        "missing_translation",
        "scale 'risk'",
    )


def test_reverse_flag_on_a_question_that_is_not_likert():
    only_problem(
        survey("""
            - code: age
              type: integer
              reverse: true  # <-
              label: {en: Age, zh: 年龄}
        """),
        "field_not_allowed",
        "question 'age'",
    )


def test_scale_on_a_question_that_is_not_likert():
    only_problem(
        survey("""
            - code: age
              type: integer
              scale: trust  # <-
              label: {en: Age, zh: 年龄}
        """),
        "field_not_allowed",
        "question 'age'",
    )


def test_unit_on_a_text_question():
    only_problem(
        survey("""
            - code: name
              type: text
              unit: CNY  # <-
              label: {en: Name, zh: 姓名}
        """),
        "field_not_allowed",
        "question 'name'",
    )


def test_wave_not_declared_by_the_instrument():
    only_problem(
        survey("""
            - code: spend
              type: decimal
              waves: [2020, 2021]  # <-
              label: {en: Spending, zh: 支出}
        """),
        "unknown_wave",
        "question 'spend'",
    )


# -- files that are not instruments ------------------------------------------------------


def test_not_valid_yaml_reports_the_line():
    problem = only_problem(
        survey("""
            - code: age
              type: integer
              label: {en: Age, zh: 年龄}
               hint: {en: Years, zh: 岁}  # <-
        """),
        "yaml_syntax",
        "",
    )
    assert problem.message.startswith("not valid YAML")


def test_tab_indentation_reports_the_line():
    text = survey("- code: age\n  type: integer\n") + "\tlabel: {en: Age, zh: 年龄}  # <-\n"
    only_problem(text, "yaml_syntax", "")


def test_control_character_reports_its_line():
    # e.g. pasted from a word processor; YAML refuses it anywhere, even in a comment
    text = survey("""
        - code: age
          type: integer
          label: {en: "Age\x9b", zh: 年龄}  # <-
    """)
    problem = only_problem(text, "yaml_syntax", "")
    assert "U+009B" in problem.message


@pytest.mark.parametrize(
    "text", ["", "# only a comment\n", "- id: test\n- version: 1\n", "just text\n"]
)
def test_file_that_is_not_a_mapping(text):
    problems = problems_of(text)
    assert [(p.check, p.line, p.where) for p in problems] == [("wrong_type", 1, "")]


def test_missing_file(tmp_path):
    with pytest.raises(InstrumentError) as info:
        load_instrument(tmp_path / "nowhere.yaml")
    assert info.value.checks == ["not_found"]
    assert info.value.problems[0].line is None
    assert info.value.problems[0].source.endswith("nowhere.yaml")


def test_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(survey().encode("gbk"))  # Chinese Windows' default encoding
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert info.value.checks == ["not_utf8"]


def test_folder_instead_of_a_file(tmp_path):
    with pytest.raises(InstrumentError) as info:
        load_instrument(tmp_path)
    assert info.value.checks == ["unreadable"]


def test_missing_required_fields():
    text = 'id: test\nversion: "1"\n'
    problems = problems_of(text)
    assert {p.check for p in problems} == {"missing_field"}
    assert sorted(p.message for p in problems) == sorted(
        f"the instrument has no {field!r}; add it"
        for field in ("title", "languages", "key", "sections")
    )


# -- all at once -------------------------------------------------------------------------

SEVERAL = survey(
    """
    - code: age
      type: integr
      label: {en: Age}
      min: 100
      max: 16
    - code: income
      type: decimal
      relevant: "gendr = 1"
      label: {en: Income, zh: 收入}
    """,
    version="version: 2",
    key="key: [hh, person]",
)


def test_several_mistakes_are_all_reported_sorted_by_line():
    with pytest.raises(InstrumentError) as info:
        parse_instrument(SEVERAL, source="village.yaml")
    found = [(p.line, p.where, p.check) for p in info.value.problems]
    assert found == [
        (2, "", "wrong_type"),
        (6, "key 'person'", "unknown_question"),
        (34, "question 'age'", "unknown_type"),
        (35, "question 'age'", "missing_translation"),
        (40, "question 'income'", "unknown_question"),
    ]
    # with the type unknown the limits cannot be checked; fixing it will reveal min > max
    assert info.value.checks == [check for _, _, check in found]


def test_error_text_has_one_line_per_problem():
    with pytest.raises(InstrumentError) as info:
        parse_instrument(SEVERAL, source="village.yaml")
    lines = str(info.value).splitlines()
    assert lines[0] == "the instrument has 5 problems"
    assert len(lines) == 1 + len(info.value.problems)
    pattern = re.compile(r"^village\.yaml:(\d+):(?: (question|key) '\w+':)? .+ \[(\w+)\]$")
    for line, problem in zip(lines[1:], info.value.problems, strict=True):
        match = pattern.match(line)
        assert match, line
        assert int(match.group(1)) == problem.line
        assert match.group(3) == problem.check
    assert lines[3].startswith("village.yaml:34: question 'age': unknown type 'integr'")
    assert lines[3].endswith(" [unknown_type]")


def test_problem_without_a_line_prints_the_file_only():
    problem = InstrumentProblem("x.yaml", None, "", "not_found", "no such file")
    assert str(problem) == "x.yaml: no such file [not_found]"


# -- no input crashes the checker --------------------------------------------------------

_DOCUMENT = yaml.safe_load(survey())


def _paths(node, path=()):
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*path, index))


_PATHS = list(_paths(_DOCUMENT))[1:]
_ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["", "x", "yes", "select_one", "likert", "hh", "sells = 1", "a =", "[", "en"]),
    st.lists(st.sampled_from([1, "a", None]), max_size=2),
    st.dictionaries(st.sampled_from(["en", "zh", "code", "x"]), st.sampled_from([1, "a", None])),
    st.just([[1]]),
    st.just({"a": {"b": 1}}),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(_PATHS), _ODD_VALUES), min_size=1, max_size=3))
def test_any_damage_gives_an_instrument_or_an_instrument_error(damage):
    document = copy.deepcopy(_DOCUMENT)
    for path, value in damage:
        node = document
        try:
            for step in path[:-1]:
                node = node[step]
            node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed this place
    text = yaml.safe_dump(document, allow_unicode=True)
    problems = []
    try:
        parse_instrument(text)
    except InstrumentError as error:
        problems = error.problems or [None]  # an error must say what is wrong
    assert all(p is not None and p.check and p.message for p in problems)


# -- parts of a total --------------------------------------------------------------------

TOTAL = """
            - code: income
              type: decimal
              unit: CNY
              waves: [2020, 2022]
              label: {en: Income, zh: 收入}
"""


def test_parts_of_a_total_are_bound_wave_by_wave():
    instrument = parse_instrument(
        survey(
            TOTAL
            + """\

            - code: farm_income
              type: decimal
              unit: CNY
              waves: [2020, 2022]
              part_of: income
              label: {en: Farm income, zh: 农业收入}
            """
        )
    )
    assert instrument.question("farm_income").part_of == "income"
    assert instrument.column("farm_income_2022").part_of == "income_2022"
    assert [c.code for c in instrument.totals["income_2020"]] == ["farm_income_2020"]


def test_part_of_an_unknown_question():
    problem = only_problem(
        survey("""
            - code: farm_income
              type: decimal
              part_of: incme  # <-
              label: {en: Farm income, zh: 农业收入}
        """),
        "unknown_question",
        "question 'farm_income'",
    )
    assert "part_of names 'incme'" in problem.message


def test_part_of_a_later_total():
    text = survey("""
        - code: farm_income
          type: decimal
          part_of: income  # <-
          label: {en: Farm income, zh: 农业收入}
        - {code: income, type: decimal, label: {en: Income, zh: 收入}}
    """)
    problem = only_problem(text, "later_question", "question 'farm_income'")
    assert "ask the total before its parts" in problem.message


def test_part_of_a_total_in_another_unit():
    problem = only_problem(
        survey(
            TOTAL
            + """\

            - code: farm_income
              type: decimal
              unit: USD
              waves: [2020, 2022]
              part_of: income  # <-
              label: {en: Farm income, zh: 农业收入}
            """
        ),
        "unit_mismatch",
        "question 'farm_income'",
    )
    assert "in USD but its total 'income' is in CNY" in problem.message


def test_part_of_a_total_in_other_waves():
    only_problem(
        survey(
            TOTAL
            + """\

            - code: farm_income
              type: decimal
              unit: CNY
              waves: [2022]
              part_of: income  # <-
              label: {en: Farm income, zh: 农业收入}
            """
        ),
        "wave_mismatch",
        "question 'farm_income'",
    )


def test_part_of_a_question_that_is_not_a_number():
    only_problem(
        survey("""
            - {code: note, type: text, label: {en: Note, zh: 备注}}
            - code: farm_income
              type: decimal
              part_of: note  # <-
              label: {en: Farm income, zh: 农业收入}
        """),
        "wrong_type",
        "question 'farm_income'",
    )


def test_only_a_number_can_be_part_of_a_total():
    only_problem(
        survey(
            TOTAL
            + """\

            - code: farm_note
              type: text
              waves: [2020, 2022]
              part_of: income  # <-
              label: {en: Farm note, zh: 农业备注}
            """
        ),
        "field_not_allowed",
        "question 'farm_note'",
    )


def test_a_skip_rule_keyword_is_not_a_question_code():
    problem = only_problem(
        survey("""
            - code: selected  # <-
              type: integer
              label: {en: Selected, zh: 入选}
        """),
        "bad_code",
        "question 'selected'",
    )
    assert "word of the skip-rule language" in problem.message


def test_skip_rule_value_outside_a_likert_scale():
    only_problem(
        survey("""
            - code: income
              type: decimal
              relevant: "trust_1 >= 7"  # <-
              label: {en: Income, zh: 收入}
        """),
        "unknown_choice",
        "question 'income'",
    )


# -- checks across questions -------------------------------------------------------------

MONEY = """
    - {code: income, type: decimal, unit: CNY, waves: [2020, 2022], label: {en: Income, zh: 收入}}
    - {code: spend, type: decimal, unit: CNY, waves: [2020, 2022], label: {en: Spending, zh: 支出}}
"""


def with_checks(checks: str) -> str:
    return survey(MONEY) + "checks:\n" + indent(dedent(checks).strip("\n"), "  ") + "\n"


def test_a_rule_across_questions_binds_to_each_wave():
    instrument = parse_instrument(
        with_checks("""
        - {code: spend_high, rule: spend <= 2 * income, message: {en: Check, zh: 核实}}
    """)
    )
    (rule,) = instrument.rules
    assert (rule.left, rule.op, rule.factor, rule.right, rule.severity) == (
        "spend", "<=", 2, "income", "warning"
    )  # fmt: skip
    assert [(b.left, b.right) for b in instrument.bound_rules] == [
        ("spend_2020", "income_2020"), ("spend_2022", "income_2022")
    ]  # fmt: skip
    assert parse_instrument(dump_instrument(instrument)) == instrument


def test_a_rule_may_compare_a_question_with_a_number():
    instrument = parse_instrument(
        with_checks("""
        - {code: spend_positive, rule: spend > 0, severity: error}
    """)
    )
    (rule,) = instrument.rules
    assert (rule.left, rule.op, rule.factor, rule.right) == ("spend", ">", 0, None)
    assert [(b.left, b.right) for b in instrument.bound_rules] == [
        ("spend_2020", None), ("spend_2022", None)
    ]  # fmt: skip
    assert parse_instrument(dump_instrument(instrument)) == instrument


@pytest.mark.parametrize(
    ("rule", "check"),
    [
        ("spend <= 2 * incom", "unknown_question"),
        ("spend >= eighteen", "unknown_question"),
        ("spend >= 18 years", "bad_rule"),
        ("spend <= twice income", "bad_rule"),
        ("sells <= 2 * income", "wrong_type"),
    ],
)
def test_a_broken_rule_is_reported_on_its_line(rule, check):
    only_problem(with_checks(f"- code: r\n  rule: {rule}  # <-"), check, "check 'r'")


def test_a_rule_severity_is_error_or_warning():
    only_problem(
        with_checks("- code: r\n  rule: spend <= income\n  severity: fatal  # <-"),
        "bad_severity",
        "check 'r'",
    )


WHEN_SKIPPED = """\
- code: sales
  type: decimal
  unit: CNY
  waves: [2020, 2022]
  relevant: "sells = 1"
  when_skipped: %s
  sesoi: %s
  label: {en: Online sales, zh: 网上销售额}
"""


def test_when_skipped_and_sesoi_are_read():
    instrument = parse_instrument(survey(WHEN_SKIPPED % ("0", "2000")))
    question = instrument.question("sales")
    assert (question.when_skipped, question.sesoi) == (0, 2000)
    text = survey(WHEN_SKIPPED % ("not applicable", "0.5"))
    assert parse_instrument(text).question("sales").when_skipped == "not applicable"


@pytest.mark.parametrize(
    ("value", "sesoi", "check"),
    [
        ("zero  # <-", "2000", "wrong_type"),
        ("[0]  # <-", "2000", "wrong_type"),
        ("0", "-5  # <-", "wrong_type"),
        ("0", "lots  # <-", "wrong_type"),
    ],
)
def test_bad_when_skipped_or_sesoi_is_reported(value, sesoi, check):
    only_problem(survey(WHEN_SKIPPED % (value, sesoi)), check, "question 'sales'")


def test_when_skipped_needs_a_skip_rule_and_sesoi_needs_waves():
    only_problem(
        survey(
            """
            - code: spend
              type: integer
              when_skipped: 0  # <-
              label: {en: Spending, zh: 支出}
            """
        ),
        "field_not_allowed",
        "question 'spend'",
    )
    only_problem(
        survey(
            """
            - code: spend
              type: integer
              sesoi: 3  # <-
              label: {en: Spending, zh: 支出}
            """
        ),
        "field_not_allowed",
        "question 'spend'",
    )


def test_check_warns_when_a_compared_question_with_a_skip_rule_says_nothing():
    from villagesurvey.instrument import instrument_advice

    silent = parse_instrument(
        survey((WHEN_SKIPPED % ("0", "1")).replace("  when_skipped: 0\n", ""))
    )
    (advice,) = instrument_advice(silent)
    assert "'sales'" in advice
    assert "when_skipped" in advice
    assert instrument_advice(parse_instrument(survey(WHEN_SKIPPED % ("0", "1")))) == []


def test_content_hash_leaves_out_the_analysis_settings():
    # Returns collected with the same questions keep matching when only sesoi or
    # when_skipped change: they say how answers are analysed, not what is asked.
    with_settings = parse_instrument(survey(WHEN_SKIPPED % ("0", "2000")))
    without = parse_instrument(
        survey(
            (WHEN_SKIPPED % ("0", "1"))
            .replace("  when_skipped: 0\n", "")
            .replace("  sesoi: 1\n", "")
        )
    )
    assert with_settings != without
    assert with_settings.content_hash == without.content_hash


def test_a_reference_to_an_unknown_column_is_an_error():
    # pyxform refuses a form whose label refers to a field it lacks:
    # "Reference variables must contain a name from the 'survey' sheet"
    problem = only_problem(
        survey("""
            - code: spend  # <-
              type: decimal
              label: {en: 'Spending, of ${total}', zh: 支出}
        """),
        "unknown_reference",
        "question 'spend'",
    )
    assert "${total}" in problem.message


def test_a_pattern_must_be_a_regular_expression_of_a_text_question():
    only_problem(
        survey("""
            - code: phone
              type: text
              pattern: '[0-9'  # <-
              label: {en: Phone, zh: 电话}
        """),
        "bad_pattern",
        "question 'phone'",
    )


def test_filter_by_names_an_earlier_question():
    only_problem(
        survey("""
            - code: district
              type: select_one
              choices: yes_no
              filter_by: {region: region_q}  # <-
              label: {en: District, zh: 区}
        """),
        "unknown_question",
        "question 'district'",
    )
