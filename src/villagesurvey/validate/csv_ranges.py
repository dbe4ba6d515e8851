"""Read a large CSV file in byte ranges that worker processes parse themselves.

This process reads the file once, from its start to its end, for its SHA-256 and to cut it:

- its **head** (the first :data:`.csv_stream.FIRST_ROWS` lines, cut after a line break, or
  more when they hold fewer than the 200 respondents the usual language is decided by) is
  parsed and laid out here, as the first chunk of :mod:`.csv_stream` is
  (:func:`read_head`): the header row, the headers and the language of the whole file;
- the rest is cut into :class:`ByteRange` pieces of about ``rows`` lines, each ending just
  after a line break, their line breaks counted (:meth:`Cutter.take_range`): the Excel row
  of each range's first line is that of the one before plus its line breaks.

A worker reads its range's bytes and parses them (:func:`read_range`). That a range's first
line is a row's first line is a guess as long as a quoted value may hold a line break: the
worker verifies it. Arrow parses the range into as many rows as it counts line breaks, and
the last row's last value does not end in a line break (Arrow ends a quoted value left open
at the end of its text there): then every line break of the range ends a row, so that the
next range starts at a row's start, and on from the head, which this process parsed, to the
end of the file. When not, :class:`RangeError`: the file is read on in one stream from the
last range verified (:func:`chunks_from`). A file whose lines may end in a carriage return
alone (Arrow ends a row there too) is read in one stream from the first range that holds one.

Blank rows after a range's last respondent are not news unless a later range of the file
holds a respondent: :meth:`.csv_stream.FileLayout.lay` gives them back to be reported then.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from . import csv_stream
from .answer_rows import Return
from .csv_stream import ChunkLayout, FileLayout, StreamedFile, arrow_chunks, text_options
from .findings import Findings
from .layout import LANGUAGE_SAMPLE
from .raw_frame import FEW_CHUNKS

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "ByteRange",
    "Cutter",
    "Head",
    "RangeError",
    "chunks_from",
    "lone_return",
    "parse",
    "read_head",
    "read_range",
    "verify",
]

_READ = 8 << 20
"""Bytes this process reads from the file at a time."""

_READ_BLOCK = 1 << 20
"""The fewest bytes Arrow parses of a range at a time (its default block)."""


class RangeError(Exception):
    """A range's rows are not its lines (a quoted value holds a line break), or Arrow cannot
    parse it: the file is read on in one stream from the range's start."""


@dataclasses.dataclass(frozen=True)
class ByteRange:
    """Bytes ``start`` to ``end`` of a CSV file, each line break counted.

    Attributes
    ----------
    path : str
        The file.
    start, end : int
        Its first byte and the byte after its last.
    row : int
        The Excel row of its first line.
    lines : int
        Its line feeds (a carriage return alone ends no line of a range).
    broken : bool
        Whether its last byte is a line feed (only the file's last line may end without).
    """

    path: str
    start: int
    end: int
    row: int
    lines: int
    broken: bool


