"""Round trips through XLSForm, compared field by field.

instrument → XLSForm → instrument, for the bundled instruments and for an instrument that
uses every block of the instrument file; and XLSForm → instrument → XLSForm → instrument for
every real form kept under tests/data (their sources are in tests/data/README.md): the second
instrument must equal the first in every field of the instrument file (its YAML dump), and
pyxform, the reference converter, must still convert each written form without a warning.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from pyxform.xls2json_backends import md_table_to_workbook
from pyxform.xls2xform import convert

from villagesurvey import load_instrument, parse_instrument
from villagesurvey.cli import main
from villagesurvey.instrument import instrument_to_dict, roster_instrument
from villagesurvey.xlsform import (
    build_xlsform,
    not_carried,
    read_xlsform,
    write_xlsform,
    xlsform_to_instrument,
)

from .conftest import ROOT
from .test_instrument_roundtrip import instruments
from .test_xlsform_import import _canonical

DATA = ROOT / "tests" / "data"
INSTRUMENTS = sorted((ROOT / "instruments").glob("*.yaml"))
FORMS = sorted(
    [
        *(DATA / "xlsforms" / "pyxform").iterdir(),
        *(p for p in (DATA / "xlsforms").glob("*.md") if p.name != "README.md"),
        *(DATA / "xlsforms").glob("*.csv"),
        *(DATA / "xlsforms").glob("household_kobo.*"),
        *(DATA / "kobo").glob("*.xlsx"),
        *(DATA / "odk_central").glob("*.xlsx"),
    ]
)


def differences(before: Any, after: Any, path: str = "") -> list[str]:
    """Every field that differs between two instrument files' data, by its path.

    Items of a list that carry a ``code`` are named by it (``sections[identification]``);
    values must be equal and of the same type (``2`` is not ``2.0`` in the file).
    """
    if isinstance(before, dict) and isinstance(after, dict):
        found = []
        for key in dict.fromkeys([*before, *after]):
            where = f"{path}.{key}" if path else str(key)
            if key not in after:
                found.append(f"{where}: {before[key]!r} is lost")
            elif key not in before:
                found.append(f"{where}: {after[key]!r} is added")
            else:
                found += differences(before[key], after[key], where)
        if list(before) != list(after) and not found:
            found.append(f"{path}: keys reordered")
        return found
    lists = isinstance(before, list) and isinstance(after, list)
    if lists and any(isinstance(item, dict) for item in [*before, *after]):
        names = [_name(item, i) for i, item in enumerate(before)]
        if names != [_name(item, i) for i, item in enumerate(after)]:
            return [f"{path}: {names} became {[_name(x, i) for i, x in enumerate(after)]}"]
        found = []
        for name, old, new in zip(names, before, after, strict=True):
            found += differences(old, new, f"{path}[{name}]")
        return found
    if type(before) is not type(after) or before != after:
        return [f"{path}: {before!r} became {after!r}"]
    return []


def _name(item: Any, index: int) -> str:
    return str(item["code"]) if isinstance(item, dict) and "code" in item else str(index)


def _through_xlsform(instrument, folder: Path):
    """The instrument written as an XLSForm, that form converted by pyxform, and read back."""
    form = write_xlsform(instrument, folder / "form.xlsx")
    assert convert(xlsform=str(form), file_type=".xlsx").warnings == []
    return read_xlsform(form)


def _assert_same(before, after) -> None:
    """The two instruments agree in every field; else the fields that differ, one a line."""
    found = differences(instrument_to_dict(before), instrument_to_dict(after))
    assert found == [], "\n" + "\n".join(found)


def test_differences_names_each_changed_field():
    before = {"sections": [{"code": "a", "questions": [{"code": "q", "sesoi": 2}]}], "w": [1]}
    after = {"sections": [{"code": "a", "questions": [{"code": "q", "sesoi": 2.0}]}]}
    assert differences(before, after) == [
        "sections[a].questions[q].sesoi: 2 became 2.0",
        "w: [1] is lost",
    ]


@pytest.mark.parametrize("path", INSTRUMENTS, ids=lambda p: p.name)
def test_a_bundled_instrument_comes_back_whole(path, tmp_path):
    instrument = load_instrument(path)
    result = _through_xlsform(instrument, tmp_path)
    assert result.lost == ()
    _assert_same(instrument, result.instrument)
    assert result.instrument == instrument
    assert not_carried(instrument) == ()


EVERYTHING = dedent(
    """\
    id: everything
    version: "3"
    title: {en: Every block, zh: 每一部分}
    languages: [en, zh]
    consent: {en: "Do you agree to answer?", zh: "您同意回答吗？"}
    waves: [2019, 2020, 2022]
    key: [hh]
    choices:
      yn: [{code: 1, en: Yes, zh: 是}, {code: 0, en: No, zh: 否}]
      agree: [{code: 1, en: No, zh: 不}, {code: 2, en: Some, zh: 有些}, {code: 3, en: Yes, zh: 是}]
    scales:
      trust: {label: {en: Trust, zh: 信任}, choices: agree}
    sections:
      - code: visit
        label: {en: Visit, zh: 访问}
        questions:
          - {code: hh, type: text, required: true, label: {en: Household, zh: 户}}
          - {code: agreed, type: select_one, choices: yn, label: {en: Agreed, zh: 同意}}
          - code: began
            type: datetime
            label: {en: Started at, zh: 开始时间}
            hint: {en: Date and time, zh: 日期和时间}
          - {code: enum, type: text, label: {en: Enumerator, zh: 调查员}}
          - {code: day, type: date, label: {en: Day, zh: 日期}}
          - {code: finished, type: datetime, label: {en: Ended at, zh: 结束时间}}
      - code: money
        label: {en: Money, zh: 钱}
        questions:
          - code: income
            type: integer
            label: {en: Income, zh: 收入}
            unit: CNY
            waves: [2020, 2022]
            sesoi: 500
          - code: spending
            type: integer
            label: {en: Spending, zh: 支出}
            unit: CNY
            waves: [2020, 2022]
          - {code: debt, type: integer, min: 0, label: {en: Debt, zh: 债务}}
          - {code: loans, type: integer, label: {en: Loans, zh: 贷款}}
          - {code: earned, type: integer, unit: CNY, label: {en: Earned, zh: 挣}}
          - {code: t1, type: likert, scale: trust, label: {en: Trust 1, zh: 信任1}}
          - {code: t2, type: likert, scale: trust, label: {en: Trust 2, zh: 信任2}}
      - code: members
        label: {en: Members, zh: 成员}
        roster: {key: member, sums: [{total: earned, part: earnings, tolerance: 1}]}
        questions:
          - {code: member, type: integer, required: true, label: {en: Member, zh: 成员}}
          - {code: earnings, type: integer, unit: CNY, label: {en: Earnings, zh: 收入}}
    checks:
      - code: spending_above_income
        rule: spending <= 2 * income
        message: {en: Spending is above twice the income, zh: 支出超过收入的两倍}
      - {code: debt_not_loans, rule: debt <= loans, severity: error}
      - {code: debt_small, rule: debt < 1000000, severity: error}
    model:
      constructs:
        growth: {label: {en: Income growth, zh: 收入增长}, growth: income}
      paths:
        - {from: trust, to: growth}
    derive:
      earners: count(roster.members, earnings > 0)
      earnings:
        expression: sum(roster.members, earnings)
        label: {en: Earnings added up, zh: 收入合计}
        sesoi: 100
    monitoring:
      enumerator: enum
      date: day
      start: began
      end: finished
      min_minutes: 20
      dont_know: [-98]
      refused: [-99]
      consent: {question: agreed, yes: [1]}
      outcomes: [income_2022]
    """
)


def test_every_block_of_an_instrument_comes_back(tmp_path):
    instrument = parse_instrument(EVERYTHING)
    result = _through_xlsform(instrument, tmp_path)
    assert result.lost == ()
    _assert_same(instrument, result.instrument)
    assert result.instrument == instrument


def _read(path: Path, folder: Path):
    if path.suffix == ".md":  # pyxform's tables, as its own tests write forms
        form = folder / f"{path.stem}.xlsx"
        md_table_to_workbook(path.read_text("utf-8")).save(form)
        path = form
    return read_xlsform(path)


@pytest.mark.parametrize("path", FORMS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_real_form_imported_comes_back_the_same_through_its_own_xlsform(path, tmp_path):
    first = _read(path, tmp_path).instrument
    second = _through_xlsform(first, tmp_path)
    assert second.lost == ()
    _assert_same(first, second.instrument)
    assert not_carried(first) == ()


def test_what_an_xlsform_cannot_hold_is_named_and_the_command_warns(tmp_path):
    # U+FFFF is a Unicode noncharacter: no .xlsx can hold it, so the written form leaves it out
    text = EVERYTHING.replace("label: {en: Debt, zh: 债务}", 'label: {en: "Debt\\uffff", zh: 债务}')
    instrument = parse_instrument(text)
    assert not_carried(instrument) == (
        "the characters U+FFFE and U+FFFF, which no .xlsx can hold (sections[money].questions[debt].label.en)",
    )
    source = tmp_path / "everything.yaml"
    source.write_text(text, encoding="utf-8")
    form = tmp_path / "form.xlsx"
    result = CliRunner().invoke(main, ["xlsform", str(source), "-o", str(form)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == (
        "warning: not carried by the XLSForm: the characters U+FFFE and U+FFFF, which no .xlsx "
        "can hold (sections[money].questions[debt].label.en)"
    )
    assert lines[1].startswith(f"wrote {form} (everything 3, ")
    back = read_xlsform(form).instrument
    assert back.question("debt").label == {"en": "Debt", "zh": "债务"}


def _without_rules(data: dict[str, Any]) -> dict[str, Any]:
    """The data without the questions' skip rules (compared column by column instead)."""
    for section in data["sections"]:
        for question in section["questions"]:
            question.pop("relevant", None)
    return data


