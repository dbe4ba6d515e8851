"""Read a large CSV file a partition at a time: Arrow record batches, laid out as they come.

The in-memory reader (:mod:`._csv`) parses the whole file into one Arrow table. Here
pyarrow's streaming CSV reader gives record batches; the first chunk (at least
:data:`FIRST_ROWS` rows, so that the header row and the file's usual language are found as
the whole file would show them) is laid out by :func:`.layout.lay_out`, and every later
chunk with the same header positions. Each chunk's respondents are then cut into
:class:`~.layout.Return` pieces of at most ``rows`` respondents: the partitions.

Blank rows at the end of a chunk wait for the next one (a blank row is reported only when a
respondent follows it, as in the whole file). The file's SHA-256 is taken from the bytes
as Arrow reads them. A file Arrow does not stream (not UTF-8, rows wider than the header,
a row larger than a block) raises :class:`NotStreamableError` before any output is written: the
caller reads it in memory instead.

The streamed path reads most files in byte ranges that its workers parse
(:mod:`.csv_ranges`), with this module's layout of the first chunk (:class:`ChunkLayout`) for
the file's head; it reads a file here, in one stream, when its head holds a row that is not
one line (a line break in a quoted value), and the rest of a file from the first range that
holds one (:func:`arrow_chunks`).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ..instrument import Instrument
from ..tables.safe import shown_name
from ._csv import HEAD_ROWS
from .answer_rows import Return, extract_table
from .findings import Findings
from .header_row import code_row as find_code_row
from .headers import Headers, match_headers
from .layout import lay_out
from .reading import ReadFile, Refused, Sheet
from .repeat_tables import find_links

if TYPE_CHECKING:
    import pyarrow as pa
    import pyarrow.csv as pacsv

__all__ = [
    "FIRST_ROWS",
    "ChunkLayout",
    "FileLayout",
    "NotStreamableError",
    "StreamedFile",
    "arrow_chunks",
    "csv_partitions",
    "cut_pieces",
    "dialect_of",
    "file_dialect",
]

FIRST_ROWS = 1_000
"""Rows of the first chunk at least: the header row and the usual language are found in it."""

_BLOCK = 1 << 20
"""Bytes pyarrow's streaming reader parses at a time. It reads dozens of blocks ahead, so the
block sets the reader's memory: 8 MiB blocks held about 280 MiB before the first batch, 1 MiB
blocks about 40, at no cost in time (measured on the census CSV)."""
_HEAD_BYTES = 1 << 20


class NotStreamableError(Exception):
    """The file cannot be read a partition at a time; read it in memory."""


@dataclasses.dataclass
class StreamedFile:
    """What streaming a file learned: its hash (once read to the end), its rows, and whether
    it is a phone export (its header names the submission's columns)."""

    path: Path
    name: str
    sha256: str = ""
    respondents: int = 0
    export: bool = False


class _Hashing(io.RawIOBase):
    """A file that hashes the bytes read from it."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "rb")  # noqa: SIM115  (closed by close())
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer)
        self.digest.update(memoryview(buffer)[:count])
        return count

    def rest(self) -> None:
        """Hash what was not read."""
        while block := self._file.read(_BLOCK):
            self.digest.update(block)

    def close(self) -> None:
        self._file.close()
        super().close()


def file_dialect(path: Path) -> tuple[str, int, bool]:
    """The delimiter, the width of the first row and whether a UTF-8 byte-order mark leads."""
    with open(path, "rb") as stream:
        data = stream.read(_HEAD_BYTES)
    return dialect_of(data)


def dialect_of(data: bytes) -> tuple[str, int, bool]:
    """:func:`file_dialect` of a file's first bytes (a mebibyte is enough).

    Raises
    ------
    NotStreamableError
        If the text is UTF-16.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise NotStreamableError("it is UTF-16")
    bom = data.startswith(codecs.BOM_UTF8)
    head = data[len(codecs.BOM_UTF8) if bom else 0 :].decode("utf-8", "ignore")
    first_line = head[:4096].partition("\n")[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = next((d for d in ("\t", ";") if d in first_line), ",")
    width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])) or 1
    return delimiter, width, bom


