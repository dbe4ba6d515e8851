"""The work of one Dask task on a workbook: read it safely, lay it out, check its households.

A workbook is its own partition: the task reads the file with the one-machine reader
(:func:`.reading.read_returns`: the same refusals of damaged files, zip bombs, unsafe XML,
the same time and memory limits, in a reader process of its own), lays out its data sheet
on the instrument and its roster sheets on each roster's (:class:`.rosters.RosterReturns`),
and checks the households with :func:`.partition_check.check_partition`, as a partition of
a CSV file is checked (:mod:`.dask_tasks`). The household rows wait in the staging folder;
the roster rows, laid out but not checked, go back to the machine that runs the command,
where every roster is checked and linked to the households as one table (:mod:`.dask_books`).

A CSV file in a batch of workbooks is read the same way, whole, as one partition.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .dask_tasks import RECORD_STRIDE, Checked
from .findings import Findings
from .partition_check import check_partition

if TYPE_CHECKING:
    import pandas as pd

    from .layout import Return
    from .result import FileReport

__all__ = ["Book", "RosterPart", "checked_of", "level_rows", "read_book"]


@dataclasses.dataclass
class RosterPart:
    """A file's rows of one roster, laid out, with the findings and report of its sheet."""

    returns: list[Return]
    findings: pd.DataFrame
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
        return dataclasses.replace(self, checked=checked)


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a Dask worker process (a daemon) start the reader process, as
    :func:`.reading.read_returns` does; the reader is stopped before the task ends."""
    config: dict[str, Any] = getattr(multiprocessing.current_process(), "_config", {})
    daemon = config.get("daemon")
    config["daemon"] = False
    try:
        yield
    finally:
        config["daemon"] = daemon


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
    from .run import _note, _refused

    found = Findings()
    with _children_allowed():
        (result,) = list(read_returns([Path(path)], workers=1, timeout=timeout))
    if isinstance(result, Refused):
        return Book(number, _refused(name, result), found.frame())
    _note(result, name, found)
    repeats = ExportRepeats(instrument)
    report = FileReport(name, result.path, result.sha256, "read", result.format)
    if repeats.take(result, name, []):
        return Book(number, report, found.frame(), export=True)
    laid = lay_out(instrument, result, name, found, repeats.parents(result))
    if isinstance(laid, Refused):
        return Book(number, _refused(name, laid), found.frame())
    rosters = RosterReturns(instrument)
    rosters.add(result, name, laid)
    repeats.add(result, name, laid)
    export = bool(repeats.pending) or bool(repeats.exports and instrument.rosters)
    del result  # the cells as read can go
    first = number * RECORD_STRIDE
    checked = check_partition(instrument, laid, first=first)
    found.add_frame(checked.unlocated)
    where = Path(folder) / f"{number:06d}.pickle"
    with open(where, "wb") as out:
        pickle.dump(checked.waiting, out, pickle.HIGHEST_PROTOCOL)
    kept = Checked(
        number, name, first, len(checked.raw), str(where), len(laid.rows), [], found.frame(),
        checked.provenance, dict(laid.letters), checked.keeps,
    )  # fmt: skip
    parts = {
        code: RosterPart(rosters.returns[code], rosters.findings[code].frame(), rosters.files[code])
        for code in rosters.returns
    }
    return Book(number, report, kept.unlocated, kept, parts, dict(rosters.letters), export)


def checked_of(book: Book) -> Checked:
    """A read file's households checked (on its worker, for the reductions)."""
    if book.checked is None:
        raise ValueError("a refused file has no partition")
    return book.checked


def level_rows(checked: Checked, copies: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """What the checks across levels need of a partition's households: each record's file,
    sheet and Excel row, its typed ``columns`` (the key, the counts and totals of the
    rosters) and whether it is quarantined so far (its errors, the duplicates, the cascades).
    """
    from .dask_tasks import _load
    from .result import FILE, ROW, SHEET

    raw, typed, table, cascaded = _load(checked.path)
    errors = {int(r) for r in copies["record"]}
    for frame in (table, *cascaded):
        bad = frame[(frame["severity"] == "error") & frame["record"].notna()]
        errors.update(int(r) for r in bad["record"])
    rows = raw[[FILE, SHEET, ROW]].join(typed[columns])
    return rows.assign(_quarantined=rows.index.isin(sorted(errors)))