class Cutter:
    """Reads a file from its start to its end once, hashing it, and hands it on a few lines
    at a time (:meth:`take_lines`) or a range at a time (:meth:`take_range`), a block of
    :data:`_READ` bytes held at once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file = open(path, "rb")  # noqa: SIM115  (closed by close())
        self._digest = hashlib.sha256()
        self._block = b""
        self._at = 0  # the first byte of the block not taken
        self.position = 0
        """The byte of the file the next bytes taken start at."""

    def _next(self) -> bool:
        """The next block, once every byte of this one is taken; ``False`` at the end."""
        if self._at < len(self._block):
            return True
        block = self._file.read(_READ)
        if not block:
            return False
        self._digest.update(block)
        self._block, self._at = block, 0
        return True

    def ended(self) -> bool:
        """Whether every byte was taken (reads on to know)."""
        return not self._next()

    def take_lines(self, count: int) -> bytes:
        """The next ``count`` lines (to the end of the file if it has fewer)."""
        taken: list[bytes] = []
        while count and self._next():
            block, at = self._block, self._at
            end = len(block)
            while count:
                found = block.find(b"\n", at, end)
                if found < 0:
                    break
                at, count = found + 1, count - 1
            end = at if not count else end
            taken.append(block[self._at : end])
            self._at = end
        data = b"".join(taken)
        self.position += len(data)
        return data

    def give_back(self, data: bytes) -> None:
        """The last bytes taken, to be taken again."""
        self._block, self._at = data + self._block[self._at :], 0
        self.position -= len(data)

    def take_range(self, size: int) -> tuple[int, int, bool, bool]:
        """At least ``size`` bytes (to the end of the file if fewer are left), and on to the
        next line feed: how many bytes, their line feeds, whether the last byte is one, and
        whether a carriage return among them is not followed by a line feed."""
        taken = lines = returns = pairs = 0
        last = b""
        while self._next():
            block, at = self._block, self._at
            end, cut = len(block), -1
            if end - at >= size - taken:  # the range's size is reached in this block
                cut = block.find(b"\n", at + max(size - taken - 1, 0))
                end = cut + 1 if cut >= 0 else end
            lines += _line_feeds(block, at, end)
            if block.find(b"\r", at, end) >= 0:  # rare: not counted unless there is one
                returns += block.count(b"\r", at, end)
                pairs += block.count(b"\r\n", at, end)
            if last == b"\r" and block[at : at + 1] == b"\n":  # a CR LF across two blocks
                pairs += 1
            last = block[end - 1 : end]
            taken += end - at
            self._at = end
            if cut >= 0:
                break
        self.position += taken
        return taken, lines, last == b"\n", returns != pairs

    def rest(self) -> str:
        """The file's SHA-256, every byte read."""
        self._at = len(self._block)
        while self._next():
            self._at = len(self._block)
        return self._digest.hexdigest()

    def close(self) -> None:
        self._file.close()


def _line_feeds(block: bytes, start: int, end: int) -> int:
    """The line feeds of ``block[start:end]``, counted by NumPy without a copy (about three
    times as fast as ``bytes.count``: 0.9 ms against 2.5 for 8 MiB)."""
    import numpy as np

    return int(np.count_nonzero(np.frombuffer(block, np.uint8, end - start, start) == 0x0A))


def lone_return(data: bytes) -> bool:
    """Whether a carriage return in ``data`` is not followed by a line feed."""
    returns = data.count(b"\r")
    return bool(returns) and returns != data.count(b"\r\n")


