"""Split the waiting partitions into clean and quarantine, once the reductions are done, and
append them to the outputs in the staging folder (:func:`write_partitions`).

Each partition gets every finding of its rows in the order of the whole batch (its own, the
duplicates, the cascades, the outliers), located at its file and row; the findings no row
holds (rows not read) come last, by file. issues.csv is assembled from its pieces
(:mod:`.issue_pieces`) in the order of the whole.

Where each step runs, who writes what: each partition is split by
:func:`.stream_tasks.split_task`, in a worker process when there are workers
(:mod:`.stream_pool`), which writes its pieces of the CSV tables (clean, quarantine, audit)
itself. In one process it appends them to the outputs in the staging folder; a worker
writes each to a file of its own beside the waiting partitions and gives back only its
counts, and this process, taking the partitions in order, copies each piece at the end of
its output inside the kernel (:func:`~villagesurvey.tables.file_pieces.append_file`: the
bytes never pass through a pipe or this process) and deletes it. Parquet tables come back
to this process as text tables and are appended here (:class:`.parquet_tables.ParquetPieces`).
This process then writes the findings no row holds and assembles issues.csv from the
pieces the tasks wrote.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..tables.file_pieces import append_file
from . import mapped_pickle
from .capped_issues import Gathered, Heads, add_heads
from .checking import check_rows, locate_findings
from .findings import Findings
from .issue_pieces import IssuePiece, assemble_issues, issue_piece
from .parquet_tables import ParquetPieces, table_name
from .result import NOT_READ, FileReport, Validation
from .stream_pool import Shared, in_order
from .stream_result import StreamedValidation
from .stream_tasks import SplitContext, part_validation, piece_paths, rendered, split_task
from .streamed import Partition, Partitions

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["LateFindings", "write_partitions"]


@dataclass
class LateFindings:
    """Findings of the reductions, by record: duplicates (before the cascades), outliers."""

    copies: pd.DataFrame
    outliers: pd.DataFrame

    def within(self, table: pd.DataFrame, first: int, size: int) -> pd.DataFrame:
        records = table["record"].astype("int64")
        return table[(records >= first) & (records < first + size)]

    def of(self, part: Partition) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The duplicates (errors) and outliers (warnings) of a partition's records."""
        return (
            self.within(self.copies, part.first, part.size).assign(severity="error"),
            self.within(self.outliers, part.first, part.size).assign(severity="warning"),
        )


