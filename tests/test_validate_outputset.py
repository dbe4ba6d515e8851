"""The output set of validate as one: folders not read, a lock, interrupted and failed runs.

Whatever happens while a run writes (Ctrl-C, a failure, a second run into the same folder),
the folder holds the previous set or the whole new one, never a mix; a folder that holds the
outputs of a validation is never read as returns.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from villagesurvey import validate_returns, write_validation
from villagesurvey.cli import main
from villagesurvey.tables.outputset import lock_path
from villagesurvey.validate import reading

from .attacks import HEADER, assert_promises, csv_text, run_cli, snapshot
from .conftest import SMALL


@pytest.fixture(scope="module")
def instrument_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("instrument") / "small.yaml"
    path.write_text(SMALL, encoding="utf-8")
    return path


# -- folders, the output set and the lock ----------------------------------------------------


def test_an_output_folder_inside_the_returns_is_not_read(instrument_file, tmp_path):
    (tmp_path / "a.csv").write_bytes(
        csv_text([HEADER[:3], *[r[:3] for r in []], ["V01", "1", "40"]])
    )
    args = ["validate", str(instrument_file), str(tmp_path), "-o", str(tmp_path / "checked")]
    run_cli(args)
    second = run_cli(args)
    summary = assert_promises(tmp_path / "checked")
    assert summary["rows_in"] == 1
    assert summary["files_read"] == 1
    assert "output_folder" in summary["counts"]["warning"]
    assert second.exit_code == 0


def test_a_folder_that_cannot_be_listed_is_refused_by_name(small, tmp_path, monkeypatch):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    listing = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return listing(path)

    monkeypatch.setattr(os, "scandir", scandir)
    skipped: list = []
    assert reading.find_returns([tmp_path], skipped) == [tmp_path / "a.csv"]
    validation = validate_returns(small, [tmp_path])
    [refused] = validation.refused
    assert refused.check == "unreadable_folder"
    assert refused.name.endswith("sub")
    assert validation.exit_code == 1


def test_an_interrupted_run_leaves_the_previous_outputs(instrument_file, tmp_path, monkeypatch):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    out = tmp_path / "out"
    run_cli(["validate", str(instrument_file), str(tmp_path / "in"), "-o", str(out)])
    before = snapshot(out)
    (tmp_path / "in" / "b.csv").write_bytes(csv_text([HEADER[:3], ["V02", "1", "=1"]]))
    from villagesurvey.validate import outputs

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs, "write_issues_xlsx", interrupted)
    result = CliRunner().invoke(main, ["validate", str(instrument_file), str(tmp_path / "in"),
                                       "-o", str(out)])  # fmt: skip
    assert result.exit_code == 130
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # nothing left behind
    monkeypatch.setattr(outputs, "write_issues_xlsx", lambda *a: 1 / 0)
    result = CliRunner().invoke(main, ["validate", str(instrument_file), str(tmp_path / "in"),
                                       "-o", str(out)])  # fmt: skip
    assert result.exit_code == 2
    assert snapshot(out) == before


def test_files_of_others_in_the_output_folder_are_kept(small, tmp_path):
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    write_validation(validate_returns(small, [tmp_path / "a.csv"]), out)
    assert (out / "notes.txt").read_text() == "mine"
    assert_promises(out)


def test_a_second_run_into_a_held_folder_is_refused(instrument_file, tmp_path):
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    out = tmp_path / "out"
    lock = lock_path(out)
    lock.write_text(f"{os.getppid()}\n")  # a process that is running
    result = run_cli(["validate", str(instrument_file), str(tmp_path / "a.csv"), "-o", str(out)])
    assert result.exit_code == 2
    assert "another run" in result.output
    assert not out.exists()
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    lock.write_text(f"{ended.pid}\n")  # a run that ended without removing its lock
    result = run_cli(["validate", str(instrument_file), str(tmp_path / "a.csv"), "-o", str(out)])
    assert result.exit_code == 0
    assert not lock.exists()


def test_issues_xlsx_is_bounded_per_check_and_says_so(small, tmp_path, monkeypatch):
    from villagesurvey.validate import _xlsx

    monkeypatch.setattr(_xlsx, "MAX_CHECK_ROWS", 2)
    rows = [["village_id", "person_id", "age"]] + [["V01", str(i), "about 40"] for i in range(5)]
    (tmp_path / "a.csv").write_bytes(csv_text(rows))
    out = tmp_path / "out"
    write_validation(validate_returns(small, [tmp_path / "a.csv"]), out)
    summary = assert_promises(out)
    assert summary["counts"]["error"]["not_a_number"] == 5
    book = load_workbook(out / "issues.xlsx", read_only=True)
    sheet = list(book["not_a_number"].iter_rows(values_only=True))
    detail = {r[0]: r[2] for r in book["Summary"].iter_rows(values_only=True)}
    book.close()
    assert sheet[0][0] == "showing the first 2 of 5 findings; issues.csv has them all"
    assert len(sheet) == 2 + 2  # the note, the header, two findings
    assert detail["error: not_a_number"] == (
        "see the sheet not_a_number (its first 2; issues.csv has all 5)"
    )


AT_A_TERMINAL = [
    sys.executable,
    "-c",
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])",
]
"""Python, started with Ctrl-C's default action, as a terminal starts a command: a shell
that runs the test suite in the background (``pytest &``) hands it SIGINT ignored, which
its children would inherit."""


def test_ctrl_c_ends_with_130_no_traceback_and_the_previous_outputs(tmp_path):
    """A real Ctrl-C (SIGINT to the whole process group, as a terminal sends it)."""
    import signal
    import time

    root = Path(__file__).resolve().parent.parent
    command = [sys.executable, "-m", "villagesurvey", "validate",
               str(root / "instruments" / "village_ecommerce.yaml"),
               str(root / "sample_data" / "returns"), "-o", str(tmp_path / "out")]  # fmt: skip
    subprocess.run(command, capture_output=True, check=False)
    before = snapshot(tmp_path / "out")
    run = subprocess.Popen(
        [*AT_A_TERMINAL, *command[1:]],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    time.sleep(1.0)  # reader processes starting or reading
    os.killpg(run.pid, signal.SIGINT)
    _out, err = run.communicate(timeout=60)
    assert run.returncode == 130
    assert "Traceback" not in err.decode()
    assert snapshot(tmp_path / "out") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_named_inside_an_output_folder_is_not_read(instrument_file, tmp_path):
    """``validate I RETURNS/* -o RETURNS/checked`` twice: the shell names clean.csv itself."""
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    out = tmp_path / "checked"
    run_cli(["validate", str(instrument_file), str(tmp_path / "a.csv"), "-o", str(out)])
    named = [str(tmp_path / "a.csv"), str(out / "clean.csv"), str(out / "quarantine.csv")]
    second = run_cli(["validate", str(instrument_file), *named, "-o", str(out)])
    assert second.exit_code == 0
    summary = assert_promises(out)
    assert summary["rows_in"] == 1
    assert [f["file"] for f in summary["files"]] == ["a.csv"]
    assert summary["counts"]["warning"]["output_folder"] == 2
    assert "output_folder 2" in second.output
    alone = run_cli(["validate", str(instrument_file), str(out / "clean.csv"), "-o",
                     str(tmp_path / "other")])  # fmt: skip
    assert alone.exit_code == 2  # nothing left to read, said in one line
    assert "outputs of a validation" in alone.output


def test_ctrl_c_while_the_arguments_are_read_ends_with_130(tmp_path):
    """A real SIGINT, sent while click converts the arguments: 130, not click's 1."""
    script = (
        "import os, signal, click\n"
        "signal.signal(signal.SIGINT, signal.default_int_handler)  # as at a terminal\n"
        "convert = click.Path.convert\n"
        "def interrupted(self, value, param, ctx):\n"
        "    os.kill(os.getpid(), signal.SIGINT)\n"
        "    return convert(self, value, param, ctx)\n"
        "click.Path.convert = interrupted\n"
        "from villagesurvey.cli import main\n"
        "main()\n"
    )
    for args in (["validate", "i.yaml", "r", "-o", "out"], ["check", "i.yaml"]):
        run = subprocess.run(
            [sys.executable, "-c", script, *args], capture_output=True, cwd=tmp_path, check=False
        )
        err = run.stderr.decode()
        assert run.returncode == 130, err
        assert err.strip() == "villagesurvey: interrupted"