def _rules_as_meant(instrument) -> list[tuple[str, str]]:
    """Each column's skip rule as what it means: XPath spells ``q in [1, 3]`` its own way, and
    a question asked in 2016 may name ``x_2016`` or ``x`` for the same column."""
    tables = [instrument, *(roster_instrument(instrument, r) for r in instrument.rosters)]
    return [(c.code, repr(_canonical(c.relevant))) for t in tables for c in t.columns]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instruments())
def test_a_random_instrument_comes_back_whole(tmp_path_factory, data):
    assume(not {"\ufffe", "\uffff"} & set(json.dumps(data, ensure_ascii=False, default=str)))
    instrument = parse_instrument(yaml.safe_dump(data, sort_keys=False))
    path = write_xlsform(instrument, tmp_path_factory.mktemp("rt") / "form.xlsx")
    again = read_xlsform(path).instrument
    found = differences(
        _without_rules(instrument_to_dict(instrument)), _without_rules(instrument_to_dict(again))
    )
    assert found == [], "\n" + "\n".join(found)
    assert _rules_as_meant(again) == _rules_as_meant(instrument)


def _settings(sheets, **extra):
    """The form's sheets as rows, with settings columns added or replaced."""
    header, values = (list(row) for row in sheets.settings)
    for key, value in extra.items():
        if key in header:
            values[header.index(key)] = value
        else:
            header.append(key)
            values.append(value)
    return {"survey": sheets.survey, "choices": sheets.choices, "settings": [header, values]}


