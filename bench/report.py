"""How long ``villagesurvey report`` takes on the model study, start-up included.

Run it from a checkout with the package installed::

    python bench/report.py [--runs 5] [--by gender --by village]

It runs the command on ``sample_data/truth.csv`` (62 respondents in 11 villages) into a
temporary folder and prints the median and the slowest wall time over the runs, and the
time of ``python -c 'import villagesurvey.report'`` for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--by", action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        command = [
            sys.executable, "-m", "villagesurvey", "report",
            str(ROOT / "instruments" / "village_ecommerce.yaml"),
            str(ROOT / "sample_data" / "truth.csv"),
            "-o", folder,
        ]  # fmt: skip
        for column in args.by:
            command += ["--by", column]
        times = [_seconds(command) for _ in range(args.runs)]
    imports = _seconds([sys.executable, "-c", "import villagesurvey.report"])
    label = "villagesurvey report (62 respondents)" + "".join(f" --by {b}" for b in args.by)
    print(f"{label}: median {statistics.median(times):.2f} s, slowest {max(times):.2f} s")
    print(f"python -c 'import villagesurvey.report': {imports:.2f} s")


if __name__ == "__main__":
    main()
