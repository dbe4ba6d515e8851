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

from .._atomic import atomic_path
from ..instrument import Instrument
from .checking import _locate, check_rows
from .csv_chunks import CarriageReturnError, render
from .dask_tasks import Checked, Written, keep_heads
from .findings import Findings
from .issue_pieces import assemble_issues, issue_piece
from .result import FileReport, Validation
from .stream_result import StreamedValidation
from .stream_split import count_rows, part_validation

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


def finish(
    staging: Path,
    instrument: Instrument,
    smalls: list[Checked],
    written: list[Written],
    findings: Findings,
    reports: list[FileReport],
    rosters: dict[str, Validation],
    options: tuple[bool, set[str], str | None],
    levels: pd.DataFrame | None = None,
) -> DaskValidation:
    """issues.csv, issues.parquet, audit.csv, the rosters' tables and summary.json.

    ``levels`` holds the findings the checks across levels added to household rows: in
    issues.csv they follow the other households' findings, then come each roster's findings
    and, in audit.csv, each roster's lines, as on one machine."""
    import pandas as pd

    from ..tables.csv_file import write_csv
    from .issue_pieces import IssuePiece
    from .issue_tables import every_audit, issues_table
    from .parquet_tables import write_roster_tables
    from .summaries import write_summary

    show_pii, crlf, partition_by = options
    parts = staging / ".partitions"
    empty = check_rows(instrument, [], Findings())
    blank = empty.raw.iloc[:0] if smalls else empty.raw
    letters: dict[str, Any] = {}
    for small in smalls:
        letters.setdefault(small.file, _letter_return(small))
    located = _locate(findings.frame(), blank, list(letters.values()))
    segments = [IssuePiece(w.file, w.number + 1, Path(w.issues), w.sizes) for w in written]
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        unplaced = part_validation(instrument, blank, blank, lines, rosters, frozenset())
        segments.append(issue_piece(unplaced, parts / f"file-{number:06d}", show_pii,
                                 "issues.csv" in crlf))  # fmt: skip
        segments[-1].file = str(name)
        keep_heads(unplaced, show_pii, parts / f"heads-file-{number:06d}.pickle")
    tail = []
    if levels is not None and len(levels):
        linked = part_validation(instrument, blank, blank, levels, rosters, frozenset())
        tail.append(issue_piece(linked, parts / "levels", show_pii, "issues.csv" in crlf))
    tally = assemble_issues(staging / "issues.csv", segments, "issues.csv" in crlf, tail)
    heads = _heads_in_order(parts, segments, len(written))
    if tail:
        _more_heads(heads, issues_table(linked, show_pii))
    every = dict(tally)
    for level in rosters.values():
        issues = issues_table(level, show_pii)
        _more_heads(heads, issues)
        _append(staging / "issues.csv", issues, "issues.csv" in crlf)
        every = _added(every, level.counts)
    _issues_parquet(staging / "issues.csv", staging / "issues.parquet")
    none = part_validation(
        instrument, empty.raw, empty.typed, Findings().frame(), rosters, frozenset()
    )
    header, _ = render(every_audit(none, show_pii).iloc[:0], header=True,
                       crlf="audit.csv" in crlf)  # fmt: skip
    with open(staging / "audit.csv", "wb") as out:
        out.write(header)
        for piece in sorted(written, key=lambda w: w.number):
            with open(piece.audit, "rb") as part:
                shutil.copyfileobj(part, out)
    _append(staging / "audit.csv", every_audit(none, show_pii), "audit.csv" in crlf)
    shutil.rmtree(parts)
    rows: Counter[str] = Counter()
    quarantined: Counter[str] = Counter()
    for piece in written:
        rows[piece.file] += piece.rows
        quarantined[piece.file] += piece.quarantined
    totals = count_rows(reports, rows, quarantined, located)
    result = DaskValidation(
        instrument, reports, empty.raw, empty.typed, located, pd.Index([], dtype="int64"),
        rosters=rosters, totals=totals, tally=tally,
    )  # fmt: skip
    write_roster_tables(staging, rosters, "parquet", partition_by)
    write_csv(staging / "dropped.csv", result.dropped)
    write_capped_xlsx(staging / "issues.xlsx", result, heads, every)
    write_summary(staging / "summary.json", result, "parquet", partition_by)
    return result


