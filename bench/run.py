"""The benchmarks of villagesurvey: validate and report against what a user would otherwise do.

Run it from a checkout with the package installed (``pip install -e ".[bench]"`` for
fastexcel, psutil and xlsxwriter; it runs without them, less precisely)::

    python bench/run.py [--sizes small,season,national] [--runs 3] [--curve] [--data DIR]

For each size (see ``bench/generate.py``) it generates the returns once (kept in ``--data``
for the next run), then times, on the same files and in the same run:

- ``villagesurvey validate`` (read with every safety check, validate, write every output);
- what a user would otherwise write: ``pandas.read_excel(engine="openpyxl")`` of every file
  (``pandas.read_csv`` for a CSV file);
- the floor: the fastest reader alone, no checks: fastexcel into pandas (python-calamine
  into pandas without fastexcel; ``pyarrow.csv`` for a CSV file).

Each command runs in its own process, ``--runs`` times (the pandas baseline of a size larger
than ``small`` once, it is slow); the best time is kept, and the highest peak memory: the
resident memory of the process and its children (validate reads in worker processes),
summed and sampled every 20 ms (with psutil; without it, the largest single process).

Then ``villagesurvey --help`` against ``python -c "import click"``, and
``villagesurvey report`` on the 62 respondents of the sample and, with ``season`` or
``national``, on 100,000. ``--curve`` times validate on CSV files of 25,000 to 150,000
rows. Everything is printed as Markdown tables, with the machine it ran on.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
INSTRUMENT = ROOT / "instruments" / "village_ecommerce.yaml"
sys.path.insert(0, str(HERE))

import generate  # noqa: E402 -- bench/generate.py, beside this file

_LIBRARIES = ("pandas", "pyarrow", "numpy", "pandera", "python-calamine", "openpyxl",
              "fastexcel", "xlsxwriter", "psutil", "click")  # fmt: skip
_PANDAS_RUNS_BEYOND_SMALL = 1


@dataclass(frozen=True)
class Timing:
    """The best wall time of a command over its runs, and its highest peak memory."""

    seconds: float
    peak_bytes: int
    exit_code: int


# -- measuring ---------------------------------------------------------------------------------


def _tree_rss(process: object) -> int:
    import psutil

    assert isinstance(process, psutil.Process)
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total


def _run_once(command: list[str]) -> Timing:
    """Run a command, sampling the memory of its process tree; its time and peak."""
    import resource

    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = [0]
    try:
        import psutil

        watched = psutil.Process(process.pid)
    except (ImportError, Exception):  # no psutil, or the process ended already
        watched = None
    done = threading.Event()

    def sample() -> None:
        while watched is not None and not done.is_set():
            try:
                peak[0] = max(peak[0], _tree_rss(watched))
            except Exception:  # the process ended between two samples
                return
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, errors = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode not in (0, 1, 2):  # validate: 1 errors in the data, 2 none read
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{errors.decode()[-2000:]}")
    if watched is None:  # the largest single process that has ended (KiB on Linux)
        peak[0] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return Timing(seconds, peak[0], process.returncode)


def measure(command: list[str], runs: int) -> Timing:
    """Best time and highest peak over ``runs`` runs of ``command``."""
    timings = [_run_once(command) for _ in range(max(1, runs))]
    best = min(timings, key=lambda t: t.seconds)
    return Timing(best.seconds, max(t.peak_bytes for t in timings), best.exit_code)


def _median_seconds(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- baselines (run in a process of their own: python bench/run.py --baseline KIND FILE...) ---


def _dask_phases(workers: int, out: str, phases: str, files: list[str]) -> None:
    """Validate ``files`` on a local Dask cluster of ``workers``; write each step's seconds
    (cluster start, scan and heads, checks, duplicates and outliers, writing) to ``phases``."""
    from villagesurvey.instrument import load_instrument
    from villagesurvey.validate.dask_cluster import dask_client
    from villagesurvey.validate.dask_run import validate_dask

    marks = [("start", time.perf_counter())]
    with dask_client(workers=workers) as client:
        marks.append(("cluster", time.perf_counter()))
        result = validate_dask(
            load_instrument(INSTRUMENT), files, out, client,
            stage=lambda line: marks.append((line.split(" ")[0], time.perf_counter())),
        )  # fmt: skip
        marks.append(("done", time.perf_counter()))
    names = ["cluster start", "listing", "scan and heads", "checks", "duplicates and outliers",
             "writing"]  # fmt: skip
    seconds = [round(b[1] - a[1], 1) for a, b in itertools.pairwise(marks)]
    Path(phases).write_text(json.dumps(dict(zip(names, seconds, strict=False))), encoding="utf-8")
    print(result.rows_in)


def _baseline(kind: str, files: list[str]) -> None:
    import pandas as pd

    from villagesurvey.workbook import CODE_ROW

    rows = 0
    for file in files:
        if kind == "pandas-excel":
            frame = pd.read_excel(file, engine="openpyxl", sheet_name=0, header=CODE_ROW - 1)
        elif kind == "pandas-csv":
            frame = pd.read_csv(file)
        elif kind == "floor-csv":
            import pyarrow.csv as pacsv

            frame = pacsv.read_csv(file).to_pandas()
        elif kind == "arrow-csv":  # into Arrow and nothing else
            import pyarrow.csv as pacsv

            rows += pacsv.read_csv(file).num_rows
            continue
        else:
            frame = _floor_excel(file, CODE_ROW)
        rows += len(frame)
    print(rows)


def _floor_excel(file: str, code_row: int) -> object:
    import pandas as pd

    try:
        import fastexcel
    except ImportError:
        from python_calamine import CalamineWorkbook

        cells = CalamineWorkbook.from_path(file).get_sheet_by_index(0).to_python()
        return pd.DataFrame(cells[code_row:], columns=cells[code_row - 1])
    return fastexcel.read_excel(file).load_sheet(0, header_row=code_row - 1).to_pandas()


def _floor_name() -> str:
    try:
        import fastexcel  # noqa: F401
    except ImportError:
        return "python-calamine"
    return "fastexcel"


# -- the suite ---------------------------------------------------------------------------------


def _python(*args: str) -> list[str]:
    return [sys.executable, *args]


def _validate(paths: list[Path], out: Path, *options: str) -> list[str]:
    folder = paths[0].parent if len(paths) > 1 else paths[0]
    return _python(
        "-m", "villagesurvey", "validate", str(INSTRUMENT), str(folder), "-o", str(out), *options
    )  # fmt: skip


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f}"


def bench_size(size: generate.Size, data: Path, runs: int) -> list[str]:
    """Markdown rows for one size: validate and its two baselines."""
    start = time.perf_counter()
    paths = generate.generate(size, data / size.name)
    made = time.perf_counter() - start
    print(f"{size.name}: {size.describe()} ready in {made:.1f} s", file=sys.stderr)
    files = [str(p) for p in paths]
    this = [str(Path(__file__).resolve()), "--baseline"]
    if size.kind == "csv":
        user = ("pandas.read_csv", "pandas-csv")
        floor = ("pyarrow.csv into pandas", "floor-csv")
    else:
        user = ('pandas.read_excel(engine="openpyxl")', "pandas-excel")
        floor = (f"{_floor_name()} into pandas", "floor-excel")
    user_runs = runs if size.name == "small" else min(runs, _PANDAS_RUNS_BEYOND_SMALL)
    with tempfile.TemporaryDirectory() as out:
        ours = measure(_validate(paths, Path(out)), runs)
        said = json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))
    refused = [f"{f['file']}: {f['check']}" for f in said["files"] if f["status"] == "refused"]
    fastest = measure(_python(*this, floor[1], *files), runs)
    theirs = measure(_python(*this, user[1], *files), user_runs)
    rows = []
    label = "villagesurvey validate" + (f" (refused {', '.join(refused)})" if refused else "")
    for name, timing in ((label, ours), (floor[0], fastest), (user[0], theirs)):
        rate = size.respondents / timing.seconds
        rows.append(
            f"| {size.name} | {name} | {timing.seconds:.2f} | {_mib(timing.peak_bytes)} | "
            f"{rate:,.0f} | {timing.seconds / fastest.seconds:.2f} | "
            f"{timing.seconds / theirs.seconds:.3f} |"
        )
    return rows


def bench_census(
    size: generate.Size,
    data: Path,
    dask_workers: list[int],
    jobs: list[int] | None = None,
    rounds: int = 2,
    keep: bool = False,
) -> list[str]:
    """Markdown rows for the census size: validate (streamed, in partitions, with each number
    of ``jobs`` worker processes, or on a local Dask cluster of each number of
    ``dask_workers``) and pyarrow.csv reading the file into Arrow and nothing else (pandas
    would not fit).

    Every command runs twice a round, in turn, for ``rounds`` rounds: first after the
    command before it, then after its own run (validate after pyarrow, or after validate
    with another number of workers; pyarrow after validate); the best time of each is kept,
    and its highest peak. On a virtual machine, how long a command takes depends on what
    the run before it left in memory (pyarrow fills 11 GB, validate holds about 2 GB and
    writes 5 GB through the page cache): the ratios are of the best runs, each command's
    best after its own run, and the best runs right after the other command are given too.
    The generated file is deleted afterwards unless ``keep``.
    """
    from villagesurvey.validate.streamed import PARTITION_ROWS

    start = time.perf_counter()
    paths = generate.generate(size, data / f"{size.name}_{size.rows}")
    made = time.perf_counter() - start
    print(f"{size.name}: {size.describe()} ready in {made:.1f} s", file=sys.stderr)
    this = [str(Path(__file__).resolve()), "--baseline"]
    load = os.getloadavg()
    partitions = ("--partition-rows", str(PARTITION_ROWS))  # the default, said
    runs = [("villagesurvey validate (partitions)", partitions)]
    if jobs:
        runs = [(f"villagesurvey validate (partitions, --jobs {n})",
                 (*partitions, "--jobs", str(n))) for n in jobs]  # fmt: skip
    if dask_workers:
        runs = [(f"validate on Dask, {n} worker{'s' * (n > 1)}", ("dask", str(n)))
                for n in dask_workers]  # fmt: skip
    arrow = "pyarrow.csv into Arrow"
    timings: dict[str, list[Timing]] = {name: [] for name, _ in [*runs, (arrow, ())]}
    steps = []
    for _ in range(max(1, rounds)):
        for (name, options), _ in itertools.product(runs, range(2)):  # after another, itself
            with tempfile.TemporaryDirectory(dir=data) as out:
                command = _validate(paths, Path(out) / "out", *options)
                if options[0] == "dask":  # in a process of its own, each step timed
                    phases = Path(out) / "phases.json"
                    command = _python(*this, "dask", options[1], str(Path(out) / "out"),
                                      str(phases), *map(str, paths))  # fmt: skip
                timings[name].append(measure(command, 1))
                said = json.loads((Path(out) / "out" / "summary.json").read_text(encoding="utf-8"))
                if options[0] == "dask":
                    steps.append(f"{name}: {phases.read_text(encoding='utf-8')}")
        for _ in range(2):  # after validate, then after its own run
            timings[arrow].append(measure(_python(*this, "arrow-csv", *map(str, paths)), 1))
    after = os.getloadavg()
    best = {name: min(runs_of, key=lambda t: t.seconds) for name, runs_of in timings.items()}
    fastest = best[arrow]
    rows = []
    for name, timing in best.items():
        peak = max(t.peak_bytes for t in timings[name])
        rows.append(
            f"| {size.name} {size.rows:,} | {name} | {timing.seconds:.1f} | "
            f"{_mib(peak)} | {size.respondents / timing.seconds:,.0f} | "
            f"{timing.seconds / fastest.seconds:.2f} |"
        )
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    every = "; ".join(
        f"{name}: {', '.join(f'{t.seconds:.1f}' for t in runs_of)}"
        for name, runs_of in timings.items()
    )
    cold = {name: min(t.seconds for t in runs_of[::2]) for name, runs_of in timings.items()}
    rows.append(
        f"\n{size_mb:,.0f} MB of CSV; rows in {said['rows_in']:,}, clean {said['rows_clean']:,}, "
        f"quarantined {said['rows_quarantined']:,}; load average {load[0]:.1f} before, "
        f"{after[0]:.1f} after. Best of {max(1, rounds)} rounds; every run, in seconds: "
        f"{every}. Each command runs twice a round, after the other and after its own run: "
        f"right after validate, pyarrow's best is {cold[arrow]:.1f} s; right after pyarrow "
        f"(or another validate), validate's best is "
        + ", ".join(f"{cold[name]:.1f} s" for name, _ in runs)
        + f", {', '.join(f'{cold[name] / cold[arrow]:.2f}' for name, _ in runs)} times "
        "pyarrow's after validate."
    )
    rows += [f"\nSeconds by step, {step}" for step in steps]
    if not keep:
        for path in paths:
            path.unlink()
    return rows


def bench_startup(runs: int) -> list[str]:
    """``villagesurvey --help`` against importing click alone."""
    floor = _median_seconds(_python("-c", "import click"), runs)
    ours = _median_seconds(_python("-m", "villagesurvey", "--help"), runs)
    return [
        f"| `python -c 'import click'` | {floor * 1000:.0f} | 1.00 |",
        f"| `villagesurvey --help` | {ours * 1000:.0f} | {ours / floor:.2f} |",
    ]


def _report_command(clean: Path, out: str, *, bootstrap: bool) -> list[str]:
    """The report as a user runs it; ``bootstrap=False`` turns the PLS bootstrap off."""
    command = _python("-m", "villagesurvey", "report", str(INSTRUMENT), str(clean), "-o", out)
    return command if bootstrap else [*command, "--bootstrap", "0"]


def bench_report(data: Path, runs: int, large: bool) -> list[str]:
    """``villagesurvey report`` on the sample's 62 respondents (and on 100,000)."""
    sample = ROOT / "sample_data" / "truth.csv"
    datasets = [("62 (sample_data/truth.csv), as run by default", sample)]
    if large:
        folder = data / "report"
        folder.mkdir(parents=True, exist_ok=True)
        clean = folder / "clean_100000.csv"
        if not clean.exists():
            generate.clean_dataset(100_000, folder)
        datasets.append(("100,000 (generated), `--bootstrap 0`", clean))
    rows = []
    for label, clean in datasets:
        with tempfile.TemporaryDirectory() as out:
            timing = measure(_report_command(clean, out, bootstrap="100,000" not in label), runs)
        rows.append(f"| {label} | {timing.seconds:.2f} | {_mib(timing.peak_bytes)} |")
    return rows


