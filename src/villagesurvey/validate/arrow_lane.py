"""The fast lane of normalising for the columns of a CSV file: text held by Arrow.

A CSV column arrives as Arrow strings, each cell text or missing, from a file that keeps no
cell types. Its cells repeat: a column of 100,000 answers holds a few hundred different
texts at most. Arrow encodes the column as a dictionary once (no Python object per row);
each different text is then read once, by an Arrow kernel over the few different texts or
by the same careful Python reading as the cell-by-cell path, and the values and findings
are spread back over the rows by position. The lane gives what the cell-by-cell path
gives, value for value and finding for finding, in the same order: only the work differs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .arrow_buffers import missing_cells, text_offsets

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from ._column import Log

__all__ = ["Distinct", "arrow_text", "distinct", "one_byte", "trimmed"]

_FIELDS = ("check", "severity", "message", "expected", "fixed_value")
_EMPTY, _MISSING = 256, 257
""":func:`one_byte`'s keys of an empty text and of a missing cell (a byte is its own key)."""
_FIRST_BLOCK = 1024
""":func:`one_byte` looks for where each text first occurs in blocks of this many cells, and
of twice as many each time after."""


@dataclass(frozen=True)
class Distinct:
    """An Arrow text column as its different texts and each cell's place among them.

    Attributes
    ----------
    texts : list of str
        The different texts, in the order they first occur down the column.
    array : pyarrow.Array
        The same texts, as Arrow strings.
    codes : ndarray
        For each cell, its text's place in ``texts``; ``-1`` for a missing cell.
    cells : Series
        The column as it came.
    """

    texts: list[str]
    array: pa.Array
    codes: np.ndarray
    cells: pd.Series

    @property
    def index(self) -> pd.Index:
        """The column's index (the records)."""
        return self.cells.index

    def matches(self, pattern: str) -> np.ndarray:
        """Which different texts ``pattern`` matches whole, as pandas' ``str.fullmatch`` of
        an Arrow column finds it (RE2, with the same anchors)."""
        import numpy as np
        import pyarrow.compute as pc

        found = pc.match_substring_regex(self.array, f"^(({pattern}))$")
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)

    def numbers(self, values: np.ndarray) -> np.ndarray:
        """Each cell's number from each different text's ``values``; NaN where missing."""
        import numpy as np

        every: np.ndarray = np.append(values.astype(float), np.nan)
        return np.asarray(every[self.codes], dtype=float)

    def text(self, values: Sequence[str | None]) -> pd.Series:
        """Each cell's text from each different text's ``values`` (``str`` dtype).

        When each text is its own value (codes in a CSV's choice column, dates already ISO)
        the column is its own answer: nothing is copied.
        """
        import pandas as pd
        import pyarrow as pa

        if list(values) == self.texts:
            return self.cells
        codes = pa.array(self.codes, mask=self.codes < 0)
        chosen = pa.array(list(values), type=pa.large_string()).take(codes)
        return pd.Series(chosen.to_pandas().array, index=self.index, dtype="str")

    def rows(self, number: int) -> pd.Index:
        """The records whose cell holds the different text ``number``, in order."""
        import numpy as np

        return self.index[np.flatnonzero(self.codes == number)]

    def log(self, log: Log, code: str, found: Sequence[tuple[Any, ...] | None]) -> None:
        """Log each cell whose different text has a finding, in the column's order.

        ``found`` holds, for each different text, ``None`` or its finding's fields
        (check, severity, message, expected, fixed value).
        """
        import numpy as np

        if all(f is None for f in found):  # each different text is in a cell: none logged
            return
        has = np.array([f is not None for f in found] + [False], dtype=bool)
        at = np.flatnonzero(has[self.codes])
        if not len(at):
            return
        which = self.codes[at].tolist()
        texts = np.array(self.texts, dtype=object)
        log.many(
            {
                "record": self.index[at],
                "column": code,
                "value": texts[self.codes[at]],
                **{name: [found[i][n] for i in which] for n, name in enumerate(_FIELDS)},
            }
        )

    def read(
        self, reading: Callable[[str], tuple[Any, tuple[Any, ...] | None]], skip: np.ndarray
    ) -> tuple[list[Any], list[tuple[Any, ...] | None]]:
        """``reading`` of each different text not in ``skip``: the values and findings
        (``None`` for a skipped text)."""
        import numpy as np

        if len(skip) != len(self.texts):
            raise ValueError("one skip per different text")
        values: list[Any] = [None] * len(self.texts)
        found: list[tuple[Any, ...] | None] = [None] * len(self.texts)
        for at in np.flatnonzero(~skip).tolist():  # the texts not skipped, in order
            values[at], found[at] = reading(self.texts[at])
        return values, found


def arrow_text(cells: pd.Series) -> bool:
    """Whether a column is text held by Arrow (``str`` dtype), as a CSV file's columns are."""
    return str(cells.dtype) == "str" and getattr(cells.dtype, "storage", None) == "pyarrow"


