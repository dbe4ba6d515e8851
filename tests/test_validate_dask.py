"""validate on Dask gives the one-machine result, row for row: a LocalCluster of two worker
processes checks a season of CSV returns (the model study's returns saved as two CSV files,
a generated file with an error of every kind cut into byte blocks of 6,000 bytes, and a
file holding copies of its rows and a quoted line break, checked as one partition); every
table, issues.csv, audit.csv and summary.json are compared with `validate --format parquet`
run in memory (without the field monitoring views, which Dask does not run)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.dataset as ds
import pytest

from villagesurvey.instrument import load_instrument
from villagesurvey.validate import csv_stream, validate_returns, write_validation
from villagesurvey.validate.dask_csv import BLOCK_BYTES, scan
from villagesurvey.validate.dask_run import validate_dask

from .attacks import run_cli
from .test_validate_streamed import (
    INSTRUMENT,
    ROOT,
    _generated,
    _sheet_rows,
    _write,
    same_issue_sheets,
)

TABLES = ("clean", "quarantine", "clean_members", "quarantine_members")
SAME_BYTES = ("issues.csv", "audit.csv", "dropped.csv", "dropped_members.csv")


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(INSTRUMENT)


@pytest.fixture(scope="module")
def season(instrument: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of CSV returns: the model study's, the generated errors, copies across files."""
    folder = tmp_path_factory.mktemp("season") / "returns"
    folder.mkdir()
    books = sorted((ROOT / "sample_data" / "returns").glob("*.xlsx"))
    for name, part in (("season_a.csv", books[:6]), ("season_b.csv", books[6:])):
        rows: list[list[str]] = []
        for workbook in part:
            sheet = _sheet_rows(workbook)
            at = next(i for i, r in enumerate(sheet) if r and r[0] == "village_id")
            rows += sheet[at:] if not rows else sheet[at + 1 :]
        _write(folder / name, rows)
    generated = _generated(instrument, 120, seed=17)
    at = generated[0].index("respondent_name")
    census = [[cell.replace("\n", " ") for cell in row] for row in generated]
    _write(folder / "census.csv", census)  # no line break in a value: cut in blocks
    copies = [census[0], census[10], census[40], list(census[70])]
    copies[-1][at] = "a name\nover two lines"  # a quoted line break: one partition
    _write(folder / "copies.csv", copies)
    _write(folder / "header.csv", [census[0]])  # a header alone
    with_bom = folder / "marked.csv"
    _write(with_bom, [census[0], *census[80:92]])  # copies of rows with errors, behind a BOM
    with_bom.write_bytes(b"\xef\xbb\xbf" + with_bom.read_bytes())
    return folder


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in folder.rglob("*")
        if p.is_file()
    }


def _table(path: Path, partition_by: str | None = None) -> pd.DataFrame:
    scheme = None
    if partition_by is not None:
        scheme = ds.partitioning(pa.schema([(partition_by, pa.string())]), flavor="hive")
    return ds.dataset(path, format="parquet", partitioning=scheme).to_table().to_pandas()


def _rows(frame: pd.DataFrame) -> list[tuple[Any, ...]]:
    return sorted(map(tuple, frame.astype(object).itertuples(index=False)))


def _compare(dask_out: Path, memory: Path, partition_by: str | None) -> None:
    for stem in TABLES:
        got = _table(dask_out / f"{stem}.parquet", partition_by)
        expected = _table(memory / f"{stem}.parquet", partition_by)
        assert list(got.columns) == list(expected.columns) or partition_by, stem
        if partition_by is None:  # the same rows in the same order
            assert got.equals(expected), stem
        else:  # read folder by folder: the same rows
            assert _rows(got[list(expected.columns)]) == _rows(expected), stem
    for name in SAME_BYTES:
        assert (dask_out / name).read_bytes() == (memory / name).read_bytes(), name
    issues = _table(dask_out / "issues.parquet")
    names = pd.read_csv(memory / "issues.csv", nrows=0).columns
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    expected = pacsv.read_csv(memory / "issues.csv", convert_options=options).to_pandas()
    assert issues.equals(expected)
    got = json.loads((dask_out / "summary.json").read_text(encoding="utf-8"))
    said = json.loads((memory / "summary.json").read_text(encoding="utf-8"))
    assert got == said
    same_issue_sheets(dask_out, memory)
    for entry in got["files"]:
        assert entry["rows_in"] == (
            entry["rows_clean"] + entry["rows_quarantined"] + entry["rows_not_read"]
        )


@pytest.fixture(scope="module")
def memory(instrument: Any, season: Path) -> dict[str | None, Path]:
    out = {}
    result = validate_returns(instrument, [season], views=())
    for partition_by in (None, "village_id"):
        folder = season.parent / f"memory-{partition_by}"
        write_validation(result, folder, table_format="parquet", partition_by=partition_by)
        out[partition_by] = folder
    return out


