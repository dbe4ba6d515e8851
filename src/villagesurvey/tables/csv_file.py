"""Write a table as a CSV file every reader gives back the same, that no spreadsheet runs.

A CSV field holding a line break or a carriage return is quoted (and a file with a carriage
return in a value ends its lines with CR LF), so that every CSV reader gives back the rows
written. A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'`` (:func:`~villagesurvey.tables.safe.neutralise`; plain ASCII numbers such
as ``-5`` are left alone). Each file is written atomically.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .._atomic import atomic_path
from .._formulas import FORMULA_STARTS
from .safe import ASCII_NUMBER, neutralise

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.csv as pacsv

__all__ = [
    "append_rows", "csv_bytes", "csv_header", "neutral_texts", "quoted_rows",
    "text_columns", "texts", "write_csv",
]  # fmt: skip


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a table as UTF-8 CSV, quoting only where needed, neutralising risky text.

    Columns become Arrow strings; pyarrow's writer does the rows unquoted
    (:func:`append_rows`), ten times faster than pandas; if a value needs quotes, it is quoted
    in Arrow as Python's csv module quotes it before pyarrow writes the rows
    (:mod:`.quoted_csv`), or, for a table of one column, Python's csv module writes them.

    Parameters
    ----------
    path : Path
        The file to write (atomically: a reader never sees half of it).
    frame : DataFrame
        The table: its column names are the header; missing values are written blank.
    """
    columns = text_columns(frame)
    with atomic_path(path) as temporary, temporary.open("wb") as out:
        append_rows(out, columns, header=True, crlf=False)


def text_columns(frame: pd.DataFrame) -> dict[str, pa.Array]:
    """A table as the CSV writers take it: names neutralised, each column's :func:`texts`."""
    return {neutralise(str(n)): texts(frame[n]) for n in frame}


def csv_bytes(columns: dict[str, pa.Array], *, header: bool, crlf: bool) -> tuple[bytes, bool]:
    """A table of texts as CSV, and whether a value holds a carriage return.

    Python's csv quotes a field holding a line feed but not one holding only a carriage
    return, unless the line ends hold one: so when a value holds a carriage return, every
    line ends in CR LF, or a reader would split the row at it.

    Parameters
    ----------
    columns : dict of pyarrow.Array
        The columns by (neutralised) name: Arrow strings without nulls (:func:`texts`).
    header : bool
        Begin with the names.
    crlf : bool
        End every line in CR LF, whatever the values.

    Returns
    -------
    tuple
        The bytes, and whether a value holds a carriage return.
    """
    out = io.BytesIO()
    cr = append_rows(out, columns, header=header, crlf=crlf)
    return out.getvalue(), cr


def append_rows(out: BinaryIO, columns: dict[str, pa.Array], *, header: bool, crlf: bool) -> bool:
    """Write the bytes :func:`csv_bytes` makes of a table of texts at the end of an open
    file; whether a value holds a carriage return.

    pyarrow writes the rows into the file as it goes, without holding them in memory, each
    line ending in LF. Told never to quote, it refuses a value holding a comma, a quote, a
    line feed or a carriage return (it has since version 7: the package asks for 15), which
    are the values Python's csv module would quote; every other value is written as it is,
    as Python writes it. When a value needs quotes, what it wrote is cut off again and the
    rows are written quoted (:func:`_quoted`).

    Parameters
    ----------
    out : binary file
        Open for writing, seekable, at its end (opened ``"wb"`` or ``"ab"``).
    columns : dict of pyarrow.Array
        The columns by (neutralised) name: Arrow strings without nulls (:func:`texts`).
    header : bool
        Begin with the names.
    crlf : bool
        End every line in CR LF, whatever the values.

    Returns
    -------
    bool
        Whether a value holds a carriage return (then every line ends in CR LF).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    if not crlf and columns:
        start = out.tell()
        out.write(csv_header(list(columns)) if header else b"")
        try:
            pacsv.write_csv(pa.table(columns), out, write_options=_unquoted())
            return False
        except pa.ArrowInvalid:  # a value needs quotes: what was written goes
            out.seek(start)
            out.truncate()
    data, cr = _quoted(columns, header=header, crlf=crlf)
    out.write(data)
    return cr


def _quoted(columns: dict[str, pa.Array], *, header: bool, crlf: bool) -> tuple[bytes, bool]:
    """:func:`quoted_rows` (CR LF line ends if ``crlf`` or a value holds a carriage return),
    by pyarrow where it can (:func:`~villagesurvey.tables.quoted_csv.arrow_quoted_rows`);
    whether a value holds a carriage return."""
    import pyarrow.compute as pc

    from .quoted_csv import arrow_quoted_rows

    done = arrow_quoted_rows(columns, header=header, crlf=crlf)
    if done is not None:
        return done
    cr = any(pc.any(pc.match_substring(c, "\r")).as_py() for c in columns.values())
    return quoted_rows(columns, header=header, end="\r\n" if cr or crlf else "\n"), cr


def _unquoted() -> pacsv.WriteOptions:
    """pyarrow's options for the rows of :func:`append_rows`: no header, never a quote."""
    import pyarrow.csv as pacsv

    return pacsv.WriteOptions(include_header=False, quoting_style="none")


