"""validate on Dask reads workbook returns and gives the one-machine result, row for row.

The season's workbooks (the model study's eleven village workbooks with their `members`
roster, and the messy ones: copies across files, a total row, an old template, a roster row
of no household) and a hostile batch (damaged files, a zip bomb, unsafe XML, an empty file,
a text file named .xlsx, the same returns as .xls, .ods and CSV) are validated on the
session's LocalCluster of two worker processes and compared with `validate --format
parquet` in memory, without the field monitoring views (which Dask does not run): every
table of the households and of the roster, issues.csv, audit.csv and the dropped tables
byte for byte, summary.json equal, every sheet of issues.xlsx but the response rates.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from villagesurvey.errors import OptionError
from villagesurvey.instrument import load_instrument
from villagesurvey.validate import validate_returns, write_validation
from villagesurvey.validate.dask_run import validate_dask

from .attacks import run_cli
from .test_validate_dask import _compare, _digests, _rows, _table
from .test_validate_streamed import INSTRUMENT, ROOT, _sheet_rows, _write

SEASON = [ROOT / "sample_data" / "returns", ROOT / "sample_data" / "returns_messy"]


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(INSTRUMENT)


def _in_memory(instrument: Any, sources: list[Path], out: Path) -> Path:
    result = validate_returns(instrument, sources, views=())
    write_validation(result, out, table_format="parquet")
    return out


def _rows_add_up(out: Path) -> dict[str, Any]:
    """rows in = clean + quarantined (+ not read, dropped) for every file and each roster."""
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    for entry in [summary, *summary["files"], *summary["rosters"].values()]:
        parts = ("rows_clean", "rows_quarantined", "rows_not_read", "rows_dropped")
        assert entry["rows_in"] == sum(entry[p] for p in parts), entry
    return summary


def test_the_season_workbooks_give_the_one_machine_result(
    client: Any, instrument: Any, tmp_path: Path
) -> None:
    before = {str(f): _digests(f) for f in SEASON}
    memory = _in_memory(instrument, SEASON, tmp_path / "memory")
    out = tmp_path / "dask"
    result = validate_dask(instrument, SEASON, out, client)
    _compare(out, memory, None)
    summary = _rows_add_up(out)
    assert result.exit_code == 1
    assert summary["files_read"] == 15
    assert summary["rosters"]["members"]["rows_quarantined"] > 0  # its households' errors
    checks = set(summary["counts"]["error"]) | set(summary["rosters"]["members"]["counts"]["error"])
    assert {"duplicate_row", "duplicate_key", "roster_count", "parent_quarantined"} <= checks
    assert len(list((out / "clean.parquet").iterdir())) == 15  # a partition per workbook
    assert {str(f): _digests(f) for f in SEASON} == before  # the returns are never written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dask", "memory"]


def _hostile(folder: Path, scratch: Path) -> Path:
    """Good workbooks, the same returns as CSV, .xls and .ods, and files that must be refused."""
    from .test_reading import BILLION_LAUGHS, SHEET, _lying_bomb, _rezip, _small

    folder.mkdir()
    scratch.mkdir()
    books = ROOT / "sample_data" / "returns"
    for name in ("V01_returns.xlsx", "V02_returns.xlsx"):
        shutil.copy(books / name, folder / name)
    rows = _sheet_rows(books / "V02_returns.xlsx")
    at = next(i for i, r in enumerate(rows) if r and r[0] == "village_id")
    _write(folder / "V02_returns.csv", rows[at:])  # read first: the workbook's rows are copies
    for suffix in ("xls", "ods"):
        shutil.copy(ROOT / "tests" / "data" / f"V05_returns.{suffix}", folder)
    data = (books / "V03_returns.xlsx").read_bytes()
    (folder / "V03_truncated.xlsx").write_bytes(data[: len(data) // 2])
    shutil.copy(_lying_bomb(scratch), folder / "V04_bomb.xlsx")
    laughs = _rezip(_small(scratch, "b.xlsx"), scratch / "laughs.xlsx",
                    **{SHEET.replace("/", "__"): BILLION_LAUGHS})  # fmt: skip
    shutil.copy(laughs, folder / "V06_laughs.xlsx")
    (folder / "V07_empty.xlsx").write_bytes(b"")
    (folder / "V08_letter.xlsx").write_text("Dear supervisor, the file follows.\n")
    return folder


def test_damaged_files_among_good_ones_are_refused_as_in_memory(
    client: Any, instrument: Any, tmp_path: Path
) -> None:
    batch = _hostile(tmp_path / "returns", tmp_path / "scratch")
    before = _digests(batch)
    memory = _in_memory(instrument, [batch], tmp_path / "memory")
    out = tmp_path / "dask"
    validate_dask(instrument, [batch], out, client)
    _compare(out, memory, None)
    summary = _rows_add_up(out)
    refused = {f["file"]: f["check"] for f in summary["files"] if f["status"] == "refused"}
    assert refused == {
        "V03_truncated.xlsx": "corrupt_file", "V04_bomb.xlsx": "zip_bomb",
        "V06_laughs.xlsx": "unsafe_xml", "V07_empty.xlsx": "empty_file",
        "V08_letter.xlsx": "not_a_spreadsheet",
    }  # fmt: skip
    read = {f["file"]: f["format"] for f in summary["files"] if f["status"] == "read"}
    assert read == {"V01_returns.xlsx": "xlsx", "V02_returns.csv": "csv",
                    "V02_returns.xlsx": "xlsx", "V05_returns.ods": "ods",
                    "V05_returns.xls": "xls"}  # fmt: skip
    copies = next(f for f in summary["files"] if f["file"] == "V02_returns.xlsx")
    assert copies["rows_quarantined"] == copies["rows_in"] > 0  # copies of the CSV's rows
    assert "parent_quarantined" in summary["rosters"]["members"]["counts"]["error"]
    assert _digests(batch) == before


def test_workbooks_on_a_scheduler_from_the_command_line(client: Any, tmp_path: Path) -> None:
    out = tmp_path / "out"
    book = str(ROOT / "sample_data" / "returns" / "V01_returns.xlsx")
    result = run_cli(["validate", str(INSTRUMENT), book, "-o", str(out),
                      "--scheduler", client.scheduler.address])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "clean_members.parquet" in result.output
    summary = _rows_add_up(out)
    assert summary["rows_in"] == summary["rows_clean"] > 0
    assert summary["rosters"]["members"]["rows_clean"] > 0


def _zip(path: Path) -> list[str]:
    """An empty zip beside the workbooks (ODK Central's export is a zip); no option."""
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    return []


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda folder: _zip(folder / "export.zip"), "not with Parquet files or zips"),
        (lambda folder: ["--corrections", str(ROOT / "sample_data" / "corrections.csv")],
         "leave out --corrections"),
    ],
)  # fmt: skip
def test_what_dask_does_not_take_with_workbooks_is_one_line(
    client: Any, tmp_path: Path, make: Any, said: str
) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    shutil.copy(ROOT / "sample_data" / "returns" / "V01_returns.xlsx", folder)
    extra = make(folder)
    result = run_cli(["validate", str(INSTRUMENT), str(folder), "-o", str(tmp_path / "out"),
                      "--scheduler", client.scheduler.address, *extra])  # fmt: skip
    assert result.exit_code == 2
    assert said in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_workbook_url_is_one_line(client: Any, tmp_path: Path) -> None:
    book = (ROOT / "sample_data" / "returns" / "V01_returns.xlsx").as_uri()
    result = run_cli(["validate", str(INSTRUMENT), book, "-o", str(tmp_path / "out"),
                      "--scheduler", client.scheduler.address])  # fmt: skip
    assert result.exit_code == 2
    assert "not URLs" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_a_phone_export_with_repeats_leaves_the_previous_set(
    client: Any, instrument: Any, tmp_path: Path
) -> None:
    """A KoboToolbox export with repeat sheets is linked on one machine: the run stops
    after reading, and the output set written before stays as it was."""
    from villagesurvey.xlsform import read_xlsform

    from .test_export_repeats_defects import KOBO_MAIN, KOBO_MEMBERS, write_xlsx
    from .xlsform_corpus import KOBO

    form = read_xlsform(KOBO / "grouped_repeatable.xlsx").instrument
    export = write_xlsx(tmp_path / "export.xlsx", {
        "grouped_repeatable": KOBO_MAIN, "houshold_member_repeat": KOBO_MEMBERS,
    })  # fmt: skip
    out = _in_memory(instrument, [SEASON[0] / "V01_returns.xlsx"], tmp_path / "out")
    before = _digests(out)
    with pytest.raises(OptionError, match="phone export with repeat tables"):
        validate_dask(form, [export], out, client)
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.xlsx", "out"]