def test_dask_gives_the_one_machine_result_row_for_row(
    client: Any, instrument: Any, season: Path, memory: dict[str | None, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 30)  # a file's later partitions are cut
    before = _digests(season)
    out = season.parent / "dask"
    result = validate_dask(instrument, [season], out, client, block_bytes=6_000)
    _compare(out, memory[None], None)
    assert result.exit_code == 1
    assert len(list((out / "clean.parquet").iterdir())) >= 5  # many partitions
    assert _digests(season) == before  # the returns are never written
    assert sorted(p.name for p in out.parent.iterdir()) == sorted(
        ["returns", "memory-None", "memory-village_id", "dask"]
    )  # nothing left beside the output folder


def test_a_file_url_split_by_village(
    client: Any, instrument: Any, season: Path, memory: dict[str | None, Path],
) -> None:  # fmt: skip
    out = season.parent / "dask-url"
    validate_dask(instrument, [season.as_uri()], out, client, block_bytes=BLOCK_BYTES,
                  partition_by="village_id")  # fmt: skip
    _compare(out, memory["village_id"], "village_id")
    villages = {p.name for p in (out / "clean.parquet").iterdir()}
    assert villages == {p.name for p in (memory["village_id"] / "clean.parquet").iterdir()}


def test_a_quoted_line_break_keeps_a_file_whole() -> None:
    assert scan(b'a,b\n1,"x\n') == (2, True)  # the line break may be inside the quotes
    assert scan(b'a,b\n1,"x, y"\n2,3') == (3, False)
    assert scan(b"a,b\r1,2\r")[1]  # lines ended by a carriage return alone
    assert scan(b"a,b\r\n1,2\r\n") == (2, False)


def test_the_cli_on_a_scheduler(client: Any, season: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli(["validate", str(INSTRUMENT), str(season / "season_a.csv"), "-o", str(out),
                      "--scheduler", client.scheduler.address])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote clean.parquet, quarantine.parquet" in result.output
    assert "issues.parquet" in result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == summary["rows_clean"] > 0
    again = run_cli(["validate", str(INSTRUMENT), str(season / "season_a.csv"), "-o", str(out)])
    assert again.exit_code == 0, again.output  # in memory: the Dask set is replaced whole
    assert not list(out.glob("*.parquet"))
    assert (out / "clean.csv").is_file()


def test_a_scheduler_that_cannot_be_reached_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villagesurvey.validate import dask_cluster

    monkeypatch.setattr(dask_cluster, "CONNECT_SECONDS", 0.5)
    truth = str(ROOT / "sample_data" / "truth.csv")
    for address in ("tcp://127.0.0.1:9", "nonsense"):
        result = run_cli(["validate", str(INSTRUMENT), truth, "-o", str(tmp_path / "out"),
                          "--scheduler", address])  # fmt: skip
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [
            line for line in result.output.strip().splitlines() if "cannot reach" in line
        ]
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (["--workers", "2"], "--workers sets the workers of --dask local"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "--workers sets the workers"),
        (["--dask", "local", "--scheduler", "tcp://127.0.0.1:9"], "not both"),
    ],
)
def test_dask_options_that_do_not_go_together_are_one_line(
    tmp_path: Path, options: list[str], said: str
) -> None:
    truth = str(ROOT / "sample_data" / "truth.csv")
    result = run_cli(["validate", str(INSTRUMENT), truth, "-o", str(tmp_path / "out"), *options])
    assert result.exit_code == 2
    assert said in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_without_dask_installed_one_line_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    truth = str(ROOT / "sample_data" / "truth.csv")
    result = run_cli(["validate", str(INSTRUMENT), truth, "-o", str(tmp_path / "out"),
                      "--dask", "local"])  # fmt: skip
    assert result.exit_code == 2
    assert "pip install villagesurvey[dask]" in result.output
    assert len(result.output.strip().splitlines()) == 1
    refused = run_cli(["validate", str(INSTRUMENT), truth, "-o", str(tmp_path / "out"),
                       "--dask", "local", "--partition-rows", "10"])  # fmt: skip
    assert refused.exit_code == 2
    assert "--dask and --scheduler check the returns alone" in refused.output
    assert not (tmp_path / "out").exists()


def test_a_partition_that_cannot_be_read_leaves_the_previous_set(
    client: Any, season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from villagesurvey.validate import dask_csv

    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 5)
    monkeypatch.setattr(dask_csv, "BLOCK_BYTES", 4_000)  # a few partitions
    out = tmp_path / "out"
    good = str(season / "season_a.csv")
    address = client.scheduler.address
    assert (
        run_cli(
            ["validate", str(INSTRUMENT), good, "-o", str(out), "--scheduler", address]
        ).exit_code
        == 0
    )
    before = _digests(out)
    lines = (season / "season_a.csv").read_text(encoding="utf-8").splitlines()
    lines[-3] += ",one,cell,too,many"  # a row wider than the header, in a later partition
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert ragged.stat().st_size > 3 * 4_000  # the ragged row is past the first partitions
    result = run_cli(
        ["validate", str(INSTRUMENT), str(ragged), "-o", str(out), "--scheduler", address]
    )
    assert result.exit_code == 2
    assert "cannot be read in partitions" in result.output
    assert "validate it without --dask" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _digests(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "ragged.csv"]


