"""Every return's rows in one frame: the answers of all files, a column at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .layout import Return
from .normalise import LANGUAGE, TYPED
from .result import FILE, PROVENANCE, ROW, SHEET

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["FEW_CHUNKS"]

FEW_CHUNKS, _SMALL_CHUNK = 16, 4096
"""An answer column of more pieces than this, of fewer rows on average, is made one piece
(copied); one of this many pieces or fewer holds the pieces as they came."""


def _raw_frame(instrument: Instrument, returns: list[Return]) -> pd.DataFrame:
    """Every return's rows in one frame, a column at a time (no frame per file).

    Columns of objects; an answer column that only CSV files fill stays text (``str``), as
    they were read, without a Python object per cell.
    """
    import pandas as pd

    sizes = [len(laid.rows) for laid in returns]
    index = pd.RangeIndex(sum(sizes))
    objects = {
        FILE: _repeated([laid.file for laid in returns], sizes),
        SHEET: _repeated([laid.sheet for laid in returns], sizes),
        ROW: _listed([laid.rows for laid in returns], sizes),
        LANGUAGE: _repeated([laid.language for laid in returns], sizes),
        TYPED: _repeated([laid.typed_cells for laid in returns], sizes),
    }
    for key, column_name in PROVENANCE.items():
        objects[column_name] = _listed([laid.provenance.get(key) for laid in returns], sizes)
    frame = {
        name: pd.Series(values, index=index, dtype=object, copy=False)
        for name, values in objects.items()
    }
    for column in instrument.columns:
        answers = _answers([laid.values.get(column.code) for laid in returns], returns)
        frame[column.code] = pd.Series(answers.array, index, answers.dtype, copy=False)
    return pd.DataFrame(frame, copy=False)  # one index, each column made here: no copy


def _repeated(values: list[Any], sizes: list[int]) -> np.ndarray:
    """Each return's value repeated over its rows, as objects."""
    import numpy as np

    out = np.empty(sum(sizes), dtype=object)  # None where a value is None
    start = 0
    for value, size in zip(values, sizes, strict=True):
        if value is not None:  # a text or a logical value: the same object in every row
            out[start : start + size] = value
        start += size
    return out


def _listed(lists: list[list[Any] | None], sizes: list[int]) -> np.ndarray:
    """Each return's list of values (``None``: none) over its rows, the objects themselves."""
    import numpy as np

    out = np.empty(sum(sizes), dtype=object)
    start = 0
    for values, size in zip(lists, sizes, strict=True):
        if values is not None:
            out[start : start + size] = np.fromiter(values, dtype=object, count=size)
        start += size
    return out


def _answers(pieces: list[Any], returns: list[Return]) -> pd.Series:
    """One answer column of all returns: text if every file holds it as text, else objects."""
    import pandas as pd
    import pyarrow as pa

    arrow = (pa.Array, pa.ChunkedArray)
    if (
        all(not r.typed_cells for r in returns)
        and any(isinstance(piece, arrow) for piece in pieces)
        and all(piece is None or isinstance(piece, arrow) for piece in pieces)
    ):
        chunks = []
        for piece, r in zip(pieces, returns, strict=True):
            if piece is None:
                chunks.append(pa.nulls(len(r.rows), pa.large_string()))
            else:
                piece = piece.cast(pa.large_string())
                chunks += piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece]
        column = pa.chunked_array(chunks, pa.large_string())
        if len(chunks) > FEW_CHUNKS and len(column) < _SMALL_CHUNK * len(chunks):
            column = pa.chunked_array([column.combine_chunks()])  # many small files: one piece
        text = column.to_pandas()
        return text if text.dtype == "str" else text.astype("str")
    if all(not r.typed_cells for r in returns) and all(
        piece is None or isinstance(piece, pd.Series) for piece in pieces
    ):
        parts = [
            pd.Series([None] * len(r.rows), dtype="str") if piece is None else piece
            for piece, r in zip(pieces, returns, strict=True)
        ]
        if len(parts) == 1:
            return parts[0].reset_index(drop=True).astype("str")  # shares the cells
        if parts:
            return pd.concat(parts, ignore_index=True).astype("str")
    values: list[Any] = []
    for piece, laid in zip(pieces, returns, strict=True):
        if piece is None:
            values += [None] * len(laid.rows)
        elif isinstance(piece, pd.Series):
            values += [None if v != v else v for v in piece.tolist()]  # NaN: an empty cell
        elif isinstance(piece, arrow):
            values += piece.to_pylist()
        else:
            values += piece
    return pd.Series(values, dtype=object)
