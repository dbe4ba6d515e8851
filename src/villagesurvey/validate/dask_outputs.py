"""The output set of a validation on Dask, put together once the workers have written
their parts: issues.csv and audit.csv from their pieces, issues.parquet from issues.csv (the
same text, read a block at a time), issues.xlsx (each check's first findings, as the
one-machine path caps it), the rosters' tables of no rows, summary.json.

This is the step that does not grow with the workers: it reads every finding once.
"""

from __future__ import annotations

import csv
import dataclasses
import pickle
import shutil
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from ..tables.file_pieces import append_file
from .capped_issues import Gathered, Heads, add_heads, first_findings
from .checking import check_rows, locate_findings
from .csv_chunks import render
from .dask_tasks import Checked, Written, keep_heads
from .findings import Findings
from .issue_pieces import assemble_issues, issue_piece
from .issues_book import write_issues_book
from .result import FileReport, Validation
from .stream_result import StreamedValidation
from .stream_split import count_rows
from .stream_tasks import part_validation

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
        issues = ["issues.csv", "issues.parquet", "issues.xlsx"]
        return ["clean.parquet", "quarantine.parquet", *rosters, *issues,
                "audit.csv", "dropped.csv", "summary.json"]  # fmt: skip


def write_empty(folder: Path, table: pd.DataFrame) -> None:
    """A table of no rows as a Parquet part: its columns, as text."""
    import pyarrow.parquet as pq

    from .parquet_tables import text_table

    pq.write_table(text_table(table), folder / "part-0.parquet")


@dataclasses.dataclass
class Level:
    """A roster's partitions written by their tasks (a batch of workbooks)."""

    code: str
    instrument: Instrument
    smalls: list[Checked]
    written: list[Written]
    findings: Findings
    reports: list[FileReport]
    linked: pd.DataFrame


def finish(
    staging: Path,
    instrument: Instrument,
    smalls: list[Checked],
    written: list[Written],
    findings: Findings,
    reports: list[FileReport],
    rosters: dict[str, Validation],
    options: tuple[bool, frozenset[str], str | None],
    books: tuple[pd.DataFrame, list[Level]] | None = None,
) -> DaskValidation:
    """issues.csv, issues.parquet, audit.csv, the rosters' tables and summary.json.

    ``books``, for a batch of workbooks: the findings the checks across levels added to
    household rows (in issues.csv they follow the other households' findings, as on one
    machine), and each roster's partitions, whose tables their tasks wrote; their findings
    and audit lines follow the households'. Without it, ``rosters`` are the rosters' tables
    (of no rows: a CSV file holds no roster)."""
    import pandas as pd

    from ..tables.csv_file import write_csv
    from .issue_tables import every_audit
    from .parquet_tables import write_roster_tables
    from .summaries import write_summary

    show_pii, crlf, partition_by = options
    parts = staging / ".partitions"
    issues = (parts, show_pii, "issues.csv" in crlf)
    linked, levels = books if books is not None else (None, [])
    tally, heads, located = level_issues(
        issues, instrument, smalls, written, findings, linked, staging / "issues.csv"
    )
    every = dict(tally)
    done: dict[str, Validation] = {}
    for level in levels:
        target = parts / f"issues-{level.code}.csv"
        counts, more, placed = level_issues(issues, level.instrument, level.smalls,
                                            level.written, level.findings, level.linked,
                                            target, f"{level.code}-")  # fmt: skip
        with open(target, "rb") as source, open(staging / "issues.csv", "ab") as out:
            source.readline()  # its header
            shutil.copyfileobj(source, out)
        add_heads(heads, more)
        every = _added(every, counts)
        done[level.code] = _counted(level, placed, counts)
    _issues_parquet(staging / "issues.csv", staging / "issues.parquet")
    empty = check_rows(instrument, [], Findings())
    none = part_validation(
        instrument, empty.raw, empty.typed, Findings().frame(), rosters, frozenset()
    )
    header, _ = render(every_audit(none, show_pii).iloc[:0], header=True,
                       crlf="audit.csv" in crlf)  # fmt: skip
    with open(staging / "audit.csv", "wb") as out:
        out.write(header)
        pieces = [
            sorted(w, key=lambda p: p.number) for w in (written, *(x.written for x in levels))
        ]
        for piece in (p for some in pieces for p in some):
            append_file(out, Path(piece.audit))
    shutil.rmtree(parts)
    totals = count_rows(reports, *_rows(written), located)
    result = DaskValidation(
        instrument, reports, empty.raw, empty.typed, located, pd.Index([], dtype="int64"),
        rosters=done if books is not None else rosters, totals=totals, tally=tally,
    )  # fmt: skip
    if books is None:
        write_roster_tables(staging, rosters, "parquet", partition_by)
    else:
        for code, counted in done.items():
            write_csv(staging / f"dropped_{code}.csv", counted.dropped)
    write_csv(staging / "dropped.csv", result.dropped)
    write_issues_book(staging / "issues.xlsx", result, heads, every)
    write_summary(staging / "summary.json", result, "parquet", partition_by)
    return result


