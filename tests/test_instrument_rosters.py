"""Rosters in the instrument: read, checked with every mistake located, written back."""

from __future__ import annotations

import pytest

from tests.rosters import HOUSEHOLD
from villagesurvey.errors import InstrumentError
from villagesurvey.instrument import (
    RosterSum,
    dump_instrument,
    parse_instrument,
    roster_instrument,
)


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text)
    return [(p.line, p.where, p.check) for p in caught.value.problems]


def line_of(text: str, fragment: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_a_roster_is_read_apart_from_the_household_questions():
    instrument = parse_instrument(HOUSEHOLD)
    assert [q.code for q in instrument.questions] == ["village", "hh", "hh_size", "family_income"]
    (roster,) = instrument.rosters
    assert roster.code == "members"
    assert roster.key == "member"
    assert roster.count == "hh_size"
    assert roster.exactly_one == "relation = 1"
    assert roster.sums == (RosterSum("family_income", "income", 1),)
    assert [q.code for q in roster.section.questions][:2] == ["member", "relation"]
    assert roster.section.questions[-1].pii


def test_the_roster_table_has_the_parent_key_first():
    instrument = parse_instrument(HOUSEHOLD)
    table = roster_instrument(instrument, "members")
    assert table.key == ("village", "hh", "member")
    assert [c.code for c in table.columns] == [
        "village", "hh", "member", "relation", "sex", "age", "income", "phone"
    ]  # fmt: skip
    assert table.column("income").relevant is not None
    with pytest.raises(KeyError):
        roster_instrument(instrument, "plots")


def test_a_roster_survives_the_round_trip():
    instrument = parse_instrument(HOUSEHOLD)
    again = parse_instrument(dump_instrument(instrument))
    assert again == instrument
    assert again.content_hash == instrument.content_hash


@pytest.mark.parametrize(
    ("old", "new", "check"),
    [
        ("key: member", "key: relation", "key_not_required"),
        ("key: member", "key: members_no", "unknown_question"),
        ("count: hh_size", "count: family_income", "wrong_type"),
        ("count: hh_size", "count: age", "unknown_question"),
        ("exactly_one: relation = 1", "exactly_one: relation = = 1", "bad_condition"),
        ("exactly_one: relation = 1", "exactly_one: hh_size = 1", "unknown_question"),
        ("{total: family_income, part: income, tolerance: 1}",
         "{total: family_income, part: sex}", "wrong_type"),
        ("{total: family_income, part: income, tolerance: 1}",
         "{total: family_income, part: income, tolerance: -1}", "bad_limit"),
        ("exactly_one: relation = 1", "exactly_one: relation = 1\n      severity: fatal",
         "bad_severity"),
        ("count: hh_size", "count: hh_size\n      nest: 2", "unknown_field"),
    ],
)  # fmt: skip
def test_each_roster_mistake_is_reported_on_its_line(old, new, check):
    text = HOUSEHOLD.replace(old, new)
    line = line_of(text, new.splitlines()[-1].strip())
    assert problems(text) == [(line, "roster 'members'", check)]


def test_a_roster_without_a_key_is_refused():
    text = HOUSEHOLD.replace("      key: member\n", "")
    assert problems(text) == [(line_of(text, "roster:"), "roster 'members'", "missing_field")]


def test_skip_rules_do_not_cross_levels():
    text = HOUSEHOLD.replace("relevant: age >= 16", "relevant: hh_size >= 2")
    line = line_of(text, "code: income")
    assert problems(text) == [(line, "question 'income'", "other_level")]
    text = HOUSEHOLD.replace(
        "label: {en: Family income}}", "relevant: age > 1, label: {en: Family income}}"
    )
    line = line_of(text, "code: family_income")
    assert problems(text) == [
        (line, "question 'family_income'", "later_question"),
        (line, "question 'family_income'", "other_level"),
    ]


def test_roster_question_codes_are_unique_across_levels():
    text = HOUSEHOLD.replace("{code: phone,", "{code: hh_size,")
    assert "duplicate_code" in [p[2] for p in problems(text)]


def test_a_household_check_cannot_name_a_roster_question():
    text = HOUSEHOLD + "checks:\n  - {code: c1, rule: income <= family_income}\n"
    assert [p[2] for p in problems(text)] == ["unknown_question"]


def test_check_names_each_roster(tmp_path):
    from click.testing import CliRunner

    from villagesurvey.cli import main

    path = tmp_path / "hh.yaml"
    path.write_text(HOUSEHOLD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].endswith("; roster members: 6 questions, key member")