def bench_curve(data: Path, runs: int) -> list[str]:
    """validate on CSV files of growing size: seconds per million rows should stay flat."""
    rows = []
    folder = data / "curve"
    folder.mkdir(parents=True, exist_ok=True)
    for count in generate.CURVE:
        path = folder / f"national_{count}.csv"
        if not path.exists():
            generate.national_csv(count, folder)
        with tempfile.TemporaryDirectory() as out:
            timing = measure(_validate([path], Path(out)), runs)
        per_million = timing.seconds / count * 1e6
        rows.append(
            f"| {count:,} | {timing.seconds:.1f} | {per_million:.1f} | {_mib(timing.peak_bytes)} |"
        )
    return rows


def bench_errors(data: Path, rows: int, runs: int) -> list[str]:
    """validate on a CSV file whose half rows carry three errors, against its clean twin."""
    base = data / f"errors_{rows}"
    folders = {kind: base / kind for kind in ("clean", "errors")}
    if not all((folder / f"{kind}_{rows}.csv").exists() for kind, folder in folders.items()):
        for folder in folders.values():
            folder.mkdir(parents=True, exist_ok=True)
        for path in generate.error_twins(rows, base):
            path.replace(folders[path.stem.split("_")[0]] / path.name)
    timings = {}
    for kind, folder in folders.items():
        with tempfile.TemporaryDirectory() as out:
            timings[kind] = measure(_validate([folder / f"{kind}_{rows}.csv"], Path(out)), runs)
    clean = timings["clean"]
    return [
        f"| {rows:,} | {kind} | {t.seconds:.1f} | {_mib(t.peak_bytes)} | "
        f"{t.seconds / clean.seconds:.1f} | {t.peak_bytes / clean.peak_bytes:.1f} |"
        for kind, t in timings.items()
    ]


