"""Skipped answers mean what the instrument says: a structural 0, or not applicable."""

from __future__ import annotations

import pandas as pd
import pytest

from villagesurvey.analysis import analyse
from villagesurvey.instrument import parse_instrument

INSTRUMENT = """\
id: skips
version: "1"
title: {en: Skips}
languages: [en]
waves: [2020, 2022]
key: [village, hh]
choices:
  yes_no:
    - {code: 1, en: "Yes"}
    - {code: 0, en: "No"}
sections:
  - code: main
    label: {en: Main}
    questions:
      - {code: village, type: text, required: true, label: {en: Village}}
      - {code: hh, type: text, required: true, label: {en: Household}}
      - code: sells
        type: select_one
        choices: yes_no
        waves: [2020, 2022]
        label: {en: Sells online}
      - code: sales
        type: decimal
        waves: [2020, 2022]
        relevant: "sells = 1"
        %s
        label: {en: Online sales}
"""

DATA = pd.DataFrame(
    {
        "village": ["A", "A", "B", "B", "C", "C"],
        "hh": ["1", "2", "3", "4", "5", "6"],
        "sells_2020": ["0", "0", "1", "0", "1", ""],
        "sells_2022": ["1", "0", "1", "1", "1", "1"],
        "sales_2020": ["", "", "100", "", "", ""],  # row 5 sold but gave no amount
        "sales_2022": ["300", "", "150", "250", "200", "120"],
    }
)


def _outcome(when_skipped: str) -> pd.Series:
    instrument = parse_instrument(INSTRUMENT % when_skipped)
    analysis = analyse(instrument, DATA, resamples=99)
    table = analysis.outcomes.set_index("outcome")
    return table.loc["sales"], analysis


def test_when_skipped_zero_fills_only_answers_the_rule_skipped():
    row, analysis = _outcome("when_skipped: 0")
    # 2020: rows 1, 2, 4 skipped (sells_2020 = 0) -> 0; row 5 asked but blank -> missing;
    #       row 6 sells_2020 unknown -> missing.  2022: row 2 skipped -> 0.
    # Complete pairs: rows 1-4: before 0, 0, 100, 0; after 300, 0, 150, 250.
    assert row["structural_zeros"] == 4
    assert row["n"] == 4
    assert row["n_excluded"] == 2
    assert row["mean_before"] == pytest.approx(25.0)
    assert row["mean_after"] == pytest.approx(175.0)
    missing = analysis.missing.set_index("column")
    assert missing.loc["sales_2020", "skipped"] == 3
    assert missing.loc["sales_2020", "missing"] == 2
    assert missing.loc["sales_2020", "C"] == 2
    assert missing.loc["sales_2022", "skipped"] == 1
    assert "structural_zeros_headline" in [n.code for n in analysis.notes]


@pytest.mark.parametrize("declared", ["when_skipped: not applicable", ""])
def test_otherwise_skipped_answers_stay_missing(declared):
    row, analysis = _outcome(declared)
    assert row["structural_zeros"] == 0
    assert row["n"] == 1  # only row 3 answered both waves
    assert "structural_zeros_headline" not in [n.code for n in analysis.notes]
