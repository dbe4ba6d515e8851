"""What an Arrow text array holds, read from its buffers: where each text lies in its bytes,
and which cells are missing (for the code that works on a column's bytes: the one-character
codes of normalising, the row hashes, the search for error values)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["missing_cells", "text_offsets"]


def text_offsets(chunk: pa.Array) -> np.ndarray:
    """Where each text of a text (or binary) array starts in its data buffer, and where the
    last one ends: ``len(chunk) + 1`` offsets, as int64 (a slice's own)."""
    import numpy as np
    import pyarrow as pa

    large = pa.types.is_large_string(chunk.type) or pa.types.is_large_binary(chunk.type)
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int64 if large else np.int32)
    at: np.ndarray = offsets[chunk.offset : chunk.offset + len(chunk) + 1]
    return at.astype(np.int64, copy=False)


def missing_cells(chunk: pa.Array) -> np.ndarray:
    """Which cells of an array are missing, from its validity bitmap (a slice's own)."""
    import numpy as np

    if not chunk.null_count:
        return np.zeros(len(chunk), dtype=bool)
    bits = np.unpackbits(np.frombuffer(chunk.buffers()[0], dtype=np.uint8), bitorder="little")
    missing: np.ndarray = bits[chunk.offset : chunk.offset + len(chunk)] == 0
    return missing
