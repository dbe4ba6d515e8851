"""The duplicates of the streamed path: which rows share a hash with another, found by the
workers.

Each partition's hashes (:class:`.partition_check.Keeps`: of each respondent's answers, of
its submission ID and of its key, and whether the key is complete) wait on disk beside the
partition, with the records they belong to, written by the process that checked it
(:mod:`.waiting_keeps`): the process running the batch does not hold them. Two tasks then
read them (:func:`shared_task`): the rows whose answers (with the submission) another row
shares, and the rows whose complete key another row shares; each runs in a worker (or here,
with one job) while the other workers judge the outlier columns (:mod:`.stream_outliers`).
Only those rows are read back and judged exactly (:func:`.duplicates.find_duplicates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .waiting_keeps import KeptFile, gathered

if TYPE_CHECKING:
    import numpy as np

__all__ = ["KINDS", "MIX", "repeated", "shared_task"]

MIX = 0x9E3779B97F4A7C15
"""An odd 64-bit constant: mixes a row's submission into the hash of its answers."""

KINDS = ("answers", "keys")
"""What :func:`shared_task` looks for: rows whose answers another row shares, and rows whose
complete key another row shares."""


def shared_task(files: Sequence[KeptFile], kind: str, submissions: bool) -> np.ndarray:
    """The positions (among the rows hashed of the partitions' ``files``, one after the
    other) of the rows whose ``kind`` (one of :data:`KINDS`) another row shares, in order;
    with ``submissions``, two rows share their answers only if they share their submission
    ID too."""
    import numpy as np

    if kind == "answers":
        answers = gathered(files, "answers")
        if submissions:
            answers ^= gathered(files, "submitted") * np.uint64(MIX)
        return np.flatnonzero(repeated(answers))
    complete = np.flatnonzero(gathered(files, "complete"))
    found: np.ndarray = complete[repeated(gathered(files, "keys")[complete])]
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
