"""Write a table as Parquet: the text of its CSV, one file or a folder in Hive layout.

Every column is written as text, the same text the CSV holds (blanks for missing values,
formula-like text with its leading ``'``), without an index, so that a reader gets from
the Parquet the rows and values of the CSV. With a partition column, the table becomes a
folder ``<name>.parquet/<column>=<value>/part-0.parquet``: pyarrow escapes in the folder
names what a path cannot hold (``/`` is written ``%2F``) and gives the values back as
they were; a blank value is the folder ``<column>=``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["FORMATS", "table_name", "write_parquet"]

FORMATS = ("csv", "parquet")
"""The formats the clean and quarantine tables can be written in."""


def table_name(stem: str, table_format: str) -> str:
    """A table's file (or folder) name: ``clean`` becomes ``clean.csv`` or ``clean.parquet``."""
    return f"{stem}.{table_format}"


def write_parquet(path: Path, frame: pd.DataFrame, partition_by: str | None = None) -> None:
    """Write a table as Parquet text columns: one file, or a folder split by a column.

    Parameters
    ----------
    path : Path
        The file (or, with ``partition_by``, the folder) to write; it must not exist yet
        (it is written in a staging folder).
    frame : DataFrame
        The table, as :func:`~villagesurvey.validate.outputs.write_validation` would write
        it to CSV.
    partition_by : str, optional
        A column to split the rows by, one folder per value (Hive layout). A table without
        that column is written as one file ``part-0.parquet`` in the folder, as is an empty
        table.
    """
    import pyarrow.parquet as pq

    table = _text_table(frame)
    if partition_by is None:
        pq.write_table(table, path)
        return
    path.mkdir()
    if partition_by not in table.column_names or table.num_rows == 0:
        pq.write_table(table, path / "part-0.parquet")
        return
    _write_partitioned(table, path, partition_by)


def _text_table(frame: pd.DataFrame) -> pa.Table:
    """The table's columns as the CSV writer's text: names and values neutralised."""
    import pyarrow as pa

    from ..tables.csv_file import neutralise_column
    from ..tables.safe import neutralise

    columns = {neutralise(str(n)): neutralise_column(frame[n]) for n in frame}
    if not columns:
        return pa.table({})
    return pa.table(columns)


def _write_partitioned(table: pa.Table, path: Path, column: str) -> None:
    import pyarrow as pa
    import pyarrow.dataset as ds

    scheme = ds.partitioning(pa.schema([(column, pa.string())]), flavor="hive")
    try:
        ds.write_dataset(
            table,
            path,
            format="parquet",
            partitioning=scheme,
            basename_template="part-{i}.parquet",
            existing_data_behavior="overwrite_or_ignore",
        )
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise
