"""Write a table as a CSV file every reader gives back the same, that no spreadsheet runs.

A CSV field holding a line break or a carriage return is quoted (and a file with a carriage
return in a value ends its lines with CR LF), so that every CSV reader gives back the rows
written. A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'`` (:func:`~villagesurvey.tables.safe.neutralise`; plain ASCII numbers such
as ``-5`` are left alone). Each file is written atomically.
"""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from .._formulas import FORMULA_STARTS
from .safe import neutralise

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["neutralise_column", "write_csv"]


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a table as UTF-8 CSV, quoting only where needed, neutralising risky text.

    Columns become Arrow strings; pyarrow's writer does the rows unquoted, ten times faster
    than pandas. If it refuses a value, or the text written holds a quote or a carriage
    return, or more commas or line breaks than the table's own, a value needs quotes and
    pandas writes the table.

    Parameters
    ----------
    path : Path
        The file to write (atomically: a reader never sees half of it).
    frame : DataFrame
        The table: its column names are the header; missing values are written blank.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = {neutralise(str(n)): neutralise_column(frame[n]) for n in frame}
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(list(columns))
    body = b""
    if columns:
        sink = pa.BufferOutputStream()
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        with contextlib.suppress(pa.ArrowInvalid):  # a value needs quotes: pandas below
            pacsv.write_csv(pa.table(columns), sink, write_options=options)
            body = sink.getvalue().to_pybytes()
    rows = len(frame)
    plain = (
        bool(body or not rows)
        and bool(columns)
        and body.count(b",") == rows * (len(columns) - 1)
        and body.count(b"\n") == rows
        and b'"' not in body
        and b"\r" not in body
    )
    with atomic_path(path) as temporary, temporary.open("wb") as out:
        if plain:
            out.write(header.getvalue().encode("utf-8"))
            out.write(body)
        else:
            del body
            # Python's csv quotes a field holding a line feed but not one holding only a
            # carriage return, unless the line ends hold one: then a CR must end the lines
            # too, or a reader would split the row at it.
            cr = any(pc.any(pc.match_substring(c, "\r")).as_py() for c in columns.values())
            safe = pd.DataFrame({n: pd.Series(c, dtype="str") for n, c in columns.items()})
            end = "\r\n" if cr else "\n"
            safe.to_csv(out, index=False, lineterminator=end, encoding="utf-8")


def neutralise_column(column: pd.Series) -> pa.Array:
    """:func:`neutralise` on a whole column at once, as Arrow strings; blanks for missing.

    Parameters
    ----------
    column : Series
        Any column of a table; numbers are written as pandas shows them as text.

    Returns
    -------
    pyarrow.Array
        The column's texts (``pa.string()``), a formula-like text with a leading ``'``.
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.dtype == "str" and column.dtype.storage == "pyarrow":  # Arrow already
        strings = pa.array(column.array)
    elif str(column.dtype) in ("Int64", "int64", "Float64", "float64"):
        strings = pa.array(column.astype("str").where(column.notna(), ""), from_pandas=True)
    else:
        strings = pa.array(column.where(column.notna(), "").astype(str), from_pandas=True)
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    strings = pc.fill_null(strings.cast(pa.string()), "")
    risky = _starts_risky(strings)
    if not risky.any():
        return strings
    where = np.flatnonzero(risky)
    fixed = [neutralise(t) for t in strings.take(pa.array(where)).to_pylist()]
    shown = pa.array(fixed, type=pa.string())
    return pc.replace_with_mask(strings, pa.array(risky), shown)


def _starts_risky(strings: pa.Array) -> np.ndarray:
    """Which strings begin with one of :data:`FORMULA_STARTS`, from the first byte of each."""
    import numpy as np

    count = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    offsets = offsets[strings.offset : strings.offset + count + 1]
    data = strings.buffers()[2]
    risky = np.zeros(count, dtype=bool)
    if data is None or count == 0:
        return risky
    starts = offsets[:-1]
    filled = np.flatnonzero(offsets[1:] > starts)
    first = np.frombuffer(data, dtype=np.uint8)[starts[filled]]
    starts_risky = np.zeros(256, dtype=bool)
    starts_risky[[ord(start) for start in FORMULA_STARTS]] = True
    risky[filled] = starts_risky[first]
    return risky