def _append(path: Path, table: pd.DataFrame, crlf: bool) -> None:
    """Append a table's rows (no header) to a CSV file of the set."""
    if not len(table):
        return
    data, cr = render(table, header=False, crlf=crlf)
    if cr and not crlf:
        raise CarriageReturnError(path.name)
    with open(path, "ab") as out:
        out.write(data)


def _more_heads(heads: dict[str, Any], issues: pd.DataFrame) -> None:
    """Add a table's findings to each check's first ones (:func:`_heads_in_order`)."""
    import pandas as pd

    from ._xlsx import MAX_CHECK_ROWS

    for check, rows in issues.groupby("check", sort=False):
        held = heads.get(str(check))
        if held is None or len(held) < MAX_CHECK_ROWS:
            both = rows if held is None else pd.concat([held, rows], ignore_index=True)
            heads[str(check)] = both.head(MAX_CHECK_ROWS)


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


def _heads_in_order(parts: Path, segments: list[Any], partitions: int) -> dict[str, Any]:
    """The first findings of each check over the batch, in the order of issues.csv."""
    import pandas as pd

    from ._xlsx import MAX_CHECK_ROWS

    names = {id(s): f"heads-{s.order - 1:06d}.pickle" for s in segments[:partitions]}
    names |= {id(s): f"heads-file-{n:06d}.pickle" for n, s in enumerate(segments[partitions:])}
    heads: dict[str, Any] = {}
    for segment in sorted(segments, key=lambda s: (s.file, s.order)):
        with open(parts / names[id(segment)], "rb") as stream:
            found: dict[str, Any] = pickle.load(stream)  # noqa: S301  (written by this run)
        for check, rows in found.items():
            held = heads.get(check)
            if held is None or len(held) < MAX_CHECK_ROWS:
                both = rows if held is None else pd.concat([held, rows], ignore_index=True)
                heads[check] = both.head(MAX_CHECK_ROWS)
    return heads


def write_capped_xlsx(
    path: Path,
    result: DaskValidation,
    heads: dict[str, Any],
    tally: dict[str, dict[str, int]] | None = None,
) -> None:
    """issues.xlsx as the one-machine path writes it: the summary, the files, a sheet per
    check with its first findings (the count from all of them: ``tally``, the households'
    and the rosters' findings, by default the households'); no response rates."""
    from ..tables.xlsx_stream import TableBook
    from ._xlsx import MAX_CHECK_ROWS, summary_rows
    from .issue_tables import ISSUE_COLUMNS

    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add("Summary", ["item", "value", "detail"], summary_rows(result))
        columns = ["file", "status", "rows_in", "rows_clean", "rows_quarantined", "check",
                   "reason", "sha256"]  # fmt: skip
        files = [[f.name, f.status, f.rows_in, f.rows_clean, f.rows_quarantined, f.check,
                  f.reason, f.sha256 or ""] for f in result.files]  # fmt: skip
        book.add("Files", columns, files)
        order = {"error": 0, "warning": 1, "fixed": 2, "corrected": 3, "confirmed": 4}
        every = result.tally if tally is None else tally
        counts = [((check, severity), count) for severity, checks in every.items()
                  for check, count in checks.items()]  # fmt: skip
        seen: set[str] = set()
        for (check, _), _ in sorted(counts, key=lambda i: (order[i[0][1]], -i[1], i[0][0])):
            if check in seen:
                continue
            seen.add(check)
            total = sum(n for (c, _), n in counts if c == check)
            shown = heads[check]
            rows = zip(*(shown[c].tolist() for c in shown.columns), strict=True)
            note = None
            if total > MAX_CHECK_ROWS:
                note = (
                    f"showing the first {MAX_CHECK_ROWS:,} of {total:,} findings; "
                    "issues.csv has them all"
                )
            book.add(check, list(ISSUE_COLUMNS), rows, note=note)
        book.save()
