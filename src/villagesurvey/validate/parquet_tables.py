"""Write a table as Parquet: the text of its CSV, one file or a folder in Hive layout.

Every column is written as text, the same text the CSV holds (blanks for missing values,
formula-like text with its leading ``'``), without an index, so that a reader gets from
the Parquet the rows and values of the CSV. With a partition column, the table becomes a
folder ``<name>.parquet/<column>=<value>/part-0.parquet``: pyarrow escapes in the folder
names what a path cannot hold (``/`` is written ``%2F``) and gives the values back as
they were; a blank value is the folder ``<column>=``.

:class:`ParquetPieces` writes the same table a partition at a time, holding one partition's
rows at most: one file with a row group per partition, or the Hive folders with a part file
per partition in each value's folder, named by the partition's number in six digits
(``part-000000.parquet``, ``part-000003.parquet``, ...: :func:`write_parquet_part`). Read
back, it gives the table :func:`write_parquet` writes.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .result import Validation

__all__ = [
    "FORMATS",
    "ParquetPieces",
    "table_name",
    "write_parquet",
    "write_parquet_part",
    "write_roster_tables",
    "write_table",
]

FORMATS = ("csv", "parquet")
"""The formats the clean and quarantine tables can be written in."""


def table_name(stem: str, table_format: str) -> str:
    """A table's file (or folder) name: ``clean`` becomes ``clean.csv`` or ``clean.parquet``."""
    return f"{stem}.{table_format}"


def write_table(
    folder: Path, stem: str, frame: pd.DataFrame, table_format: str, partition_by: str | None
) -> None:
    """Write a table into ``folder`` as ``<stem>.csv`` or as ``<stem>.parquet``
    (:func:`write_parquet`, split by ``partition_by`` if given)."""
    if table_format == "parquet":
        write_parquet(folder / table_name(stem, "parquet"), frame, partition_by)
    else:
        from ..tables.csv_file import write_csv

        write_csv(folder / table_name(stem, "csv"), frame)


def write_roster_tables(
    folder: Path, rosters: Mapping[str, Validation], table_format: str, partition_by: str | None
) -> None:
    """Each roster's clean and quarantine tables (:func:`write_table`) and its dropped rows
    (``dropped_<roster>.csv``)."""
    from ..tables.csv_file import write_csv

    for code, level in rosters.items():
        write_table(folder, f"clean_{code}", level.clean(), table_format, partition_by)
        write_table(folder, f"quarantine_{code}", level.quarantine(), table_format, partition_by)
        write_csv(folder / f"dropped_{code}.csv", level.dropped)


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

    table = text_table(frame)
    if partition_by is None:
        pq.write_table(table, path)
        return
    path.mkdir()
    if partition_by not in table.column_names or table.num_rows == 0:
        pq.write_table(table, path / "part-0.parquet")
        return
    _write_partitioned(table, path, partition_by)


def text_table(table: pd.DataFrame | dict[str, pa.Array]) -> pa.Table:
    """The table's columns as the CSV writer's text: names and values neutralised; or the
    columns already so (:func:`~villagesurvey.tables.csv_file.text_columns`), as ``string``."""
    import pyarrow as pa

    from ..tables.csv_file import text_columns

    columns = table if isinstance(table, dict) else text_columns(table)
    if not columns:
        return pa.table({})
    return pa.table({name: texts.cast(pa.string()) for name, texts in columns.items()})


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


def write_parquet_part(folder: Path, frame: pd.DataFrame, partition_by: str, part: int) -> int:
    """Write one partition of a table split by a column into its Hive folders.

    Each value's rows, in their order, become ``<folder>/<column>=<value>/part-<part>.parquet``
    (the number in six digits, so that the names sort as the numbers do; the folder made if
    need be), as :func:`write_parquet` names the folders; each file is closed once written.
    Partitions written with their numbers (in any order, by any process) make the table
    :func:`write_parquet` writes whole; reading each folder's parts in the order of their
    names gives its rows in the order of the table.

    Parameters
    ----------
    folder : Path
        The table's folder (``clean.parquet``); it must exist.
    frame : DataFrame
        The partition's rows, as :func:`write_parquet` takes a table; it must hold the
        column ``partition_by``.
    partition_by : str
        The column to split the rows by.
    part : int
        The partition's number: the name of its part file in each value's folder.

    Returns
    -------
    int
        The rows written.
    """
    table = text_table(frame)
    _write_values(table, folder, partition_by, part)
    return int(table.num_rows)


