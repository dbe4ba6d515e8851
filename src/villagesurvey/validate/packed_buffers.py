"""Buffers that wait on disk compressed with LZ4 where that makes them smaller.

What waits between the two passes of a streamed validation (each partition as typed, its
hashes and outlier answers) is several times the CSV it came from, and writing it is not
free: on a virtual machine whose kernel gives free memory back to its host, every page
written into the system's cache costs a fault in the host. LZ4's block format (Arrow's
``lz4_raw`` codec) makes the census's waiting partitions about 2.8 times smaller and their
arrays about 6 times, at about 0.12 CPU s per 1,000,000 rows to compress and half that to
read back (bench/RESULTS.md). A buffer LZ4 makes less than an eighth smaller waits as it is
(reading it back then copies nothing); so does every buffer where the codec is missing
from the Arrow build.

A buffer is stored with its size: :func:`pack` gives the bytes to write, :func:`unpack`
the buffer again from the bytes read and the size (the bytes are the buffer itself when
they are as many).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["pack", "unpack"]

CODEC = "lz4_raw"
"""Arrow's name for LZ4's block format: no frame, the size is kept beside the bytes."""


@cache
def _codec() -> pa.Codec | None:
    import pyarrow as pa

    return pa.Codec(CODEC) if pa.Codec.is_available(CODEC) else None


def pack(data: memoryview) -> Any:
    """The bytes to store for ``data`` (contiguous): compressed when that saves an eighth or
    more, else ``data`` itself. Either supports the buffer protocol; its size says which it
    is."""
    codec = _codec()
    if codec is None or not data.nbytes:
        return data
    packed = codec.compress(data, asbytes=False)
    saved = max(1, data.nbytes // 8)  # at least a byte: a size tells which was stored
    return packed if packed.size <= data.nbytes - saved else data


def unpack(stored: Any, size: int) -> Any:
    """The buffer of ``size`` bytes that :func:`pack` stored as ``stored``: ``stored``
    itself if it is as long, else decompressed into a new, writable buffer.

    Raises
    ------
    ValueError
        If ``stored`` is compressed and this Arrow build cannot read LZ4.
    """
    if memoryview(stored).nbytes == size:
        return stored
    codec = _codec()
    if codec is None:
        raise ValueError(f"this pyarrow cannot decompress {CODEC}")
    return codec.decompress(stored, decompressed_size=size)
