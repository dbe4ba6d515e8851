"""What a worker does with one byte range of a CSV file (or this process, with one job).

:func:`range_task` reads the range and parses it (:func:`.csv_ranges.read_range`, which
verifies that its rows are its lines), lays its rows out on the file's headers
(:meth:`.csv_stream.FileLayout.lay`), cuts its respondents into partitions of at most
``rows`` and checks each as :func:`.stream_tasks.check_task` checks a partition laid out by
the parent, writing what waits into the staging folder itself: the parent never holds the
rows. It gives back a :class:`RangeChecked`.

What waits of a range's partitions holds the rows as read only for the records with a
finding: the split reads a partition's rows again from the file (:func:`range_rows`, from
its :class:`RangeSource`) when the checks across rows quarantine a record that had none.
Writing every row as read to the staging folder, for the few the split shows, cost more
than reading a range again now and then (bench/RESULTS.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReturnsError
from .checking import rows_as_read
from .csv_ranges import ByteRange, read_range
from .csv_stream import FileLayout, cut_pieces
from .findings import Findings
from .stream_tasks import Checked, checked_waiting

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument
    from .layout import Return
    from .stream_pool import Shared

__all__ = ["RangeChecked", "RangeSource", "file_stamp", "range_rows", "range_task"]


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


@dataclass(frozen=True)
class RangeSource:
    """Where a partition's rows are in its CSV file, to read them again (:func:`range_rows`).

    Attributes
    ----------
    layout : Shared of FileLayout
        The file's layout.
    span : ByteRange
        The range the partition was cut from.
    piece : int
        Which of the range's partitions it is.
    rows : int
        The respondents the range's partitions were cut into.
    stamp : tuple of int
        The file's size and time of change when it was read (:func:`file_stamp`).
    """

    layout: Shared[FileLayout]
    span: ByteRange
    piece: int
    rows: int
    stamp: tuple[int, int]


def file_stamp(path: str | Path) -> tuple[int, int]:
    """A file's size and time of last change, in nanoseconds."""
    found = os.stat(path)
    return found.st_size, found.st_mtime_ns


def range_rows(instrument: Instrument, source: RangeSource, first: int) -> pd.DataFrame:
    """The rows as read of the partition ``source`` says, whose first record is ``first``:
    its range read, laid out and cut again, as :func:`range_task` did
    (:func:`.checking.rows_as_read`).

    Raises
    ------
    ReturnsError
        If the file changed since it was read.
    """
    span = source.span
    if file_stamp(span.path) != source.stamp:
        raise ReturnsError(f"{Path(span.path).name} changed while it was validated: "
                           "validate it again once it is complete")  # fmt: skip
    laid, _ = _laid(source.layout.value, span, Findings())
    piece = next(islice(cut_pieces(laid, source.rows), source.piece, None))
    return rows_as_read(instrument, [piece], Findings(), first=first)[0]


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
    found = Findings()
    laid, trailing = _laid(layout.value, span, found)
    parts = []
    for n, piece in enumerate(cut_pieces(laid, rows)):
        path = stem.with_name(f"{stem.name}-{n:03d}.pickle")
        checked = checked_waiting(instrument.value, piece, first, path, slim=True)
        parts.append((first, path, checked))
        first += checked.size
    return RangeChecked(parts, found.frame(), trailing, len(laid.rows))


def _laid(layout: FileLayout, span: ByteRange, found: Findings) -> tuple[Return, list[int]]:
    """The range ``span`` read and laid out on the file's headers (the parsed table is not
    kept), and the blank rows after its last respondent (:meth:`.csv_stream.FileLayout.lay`):
    the rows :func:`range_task` checks, and :func:`range_rows` reads again."""
    return layout.lay(read_range(span, layout), span.row, found)
