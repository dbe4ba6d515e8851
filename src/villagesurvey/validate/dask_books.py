"""Validate workbook returns on a Dask cluster: a task per workbook, rosters linked here.

The steps::

    read       each file (a task of its own, :func:`.dask_book_tasks.read_book`): read with
               the one-machine reader's limits and refusals, laid out, its households checked
               by :func:`.partition_check.check_partition`; its household rows wait in the
               staging folder, its roster rows come back here
    reduce     duplicates and outlier fences of the households (:mod:`.dask_reductions`)
    levels     here: every roster checked as one table (its own duplicates, outliers, ages)
               and linked to the households (counts, heads, sums, rows of no household or of
               a quarantined one), from each household's key, counts, totals, place and
               whether it is quarantined, gathered from the workers
    write      each file's households split into clean and quarantine (the findings across
               levels included) by the write tasks of the CSV path (:mod:`.dask_tasks`)

Then, as for CSV returns (:func:`.dask_outputs.finish`): issues.csv and audit.csv put
together, the rosters' tables, issues.xlsx, summary.json, and the set committed as one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..instrument import Instrument
from ..tables.outputset import output_lock, output_set
from ..tables.safe import shown_name
from .checking import _silent
from .csv_chunks import CarriageReturnError
from .dask_book_tasks import Book, checked_of, level_rows, read_book
from .dask_outputs import DaskValidation, finish
from .dask_tasks import Checked, Outputs
from .findings import Findings
from .result import Validation

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client, Future

__all__ = ["WORKBOOKS", "book_paths", "validate_books"]

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
"""The suffixes that send a batch to :func:`validate_books`."""


def book_paths(
    sources: Sequence[str | Path],
) -> tuple[list[Path], list[tuple[Path, str]]] | None:
    """The files of a batch that holds a workbook, and the folders not read; ``None`` for a
    batch of CSV or Parquet files (or URLs), which is cut in blocks instead.

    Raises
    ------
    OptionError
        If workbooks come with URLs, Parquet files or zips, which are not read with them.
    """
    from .sources import find_returns

    texts = [str(s) for s in sources]
    if any("://" in t for t in texts):
        if any(t.lower().endswith(WORKBOOKS) for t in texts):
            raise OptionError(
                "with --dask or --scheduler, workbooks are read from paths the workers share "
                "(not URLs); CSV and Parquet returns may be URLs"
            )
        return None
    skipped: list[tuple[Path, str]] = []
    paths = find_returns([Path(t) for t in texts], skipped)
    if not any(p.suffix.lower() in WORKBOOKS for p in paths):
        return None
    tables = [p for t in texts if Path(t).is_dir() for p in Path(t).rglob("*.parquet")]
    other = [p for p in paths if p.suffix.lower() in (".zip", ".parquet")] + tables
    if other:
        raise OptionError(
            f"{shown_name(other[0].name)}: with --dask or --scheduler, workbooks are validated "
            "with CSV files but not with Parquet files or zips; validate them apart"
        )
    return paths, skipped


def validate_books(
    instrument: Instrument,
    found: tuple[list[Path], list[tuple[Path, str]]],
    outdir: str | Path,
    client: Client,
    *,
    outlier_factor: float | None = None,
    show_pii: bool = False,
    partition_by: str | None = None,
    stage: Callable[[str], None] | None = None,
    timeout: float = 60.0,
) -> DaskValidation:
    """Validate a batch of workbooks (and CSV files) on Dask into ``outdir``.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the returns should follow.
    found : tuple
        The files and the folders not read (:func:`book_paths`).
    outdir : path
        The output folder, on a file system the workers share at the same path.
    client : distributed.Client
        The cluster.
    outlier_factor, show_pii, partition_by, stage
        See :func:`.dask_run.validate_dask`.
    timeout : float, default 60
        Seconds a reader may take on one file before it is refused (``read_timeout``).

    Returns
    -------
    DaskValidation
        The counts; the rows are in the files written.

    Raises
    ------
    OptionError
        If a file is a phone export with repeat tables (validated on one machine).
    OutputError
        If the workers cannot reach the output folder, or it cannot be written.
    """
    from . import hfc
    from .dask_reductions import find_copies, find_outliers
    from .dask_run import _names, _reachable, _write
    from .run import _display_names, _skipped
    from .stream_writing import empty_rosters

    say = stage if stage is not None else _silent
    paths, skipped = found
    names = _display_names(paths)
    folder = Path(outdir)
    empty = empty_rosters(instrument, outlier_factor)
    with output_lock(folder), output_set(folder, _names(empty), "summary.json") as staging:
        _reachable(client, staging, outdir)
        (staging / ".partitions").mkdir()
        say(f"reading {len(paths)} file{'s' * (len(paths) != 1)}, one task each")
        futures = _read(client, instrument, paths, names, str(staging / ".partitions"), timeout)
        books: list[Book] = client.gather(
            [client.submit(Book.small, f, pure=False) for f in futures]
        )
        _no_exports(books)
        read = [(f, b) for f, b in zip(futures, books, strict=True) if b.checked is not None]
        checked = [client.submit(checked_of, f, pure=False) for f, _ in read]
        smalls = [b.checked for _, b in read if b.checked is not None]
        del futures
        say("looking for duplicates and outliers")
        factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
        copies = find_copies(client, instrument, checked, smalls)
        outliers = find_outliers(client, instrument, checked, factor)
        say("checking the rosters against the households")
        reports = _skipped(skipped, findings := Findings())
        reports += [b.report for b in books]
        rosters, levels = _link(client, instrument, checked, smalls, copies, books, factor)
        del checked
        for book in books:
            findings.add_frame(book.unlocated)
        say(f"writing {outdir}")
        crlf: set[str] = set()
        while True:
            try:
                written = _write(client, instrument, smalls, (copies, outliers), empty,
                                 staging, Outputs(str(staging), partition_by, show_pii,
                                                  frozenset(crlf)), levels)  # fmt: skip
                result = finish(staging, instrument, smalls, written, findings, reports,
                                rosters, (show_pii, crlf, partition_by), levels)  # fmt: skip
                break
            except CarriageReturnError as cut:  # every line of that file ends in CR LF
                crlf.add(cut.name)
    return result


def _read(
    client: Client,
    instrument: Instrument,
    paths: list[Path],
    names: dict[Path, str],
    folder: str,
    timeout: float,
) -> list[Future]:
    """A read task per file; their results stay on the workers."""
    there = client.scatter(instrument, broadcast=True)
    futures: list[Future] = [
        client.submit(read_book, there, str(p), names[p], n, folder, timeout, pure=False)
        for n, p in enumerate(paths)
    ]
    try:
        client.gather(futures)  # an error in a task is raised here
    except BaseException:
        client.cancel(futures)
        raise
    return futures


def _no_exports(books: list[Book]) -> None:
    """Refuse phone exports with repeat tables: their rosters are linked on one machine."""
    for book in books:
        if book.export:
            raise OptionError(
                f"{book.report.name} is a phone export with repeat tables; with --dask or "
                "--scheduler, validate our workbooks and CSV files, or validate it without them"
            )


def _link(
    client: Client,
    instrument: Instrument,
    checked: list[Future],
    smalls: list[Checked],
    copies: pd.DataFrame,
    books: list[Book],
    factor: float,
) -> tuple[dict[str, Validation], pd.DataFrame]:
    """Check each roster as one table and link it to the households; give the rosters'
    validations and the findings the links add to household rows (by record)."""
    import pandas as pd

    from .rosters import RosterReturns

    rosters = RosterReturns(instrument)
    for book in books:
        rosters.letters.update(book.letters)
        for code, part in book.rosters.items():
            rosters.returns[code] += part.returns
            rosters.findings[code].add_frame(part.findings)
            rosters.files[code] += part.files
    if not instrument.rosters:
        return {}, Findings().frame()
    columns = list(dict.fromkeys(_level_columns(instrument)))
    asks = [
        client.submit(level_rows, future, _within(copies, small), columns, pure=False)
        for future, small in zip(checked, smalls, strict=True)
    ]
    frames = [f for f in client.gather(asks) if len(f)]
    rows = pd.concat(frames) if frames else _no_rows(instrument, columns)
    quarantined = rows.index[rows["_quarantined"].to_numpy(dtype=bool)]
    household = Validation(
        instrument, [], rows, rows, Findings().frame(), pd.Index(quarantined, dtype="int64")
    )
    rosters.check(household, factor, None)
    return household.rosters, household.findings


def _level_columns(instrument: Instrument) -> list[str]:
    """The household columns the checks across levels read: the key, counts and totals."""
    columns = list(instrument.key)
    for roster in instrument.rosters:
        if roster.within is None:
            columns += [roster.count] if roster.count else []
            columns += [part.total for part in roster.sums]
    return columns


def _no_rows(instrument: Instrument, columns: list[str]) -> pd.DataFrame:
    """:func:`.dask_book_tasks.level_rows` of a batch without household rows."""
    from .checking import check_rows
    from .result import FILE, ROW, SHEET

    none = check_rows(instrument, [], Findings())
    rows = none.raw[[FILE, SHEET, ROW]].join(none.typed[columns])
    return rows.assign(_quarantined=False)


def _within(table: pd.DataFrame, small: Checked) -> pd.DataFrame:
    """The findings of ``table`` on a partition's records."""
    records = table["record"].astype("int64")
    return table[(records >= small.first) & (records < small.first + small.size)]
