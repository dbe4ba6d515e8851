"""Write a CSV output a partition at a time, byte for byte as a whole table is written.

:func:`~villagesurvey.tables.csv_file.write_csv` writes a whole table as pandas (Python's csv
module) writes it, with CR LF line ends when a value holds a carriage return (by pyarrow: the
values that need quotes quoted first, :mod:`villagesurvey.tables.quoted_csv`). A table
written here in pieces gives the same bytes: each piece is rendered the same way, and a
carriage return in any piece means every line of the file ends in CR LF, so the file is
written again in that mode (:class:`CarriageReturnError` says so).

Tables of two columns or more, as every output is: pandas writes an empty value of a
one-column table as ``""`` (a line of its own would be blank), pyarrow as nothing, so a
one-column table cut into pieces could differ.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import TYPE_CHECKING, BinaryIO, TypeVar

from ..tables.csv_file import append_rows, csv_bytes, text_columns

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

T = TypeVar("T")

__all__ = [
    "CarriageReturnError", "append_piece", "render", "render_piece", "render_texts",
    "written_in_line_ends",
]  # fmt: skip


class CarriageReturnError(Exception):
    """A piece holds a carriage return, but the file was begun with line feeds alone."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def written_in_line_ends(write: Callable[[frozenset[str]], T]) -> tuple[T, frozenset[str]]:
    """Write an output set in pieces, again from the start each time a piece shows that one
    more CSV file's lines must end in CR LF.

    Parameters
    ----------
    write : callable
        Writes every piece, given the names of the CSV files whose lines end in CR LF; raises
        :class:`CarriageReturnError` for a file begun with line feeds alone.

    Returns
    -------
    tuple
        What ``write`` returned, and the names of the files written with CR LF.
    """
    crlf: frozenset[str] = frozenset()
    while True:
        try:
            return write(crlf), crlf
        except CarriageReturnError as found:  # every line of that file ends in CR LF
            crlf |= {found.name}


def render_piece(
    table: pd.DataFrame | dict[str, pa.Array], name: str, *, header: bool, crlf: bool
) -> bytes:
    """A piece of the CSV file ``name`` (:func:`render`), for a file begun with CR LF line
    ends or not (``crlf``): of a table, or of its columns as the CSV writers take them
    (:func:`~villagesurvey.tables.csv_file.text_columns`).

    Raises
    ------
    CarriageReturnError
        If a value holds a carriage return and the file was begun with line feeds alone.
    """
    out = io.BytesIO()
    append_piece(table, name, out, header=header, crlf=crlf)
    return out.getvalue()


def append_piece(
    table: pd.DataFrame | dict[str, pa.Array],
    name: str,
    out: BinaryIO,
    *,
    header: bool,
    crlf: bool,
) -> None:
    """Write a piece of the CSV file ``name`` (:func:`render_piece`) at the end of the open
    file ``out`` (seekable, at its end), without holding it in memory
    (:func:`~villagesurvey.tables.csv_file.append_rows`).

    Raises
    ------
    CarriageReturnError
        If a value holds a carriage return and the file was begun with line feeds alone
        (what ``out`` holds of the piece is then not to be used).
    """
    columns = table if isinstance(table, dict) else text_columns(table)
    rows = len(next(iter(columns.values()))) if columns else 0
    if not rows and not header:
        return
    if append_rows(out, columns, header=header, crlf=crlf) and not crlf:
        raise CarriageReturnError(name)


def render(frame: pd.DataFrame, *, header: bool, crlf: bool) -> tuple[bytes, bool]:
    """A table's CSV bytes as :func:`~villagesurvey.tables.csv_file.write_csv` writes them,
    and whether a value holds a carriage return (then the lines end in CR LF)."""
    return render_texts(text_columns(frame), header=header, crlf=crlf)


def render_texts(columns: dict[str, pa.Array], *, header: bool, crlf: bool) -> tuple[bytes, bool]:
    """:func:`render` of a table's columns as the CSV writers take them (names and values
    neutralised: :func:`~villagesurvey.tables.csv_file.text_columns`)."""
    rows = len(next(iter(columns.values()))) if columns else 0
    if not rows and not header:
        return b"", False
    return csv_bytes(columns, header=header, crlf=crlf)