def distinct(cells: pd.Series) -> Distinct | None:
    """The column as :class:`Distinct`, or ``None`` if it is not Arrow text (or is empty)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if not (arrow_text(cells) and len(cells)):
        return None
    column = pa.array(cells.array)
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    short = one_byte(column)
    if short is not None:  # codes and scale points: read off the bytes, no hashing
        codes, found = short
        return Distinct(found, pa.array(found, type=column.type), codes, cells)
    encoded = pc.dictionary_encode(column)
    indices = encoded.indices.fill_null(-1) if encoded.indices.null_count else encoded.indices
    codes = indices.to_numpy(zero_copy_only=False).astype(np.intp)
    texts = encoded.dictionary
    return Distinct([str(t) for t in texts.to_pylist()], texts, codes, cells)


def trimmed(cells: pd.Series) -> tuple[pd.Series, pd.Series] | None:
    """An Arrow text column with the spaces around each cell removed (as pandas'
    ``str.strip`` removes them) and blanks made missing, and the cells that changed;
    ``None`` if the column is not Arrow text. A column with nothing to trim (every text
    starting and ending with a printable ASCII character other than a space) is its own
    answer, its cells shared."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    if not arrow_text(cells):
        return None
    column = pa.array(cells.array)
    if _nothing_to_trim(column):  # each cell as it is: the column is its own answer
        return cells.rename(None), cells.iloc[:0]
    stripped = pc.utf8_trim_whitespace(column)
    length = pc.binary_length(stripped)
    empty = pc.equal(length, 0)
    out = pc.if_else(empty, pa.scalar(None, type=stripped.type), stripped)
    text = pd.Series(out.to_pandas().array, index=cells.index, dtype="str")
    # trimming only takes away: a cell changed if it is shorter, and not blank
    changed = pc.and_(pc.less(length, pc.binary_length(column)), pc.invert(empty))
    if not pc.any(changed).as_py():
        return text, cells.iloc[:0]
    return text, cells[changed.fill_null(False).to_numpy(zero_copy_only=False)]


def _nothing_to_trim(column: pa.Array | pa.ChunkedArray) -> bool:
    """Whether every text of a column starts and ends with a printable ASCII character other
    than a space (no text empty): no trimming can change it. Looks at two bytes a text."""
    import numpy as np
    import pyarrow as pa

    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        if chunk.null_count == len(chunk):
            continue
        data_buffer = chunk.buffers()[2]
        if data_buffer is None:  # texts there, none with a byte: empty texts
            return False
        offsets = text_offsets(chunk)
        starts, ends = offsets[:-1], offsets[1:]
        if chunk.null_count:
            present = ~missing_cells(chunk)
            starts, ends = starts[present], ends[present]
        if (ends <= starts).any():  # an empty text, to be made missing
            return False
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        for edge in (data[starts], data[ends - 1]):
            if ((edge - np.uint8(0x21)) > np.uint8(0x7E - 0x21)).any():  # not "!" to "~"
                return False
    return True


def one_byte(column: pa.Array) -> tuple[np.ndarray, list[str]] | None:
    """What ``pyarrow.compute.dictionary_encode`` gives of a text column whose every text is
    one ASCII character or empty, found by looking at the bytes instead of hashing.

    Returns each cell's place among the different texts (``-1`` where missing) and the
    different texts in the order they first occur; ``None`` if a text is longer (or not
    ASCII), and the column should be encoded by Arrow.
    """
    import numpy as np
    import pyarrow as pa

    text = pa.types.is_large_string(column.type) or pa.types.is_string(column.type)
    if not len(column) or not text:
        return None
    data_buffer = column.buffers()[2]
    offsets = text_offsets(column)
    if offsets[-1] - offsets[0] > len(column):  # more bytes than cells: a longer text
        return None
    lengths = np.diff(offsets)
    if lengths.max() > 1:
        return None
    if lengths.min() == 1 and not column.null_count:  # the bytes themselves are the keys
        key = np.frombuffer(data_buffer, np.uint8, count=len(column), offset=int(offsets[0]))
        if key.max() >= 0x80:  # a lone byte of a longer character: not text
            return None
    else:
        data = np.zeros(int(offsets[-1]) + 1, dtype=np.uint8)  # one more: an empty last text
        if data_buffer is not None:
            data[:-1] = np.frombuffer(data_buffer, dtype=np.uint8, count=len(data) - 1)
        key = data[offsets[:-1]].astype(np.intp)
        if lengths.min() == 0:
            key[lengths == 0] = _EMPTY
        if column.null_count:
            key[missing_cells(column)] = _MISSING
        seen = np.zeros(_MISSING + 1, dtype=bool)
        seen[key] = True
        if seen[0x80:_EMPTY].any():
            return None
    return _in_order(key)


def _in_order(key: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """:func:`one_byte`'s answer from each cell's key (a byte, :data:`_EMPTY` or
    :data:`_MISSING`): the keys ranked by where they first occur."""
    import numpy as np

    rank = np.full(_MISSING + 1, -2, dtype=np.intp)  # -2: a key not ranked yet
    rank[_MISSING] = -1
    found, at = np.unique(key[:_FIRST_BLOCK], return_index=True)
    keys = [k for _, k in sorted(zip(at.tolist(), found.tolist(), strict=True)) if k != _MISSING]
    rank[keys] = np.arange(len(keys))
    codes = rank.take(key)
    if len(key) > _FIRST_BLOCK and codes.min() < -1:  # a key first met further down
        present = np.count_nonzero(np.bincount(key, minlength=_MISSING + 1)[:_MISSING])
        first: dict[int, int] = {}
        start, size = 0, _FIRST_BLOCK
        while len(first) < present:
            found, at = np.unique(key[start : start + size], return_index=True)
            for k, where in zip(found.tolist(), at.tolist(), strict=True):
                if k != _MISSING:
                    first.setdefault(k, start + where)
            start, size = start + size, size * 2
        keys = sorted(first, key=first.__getitem__)
        rank[keys] = np.arange(len(keys))
        codes = rank.take(key)
    return codes, ["" if k == _EMPTY else chr(k) for k in keys]
