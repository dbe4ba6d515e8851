"""64-bit hashes of the rows of a partition, equal for equal answers wherever they are.

The checks across partitions (:mod:`.streamed`, :mod:`.dask_reductions`) use the hashes to
find the rows that may be copies of each other or share a key; only those are read back, and
:func:`.duplicates.find_duplicates` decides on their answers themselves. A hash must therefore
be the same for answers :func:`.duplicates.find_duplicates` holds equal, in any partition
(a blank is a blank, ``-0.0`` is ``0.0``, a NaN is a NaN); two different rows sharing a hash
only cost a row read back.

A column is hashed from its buffers, with no table of its distinct values: a number from the
64 bits of its float64 (an integer beyond float64 from its own), a text from its UTF-8 bytes
eight at a time and its length, a blank as a blank whatever the column's type. A column of
Python objects is hashed a value at a time the same way; an object neither text nor number by
its type and representation.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .arrow_buffers import missing_cells, text_offsets

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = ["column_hashes", "combined"]

_BLANK = 0x5BD1E9955BD1E995
"""The hash of a blank answer, of any type."""

_TEXT = 0x27D4EB2F165667C5
"""Mixed into the length of a text, so that a text is not hashed as the number it spells."""


def _mix(values: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser, in place: a one-to-one mixing of the bits of each value."""
    import numpy as np

    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _number_bits(values: np.ndarray) -> np.ndarray:
    """The bits of each number as a float64, as uint64 (a copy): a number hashes alike whatever
    its type (``1``, ``1.0``, ``True``), every NaN alike and ``-0.0`` as ``0.0``; an integer
    no float64 holds exactly by its own bits."""
    import numpy as np

    if values.dtype.kind in "mM":  # dates and durations by their count of the unit
        values = values.view(np.int64)
    wide = values.astype(np.float64)
    bits = (wide + 0.0).view(np.uint64)  # -0.0 + 0.0 is 0.0
    if values.dtype.kind == "f":
        nan = np.isnan(wide)
        if nan.any():
            bits[nan] = np.float64(np.nan).view(np.uint64)
    elif values.dtype.kind in "iu" and len(values):
        exact = np.abs(wide) < 2.0**63
        exact[exact] = wide[exact].astype(values.dtype) == values[exact]
        if not exact.all():
            bits[~exact] = values[~exact].astype(np.uint64)
    return bits


def _factor(word_number: int) -> np.uint64:
    """The odd factor of the word at a place in a text (1, 2, ...)."""
    import numpy as np

    return np.uint64((word_number * 0x9E3779B97F4A7C15 + _TEXT) % 2**64 | 1)


def _text_hashes(chunk: pa.Array) -> np.ndarray:
    """A hash of each text of an Arrow string array (its bytes and length), blank for null.

    The bytes of a text are read eight at a time as little-endian words, those beyond its
    end taken as zero; the hash is the sum of its length and its words, each times its own
    odd factor (:func:`_factor`), however the texts lie in the buffers.
    """
    import numpy as np

    n = len(chunk)
    if chunk.null_count == n:
        return np.full(n, _BLANK, dtype=np.uint64)
    data_buffer = chunk.buffers()[2]
    offsets = text_offsets(chunk)
    lengths = np.diff(offsets)
    out = lengths.view(np.uint64) * np.uint64(_TEXT)  # lengths are not negative
    first, end = int(offsets[0]), int(offsets[-1])
    if end > first and data_buffer is not None:
        data = np.frombuffer(data_buffer, dtype=np.uint8)[first:end]
        width = int(lengths.max())
        filled = lengths > 0
        if int(lengths[filled].min()) == width:  # texts of one width (or empty) lie side
            _add_side_by_side(out, filled, data, width)  # by side: no gathering
        else:
            _add_words(out, data, offsets[:-1] - first, lengths)
    if chunk.null_count:
        out[missing_cells(chunk)] = _BLANK
    return out


