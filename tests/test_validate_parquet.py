"""validate --format parquet: the clean and quarantine tables as Parquet, split or not.

The Parquet written holds the rows and values of the CSV a csv run writes (read back with
pyarrow and with pandas), in one file or in Hive folders by a column; hostile values of that
column stay inside the folder and come back as they were; a run in one format replaces the
tables of the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pytest

from villagesurvey import validate_returns, write_validation
from villagesurvey.validate import Validation

from .attacks import HEADER, csv_text, run_cli
from .conftest import MODEL_STUDY, ROOT


def _csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _parquet(path: Path, partition_by: str | None = None) -> pd.DataFrame:
    """A Parquet file or Hive folder read with pyarrow, the partition column as text."""
    scheme = None
    if partition_by is not None:
        scheme = ds.partitioning(pa.schema([(partition_by, pa.string())]), flavor="hive")
    return ds.dataset(path, format="parquet", partitioning=scheme).to_table().to_pandas()


def _same_rows(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same columns and the same rows (as a multiset: a split table is read by folder)."""
    assert sorted(got.columns) == sorted(expected.columns)
    got = got[list(expected.columns)].astype(object)
    expected = expected.astype(object)
    rows = sorted(map(tuple, got.itertuples(index=False)))
    assert rows == sorted(map(tuple, expected.itertuples(index=False)))


def _tables(validation: Validation) -> list[str]:
    stems = ["clean", "quarantine"]
    return stems + [f"{k}_{code}" for code in validation.rosters for k in stems]


@pytest.fixture(scope="module", params=["returns", "returns_messy"])
def validated(request, model_study, tmp_path_factory) -> tuple[Validation, Path]:
    result = validate_returns(model_study, [ROOT / "sample_data" / request.param])
    out = tmp_path_factory.mktemp("csv") / "out"
    write_validation(result, out)
    return result, out


@pytest.mark.parametrize("partition_by", [None, "village_id"])
def test_parquet_holds_the_rows_and_values_of_the_csv(validated, tmp_path, partition_by):
    result, csv_out = validated
    out = write_validation(result, tmp_path / "pq", table_format="parquet",
                           partition_by=partition_by)  # fmt: skip
    for stem in _tables(result):
        expected = _csv(csv_out / f"{stem}.csv")
        got = _parquet(out / f"{stem}.parquet", partition_by)
        assert all(str(t) in ("object", "str", "string") for t in got.dtypes), got.dtypes
        _same_rows(got, expected)
        assert not (out / f"{stem}.csv").exists()
        if partition_by is None:
            assert list(got.columns) == list(expected.columns)  # no index column, same order
            assert got.equals(expected.astype(got.dtypes.to_dict()))  # and the same row order
    # the other files are those of the csv run
    for name in ("issues.csv", "audit.csv", "dropped.csv"):
        assert (out / name).read_bytes() == (csv_out / name).read_bytes()
    if partition_by is not None:  # one folder per village, and pandas reads them as one table
        villages = set(_csv(csv_out / "clean.csv")["village_id"])
        folders = {p.name for p in (out / "clean.parquet").iterdir()}
        assert folders == {f"village_id={v}" for v in villages}
        read = pd.read_parquet(out / "clean.parquet")
        read["village_id"] = read["village_id"].astype(str)
        _same_rows(read, _csv(csv_out / "clean.csv"))


def test_summary_names_the_format_and_the_tables_written(validated, tmp_path):
    result, _ = validated
    out = write_validation(result, tmp_path / "pq", table_format="parquet",
                           partition_by="village_id")  # fmt: skip
    outputs = json.loads((out / "summary.json").read_text(encoding="utf-8"))["outputs"]
    assert outputs["format"] == "parquet"
    assert outputs["partition_by"] == "village_id"
    tables = sorted(p.name for p in out.iterdir() if p.suffix == ".parquet")
    assert sorted(outputs["tables"]) == tables
    assert len(tables) == 2 + 2 * len(result.rosters)


