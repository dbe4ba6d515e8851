"""Split the waiting partitions into clean and quarantine, once the reductions are done, and
append them to the outputs in the staging folder (:func:`write_partitions`).

Each partition gets every finding of its rows in the order of the whole batch (its own, the
duplicates, the cascades, the outliers), located at its file and row; the findings no row
holds (rows not read) come last, by file. issues.csv is assembled from its pieces
(:mod:`.issue_pieces`) in the order of the whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..instrument import Instrument
from .checking import _locate, check_rows
from .csv_chunks import CsvPieces
from .findings import Findings
from .issue_pieces import IssuePiece, assemble_issues, issue_piece
from .parquet_tables import ParquetPieces, table_name
from .result import NOT_READ, FileReport, Validation
from .stream_result import PartValidation, StreamedValidation
from .streamed import Partition, Partitions, _load

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LateFindings", "write_partitions"]


@dataclass
class LateFindings:
    """Findings of the reductions, by record: duplicates (before the cascades), outliers."""

    copies: pd.DataFrame
    outliers: pd.DataFrame

    def within(self, table: pd.DataFrame, first: int, size: int) -> pd.DataFrame:
        records = table["record"].astype("int64")
        return table[(records >= first) & (records < first + size)]


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
) -> StreamedValidation:
    """Split every partition into clean and quarantine; write them, the issues and audit.

    The clean and quarantine tables are CSV or, with ``table_format="parquet"``, Parquet
    (split by ``partition_by``, see :class:`.parquet_tables.ParquetPieces`); the CSV files
    named in ``crlf`` end their lines in CR LF.
    """
    import pandas as pd

    from .issue_tables import every_audit

    instrument = parts.instrument
    formats = {"clean": table_format, "quarantine": table_format, "audit": "csv"}
    outputs = {
        name: _table(staging, name, crlf, kind, partition_by) for name, kind in formats.items()
    }
    segments: list[IssuePiece] = []  # the pieces of issues.csv
    rows: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    issues_crlf = "issues.csv" in crlf
    try:
        shown = frozenset(parts.provenance)
        empty = check_rows(instrument, [], Findings())
        for n, part in enumerate(parts.parts):
            level = _split(parts, part, late, rosters, shown)
            rows[part.file] += len(level.raw)
            quarantined[part.file] += len(level.quarantined)
            outputs["clean"].add(level.clean())
            outputs["quarantine"].add(level.quarantine())
            outputs["audit"].add(every_audit(level, show_pii))
            segments.append(
                issue_piece(level, parts.folder / f"issues-{n:06d}", show_pii, issues_crlf)
            )
            segments[-1].file, segments[-1].order = part.file, n + 1
        if not parts.parts:  # the headers of a batch without a row
            none = Findings().frame()
            level = part_validation(instrument, empty.raw, empty.typed, none, rosters, shown)
            for name, table in (("clean", level.clean()),
                                ("quarantine", level.quarantine()),
                                ("audit", every_audit(level, show_pii))):  # fmt: skip
                outputs[name].add(table)
    finally:
        for output in outputs.values():
            output.close()
    unlocated = parts.findings.frame()
    blank = empty.raw.iloc[:0] if parts.parts else empty.raw
    located = _locate(unlocated, blank, list(parts.letters.values()))
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        level = part_validation(instrument, blank, blank, lines, rosters, frozenset())
        segments.append(
            issue_piece(level, parts.folder / f"file-{number:06d}", show_pii, issues_crlf)
        )
        segments[-1].file = str(name)
    tally = assemble_issues(staging / "issues.csv", segments, issues_crlf)
    totals = count_rows(files, rows, quarantined, located)
    nothing = pd.Index([], dtype="int64")
    return StreamedValidation(
        instrument, files, empty.raw, empty.typed, located, nothing, rosters=rosters,
        totals=totals, tally=tally, table_format=table_format,
    )  # fmt: skip


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


def _table(
    staging: Path, stem: str, crlf: frozenset[str], table_format: str, partition_by: str | None
) -> CsvPieces | ParquetPieces:
    """Where a table's partitions are appended: its CSV file, or its Parquet file or folder."""
    name = table_name(stem, table_format)
    if table_format == "parquet":
        return ParquetPieces(staging / name, partition_by)
    return CsvPieces(staging / name, crlf=name in crlf)


def _split(
    parts: Partitions,
    part: Partition,
    late: LateFindings,
    rosters: dict[str, Validation],
    shown: frozenset[str],
) -> PartValidation:
    """A waiting partition with every finding of its rows, in the order of the whole batch:
    its own, the duplicates, the cascades, the outliers (as :func:`.checking.check_returns`
    adds them), located."""
    raw, typed, table, cascaded = _load(part.path)
    found = Findings()
    for frame in (
        table,
        late.within(late.copies, part.first, part.size).assign(severity="error"),
        *cascaded,
        late.within(late.outliers, part.first, part.size).assign(severity="warning"),
    ):
        found.add_frame(frame)
    located = _locate(found.frame(), raw, [parts.letters[part.file]])
    return part_validation(parts.instrument, raw, typed, located, rosters, shown)


def part_validation(
    instrument: Instrument,
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    findings: pd.DataFrame,
    rosters: dict[str, Validation],
    shown: frozenset[str],
) -> PartValidation:
    import pandas as pd

    errors = findings[(findings["severity"] == "error") & findings["record"].notna()]
    quarantined = pd.Index(sorted(set(errors["record"].astype(int))), dtype="int64")
    return PartValidation(
        instrument, [], raw, typed, findings, quarantined, rosters=rosters, shown=shown
    )
