"""The reader process: one file's bytes in, cell values out, under a memory limit.

:mod:`._pool` runs this file in a child process ('spawn'), so a native reader that aborts or
exhausts memory on a crafted file takes down this process only. It imports only the standard
library, python-calamine and defusedxml (its package loads the rest lazily), so that starting
one is cheap. A zip package's members are inflated and checked here
(:func:`._zipcheck.unpack_members`) before calamine sees the bytes, when the parent left that
to the worker (the header's ``unpack``).

Messages are pickled tuples sent as bytes. From the parent: a header dict then the file's
bytes for each job, ``None`` to stop. From the worker: ``("ready",)`` once; for each job,
``("note", check, message, sheet)``, and ``("sheet", name, first_row, first_column,
formulas)`` followed by ``("rows", rows)`` pieces for each sheet, then ``("done",)`` or
``("refused", check, reason)``.

For tests, the variable named by :data:`FAULT_VARIABLE` set to ``"ACTION:FILE NAME"`` (several
separated by commas) makes the worker misbehave on that file: ``abort`` (die at once),
``hang`` (never answer) or ``memory`` (allocate as much as the memory limit).
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import os
import pickle
import time
import zipfile
from multiprocessing.connection import Connection
from typing import Any

from ._xlsx_parts import formula_cells, sheet_parts

__all__ = ["FAULT_VARIABLE", "serve"]

FAULT_VARIABLE = "_VILLAGESURVEY_READER_FAULT"
_META_SHEET = "_instrument"  # villagesurvey.workbook.META_SHEET, not imported to start fast
_PIECE_CELLS = 100_000
_RESAVE = "open it in Excel or WPS, save it again as .xlsx and send that"


class _Refused(Exception):  # noqa: N818 -- a verdict carried to the job loop
    def __init__(self, check: str, reason: str) -> None:
        super().__init__(reason)
        self.check = check
        self.reason = reason


def serve(connection: Connection, memory_limit: int, log_path: str) -> None:
    """Read jobs from ``connection`` until told to stop or the parent goes away."""
    _limit_memory(memory_limit)
    descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(descriptor, 2)  # native readers' last words go to a file the parent reads
    os.close(descriptor)
    os.environ["RUST_BACKTRACE"] = "0"
    send = _sender(connection)
    send(("ready",))
    while True:
        try:
            header = pickle.loads(connection.recv_bytes())  # noqa: S301 -- from the parent
            if header is None:
                return
            data = connection.recv_bytes()
        except (EOFError, OSError):
            return
        try:
            _fault(header["name"], memory_limit)
            _read(send, header, data)
        except _Refused as refusal:
            send(("refused", refusal.check, refusal.reason))
        except MemoryError:
            del data
            send(("refused", "memory_limit", ""))
            return  # a fresh process takes the next file
        else:
            send(("done",))


def _sender(connection: Connection) -> Any:
    def send(message: tuple[Any, ...]) -> None:
        connection.send_bytes(pickle.dumps(message, protocol=5))

    return send


def _limit_memory(limit: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no rlimits; the time limit still applies
        return
    for which, value in ((resource.RLIMIT_AS, limit), (resource.RLIMIT_CORE, 0)):
        try:
            hard = resource.getrlimit(which)[1]
            resource.setrlimit(
                which, (value if hard == resource.RLIM_INFINITY else min(value, hard), hard)
            )
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS; then only time is bounded
            pass


def _fault(name: str, memory_limit: int) -> None:
    for entry in os.environ.get(FAULT_VARIABLE, "").split(","):
        action, _, target = entry.partition(":")
        if target != name:
            continue
        if action == "abort":
            os.abort()
        elif action == "hang":
            time.sleep(3600)
        elif action == "memory":
            bytearray(memory_limit)


def _read(send: Any, header: dict[str, Any], data: bytes) -> None:
    if header["format"] == "csv":
        _read_csv(send, data, header["name"], header["max_cells"])
    else:
        _read_workbook(send, data, header)


def _send_sheet(
    send: Any,
    name: str,
    rows: list[list[Any]],
    first: tuple[int, int],
    formulas: list[tuple[int, int, str]],
) -> None:
    send(("sheet", name, first[0], first[1], formulas))
    width = max((len(row) for row in rows), default=1) or 1
    step = max(1, _PIECE_CELLS // width)
    for start in range(0, len(rows), step):
        send(("rows", rows[start : start + step]))


# -- workbooks ---------------------------------------------------------------------------------


def _read_workbook(send: Any, data: bytes, header: dict[str, Any]) -> None:
    from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetTypeEnum

    if header.get("unpack") is not None:  # the package's members, checked before calamine
        from ._zipcheck import Refusal, unpack_members

        try:
            header["formula_parts"] = unpack_members(data, header["unpack"])
        except Refusal as refusal:
            raise _Refused(refusal.check, refusal.reason) from None
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if not names:
            raise _Refused("empty_file", "it holds no worksheet")
        budget = [header["max_cells"]]
        wanted = [_META_SHEET] if _META_SHEET in names else [names[0]]
        read: dict[str, tuple[list[list[Any]], tuple[int, int]]] = {}
        for name in wanted:
            read[name] = _sheet_values(book.get_sheet_by_name(name), budget)
        if _META_SHEET not in read and _has_index(read[names[0]][0]):
            for other in names[1:]:  # a KoboToolbox export: a sheet per repeat group
                wanted.append(other)
                read[other] = _sheet_values(book.get_sheet_by_name(other), budget)
        if _META_SHEET in read:
            for data_sheet in _data_sheets(read[_META_SHEET][0]):
                if data_sheet in names and data_sheet not in wanted:
                    wanted.append(data_sheet)
                    read[data_sheet] = _sheet_values(book.get_sheet_by_name(data_sheet), budget)
    except PasswordError:
        raise _Refused(
            "password_protected",
            "it is password-protected; remove the password "
            "in Excel (File > Info > Protect Workbook) and send it again",
        ) from None
    except CalamineError as error:
        raise _Refused("corrupt_file", f"it could not be read ({error}); " + _RESAVE) from None
    formulas = _workbook_formulas(data, header, wanted)
    for name in wanted:
        rows, first = read[name]
        found = formulas.get(name, [])
        _put_errors(rows, first, [f for f in found if not f[2].startswith("=")])
        _send_sheet(send, name, rows, first, [f for f in found if f[2].startswith("=")])


def _put_errors(
    rows: list[list[Any]], first: tuple[int, int], errors: list[tuple[int, int, str]]
) -> None:
    """Put the text of each error cell (``#REF!``), which the reader leaves blank, in place."""
    for row, column, text in errors:
        i, j = row - first[0], column - first[1]
        if 0 <= i < len(rows) and 0 <= j < len(rows[i]) and rows[i][j] in (None, ""):
            rows[i][j] = text


def _sheet_values(sheet: Any, budget: list[int]) -> tuple[list[list[Any]], tuple[int, int]]:
    cells = sheet.height * sheet.width
    budget[0] -= cells
    if budget[0] < 0:
        raise _Refused(
            "too_many_cells",
            f"sheet {sheet.name!r} spans {sheet.height:,} rows x {sheet.width:,} columns; "
            "that is more cells than a survey return holds. Delete the empty rows and "
            "columns below and right of the answers, save, and send it again",
        )
    start = sheet.start or (0, 0)
    rows: list[list[Any]] = sheet.to_python()
    _share(rows)
    return rows, (start[0] + 1, start[1] + 1)


def _share(rows: list[list[Any]]) -> None:
    """Empty text to None; equal texts made one object each, in place.

    A survey sheet repeats its labels thousands of times. Pickle sends a repeated object
    once and a reference after that, so sharing them halves the message and the parent
    unpickles shared texts instead of decoding each cell anew (and holds them once).
    """
    texts: dict[str, str | None] = {"": None}
    for row in rows:
        for i, value in enumerate(row):
            if type(value) is str:
                row[i] = texts.setdefault(value, value)


def _has_index(rows: list[list[Any]]) -> bool:
    """Whether a sheet's header (in its first rows) has KoboToolbox's ``_index`` column."""
    return any(cell == "_index" for row in rows[:12] for cell in row)


def _data_sheets(rows: list[list[Any]]) -> list[str]:
    """The data sheet the template names, then its roster sheets (``roster_sheet.<code>``)."""
    found: list[str] = []
    for row in rows:
        if len(row) >= 2 and isinstance(row[0], str) and isinstance(row[1], str):
            key = row[0].strip()
            if key == "data_sheet":
                found.insert(0, row[1])
            elif key.startswith("roster_sheet."):
                found.append(row[1])
    return found


# -- formulas in .xlsx / .xlsm -----------------------------------------------------------------


def _workbook_formulas(
    data: bytes, header: dict[str, Any], sheets: list[str]
) -> dict[str, list[tuple[int, int, str]]]:
    parts: frozenset[str] = header["formula_parts"]
    if header["format"] not in ("xlsx", "xlsm") or not parts:
        return {}
    from xml.etree.ElementTree import ParseError

    unsafe = importlib.import_module("defusedxml").DefusedXmlException
    found: dict[str, list[tuple[int, int, str]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            where = sheet_parts(archive)
            for name in sheets:
                part = where.get(name)
                if part in parts:
                    found[name] = formula_cells(archive, part)
    except unsafe:
        raise _Refused(
            "unsafe_xml",
            "it declares a document type or entities, which Excel "
            "never writes; the file is not read",
        ) from None
    except (ParseError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise _Refused(
            "corrupt_file", f"its sheets could not be parsed ({error}); " + _RESAVE
        ) from None
    return found


# -- CSV ---------------------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = [("utf-16", "UTF-16")]
    else:
        with_bom = data.startswith(codecs.BOM_UTF8)
        attempts = [
            ("utf-8-sig", "UTF-8 with a byte-order mark" if with_bom else "UTF-8"),
            ("gb18030", "GB18030 (GBK), the encoding Chinese Excel uses for CSV"),
        ]
    for encoding, label in attempts:
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    raise _Refused(
        "unknown_encoding",
        "its text is neither UTF-8 nor GB18030 (GBK); save it "
        "from Excel as 'CSV UTF-8' and send it again",
    )


def _read_csv(send: Any, data: bytes, name: str, max_cells: int) -> None:
    text, label = _decode(data)
    first_line = text[:4096].partition("\n")[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = next((d for d in ("\t", ";") if d in first_line), ",")
    rows: list[list[Any]] = []
    cells = 0
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            cells += len(record)
            if cells > max_cells:
                raise _Refused(
                    "too_many_cells",
                    f"it holds more than {max_cells:,} cells, more than a survey return holds",
                )
            rows.append([value if value != "" else None for value in record])
    except csv.Error as error:
        raise _Refused("corrupt_file", f"it is not readable as CSV ({error})") from None
    del text
    width = max((len(row) for row in rows), default=0)
    for row in rows:
        row.extend([None] * (width - len(row)))
    sheet = name.rpartition(".")[0] or name
    send(("note", "csv_encoding", f"the text was read as {label}", sheet))
    _send_sheet(send, sheet, rows, (1, 1), [])
