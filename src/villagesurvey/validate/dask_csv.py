"""CSV returns cut into partitions for Dask: byte blocks, laid out on the file's header.

A file (a local path or any fsspec URL) is read in byte blocks ending at a line break
(:func:`dask.bytes.read_bytes`). Each block is first scanned for its lines, so that the
Excel row of every partition's first line is known before any is checked. The first
partition of a file holds at least :data:`.csv_stream.FIRST_ROWS` lines: the header row and
the file's usual language are found in it, once, as the streamed path finds them, and the
other partitions are laid out on those headers.

A CSV line break is a record's end only outside quotes: a file in which a quoted value holds
a line break (a line with an odd number of ``"``), or whose lines end in a carriage return
alone, cannot be cut at arbitrary line breaks and is checked as one partition.

Blank rows at the end of a partition are reported only when a later partition of the file
holds a respondent (:func:`late_blank_rows`), as a file read whole reports them.
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OptionError, ReturnsError
from ..instrument import Instrument
from ..tables.safe import shown_name
from ._csv import HEAD_ROWS
from .answer_rows import Return, extract_table, report_blank
from .csv_stream import NotStreamableError, dialect_of
from .findings import Findings
from .header_row import code_row as find_code_row
from .headers import Headers, match_headers
from .layout import lay_out
from .reading import ReadFile, Refused, Sheet
from .repeat_tables import find_links

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BLOCK_BYTES", "CsvFile", "Head", "Piece", "csv_files", "plan_pieces"]

BLOCK_BYTES = 32 * 2**20
"""Bytes of CSV in one partition by default (about 90,000 rows of 61 questions)."""


@dataclasses.dataclass(frozen=True)
class CsvFile:
    """A CSV file to validate: where it is, its name in the findings, its path as shown."""

    url: str
    name: str
    path: str

    @property
    def kind(self) -> str:
        """``"parquet"`` for a Parquet file (read by row groups), else ``"csv"``."""
        return "parquet" if self.path.lower().endswith(".parquet") else "csv"

    @property
    def sheet(self) -> str:
        """The sheet its findings name (the file's stem)."""
        base = posixpath.basename(self.path)
        return shown_name(base.rpartition(".")[0] or base)


@dataclasses.dataclass
class Piece:
    """A partition of a CSV file: its blocks, the Excel row of its first line, its place."""

    file: CsvFile
    blocks: list[Any]
    start: int
    head: bool
    number: int = 0
    last: bool = True
    groups: list[int] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Head:
    """What the first partition of a file says of all of it."""

    delimiter: str = ","
    width: int = 1
    headers: Headers | None = None
    language: str | None = None
    bom: bool = False
    export: bool = False
    """Whether the header names a phone export's submission columns."""


def csv_files(sources: Sequence[str | Path]) -> list[CsvFile]:
    """The CSV files of ``sources``: local files and folders, or fsspec URLs.

    Raises
    ------
    OptionError
        If a source is not a CSV file (Dask validates CSV returns) or does not exist.
    ReturnsError
        If the sources hold no CSV file.
    """
    found: list[tuple[str, str]] = []
    for source in sources:
        text = str(source)
        found += _remote(text) if "://" in text else _local(text)
    if not found:
        raise ReturnsError("no CSV returns found in " + ", ".join(map(str, sources)))
    names = Counter(posixpath.basename(path) for _, path in found)
    return [
        CsvFile(url, shown_name(base if names[base] == 1 else path), path)
        for url, path in found
        if (base := posixpath.basename(path))
    ]


def _local(source: str) -> list[tuple[str, str]]:
    from .sources import find_returns

    if source.lower().endswith(".parquet") and Path(source).is_file():
        return [(source, source)]
    skipped: list[tuple[Path, str]] = []
    paths = find_returns([source], skipped)
    if skipped:
        raise OptionError(f"{shown_name(str(skipped[0][0]))}: {skipped[0][1]}")
    if Path(source).is_dir():
        tables = [p for p in Path(source).rglob("*.parquet") if not p.name.startswith(".")]
        paths = sorted([*paths, *tables], key=str) if tables else paths
    _only_csv([str(p) for p in paths])
    return [(str(p), str(p)) for p in paths]


def _remote(url: str) -> list[tuple[str, str]]:
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    if not fs.exists(root):
        raise OptionError(f"{shown_name(url)} does not exist")
    if fs.isdir(root):
        paths = sorted(p for p in fs.find(root) if p.lower().endswith((".csv", ".parquet")))
    else:
        paths = [root]
    _only_csv(paths)
    return [(fs.unstrip_protocol(p), p) for p in paths]


def _only_csv(paths: list[str]) -> None:
    other = [p for p in paths if not p.lower().endswith((".csv", ".parquet"))]
    if other:
        raise OptionError(
            f"{shown_name(posixpath.basename(other[0]))}: with --dask or --scheduler the "
            "returns are CSV or Parquet files; validate workbooks without them"
        )


def scan(block: bytes) -> tuple[int, bool]:
    """A block's lines, and whether a line break in it may sit inside a quoted value."""
    lines = block.count(b"\n") + (1 if block and not block.endswith(b"\n") else 0)
    odd = block.count(b"\r") != block.count(b"\r\n")  # a carriage return alone ends a line
    if not odd and b'"' in block:
        odd = any(line.count(b'"') % 2 for line in block.split(b"\n"))
    return lines, odd


def plan_pieces(
    files: list[CsvFile], scanned: dict[str, list[tuple[Any, int, bool]]], first_rows: int
) -> list[Piece]:
    """Cut each file's blocks into partitions, in the order of the batch.

    Parameters
    ----------
    files : list of CsvFile
        The files.
    scanned : dict
        For each file's URL, its blocks as ``(block, lines, odd)`` (see :func:`scan`).
    first_rows : int
        The fewest lines of a file's first partition.
    """
    pieces: list[Piece] = []
    for file in files:
        blocks = [b for b in scanned[file.url] if b[1]]  # a block inside a long line is empty
        if any(odd for _, _, odd in blocks):  # quoted line breaks: one partition
            pieces.append(Piece(file, [b for b, _, _ in blocks], 1, True))
            continue
        start, at = 1, 0
        mine: list[Piece] = []
        while at < len(blocks):
            first = not mine and start == 1
            group, lines = [blocks[at][0]], blocks[at][1]
            at += 1
            while first and lines < first_rows and at < len(blocks):
                group.append(blocks[at][0])
                lines += blocks[at][1]
                at += 1
            mine.append(Piece(file, group, start, first, last=False))
            start += lines
        if mine:
            mine[-1].last = True
        pieces += mine or [Piece(file, [], 1, True)]
    for number, piece in enumerate(pieces):
        piece.number = number
    return pieces


def parse(data: bytes, delimiter: str, width: int) -> pa.Table:
    """A partition's lines as an Arrow table of text, as the streamed reader parses them.

    Raises
    ------
    ValueError
        If Arrow cannot parse them (not UTF-8, a row wider than the header).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    from .csv_stream import text_options

    names, parse, convert = text_options(delimiter, width)
    if not data:
        return pa.table({name: pa.array([], pa.large_string()) for name in names})
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=parse,
            convert_options=convert,
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as error:
        raise ValueError(str(error)) from None


def read_head(instrument: Instrument, piece: Piece, *blocks: bytes) -> Head:
    """The dialect, headers and usual language of a file, from its first partition."""
    file = piece.file
    delimiter, width, bom = ",", 1, False
    try:
        if file.kind == "csv":
            data = b"".join(blocks)
            delimiter, width, bom = dialect_of(data[: 1 << 20])
        table = piece_table(piece, Head(delimiter, width), *blocks)
    except (ValueError, NotStreamableError) as error:
        raise ReturnsError(
            f"{file.name} cannot be read in partitions ({error}); validate it without --dask"
        ) from None
    if find_links(Sheet(file.sheet, _head_rows(table), 1, 1, {})) is not None:
        raise ReturnsError(
            f"{file.name} holds the rows of a repeat (ODK Central's <form>-<repeat>.csv, "
            "SurveyCTO's long format), which validate links to their households on one "
            "machine; validate it without --dask"
        )
    scratch = Findings()
    laid = _first(instrument, file, table, scratch)
    if isinstance(laid, Refused):
        raise ReturnsError(f"{file.name}: {laid.reason}")
    sheet = Sheet(file.sheet, _head_rows(table), 1, 1, {})
    found = find_code_row(instrument, sheet, {}, None, file.name, scratch)
    if found is None:
        raise ReturnsError(f"{file.name}: no header row")  # lay_out found one
    headers = match_headers(instrument, sheet, found, file.name, scratch, expect_order=False)
    return Head(delimiter, table.num_columns, headers, laid.language, bom, bool(laid.provenance))


def piece_table(piece: Piece, head: Head, *blocks: bytes) -> pa.Table:
    """A partition's rows as text (a CSV file's blocks, a Parquet file's row groups).

    Raises
    ------
    ValueError
        If they cannot be read.
    """
    from .dask_parquet import read_groups

    if piece.file.kind == "parquet":
        return read_groups(piece.file.url, piece.groups, header=piece.head)
    return parse(b"".join(blocks), head.delimiter, head.width)


def _head_rows(table: pa.Table) -> list[list[Any]]:
    return [list(r.values()) for r in table.slice(0, HEAD_ROWS).to_pylist()]


def _first(
    instrument: Instrument, file: CsvFile, table: pa.Table, findings: Findings
) -> Return | Refused:
    sheet = Sheet(file.sheet, _head_rows(table), 1, 1, {}, table)
    read = ReadFile(Path(file.path), "", "csv", {file.sheet: sheet}, ())
    return lay_out(instrument, read, file.name, findings)


def lay_piece(
    instrument: Instrument, piece: Piece, head: Head, blocks: list[bytes], findings: Findings
) -> tuple[Return, list[int]]:
    """A partition's respondents laid out (findings in ``findings``), and its blank rows
    after its last respondent, which only a later partition can say are news.

    Raises
    ------
    ReturnsError
        If the partition cannot be parsed as the file's first one was.
    """
    try:
        table = piece_table(piece, head, *blocks)
    except ValueError as error:
        raise ReturnsError(
            f"{piece.file.name}: its rows from row {piece.start} cannot be read in "
            f"partitions ({error}); validate it without --dask"
        ) from None
    file = piece.file
    if piece.head:
        laid = _first(instrument, file, table, findings)
        if isinstance(laid, Refused):
            raise ReturnsError(f"{file.name}: {laid.reason}")
    else:
        sheet = Sheet(file.sheet, [], piece.start, 1, {}, table)
        if head.headers is None:  # a refused file has no partition checked
            raise ReturnsError(f"{file.name}: no header row")
        laid = extract_table(sheet, file.name, head.headers, piece.start, findings)
        laid = dataclasses.replace(laid, language=head.language, typed_cells=False)
    end = piece.start + table.num_rows
    after = laid.rows[-1] + 1 if laid.rows else (end if piece.head else piece.start)
    said = findings.frame()
    said = set(said.loc[said["check"].isin(["blank_row", "row_not_read"]), "row"].dropna())
    trailing = [row for row in range(after, end) if row not in said]
    return laid, trailing if not piece.last else []


def late_blank_rows(
    pieces: list[Piece], respondents: list[int], trailing: list[list[int]], findings: Findings
) -> None:
    """Report the blank rows ending a partition that a later one of its file follows with a
    respondent (in memory, they are blank rows between respondents)."""
    later: dict[str, int] = {}
    for piece, count, rows in reversed(list(zip(pieces, respondents, trailing, strict=True))):
        if rows and later.get(piece.file.url, 0):
            report_blank(piece.file.name, piece.file.sheet, rows, findings, set())
        later[piece.file.url] = later.get(piece.file.url, 0) + count