def level_issues(
    issues: tuple[Path, bool, bool],
    instrument: Instrument,
    smalls: list[Checked],
    written: list[Written],
    findings: Findings,
    linked: pd.DataFrame | None,
    target: Path,
    prefix: str = "",
) -> tuple[dict[str, dict[str, int]], dict[str, Any], pd.DataFrame]:
    """Write a level's findings into ``target`` (a CSV file with its header) in the order
    of the one-machine run: its partitions' pieces and its findings without a record, by
    file, then those of the checks across levels (``linked``). Give their counts, the first
    findings of each check, and the findings without a record, located."""
    from .issue_pieces import IssuePiece

    parts, show_pii, crlf = issues
    empty = check_rows(instrument, [], Findings())
    blank = empty.raw.iloc[:0] if smalls else empty.raw
    letters: dict[str, Any] = {}
    for small in smalls:
        letters.setdefault(small.file, _letter_return(small))
    located = locate_findings(findings.frame(), blank, list(letters.values()))
    segments = [IssuePiece(w.file, w.number + 1, Path(w.issues), w.sizes) for w in written]
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        unplaced = part_validation(instrument, blank, blank, lines, {}, frozenset())
        segments.append(issue_piece(unplaced, parts / f"{prefix}file-{number:06d}", show_pii,
                                    crlf))  # fmt: skip
        segments[-1].file = str(name)
        keep_heads(segments[-1].heads, parts / f"heads-{prefix}file-{number:06d}.pickle")
    tail = []
    if linked is not None and len(linked):
        across = part_validation(instrument, blank, blank, linked, {}, frozenset())
        tail.append(issue_piece(across, parts / f"{prefix}levels", show_pii, crlf))
    tally = assemble_issues(target, segments, crlf, tail)
    heads = _heads_in_order(parts, segments, len(written), prefix)
    if tail:
        from .issue_tables import issues_table

        add_heads(heads, first_findings(issues_table(across, show_pii)))
    return tally, heads, located


def _rows(written: list[Written]) -> tuple[Counter[str], Counter[str]]:
    """Each file's rows and rows quarantined, from its partitions."""
    rows: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    for piece in written:
        rows[piece.file] += piece.rows
        quarantined[piece.file] += piece.quarantined
    return rows, quarantined


def _counted(
    level: Level, located: pd.DataFrame, tally: dict[str, dict[str, int]]
) -> DaskValidation:
    """A roster's counts, as its validation on one machine gives them."""
    import pandas as pd

    empty = check_rows(level.instrument, [], Findings())
    totals = count_rows(level.reports, *_rows(level.written), located)
    return DaskValidation(
        level.instrument, level.reports, empty.raw, empty.typed, located,
        pd.Index([], dtype="int64"), totals=totals, tally=tally,
    )  # fmt: skip


def _added(
    tally: dict[str, dict[str, int]], more: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """Two counts of findings by severity and check, added."""
    every = {severity: dict(checks) for severity, checks in tally.items()}
    for severity, checks in more.items():
        held = every.setdefault(severity, {})
        for check, n in checks.items():
            held[check] = held.get(check, 0) + n
    return every


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


def _heads_in_order(parts: Path, segments: list[Any], partitions: int, prefix: str = "") -> Heads:
    """The first findings of each check over the batch, in the order of issues.csv (of a
    level's pieces, named with ``prefix``)."""
    names = {id(s): f"heads-{prefix}{s.order - 1:06d}.pickle" for s in segments[:partitions]}
    names |= {
        id(s): f"heads-{prefix}file-{n:06d}.pickle" for n, s in enumerate(segments[partitions:])
    }
    gathered = Gathered()
    for segment in sorted(segments, key=lambda s: (s.file, s.order)):
        with open(parts / names[id(segment)], "rb") as stream:
            found: Heads = pickle.load(stream)  # noqa: S301  (written by this run)
        gathered.add(found)
    return gathered.heads