def csv_header(names: list[str], end: str = "\n") -> bytes:
    """The header line of a CSV file of these (neutralised) column names, as Python writes it
    (ending in ``end``)."""
    header = io.StringIO()
    csv.writer(header, lineterminator=end).writerow(names)
    return header.getvalue().encode("utf-8")


def quoted_rows(columns: dict[str, pa.Array], *, header: bool, end: str) -> bytes:
    """A table of texts as Python's csv module writes it (as pandas' ``to_csv`` does): a
    value holding a comma, a quote or a character of ``end`` in quotes, a quote doubled."""
    import pandas as pd

    if not columns:  # as pandas writes a table without columns
        text: str = pd.DataFrame({}).to_csv(index=False, header=header, lineterminator=end)
        return text.encode("utf-8")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=end)
    if header:
        writer.writerow(list(columns))
    writer.writerows(zip(*(c.to_pylist() for c in columns.values()), strict=True))
    return out.getvalue().encode("utf-8")


def texts(column: pd.Series) -> pa.Array:
    """A whole column as the CSV writers need it: Arrow text (in whichever string type the
    column holds, ``string`` or ``large_string``, without a copy to change the type), blanks
    for missing, numbers as pandas shows them as text, a formula-like text with a leading
    ``'`` (:func:`~villagesurvey.tables.safe.neutralise`)."""
    import pandas as pd
    import pyarrow as pa

    if column.dtype == "str" and column.dtype.storage == "pyarrow":  # Arrow already
        strings = pa.array(column.array)
    elif column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) == "string":
        strings = pa.array(column.to_numpy(), type=pa.large_string(), from_pandas=True)
    elif str(column.dtype) in ("Int64", "int64", "Float64", "float64"):
        strings = pa.array(column.astype("str").where(column.notna(), ""), from_pandas=True)
    else:
        strings = pa.array(column.where(column.notna(), "").astype(str), from_pandas=True)
    return neutral_texts(strings)


def neutral_texts(strings: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Arrow text as the CSV writers need it: one array, nulls blank, risky texts neutralised.

    Parameters
    ----------
    strings : pyarrow.Array or pyarrow.ChunkedArray
        Text (``string`` or ``large_string``; any other type is cast to ``string``).

    Returns
    -------
    pyarrow.Array
        The texts, in the type they came in, a formula-like text with a leading ``'``
        (:func:`~villagesurvey.tables.safe.neutralise`).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    if not pa.types.is_large_string(strings.type):
        strings = strings.cast(pa.string())
    if strings.null_count:
        strings = pc.fill_null(strings, "")
    risky = _starts_risky(strings)
    if not risky.any():
        return strings
    return _neutralised(strings, risky)


def _neutralised(strings: pa.Array, risky: np.ndarray) -> pa.Array:
    """The risky texts with a leading ``'``, unless a plain ASCII number (as :func:`neutralise`:
    RE2's ``^...$`` is Python's ``fullmatch`` for this pattern of ASCII characters alone)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    where = pa.array(np.flatnonzero(risky))
    chosen = strings.take(where)
    number = pc.match_substring_regex(chosen, f"^(?:{ASCII_NUMBER.pattern})$")
    mark, nothing = pa.scalar("'", chosen.type), pa.scalar("", chosen.type)
    quoted = pc.binary_join_element_wise(mark, chosen, nothing)
    shown = pc.if_else(number, chosen, quoted)
    return pc.replace_with_mask(strings, pa.array(risky), shown)


def _starts_risky(strings: pa.Array) -> np.ndarray:
    """Which strings begin with one of :data:`FORMULA_STARTS`, from the first byte of each."""
    import numpy as np
    import pyarrow as pa

    count = len(strings)
    width = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=width)
    offsets = offsets[strings.offset : strings.offset + count + 1]
    data = strings.buffers()[2]
    if data is None or count == 0 or offsets[count] == offsets[0]:
        return np.zeros(count, dtype=bool)
    bytes_ = np.frombuffer(data, dtype=np.uint8)
    starts: np.ndarray = offsets[:-1]
    ends: np.ndarray = offsets[1:]
    # an empty string's start may be the end of the data: its byte is read but not used
    first = bytes_[np.minimum(starts, len(bytes_) - 1)]
    risky = np.zeros(count, dtype=bool)
    for start in FORMULA_STARTS:  # one comparison each: faster than a table look-up
        risky |= first == ord(start)
    if risky.any():
        risky &= ends > starts
    return risky
