"""The benchmark suite runs end to end on its smallest size and prints its tables.

How fast anything is belongs to ``bench/RESULTS.md``, not here: this only checks that the
suite works (generates the returns, times validate against both baselines, start-up and
report) so that it is not found broken on the day someone wants the numbers.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_smallest_size_runs_and_prints_its_tables(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", "small", "--runs", "1",
         "--data", str(tmp_path)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    rows = [line.split("|")[1:-1] for line in lines if line.startswith("| small |")]
    assert [cells[1].strip() for cells in rows][:1] == ["villagesurvey validate"]
    assert len(rows) == 3  # validate, the floor and pandas, on the same files
    for cells in rows:
        seconds, peak, rate = (float(c.replace(",", "")) for c in cells[2:5])
        assert min(seconds, peak, rate) > 0
    assert any(line.startswith("| `villagesurvey --help` |") for line in lines)
    assert any(
        line.startswith("| 62 (sample_data/truth.csv), as run by default |") for line in lines
    )
    assert len(list((tmp_path / "small").glob("*.xlsx"))) == 11  # the model study's villages