def test_parquet_returns_give_the_result_of_their_csv(
    client: Any, instrument: Any, season: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The generated file as Parquet text columns in row groups of 7 rows, partitions of 20:
    the rows, findings and counts of the same file as CSV, read whole in memory."""
    import pyarrow.parquet as pq

    from villagesurvey.validate import dask_run

    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 30)
    monkeypatch.setattr(dask_run, "PARQUET_ROWS", 20)
    names = pd.read_csv(season / "census.csv", nrows=0).columns
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    text = pacsv.read_csv(season / "census.csv", convert_options=options)
    (tmp_path / "in").mkdir()
    pq.write_table(text, tmp_path / "in" / "census.parquet", row_group_size=7)
    memory = tmp_path / "memory"
    result = validate_returns(instrument, [season / "census.csv"], views=())
    write_validation(result, memory, table_format="parquet")
    out = tmp_path / "dask"
    validate_dask(instrument, [tmp_path / "in"], out, client)
    for stem in ("clean", "quarantine"):
        got = _table(out / f"{stem}.parquet")
        got = got.apply(lambda texts: texts.str.replace("census.parquet", "census.csv"))
        assert got.equals(_table(memory / f"{stem}.parquet")), stem
    said = (memory / "issues.csv").read_text(encoding="utf-8").splitlines()
    said = [line for line in said if ",csv_encoding," not in line]
    got = (out / "issues.csv").read_text(encoding="utf-8").replace("census.parquet", "census.csv")
    assert got.splitlines() == said
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    expected = json.loads((memory / "summary.json").read_text(encoding="utf-8"))
    for key in ("rows_in", "rows_clean", "rows_quarantined", "rows_not_read"):
        assert summary[key] == expected[key], key
    assert summary["files"][0]["format"] == "parquet"
    assert len(list((out / "clean.parquet").iterdir())) > 3  # partitions of row groups


def test_workers_that_cannot_reach_the_output_folder_are_one_line(
    instrument: Any, season: Path, tmp_path: Path
) -> None:
    """A scheduler whose workers do not see the staging folder (here, a client whose
    workers answer that they do not) stops the run before any check, nothing written."""
    from villagesurvey.errors import OutputError

    class Elsewhere:
        def run(self, function: Any, *args: Any) -> dict[str, bool]:
            assert function(*args)  # this machine sees it
            return {"tcp://10.0.0.7:40000": False}

    with pytest.raises(OutputError, match=r"cannot reach .*share with this machine"):
        validate_dask(instrument, [season / "season_a.csv"], tmp_path / "out", Elsewhere())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["grouped_repeatable", "long_names", "restaurant_profile"])
def test_a_kobo_csv_export_gives_the_one_machine_findings(
    client: Any, name: str, tmp_path: Path
) -> None:
    """formpack's real exports; the first two are of forms with repeats, whose rosters a CSV
    export holds no table of: the same no_roster_sheet warnings as on one machine."""
    from villagesurvey.xlsform import read_xlsform

    from .xlsform_corpus import KOBO

    form = KOBO / f"{name}.xlsx"
    instrument = read_xlsform(form).instrument
    memory, out = tmp_path / "memory", tmp_path / "dask"
    result = validate_returns(instrument, [form.with_suffix(".csv")], workers=1, views=())
    write_validation(result, memory, table_format="parquet")
    validate_dask(instrument, [form.with_suffix(".csv")], out, client)
    for file in ("issues.csv", "audit.csv", "dropped.csv"):
        assert (out / file).read_bytes() == (memory / file).read_bytes(), file
    assert _table(out / "clean.parquet").equals(_table(memory / "clean.parquet"))
    warned = (out / "issues.csv").read_text(encoding="utf-8").count(",no_roster_sheet,warning,")
    assert warned == len(instrument.rosters)


@pytest.mark.parametrize("name", ["singlerepeat", "multirepeat"])
def test_a_repeats_own_csv_file_is_refused_not_counted_as_households(
    client: Any, name: str, tmp_path: Path
) -> None:
    """ODK Central's <form>-<repeat>.csv holds children or toys: checked as households, they were
    counted as respondents. validate says so in one line; the output folder is not made."""
    from villagesurvey.errors import ReturnsError
    from villagesurvey.xlsform import read_xlsform

    folder = ROOT / "tests" / "data" / "odk_central"
    instrument = read_xlsform(folder / f"{name}.xlsx").instrument
    out = tmp_path / "out"
    repeat = rf"^{name}-(child|toy)\.csv holds the rows of a repeat"  # the first file read
    with pytest.raises(ReturnsError, match=repeat):
        validate_dask(instrument, [folder / name], out, client)
    assert not out.exists()