def test_blocks_that_do_not_fit_or_are_not_json_are_reported_and_the_rest_kept():
    instrument = parse_instrument(EVERYTHING)
    sheets = build_xlsform(instrument)
    broken = _settings(sheets, **{"villagesurvey:model": "{not json"})
    result = xlsform_to_instrument(broken)
    assert [(f.code, f.column, f.lost) for f in result.findings if f.lost] == [
        ("setting_not_mapped", "villagesurvey:model", True)
    ]
    assert result.instrument.model is None
    assert result.instrument.rules == instrument.rules  # the other blocks are read
    assert result.instrument.monitoring_declared == instrument.monitoring_declared
    # a check naming a question the form does not have: the blocks are left out, said so
    checks = '[{"code": "c", "rule": "nothing <= income", "severity": "error"}]'
    result = xlsform_to_instrument(_settings(sheets, **{"villagesurvey:checks": checks}))
    lost = [f for f in result.findings if f.lost]
    assert [(f.code, f.column) for f in lost] == [("setting_not_mapped", "villagesurvey:*")]
    assert "nothing" in lost[0].message
    assert result.instrument.model is None
    assert result.instrument.consent is None
    assert [q.code for q in result.instrument.questions] == [q.code for q in instrument.questions]


def test_a_check_that_is_an_error_is_also_the_phones_constraint(tmp_path):
    header, *rows = build_xlsform(parse_instrument(EVERYTHING)).survey
    constraints = {row[1]: row[header.index("constraint")] for row in rows}
    # debt <= loans names a later question: a constraint cannot, the settings hold it
    assert constraints["debt"] == ". >= 0"
    text = EVERYTHING.replace(
        "{code: debt_not_loans, rule: debt <= loans, severity: error}",
        "{code: debt_not_loans, rule: loans <= 3 * debt, severity: error}",
    )
    header, *rows = build_xlsform(parse_instrument(text)).survey
    constraints = {row[1]: row[header.index("constraint")] for row in rows}
    assert constraints["loans"] == ". <= 3 * ${debt}"
    # pyxform binds it as the XForm's constraint
    form = write_xlsform(parse_instrument(text), tmp_path / "form.xlsx")
    xform = ET.fromstring(convert(xlsform=str(form), file_type=".xlsx").xform)
    bind = xform.find(".//{http://www.w3.org/2002/xforms}bind[@nodeset='/data/money/loans']")
    assert " ".join(bind.attrib["constraint"].split()) == ". <= 3 * /data/money/debt"


