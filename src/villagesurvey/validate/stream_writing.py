"""Validate large CSV returns a partition at a time and write the output set as they go.

:func:`validate_streamed` reads and checks every partition (:class:`.streamed.Partitions`),
runs the reductions (duplicates, outlier fences), then splits each waiting partition into
clean and quarantine and appends it to clean.csv, quarantine.csv, issues.csv and audit.csv
in the staging folder; summary.json comes last and the set is committed as one
(:func:`~villagesurvey.tables.outputset.output_set`). The files are byte for byte those of
the in-memory path (:func:`.run.validate_returns` then :func:`.outputs.write_validation`),
without issues.xlsx and corrections.xlsx, whatever the number of worker processes
(``jobs``: :mod:`.stream_pool`) that check and split the partitions and judge the outlier
columns.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from ..errors import OptionError
from ..instrument import Instrument
from ..tables.outputset import output_lock, output_set
from .checking import _silent, check_returns
from .csv_chunks import written_in_line_ends
from .csv_stream import StreamedFile
from .export_repeats import no_repeat_tables
from .findings import Findings
from .result import FileReport, Validation
from .stream_pool import alongside, not_while_starting, partition_pool
from .stream_result import STREAMED_OUTPUTS, StreamedValidation
from .stream_split import LateFindings, write_partitions
from .streamed import PARTITION_ROWS, Partitions

__all__ = ["STREAMED_OUTPUTS", "TASK_MODULES", "StreamedValidation", "validate_streamed"]

TASK_MODULES = (
    "pandas",
    "pyarrow.csv",
    "pyarrow.compute",
    "pandera.pandas",
    "villagesurvey.validate.range_tasks",
    "villagesurvey.validate.cascades",
    "villagesurvey.validate.explain",
    "villagesurvey.validate.hfc",
    "villagesurvey.validate.row_hashes",
    "villagesurvey.validate.schema",
)
"""What a worker's first task would import: each worker imports them as it starts, while
this process lays out the head of the first file."""


DISK_PER_CSV_BYTE = 6
"""Free disk needed beside the output folder per byte of CSV read: the partitions waiting
(about four times the CSV, measured) and the outputs."""


def validate_streamed(
    instrument: Instrument,
    paths: Sequence[Path],
    outdir: str | Path,
    *,
    partition_rows: int = PARTITION_ROWS,
    outlier_factor: float | None = None,
    show_pii: bool = False,
    stage: Callable[[str], None] | None = None,
    table_format: str = "csv",
    partition_by: str | None = None,
    jobs: int = 1,
) -> StreamedValidation:
    """Validate CSV returns a partition at a time and write the output set into ``outdir``.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the returns should follow.
    paths : sequence of Path
        CSV files (see :func:`.streamed.stream_paths`).
    outdir : path
        The output folder; its files are replaced as one set once all are written.
    partition_rows : int, default :data:`.streamed.PARTITION_ROWS`
        The most respondents checked at once: what bounds the memory used.
    outlier_factor : float, optional
        See :func:`.run.validate_returns`.
    show_pii : bool, default False
        Show the answers to personal-data questions in the issues files.
    stage : callable, optional
        Called with a line saying what comes next.
    table_format : {"csv", "parquet"}, default "csv"
        The format of the clean and quarantine tables (and each roster's), as
        :func:`.outputs.write_validation` writes them: the same values, appended a partition
        at a time.
    partition_by : str, optional
        With Parquet, a column to split each table by (Hive layout); each partition's rows
        of a value are a part file of that value's folder, named by the partition's number.
    jobs : int, default 1
        Worker processes checking and splitting partitions (:mod:`.stream_pool`); with 1,
        every partition is checked here, one after the other. Each worker holds a partition
        (and one more waits): memory grows with ``jobs``. With more than one, a script must
        call this under ``if __name__ == "__main__":`` (the workers are started with
        'spawn' and import the script that starts them).

    Returns
    -------
    StreamedValidation
        The counts (for the summary); the rows are in the files written.

    Raises
    ------
    NotStreamableError
        If a file cannot be read a partition at a time (nothing is written: validate it in
        memory).
    OutputError
        If the folder cannot be written, or another run is writing into it.
    OptionError
        If the format is not one of :data:`.parquet_tables.FORMATS`, or ``partition_by`` is
        given with CSV.
    ReturnsError
        If a worker process died (killed, out of memory): nothing is written.
    """
    from ..tables.csv_file import write_csv
    from . import hfc
    from .issues_book import write_issues_book
    from .output_names import OUTPUTS
    from .parquet_tables import FORMATS, write_roster_tables
    from .run import display_names
    from .summaries import write_summary

    if table_format not in FORMATS or (partition_by is not None and table_format != "parquet"):
        raise OptionError(f"cannot write {table_format!r} tables split by {partition_by!r}")
    if jobs > 1:
        not_while_starting()  # a worker importing a script that validates at its top
    say = stage if stage is not None else _silent
    _check_room(paths, Path(outdir))
    shown = display_names(list(paths))
    codes = [roster.code for roster in instrument.rosters]
    kinds = ("clean", "quarantine", "dropped")
    extra = tuple(f"{kind}_{code}.csv" for code in codes for kind in kinds)
    folder = Path(outdir)
    stems = ("clean", "quarantine", *(f"{k}_{c}" for c in codes for k in kinds[:2]))
    parquet = tuple(f"{stem}.parquet" for stem in stems)
    names = (*OUTPUTS, *extra, *parquet, "issues.parquet")  # an earlier set's go with it
    with (
        output_lock(folder),
        output_set(folder, names, "summary.json") as staging,
        partition_pool(jobs, ready=TASK_MODULES) as pool,  # the workers start importing now
    ):
        rosters = empty_rosters(instrument, outlier_factor)
        parts = Partitions(instrument, staging / ".partitions", pool=pool)
        files = []
        for path in paths:
            streamed = StreamedFile(path, shown[path])
            parts.read(streamed, partition_rows, say)
            if streamed.export:  # a CSV file holds no repeat's table
                no_repeat_tables(instrument, streamed.name, set(), parts.findings)
            files.append(FileReport(streamed.name, path, streamed.sha256, "read", "csv"))
        say("looking for duplicates and outliers")
        factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
        late = LateFindings(*parts.reductions(factor))
        say(f"writing {outdir}")
        with alongside(parts.drop_reductions):  # while the workers split the first partitions
            (result, heads), _ = written_in_line_ends(
                lambda crlf: write_partitions(staging, parts, files, late, rosters, show_pii,
                                              crlf, table_format=table_format,
                                              partition_by=partition_by)
            )  # fmt: skip
        with alongside(shutil.rmtree, parts.folder):  # the kernel frees them meanwhile
            write_issues_book(staging / "issues.xlsx", result, heads, result.tally)
            write_roster_tables(staging, rosters, table_format, partition_by)
            write_csv(staging / "dropped.csv", result.dropped)
            write_summary(staging / "summary.json", result, table_format, partition_by)
    return result


def _free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def _check_room(paths: Sequence[Path], outdir: Path) -> None:
    """Refuse to start when the disk beside ``outdir`` cannot hold the partitions waiting."""
    from ..errors import OutputError

    beside = Path(os.path.abspath(outdir)).parent
    while not beside.exists() and beside != beside.parent:
        beside = beside.parent
    needed = DISK_PER_CSV_BYTE * sum(p.stat().st_size for p in paths)
    free = _free_bytes(beside)
    if free < needed:
        raise OutputError(
            f"validating {_gb(needed // DISK_PER_CSV_BYTE)} of CSV in partitions needs about "
            f"{_gb(needed)} free beside {outdir} (the partitions wait there until the checks "
            f"across rows are done), and {_gb(free)} are free; free some space or write the "
            "outputs on another disk"
        )


def _gb(size: int) -> str:
    return f"{size / 1e9:,.1f} GB"


def empty_rosters(instrument: Instrument, factor: float | None) -> dict[str, Validation]:
    """Each roster's validation of no rows: a CSV file holds no roster sheet."""
    from .rosters import RosterReturns

    tables = RosterReturns(instrument)
    return {
        roster.code: check_returns(
            tables.tables[roster.code], [], files=[], findings=Findings(), outlier_factor=factor
        )
        for roster in instrument.rosters
    }
