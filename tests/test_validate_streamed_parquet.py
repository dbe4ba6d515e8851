"""The streamed path writes clean and quarantine as Parquet (one file, or Hive folders by a
column), appended a partition at a time, holding what the in-memory path writes: read back
with pyarrow, table for table and row for row, on the model study's returns as one CSV file,
the messy returns as CSV files and a generated file with an error of every kind, in
partitions of 7 rows; the other files, summary.json included, are the very bytes of the
in-memory Parquet run. Hostile values of the partition column stay inside the table's folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from villagesurvey.instrument import load_instrument
from villagesurvey.validate import csv_stream, validate_returns, write_validation
from villagesurvey.validate.stream_writing import validate_streamed

from .attacks import HEADER, csv_text
from .test_validate_streamed import INSTRUMENT, ROOT, _generated, _sheet_rows, _write

OTHER_FILES = ("issues.csv", "audit.csv", "dropped.csv", "summary.json", "dropped_members.csv")


@pytest.fixture(scope="module")
def instrument() -> Any:
    return load_instrument(INSTRUMENT)


def _season(folder: Path) -> list[Path]:
    rows: list[list[str]] = []
    for workbook in sorted((ROOT / "sample_data" / "returns").glob("*.xlsx")):
        sheet = _sheet_rows(workbook)
        at = next(i for i, r in enumerate(sheet) if r and r[0] == "village_id")
        rows += sheet[at:] if not rows else sheet[at + 1 :]
    return [_write(folder / "season.csv", rows)]


def _messy(folder: Path) -> list[Path]:
    return [
        _write(folder / f"{w.stem}.csv", _sheet_rows(w))
        for w in sorted((ROOT / "sample_data" / "returns_messy").glob("*.xlsx"))
    ]


def _every_error(folder: Path) -> list[Path]:
    return [_write(folder / "census.csv", _generated(None, 120, seed=17))]


def _parts(folder: Path) -> list[Path]:
    """A value folder's part files in the order they were written (part-0, part-1, ...)."""
    files = [p for p in folder.iterdir() if re.fullmatch(r"part-\d+\.parquet", p.name)]
    assert len(files) == len(list(folder.iterdir())), list(folder.iterdir())
    return sorted(files, key=lambda p: int(p.stem.split("-")[1]))


def _read(path: Path) -> pa.Table:
    """A Parquet table as written: one file, or the parts of a folder one after the other."""
    if path.is_file():
        return pq.read_table(path)
    tables = [pq.read_table(p) for p in _parts(path)]
    return pa.concat_tables(tables)


def _same_tables(streamed: Path, memory: Path) -> int:
    """Every table of the in-memory run is in the streamed one, value for value and type for
    type, row for row (in each Hive folder, the rows of a value); the rows compared."""
    tables = sorted(p.name for p in memory.iterdir() if p.suffix == ".parquet")
    assert sorted(p.name for p in streamed.iterdir() if p.suffix == ".parquet") == tables
    compared = 0
    for name in tables:
        expected, got = memory / name, streamed / name
        assert expected.is_dir() == got.is_dir(), name
        if expected.is_file():
            pairs = [(got, expected)]
        else:
            folders = sorted(p.name for p in expected.iterdir())
            assert sorted(p.name for p in got.iterdir()) == folders, name
            pairs = [(got / f, expected / f) for f in folders]
        for mine, theirs in pairs:
            want, have = _read(theirs), _read(mine)
            assert have.schema.equals(want.schema), (mine, have.schema, want.schema)
            assert have.equals(want), mine
            compared += have.num_rows
    return compared


@pytest.mark.parametrize(
    ("returns", "jobs"), [(_season, 1), (_messy, 1), (_every_error, 1), (_every_error, 2)]
)
def test_streamed_parquet_holds_the_in_memory_tables(
    instrument: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, returns: Any, jobs: int
) -> None:
    monkeypatch.setattr(csv_stream, "FIRST_ROWS", 30)  # chunks end mid-file, in blank runs
    (tmp_path / "in").mkdir()
    paths = returns(tmp_path / "in")
    result = validate_returns(instrument, paths, views=())
    for partition_by in (None, "village_id"):
        memory, streamed = (
            tmp_path / f"memory-{partition_by}",
            tmp_path / f"streamed-{partition_by}",
        )
        write_validation(result, memory, table_format="parquet", partition_by=partition_by)
        done = validate_streamed(instrument, paths, streamed, partition_rows=7, jobs=jobs,
                                 table_format="parquet", partition_by=partition_by)  # fmt: skip
        rows = _same_tables(streamed, memory)
        assert rows == result.rows_clean + result.rows_quarantined > 7 * 3  # several partitions
        for name in OTHER_FILES:
            assert (streamed / name).read_bytes() == (memory / name).read_bytes(), name
        assert not list(streamed.glob("*clean*.csv"))
        assert done.written[:2] == ["clean.parquet", "quarantine.parquet"]
        assert all((streamed / name).exists() for name in done.written)
        if partition_by is not None and returns is not _messy:  # a village in many partitions
            assert any(len(list(p.iterdir())) > 1 for p in (streamed / "clean.parquet").iterdir())


