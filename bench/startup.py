"""How long ``villagesurvey --help`` takes, against the floor of importing click alone.

Run it from a checkout with the package installed::

    python bench/startup.py [--runs 20]

It prints the median wall time of each command over the runs, their ratio, and the modules
that ``python -X importtime`` says cost the most during ``villagesurvey --help``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def _median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _costliest_imports(count: int) -> list[tuple[int, str]]:
    code = "from villagesurvey.cli import main; main(['--help'])"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if not name.startswith(" "):  # top-level imports only
            rows.append((int(cumulative), name.strip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    floor = _median_seconds([sys.executable, "-c", "import click"], runs)
    ours = _median_seconds([sys.executable, "-m", "villagesurvey", "--help"], runs)
    print(f"{'command':<32}{'median (ms)':>12}")
    for name, seconds in (("python -c 'import click'", floor), ("villagesurvey --help", ours)):
        print(f"{name:<32}{seconds * 1000:>12.1f}")
    print(f"ratio: {ours / floor:.2f} (target: at most 2)")
    print("\ncostliest top-level imports of villagesurvey --help (cumulative, us):")
    for micros, name in _costliest_imports(8):
        print(f"  {micros:>8}  {name}")


if __name__ == "__main__":
    main()
