"""Validate workbook returns on a Dask cluster: a task per workbook, every level on workers.

The steps::

    read       each file (a task of its own, :func:`.dask_book_tasks.read_book`): read with
               the one-machine reader's limits and refusals, laid out, its households and
               each roster's rows checked by :func:`.partition_check.check_partition`; the
               rows wait in the staging folder
    reduce     duplicates and outlier fences of each level (:mod:`.dask_reductions`)
    levels     here: the checks across levels (:mod:`.roster_ages`, :mod:`.roster_checks`:
               counts, heads, sums, ages between members, rows of no household or of a
               quarantined one) on what each partition gives of its rows: place, keys, the
               columns of the counts, totals, conditions and ages, and whether it is
               quarantined so far (:func:`.dask_book_tasks.level_rows`)
    write      each file's rows of each level split into clean and quarantine (the findings
               across levels included) by the write tasks of the CSV path (:mod:`.dask_tasks`)

Then (:func:`.dask_outputs.finish`): issues.csv and audit.csv put together, households
first, then each roster, issues.xlsx, summary.json, and the set committed as one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OptionError
from ..instrument import Instrument
from ..tables.safe import shown_name
from .checking import _silent
from .csv_chunks import written_in_line_ends
from .dask_book_tasks import Book, checked_of, level_rows, pick, read_book
from .dask_outputs import DaskValidation, finish
from .dask_tasks import Checked, Outputs
from .findings import Findings
from .result import FileReport, Validation

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
    from .dask_run import staged_set
    from .run import display_names, skipped_folders
    from .stream_writing import empty_rosters

    say = stage if stage is not None else _silent
    paths, skipped = found
    names = display_names(paths)
    empty = empty_rosters(instrument, outlier_factor)
    with staged_set(client, outdir, empty) as staging:
        say(f"reading {len(paths)} file{'s' * (len(paths) != 1)}, one task each")
        futures = _read(client, instrument, paths, names, str(staging / ".partitions"), timeout)
        books: list[Book] = client.gather(
            [client.submit(Book.small, f, pure=False) for f in futures]
        )
        _no_exports(books)
        reports = skipped_folders(skipped, findings := Findings())
        reports += [b.report for b in books]
        levels = _levels(client, instrument, futures, books, findings, reports)
        del futures
        say("looking for duplicates and outliers")
        factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
        for level in levels.values():
            level.reduce(client, factor)
        say("checking the rosters against the households")
        letters = {k: v for b in books for k, v in b.letters.items()}
        linked = _link(client, instrument, levels, letters)
        say(f"writing {outdir}")
        result, _ = written_in_line_ends(
            lambda crlf: _write_all(client, instrument, levels, linked, empty, staging,
                                    (show_pii, crlf, partition_by))
        )  # fmt: skip
    return result


@dataclasses.dataclass
class _Level:
    """One level's partitions on the cluster: the households (``code`` ``""``) or a roster."""

    code: str
    instrument: Instrument
    futures: list[Future]
    smalls: list[Checked]
    findings: Findings
    reports: list[FileReport]
    copies: pd.DataFrame | None = None
    outliers: pd.DataFrame | None = None

    def reduce(self, client: Client, factor: float) -> None:
        """Its duplicates and outlier fences (:mod:`.dask_reductions`)."""
        from .dask_reductions import find_copies, find_outliers

        self.copies = find_copies(client, self.instrument, self.futures, self.smalls)
        self.outliers = find_outliers(client, self.instrument, self.futures, factor)
        self.futures = []  # the workers may drop the hashes and numbers


def _levels(
    client: Client,
    instrument: Instrument,
    futures: list[Future],
    books: list[Book],
    findings: Findings,
    reports: list[FileReport],
) -> dict[str, _Level]:
    """The households and each roster, in the order of the instrument."""
    from ..instrument import roster_instrument

    read = [(f, b) for f, b in zip(futures, books, strict=True) if b.checked is not None]
    for book in books:
        findings.add_frame(book.unlocated)
    levels = {
        "": _Level(
            "", instrument, [client.submit(checked_of, f, pure=False) for f, _ in read],
            [b.checked for _, b in read if b.checked is not None], findings, reports,
        )
    }  # fmt: skip
    for roster in instrument.rosters:
        code = roster.code
        own = Findings()
        for book in books:
            if code in book.rosters:
                own.add_frame(book.rosters[code].unlocated)
        parts = [(f, b.rosters[code]) for f, b in read if code in b.rosters]
        sheets = [(f, p.checked) for f, p in parts if p.checked is not None]
        levels[code] = _Level(
            code, roster_instrument(instrument, roster),
            [client.submit(checked_of, f, code, pure=False) for f, _ in sheets],
            [c for _, c in sheets], own, [r for b in books for r in _files(b, code)],
        )  # fmt: skip
    return levels


