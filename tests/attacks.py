"""Shared pieces of the tests that attack validate's promises: the promises, as checks."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from villagesurvey.cli import main

__all__ = [
    "ASCII_NUMBER", "HEADER", "INTERNALS", "ROWS", "assert_promises", "csv_text", "file_entry",
    "issues_of", "records", "rows_of", "run_cli", "snapshot",
]  # fmt: skip

ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
RISKY = ("=", "+", "-", "@", "\t", "\r")
INTERNALS = ("np.", "numpy", "dtype", "<NA>", "Traceback", "pandas.")

ROWS = [
    {"village_id": "V01", "person_id": "1", "age": "43", "gender": "Male"},
    {"village_id": "V01", "person_id": "2", "age": "41", "gender": "Female"},
    {"village_id": "V01", "person_id": "3", "age": "30", "gender": "Male"},
]


def rows_of(village: str, **cells: str) -> list[dict[str, str]]:
    """:data:`ROWS` of another village (so that files are no duplicates of each other)."""
    return [dict(row, village_id=village, **cells) for row in ROWS]


def records(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def assert_promises(out: Path) -> dict:
    """Check every promise the outputs of one run make; the summary for further checks."""
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == (
        summary["rows_clean"] + summary["rows_quarantined"] + summary["rows_not_read"]
    )
    for entry in summary["files"]:
        assert entry["rows_in"] == (
            entry["rows_clean"] + entry["rows_quarantined"] + entry["rows_not_read"]
        )
        assert "\n" not in entry["file"]
        assert "\r" not in entry["file"]
    clean, quarantine, issues = (
        records(out / name) for name in ("clean.csv", "quarantine.csv", "issues.csv")
    )
    assert len(clean) - 1 == summary["rows_clean"]
    assert len(quarantine) - 1 == summary["rows_quarantined"]
    findings = sum(n for checks in summary["counts"].values() for n in checks.values())
    assert len(issues) - 1 == findings
    not_read = [r for r in issues[1:] if r[6] == "row_not_read"]
    assert len(not_read) == summary["rows_not_read"]
    assert all(r[2] for r in not_read)  # each at its row
    for table in (clean, quarantine, issues):
        assert len({len(r) for r in table}) == 1  # every record as wide as the header
        for record in table:
            for cell in record:
                assert not cell.startswith(RISKY) or ASCII_NUMBER.fullmatch(cell), cell
    for record in issues[1:]:
        assert not any(word in record[8] for word in INTERNALS), record[8]
    book = load_workbook(out / "issues.xlsx", read_only=True)
    book.close()
    return summary


def run_cli(args: list[str]):
    result = CliRunner().invoke(main, args)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output)
    assert "Traceback" not in result.output
    return result


def file_entry(summary: dict, name: str) -> dict:
    return next(f for f in summary["files"] if f["file"] == name)


def issues_of(out: Path, file: str) -> list[dict[str, str]]:
    with (out / "issues.csv").open(newline="", encoding="utf-8") as stream:
        return [r for r in csv.DictReader(stream) if r["file"] == file]


def csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)  # a field with CR is quoted
    return buffer.getvalue().encode("utf-8")


HEADER = ["village_id", "person_id", "age", "name", "interview_date", "unknown"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file of a folder and its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}
