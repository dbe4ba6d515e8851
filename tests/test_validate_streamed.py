"""The streamed path (CSV returns checked a partition at a time) writes the very bytes of the
in-memory path: on the model study's returns saved as one CSV file, on the messy returns
saved as CSV files, and on a generated file with an error of every kind, in partitions of
7 rows so that partitions split copies, key clashes, groups and runs of blank rows."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest

from villagesurvey.instrument import load_instrument
from villagesurvey.validate import csv_stream, validate_returns, write_validation
from villagesurvey.validate.stream_writing import STREAMED_OUTPUTS, validate_streamed
from villagesurvey.validate.streamed import stream_paths

ROOT = Path(__file__).resolve().parent.parent
INSTRUMENT = ROOT / "instruments" / "village_ecommerce.yaml"
ROSTER_FILES = ("clean_members.csv", "quarantine_members.csv", "dropped_members.csv")


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(INSTRUMENT)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _sheet_rows(workbook: Path) -> list[list[str]]:
    """The data sheet of a returned workbook, every cell as text (as a CSV export holds it)."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(workbook))
    name = next(n for n in book.sheet_names if n != "_instrument")
    return [
        [_text(v if v != "" else None) for v in row]
        for row in book.get_sheet_by_name(name).to_python()
    ]


def _write(path: Path, rows: list[list[str]], quoting: int = 0) -> Path:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as out:
        csv.writer(out, lineterminator="\n", quoting=quoting).writerows(rows)
    return path


def same_issue_sheets(got: Path, memory: Path) -> None:
    """issues.xlsx in ``got`` has the sheets of the in-memory one in ``memory``, cell for
    cell, but for the response rates (they need every row). A workbook's bytes hold the time
    it was written, so the sheets are compared, not the bytes."""
    from python_calamine import CalamineWorkbook

    books = [CalamineWorkbook.from_path(str(f / "issues.xlsx")) for f in (got, memory)]
    rates = [n for n in books[1].sheet_names if n.startswith("by_")]  # by enumerator, village
    assert books[0].sheet_names == [n for n in books[1].sheet_names if n not in rates]
    for name in books[0].sheet_names:
        sheets = [book.get_sheet_by_name(name).to_python() for book in books]
        assert sheets[0] == sheets[1], name


def _compare(instrument: Any, paths: list[Path], tmp_path: Path, rows: int, jobs: int = 1) -> None:
    memory, streamed = tmp_path / "memory", tmp_path / "streamed"
    write_validation(validate_returns(instrument, paths, views=()), memory)
    result = validate_streamed(instrument, paths, streamed, partition_rows=rows, jobs=jobs)
    names = [*STREAMED_OUTPUTS, *ROSTER_FILES]
    assert sorted(p.name for p in streamed.iterdir()) == sorted(names)
    for name in names:
        if name != "issues.xlsx":
            assert (streamed / name).read_bytes() == (memory / name).read_bytes(), name
    same_issue_sheets(streamed, memory)
    counted = result.rows_clean + result.rows_quarantined + result.rows_not_read
    assert result.rows_in == counted


@pytest.mark.parametrize("jobs", [1, 2])
def test_model_study_returns_as_one_csv(instrument: Any, tmp_path: Path, jobs: int) -> None:
    rows: list[list[str]] = []
    for workbook in sorted((ROOT / "sample_data" / "returns").glob("*.xlsx")):
        sheet = _sheet_rows(workbook)
        at = next(i for i, r in enumerate(sheet) if r and r[0] == "village_id")
        rows += sheet[at:] if not rows else sheet[at + 1 :]
    path = _write(tmp_path / "season.csv", rows)
    assert stream_paths([path]) == [path]
    _compare(instrument, [path], tmp_path, 7, jobs)