def test_a_run_in_one_format_replaces_the_tables_of_the_other(validated, tmp_path):
    result, _ = validated
    out = tmp_path / "out"
    write_validation(result, out)
    write_validation(result, out, table_format="parquet", partition_by="village_id")
    assert not list(out.glob("*clean*.csv"))
    assert (out / "clean.parquet").is_dir()
    write_validation(result, out)
    assert not list(out.glob("*.parquet"))
    assert (out / "clean.csv").is_file()
    # a folder holding files of others is not swapped: the outputs are moved in one by one
    (out / "notes.txt").write_text("mine")
    write_validation(result, out, table_format="parquet", partition_by="village_id")
    assert not list(out.glob("*clean*.csv"))
    assert (out / "clean.parquet").is_dir()
    write_validation(result, out, table_format="parquet")  # a folder replaced by a file
    assert (out / "clean.parquet").is_file()
    write_validation(result, out, table_format="parquet", partition_by="village_id")
    assert (out / "clean.parquet").is_dir()
    write_validation(result, out)
    assert not list(out.glob("*.parquet"))
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("partition_by", [None, "village_id"])
def test_hostile_partition_values_stay_inside_and_come_back(small, tmp_path, partition_by):
    villages = ["../x", "a/b", "", "..", "x\x01y", "%2F", "=@SUM(A1)"]
    rows = [[v, str(i + 1), "40"] for i, v in enumerate(villages)]
    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], *rows]))
    result = validate_returns(small, [tmp_path / "a.csv"])
    write_validation(result, tmp_path / "csv")
    out = write_validation(result, tmp_path / "pq", table_format="parquet",
                           partition_by=partition_by)  # fmt: skip
    outside = {p.name for p in tmp_path.iterdir()}
    assert outside == {"a.csv", "csv", "pq"}  # nothing written beside the output folder
    for stem in ("clean", "quarantine"):
        table = out / f"{stem}.parquet"
        if partition_by is not None:
            for part in table.rglob("*"):  # every part one level down, inside the table
                assert part.resolve().is_relative_to(table.resolve())
        _same_rows(_parquet(table, partition_by), _csv(tmp_path / "csv" / f"{stem}.csv"))
    both = pd.concat([_parquet(out / f"{s}.parquet", partition_by)
                      for s in ("clean", "quarantine")])  # fmt: skip
    assert "a/b" in set(both["village_id"])
    assert "../x" in set(both["village_id"])


def test_the_cli_writes_parquet_and_refuses_what_it_cannot_do(tmp_path):
    returns = str(ROOT / "sample_data" / "returns_messy")
    out = tmp_path / "out"
    result = run_cli(["validate", str(MODEL_STUDY), returns, "-o", str(out),
                      "--format", "parquet", "--partition-by", "village_id"])  # fmt: skip
    assert result.exit_code == 1, result.output  # the messy returns have errors
    assert "wrote clean.parquet, quarantine.parquet" in result.output
    assert (out / "quarantine.parquet").is_dir()
    assert not (out / "clean.csv").exists()
    for args, said in (
        (["--partition-by", "village_id"], "--partition-by needs --format parquet"),
        (["--format", "parquet", "--partition-by", "nope"], "'nope' is not a column"),
    ):
        refused = run_cli(["validate", str(MODEL_STUDY), returns, "-o", str(tmp_path / "x"),
                           *args])  # fmt: skip
        assert refused.exit_code == 2, refused.output
        assert said in refused.output, refused.output
        assert len(refused.output.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


def test_the_library_refuses_an_unknown_format_or_a_split_csv(small, tmp_path):
    from villagesurvey.errors import OptionError

    (tmp_path / "a.csv").write_bytes(csv_text([HEADER[:3], ["V01", "1", "40"]]))
    result = validate_returns(small, [tmp_path / "a.csv"])
    with pytest.raises(OptionError):
        write_validation(result, tmp_path / "out", table_format="feather")
    with pytest.raises(OptionError):
        write_validation(result, tmp_path / "out", partition_by="village_id")
    assert not (tmp_path / "out").exists()
