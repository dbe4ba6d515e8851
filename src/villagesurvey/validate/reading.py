"""Read field returns, which are untrusted files, into plain cell values.

:func:`find_returns` (:mod:`.sources`) expands the files and folders a user names;
:func:`read_returns` turns each file into a :class:`ReadFile` (the sheets that matter, as
values) or a :class:`Refused` (one line saying what was found and what to do), and goes on
with the rest of the batch.

How a file is read:

1. The parent process reads the bytes (the SHA-256 is of exactly these bytes) and looks at
   them in pure Python with bounded reads: what the file really is, whatever its name says;
   for a zip package (.xlsx, .xlsm, .ods), the central directory and every member's declared
   size and compression ratio; for a compound file (.xls), whether it is an encrypted
   Office file. Inflating a package's members (their actual sizes, and every XML part
   searched for ``<!DOCTYPE``/``<!ENTITY``) is left to the worker, which does it, in pure
   Python, before python-calamine sees the bytes, so that packages are checked in parallel.
2. A worker process parses a workbook with python-calamine. The worker runs under a
   memory limit (``RLIMIT_AS``, where the system has one) and a time limit, so a reader
   that aborts, loops or exhausts memory costs one file, not the batch. Up to two workers
   are kept for the whole batch, one file each at a time. A CSV file,
   text that nothing in unpacks or runs, is parsed in the main process by Arrow's CSV
   parser into columns of text (see :mod:`._csv`), under limits of its own
   (:data:`MAX_CSV_BYTES`, :data:`MAX_CSV_CELLS`) that a national survey fits in; only a CSV
   file Arrow does not read (rows that differ in width) goes to a worker, to be parsed with
   :mod:`csv` under the workbook limits.
3. Formulas in .xlsx/.xlsm sheets are found by a streaming parse (defusedxml) of the
   worksheet parts read; their cached values are in the rows, their text in
   :attr:`Sheet.formulas`. Macros, embedded objects, external links and data connections are
   never run, opened or followed; a :class:`Note` says they were there.

Source files are opened read-only and never written.

Check codes of :class:`Refused`
-------------------------------
``empty_file``          the file has no bytes, or the workbook has no worksheet
``unreadable_file``     the operating system could not read it (permissions, a folder)
``file_too_large``      larger than :data:`MAX_FILE_BYTES` (a CSV file: :data:`MAX_CSV_BYTES`)
``not_a_spreadsheet``   a text file, web page, PDF, Word file or zip named like a workbook
``unsupported_format``  not .xlsx, .xlsm, .xls, .ods or .csv (e.g. .xlsb, .txt)
``corrupt_file``        truncated or damaged (a broken zip, a broken sheet)
``zip_bomb``            a zip member too big, too compressed, lying about its size, too
                        many members, or members overlapping
``unsafe_xml``          an XML part declares a DOCTYPE or entities
``password_protected``  encrypted with a password
``unknown_encoding``    a CSV file neither UTF-8 nor GB18030
``too_many_cells``      the sheets read span more than :data:`MAX_CELLS` cells (a CSV file:
                        :data:`MAX_CSV_CELLS`)
``memory_limit``        the reader needed more than the memory limit
``read_timeout``        the reader took longer than the time limit
``reader_crashed``      the reader process died on the file

Check codes of :class:`Note`
----------------------------
``macros_ignored``, ``embedded_objects_ignored``, ``external_links_ignored``,
``data_connections_ignored``, ``format_mismatch`` (e.g. an .xlsx file named .xls, read as
what it is), ``csv_encoding`` (which encoding a CSV file was read in).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import OptionError
from ..tables.safe import shown_name
from ._csv import read_csv
from ._pool import Outcome, ReaderPool
from ._preflight import Preflight, Refusal, ZipLimits, preflight
from .sources import OUTPUT_FILE as OUTPUT_FILE
from .sources import OUTPUT_SET as OUTPUT_SET
from .sources import SUFFIXES as SUFFIXES
from .sources import find_returns as find_returns
from .sources import is_output_set as is_output_set

__all__ = [
    "MAX_CELLS",
    "MAX_COMPRESSION_RATIO",
    "MAX_CSV_BYTES",
    "MAX_CSV_CELLS",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_TOTAL_BYTES",
    "SUFFIXES",
    "Note",
    "ReadFile",
    "Refused",
    "Sheet",
    "find_returns",
    "is_output_set",
    "read_returns",
]

#: The largest file read. A 100,000-row x 60-column .xlsx is about 40 MB, as a CSV about 60 MB.
MAX_FILE_BYTES = 256 * 2**20
#: The most members a zip package may hold; a workbook has tens, a few hundred with pictures.
MAX_MEMBERS = 10_000
#: The most one zip member may unpack to. The sheet of 100,000 rows x 60 columns is ~250 MB.
MAX_MEMBER_BYTES = 512 * 2**20
#: The most all members of a zip package together may unpack to.
MAX_TOTAL_BYTES = 2**30
#: The highest compression ratio of a member that unpacks to more than 1 MiB. Sheets are
#: compressed about 5 to 1 (up to 30 to 1 for very repetitive ones); zip bombs over 1000 to 1.
MAX_COMPRESSION_RATIO = 100.0
#: The most cells (used range, rows x columns) read from one file's sheets together.
MAX_CELLS = 10_000_000
#: The largest CSV file read. A national survey of 1,000,000 rows x 61 columns is ~300 MB.
MAX_CSV_BYTES = 2 * 2**30
#: The most cells (rows x columns) read from one CSV file: 3 million rows of 61 columns.
MAX_CSV_CELLS = 200_000_000

_MIN_MEMORY = 256 * 2**20
_SHA_BLOCK = 2**20


@dataclass(frozen=True)
class Sheet:
    """One sheet's cell values, placed as Excel shows them.

    Attributes
    ----------
    name : str
        The sheet's name.
    rows : list of list
        The used range, row by row: ``str``, ``float``, ``int``, ``bool``, and
        :mod:`datetime` dates, datetimes, times and durations; empty cells are ``None``. For
        a CSV file read in columns (``table`` is set), only its first
        :data:`._csv.HEAD_ROWS` rows.
    first_row : int
        The Excel row number (1-based) of ``rows[0]``.
    first_column : int
        The Excel column number (1-based, A = 1) of ``rows[i][0]``.
    formulas : dict
        ``(excel_row, excel_column) -> "=FORMULA"`` for every cell holding a formula (in
        .xlsx and .xlsm files); the rows hold the value last calculated. A cell filled from a
        shared formula gets the text of the cell it was filled from.
    table : pyarrow.Table or None
        For a CSV file read in columns: every row, one string column per sheet column
        (nulls for empty cells). Not compared: ``rows`` and the file say what it holds.
    """

    name: str
    rows: list[list[object]]
    first_row: int
    first_column: int
    formulas: dict[tuple[int, int], str]
    table: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Note:
    """A fact about a file worth telling the user; the file was read.

    Attributes
    ----------
    check : str
        A stable code (listed in this module's documentation).
    message : str
        One plain-language line.
    sheet : str or None
        The sheet it concerns, if one.
    """

    check: str
    message: str
    sheet: str | None = None


@dataclass(frozen=True)
class ReadFile:
    """A file that was read.

    Attributes
    ----------
    path : Path
        The file, as given to :func:`read_returns`.
    sha256 : str
        The SHA-256 of the bytes read, in hexadecimal.
    format : str
        What the file is, by its content: ``"xlsx"``, ``"xlsm"``, ``"xls"``, ``"ods"`` or
        ``"csv"``.
    sheets : dict of str to Sheet
        For a workbook: the ``_instrument`` sheet if there is one and the data sheet it names
        (its ``data_sheet`` row) if that exists; without an ``_instrument`` sheet, the first
        worksheet. For CSV: one sheet named after the file's stem.
    notes : tuple of Note
        Facts worth telling (macros ignored, the encoding of a CSV file, ...).
    """

    path: Path
    sha256: str
    format: str
    sheets: dict[str, Sheet]
    notes: tuple[Note, ...]


@dataclass(frozen=True)
class Refused:
    """A file that was not read, and why.

    Attributes
    ----------
    path : Path
        The file, as given.
    sha256 : str or None
        The SHA-256 of its bytes; ``None`` only when it could not be read from disk.
    check : str
        A stable code (listed in this module's documentation).
    reason : str
        One line in plain words: what was found and what to do.
    """

    path: Path
    sha256: str | None
    check: str
    reason: str


def read_returns(
    paths: Sequence[Path],
    *,
    workers: int | None = None,
    timeout: float = 60.0,
    memory_limit: int = 1 << 30,
    progress: Callable[[Path], None] | None = None,
) -> Iterator[ReadFile | Refused]:
    """Read files safely, yielding one result per path in the order given.

    Parameters
    ----------
    paths : sequence of Path
        The files (see :func:`find_returns`).
    workers : int, optional
        How many reader processes to keep; ``min(2, CPUs)`` by default.
    timeout : float, default 60
        Seconds one file may take to parse before it is refused (``read_timeout``).
    memory_limit : int, default 1 GiB
        Bytes of address space a reader process may use (``memory_limit``); at least 256 MiB.
    progress : callable, optional
        Called with each path once its result is ready.

    Yields
    ------
    ReadFile or Refused

    Raises
    ------
    OptionError
        If ``workers``, ``timeout`` or ``memory_limit`` is out of range.

    Notes
    -----
    Reader processes are started with 'spawn', which imports the caller's main module again:
    a script calling this function must guard its top level with
    ``if __name__ == "__main__":``.
    """
    size = min(2, os.cpu_count() or 1) if workers is None else workers
    if size < 1:
        raise OptionError(f"workers must be at least 1, not {workers}")
    if not timeout > 0:
        raise OptionError(f"timeout must be a positive number of seconds, not {timeout}")
    if memory_limit < _MIN_MEMORY:
        raise OptionError(f"memory_limit must be at least {_MIN_MEMORY:,} bytes")
    return _read_all([Path(p) for p in paths], size, timeout, memory_limit, progress)


def _read_all(
    paths: list[Path],
    size: int,
    timeout: float,
    memory_limit: int,
    progress: Callable[[Path], None] | None,
) -> Iterator[ReadFile | Refused]:
    results: dict[int, ReadFile | Refused] = {}
    jobs: dict[int, tuple[str, Preflight]] = {}
    window = 2 * size + 2  # how far reading may run ahead of the results handed out
    next_in = next_out = 0
    with ReaderPool(size, memory_limit, timeout) as pool:
        while next_out < len(paths):
            while next_in < min(len(paths), next_out + window) and pool.idle():
                index, next_in = next_in, next_in + 1
                prepared = _prepare(paths[index])
                if isinstance(prepared, Refused):
                    results[index] = prepared
                    continue
                sha256, checked, data = prepared
                if checked.format == "csv":
                    columns = _csv_file(paths[index], sha256, checked, data)
                    if columns is not None:
                        results[index] = columns
                        del data, prepared
                        continue
                try:
                    pool.submit(index, _header(paths[index], checked), data)
                except OSError as error:  # the system would not start a process
                    reason = f"no reader process could be started ({error})"
                    results[index] = Refused(paths[index], sha256, "reader_crashed", reason)
                    continue
                finally:
                    del data
                jobs[index] = (sha256, checked)
            if next_out in results:
                result = results.pop(next_out)
                next_out += 1
                if progress is not None:
                    progress(result.path)
                yield result
                continue
            for index, outcome in pool.collect():
                sha256, checked = jobs.pop(index)
                results[index] = _result(paths[index], sha256, checked, outcome)


def _csv_file(
    path: Path, sha256: str, checked: Preflight, data: bytes
) -> ReadFile | Refused | None:
    """A CSV file read in columns; ``None`` when Arrow does not read it."""
    try:
        read = read_csv(data, MAX_CSV_CELLS)
    except Refusal as refusal:
        return Refused(path, sha256, refusal.check, refusal.reason)
    if read is None:
        return None
    head, table, encoding = read
    name = shown_name(path.name.rpartition(".")[0] or path.name)
    notes = [Note(check, message) for check, message in checked.notes]
    notes.append(Note("csv_encoding", f"the text was read as {encoding}", name))
    sheet = Sheet(name, head, 1, 1, {}, table)
    return ReadFile(path, sha256, checked.format, {name: sheet}, tuple(notes))


def _header(path: Path, checked: Preflight) -> dict[str, Any]:
    return {
        "name": path.name,
        "format": checked.format,
        "formula_parts": checked.formula_parts,
        "unpack": checked.unpack,  # the worker inflates the package's members first
        "max_cells": MAX_CELLS,
    }


def _prepare(path: Path) -> Refused | tuple[str, Preflight, bytes]:
    """Read, hash and look at one file; a Refused, or what the worker needs."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a folder, a pipe, a device
            return Refused(path, None, "unreadable_file", "it is not a regular file")
        limit = MAX_CSV_BYTES if path.suffix.lower() == ".csv" else MAX_FILE_BYTES
        with open(path, "rb") as stream:
            data = stream.read(limit + 1)
            if len(data) > limit:
                digest = hashlib.sha256(data)
                del data
                while block := stream.read(_SHA_BLOCK):
                    digest.update(block)
                return Refused(
                    path,
                    digest.hexdigest(),
                    "file_too_large",
                    f"it is larger than {limit // 2**20:,} MiB, far more than a "
                    "survey return; split it or remove pictures and send it again",
                )
    except OSError as error:
        return Refused(
            path, None, "unreadable_file", f"it could not be read ({error.strerror or error})"
        )
    sha256 = hashlib.sha256(data).hexdigest()
    if not data:
        return Refused(
            path,
            sha256,
            "empty_file",
            "it is empty (0 bytes); the copy or download probably failed, so ask for it again",
        )
    limits = ZipLimits(MAX_MEMBERS, MAX_MEMBER_BYTES, MAX_TOTAL_BYTES, MAX_COMPRESSION_RATIO)
    try:
        checked = preflight(data, path.suffix.lower(), limits, unpack=False)
    except Refusal as refusal:
        return Refused(path, sha256, refusal.check, refusal.reason)
    return sha256, checked, data


def _result(path: Path, sha256: str, checked: Preflight, outcome: Outcome) -> ReadFile | Refused:
    if outcome.refusal is not None:
        return Refused(path, sha256, *outcome.refusal)
    notes = [Note(check, message) for check, message in checked.notes]
    notes += [Note(check, message, sheet) for check, message, sheet in outcome.notes]
    sheets = {
        shown_name(sheet.name): Sheet(
            shown_name(sheet.name),
            sheet.rows,
            sheet.first_row,
            sheet.first_column,
            {(row, column): text for row, column, text in sheet.formulas},
        )
        for sheet in outcome.sheets
    }
    return ReadFile(path, sha256, checked.format, sheets, tuple(notes))
