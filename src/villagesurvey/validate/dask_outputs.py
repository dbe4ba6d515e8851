"""The output set of a validation on Dask, put together once the workers have written
their parts: issues.csv and audit.csv from their pieces, issues.parquet from issues.csv (the
same text, read a block at a time), the rosters' tables of no rows, summary.json.

This is the step that does not grow with the workers: it reads every finding once.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from ..instrument import Instrument
from .checking import _locate, check_rows
from .csv_chunks import render
from .dask_tasks import Checked, Written
from .findings import Findings
from .result import NOT_READ, FileReport, Validation
from .stream_writing import StreamedValidation, _assemble, _level, _segment

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DaskValidation", "finish", "write_empty"]


@dataclasses.dataclass
class DaskValidation(StreamedValidation):
    """What a validation on Dask found: the counts (the rows are in the files written)."""

    @property
    def written(self) -> list[str]:
        """The files written, in the order the console summary names them."""
        kinds = ("clean", "quarantine", "dropped")
        rosters = [f"{kind}_{code}.{'csv' if kind == 'dropped' else 'parquet'}"
                   for code in self.rosters for kind in kinds]  # fmt: skip
        return ["clean.parquet", "quarantine.parquet", *rosters, "issues.csv", "issues.parquet",
                "audit.csv", "dropped.csv", "summary.json"]  # fmt: skip


def write_empty(folder: Path, table: pd.DataFrame) -> None:
    """A table of no rows as a Parquet part: its columns, as text."""
    import pyarrow.parquet as pq

    from .parquet_tables import _text_table

    pq.write_table(_text_table(table), folder / "part-0.parquet")


def finish(
    staging: Path,
    instrument: Instrument,
    smalls: list[Checked],
    written: list[Written],
    findings: Findings,
    reports: list[FileReport],
    rosters: dict[str, Validation],
    options: tuple[bool, set[str], str | None],
) -> DaskValidation:
    """issues.csv, issues.parquet, audit.csv, the rosters' tables and summary.json."""
    import pandas as pd

    from .outputs import _every_audit, _write_csv, outputs_summary, summary
    from .parquet_tables import write_parquet
    from .stream_writing import _Segment

    show_pii, crlf, partition_by = options
    parts = staging / ".partitions"
    empty = check_rows(instrument, [], Findings())
    blank = empty.raw.iloc[:0] if smalls else empty.raw
    letters: dict[str, Any] = {}
    for small in smalls:
        letters.setdefault(small.file, _letter_return(small))
    located = _locate(findings.frame(), blank, list(letters.values()))
    segments = [_Segment(w.file, w.number + 1, Path(w.issues), w.sizes) for w in written]
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        unplaced = _level(instrument, blank, blank, lines, rosters, frozenset())
        segments.append(_segment(unplaced, parts / f"file-{number:06d}", show_pii,
                                 "issues.csv" in crlf))  # fmt: skip
        segments[-1].file = str(name)
    tally = _assemble(staging / "issues.csv", segments, "issues.csv" in crlf)
    _issues_parquet(staging / "issues.csv", staging / "issues.parquet")
    none = _level(instrument, empty.raw, empty.typed, Findings().frame(), rosters, frozenset())
    header, _ = render(_every_audit(none, show_pii).iloc[:0], header=True,
                       crlf="audit.csv" in crlf)  # fmt: skip
    with open(staging / "audit.csv", "wb") as out:
        out.write(header)
        for piece in sorted(written, key=lambda w: w.number):
            with open(piece.audit, "rb") as part:
                shutil.copyfileobj(part, out)
    shutil.rmtree(parts)
    rows: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    for piece in written:
        rows[piece.file] += piece.rows
        quarantined[piece.file] += piece.quarantined
    not_read = located.loc[located["check"] == NOT_READ, "file"].value_counts()
    for report in reports:
        report.rows_not_read = int(not_read.get(report.name, 0))
        report.rows_in = rows[report.name] + report.rows_not_read
        report.rows_quarantined = quarantined[report.name]
        report.rows_clean = rows[report.name] - report.rows_quarantined
    totals = {"rows": sum(rows.values()), "quarantined": sum(quarantined.values()),
              "not_read": int((located["check"] == NOT_READ).sum())}  # fmt: skip
    result = DaskValidation(
        instrument, reports, empty.raw, empty.typed, located, pd.Index([], dtype="int64"),
        rosters=rosters, totals=totals, tally=tally,
    )  # fmt: skip
    for code, level in rosters.items():
        write_parquet(staging / f"clean_{code}.parquet", level.clean(), partition_by)
        write_parquet(staging / f"quarantine_{code}.parquet", level.quarantine(), partition_by)
        _write_csv(staging / f"dropped_{code}.csv", level.dropped)
    _write_csv(staging / "dropped.csv", result.dropped)
    described = summary(result)
    described["outputs"] = outputs_summary(result, "parquet", partition_by)
    with atomic_path(staging / "summary.json") as temporary:
        temporary.write_text(
            json.dumps(described, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return result


def _letter_return(small: Checked) -> Any:
    from .layout import Return

    return Return(small.file, "", [], {}, small.letters, {})


def _issues_parquet(source: Path, target: Path) -> None:
    """issues.csv as Parquet text columns, read a block at a time (the same text)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with open(source, encoding="utf-8", newline="") as head:
        names = next(csv.reader(head))
    reader = pacsv.open_csv(
        source,
        read_options=pacsv.ReadOptions(block_size=8 << 20),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    with pq.ParquetWriter(target, reader.schema) as out:
        for batch in reader:
            out.write_batch(batch)
