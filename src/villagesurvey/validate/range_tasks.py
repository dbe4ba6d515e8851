"""What a worker does with one byte range of a CSV file (or this process, with one job).

:func:`range_task` reads the range and parses it (:func:`.csv_ranges.read_range`, which
verifies that its rows are its lines), lays its rows out on the file's headers
(:meth:`.csv_stream.FileLayout.lay`), cuts its respondents into partitions of at most
``rows`` and checks each as :func:`.stream_tasks.check_task` checks a partition laid out by
the parent, writing what waits into the staging folder itself: the parent never holds the
rows. It gives back a :class:`RangeChecked`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .csv_ranges import ByteRange, read_range
from .csv_stream import FileLayout, cut_pieces
from .findings import Findings
from .stream_tasks import Checked, checked_waiting

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument
    from .stream_pool import Shared

__all__ = ["RangeChecked", "range_task"]


@dataclass
class RangeChecked:
    """What the parent keeps of a range checked.

    Attributes
    ----------
    parts : list
        Each partition's first record, where it waits and what :class:`.Checked` says.
    layout : DataFrame
        The range's layout findings (blank rows before its last respondent, rows not read).
    trailing : list of int
        The blank rows after its last respondent, not reported (news only if a later range
        of the file holds a respondent).
    respondents : int
        Its respondents.
    """

    parts: list[tuple[int, Path, Checked]]
    layout: pd.DataFrame
    trailing: list[int]
    respondents: int


def range_task(
    instrument: Shared[Instrument],
    layout: Shared[FileLayout],
    span: ByteRange,
    first: int,
    stem: Path,
    rows: int,
) -> RangeChecked:
    """Read, lay out and check the range ``span``; its first respondent is record ``first``.

    Its ``n``-th partition waits at ``stem`` named ``<stem>-<n>.pickle``. Arrow parses it in
    one thread: the workers are as many as the cores (with no worker, threads saved little
    wall time for more CPU time, measured).

    Raises
    ------
    RangeError
        If its rows are not its lines (then nothing is written).
    """
    table = read_range(span, layout.value)
    found = Findings()
    laid, trailing = layout.value.lay(table, span.row, found)
    del table
    parts = []
    for n, piece in enumerate(cut_pieces(laid, rows)):
        path = stem.with_name(f"{stem.name}-{n:03d}.pickle")
        checked = checked_waiting(instrument.value, piece, first, path)
        parts.append((first, path, checked))
        first += checked.size
    return RangeChecked(parts, found.frame(), trailing, len(laid.rows))