def test_form_title_edited_in_the_form_is_the_first_languages_title():
    sheets = build_xlsform(parse_instrument(EVERYTHING))
    result = xlsform_to_instrument(_settings(sheets, form_title="Every block, again"))
    assert result.instrument.title == {"en": "Every block, again", "zh": "每一部分"}


def test_a_title_with_spaces_around_it_comes_back_as_it_was(tmp_path):
    text = EVERYTHING.replace(
        "title: {en: Every block, zh: 每一部分}", 'title: {en: " Every ", zh: " Every "}'
    )
    instrument = parse_instrument(text)
    assert read_xlsform(write_xlsform(instrument, tmp_path / "f.xlsx")).instrument.title == {
        "en": " Every ",
        "zh": " Every ",
    }


def test_start_and_end_come_back_in_their_places_whatever_their_order(tmp_path):
    # the end asked before the start and just before it: the start row follows the end row
    lines = EVERYTHING.splitlines(keepends=True)
    finished = next(i for i, line in enumerate(lines) if "code: finished" in line)
    began = next(i for i, line in enumerate(lines) if "code: began" in line)
    lines.insert(began + 4, lines.pop(finished))
    text = "".join(lines).replace("start: began\n  end: finished", "start: finished\n  end: began")
    instrument = parse_instrument(text)
    assert [q.code for q in instrument.sections[0].questions] == [
        "hh", "agreed", "began", "finished", "enum", "day"
    ]  # fmt: skip
    assert instrument.monitoring_declared.start == "finished"
    _, *rows = build_xlsform(instrument).survey
    assert [row[:2] for row in rows[:2]] == [("start", "finished"), ("end", "began")]
    result = _through_xlsform(instrument, tmp_path)
    _assert_same(instrument, result.instrument)