def text_options(
    delimiter: str, width: int
) -> tuple[list[str], pacsv.ParseOptions, pacsv.ConvertOptions]:
    """How Arrow parses returns: ``width`` columns (their names ``f0``, ``f1``, ...) of text,
    an empty cell null, line breaks inside quoted values kept, blank lines kept (rows)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = [f"f{i}" for i in range(width)]
    parse = pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                               ignore_empty_lines=False)  # fmt: skip
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.large_string()),
        strings_can_be_null=True,
        null_values=[""],
    )
    return names, parse, convert


def arrow_chunks(
    source: io.RawIOBase | BinaryIO, delimiter: str, width: int, rows: int
) -> Iterator[pa.Table]:
    """Tables of the file's rows: the first of :data:`FIRST_ROWS` rows or more, then ``rows``."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names, parse, convert = text_options(delimiter, width)
    try:
        reader = pacsv.open_csv(
            source,
            read_options=pacsv.ReadOptions(column_names=names, block_size=_BLOCK),
            parse_options=parse,
            convert_options=convert,
        )
        pending: list[pa.RecordBatch] = []
        held, want = 0, max(rows, FIRST_ROWS)
        for batch in reader:
            pending.append(batch)
            held += batch.num_rows
            while held >= want:
                table = pa.Table.from_batches(pending)
                yield table.slice(0, want)
                rest = table.slice(want)
                pending, held, want = rest.to_batches(), rest.num_rows, rows
        if held:
            yield pa.Table.from_batches(pending, schema=pending[0].schema)
    except UnicodeDecodeError:
        raise NotStreamableError("it is not UTF-8") from None
    except pa.ArrowInvalid as error:  # its text may quote a row: not shown
        said = str(error)
        why = "pyarrow cannot read it in blocks"
        if "UTF8" in said:
            why = "it is not UTF-8"
        elif "columns" in said:
            why = "a row has more or fewer cells than the header"
        raise NotStreamableError(why) from None


def csv_partitions(
    instrument: Instrument,
    streamed: StreamedFile,
    rows: int,
    findings: Findings,
) -> Iterator[Return]:
    """The file's respondents laid out on the instrument, at most ``rows`` at a time.

    Parameters
    ----------
    instrument : Instrument
        The instrument the file should follow.
    streamed : StreamedFile
        The file; its ``sha256`` and ``respondents`` are set once the last piece is given.
    rows : int
        The most respondents in one piece.
    findings : Findings
        Where the layout's findings go (header, blank rows, rows not read, the encoding).

    Raises
    ------
    NotStreamableError
        If the file cannot be read in pieces, or is refused as a return of this instrument
        (the in-memory reader says why).
    """
    try:
        delimiter, width, bom = file_dialect(streamed.path)
    except NotStreamableError as error:
        raise NotStreamableError(f"{streamed.name}: {error}") from None
    source = _Hashing(streamed.path)
    encoding = "UTF-8 with a byte-order mark" if bom else "UTF-8"
    findings.add(
        file=streamed.name, sheet=_sheet_name(streamed.path), check="csv_encoding",
        severity="warning", message=f"the text was read as {encoding}",
    )  # fmt: skip
    try:
        yield from _partitions(instrument, streamed, source, (delimiter, width), rows, findings)
        source.rest()
        streamed.sha256 = source.digest.hexdigest()
    except NotStreamableError as error:
        raise NotStreamableError(f"{streamed.name}: {error}") from None
    finally:
        source.close()


def _sheet_name(path: Path) -> str:
    return shown_name(path.name.rpartition(".")[0] or path.name)


def _partitions(
    instrument: Instrument,
    streamed: StreamedFile,
    source: _Hashing,
    dialect: tuple[str, int],
    rows: int,
    findings: Findings,
) -> Iterator[Return]:
    import pyarrow as pa

    layout = ChunkLayout(instrument, streamed, dialect)
    start = 1  # the Excel row of the chunk's first row
    carried: pa.Table | None = None
    chunks = arrow_chunks(source, *dialect, rows)
    chunk = next(chunks, None)
    while chunk is not None:
        following = next(chunks, None)
        if carried is not None:
            chunk, carried = pa.concat_tables([carried, chunk]), None
        mine = Findings()  # kept only if the chunk is laid out as it is
        laid = layout.lay(chunk, start, mine)
        last = laid.rows[-1] if laid.rows else start - 1
        end = start + chunk.num_rows  # the Excel row after the chunk
        if following is not None and last < end - 1:
            carried = chunk.slice(last + 1 - start)  # blank rows wait for what follows
            if not laid.rows:
                chunk = following
                continue
            mine = Findings()
            laid = layout.lay(chunk.slice(0, last + 1 - start), start, mine)
            end = last + 1
        layout.accept(laid)
        findings.add_frame(mine.frame())
        streamed.respondents += len(laid.rows)
        yield from cut_pieces(laid, rows)
        start, chunk = end, following