class ParquetPieces:
    """One table written as Parquet a partition at a time, as :func:`write_parquet` writes it
    whole, holding no more than a partition's rows.

    Without ``partition_by``, one file with a row group per partition (one writer, open until
    :meth:`close`). With it, each partition's rows of a value are the part file of that
    partition's number in the value's folder (:func:`write_parquet_part`), closed once
    written, so the files open at once do not grow with the number of values.

    Parameters
    ----------
    path : Path
        The file (or, with ``partition_by``, the folder) to write, in a staging folder; one
        left by an earlier attempt is replaced.
    partition_by : str, optional
        A column to split the rows by, one folder per value (Hive layout).
    """

    def __init__(self, path: Path, partition_by: str | None = None) -> None:
        self.path, self.partition_by = path, partition_by
        self._writer: pq.ParquetWriter | None = None
        self._schema: pa.Schema | None = None
        self._added = 0  # partitions added: the number of the next one
        self._split = False  # rows written into value folders
        if path.is_dir():
            shutil.rmtree(path)
        path.unlink(missing_ok=True)
        if partition_by is not None:
            path.mkdir()

    def add(self, frame: pd.DataFrame) -> None:
        """Append the next partition's rows (its clean or its quarantined rows)."""
        self.add_text(text_table(frame))

    def add_text(self, table: pa.Table) -> None:
        """Append the next partition's rows as :func:`text_table` made them (elsewhere)."""
        if self._schema is None:
            self._schema = table.schema
        column = self.partition_by
        if column is None or column not in table.column_names:
            self._append(table, self.path if column is None else self.path / "part-0.parquet")
        elif table.num_rows:
            _write_values(table, self.path, column, self._added)
            self._split = True
        self._added += 1

    def close(self) -> None:
        """Finish the table; one with no rows at all is written as :func:`write_parquet`
        writes it (one file, or ``part-0.parquet`` in the folder)."""
        import pyarrow.parquet as pq

        if self._writer is not None:
            self._writer.close()
            self._writer = None
        elif not self._split and self._schema is not None:
            target = self.path if self.partition_by is None else self.path / "part-0.parquet"
            pq.write_table(self._schema.empty_table(), target)

    def _append(self, table: pa.Table, target: Path) -> None:
        import pyarrow.parquet as pq

        if self._writer is None:
            self._writer = pq.ParquetWriter(target, table.schema)
        self._writer.write_table(table)


def _write_values(table: pa.Table, path: Path, column: str, part: int) -> None:
    """Each value's rows (in their order) as ``part-<part>.parquet`` of the value's folder."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if not table.num_rows:
        return
    scheme = ds.partitioning(pa.schema([(column, pa.string())]), flavor="hive")
    values = table[column].combine_chunks().dictionary_encode()
    codes = values.indices.to_numpy(zero_copy_only=False)
    order = np.argsort(codes, kind="stable")
    starts = [0, *(np.flatnonzero(np.diff(codes[order])) + 1)]
    rest = table.drop_columns([column])
    for start, end in zip(starts, [*starts[1:], len(order)], strict=True):
        value = values.dictionary[codes[order[start]]].as_py()
        folder = path / _folder(scheme.format(pc.field(column) == value)[0])
        folder.mkdir(exist_ok=True)
        rows = rest.take(pa.array(order[start:end]))
        pq.write_table(rows, folder / f"part-{part:06d}.parquet")


def _folder(name: str) -> str:
    """A Hive folder's name as pyarrow formats it (``village=a%2Fb``), checked to be one
    name: a value can never lead out of the table's folder."""
    if Path(name).name != name or name in ("", ".", ".."):
        raise ValueError(f"not a folder name: {name!r}")
    return name