def _add_side_by_side(out: np.ndarray, filled: np.ndarray, data: np.ndarray, width: int) -> None:
    """Add to ``out`` (at the ``filled`` rows) the words of texts all ``width`` bytes long,
    one after the other in ``data``."""
    import numpy as np

    count = len(data) // width
    if width in _WORDS:  # one word, read straight off the bytes (little-endian)
        total = data.view(_WORDS[width]).astype(np.uint64)
        total *= _factor(1)
    elif width < 8:  # one word, the text's bytes copied into eight
        table = np.zeros((count, 8), dtype=np.uint8)
        table[:, :width] = data.reshape(count, width)
        total = table.view("<u8")[:, 0] * _factor(1)
    else:  # each word read at its place in every text, the bytes beyond the text cleared
        padded = np.concatenate((data, np.zeros(8, dtype=np.uint8)))  # the last text's
        total = np.zeros(count, dtype=np.uint64)
        for w in range(-(-width // 8)):
            word = np.ndarray((count,), "<u8", buffer=padded, offset=8 * w, strides=(width,))
            word = word.astype(np.uint64)
            if width - 8 * w < 8:
                word &= np.uint64((1 << (8 * (width - 8 * w))) - 1)
            word *= _factor(w + 1)
            total += word
    if len(total) == len(out):
        out += total
    else:
        out[filled] += total


_WORDS = {1: "<u1", 2: "<u2", 4: "<u4", 8: "<u8"}
"""The texts of these widths are each one word of a NumPy type."""


def _add_words(out: np.ndarray, data: np.ndarray, at: np.ndarray, rest: np.ndarray) -> None:
    """Add the words of texts of any length (starting at ``at`` in ``data``) to ``out``."""
    import numpy as np

    end = len(data)
    padded = np.concatenate((data, np.zeros(8, dtype=np.uint8)))
    words = np.ndarray((end + 1,), dtype="<u8", buffer=padded, strides=(1,))  # at any byte
    kept = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)  # n bytes left
    rows: np.ndarray | None = None  # every row, while every text has bytes left
    if not (rest > 0).all():
        rows = np.flatnonzero(rest > 0)
        at, rest = at[rows], rest[rows]
    word_number = 0
    while len(at):
        word_number += 1
        word = words[at]
        word &= kept[np.minimum(rest, 8)]  # the bytes after the text's end taken as zero
        word *= _factor(word_number)
        if rows is None:
            out += word
        else:
            out[rows] += word
        more = rest > 8
        rows = np.flatnonzero(more) if rows is None else rows[more]
        at, rest = at[more] + 8, rest[more] - 8


def column_hashes(column: pd.Series) -> np.ndarray:
    """A uint64 hash of each answer of ``column``; equal answers have equal hashes.

    Parameters
    ----------
    column : Series
        Answers of any type: text (Arrow or not), nullable or NumPy numbers, dates, objects.

    Returns
    -------
    ndarray of uint64
        One hash per answer; a blank has the same hash whatever the column's type.
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    array = column.array
    pa_array = getattr(array, "_pa_array", None)
    if isinstance(pa_array, pa.ChunkedArray) and (
        pa.types.is_string(pa_array.type) or pa.types.is_large_string(pa_array.type)
    ):
        if pa_array.num_chunks == 0:
            return np.zeros(0, dtype=np.uint64)
        return np.concatenate([_text_hashes(chunk) for chunk in pa_array.iterchunks()])
    if isinstance(array, pd.api.extensions.ExtensionArray) and hasattr(array, "_mask"):
        bits = _number_bits(np.asarray(array._data))  # nullable numbers
        bits[np.asarray(array._mask)] = _BLANK
        return bits
    blank = column.isna().to_numpy(dtype=bool)
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "biufmM":
        bits = _number_bits(column.to_numpy())
    else:  # objects, a value at a time: texts as texts, numbers as numbers
        values = column.to_numpy(dtype=object)
        bits = np.full(len(values), _BLANK, dtype=np.uint64)
        bits[~blank] = _object_hashes(values[~blank])
    bits[blank] = _BLANK
    return bits


def combined(hashes: Iterable[np.ndarray], size: int) -> np.ndarray:
    """One hash per row of columns' hashes (:func:`column_hashes`), taken in order."""
    import numpy as np

    out = np.full(size, 0x345678, dtype=np.uint64)
    factor = 1000003
    for hashed in hashes:  # each step one-to-one in the column's hash, its high bits folded
        out ^= hashed
        out *= np.uint64(factor)
        out ^= out >> np.uint64(32)
        factor += 82522
    return _mix(out)


def _object_hashes(values: np.ndarray) -> np.ndarray:
    """Hashes of Python objects (none blank), each by itself: a text as in an Arrow column, a
    number as in a number column, anything else by its type and representation."""
    import numbers

    import numpy as np
    import pyarrow as pa

    out = np.zeros(len(values), dtype=np.uint64)
    text = np.array([isinstance(v, str) for v in values], dtype=bool)
    number = np.array(
        [isinstance(v, numbers.Real) and not isinstance(v, str) for v in values], dtype=bool
    )
    if text.any():
        out[text] = _text_hashes(pa.array(values[text], type=pa.large_string()))
    for at in np.flatnonzero(number):
        value = values[at]
        kept = np.array([value], dtype=np.int64 if isinstance(value, int) and abs(value) < 2**63
                        else np.float64)  # fmt: skip
        out[at] = _number_bits(kept)[0]
    other = ~(text | number)
    if other.any():
        shown = [f"{type(v).__name__}\0{v!r}" for v in values[other]]
        out[other] = _text_hashes(pa.array(shown, type=pa.large_string())) ^ np.uint64(_TEXT)
    return out