def parse(data: bytes, delimiter: str, width: int, *, threads: bool) -> pa.Table:
    """Lines of a CSV file as Arrow text, as :mod:`.csv_stream` parses them.

    Raises
    ------
    RangeError
        If Arrow cannot parse them.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names, parse, convert = text_options(delimiter, width)
    try:
        return pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                column_names=names, use_threads=threads, block_size=_block_size(len(data))
            ),
            parse_options=parse,
            convert_options=convert,
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise RangeError(f"Arrow cannot parse it ({type(error).__name__})") from None


def _block_size(size: int) -> int:
    """The bytes Arrow parses at a time of ``size`` bytes: at least :data:`_READ_BLOCK`, and
    few enough blocks that the rows as read hold each column's pieces as Arrow made them
    (:data:`.raw_frame.FEW_CHUNKS`), not a copy joined into one: 64 MiB less a worker at the
    peak of a partition of 100,000 rows of the census. Parsing takes as long in blocks of 1
    to 8 MiB; a range of 36 MB in one block took twice as long (bench/RESULTS.md)."""
    return max(_READ_BLOCK, -(-size // FEW_CHUNKS))


def verify(table: pa.Table, lines: int, broken: bool) -> None:
    """Check that every line break of the text parsed into ``table`` ends a row.

    ``lines`` is its line feeds; ``broken`` whether its last byte is one.

    Raises
    ------
    RangeError
        If a row holds a line break, or may.
    """
    if table.num_rows != lines + (0 if broken else 1):
        raise RangeError("a quoted value holds a line break")
    if broken and table.num_rows:
        last = table.column(table.num_columns - 1)[-1].as_py()
        if last is not None and last.endswith(("\n", "\r")):
            raise RangeError("a quoted value is open at the end of the range")


def read_range(span: ByteRange, layout: FileLayout, *, threads: bool = False) -> pa.Table:
    """The rows of a range, read from its file and verified (:func:`verify`); parsed with
    Arrow's threads if ``threads``.

    Raises
    ------
    RangeError
        If its rows are not its lines, or Arrow cannot parse them.
    """
    with open(span.path, "rb") as stream:
        data = os.pread(stream.fileno(), span.end - span.start, span.start)
    table = parse(data, layout.delimiter, layout.width, threads=threads)
    verify(table, span.lines, span.broken)
    return table


@dataclasses.dataclass
class Head:
    """A file's head laid out as the whole file is, and what it says of the rest.

    Attributes
    ----------
    laid : Return
        Its respondents.
    findings : Findings
        Its layout findings (the header's, blank rows and rows not read).
    layout : FileLayout
        The headers and language, for the rest of the file.
    end : int
        The Excel row after its rows: the first range's first.
    """

    laid: Return
    findings: Findings
    layout: FileLayout
    end: int


def read_head(
    instrument: Instrument,
    streamed: StreamedFile,
    dialect: tuple[str, int],
    rows: int,
    cutter: Cutter,
) -> Head | None:
    """Lay out the head of a file, as :func:`.csv_stream.csv_partitions` lays out its first
    chunk; ``None`` when the file is to be read in one stream from its start (a line break in
    a quoted value or a carriage return alone in the head, Arrow cannot parse it, or the
    head holds no respondent).

    Rows after the head's last respondent are given back to the cutter (they are read with
    the first range, as the streamed reader carries them to its next chunk).

    Raises
    ------
    NotStreamableError
        If the file is refused as a return of this instrument, or holds a repeat's rows.
    """
    import numpy as np

    least = csv_stream.FIRST_ROWS
    data = cutter.take_lines(least)
    found = _laid_head(instrument, streamed, dialect, data)
    if found is None:
        return None
    layout, table, laid, mine = found
    if len(laid.rows) < LANGUAGE_SAMPLE and not cutter.ended() and rows > least:
        data += cutter.take_lines(rows - least)  # the streamed reader's first chunk
        found = _laid_head(instrument, streamed, dialect, data)
        if found is None:
            return None
        layout, table, laid, mine = found
    end = 1 + table.num_rows
    if not cutter.ended():
        if not laid.rows:  # the streamed reader lays out more with it
            return None
        last = laid.rows[-1]
        if last < end - 1:
            breaks = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == ord("\n"))
            cutter.give_back(data[int(breaks[last - 1]) + 1 :])
            mine = Findings()
            laid = layout.lay(table.slice(0, last), 1, mine)
            end = last + 1
    return Head(laid, mine, layout.accept(laid), end)


def _laid_head(
    instrument: Instrument, streamed: StreamedFile, dialect: tuple[str, int], data: bytes
) -> tuple[ChunkLayout, pa.Table, Return, Findings] | None:
    if lone_return(data):
        return None
    try:
        table = parse(data, *dialect, threads=True)
        verify(table, data.count(b"\n"), data.endswith(b"\n"))
    except RangeError:
        return None
    layout, mine = ChunkLayout(instrument, streamed, dialect), Findings()
    return layout, table, layout.lay(table, 1, mine), mine


def chunks_from(path: Path, start: int, dialect: tuple[str, int], rows: int) -> Iterator[Any]:
    """Tables of ``rows`` rows of a file from byte ``start`` (a row's first), parsed by
    pyarrow's streaming reader as :mod:`.csv_stream` parses a whole file.

    Raises
    ------
    NotStreamableError
        If Arrow cannot read them in blocks.
    """
    with open(path, "rb") as source:
        source.seek(start)
        yield from arrow_chunks(source, *dialect, rows)
