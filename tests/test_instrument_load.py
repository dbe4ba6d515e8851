"""The shipped instrument loads as the model study describes it, and reading is robust to layout."""

from __future__ import annotations

from textwrap import dedent

import pytest

from villagesurvey.errors import InstrumentError
from villagesurvey.instrument import load_instrument, parse_instrument
from villagesurvey.instrument.conditions import Compare

from .conftest import MODEL_STUDY

# The same small instrument twice: once tidy, once with other whitespace, comments, quoting,
# flow/block style and key order. Only the layout differs, so the content hash must not.
TIDY = dedent(
    """\
    id: tiny
    version: "1"
    title: {en: Tiny, zh: 小}
    languages: [en, zh]
    waves: [2020, 2022]
    key: [hh]
    choices:
      yes_no:
        - {code: 1, en: "Yes", zh: 是}
        - {code: 0, en: "No", zh: 否}
    sections:
      - code: main
        label: {en: Main, zh: 主要}
        questions:
          - {code: hh, type: text, required: true, label: {en: Household, zh: 户}}
          - code: sells
            type: select_one
            choices: yes_no
            waves: [2020, 2022]
            label: {en: Sells online, zh: 网上销售}
          - code: income
            type: decimal
            unit: CNY
            min: 0
            waves: [2020, 2022]
            relevant: "sells = 1"
            label: {en: Income, zh: 收入}
    """
)

MESSY = dedent(
    """\
    # A comment at the top.
    sections:
    - questions:
      - label:
          zh: 户
          en: Household
        required: true
        type: text
        code: hh          # the key
      - choices: yes_no
        label: {zh: 网上销售, en: 'Sells online'}
        waves: [ 2020 , 2022 ]
        type: select_one
        code: sells
      -   relevant: 'sells = 1'
          waves:
            - 2020
            - 2022
          label: {en: "Income", zh: "收入"}
          min: 0
          unit: "CNY"
          type: decimal
          code: income
      label: {zh: 主要, en: Main}
      code: main

    choices:
      yes_no:
      - code: 1
        zh: 是
        en: 'Yes'
      - {zh: 否, code: 0, en: "No"}
    key:
      - hh
    waves: [2020, 2022]
    languages: [en, zh]


    title: {zh: 小, en: Tiny}
    version: '1'
    id: tiny
    """
)


# -- the shipped instrument ----------------------------------------------------------------


def test_shipped_instrument_loads(model_study):
    assert model_study.id == "village_ecommerce"
    assert model_study.version == "2022.1"
    assert model_study.languages == ("en", "zh")
    assert model_study.waves == (2020, 2022)
    assert model_study.title["zh"] == "乡村跨境电商家庭调查"


def test_key_is_composite(model_study):
    assert model_study.key == ("village_id", "household_id", "person_id")
    for code in model_study.key:
        question = model_study.question(code)
        assert question.required
        assert question.waves == ()


def test_waves_expand_to_year_columns_in_order(model_study):
    codes = [c.code for c in model_study.columns]
    assert codes[:3] == ["village_id", "household_id", "person_id"]
    start = codes.index("skill_count_2020")
    assert codes[start : start + 4] == [
        "skill_count_2020",
        "skill_count_2022",
        "skill_farming_2020",
        "skill_farming_2022",
    ]
    assert "family_income" not in codes
    income = model_study.column("family_income_2022")
    assert (income.question.code, income.wave) == ("family_income", 2022)
    assert model_study.column("age").wave is None
    # every question gives one column, or one per wave, in the order asked
    expected = [
        f"{q.code}_{w}" if q.waves else q.code
        for q in model_study.questions
        for w in (q.waves or (None,))
    ]
    assert codes == expected
    assert len(codes) == len(set(codes))


def test_wave_pairs_pair_2020_with_2022(model_study):
    pairs = {p.question.code: p for p in model_study.wave_pairs}
    waved = [q.code for q in model_study.questions if q.waves]
    assert list(pairs) == waved
    income = pairs["family_income"]
    assert (income.before.code, income.after.code) == ("family_income_2020", "family_income_2022")
    assert all((p.before.wave, p.after.wave) == (2020, 2022) for p in pairs.values())


def test_skip_rules_bind_to_the_columns_wave(model_study):
    for wave in (2020, 2022):
        column = model_study.column(f"income_ecommerce_{wave}")
        assert column.relevant == Compare(f"ecom_participation_{wave}", "=", 1)
    # a question without waves names the wave column itself; it is left as written
    assert model_study.column("ecom_role").relevant == Compare("ecom_participation_2022", "=", 1)
    assert model_study.column("age").relevant is None


def test_pii_flags(model_study):
    pii = {q.code for q in model_study.questions if q.pii}
    assert pii == {"respondent_name", "phone"}


