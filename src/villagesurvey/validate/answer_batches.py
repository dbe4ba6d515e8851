"""Join the answer columns of many small text returns into batches as they are read.

A CSV file's answers come as one Arrow text column per question. A batch of many small
files (one interview per phone, each sent as its own file) would hold an Arrow column
object per question *and per file* until every file is read: about 70 KiB a file whatever
its rows. :class:`AnswerBatches` joins the columns of every :data:`BATCH_FILES` such files
into one Arrow column per question, and each :class:`~.layout.Return` then keeps only a
view of its rows in them, so that memory grows with the rows, not with the files.
Workbooks (whose cells keep their types, as Python lists) are kept as they are.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from .layout import Return

__all__ = ["BATCH_FILES", "AnswerBatches"]

BATCH_FILES = 64
"""Text returns whose columns are joined into one batch."""

BATCH_ROWS = 4096
"""A text return of at least this many rows is kept as it is: it is no small file."""


class _Rows(Mapping[str, Any]):
    """One return's answers: its rows of the joined columns, a slice made when asked."""

    def __init__(self, joined: dict[str, pa.Array], start: int, size: int, codes: frozenset[str]):
        self._joined, self._start, self._size, self._codes = joined, start, size, codes

    def __getitem__(self, code: str) -> pa.Array:
        if code not in self._codes:
            raise KeyError(code)
        return self._joined[code].slice(self._start, self._size)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._codes))

    def __len__(self) -> int:
        return len(self._codes)


class AnswerBatches:
    """The returns of a batch in the order added, the text ones joined by batches."""

    def __init__(self) -> None:
        self._done: list[Return] = []
        self._pending: list[Return] = []
        self._codes: dict[frozenset[str], frozenset[str]] = {}  # one set per different set
        self._letters: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}  # the same

    def add(self, laid: Return) -> None:
        """Keep a laid-out return; a small text one waits to be joined with the next ones."""
        if not _joinable(laid):
            self._flush()
            self._done.append(laid)
            return
        self._pending.append(laid)
        if len(self._pending) >= BATCH_FILES:
            self._flush()

    def returns(self) -> list[Return]:
        """Every return added, in order."""
        self._flush()
        return self._done

    def _flush(self) -> None:
        import pyarrow as pa

        if not self._pending:
            return
        pending, self._pending = self._pending, []
        if len(pending) == 1:
            self._done.append(pending[0])
            return
        codes = sorted({code for laid in pending for code in laid.values})
        joined: dict[str, pa.Array] = {}
        for code in codes:
            pieces = []
            for laid in pending:
                piece = laid.values.get(code)
                if piece is None:
                    pieces.append(pa.nulls(len(laid.rows), pa.large_string()))
                else:
                    piece = piece.cast(pa.large_string())
                    pieces += piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece]
            joined[code] = pa.concat_arrays(pieces)
        start = 0
        for laid in pending:
            own = frozenset(laid.values)
            own = self._codes.setdefault(own, own)
            rows = _Rows(joined, start, len(laid.rows), own)
            letters = self._letters.setdefault(tuple(laid.letters.items()), laid.letters)
            self._done.append(dataclasses.replace(laid, values=rows, letters=letters))
            start += len(laid.rows)


def _joinable(laid: Return) -> bool:
    """A small return of Arrow text columns (a CSV file read by Arrow)."""
    import pyarrow as pa

    return (
        not laid.typed_cells
        and len(laid.rows) < BATCH_ROWS
        and all(isinstance(v, pa.Array | pa.ChunkedArray) for v in laid.values.values())
    )
