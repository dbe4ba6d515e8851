"""Validate large CSV returns in bounded memory: partitions checked a few at a time.

Which steps look at one row at a time, and which compare rows:

- **map over partitions** (each partition alone, :func:`.checking.check_rows`): laying out
  the rows (after the header row, found once per file), the submission key, the tool's
  blanks, total rows, cells holding spreadsheet errors, normalising (every fix and every
  cell that cannot be read), the one-row rules of the pandera schema (ranges, required
  answers, skip rules, parts within totals, the instrument's own rules) and their
  explanations, the cascades (filtered and exclusive choices).
- **reductions** (every row of the batch):

  - duplicates of whole rows and of the respondent key (:mod:`.duplicates`): a hash of
    each row's answers (and submission ID) and of its key waits on disk per record
    (:mod:`.stream_duplicates`); only the rows whose hash another row shares are read back,
    and :func:`.duplicates.find_duplicates` judges them exactly;
  - outlier fences by group (:mod:`.hfc`, :mod:`.fences`): each numeric column's answers
    (as the outlier check sees them, flagged answers blank) wait on disk as float64, the
    group of each record as an integer; each column is then judged on its own
    (:mod:`.stream_outliers`: its fences by group, NumPy's linear quantile to the last bit,
    and the answers beyond them);
  - summary counts: rows in, clean, quarantined and not read per file; findings by check;
  - the order of issues.csv (by file, then record), which a partition's rows keep.

  Response rates (by enumerator, by village) and the workbooks they appear in (issues.xlsx,
  corrections.xlsx) are not made on this path; nor are roster links (a CSV file holds no
  roster sheet: each roster's outputs are those of no rows).

Each partition's rows as typed, and its findings, wait in the staging folder (pickled
exactly as they were, their Arrow and NumPy buffers after the pickle, text with 32-bit
offsets, each buffer compressed where that pays, else read back memory-mapped:
:mod:`.mapped_pickle`, :mod:`.packed_buffers`) until the reductions are done; then
the partitions are split into clean and quarantine and written in order
(:mod:`.stream_writing`). Its rows as read wait too, but a byte range's only for the records
with a finding (and the columns of their own, file, row and submission, for every record):
the split reads the range again for a record the duplicates quarantine
(:func:`.range_tasks.range_rows`, :class:`.partition_check.Waiting`).

Where each step runs (:mod:`.stream_pool`): the worker processes (``jobs`` of them; none with
one job: then this process) read, parse, lay out and check the partitions, and write what
waits, and, between the passes, find the rows that share a hash
(:func:`.stream_duplicates.shared_task`) and judge the outlier columns, a column per task
(:func:`.stream_outliers.judge_task`), and leave beside each partition the arrays those
need (:mod:`.waiting_keeps`); this process cuts each file into byte ranges, numbers the
groups, reads back and judges the rows that share a hash, and writes the outliers' warnings
from the workers' results, in the order of the columns. This process
reads each file once from start to end, for its SHA-256 and to cut it: it lays out the
file's head (the header row, the headers and the language, found as in the whole file),
hands the head's respondents to the workers
(:func:`.stream_tasks.check_task`, through the staging folder as a :mod:`.mapped_pickle` the
worker reads and deletes), then cuts the rest into byte ranges of about ``rows`` lines, each
ending at a line break, and gives each range to a worker (:func:`.range_tasks.range_task`),
which reads and parses its bytes itself and verifies that its rows are its lines
(:mod:`.csv_ranges`, :mod:`.range_reading`). A file where a quoted value holds a line break
is read on from the last range verified in one stream here, laid out here and handed over as
the head is; a file whose head has such a value is read so from its start
(:func:`.csv_stream.csv_partitions`). The results are taken in the order of the file, so that
findings and outputs are those of one process; at most ``jobs + 1`` tasks are in flight.
Records keep the order of the batch: a range's are numbered from the Excel row of its first
line, so that a worker need not know how many respondents the ranges before it hold (gaps
where rows are blank; nothing written shows a record).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from . import mapped_pickle
from .csv_stream import NotStreamableError, StreamedFile, csv_partitions
from .findings import Findings
from .layout import Return
from .stream_outliers import Judging, judging, streamed_outliers
from .stream_pool import Shared, Workers, ahead, idle, in_order
from .stream_tasks import Checked, check_task
from .waiting_keeps import Kept, KeptFile

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .range_tasks import RangeSource

__all__ = [
    "PARTITION_ROWS",
    "STREAM_FROM_BYTES",
    "Held",
    "NotStreamableError",
    "Partition",
    "Partitions",
]

PARTITION_ROWS = 180_000
"""Respondents in one partition by default. A partition costs about 120 ms of CPU whatever
its size (pandas' and Arrow's calls a column): on the census, partitions of 180,000 rows
took 62 to 73 s with two workers, peaking at 1,842 to 1,865 MiB, where the code before, in
partitions of 100,000, took 76 to 86 s and peaked at 1,790 to 1,807 MiB, in the same hours
(bench/RESULTS.md)."""

STREAM_FROM_BYTES = 512 * 2**20
"""CSV returns of this many bytes or more in all are validated in partitions by default."""


@dataclass
class Partition:
    """Where a partition waits, which records it holds and, for a range's, where its rows
    are in the file (to read them again: :func:`.range_tasks.range_rows`)."""

    file: str
    first: int
    size: int
    path: Path
    source: RangeSource | None = None


@dataclass
class Partitions:
    """The partitions of a batch, checked in order (by the workers of :attr:`pool`, if
    any), and what the reductions need.

    Attributes
    ----------
    instrument : Instrument
        The rules.
    folder : Path
        Where partitions wait (inside the output set's staging folder).
    findings : Findings
        Findings without a record (layout, blank rows, rows not read, files).
    pool : Workers, optional
        The worker processes that check the partitions; ``None``: this process does.
    records : int
        The record after the last partition's: partitions' records are unique and in the
        order of the batch, not always consecutive (see :mod:`.range_reading`).
    rows : int
        The respondents of the partitions checked so far.
    """

    instrument: Instrument
    folder: Path
    findings: Findings = field(default_factory=Findings)
    parts: list[Partition] = field(default_factory=list)
    letters: dict[str, Return] = field(default_factory=dict)
    provenance: set[str] = field(default_factory=set)
    records: int = 0
    rows: int = 0
    _submissions: bool = False
    _groups: dict[Any, int] = field(default_factory=dict)
    _labels: list[Any] = field(default_factory=list)
    _columns: list[str] = field(default_factory=list)
    _kept: list[tuple[KeptFile, np.ndarray]] = field(default_factory=list)
    pool: Workers | None = None
    _shared: Shared[Instrument] | None = None
    _laid: int = 0

    def __post_init__(self) -> None:
        from .hfc import outlier_columns

        self._columns = outlier_columns(self.instrument)
        (self.folder / "outliers").mkdir(parents=True)

    def read(self, streamed: StreamedFile, rows: int, stage: Callable[[str], None]) -> None:
        """Check every partition of one CSV file (in the workers of :attr:`pool`, if any).

        The file is read in byte ranges that the workers parse (:mod:`.csv_ranges`), or in
        one stream here (:func:`.csv_stream.csv_partitions`) when its head says it must be.

        Raises
        ------
        NotStreamableError
            If the file cannot be read a partition at a time.
        ReturnsError
            If a worker process died.
        """
        from .range_reading import read_in_ranges

        if not read_in_ranges(self, streamed, rows, stage):
            relay = _Relay(self.findings)  # frames held back: the order of one process
            for pending, checked in in_order(self.pool, self._tasks(streamed, rows, relay), str):
                pending.add_to(self.findings)
                self.add_checked(pending, checked)
                stage(f"checked {self.rows:,} rows")
            relay.take().add_to(self.findings)
        if self.pool is not None:  # the workers wait: their memory, and ours, to the system
            idle(self.pool, streamed.name)

    def _tasks(
        self, streamed: StreamedFile, rows: int, relay: _Relay
    ) -> Iterator[tuple[Held, Callable[..., Checked], tuple[Any, ...]]]:
        """Each partition of the file laid out here, as a task for :func:`.check_task`."""
        first = self.records
        for piece in csv_partitions(self.instrument, streamed, rows, relay):
            held = relay.take()
            task = self.laid_task(held, piece, first)
            del piece  # handed over on disk with workers: this process holds none
            yield task
            first = held.part.first + held.part.size if held.part is not None else first

    def laid_task(
        self, held: Held, piece: Return, first: int
    ) -> tuple[Held, Callable[..., Checked], tuple[Any, ...]]:
        """A partition laid out here whose first record is ``first``, as a task for
        :func:`.check_task` (handed to a worker through the staging folder)."""
        self.keep_letters(piece.file, piece.sheet, piece.letters)
        path = self.next_path().with_suffix(".pickle")
        held.part = Partition(piece.file, first, len(piece.rows), path)
        given: Return | Path = piece
        if self.pool is not None:  # handed over on disk: this process holds none
            given = path.with_suffix(".laid")
            mapped_pickle.dump(piece, given)
        return held, check_task, (self.shared_instrument(), given, first, path)

    def keep_letters(self, file: str, sheet: str, letters: dict[str, str]) -> None:
        """The column letters of ``file``'s sheet, once (the findings are located by them)."""
        if file not in self.letters:
            self.letters[file] = Return(file, sheet, [], {}, letters, {})

    def next_path(self) -> Path:
        """A name in :attr:`folder` for the next task's partitions (no suffix)."""
        path = self.folder / f"{self._laid:06d}"
        self._laid += 1
        return path

    def shared_instrument(self) -> Shared[Instrument]:
        """The instrument as the tasks get it: each worker reads it once, for both passes
        (its rules are prepared once per worker)."""
        if self._shared is None:
            self._shared = Shared(self.folder / "instrument.pickle", self.instrument)
        return self._shared

    def add_checked(self, held: Held, checked: Checked) -> None:
        """Keep what the reductions need of a partition checked; the rest waits on disk."""
        part = held.part
        if part is None or checked.size != part.size or part.first < self.records:
            raise RuntimeError("a partition's records are not those it was given")
        if len(checked.unlocated):
            self.findings.add_frame(checked.unlocated)
        self.provenance |= checked.provenance
        self._keep(checked.kept)
        self.parts.append(part)
        self.records = part.first + checked.size
        self.rows += checked.size

    def _keep(self, kept: Kept) -> None:
        """Number the partition's groups in the batch's order; its arrays wait on disk."""
        import numpy as np

        self._submissions |= kept.submissions
        number = np.empty(len(kept.group_keys), dtype=np.int64)
        for i, (key, label) in enumerate(zip(kept.group_keys, kept.group_labels, strict=True)):
            at = self._groups.setdefault(key, len(self._groups))
            if at == len(self._labels):
                self._labels.append(label)
            number[i] = at
        self._kept.append((kept.file, number))

    def reductions(self, factor: float) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The duplicates and the outliers of the whole batch, every task handed to the
        workers at once: two look for the rows that share a hash with another
        (:mod:`.stream_duplicates`), the others judge the outlier columns. This process reads
        back the rows that share a hash and judges them while the workers judge the columns.
        Memory: this process holds no row's hash; a worker holds a column of the batch's
        hashes (8 bytes a row, twice to sort them), or a column judged (about 45 bytes a row).
        """
        sharing = self._sharing()
        judged = self._judging(factor)
        return self._duplicates(sharing), self._outliers(judged, factor)

    def drop_reductions(self) -> None:
        """Delete the files the reductions read: each partition's arrays, the groups and
        records (:mod:`.waiting_keeps`; about 250 bytes a row)."""
        import shutil

        shutil.rmtree(self.folder / "outliers")
        for file, _ in self._kept:
            file.path.unlink()

    def _sharing(self) -> Iterator[tuple[str, np.ndarray]] | None:
        """The tasks of :func:`.stream_duplicates.shared_task`, handed to the workers now."""
        from .stream_duplicates import KINDS, shared_task

        files = self._kept_files()
        if not any(file.hashed for file in files):  # no respondent: no rows, or total rows
            return None
        tasks = ((kind, shared_task, (files, kind, self._submissions)) for kind in KINDS)
        return ahead(self.pool, tasks, lambda _: self._files())

    def _duplicates(self, sharing: Iterator[tuple[str, np.ndarray]] | None) -> pd.DataFrame:
        import numpy as np

        from .duplicates import copies_among
        from .partition_check import rows_of
        from .waiting_keeps import gathered

        if sharing is None:
            return copies_among(self.instrument, [])
        answers, keys = (found for _, found in sharing)
        wanted = gathered(self._kept_files(), "records")[np.union1d(answers, keys)]
        pieces = []
        for part in self.parts:
            inside = wanted[(wanted >= part.first) & (wanted < part.first + part.size)]
            if len(inside):  # a total row has no hash: never wanted
                pieces.append(rows_of(part.path, inside))
        return copies_among(self.instrument, pieces)

    def outliers(self, factor: float) -> pd.DataFrame:
        """Outliers of the whole batch (those of :func:`.hfc.outliers_of`), each column
        judged by a worker (:mod:`.stream_outliers`)."""
        return self._outliers(self._judging(factor), factor)

    def _judging(self, factor: float) -> Judging | None:
        """The tasks of :func:`.stream_outliers.judge_task`, handed to the workers once the
        batch's group of each record is written (:meth:`_write_groups`)."""
        if not self.parts:
            return None
        self._write_groups()
        return judging(
            self.pool, self.shared_instrument(), self.folder / "outliers", self._kept_files(),
            self._columns, factor, self._files(),
        )  # fmt: skip

    def _write_groups(self) -> None:
        """The group of each record judged for outliers, numbered in the batch's order, and
        its record, into ``outliers/groups`` and ``outliers/records`` (int64), partition
        after partition."""
        folder = self.folder / "outliers"
        with open(folder / "groups", "wb") as groups, open(folder / "records", "wb") as records:
            for file, number in self._kept:
                number[file.read("groups")].tofile(groups)
                file.read("sound_records").tofile(records)

    def _kept_files(self) -> list[KeptFile]:
        """Where each partition's arrays wait, in the order of the batch."""
        return [file for file, _ in self._kept]

    def _files(self) -> str:
        """The files of the batch, named should a worker die in a reduction."""
        return ", ".join(dict.fromkeys(part.file for part in self.parts))

    def _outliers(self, judged: Judging | None, factor: float) -> pd.DataFrame:
        import numpy as np

        from .hfc import outlier_rows

        if judged is None:  # no records
            none = np.zeros(0, dtype=np.int64)
            return outlier_rows(self.instrument, [], none, lambda _: None, none, factor)
        folder = self.folder / "outliers"
        return streamed_outliers(self.instrument, judged, folder, self._labels, factor)


class Held:
    """Findings the layout made before a partition was laid out (kept in their order), and
    the partition."""

    def __init__(self, frames: list[pd.DataFrame]) -> None:
        self.frames = frames
        self.part: Partition | None = None

    def __str__(self) -> str:  # the file named when a worker dies
        return self.part.file if self.part is not None else ""

    def add_to(self, findings: Findings) -> None:
        for frame in self.frames:
            findings.add_frame(frame)


class _Relay(Findings):
    """Findings of the layout: one at a time straight into the batch's (they come first
    anyway), frames held until the partitions laid out before them are checked."""

    def __init__(self, target: Findings) -> None:
        super().__init__()
        self._target = target
        self._held: list[pd.DataFrame] = []

    def add(self, **finding: Any) -> None:
        self._target.add(**finding)

    def add_frame(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self._held.append(frame)

    def take(self) -> Held:
        held, self._held = Held(self._held), []
        return held


def stream_paths(sources: Sequence[str | Path]) -> list[Path] | None:
    """The files of ``sources`` when every one is a CSV file, else ``None``."""
    from .sources import find_returns

    skipped: list[tuple[Path, str]] = []
    try:
        paths = find_returns(sources, skipped)
    except Exception:  # the in-memory path says what is wrong
        return None
    if not paths or skipped or any(p.suffix.lower() != ".csv" for p in paths):
        return None
    return paths
