"""One CSV file of the streamed path read in byte ranges, each parsed and checked by a worker.

:func:`read_in_ranges` lays out the file's head here (:func:`.csv_ranges.read_head`), hands
its respondents to the workers as :func:`.stream_tasks.check_task` tasks, then cuts the rest
of the file into byte ranges, each a :func:`.range_tasks.range_task`: the worker reads,
parses, verifies, lays out and checks it. The results are taken in the order of the file.

Records: the head's respondents are numbered on from the batch's last record; a range's
first respondent is numbered by the Excel row of the range's first line (counted from the
batch's records before the file), the others on from it. A range has no more respondents
than lines, so records stay unique and in the order of the file, with gaps where rows are
blank or not read; nothing written shows a record, only their order.

When a range's rows are not its lines (a quoted value holds a line break), or a carriage
return alone may end a line, the file is read on in one stream from the end of the last
range verified, the chunks laid out here as :mod:`.csv_stream` lays them out; the stage
line says so.

Blank rows after the last respondent of a range (or chunk) wait: they are reported when a
later one of the file holds a respondent, as a file read whole reports blank rows between
respondents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .answer_rows import report_blank
from .csv_ranges import ByteRange, Cutter, Head, RangeError, chunks_from, read_head
from .csv_stream import NotStreamableError, StreamedFile, cut_pieces, file_dialect
from .findings import Findings
from .range_tasks import RangeChecked, RangeSource, file_stamp, range_task
from .stream_pool import Shared, in_order

if TYPE_CHECKING:
    from .csv_stream import FileLayout
    from .streamed import Partitions

__all__ = ["read_in_ranges"]


def read_in_ranges(
    parts: Partitions, streamed: StreamedFile, rows: int, stage: Callable[[str], None]
) -> bool:
    """Check every partition of one CSV file, read in byte ranges; ``False`` (nothing
    done) when it is to be read in one stream from its start.

    Raises
    ------
    NotStreamableError
        If the file cannot be read a partition at a time.
    ReturnsError
        If a worker process died.
    """
    try:
        delimiter, width, bom = file_dialect(streamed.path)
    except NotStreamableError:  # the stream says so, with the file's name
        return False
    cutter = Cutter(streamed.path)
    try:
        try:
            head = read_head(parts.instrument, streamed, (delimiter, width), rows, cutter)
        except NotStreamableError as error:
            raise NotStreamableError(f"{streamed.name}: {error}") from None
        if head is None:
            return False
        encoding = "UTF-8 with a byte-order mark" if bom else "UTF-8"
        parts.findings.add(
            file=streamed.name, sheet=head.layout.sheet, check="csv_encoding",
            severity="warning", message=f"the text was read as {encoding}",
        )  # fmt: skip
        _Ranges(parts, streamed, rows, head, cutter).read(stage)
        streamed.sha256 = cutter.rest()
    finally:
        cutter.close()
    return True


class _Span:
    """A range in flight: the task's meta (its file named if a worker dies)."""

    def __init__(self, span: ByteRange, file: str) -> None:
        self.span, self.file = span, file

    def __str__(self) -> str:
        return self.file


