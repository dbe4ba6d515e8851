"""The back-check sample: stratified, reproducible, never showing a back-checked answer."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import OptionError
from villagesurvey.monitoring.backcheck_sample import backcheck_sample

from .test_backcheck import INSTRUMENT


def _clean(rows: int = 45) -> pd.DataFrame:
    # E1 has 30 interviews, E2 14, E3 1
    who = ["E1"] * 30 + ["E2"] * 14 + ["E3"]
    return pd.DataFrame(
        {
            "village": ["A" if i % 2 else "B" for i in range(rows)],
            "hh": [str(i + 1) for i in range(rows)],
            "enumerator": who[:rows],
            "hh_size": ["4"] * rows,
            "head_name": [f"name {i}" for i in range(rows)],
            "spending": ["100"] * rows,
        }
    )


def test_each_enumerator_gets_a_share_and_at_least_one():
    sample = backcheck_sample(parse_instrument(INSTRUMENT), _clean(), share=0.1, seed=1)
    # 10% of 30 = 3, of 14 = 1.4 -> 1, of 1 = 0.1 -> at least 1
    assert sample["enumerator"].value_counts().to_dict() == {"E1": 3, "E2": 1, "E3": 1}
    assert list(sample.columns) == ["enumerator", "village", "hh"]


def test_the_same_seed_draws_the_same_rows_whatever_their_order():
    instrument = parse_instrument(INSTRUMENT)
    clean = _clean()
    first = backcheck_sample(instrument, clean, share=0.2, seed=7)
    shuffled = clean.sample(frac=1, random_state=3).reset_index(drop=True)
    again = backcheck_sample(instrument, shuffled, share=0.2, seed=7)
    pd.testing.assert_frame_equal(first, again)
    other = backcheck_sample(instrument, clean, share=0.2, seed=8)
    assert set(other["hh"]) != set(first["hh"])


def test_the_draw_is_numpys_pcg64_stream():
    # The rule, written out independently: strata sorted, rows by key, one PCG64 uniform per
    # row, the smallest drawn.
    import numpy as np

    clean = _clean(4)  # E1 only: households 1..4, keys (B,1) (A,2) (B,3) (A,4)
    sample = backcheck_sample(parse_instrument(INSTRUMENT), clean, share=0.5, seed=1)
    draws = np.random.Generator(np.random.PCG64(1)).random(4)
    ordered = [("A", "2"), ("A", "4"), ("B", "1"), ("B", "3")]
    chosen = {ordered[i] for i in np.argsort(draws)[:2]}
    assert set(zip(sample["village"], sample["hh"], strict=True)) == chosen


def test_a_back_checked_answer_is_never_in_the_sample():
    with pytest.raises(OptionError, match="hh_size is back-checked"):
        backcheck_sample(parse_instrument(INSTRUMENT), _clean(), keep=["hh_size"])
    sample = backcheck_sample(parse_instrument(INSTRUMENT), _clean(), keep=["spending"])
    assert "spending" in sample
    assert "hh_size" not in sample


def test_the_command(tmp_path: Path):
    instrument = tmp_path / "i.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    clean = tmp_path / "clean.csv"
    _clean().to_csv(clean, index=False)
    runs = []
    for name in ("a.csv", "b.csv"):
        result = CliRunner().invoke(
            main,
            ["backcheck-sample", str(instrument), str(clean), "--share", "0.1", "--by",
             "enumerator", "--seed", "1", "-o", str(tmp_path / name)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "drew 5 back-checks from 3 enumerator values" in result.output
        runs.append((tmp_path / name).read_bytes())
    assert runs[0] == runs[1]
    with (tmp_path / "a.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == ["enumerator", "village", "hh"]
    result = CliRunner().invoke(
        main, ["backcheck-sample", str(instrument), str(clean), "--by", "team", "-o",
               str(tmp_path / "c.csv")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "no column team" in result.output