def _files(book: Book, code: str) -> list[FileReport]:
    return book.rosters[code].files if code in book.rosters else []


def _write_all(
    client: Client,
    instrument: Instrument,
    levels: dict[str, _Level],
    linked: dict[str, pd.DataFrame],
    empty: dict[str, Validation],
    staging: Path,
    options: tuple[bool, frozenset[str], str | None],
) -> DaskValidation:
    """Every level's partitions written by their tasks, then the set put together."""
    from .dask_outputs import Level
    from .dask_run import _write

    show_pii, crlf, partition_by = options
    written = {}
    for code, level in levels.items():
        late = (level.copies, level.outliers)
        if late[0] is None or late[1] is None:
            raise ValueError("the reductions come before the writing")
        outputs = Outputs(str(staging), partition_by, show_pii, crlf, code)
        written[code] = _write(client, level.instrument, level.smalls, (late[0], late[1]),
                               empty if not code else {}, staging, outputs,
                               linked[code])  # fmt: skip
    households = levels[""]
    rosters = [
        Level(code, level.instrument, level.smalls, written[code], level.findings,
              level.reports, linked[code])
        for code, level in levels.items()
        if code
    ]  # fmt: skip
    return finish(staging, instrument, households.smalls, written[""], households.findings,
                  households.reports, empty, options, (linked[""], rosters))  # fmt: skip


def _read(
    client: Client,
    instrument: Instrument,
    paths: list[Path],
    names: dict[Path, str],
    folder: str,
    timeout: float,
) -> list[Future]:
    """A read task per file; their results stay on the workers."""
    there = client.scatter(instrument, broadcast=True, hash=False)
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
    levels: dict[str, _Level],
    letters: dict[tuple[str, str, str], str],
) -> dict[str, pd.DataFrame]:
    """The checks across levels (:mod:`.roster_ages`, :mod:`.roster_checks`), run here on
    what each partition gives of its rows (:func:`.dask_book_tasks.level_rows`); give the
    findings they add to each level, by record, in the order they are made."""
    import pandas as pd

    from .roster_ages import check_ages
    from .roster_checks import check_levels

    kept: dict[str, Validation] = {}
    for code, level in levels.items():
        columns = _columns(instrument, code)
        if level.copies is None:
            raise ValueError("the reductions come before the links")
        asks = [
            client.submit(level_rows, small, _within(level.copies, small), columns, pure=False)
            for small in level.smalls
        ]
        got = client.gather(asks) or [_no_rows(level.instrument, columns)]
        raw = pd.concat([g[0] for g in got])
        typed = pd.concat([g[1] for g in got])
        bad = pd.Index(sorted(r for g in got for r in g[2]), dtype="int64")
        kept[code] = Validation(level.instrument, [], raw, typed, Findings().frame(), bad)
    household = kept[""]
    for roster in instrument.rosters:  # an outer roster before those within it
        checked = kept[roster.code]
        household.rosters[roster.code] = checked
        parent = household.rosters[roster.within] if roster.within else household
        check_ages(checked, roster, parent.instrument.key, letters)
        check_levels(parent, checked, roster, letters)
    return {code: level.findings for code, level in kept.items()}


def _columns(instrument: Instrument, code: str) -> tuple[list[str], list[str]]:
    """The columns of a level the checks across levels read, as read and as typed: the keys,
    the rosters' counts, totals, parts, conditions and ages."""
    from ..instrument import roster_instrument
    from ..instrument.conditions import parse_condition, references

    def named(condition: str | None) -> list[str]:
        return [c for c, _ in references(parse_condition(condition))] if condition else []

    within = [r for r in instrument.rosters if r.within == (code or None)]
    typed = [c for r in within for c in ([r.count] if r.count else [])]
    typed += [part.total for r in within for part in r.sums]
    if not code:
        return [], [*instrument.key, *typed]
    spec = next(r for r in instrument.rosters if r.code == code)
    outer = next((r for r in instrument.rosters if r.code == spec.within), None)
    parent = instrument.key if outer is None else roster_instrument(instrument, outer).key
    keys = list(dict.fromkeys([*roster_instrument(instrument, spec).key, *parent]))
    typed += named(spec.exactly_one) + [part.part for part in spec.sums]
    for rule in spec.older_than:
        typed += [*named(rule.older), *named(rule.younger), rule.age]
    return keys, list(dict.fromkeys([*keys, *typed]))


def _no_rows(
    instrument: Instrument, columns: tuple[list[str], list[str]]
) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """:func:`.dask_book_tasks.level_rows` of a level without rows."""
    from .checking import check_rows

    none = check_rows(instrument, [], Findings())
    return pick(none.raw, none.typed, columns)


def _within(table: pd.DataFrame, small: Checked) -> pd.DataFrame:
    """The findings of ``table`` on a partition's records."""
    records = table["record"].astype("int64")
    return table[(records >= small.first) & (records < small.first + small.size)]