def bench_many(data: Path, count: int, runs: int) -> list[str]:
    """validate on a folder of ``count`` one-row CSV files, and on one tenth of them."""
    rows = []
    for files in (max(1, count // 10), count):
        folder = data / f"many_{files}"
        if len(list(folder.glob("one_*.csv"))) != files:
            folder.mkdir(parents=True, exist_ok=True)
            generate.one_row_files(files, folder)
        with tempfile.TemporaryDirectory() as out:
            timing = measure(_validate([folder], Path(out)), runs)
        rows.append(f"| {files:,} | {timing.seconds:.1f} | {_mib(timing.peak_bytes)} |")
    return rows


def machine() -> list[str]:
    """What the numbers were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if "model name" in line)
    except (OSError, StopIteration):
        pass
    memory = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    versions = []
    for name in _LIBRARIES:
        try:
            versions.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name} (not installed)")
    return [
        f"- CPU: {cpu}, {os.cpu_count()} cores (as the system reports them)",
        f"- RAM: {memory}",
        f"- Python {platform.python_version()} on {platform.system()} {platform.release()}",
        f"- {', '.join(versions)}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,season,national")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command (best kept)")
    parser.add_argument("--curve", action="store_true", help="validate time against CSV rows")
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "villagesurvey-bench",
        help="where generated returns are kept between runs",
    )  # fmt: skip
    parser.add_argument(
        "--errors", type=int, default=0, metavar="ROWS",
        help="validate a CSV file of ROWS rows, half of them with three errors, and its clean twin",
    )  # fmt: skip
    parser.add_argument(
        "--many-files", type=int, default=0, metavar="N",
        help="validate a folder of N one-row CSV files (and one of N/10): memory per file",
    )  # fmt: skip
    parser.add_argument(
        "--census", type=int, default=0, metavar="ROWS",
        help="validate the census CSV file cut to ROWS rows (10,000,000: all of it) against "
        "pyarrow.csv reading it, --census-rounds times in turn; the file is deleted afterwards "
        "unless --keep-census",
    )  # fmt: skip
    parser.add_argument(
        "--census-rounds", type=int, default=2, metavar="N",
        help="with --census: rounds of every command, in turn (best kept)",
    )  # fmt: skip
    parser.add_argument(
        "--keep-census", action="store_true",
        help="with --census: keep the generated file in --data for the next run",
    )  # fmt: skip
    parser.add_argument(
        "--dask-workers", default="", metavar="N,M",
        help="with --census: validate on a local Dask cluster of N workers, then of M, ... "
        "instead of in partitions on one process",
    )  # fmt: skip
    parser.add_argument(
        "--census-jobs", default="", metavar="N,M",
        help="with --census: validate in partitions with --jobs N, then --jobs M, ... "
        "(default: validate's own default)",
    )  # fmt: skip
    parser.add_argument("--baseline", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline and args.baseline[0] == "dask":
        _dask_phases(int(args.baseline[1]), args.baseline[2], args.baseline[3], args.baseline[4:])
        return
    if args.baseline:
        _baseline(args.baseline[0], args.baseline[1:])
        return
    sizes = [generate.SIZES[name.strip()] for name in args.sizes.split(",") if name.strip()]
    print("## Machine\n")
    print("\n".join(machine()))
    if args.census:
        census = dataclasses.replace(generate.SIZES["census"], rows=args.census)
        print(
            f"\n## Census (best of {args.census_rounds} rounds in turn; ratio to pyarrow.csv "
            "reading the file into Arrow)\n"
        )
        print("| size | command | seconds | peak MiB | respondents/s | x pyarrow |")
        print("| --- | --- | ---: | ---: | ---: | ---: |")
        workers = [int(n) for n in args.dask_workers.split(",") if n.strip()]
        jobs = [int(n) for n in args.census_jobs.split(",") if n.strip()]
        rows = bench_census(census, args.data, workers, jobs, args.census_rounds, args.keep_census)
        print("\n".join(rows), flush=True)
        return  # alone: it is long
    print(f"\n## Validate (best of {args.runs}; ratios to the floor and to pandas)\n")
    print("| size | command | seconds | peak MiB | respondents/s | x floor | x pandas |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in sizes:
        for row in bench_size(size, args.data, args.runs):
            print(row, flush=True)
    print("\n## Start-up (median of 10)\n")
    print("| command | ms | ratio |\n| --- | ---: | ---: |")
    print("\n".join(bench_startup(10)), flush=True)
    large = any(s.name != "small" for s in sizes)
    print(f"\n## Report (best of {args.runs}, start-up included)\n")
    print("| respondents | seconds | peak MiB |\n| --- | ---: | ---: |")
    print("\n".join(bench_report(args.data, args.runs, large)), flush=True)
    if args.errors:
        print(f"\n## Validate under errors: a CSV file and its clean twin (best of {args.runs})\n")
        print("| rows | file | seconds | peak MiB | x clean time | x clean memory |")
        print("| ---: | --- | ---: | ---: | ---: | ---: |")
        print("\n".join(bench_errors(args.data, args.errors, args.runs)), flush=True)
    if args.many_files:
        print(f"\n## Validate many one-row CSV files (best of {args.runs})\n")
        print("| files | seconds | peak MiB |\n| ---: | ---: | ---: |")
        print("\n".join(bench_many(args.data, args.many_files, args.runs)), flush=True)
    if args.curve:
        print(f"\n## Validate a CSV file: time against rows (best of {args.runs})\n")
        print("| rows | seconds | seconds per million rows | peak MiB |")
        print("| ---: | ---: | ---: | ---: |")
        print("\n".join(bench_curve(args.data, args.runs)), flush=True)


if __name__ == "__main__":
    main()
