"""The work of one Dask task on a workbook: read it safely, lay it out, check its households.

A workbook is its own partition: the task reads the file with the one-machine reader
(:func:`.reading.read_returns`: the same refusals of damaged files, zip bombs, unsafe XML,
the same time and memory limits, in a reader process of its own), lays out its data sheet
on the instrument and its roster sheets on each roster's (:class:`.rosters.RosterReturns`),
and checks the households, and each roster's rows against the roster's own instrument, with
:func:`.partition_check.check_partition`, as a partition of a CSV file is checked
(:mod:`.dask_tasks`). The rows wait in the staging folder; what the checks across files
need stays on the worker (:func:`level_rows`, and the hashes and numbers of the reductions).

A CSV file in a batch of workbooks is read the same way, whole, as one partition.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .dask_tasks import RECORD_STRIDE, Checked
from .findings import Findings
from .partition_check import check_partition, waiting_at

if TYPE_CHECKING:
    import pandas as pd

    from .layout import Return
    from .result import FileReport

__all__ = ["Book", "RosterPart", "checked_of", "level_rows", "pick", "read_book"]


@dataclasses.dataclass
class RosterPart:
    """A file's rows of one roster, checked (``None``: no sheet, or its sheet refused), its
    findings without a record and the report of its sheet."""

    checked: Checked | None
    unlocated: pd.DataFrame
    files: list[FileReport]


@dataclasses.dataclass
class Book:
    """What a read task gives of a file: its report, its households checked (``None`` when
    the file was refused), its findings without a record, its rosters' rows."""

    number: int
    report: FileReport
    unlocated: pd.DataFrame
    checked: Checked | None = None
    rosters: dict[str, RosterPart] = dataclasses.field(default_factory=dict)
    letters: dict[tuple[str, str, str], str] = dataclasses.field(default_factory=dict)
    export: bool = False

    def small(self) -> Book:
        """Itself without what the reductions read on the worker."""
        checked = self.checked.small() if self.checked is not None else None
        rosters = {
            code: dataclasses.replace(part, checked=part.checked.small())
            if part.checked is not None else part
            for code, part in self.rosters.items()
        }  # fmt: skip
        return dataclasses.replace(self, checked=checked, rosters=rosters)


class _Lifted:
    """The tasks reading in this worker, and its daemon flag as it had it."""

    lock = threading.Lock()
    reading = 0
    daemon: Any = None


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a Dask worker process (a daemon) start the reader process, as
    :func:`.reading.read_returns` does; the reader is stopped before the task ends, and the
    flag is put back when the last task of the worker that reads is done."""
    config: dict[str, Any] = getattr(multiprocessing.current_process(), "_config", {})
    with _Lifted.lock:
        if not _Lifted.reading:
            _Lifted.daemon = config.get("daemon")
            config["daemon"] = False
        _Lifted.reading += 1
    try:
        yield
    finally:
        with _Lifted.lock:
            _Lifted.reading -= 1
            if not _Lifted.reading:
                config["daemon"] = _Lifted.daemon


def read_book(
    instrument: Instrument, path: str, name: str, number: int, folder: str, timeout: float
) -> Book:
    """Read a file, lay out its sheets and check its households (a partition of its own).

    Parameters
    ----------
    instrument : Instrument
        The rules.
    path : str
        The file, at a path the worker reads.
    name : str
        Its name in the findings.
    number : int
        Its place in the batch: its records begin at ``number * RECORD_STRIDE``.
    folder : str
        Where its household rows wait (the staging folder's partitions).
    timeout : float
        Seconds the reader may take (:func:`.reading.read_returns`).
    """
    from .export_repeats import ExportRepeats
    from .layout import lay_out
    from .reading import Refused, read_returns
    from .result import FileReport
    from .rosters import RosterReturns
    from .run import note_reading, refused_file

    found = Findings()
    with _children_allowed():
        (result,) = list(read_returns([Path(path)], workers=1, timeout=timeout))
    if isinstance(result, Refused):
        return Book(number, refused_file(name, result), found.frame())
    note_reading(result, name, found)
    repeats = ExportRepeats(instrument)
    report = FileReport(name, result.path, result.sha256, "read", result.format)
    if repeats.take(result, name, []):
        return Book(number, report, found.frame(), export=True)
    laid = lay_out(instrument, result, name, found, repeats.parents(result))
    if isinstance(laid, Refused):
        return Book(number, refused_file(name, laid), found.frame())
    rosters = RosterReturns(instrument)
    rosters.add(result, name, laid)
    repeats.add(result, name, laid)
    export = bool(repeats.pending) or bool(repeats.exports and instrument.rosters)
    del result  # the cells as read can go
    kept = _check(instrument, laid, number, Path(folder) / f"{number:06d}.pickle", found)
    parts = {}
    for code, table in rosters.tables.items():
        own = Findings()
        own.add_frame(rosters.findings[code].frame())
        part = None
        if rosters.returns[code]:
            (sheet,) = rosters.returns[code]
            part = _check(table, sheet, number, Path(folder) / f"{code}-{number:06d}.pickle", own)
        parts[code] = RosterPart(part, own.frame(), rosters.files[code])
    return Book(number, report, kept.unlocated, kept, parts, dict(rosters.letters), export)


def _check(
    instrument: Instrument, laid: Return, number: int, where: Path, found: Findings
) -> Checked:
    """Check a file's rows of one level as a partition; they wait at ``where``."""
    first = number * RECORD_STRIDE
    checked = check_partition(instrument, laid, first=first)
    found.add_frame(checked.unlocated)
    checked.wait(where)
    return Checked(
        number, laid.file, first, len(checked.raw), str(where), len(laid.rows), [],
        found.frame(), checked.provenance, dict(laid.letters), checked.keeps,
    )  # fmt: skip


def checked_of(book: Book, code: str = "") -> Checked:
    """A read file's households (or rows of roster ``code``) checked, on its worker."""
    checked = book.checked if not code else book.rosters[code].checked
    if checked is None:
        raise ValueError("a refused file has no partition")
    return checked


def level_rows(
    checked: Checked, copies: pd.DataFrame, columns: tuple[list[str], list[str]]
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """What the checks across levels need of a partition: each record's file, sheet and
    Excel row with the ``columns`` as read and as typed (the keys, the columns of the
    rosters' counts, totals, conditions and ages), and the records quarantined so far (its
    errors, the duplicates ``copies``, the cascades)."""

    waiting = waiting_at(checked.path)
    raw, typed, table, cascaded = waiting.raw, waiting.typed, waiting.table, waiting.cascaded
    errors = {int(r) for r in copies["record"]}
    for frame in (table, *cascaded):
        bad = frame[(frame["severity"] == "error") & frame["record"].notna()]
        errors.update(int(r) for r in bad["record"])
    read, kept, _ = pick(raw, typed, columns)
    return read, kept, sorted(errors)


def pick(
    raw: pd.DataFrame, typed: pd.DataFrame, columns: tuple[list[str], list[str]]
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """The place of each row, its ``columns`` as read and as typed; no record quarantined."""
    from .result import FILE, ROW, SHEET

    as_read, as_typed = columns
    read = raw[[FILE, SHEET, ROW, *(c for c in as_read if c in raw.columns)]]
    return read, typed[[c for c in as_typed if c in typed.columns]], []
