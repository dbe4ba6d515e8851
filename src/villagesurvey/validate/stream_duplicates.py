"""The duplicates of the streamed path: which rows share a hash with another, found by the
workers.

Each partition's hashes (:class:`.partition_check.Keeps`: of each respondent's answers, of
its submission ID and of its key, and whether the key is complete) are appended to files in
the staging folder as the partitions are checked (:func:`append_hashes`), beside the
records they belong to: this process does not hold them. Two tasks then read them
(:func:`shared_task`): the rows whose answers (with the submission) another row shares, and
the rows whose complete key another row shares; each runs in a worker (or here, with one
job) while the other workers judge the outlier columns (:mod:`.stream_outliers`). Only those
rows are read back and judged exactly (:func:`.duplicates.find_duplicates`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from .partition_check import Keeps

__all__ = ["KINDS", "MIX", "append_hashes", "records", "repeated", "shared_task"]

MIX = 0x9E3779B97F4A7C15
"""An odd 64-bit constant: mixes a row's submission into the hash of its answers."""

KINDS = ("answers", "keys")
"""What :func:`shared_task` looks for: rows whose answers another row shares, and rows whose
complete key another row shares."""

_FILES = {"records": "int64", "answers": "uint64", "submitted": "uint64", "keys": "uint64",
          "complete": "bool"}  # fmt: skip


def append_hashes(folder: Path, keeps: Keeps) -> None:
    """Append a partition's records and hashes to the files in ``folder``."""
    for name in _FILES:
        with open(folder / name, "ab") as out:
            getattr(keeps, name).tofile(out)


def _read(folder: Path, name: str) -> np.ndarray:
    import numpy as np

    return np.fromfile(folder / name, dtype=_FILES[name])


def records(folder: Path) -> np.ndarray:
    """The record of each row hashed, in the order of the batch."""
    return _read(folder, "records")


def shared_task(folder: Path, kind: str, submissions: bool) -> np.ndarray:
    """The positions (in the files of ``folder``) of the rows whose ``kind`` (one of
    :data:`KINDS`) another row shares, in order; with ``submissions``, two rows share their
    answers only if they share their submission ID too."""
    import numpy as np

    if kind == "answers":
        answers = _read(folder, "answers")
        if submissions:
            answers ^= _read(folder, "submitted") * np.uint64(MIX)
        return np.flatnonzero(repeated(answers))
    complete = np.flatnonzero(_read(folder, "complete"))
    found: np.ndarray = complete[repeated(_read(folder, "keys")[complete])]
    return found


def repeated(values: np.ndarray) -> np.ndarray:
    """Whether each value occurs more than once (``pandas.Series.duplicated(keep=False)``),
    found by sorting: twice as fast on 10,000,000 hashes, and no hash table of them."""
    import numpy as np

    ordered = np.sort(values)
    again = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(again):
        return np.zeros(len(values), dtype=bool)
    return np.isin(values, again)
