"""The outliers of the streamed path: the workers judge the columns, a column each.

Each outlier column's answers wait beside each partition as float64, written by the process
that checked it (:mod:`.waiting_keeps`); the group of each record (numbered in the order of
the batch) and the record wait in the staging folder as int64 (``outliers/groups``,
``outliers/records``), written by :class:`.streamed.Partitions` once every partition is
checked. :func:`judge_task` reads one column of every partition, and the groups
memory-mapped, and judges it (:func:`.hfc.judge_column`: its
fences by group, the answers beyond them), in a worker process (or this one, with one job).
:func:`streamed_outliers` hands every column to the workers at once and writes the warnings
from their results, taken in the order of the columns (:func:`.hfc.outlier_rows`), reading
only the groups and records of the answers flagged: the table of one process, and of the
in-memory path.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .hfc import ColumnOutliers, judge_column, outlier_rows
from .stream_pool import ahead, keep_large_blocks
from .waiting_keeps import KeptFile, gathered

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from ..instrument import Instrument
    from .stream_pool import Shared, Workers

__all__ = ["Judging", "judge_task", "judging", "mapped", "streamed_outliers"]

Judging = Iterator[tuple[str, ColumnOutliers]]
"""The columns judged, in order, as their results are taken (:func:`judging`)."""


def judge_task(
    instrument: Shared[Instrument],
    folder: Path,
    files: Sequence[KeptFile],
    number: int,
    code: str,
    factor: float,
) -> ColumnOutliers:
    """Judge column ``code`` (the ``number``-th outlier column): its answers read from the
    partitions' ``files``, the groups from ``folder``."""
    keep_large_blocks()  # the next column reuses this one's arrays
    values = gathered(files, number)
    return judge_column(instrument.value, code, values, mapped(folder / "groups"), factor)


def mapped(path: Path) -> np.ndarray:
    """The int64 array a file holds, memory-mapped, read only (none for an empty file)."""
    import numpy as np

    if path.stat().st_size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.asarray(np.memmap(path, dtype=np.int64, mode="r"))


def judging(
    pool: Workers | None,
    instrument: Shared[Instrument],
    folder: Path,
    files: Sequence[KeptFile],
    columns: Sequence[str],
    factor: float,
    name: str,
) -> Judging:
    """Every column handed to the workers now (with no pool, judged here as taken).

    ``name`` names the files read, should a worker die.
    """
    tasks = (
        (code, judge_task, (instrument, folder, files, number, code, factor))
        for number, code in enumerate(columns)
    )
    return ahead(pool, tasks, lambda _: name)


def streamed_outliers(
    instrument: Instrument, judged: Judging, folder: Path, labels: list[Any], factor: float
) -> pd.DataFrame:
    """The warnings of the columns judged (:func:`.hfc.outlier_rows`), the groups named by
    ``labels``."""
    codes, records = mapped(folder / "groups"), mapped(folder / "records")
    return outlier_rows(
        instrument,
        (column for _, column in judged),
        codes,
        lambda at: labels[codes[at]],
        records,
        factor,
    )