def test_likert_scales_have_their_items(model_study):
    items = {name: [q.code for q in model_study.scale_items(name)] for name in model_study.scales}
    assert items == {
        "cbec": ["cbec_1", "cbec_2", "cbec_3", "cbec_4"],
        "online_services": ["online_services_1", "online_services_2", "online_services_3"],
        "customer_service": ["customer_service_1", "customer_service_2", "customer_service_3"],
        "rural_ecommerce": [f"rural_ecommerce_{n}" for n in (1, 2, 3, 4)],
    }
    reverse = [q.code for q in model_study.questions if q.reverse]
    assert reverse == ["rural_ecommerce_4"]
    item = model_study.question("cbec_1")
    assert [c.code for c in model_study.choice_list(item)] == [1, 2, 3, 4, 5]


def test_limits_and_money(model_study):
    age = model_study.question("age")
    assert (age.min, age.soft_min, age.soft_max, age.max) == (16, 18, 80, 100)
    assert model_study.question("interview_date").min.isoformat() == "2022-06-01"
    assert model_study.question("family_income").is_money
    assert not model_study.question("age").is_money


def test_load_and_parse_agree(model_study):
    assert parse_instrument(MODEL_STUDY.read_text(encoding="utf-8")) == model_study


# -- content hash ----------------------------------------------------------------------------


def test_content_hash_ignores_layout():
    tidy, messy = parse_instrument(TIDY), parse_instrument(MESSY)
    assert tidy == messy
    assert tidy.content_hash == messy.content_hash
    assert len(tidy.content_hash) == 64


def test_content_hash_of_shipped_file_ignores_comments(model_study):
    text = MODEL_STUDY.read_text(encoding="utf-8")
    stripped = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith("#") and line.strip()
    )
    assert parse_instrument(stripped).content_hash == model_study.content_hash


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("en: Income,", "en: Income earned,"),  # a label
        ("zh: 否}", "zh: 不是}"),  # a choice label
        ("min: 0", "min: 1"),  # a limit
        ('version: "1"', 'version: "2"'),
        ('relevant: "sells = 1"', 'relevant: "sells = 0"'),
    ],
)
def test_content_hash_changes_with_content(old, new):
    assert TIDY.count(old) == 1
    changed = parse_instrument(TIDY.replace(old, new))
    assert changed != parse_instrument(TIDY)
    assert changed.content_hash != parse_instrument(TIDY).content_hash


# -- YAML pitfalls ---------------------------------------------------------------------------


def test_norway_problem_labels_stay_text():
    text = TIDY.replace('en: "Yes"', "en: yes").replace('en: "No"', "en: no")
    text = text.replace("en: Main", "en: on").replace("en: Tiny", "en: off")
    text = text.replace("en: Household", "en: N")
    instrument = parse_instrument(text)
    labels = [c.label["en"] for c in instrument.choices["yes_no"]]
    assert labels == ["yes", "no"]
    assert instrument.sections[0].label["en"] == "on"
    assert instrument.title["en"] == "off"
    assert instrument.question("hh").label["en"] == "N"


def test_required_true_is_still_a_boolean():
    instrument = parse_instrument(TIDY)
    assert instrument.question("hh").required is True


@pytest.mark.parametrize("written", ["1.10", "2022-06-01", "0x1F", "12:30", "true", "1_000"])
def test_unquoted_labels_are_read_as_typed(written):
    # YAML would read these as a number, a date or a boolean; a label keeps what was typed.
    instrument = parse_instrument(TIDY.replace("en: Household", f"en: {written}"))
    assert instrument.question("hh").label["en"] == written


def test_utf8_file_with_bom_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + TIDY.encode("utf-8"))
    assert load_instrument(path) == parse_instrument(TIDY)


def test_single_language_accepts_plain_labels():
    text = dedent(
        """\
        id: plain
        version: "1"
        title: Plain survey
        languages: [en]
        key: [hh]
        choices:
          yes_no:
            - {code: 1, en: "Yes"}
            - {code: 0, en: "No"}
        sections:
          - code: main
            label: Main
            questions:
              - {code: hh, type: text, required: true, label: Household}
              - code: sells
                type: select_one
                choices: yes_no
                label: Do you sell online?
                hint: {en: One answer}
        """
    )
    instrument = parse_instrument(text)
    assert instrument.title == {"en": "Plain survey"}
    assert instrument.sections[0].label == {"en": "Main"}
    assert instrument.question("sells").label == {"en": "Do you sell online?"}
    assert instrument.question("sells").hint == {"en": "One answer"}


def test_two_languages_refuse_a_plain_label():
    with pytest.raises(InstrumentError) as info:
        parse_instrument(TIDY.replace("label: {en: Household, zh: 户}", "label: Household"))
    assert info.value.checks == ["wrong_type"]
    assert info.value.problems[0].where == "question 'hh'"
