"""Validate large CSV returns a partition at a time and write the output set as they go.

:func:`validate_streamed` reads and checks every partition (:class:`.streamed.Partitions`),
runs the reductions (duplicates, outlier fences), then splits each waiting partition into
clean and quarantine and appends it to clean.csv, quarantine.csv, issues.csv and audit.csv
in the staging folder; summary.json comes last and the set is committed as one
(:func:`~villagesurvey.tables.outputset.output_set`). The files are byte for byte those of
the in-memory path (:func:`.run.validate_returns` then :func:`.outputs.write_validation`),
without issues.xlsx and corrections.xlsx.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from ..instrument import Instrument
from ..tables.outputset import output_lock, output_set
from .checking import _locate, _silent, check_returns, check_rows
from .csv_chunks import CarriageReturnError, CsvPieces, render
from .csv_stream import StreamedFile
from .findings import Findings
from .result import NOT_READ, PROVENANCE, FileReport, Validation
from .streamed import PARTITION_ROWS, Partition, Partitions, _load

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STREAMED_OUTPUTS", "StreamedValidation", "validate_streamed"]

STREAMED_OUTPUTS = (
    "clean.csv", "quarantine.csv", "issues.csv", "audit.csv", "dropped.csv", "summary.json",
)  # fmt: skip
"""The files :func:`validate_streamed` writes (and each roster's clean, quarantine, dropped)."""

DISK_PER_CSV_BYTE = 6
"""Free disk needed beside the output folder per byte of CSV read: the partitions waiting
(about four times the CSV, measured) and the outputs."""


@dataclass
class _Part(Validation):
    """One partition as a validation: its clean rows and quarantine, as the whole batch's."""

    shown: frozenset[str] = frozenset()

    def _provenance(self, records: pd.Index) -> dict[str, pd.Series]:
        return {
            key: self.raw.loc[records, name]
            for key, name in PROVENANCE.items()
            if key in self.shown  # as the whole batch says, not the partition alone
        }


@dataclass
class StreamedValidation(Validation):
    """What a streamed validation found: the counts, not the rows (they are in the files)."""

    totals: dict[str, int] = field(default_factory=dict)
    tally: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def written(self) -> list[str]:
        """The files written, in the order the console summary names them."""
        rosters = [f"{kind}_{code}.csv" for code in self.rosters
                   for kind in ("clean", "quarantine", "dropped")]  # fmt: skip
        return [*STREAMED_OUTPUTS[:2], *rosters, *STREAMED_OUTPUTS[2:]]

    @property
    def rows_in(self) -> int:
        return self.totals["rows"] + self.totals["not_read"]

    @property
    def rows_not_read(self) -> int:
        return self.totals["not_read"]

    @property
    def rows_quarantined(self) -> int:
        return self.totals["quarantined"]

    @property
    def rows_clean(self) -> int:
        return self.totals["rows"] - self.totals["quarantined"]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return self.tally

    @property
    def exit_code(self) -> int:
        if not any(f.status == "read" for f in self.files):
            return 2
        levels = (self.counts, *(v.counts for v in self.rosters.values()))
        return 1 if any("error" in c for c in levels) or self.refused else 0


def validate_streamed(
    instrument: Instrument,
    paths: Sequence[Path],
    outdir: str | Path,
    *,
    partition_rows: int = PARTITION_ROWS,
    outlier_factor: float | None = None,
    show_pii: bool = False,
    stage: Callable[[str], None] | None = None,
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
    """
    from . import hfc
    from .outputs import OUTPUTS, _write_csv, outputs_summary, summary
    from .run import _display_names

    say = stage if stage is not None else _silent
    _check_room(paths, Path(outdir))
    shown = _display_names(list(paths))
    rosters = _empty_rosters(instrument, outlier_factor)
    kinds = ("clean", "quarantine", "dropped")
    extra = tuple(f"{kind}_{code}.csv" for code in rosters for kind in kinds)
    folder = Path(outdir)
    stems = ("clean", "quarantine", *(f"{k}_{c}" for c in rosters for k in kinds[:2]))
    parquet = tuple(f"{stem}.parquet" for stem in stems)
    names = (*OUTPUTS, *extra, *parquet, "issues.parquet")  # an earlier set's go with it
    with output_lock(folder), output_set(folder, names, "summary.json") as staging:
        parts = Partitions(instrument, staging / ".partitions")
        files = []
        for path in paths:
            streamed = StreamedFile(path, shown[path])
            parts.read(streamed, partition_rows, say)
            files.append(FileReport(streamed.name, path, streamed.sha256, "read", "csv"))
        say("looking for duplicates and outliers")
        factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
        late = _Late(parts.duplicates(), parts.outliers(factor))
        say(f"writing {outdir}")
        crlf: set[str] = set()
        while True:
            try:
                result = _write(staging, parts, files, late, rosters, show_pii, crlf)
                break
            except CarriageReturnError as found:  # every line of that file ends in CR LF
                crlf.add(found.name)
        shutil.rmtree(parts.folder)
        for code, level in rosters.items():
            _write_csv(staging / f"clean_{code}.csv", level.clean())
            _write_csv(staging / f"quarantine_{code}.csv", level.quarantine())
            _write_csv(staging / f"dropped_{code}.csv", level.dropped)
        _write_csv(staging / "dropped.csv", result.dropped)
        described = summary(result)
        described["outputs"] = outputs_summary(result)
        with atomic_path(staging / "summary.json") as temporary:
            temporary.write_text(
                json.dumps(described, ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
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


@dataclass
class _Late:
    """Findings of the reductions, by record: duplicates (before the cascades), outliers."""

    copies: pd.DataFrame
    outliers: pd.DataFrame

    def within(self, table: pd.DataFrame, first: int, size: int) -> pd.DataFrame:
        records = table["record"].astype("int64")
        return table[(records >= first) & (records < first + size)]


def _empty_rosters(instrument: Instrument, factor: float | None) -> dict[str, Validation]:
    """Each roster's validation of no rows: a CSV file holds no roster sheet."""
    from .rosters import RosterReturns

    tables = RosterReturns(instrument)
    return {
        roster.code: check_returns(
            tables.tables[roster.code], [], files=[], findings=Findings(), outlier_factor=factor
        )
        for roster in instrument.rosters
    }


def _write(
    staging: Path,
    parts: Partitions,
    files: list[FileReport],
    late: _Late,
    rosters: dict[str, Validation],
    show_pii: bool,
    crlf: set[str],
) -> StreamedValidation:
    """Split every partition into clean and quarantine; write them, the issues and audit."""
    import pandas as pd

    from .outputs import _every_audit

    instrument = parts.instrument
    outputs = {
        name: CsvPieces(staging / name, crlf=name in crlf)
        for name in ("clean.csv", "quarantine.csv", "audit.csv")
    }
    segments: list[_Segment] = []  # the pieces of issues.csv
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
            outputs["clean.csv"].add(level.clean())
            outputs["quarantine.csv"].add(level.quarantine())
            outputs["audit.csv"].add(_every_audit(level, show_pii))
            segments.append(
                _segment(level, parts.folder / f"issues-{n:06d}", show_pii, issues_crlf)
            )
            segments[-1].file, segments[-1].order = part.file, n + 1
        if not parts.parts:  # the headers of a batch without a row
            none = Findings().frame()
            level = _level(instrument, empty.raw, empty.typed, none, rosters, shown)
            for name, table in (("clean.csv", level.clean()),
                                ("quarantine.csv", level.quarantine()),
                                ("audit.csv", _every_audit(level, show_pii))):  # fmt: skip
                outputs[name].add(table)
    finally:
        for output in outputs.values():
            output.close()
    unlocated = parts.findings.frame()
    blank = empty.raw.iloc[:0] if parts.parts else empty.raw
    located = _locate(unlocated, blank, list(parts.letters.values()))
    for number, (name, lines) in enumerate(located.groupby("file", sort=False)):
        level = _level(instrument, blank, blank, lines, rosters, frozenset())
        segments.append(_segment(level, parts.folder / f"file-{number:06d}", show_pii, issues_crlf))
        segments[-1].file = str(name)
    tally = _assemble(staging / "issues.csv", segments, issues_crlf)
    not_read = located.loc[located["check"] == NOT_READ, "file"].value_counts()
    for report in files:
        report.rows_not_read = int(not_read.get(report.name, 0))
        report.rows_in = rows[report.name] + report.rows_not_read
        report.rows_quarantined = quarantined[report.name]
        report.rows_clean = rows[report.name] - report.rows_quarantined
    totals = {
        "rows": sum(rows.values()),
        "quarantined": sum(quarantined.values()),
        "not_read": int((located["check"] == NOT_READ).sum()),
    }
    nothing = pd.Index([], dtype="int64")
    return StreamedValidation(
        instrument, files, empty.raw, empty.typed, located, nothing, rosters=rosters,
        totals=totals, tally=tally,
    )  # fmt: skip


def _split(
    parts: Partitions,
    part: Partition,
    late: _Late,
    rosters: dict[str, Validation],
    shown: frozenset[str],
) -> _Part:
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
    return _level(parts.instrument, raw, typed, located, rosters, shown)


def _level(
    instrument: Instrument,
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    findings: pd.DataFrame,
    rosters: dict[str, Validation],
    shown: frozenset[str],
) -> _Part:
    import pandas as pd

    errors = findings[(findings["severity"] == "error") & findings["record"].notna()]
    quarantined = pd.Index(sorted(set(errors["record"].astype(int))), dtype="int64")
    return _Part(instrument, [], raw, typed, findings, quarantined, rosters=rosters, shown=shown)


@dataclass
class _Segment:
    """A piece of issues.csv waiting on disk: its file, its place, its findings by check."""

    file: str
    order: int
    path: Path
    sizes: list[tuple[tuple[str, str], int]]


def _segment(level: _Part, path: Path, show_pii: bool, crlf: bool) -> _Segment:
    """Render a partition's (or a file's unplaced) findings into a piece of issues.csv."""
    from .outputs import issues_table

    issues = issues_table(level, show_pii)
    data, cr = render(issues, header=False, crlf=crlf)
    if cr and not crlf:
        raise CarriageReturnError("issues.csv")
    path.write_bytes(data)
    sizes = issues.groupby(["severity", "check"], sort=False).size()
    pairs = [((str(k[0]), str(k[1])), int(n)) for k, n in sizes.items()]
    files = level.findings["file"]
    return _Segment(str(files.iloc[0]) if len(files) else "", 0, path, pairs)


def _assemble(path: Path, segments: list[_Segment], crlf: bool) -> dict[str, dict[str, int]]:
    """Write issues.csv from its pieces in the order of the whole (by file, then record);
    return the findings by severity and check, most frequent first, ties as first met."""
    import pandas as pd

    from .findings import SEVERITIES
    from .outputs import _ISSUE_COLUMNS

    header, _ = render(pd.DataFrame(columns=_ISSUE_COLUMNS), header=True, crlf=crlf)
    seen: dict[tuple[str, str], int] = {}
    with open(path, "wb") as out:
        out.write(header)
        for segment in sorted(segments, key=lambda s: (s.file, s.order)):
            with open(segment.path, "rb") as piece:
                shutil.copyfileobj(piece, out)
            for pair, n in segment.sizes:
                seen[pair] = seen.get(pair, 0) + n
    counts: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
    for (severity, check), n in sorted(seen.items(), key=lambda item: -item[1]):
        counts[severity][check] = n
    return {s: c for s, c in counts.items() if c}
