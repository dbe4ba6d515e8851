"""Read a CSV file in columns: its bytes in, Arrow string columns out.

A CSV file is text, not a container: nothing in it unpacks, refers to other parts or runs, so
it is parsed in the main process, by Arrow's CSV parser (multi-threaded C++, linear in the
file's size), under size limits of its own (:data:`.reading.MAX_CSV_BYTES`,
:data:`.reading.MAX_CSV_CELLS`). The cells stay Arrow strings (nulls for empty cells); only
the first :data:`HEAD_ROWS` rows become Python values, for finding the header row.

The text is read as UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
mark, or GB18030, the encoding Chinese Excel writes CSV files in; the delimiter is a comma,
or a tab or semicolon when the first line holds no comma. A file Arrow does not read (rows
not all as wide as the first, a row longer than Arrow's blocks) gets ``None`` here; the
reader process then parses it with :mod:`csv`, which reads any shape or says why not.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import Any

from ._preflight import Refusal

__all__ = ["HEAD_ROWS", "CsvTable", "read_csv"]

HEAD_ROWS = 20
"""How many rows from the top are kept as Python values (the header is looked for in them)."""

_HEAD_BYTES = 1 << 20

CsvTable = tuple[list[list[Any]], Any, str]
"""The first rows as values, every row as a ``pyarrow.Table`` of strings, the encoding."""


def read_csv(data: bytes, max_cells: int) -> CsvTable | None:
    """Parse a CSV file's bytes into columns of text.

    Parameters
    ----------
    data : bytes
        The whole file.
    max_cells : int
        The most cells (rows x columns) accepted.

    Returns
    -------
    tuple or None
        ``(head, table, encoding)``: the first :data:`HEAD_ROWS` rows as lists (``None`` for
        an empty cell), all rows as a table of string columns ``f0, f1, ...`` (nulls for
        empty cells), and the encoding in words. ``None`` when Arrow does not read it (the
        rows are not all as wide as the first, or a row is longer than its blocks).

    Raises
    ------
    Refusal
        ``unknown_encoding`` or ``too_many_cells``.
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    text, label = _utf8(data)
    head = bytes(text[:_HEAD_BYTES]).decode("utf-8", "ignore")
    first_line = head[:4096].partition("\n")[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = next((d for d in ("\t", ";") if d in first_line), ",")
    width = len(next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter), [])) or 1
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(text),
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.large_string()),  # as pandas keeps text
                strings_can_be_null=True,
                null_values=[""],
            ),
        )
    except pa.ArrowInvalid:
        return None  # the reader process reads it, or refuses it as corrupt_file
    if table.num_rows * table.num_columns > max_cells:
        raise Refusal(
            "too_many_cells",
            f"it holds {table.num_rows:,} rows x {table.num_columns:,} columns, more than "
            f"{max_cells:,} cells; split it into several files and send them again",
        )
    rows = [list(row.values()) for row in table.slice(0, HEAD_ROWS).to_pylist()]
    return rows, table, label


def _utf8(data: bytes) -> tuple[memoryview | bytes, str]:
    """The file's text as UTF-8 bytes (no byte-order mark), and the encoding it was in."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = [("utf-16", "UTF-16")]
    else:
        with_bom = data.startswith(codecs.BOM_UTF8)
        if _is_utf8(data):
            if with_bom:
                return memoryview(data)[len(codecs.BOM_UTF8) :], "UTF-8 with a byte-order mark"
            return data, "UTF-8"
        attempts = [("gb18030", "GB18030 (GBK), the encoding Chinese Excel uses for CSV")]
    for encoding, label in attempts:
        try:
            return data.decode(encoding).encode("utf-8"), label
        except UnicodeDecodeError:
            continue
    raise Refusal(
        "unknown_encoding",
        "its text is neither UTF-8 nor GB18030 (GBK); save it "
        "from Excel as 'CSV UTF-8' and send it again",
    )


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8: Arrow's validator over the bytes as they are (no copy).

    The whole file is looked at as one Arrow text value, which Arrow checks as Python's
    strict ``utf-8`` codec does (no surrogates, no overlong forms, nothing past U+10FFFF).
    """
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64).tobytes())
    text = pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data))
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