@dataclasses.dataclass(frozen=True)
class FileLayout:
    """What the head of a file says of all of it, for the workers: the dialect, the
    headers found on the header row and the language the file holds silently."""

    name: str
    sheet: str
    headers: Headers
    language: str | None
    delimiter: str
    width: int

    def lay(self, table: pa.Table, start: int, findings: Findings) -> tuple[Return, list[int]]:
        """Rows whose first is Excel row ``start``, laid out on the headers (their layout
        findings in ``findings``, which holds no other), and the blank rows after their last
        respondent that were not reported: news only if a respondent follows later."""
        sheet = Sheet(self.sheet, [], start, 1, {}, table)
        laid = extract_table(sheet, self.name, self.headers, start, findings)
        laid = dataclasses.replace(laid, language=self.language, typed_cells=False)
        after = laid.rows[-1] + 1 if laid.rows else start
        said = set(findings.frame()["row"].dropna().astype(int).tolist())
        return laid, [r for r in range(after, start + table.num_rows) if r not in said]


class ChunkLayout:
    """Lays out a file's chunks: the first as a whole file is, the rest on its headers (the
    :class:`FileLayout` the first gives, once accepted)."""

    def __init__(
        self, instrument: Instrument, streamed: StreamedFile, dialect: tuple[str, int]
    ) -> None:
        self.instrument, self.streamed, self.dialect = instrument, streamed, dialect
        self.sheet_name = _sheet_name(streamed.path)
        self._head = Sheet(self.sheet_name, [], 1, 1, {})
        self.rest: FileLayout | None = None

    def lay(self, chunk: pa.Table, start: int, findings: Findings) -> Return:
        """The chunk's respondents; its findings (layout, blank rows) in ``findings``."""
        name = self.streamed.name
        if self.rest is not None:
            return self.rest.lay(chunk, start, findings)[0]
        head = [list(r.values()) for r in chunk.slice(0, HEAD_ROWS).to_pylist()]
        sheet = Sheet(self.sheet_name, head, 1, 1, {}, chunk)
        if find_links(sheet) is not None:  # ODK Central's <form>-<repeat>.csv, SurveyCTO's
            raise NotStreamableError(
                "it holds the rows of a repeat, which are linked to their households in memory"
            )
        read = ReadFile(self.streamed.path, "", "csv", {self.sheet_name: sheet}, ())
        laid = lay_out(self.instrument, read, name, findings)
        if isinstance(laid, Refused):
            raise NotStreamableError(laid.reason)
        self._head = sheet
        self.streamed.export = bool(laid.provenance)
        return laid

    def accept(self, laid: Return) -> FileLayout:
        """The chunk was laid out as it is: the first one fixes the headers and language,
        for the rest of the file."""
        if self.rest is not None:
            return self.rest
        scratch = Findings()  # said once already, by the layout of the first chunk
        found = find_code_row(self.instrument, self._head, {}, None, self.streamed.name, scratch)
        if found is None:  # lay_out refused the file already
            raise NotStreamableError("no header row")
        headers = match_headers(
            self.instrument, self._head, found, self.streamed.name, scratch, expect_order=False
        )
        self.rest = FileLayout(self.streamed.name, self.sheet_name, headers, laid.language,
                               *self.dialect)  # fmt: skip
        return self.rest


def cut_pieces(laid: Return, rows: int) -> Iterator[Return]:
    """The laid-out rows cut into pieces of at most ``rows``."""
    for at in range(0, len(laid.rows), rows):
        size = min(rows, len(laid.rows) - at)
        yield dataclasses.replace(
            laid,
            rows=laid.rows[at : at + size],
            values={code: column.slice(at, size) for code, column in laid.values.items()},
            provenance={key: cells[at : at + size] for key, cells in laid.provenance.items()},
            formulas={},
        )