class _Ranges:
    """The reading of one file: its tasks, the blank rows waiting, the last row verified."""

    def __init__(
        self, parts: Partitions, streamed: StreamedFile, rows: int, head: Head, cutter: Cutter
    ) -> None:
        self.parts, self.streamed, self.rows, self.cutter = parts, streamed, rows, cutter
        self.head: Head | None = head
        self.layout = head.layout
        self.letters = head.laid.letters
        self.waiting: list[int] = []  # blank rows after the last respondent so far
        self.verified = (cutter.position, head.end)  # the byte and Excel row read up to
        self.stamp = file_stamp(streamed.path)
        self.shared: Shared[FileLayout] | None = None  # the layout, as the range tasks take it

    def read(self, stage: Callable[[str], None]) -> None:
        from .streamed import Held

        parts = self.parts
        why = "a carriage return alone may end a line"
        try:
            for meta, result in in_order(parts.pool, self._tasks(), str):
                if isinstance(meta, _Span) and isinstance(result, RangeChecked):
                    self._take(meta.span, result)
                elif isinstance(meta, Held):
                    parts.add_checked(meta, result)
                stage(f"checked {parts.rows:,} rows")
        except RangeError as error:
            why = str(error)
        if self.verified[0] != self.cutter.position or not self.cutter.ended():
            stage(f"{self.streamed.name}: read on in one stream from row {self.verified[1]:,} "
                  f"({why})")  # fmt: skip
            for held, checked in in_order(parts.pool, self._stream(), str):
                parts.add_checked(held, checked)
                stage(f"checked {parts.rows:,} rows")

    def _tasks(self) -> Iterator[tuple[Any, Callable[..., Any], tuple[Any, ...]]]:
        """The head's partitions, then each range of the rest of the file."""
        parts, head, cutter = self.parts, self.head, self.cutter
        if head is None:
            return
        self.head = None
        base = first = parts.records
        parts.findings.add_frame(head.findings.frame())
        self.streamed.respondents += len(head.laid.rows)
        for piece in cut_pieces(head.laid, self.rows):
            task, size = self._laid(piece, first), len(piece.rows)
            del piece
            yield task
            first += size
        rules = parts.shared_instrument()
        layout = self.shared = Shared(parts.next_path().with_suffix(".layout"), self.layout)
        start, row = self.verified
        size = max(1, self.rows * start // max(row - 1, 1))  # bytes of about ``rows`` lines
        while not cutter.ended():
            taken, lines, broken, lone = cutter.take_range(size)
            if lone:  # Arrow ends a line at a carriage return alone: read on in one stream
                return
            end = start + taken
            span = ByteRange(str(self.streamed.path), start, end, row, lines, broken)
            stem = parts.next_path()
            yield (
                _Span(span, self.streamed.name),
                range_task,
                (rules, layout, span, base + row, stem, self.rows),
            )
            start, row = end, row + span.lines

    def _laid(self, piece: Any, first: int) -> tuple[Any, Callable[..., Any], tuple[Any, ...]]:
        from .streamed import Held

        return self.parts.laid_task(Held([]), piece, first)

    def _take(self, span: ByteRange, result: RangeChecked) -> None:
        """Keep a range checked: its findings, its blank rows, its partitions."""
        from .streamed import Held, Partition

        parts = self.parts
        parts.findings.add_frame(result.layout)
        self._blank(result.respondents, result.trailing)
        self.streamed.respondents += result.respondents
        if result.parts:
            parts.keep_letters(self.streamed.name, self.layout.sheet, self.letters)
        assert self.shared is not None  # a range was given
        for n, (first, path, checked) in enumerate(result.parts):
            held = Held([])
            source = RangeSource(self.shared, span, n, self.rows, self.stamp)
            held.part = Partition(self.streamed.name, first, checked.size, path, source)
            parts.add_checked(held, checked)
        self.verified = (span.end, span.row + span.lines)

    def _blank(self, respondents: int, trailing: list[int]) -> None:
        """Report the blank rows waiting if respondents follow them; ``trailing`` wait."""
        if respondents and self.waiting:
            report_blank(self.streamed.name, self.layout.sheet, self.waiting,
                         self.parts.findings, set())  # fmt: skip
            self.waiting = []
        self.waiting += trailing

    def _stream(self) -> Iterator[tuple[Any, Callable[..., Any], tuple[Any, ...]]]:
        """The rest of the file from the last row verified, laid out here a chunk at a time."""
        byte, row = self.verified
        first = self.parts.records
        dialect = (self.layout.delimiter, self.layout.width)
        try:
            for table in chunks_from(self.streamed.path, byte, dialect, self.rows):
                found = Findings()
                laid, trailing = self.layout.lay(table, row, found)
                self.parts.findings.add_frame(found.frame())
                self._blank(len(laid.rows), trailing)
                self.streamed.respondents += len(laid.rows)
                row += table.num_rows
                for piece in cut_pieces(laid, self.rows):
                    task, size = self._laid(piece, first), len(piece.rows)
                    del piece  # handed over on disk with workers: this process holds none
                    yield task
                    first += size
        except NotStreamableError as error:
            raise NotStreamableError(f"{self.streamed.name}: {error}") from None
