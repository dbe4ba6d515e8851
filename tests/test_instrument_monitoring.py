"""The instrument's ``monitoring:`` block: read, checked by line, defaulted, dumped back."""

from __future__ import annotations

from textwrap import dedent

import pytest

from villagesurvey.errors import InstrumentError
from villagesurvey.instrument import (
    Consent,
    Monitoring,
    dump_instrument,
    parse_instrument,
)

HEAD = dedent(
    """\
    id: watched
    version: "1"
    title: {en: Watched}
    languages: [en]
    waves: [2020, 2022]
    key: [hh]
    choices:
      yes_no:
        - {code: 1, en: "Yes"}
        - {code: 0, en: "No"}
    sections:
      - code: meta
        label: Interview
        questions:
          - {code: hh, type: text, required: true, label: Household}
          - {code: enumerator, type: text, label: Enumerator}
          - {code: interviewer, type: text, label: Interviewer}
          - {code: interview_date, type: date, label: Day}
          - {code: start, type: datetime, label: Started}
          - {code: end, type: datetime, label: Ended}
          - {code: consent, type: select_one, choices: yes_no, label: Agrees}
      - code: money
        label: Money
        questions:
          - {code: income, type: decimal, waves: [2020, 2022], label: Income}
          - {code: sells, type: select_one, choices: yes_no, waves: [2020, 2022], label: Sells}
          - {code: members, type: integer, label: Members}
    """
)


def _read(block: str) -> object:
    return parse_instrument(HEAD + dedent(block))


def _problems(block: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InstrumentError) as caught:
        _read(block)
    return [(p.line, p.check, p.message) for p in caught.value.problems]


def test_without_a_block_the_defaults_come_from_the_questions():
    instrument = parse_instrument(HEAD)
    assert instrument.monitoring_declared == Monitoring()
    assert instrument.monitoring == Monitoring(
        enumerator="enumerator", date="interview_date", start="start", end="end",
        outcomes=("income_2022",),  # sells is compared too, but is no number
    )  # fmt: skip
    assert "monitoring" not in dump_instrument(instrument)


def test_a_full_block_is_read_and_dumped_back_unchanged():
    instrument = _read(
        """\
        monitoring:
          enumerator: interviewer
          date: start
          min_minutes: 20
          dont_know: [-98, 9999, dk]
          refused: -99
          consent: {question: consent, yes: [1]}
          outcomes: [income, members]
        """
    )
    assert instrument.monitoring == Monitoring(
        enumerator="interviewer", date="start", start="start", end="end", min_minutes=20,
        dont_know=(-98, 9999, "dk"), refused=(-99,), consent=Consent("consent", (1,)),
        outcomes=("income_2022", "members"),
    )  # fmt: skip
    assert instrument.monitoring_declared.outcomes == ("income", "members")
    again = parse_instrument(dump_instrument(instrument))
    assert again == instrument
    assert again.monitoring == instrument.monitoring


def test_the_block_leaves_the_content_hash_alone():
    plain = parse_instrument(HEAD)
    watched = _read("monitoring: {enumerator: interviewer, min_minutes: 15}\n")
    assert watched.content_hash == plain.content_hash


def test_an_empty_outcomes_list_means_none():
    assert _read("monitoring: {outcomes: []}\n").monitoring.outcomes == ()


def test_every_mistake_is_located_with_its_code():
    line = HEAD.count("\n") + 1
    problems = _problems(
        """\
        monitoring:
          enumeratr: interviewer
          enumerator: interviwer
          date: income
          start: interview_date
          min_minutes: -5
          dont_know: [true]
          consent: {question: consent, yes: [2]}
          outcomes: [sells_2022, nothing]
        """
    )
    assert [(where - line, check) for where, check, _ in problems] == [
        (1, "unknown_field"),
        (2, "unknown_question"),
        (3, "wrong_type"),
        (4, "wrong_type"),
        (5, "bad_limit"),
        (6, "wrong_type"),
        (7, "unknown_choice"),
        (8, "wrong_type"),
        (8, "unknown_question"),
    ]
    messages = [m for _, _, m in problems]
    assert "did you mean 'enumerator'" in messages[0]
    assert "did you mean 'interviewer'" in messages[1]
    assert "asked in waves" in messages[2]
    assert "must be datetime" in messages[3]
    assert "'sells_2022' is a select_one question" in messages[7]


def test_a_block_that_is_not_a_mapping_or_a_consent_without_yes_is_refused():
    assert [c for _, c, _ in _problems("monitoring: [enumerator]\n")] == ["wrong_type"]
    assert [c for _, c, _ in _problems("monitoring: {consent: {question: consent}}\n")] == [
        "missing_field"
    ]
    assert [c for _, c, _ in _problems("monitoring: {outcomes: income}\n")] == ["wrong_type"]
