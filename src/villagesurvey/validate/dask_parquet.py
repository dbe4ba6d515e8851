"""Parquet returns cut into partitions for Dask: row groups, read as text.

A Parquet file's partitions are runs of its row groups (their sizes are in the file's
footer, so every partition's first row is known before any is read). Each column is read as
text, as a CSV export would hold it (Arrow's cast: ``41``, ``41.5``, ``2022-06-01``), and
laid out as a sheet whose row 1 holds the column names: the first data row is row 2, which
is the row every finding names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

    from .dask_csv import CsvFile, Piece

__all__ = ["plan_parquet", "read_groups", "row_groups"]


def row_groups(url: str) -> list[int]:
    """The rows of each row group of a Parquet file (from its footer)."""
    import fsspec
    import pyarrow.parquet as pq

    with fsspec.open(url, "rb") as stream:
        meta = pq.ParquetFile(stream).metadata
        return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def plan_parquet(file: CsvFile, sizes: list[int], first_rows: int, rows: int) -> list[Piece]:
    """A file's partitions: runs of row groups of about ``rows`` rows (the first of at least
    ``first_rows``, where the header and the usual language are found)."""
    from .dask_csv import Piece

    pieces: list[Piece] = []
    start, at = 2, 0  # row 1 holds the column names
    while at < len(sizes) or not pieces:
        head = not pieces
        want = max(rows, first_rows) if head else rows
        group: list[int] = []
        count = 0
        while at < len(sizes) and (not group or count + sizes[at] <= want):
            group.append(at)
            count += sizes[at]
            at += 1
        pieces.append(Piece(file, [], 1 if head else start, head, last=False, groups=group))
        start += count
    pieces[-1].last = True
    return pieces


def read_groups(url: str, groups: list[int], header: bool) -> pa.Table:
    """Row groups of a Parquet file as text columns ``f0, f1, ...``, the column names as a
    first row when ``header``.

    Raises
    ------
    ValueError
        If the file cannot be read as Parquet, or a column cannot be shown as text.
    """
    import fsspec
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        with fsspec.open(url, "rb") as stream:
            source = pq.ParquetFile(stream)
            names = source.schema_arrow.names
            table = source.read_row_groups(groups) if groups else source.schema_arrow.empty_table()
        columns = [table.column(i).cast(pa.large_string()) for i in range(table.num_columns)]
    except (pa.ArrowException, OSError) as error:
        raise ValueError(str(error)) from None
    text = pa.table({f"f{i}": column for i, column in enumerate(columns)})
    if not header:
        return text
    first = pa.table({f"f{i}": pa.array([name], pa.large_string()) for i, name in enumerate(names)})
    return pa.concat_tables([first, text])