def test_hostile_partition_values_stay_inside_the_folder(small: Any, tmp_path: Path) -> None:
    villages = ["../x", "a/b", "", "..", "x\x01y", "%2F", "=@SUM(A1)", "a/b", "", "../x"]
    rows = [[v, str(i + 1), "40" if i % 3 else "forty"] for i, v in enumerate(villages)]
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], *rows]))
    paths = [tmp_path / "a.csv"]
    write_validation(validate_returns(small, paths, views=()), tmp_path / "memory",
                     table_format="parquet", partition_by="village_id")  # fmt: skip
    validate_streamed(small, paths, tmp_path / "streamed", partition_rows=3,
                      table_format="parquet", partition_by="village_id")  # fmt: skip
    assert {p.name for p in tmp_path.iterdir()} == {"a.csv", "memory", "streamed"}
    for stem in ("clean", "quarantine"):
        table = tmp_path / "streamed" / f"{stem}.parquet"
        for part in table.rglob("*"):  # a folder per value, its parts in it: nothing deeper
            assert part.resolve().is_relative_to(table.resolve())
            assert len(part.relative_to(table).parts) == (1 if part.is_dir() else 2)
    assert _same_tables(tmp_path / "streamed", tmp_path / "memory") == len(villages)


def test_a_header_alone_writes_empty_tables_as_the_in_memory_path(
    instrument: Any, tmp_path: Path
) -> None:
    header = (ROOT / "sample_data" / "truth.csv").read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "header.csv"
    path.write_text(header + "\n", encoding="utf-8")
    result = validate_returns(instrument, [path], views=())
    for partition_by in (None, "village_id"):
        memory, streamed = tmp_path / f"m-{partition_by}", tmp_path / f"s-{partition_by}"
        write_validation(result, memory, table_format="parquet", partition_by=partition_by)
        validate_streamed(instrument, [path], streamed, partition_rows=7,
                          table_format="parquet", partition_by=partition_by)  # fmt: skip
        assert _same_tables(streamed, memory) == 0


def test_the_cli_streams_parquet_from_the_size_csv_streams_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from villagesurvey.cli import main
    from villagesurvey.validate import streamed

    truth = str(ROOT / "sample_data" / "truth.csv")
    args = ["validate", str(INSTRUMENT), truth, "--format", "parquet"]
    said = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "a"), "--partition-rows", "25",
                                     "--partition-by", "village_id"])  # fmt: skip
    assert said.exit_code == 0, said.output
    assert "wrote clean.parquet, quarantine.parquet, clean_members.parquet" in said.output
    assert not (tmp_path / "a" / "dashboard.html").exists()  # the streamed set
    assert (tmp_path / "a" / "clean.parquet").is_dir()
    monkeypatch.setattr(streamed, "STREAM_FROM_BYTES", 1)  # as if truth.csv were large
    said = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "b")])
    assert said.exit_code == 0, said.output
    assert not (tmp_path / "b" / "dashboard.html").exists()
    assert pq.read_table(tmp_path / "b" / "clean.parquet").num_rows == 62
    monkeypatch.setattr(streamed, "STREAM_FROM_BYTES", 2**40)
    said = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "c")])
    assert said.exit_code == 0, said.output
    assert (tmp_path / "c" / "dashboard.html").exists()  # small: in memory, the whole set


def test_the_output_help_names_the_files_of_both_formats_and_both_paths() -> None:
    from click.testing import CliRunner

    from villagesurvey.cli import main
    from villagesurvey.validate import OUTPUTS
    from villagesurvey.validate.stream_writing import STREAMED_OUTPUTS

    shown = CliRunner().invoke(main, ["validate", "--help"]).output
    at = shown.index("-o, --output")
    said = " ".join(shown[at : shown.index("--show-pii")].split())
    for name in (*OUTPUTS, *STREAMED_OUTPUTS, "clean.parquet", "quarantine.parquet"):
        assert name in said, name
    for pattern in ("clean_<roster>", "quarantine_<roster>", "dropped_<roster>.csv"):
        assert pattern in said, pattern
    not_streamed = said.split("Validated in partitions:")[1]  # what partitions do not write
    named = set(re.findall(r"[\w.]+\.(?:csv|xlsx|html|json)", not_streamed))
    assert named == set(OUTPUTS) - set(STREAMED_OUTPUTS), not_streamed


def test_partitions_written_in_any_order_make_the_whole_table(tmp_path: Path) -> None:
    import pandas as pd

    from villagesurvey.validate.parquet_tables import write_parquet, write_parquet_part

    villages = ["V01", "V02", "a/b", "", "V01", "V03", "V02", "V01", "=1+1", "V01"]
    frame = pd.DataFrame({"village_id": villages, "age": [str(40 + i) for i in range(10)],
                          "note": ["x", None, "-5", "@me", "", "y", "z", "w", "v", "u"]})  # fmt: skip
    write_parquet(tmp_path / "whole.parquet", frame, "village_id")
    (tmp_path / "parts.parquet").mkdir()
    pieces = [frame.iloc[0:4], frame.iloc[4:7], frame.iloc[7:10]]
    for number in (2, 0, 1):  # as workers might finish
        written = write_parquet_part(
            tmp_path / "parts.parquet", pieces[number], "village_id", number
        )
        assert written == len(pieces[number])
    whole, parts = tmp_path / "whole.parquet", tmp_path / "parts.parquet"
    assert sorted(p.name for p in parts.iterdir()) == sorted(p.name for p in whole.iterdir())
    for folder in whole.iterdir():
        assert _read(parts / folder.name).equals(_read(folder)), folder.name
    assert [p.name for p in _parts(parts / "village_id=V01")] == [
        "part-000000.parquet", "part-000001.parquet", "part-000002.parquet"
    ]  # fmt: skip
