"""Time ``villagesurvey validate --partition-rows`` with different ``--jobs``, alternating.

Run it from a checkout with the package installed (psutil needed)::

    python bench/jobs.py CSV [--jobs 1,2] [--rounds 2] [--partition-rows 100000] [--out DIR]

Each round runs validate once per ``--jobs`` value, in turn (1, 2, 1, 2, ...), so that a
change in the machine's load falls on every value alike. For each run it prints the wall
seconds, the CPU seconds of the process tree (user + system, the workers included), the
peak resident memory of the tree (summed over the process and its workers, sampled every
20 ms) and the load average before the run, as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INSTRUMENT = HERE.parent / "instruments" / "village_ecommerce.yaml"
sys.path.insert(0, str(HERE))

from run import _tree_rss  # noqa: E402 -- bench/run.py, beside this file


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_once(csv: Path, jobs: int, rows: int, out: Path) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds, peak tree bytes and exit code of one validate run."""
    import psutil

    command = [sys.executable, "-m", "villagesurvey", "validate", str(INSTRUMENT), str(csv),
               "-o", str(out), "--partition-rows", str(rows), "--jobs", str(jobs)]  # fmt: skip
    cpu, start = _children_cpu(), time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    watched = psutil.Process(process.pid)
    peak, done = [0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss(watched))
            except Exception:  # it ended between two samples
                return
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"validate --jobs {jobs} failed:\n{errors.decode()[-2000:]}")
    return wall, _children_cpu() - cpu, peak[0], process.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", type=Path)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--partition-rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="villagesurvey-jobs-")) / "out"
    print("| round | --jobs | wall s | CPU s | peak MiB (tree) | load before |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for round_ in range(1, args.rounds + 1):
        for jobs in (int(j) for j in args.jobs.split(",")):
            load = os.getloadavg()[0]
            wall, cpu, peak, _ = run_once(args.csv, jobs, args.partition_rows, out)
            print(f"| {round_} | {jobs} | {wall:.1f} | {cpu:.1f} | {peak / 2**20:,.0f} | "
                  f"{load:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
