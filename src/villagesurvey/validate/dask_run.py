"""Validate CSV returns on a Dask cluster: partitions checked as tasks, checks across rows as
Dask reductions, the output set written by the workers into its staging folder.

The steps, each a round of Dask tasks (:mod:`.dask_tasks`)::

    scan       each byte block of each file: its lines (the Excel row of every partition)
    head       each file's first partition: dialect, headers, usual language (:mod:`.dask_csv`)
    check      each partition: laid out and checked by :func:`.partition_check.check_partition`;
               its rows wait in the staging folder, its hashes and numbers on its worker
    reduce     duplicates and outlier fences (:mod:`.dask_reductions`), summary counts
    write      each partition split into clean and quarantine: its Parquet parts, its pieces
               of issues.csv and audit.csv

Here, on the machine that runs the command: issues.csv and audit.csv put together from their
pieces, issues.parquet from issues.csv, summary.json, and the set committed as one.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError
from ..instrument import Instrument
from ..tables.outputset import output_lock, output_set
from .checking import _silent, check_rows
from .csv_chunks import written_in_line_ends
from .dask_csv import (
    CsvFile,
    Head,
    Piece,
    csv_files,
    late_blank_rows,
    plan_pieces,
    read_head,
    scan,
)
from .dask_outputs import DaskValidation, finish, write_empty
from .dask_tasks import Checked, Outputs, Written, check_piece, write_piece
from .export_repeats import no_repeat_tables
from .findings import Findings
from .result import FileReport, Validation
from .stream_tasks import part_validation
from .stream_writing import empty_rosters

if TYPE_CHECKING:
    import pandas as pd
    from distributed import Client, Future

__all__ = ["PARQUET_ROWS", "DaskValidation", "validate_dask"]

PARQUET_ROWS = 100_000
"""About how many respondents of a Parquet file one task checks (never fewer than a row
group holds)."""


def validate_dask(
    instrument: Instrument,
    sources: Sequence[str | Path],
    outdir: str | Path,
    client: Client,
    *,
    block_bytes: int | None = None,
    outlier_factor: float | None = None,
    show_pii: bool = False,
    partition_by: str | None = None,
    stage: Callable[[str], None] | None = None,
    timeout: float = 60.0,
) -> DaskValidation:
    """Validate returns on a Dask cluster and write the output set into ``outdir``.

    CSV and Parquet returns are cut into partitions of byte blocks or row groups; a batch
    that holds workbooks is read a file a task (:func:`.dask_books.validate_books`).

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the returns should follow.
    sources : sequence of str or Path
        CSV and Parquet files and folders: local paths or fsspec URLs (``file://``,
        ``s3://`` ...) that the workers can read; or workbooks (.xlsx, .xlsm, .xls, .ods)
        and CSV files, and folders of them, at local paths the workers share.
    outdir : path
        The output folder; the workers write into its staging folder, so it must be on a
        file system they share with this machine, at the same path.
    client : distributed.Client
        The cluster.
    block_bytes : int, optional
        Bytes of CSV in a partition (default :data:`.dask_csv.BLOCK_BYTES`; a file's first
        partition holds at least 1,000 lines).
    outlier_factor : float, optional
        See :func:`.run.validate_returns`.
    show_pii : bool, default False
        Show the answers to personal-data questions in the issues files.
    partition_by : str, optional
        Split the clean and quarantine tables by this column (Hive layout).
    stage : callable, optional
        Called with a line saying what comes next.
    timeout : float, default 60
        Seconds a reader may take on one workbook before it is refused.

    Returns
    -------
    DaskValidation
        The counts; the rows are in the files written.

    Raises
    ------
    ReturnsError
        If a file cannot be read in partitions, or the sources hold no CSV file.
    OutputError
        If the workers cannot reach the output folder, or it cannot be written.
    """
    from . import dask_csv, hfc
    from .dask_books import book_paths, validate_books
    from .dask_reductions import find_copies, find_outliers

    books = book_paths(sources)
    if books is not None:
        return validate_books(
            instrument, books, outdir, client, outlier_factor=outlier_factor, show_pii=show_pii,
            partition_by=partition_by, stage=stage, timeout=timeout,
        )  # fmt: skip
    say = stage if stage is not None else _silent
    files = csv_files(sources)
    rosters = empty_rosters(instrument, outlier_factor)
    with staged_set(client, outdir, rosters) as staging:
        say(f"reading {len(files)} file{'s' * (len(files) != 1)} in blocks")
        pieces = _plan(client, files, block_bytes or dask_csv.BLOCK_BYTES)
        heads, hashes = _heads(client, instrument, files, pieces)
        say(f"checking {len(pieces)} partitions")
        checked = _check(client, instrument, pieces, heads, staging)
        smalls: list[Checked] = client.gather(
            [client.submit(Checked.small, future, pure=False) for future in checked]
        )
        say("looking for duplicates and outliers")
        factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
        copies = find_copies(client, instrument, checked, smalls)
        outliers = find_outliers(client, instrument, checked, factor)
        del checked  # the workers may drop the hashes and numbers
        findings = _unlocated(instrument, files, heads, pieces, smalls)
        reports = [FileReport(f.name, Path(f.path), hashes[f.url], "read", f.kind) for f in files]
        say(f"writing {outdir}")
        args = (client, instrument, smalls, (copies, outliers), rosters, staging)
        written, crlf = written_in_line_ends(
            lambda crlf: _write(*args, Outputs(str(staging), partition_by, show_pii, crlf))
        )
        result = finish(staging, instrument, smalls, written, findings, reports, rosters,
                         (show_pii, crlf, partition_by))  # fmt: skip
    return result


@contextlib.contextmanager
def staged_set(
    client: Client, outdir: str | Path, rosters: dict[str, Validation]
) -> Iterator[Path]:
    """The output set's staging folder: ``outdir`` locked, every worker seeing the folder at
    this path, its ``.partitions`` folder made; the set is committed as one on leaving.

    Raises
    ------
    OutputError
        If a worker does not see the folder, or it cannot be written.
    """
    folder = Path(outdir)
    with output_lock(folder), output_set(folder, _names(rosters), "summary.json") as staging:
        _reachable(client, staging, outdir)
        (staging / ".partitions").mkdir()
        yield staging


def _names(rosters: dict[str, Validation]) -> tuple[str, ...]:
    """Every file of an output set, in either format: an earlier set's go with it."""
    from .outputs import OUTPUTS

    stems = ("clean", "quarantine", *(f"{k}_{c}" for c in rosters for k in ("clean", "quarantine")))
    tables = tuple(f"{stem}.{kind}" for stem in stems for kind in ("csv", "parquet"))
    dropped = tuple(f"dropped_{code}.csv" for code in rosters)
    return tuple(dict.fromkeys((*OUTPUTS, *tables, *dropped, "issues.parquet")))


def _sees(folder: str) -> bool:
    return Path(folder).is_dir()


def _reachable(client: Client, staging: Path, outdir: str | Path) -> None:
    """Refuse to start when a worker does not see the staging folder at this path."""
    seen = client.run(_sees, str(staging))
    if not seen or not all(seen.values()):
        raise OutputError(
            f"the Dask workers cannot reach {outdir}: write the outputs on a file system the "
            "workers share with this machine, at the same path"
        )


def _plan(client: Client, files: list[CsvFile], block_bytes: int) -> list[Piece]:
    """Every file's partitions, in the order of the batch, numbered."""
    import dask

    from . import csv_stream
    from .dask_parquet import plan_parquet, row_groups

    first_rows = csv_stream.FIRST_ROWS
    texts = [f for f in files if f.kind == "csv"]
    tables = [f for f in files if f.kind == "parquet"]
    by_file: dict[str, list[Piece]] = {f.url: [] for f in files}
    for piece in plan_pieces(texts, _scanned(client, texts, block_bytes), first_rows):
        by_file[piece.file.url].append(piece)
    sizes = client.compute([dask.delayed(row_groups)(f.url) for f in tables], sync=True)
    for file, groups in zip(tables, sizes, strict=True):
        by_file[file.url] = plan_parquet(file, groups, first_rows, PARQUET_ROWS)
    pieces = [piece for file in files for piece in by_file[file.url]]
    for number, piece in enumerate(pieces):
        piece.number = number
    return pieces


def _scanned(
    client: Client, files: list[CsvFile], block_bytes: int
) -> dict[str, list[tuple[Any, int, bool]]]:
    """Each file's byte blocks (as Dask reads them), with their lines and quotes."""
    import dask
    from dask.bytes import read_bytes

    blocks = {}
    for file in files:
        _, found = read_bytes(file.url, delimiter=b"\n", blocksize=block_bytes, sample=False)
        blocks[file.url] = found[0] if found else []
    order = [(url, block) for url, some in blocks.items() for block in some]
    counted = client.compute([dask.delayed(scan)(block) for _, block in order], sync=True)
    scanned: dict[str, list[tuple[Any, int, bool]]] = {url: [] for url in blocks}
    for (url, block), (lines, odd) in zip(order, counted, strict=True):
        scanned[url].append((block, lines, odd))
    return scanned


def _sha256(url: str) -> str:
    """The SHA-256 of a file's bytes."""
    import hashlib

    import fsspec

    digest = hashlib.sha256()
    with fsspec.open(url, "rb") as stream:
        while block := stream.read(8 << 20):
            digest.update(block)
    return digest.hexdigest()


def _heads(
    client: Client, instrument: Instrument, files: list[CsvFile], pieces: list[Piece]
) -> tuple[dict[str, Head], dict[str, str]]:
    """Each file's :class:`.dask_csv.Head` and SHA-256."""
    import dask

    first = {p.file.url: p for p in reversed(pieces) if p.head}
    asks = [
        dask.delayed(read_head)(
            instrument, dataclasses.replace(first[f.url], blocks=[]), *first[f.url].blocks
        )
        for f in files
    ]
    sums = [dask.delayed(_sha256)(f.url) for f in files]
    found = client.compute([*asks, *sums], sync=True)
    heads = dict(zip((f.url for f in files), found[: len(files)], strict=True))
    return heads, dict(zip((f.url for f in files), found[len(files) :], strict=True))


def _check(
    client: Client,
    instrument: Instrument,
    pieces: list[Piece],
    heads: dict[str, Head],
    staging: Path,
) -> list[Future]:
    """Submit a check task for every partition; their results stay on the workers."""
    import dask

    folder = str(staging / ".partitions")
    tasks = [
        dask.delayed(check_piece, pure=False)(
            instrument, dataclasses.replace(p, blocks=[]), heads[p.file.url], folder, *p.blocks
        )
        for p in pieces
    ]
    futures: list[Future] = client.compute(tasks)
    try:
        client.gather(futures)  # an error in a partition is raised here
    except BaseException:
        client.cancel(futures)  # the other partitions are not waited for
        raise
    return futures


def _unlocated(
    instrument: Instrument,
    files: list[CsvFile],
    heads: dict[str, Head],
    pieces: list[Piece],
    smalls: list[Checked],
) -> Findings:
    """Findings without a record: the encoding, the layout, blank rows, rows not read, and
    the rosters a phone export holds no table of (a CSV file holds the main table alone)."""
    findings = Findings()
    for file in (f for f in files if f.kind == "csv"):
        encoding = "UTF-8 with a byte-order mark" if heads[file.url].bom else "UTF-8"
        findings.add(
            file=file.name, sheet=file.sheet, check="csv_encoding", severity="warning",
            message=f"the text was read as {encoding}",
        )  # fmt: skip
    for small in smalls:
        findings.add_frame(small.unlocated)
    late_blank_rows(pieces, [s.respondents for s in smalls], [s.trailing for s in smalls],
                    findings)  # fmt: skip
    for file in files:
        if heads[file.url].export:
            no_repeat_tables(instrument, file.name, set(), findings)
    return findings


def _write(
    client: Client,
    instrument: Instrument,
    smalls: list[Checked],
    late: tuple[pd.DataFrame, pd.DataFrame],
    rosters: dict[str, Validation],
    staging: Path,
    outputs: Outputs,
    levels: pd.DataFrame | None = None,
) -> list[Written]:
    """Write every partition's parts (a task each); the tables of no rows at the end.

    ``levels`` holds the findings the checks across levels added to the rows (by record):
    they count for the split, but come after every other finding in issues.csv.
    """
    shown = frozenset(p for s in smalls for p in s.provenance)
    copies, outliers = late
    scattered = client.scatter([instrument, rosters], broadcast=True, hash=False)
    instrument_there, rosters_there = scattered
    asks = []
    for small in smalls:
        late = _late(copies, outliers, small)
        linked = _late(levels, levels, small)[0] if levels is not None else None
        asks.append(
            client.submit(
                write_piece,
                instrument_there,
                small,
                late,
                rosters_there,
                shown,
                outputs,
                linked,
                pure=False,
            )
        )
    written: list[Written] = client.gather(asks)
    empty = check_rows(instrument, [], Findings())
    level = part_validation(instrument, empty.raw, empty.typed, Findings().frame(), rosters, shown)
    stem, _ = outputs.names()
    for kind, table in (("clean", level.clean()), ("quarantine", level.quarantine())):
        folder = staging / f"{kind}{stem}.parquet"
        if not folder.is_dir() or not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            write_empty(folder, table)
    return written


def _late(
    copies: pd.DataFrame, outliers: pd.DataFrame, small: Checked
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The duplicates and outliers of a partition's records."""

    def within(table: pd.DataFrame) -> pd.DataFrame:
        records = table["record"].astype("int64")
        return table[(records >= small.first) & (records < small.first + small.size)]

    return within(copies), within(outliers)