def _set_fault(faults: str | None) -> None:
    import os

    from villagesurvey.validate._worker import FAULT_VARIABLE

    if faults is None:
        os.environ.pop(FAULT_VARIABLE, None)
    else:
        os.environ[FAULT_VARIABLE] = faults


def test_a_reader_that_crashes_hangs_or_runs_out_of_memory_costs_its_file(
    client: Any, instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reader process a task starts aborts on one workbook, loops on another, needs more
    than its memory on a third (faults set in the workers' environment, which the readers
    inherit): each file is refused with the one-machine reason, the others are validated."""
    from villagesurvey.validate._worker import FAULT_VARIABLE

    folder = tmp_path / "returns"
    folder.mkdir()
    books = ROOT / "sample_data" / "returns"
    for name in ("V01_returns.xlsx", "V02_returns.xlsx", "V03_returns.xlsx", "V04_returns.xlsx"):
        shutil.copy(books / name, folder / name)
    faults = "abort:V02_returns.xlsx,hang:V03_returns.xlsx,memory:V04_returns.xlsx"
    monkeypatch.setenv(FAULT_VARIABLE, faults)
    result = validate_returns(instrument, [folder], views=(), timeout=3)
    write_validation(result, tmp_path / "memory", table_format="parquet")
    client.run(_set_fault, faults)
    try:
        validate_dask(instrument, [folder], tmp_path / "dask", client, timeout=3)
    finally:
        client.run(_set_fault, None)
    _compare(tmp_path / "dask", tmp_path / "memory", None)
    summary = _rows_add_up(tmp_path / "dask")
    assert [(f["file"], f["check"]) for f in summary["files"]] == [
        ("V01_returns.xlsx", ""), ("V02_returns.xlsx", "reader_crashed"),
        ("V03_returns.xlsx", "read_timeout"), ("V04_returns.xlsx", "memory_limit"),
    ]  # fmt: skip


def _in_second(code: str, row: dict[str, str]) -> bool:
    """Household 3 and its rows, farm 2 of household 1 with its plots, and the plot of a farm
    that does not exist sit in the second workbook."""
    if code == "members":
        return row["hh"] == "3"
    return row["hh"] == "3" or (row["hh"], row["farm"]) in {("1", "2"), ("1", "3")}


def test_rosters_within_rosters_linked_across_workbooks(client: Any, tmp_path: Path) -> None:
    """The plots-within-farms instrument's returns in two workbooks: household 3 and a farm
    and plots of household 1 sit in the second one, so that rows are linked to households and
    farms of another file (counts, heads, sums, ages between members, a plot of no farm, rows
    of a quarantined household); every level's tables, issues.csv, audit.csv and the dropped
    tables are compared with the one-machine run."""
    from villagesurvey.instrument import parse_instrument

    from .returns import fill_template
    from .rosters import FARMS
    from .test_validate_nested_rosters import FARM_ROWS, HOUSEHOLDS, MEMBERS, PLOTS

    instrument = parse_instrument(FARMS)
    folder = tmp_path / "returns"
    folder.mkdir()
    for name, second in (("V1a.xlsx", False), ("V1b.xlsx", True)):
        rosters = {
            code: [r for r in rows if _in_second(code, r) == second]
            for code, rows in (("members", MEMBERS), ("farms", FARM_ROWS), ("plots", PLOTS))
        }
        households = [r for r in HOUSEHOLDS if (r["hh"] == "3") == second]
        fill_template(instrument, households, folder / name, rosters=rosters)
    memory = _in_memory(instrument, [folder], tmp_path / "memory")
    out = tmp_path / "dask"
    validate_dask(instrument, [folder], out, client)
    codes = ("members", "farms", "plots")
    stems = ("clean", "quarantine", *(f"{k}_{c}" for c in codes for k in ("clean", "quarantine")))
    for stem in stems:
        assert _table(out / f"{stem}.parquet").equals(_table(memory / f"{stem}.parquet")), stem
    for name in ("issues.csv", "audit.csv", "dropped.csv", *(f"dropped_{c}.csv" for c in codes)):
        assert (out / name).read_bytes() == (memory / name).read_bytes(), name
    summary = _rows_add_up(out)
    assert summary == json.loads((memory / "summary.json").read_text(encoding="utf-8"))
    found = {c: set(summary["rosters"][c]["counts"].get("error", {})) for c in codes}
    found["members"] |= set(summary["rosters"]["members"]["counts"].get("warning", {}))
    assert {"roster_count", "roster_exactly_one", "roster_sum", "parent_quarantined"} <= found[
        "farms"
    ]
    assert {"roster_orphan", "parent_quarantined"} <= found["plots"]
    assert "roster_older_than" in found["members"]
    split = tmp_path / "dask-hh"  # every level's tables split by household, as in memory
    validate_dask(instrument, [folder], split, client, partition_by="hh")
    result = validate_returns(instrument, [folder], views=())
    write_validation(result, tmp_path / "memory-hh", table_format="parquet", partition_by="hh")
    for stem in stems:
        got, expected = (
            _table(f / f"{stem}.parquet", "hh") for f in (split, tmp_path / "memory-hh")
        )
        assert _rows(got[list(expected.columns)]) == _rows(expected), stem
        parts = [
            {p.name for p in (f / f"{stem}.parquet").iterdir()}
            for f in (split, memory.parent / "memory-hh")
        ]
        assert parts[0] == parts[1], stem
    assert {p.name for p in (split / "clean_members.parquet").iterdir()} == {"hh=1", "hh=2"}
