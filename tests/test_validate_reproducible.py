"""Re-running validate with the same returns and corrections gives byte-identical outputs."""

from __future__ import annotations

import time

from villagesurvey import validate_returns, write_validation

from .conftest import ROOT

MESSY = ROOT / "sample_data" / "returns_messy"
CORRECTIONS = ROOT / "sample_data" / "corrections.csv"


def test_two_runs_write_the_same_bytes(model_study, tmp_path):
    folders = []
    for run in ("first", "second"):
        if folders:
            time.sleep(2.1)  # past the 2-second resolution of a zip entry's time
        result = validate_returns(model_study, [MESSY], corrections=CORRECTIONS)
        folders.append(write_validation(result, tmp_path / run))
    names = sorted(p.name for p in folders[0].iterdir())
    assert {"corrections.xlsx", "issues.xlsx", "audit.csv", "summary.json"} <= set(names)
    assert sorted(p.name for p in folders[1].iterdir()) == names
    differ = [n for n in names if (folders[0] / n).read_bytes() != (folders[1] / n).read_bytes()]
    assert differ == []
