"""Rosters within a roster (plots within farms) and ages against relation, in the instrument."""

from __future__ import annotations

import pytest

from tests.rosters import FARMS
from tests.test_instrument_rosters import line_of, problems
from villagesurvey.instrument import (
    OlderThan,
    RosterSum,
    dump_instrument,
    parse_instrument,
    roster_instrument,
)


def test_a_nested_roster_is_read_with_its_outer_roster():
    instrument = parse_instrument(FARMS)
    assert [(r.code, r.within) for r in instrument.rosters] == [
        ("members", None), ("farms", None), ("plots", "farms"),
    ]  # fmt: skip
    plots = instrument.rosters[2]
    assert (plots.key, plots.count, plots.exactly_one) == ("plot", "n_plots", "main = 1")
    assert plots.sums == (RosterSum("area", "plot_area", 0.1),)


def test_a_nested_roster_table_has_both_parents_keys_first():
    instrument = parse_instrument(FARMS)
    table = roster_instrument(instrument, "plots")
    assert table.key == ("village", "hh", "farm", "plot")
    assert [c.code for c in table.columns] == [
        "village", "hh", "farm", "plot", "main", "crop", "plot_area"
    ]  # fmt: skip
    assert [s.code for s in table.sections] == ["household", "farms", "plots"]
    assert table.column("farm").relevant is None


def test_older_than_is_read_as_declared():
    (members, *_) = parse_instrument(FARMS).rosters
    assert members.older_than == (
        OlderThan("relation = 2", "relation = 3", "age"),
        OlderThan("relation = 4", "relation = 1", "age", 12),
    )


def test_nested_rosters_and_ages_survive_the_round_trip():
    instrument = parse_instrument(FARMS)
    again = parse_instrument(dump_instrument(instrument))
    assert again == instrument
    assert again.content_hash == instrument.content_hash


def test_a_nested_roster_written_before_its_outer_one_follows_it():
    start = FARMS.index("  - code: farms")
    middle = FARMS.index("  - code: plots")
    text = FARMS[:start] + FARMS[middle:] + FARMS[start:middle]
    instrument = parse_instrument(text)
    assert [r.code for r in instrument.rosters] == ["members", "farms", "plots"]
    assert parse_instrument(dump_instrument(instrument)) == instrument


DEEPER = """\
  - code: trees
    label: {en: Trees}
    roster:
      key: tree
      within: plots
    questions:
      - {code: tree, type: integer, required: true, label: {en: Tree}}
"""


def test_a_roster_nested_twice_is_refused_on_its_line():
    text = FARMS + DEEPER
    assert problems(text) == [(line_of(text, "within: plots"), "roster 'trees'", "nested_too_deep")]


@pytest.mark.parametrize(
    ("old", "new", "where", "check"),
    [
        ("within: farms", "within: farm", "plots", "unknown_roster"),
        ("within: farms", "within: plots", "plots", "unknown_roster"),
        ("within: farms", "within: household", "plots", "unknown_roster"),
        ("count: n_plots", "count: n_farms", "plots", "unknown_question"),
        ("count: n_plots", "count: area", "plots", "wrong_type"),
        ("{total: area, part: plot_area, tolerance: 0.1}",
         "{total: land, part: plot_area}", "plots", "unknown_question"),
        ("exactly_one: main = 1", "exactly_one: n_plots = 1", "plots", "unknown_question"),
        ("younger: relation = 3, age: age}", "younger: relation = = 3, age: age}",
         "members", "bad_condition"),
        ("younger: relation = 3, age: age}", "younger: relation = 3, age: relation}",
         "members", "wrong_type"),
        ("younger: relation = 3, age: age}", "younger: relation = 3, age: aeg}",
         "members", "unknown_question"),
        ("younger: relation = 3, age: age}", "younger: hh_size = 3, age: age}",
         "members", "unknown_question"),
        ("age: age, by: 12}", "age: age, by: -1}", "members", "bad_limit"),
        ("age: age, by: 12}", "age: age, gap: 12}", "members", "unknown_field"),
        ("{older: relation = 2, younger: relation = 3, age: age}",
         "{older: relation = 2, age: age}", "members", "missing_field"),
    ],
)  # fmt: skip
def test_each_nested_roster_and_age_mistake_is_on_its_line(old, new, where, check):
    assert FARMS.count(old) == 1
    text = FARMS.replace(old, new)
    line = FARMS[: FARMS.index(old)].count("\n") + 1
    assert problems(text) == [(line, f"roster {where!r}", check)]


def test_a_nested_roster_question_names_only_its_own_level():
    text = FARMS.replace("relevant: crop = 1", "relevant: area > 1")
    assert problems(text) == [(line_of(text, "code: plot_area"), "question 'plot_area'",
                               "other_level")]  # fmt: skip


def test_check_says_which_roster_a_roster_is_within(tmp_path):
    from click.testing import CliRunner

    from villagesurvey.cli import main

    path = tmp_path / "farms.yaml"
    path.write_text(FARMS, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 0
    assert result.output.splitlines()[0].endswith(
        "; roster plots: 4 questions, key plot, within farms"
    )