def write_partitions(
    staging: Path,
    parts: Partitions,
    files: list[FileReport],
    late: LateFindings,
    rosters: dict[str, Validation],
    show_pii: bool,
    crlf: frozenset[str],
    *,
    table_format: str = "csv",
    partition_by: str | None = None,
) -> tuple[StreamedValidation, Heads]:
    """Split every partition into clean and quarantine; write them, the issues and audit;
    give back the counts and the first findings of each check (for issues.xlsx:
    :func:`.issues_book.write_issues_book`).

    The clean and quarantine tables are CSV or, with ``table_format="parquet"``, Parquet
    (split by ``partition_by``, see :class:`.parquet_tables.ParquetPieces`); the CSV files
    named in ``crlf`` end their lines in CR LF. Each partition is split and rendered by
    :func:`.stream_tasks.split_task` (in the workers of ``parts.pool``, if any) and appended
    here, in order.
    """
    import pandas as pd

    from .issue_tables import every_audit

    instrument = parts.instrument
    formats = {"clean": table_format, "quarantine": table_format, "audit": "csv"}
    outputs = {name: _table(staging, name, kind, partition_by) for name, kind in formats.items()}
    segments: list[IssuePiece] = []  # the pieces of issues.csv
    gathered: dict[str, Gathered] = {}  # the first findings of each check, by file
    rows: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    issues_crlf = "issues.csv" in crlf
    shown = frozenset(parts.provenance)
    try:
        empty = check_rows(instrument, [], Findings())
        context = Shared(
            parts.folder / "split.pickle",
            SplitContext(parts.letters, rosters, shown, show_pii, table_format),
        )
        rules = parts.shared_instrument()
        csvs = [stem for stem, kind in formats.items() if kind == "csv"]

        def into(n: int) -> dict[str, Path]:  # in one process, the outputs themselves
            if parts.pool is None:
                return {stem: staging / table_name(stem, "csv") for stem in csvs}
            return piece_paths(parts.folder, csvs, n, crlf)

        tasks = (
            (part, split_task,
             (rules, context, part, n, late.of(part), crlf, into(n)))
            for n, part in enumerate(parts.parts)
        )  # fmt: skip
        for n, (part, split) in enumerate(in_order(parts.pool, tasks, _file_of)):
            rows[part.file] += split.rows
            quarantined[part.file] += split.quarantined
            for name, table in split.tables.items():
                _add(outputs[name], table)
            if parts.pool is not None:
                for name, piece in into(n).items():
                    _add(outputs[name], piece)
            mapped_pickle.release(part.path)  # split: read again only if a CR stops the attempt
            segments.append(split.issues)
            segments[-1].file, segments[-1].order = part.file, n + 1
            gathered.setdefault(part.file, Gathered()).add(split.issues.heads)
            split.issues.heads = {}
        if not parts.parts:  # the headers of a batch without a row
            none = Findings().frame()
            level = part_validation(instrument, empty.raw, empty.typed, none, rosters, shown)
            for name, frame in (("clean", level.clean()),
                                ("quarantine", level.quarantine()),
                                ("audit", every_audit(level, show_pii))):  # fmt: skip
                _add(outputs[name], rendered(frame, name, formats[name], header=True, crlf=crlf))
    finally:
        for output in outputs.values():
            output.close()
    unlocated = parts.findings.frame()
    blank = empty.raw.iloc[:0] if parts.parts else empty.raw
    located = locate_findings(unlocated, blank, list(parts.letters.values()))
    heads = {file: found.heads for file, found in gathered.items()}
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        level = part_validation(instrument, blank, blank, lines, rosters, frozenset())
        segments.append(
            issue_piece(level, parts.folder / f"file-{number:06d}", show_pii, issues_crlf)
        )
        segments[-1].file = str(name)
        heads[str(name)] = add_heads(segments[-1].heads, heads.get(str(name), {}))
    tally = assemble_issues(staging / "issues.csv", segments, issues_crlf)
    totals = count_rows(files, rows, quarantined, located)
    nothing = pd.Index([], dtype="int64")
    result = StreamedValidation(
        instrument, files, empty.raw, empty.typed, located, nothing, rosters=rosters,
        totals=totals, tally=tally, table_format=table_format,
    )  # fmt: skip
    every = Gathered()
    for file in sorted(heads):  # in the order of issues.csv
        every.add(heads[file])
    return result, every.heads


def count_rows(
    files: list[FileReport],
    rows: Counter[str],
    quarantined: Counter[str],
    located: pd.DataFrame,
) -> dict[str, int]:
    """Set each file's rows in, clean, quarantined and not read from its partitions' counts
    and the located findings (rows not read); the batch's totals."""
    not_read = located.loc[located["check"] == NOT_READ, "file"].value_counts()
    for report in files:
        report.rows_not_read = int(not_read.get(report.name, 0))
        report.rows_in = rows[report.name] + report.rows_not_read
        report.rows_quarantined = quarantined[report.name]
        report.rows_clean = rows[report.name] - report.rows_quarantined
    return {
        "rows": sum(rows.values()),
        "quarantined": sum(quarantined.values()),
        "not_read": int((located["check"] == NOT_READ).sum()),
    }


def _file_of(part: Partition) -> str:
    return part.file


def _add(output: _Appended | ParquetPieces, table: bytes | Path | pa.Table) -> None:
    if isinstance(output, ParquetPieces) and not isinstance(table, bytes | Path):
        output.add_text(table)
    elif isinstance(output, _Appended) and isinstance(table, Path):
        output.add_piece(table)
    elif isinstance(output, _Appended) and isinstance(table, bytes):
        output.add(table)
    else:
        raise TypeError("a CSV output is given bytes or a piece, a Parquet one a table")


class _Appended:
    """A CSV output appended a partition's piece at a time: written at its end by the task
    itself in one process, or copied from the file a worker wrote the piece to (then
    deleted)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_bytes(b"")  # an earlier attempt's rows go

    def add(self, data: bytes) -> None:
        with open(self.path, "ab") as out:
            out.write(data)

    def add_piece(self, piece: Path) -> None:
        with open(self.path, "r+b") as out:  # not "ab": the kernel copies into it
            out.seek(0, os.SEEK_END)
            append_file(out, piece)
        piece.unlink()

    def close(self) -> None:
        """Nothing held open between the pieces."""


def _table(
    staging: Path, stem: str, table_format: str, partition_by: str | None
) -> _Appended | ParquetPieces:
    """Where a table's partitions are appended: its CSV file, or its Parquet file or folder."""
    name = table_name(stem, table_format)
    if table_format == "parquet":
        return ParquetPieces(staging / name, partition_by)
    return _Appended(staging / name)