@pytest.mark.parametrize("jobs", [1, 2])
def test_messy_returns_as_csv_files(instrument: Any, tmp_path: Path, jobs: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    paths = [
        _write(folder / f"{w.stem}.csv", _sheet_rows(w))
        for w in sorted((ROOT / "sample_data" / "returns_messy").glob("*.xlsx"))
    ]
    _compare(instrument, stream_paths([folder]) or [], tmp_path, 7, jobs)
    assert len(paths) == 4


def _generated(instrument: Any, count: int, seed: int) -> list[list[str]]:
    """``count`` respondents built from the model study's answers, with an error of every
    kind planted: copies, key clashes, outliers in villages of 40, totals, blank rows, a row
    of unknown columns only, text in numbers, impossible dates, formulas, line breaks and a
    carriage return inside quoted values."""
    import csv

    with open(ROOT / "sample_data" / "truth.csv", encoding="utf-8") as source:
        truth = list(csv.reader(source))
    header = [h for h in truth[0] if h != "source_file"] + ["extra_note"]
    pool = [dict(zip(truth[0], r, strict=True)) for r in truth[1:]]
    rng = random.Random(seed)
    rows: list[list[str]] = [header]
    for i in range(count):
        person = dict(rng.choice(pool))
        person["village_id"] = f"V{i // 40 + 1:02d}"
        person["household_id"] = f"H{i:04d}"
        person["person_id"] = "1"
        person["family_income_2020"] = str(rng.randrange(20_000, 90_000))
        person["household_spending_2022"] = str(rng.randrange(10_000, 60_000))
        person["age"] = str(rng.randrange(30, 46))
        person["extra_note"] = ""
        rows.append([person.get(h, "") for h in header])
    at = {name: header.index(name) for name in header}
    data = rows[1:]
    data[3][at["family_income_2020"]] = "9000000"  # beyond the soft limit
    data[45][at["age"]] = "78"  # an outlier of its village
    data[46][at["age"]] = "79"
    data[80][at["age"]] = "about 40"
    data[81][at["interview_date"]] = "2022-06-31"
    data[82][at["family_income_2022"]] = "=1+1"
    data[83][at["respondent_name"]] = "合计"
    data[84][at["family_income_2020"]] = "７００００"
    data[85][at["village_id"]] = " V03 "
    data[86][at["respondent_name"]] = "line\nbreak, with a comma"
    data[87][at["age"]] = "150"
    data[88][at["family_income_2020"]] = "¥12,000"
    data[20][at["household_id"]] = data[11][at["household_id"]]  # same key, other answers
    data[21][at["village_id"]] = ""  # a blank group
    copies = [list(data[5]), list(data[6]), list(data[30])]
    data.insert(60, copies[0])  # copies far from their originals, in other partitions
    data.insert(70, copies[1])
    data.append(copies[2])
    blank = [""] * len(header)
    unknown = [""] * (len(header) - 1) + ["a note in a column not of the instrument"]
    for offset, extra in ((13, blank), (14, blank), (15, blank), (50, unknown), (99, blank)):
        data.insert(offset, list(extra))
    for offset in range(36, 36 + 9):  # a run of blank rows across a partition's end
        data.insert(offset, list(blank))
    data.append(list(blank))  # blank rows at the end are not news
    return [header, *data]


@pytest.mark.parametrize("jobs", [1, 2])
def test_generated_errors_of_every_kind(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 30)  # chunks end mid-file, in blank runs
    rows = _generated(instrument, 120, seed=17)
    path = _write(tmp_path / "census.csv", rows)
    _compare(instrument, [path], tmp_path, 7, jobs)
    issues = (tmp_path / "streamed" / "issues.csv").read_text(encoding="utf-8")
    for check in ("duplicate_row", "duplicate_key", "outlier", "blank_row", "row_not_read",
                  "total_row", "not_a_number", "not_a_date", "out_of_range"):  # fmt: skip
        assert check in issues, check


def test_capped_issues_xlsx_takes_each_checks_first_findings_in_order(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two files whose names sort against the order given, the second with rows not read and
    blank rows; each check's sheet cut at 3 findings: the streamed workbook shows the same
    first findings as the in-memory one (and says how many there are)."""
    from villagesurvey.validate import _xlsx

    monkeypatch.setattr(_xlsx, "MAX_CHECK_ROWS", 3)
    rows = _generated(instrument, 120, seed=29)
    late = _write(tmp_path / "z_late.csv", rows[:70])
    early = _write(tmp_path / "a_early.csv", [rows[0], *rows[70:]])
    _compare(instrument, [late, early], tmp_path, 7)
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(tmp_path / "streamed" / "issues.xlsx"))
    capped = [n for n in book.sheet_names if n not in ("Summary", "Files")]
    notes = [book.get_sheet_by_name(n).to_python()[0][0] for n in capped]
    assert any(str(note).startswith("showing the first 3 of ") for note in notes), notes


@pytest.mark.parametrize("jobs", [1, 2])
def test_carriage_return_makes_every_line_end_in_crlf(
    instrument: Any, tmp_path: Path, jobs: int
) -> None:
    rows = _generated(instrument, 100, seed=3)
    rows[70][rows[0].index("respondent_name")] = "carriage\rreturn"
    path = _write(tmp_path / "cr.csv", rows, quoting=1)  # csv.QUOTE_ALL: the CR quoted
    _compare(instrument, [path], tmp_path, 40, jobs)
    written = [(tmp_path / "streamed" / n).read_bytes() for n in ("clean.csv", "issues.csv")]
    assert any(b"carriage\rreturn" in data and data.endswith(b"\r\n") for data in written)


def test_cli_partitions_and_says_what_it_wrote(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from villagesurvey.cli import main

    truth = ROOT / "sample_data" / "truth.csv"
    out = tmp_path / "out"
    args = ["validate", str(INSTRUMENT), str(truth), "-o", str(out), "--partition-rows", "25",
            "--jobs", "2"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "rows: 62 in, 62 clean, 0 quarantined" in result.output
    assert "issues.csv, issues.xlsx, audit.csv" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([*STREAMED_OUTPUTS, *ROSTER_FILES])


def test_a_file_arrow_cannot_stream_is_validated_in_memory(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from villagesurvey.cli import main

    text = (ROOT / "sample_data" / "truth.csv").read_text(encoding="utf-8")
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))  # the names in Chinese: not UTF-8
    out = tmp_path / "out"
    args = ["validate", str(INSTRUMENT), str(path), "-o", str(out), "--partition-rows", "25"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (out / "dashboard.html").exists()  # the in-memory path's set


@pytest.mark.parametrize(("jobs", "when"), [(1, "checked"), (2, "checked"), (2, "writing")])
def test_interrupted_run_leaves_the_previous_set(
    instrument: Any, tmp_path: Path, jobs: int, when: str
) -> None:
    truth = ROOT / "sample_data" / "truth.csv"
    out = tmp_path / "out"
    validate_streamed(instrument, [truth], out, partition_rows=10)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    others = frozenset(w.pid for w in _workers())

    def interrupted(line: str) -> None:
        if line.startswith(when):
            raise KeyboardInterrupt  # as Ctrl-C in the middle of the partitions

    with pytest.raises(KeyboardInterrupt):
        validate_streamed(instrument, [truth], out, partition_rows=10, stage=interrupted,
                          jobs=jobs)  # fmt: skip
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left
    assert _workers(others) == []  # every worker stopped


def _workers(besides: frozenset[int] = frozenset()) -> list[Any]:
    """The worker processes this process started ('spawn' runs them as spawn_main), but
    those of ``besides`` (other tests' readers and clusters may still be running)."""
    import psutil

    found = []
    for child in psutil.Process().children(recursive=True):
        if child.pid in besides:
            continue
        try:
            if any("spawn_main" in part for part in child.cmdline()):
                found.append(child)
        except psutil.Error:  # it ended meanwhile
            continue
    return found


@pytest.mark.parametrize("when", ["checked", "writing"])
def test_a_killed_worker_stops_the_run_and_writes_nothing(
    instrument: Any, tmp_path: Path, when: str
) -> None:
    """A worker killed (SIGKILL, as the system's out-of-memory killer does) while checking
    or while splitting: one error naming the file, the previous set kept, no worker left."""
    import signal

    from villagesurvey.errors import ReturnsError

    truth = ROOT / "sample_data" / "truth.csv"
    out = tmp_path / "out"
    validate_streamed(instrument, [truth], out, partition_rows=10)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    others = frozenset(w.pid for w in _workers())
    killed = []

    def kill_a_worker(line: str) -> None:
        if line.startswith(when) and not killed:
            workers = _workers(others)
            assert workers, "no worker process is running"
            workers[0].send_signal(signal.SIGKILL)
            workers[0].wait(timeout=30)
            killed.append(workers[0].pid)

    with pytest.raises(ReturnsError, match=r"^truth\.csv: a worker process .* stopped"):
        validate_streamed(instrument, [truth], out, partition_rows=10, stage=kill_a_worker,
                          jobs=2)  # fmt: skip
    assert killed
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert _workers(others) == []


def test_the_cli_says_in_one_line_that_a_worker_died(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from click.testing import CliRunner

    from villagesurvey.cli import main
    from villagesurvey.validate import streamed

    add = streamed.Partitions.add_checked
    others = frozenset(w.pid for w in _workers())

    def kill_then_add(self: Any, *args: Any) -> None:
        for worker in _workers(others):
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=30)
        add(self, *args)

    monkeypatch.setattr(streamed.Partitions, "add_checked", kill_then_add)
    truth = ROOT / "sample_data" / "truth.csv"
    args = ["validate", str(INSTRUMENT), str(truth), "-o", str(tmp_path / "out"),
            "--partition-rows", "10", "--jobs", "2"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("villagesurvey: truth.csv: a worker process checking it")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
    assert _workers(others) == []


def test_one_job_starts_no_worker(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villagesurvey.validate import stream_pool

    def refused(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(stream_pool, "ProcessPoolExecutor", refused)
    seen = []
    others = frozenset(w.pid for w in _workers())
    result = validate_streamed(
        instrument, [ROOT / "sample_data" / "truth.csv"], tmp_path / "o", partition_rows=10,
        stage=lambda line: seen.append(_workers(others)),
    )  # fmt: skip
    assert result.rows_in == 62
    assert seen
    assert all(w == [] for w in seen)


def test_not_enough_disk_for_the_partitions_is_said_before_starting(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villagesurvey.errors import OutputError
    from villagesurvey.validate import stream_writing

    truth = ROOT / "sample_data" / "truth.csv"
    monkeypatch.setattr(stream_writing, "_free_bytes", lambda folder: 1000)
    with pytest.raises(OutputError, match="free beside"):
        validate_streamed(instrument, [truth], tmp_path / "out", partition_rows=25)
    assert not (tmp_path / "out").exists()


def test_a_file_of_a_header_alone(instrument: Any, tmp_path: Path) -> None:
    header = (ROOT / "sample_data" / "truth.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "header.csv"
    path.write_text(header + "\n", encoding="utf-8")
    _compare(instrument, [path], tmp_path, 7)


def test_asked_for_partitions_and_validated_in_memory_says_why(tmp_path: Path) -> None:
    """--partition-rows that cannot be honoured: a note on standard error names the reason
    (and never a row of the file), and the in-memory path validates."""
    from click.testing import CliRunner

    from villagesurvey.cli import main

    truth = ROOT / "sample_data" / "truth.csv"
    lines = truth.read_text(encoding="utf-8").splitlines()
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join([*lines[:5], lines[5] + ",secret-extra-cell", *lines[6:]]) + "\n",
                      encoding="utf-8")  # fmt: skip
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(truth.read_text(encoding="utf-8").encode("gb18030"))
    corrections = ROOT / "sample_data" / "corrections.csv"
    cases = {
        (ragged,): "ragged.csv: a row has more or fewer cells than the header",
        (gbk,): "gbk.csv: it is not UTF-8",
        (truth, "--corrections", corrections): "--corrections, --sample, --villages and "
        "--backchecks need every row at once",
        (ROOT / "sample_data" / "returns" / "V01_returns.xlsx",): "only CSV files are read in "
        "partitions",
    }
    for n, (given, why) in enumerate(cases.items()):
        args = ["validate", str(INSTRUMENT), *map(str, given), "-o", str(tmp_path / f"o{n}"),
                "--partition-rows", "25"]  # fmt: skip
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1), result.output
        assert f"note: validating in memory, not in partitions: {why}\n" in result.stderr
        assert "secret-extra-cell" not in result.stderr
        assert (tmp_path / f"o{n}" / "dashboard.html").exists()  # the in-memory set
    quiet = CliRunner().invoke(main, ["validate", str(INSTRUMENT), str(gbk), "-o",
                                      str(tmp_path / "quiet")])  # fmt: skip
    assert "note:" not in quiet.stderr  # not asked for, small: nothing to say


def test_large_returns_with_corrections_say_they_are_validated_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from villagesurvey.cli import main
    from villagesurvey.validate import streamed

    monkeypatch.setattr(streamed, "STREAM_FROM_BYTES", 1_000)  # the sample's CSV is "large"
    truth = ROOT / "sample_data" / "truth.csv"
    args = ["validate", str(INSTRUMENT), str(truth), "-o", str(tmp_path / "out"),
            "--corrections", str(ROOT / "sample_data" / "corrections.csv")]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1), result.output
    assert "note: validating in memory, not in partitions: --corrections" in result.stderr


def test_a_script_without_the_main_guard_stops_in_one_line_per_worker(tmp_path: Path) -> None:
    """A script that starts workers at its top: each worker, importing it, would start
    workers again. Each stops in one line saying why (unless the run stopped it first), the
    run stops with its error, and no worker prints a traceback."""
    import os
    import subprocess
    import sys

    script = tmp_path / "unguarded.py"
    script.write_text(
        "from pathlib import Path\n"
        "from villagesurvey.errors import ReturnsError\n"
        "from villagesurvey.instrument import load_instrument\n"
        "from villagesurvey.validate.stream_writing import validate_streamed\n"
        f"instrument = load_instrument({str(INSTRUMENT)!r})\n"
        "try:\n"
        f"    validate_streamed(instrument, [Path({str(ROOT / 'sample_data' / 'truth.csv')!r})],\n"
        "                      Path('out'), partition_rows=10, jobs=2)\n"
        "except ReturnsError as error:\n"
        "    print(error)\n",
        encoding="utf-8",
    )
    source = str(ROOT / "src")
    path = os.pathsep.join(p for p in (source, os.environ.get("PYTHONPATH")) if p)
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": path})  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.splitlines()
    assert 1 <= len(lines) <= 2  # a worker may be stopped by the run before it says it
    assert all("asked to start workers again" in line for line in lines)
    assert "if __name__ ==" in lines[0]
    assert done.stdout.startswith("truth.csv: a worker process checking it stopped")
    assert not (tmp_path / "out").exists()
