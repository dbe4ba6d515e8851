"""Pickles whose large buffers follow them in their file, compressed or mapped.

What a partition hands on through the staging folder (a partition laid out, a partition
checked and waiting for the split) is mostly Arrow strings and NumPy numbers. Pickled the
usual way, every buffer is copied into the pickle and copied out of it again, and pandas
first joins each Arrow column's chunks into one array (a third copy). Here the value is
pickled with protocol 5: each large buffer (an Arrow buffer, a NumPy array of numbers) is
written after the pickle, compressed where that makes it smaller (:mod:`.packed_buffers`),
and read back decompressed in one step, or, if it was written as it is, as a view of the
file mapped copy-on-write (nothing copied; a page read only when it is used). Arrow columns
keep their chunks; a column of one object repeated (a partition's file name, ``None``) is
written as that object (:mod:`.repeated_objects`). Everything else (the frames' layout,
dtypes, indexes, other object columns) is the ordinary pickle, so that the value read back
is the value written.

Files are written by the run that reads them, in its staging folder.
"""

from __future__ import annotations

import copyreg
import io
import mmap
import pickle
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from .packed_buffers import pack, unpack
from .repeated_objects import repeated

__all__ = ["dump", "load", "release"]

_MAGIC = b"VSPICKL2"
_HEAD = struct.Struct("<8sQQ")  # magic, bytes of the pickle, number of buffers
_SIZES = struct.Struct("<QQ")  # a buffer's bytes, and the bytes it is stored in
_ALIGN = 64  # Arrow's alignment: every buffer starts on a multiple of it
_IN_BAND = 4096  # buffers smaller than this stay inside the pickle
_WRITE_BUFFER = 1 << 20  # bytes gathered per write: buffers are many and small (Arrow chunks)


class _Pickler(pickle.Pickler):
    """Protocol 5 with Arrow-backed pandas arrays pickled chunk by chunk, as they are, their
    text's offsets in 32 bits (:class:`_Narrow`), and an array of one object repeated as
    that object (:func:`.repeated_objects.repeated`)."""

    def __init__(self, stream: IO[bytes], callback: Callable[[pickle.PickleBuffer], bool]) -> None:
        import numpy as np
        from pandas.arrays import ArrowExtensionArray

        super().__init__(stream, 5, buffer_callback=callback)
        self._arrow = ArrowExtensionArray
        self._array = np.ndarray
        self._narrowed: dict[int, tuple[Any, _Narrow | None]] = {}

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, self._arrow):  # pandas would join the chunks first
            state = obj.__dict__.copy()
            state["_cache"] = {}
            state["_pa_array"] = self._narrow(state["_pa_array"])
            return copyreg.__newobj__, (type(obj),), state  # type: ignore[attr-defined]
        if type(obj) is self._array:  # an object repeated: written once
            return repeated(obj) or NotImplemented
        return NotImplemented

    def _narrow(self, chunked: Any) -> Any:
        """``chunked`` as :class:`_Narrow` if it is ``large_string`` that fits (once per
        array: an array two columns share is written once)."""
        import pyarrow as pa

        if not pa.types.is_large_string(chunked.type):
            return chunked
        if id(chunked) not in self._narrowed:
            try:
                narrow: _Narrow | None = _Narrow(_cast(chunked, pa.string()))
            except pa.ArrowInvalid:  # over 2 GiB of text in a chunk
                narrow = None
            self._narrowed[id(chunked)] = (chunked, narrow)  # kept: its id stays its own
        found = self._narrowed[id(chunked)][1]
        return chunked if found is None else found


class _Narrow:
    """A ``large_string`` Arrow array written as ``string``: the same text, offsets in 32
    bits instead of 64 (a quarter to a half of what a column of short answers takes), made
    ``large_string`` again when read (:func:`_wide`; the text itself is not copied)."""

    def __init__(self, chunked: Any) -> None:
        self.chunked = chunked

    def __reduce__(self) -> tuple[Callable[[Any], Any], tuple[Any]]:
        return _wide, (self.chunked,)


def _wide(chunked: Any) -> Any:
    import pyarrow as pa

    return _cast(chunked, pa.large_string())


def _cast(chunked: Any, kind: Any) -> Any:
    """``chunked`` cast to ``kind``, its chunks kept, even empty ones: in one call (Arrow
    drops the empty ones) unless it has some, then chunk by chunk (a column of a partition
    has a chunk per block Arrow parsed, up to dozens: a call each cost about 15 ms a
    partition, on writing it and again on reading it)."""
    import pyarrow as pa

    cast = chunked.cast(kind)
    if cast.num_chunks == chunked.num_chunks:
        return cast
    return pa.chunked_array([chunk.cast(kind) for chunk in chunked.chunks], kind)


def dump(value: Any, path: str | Path) -> None:
    """Write ``value`` to ``path``: its pickle, then its large buffers, each compressed
    where that makes it smaller (:func:`load`), one after the other (the sizes before the
    pickle are written last): holding every compressed buffer of a census partition of
    200,000 rows until the first was written cost about 45 MiB at the peak of two workers."""
    buffers: list[memoryview] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        try:
            raw = buffer.raw()
        except BufferError:  # not contiguous: inside the pickle
            return True
        if raw.nbytes < _IN_BAND:
            return True
        buffers.append(raw)
        return False

    stream = io.BytesIO()
    _Pickler(stream, out_of_band).dump(value)
    body = stream.getbuffer()
    sizes = []
    with open(path, "wb", buffering=_WRITE_BUFFER) as out:
        out.write(_HEAD.pack(_MAGIC, body.nbytes, len(buffers)))
        out.write(bytes(_SIZES.size * len(buffers)))  # the sizes, written once known
        out.write(body)
        at = _HEAD.size + _SIZES.size * len(buffers) + body.nbytes
        for raw in buffers:  # one compressed at a time, not a partition's all at once
            kept = memoryview(pack(raw))
            pad = -at % _ALIGN
            out.write(bytes(pad))
            out.write(kept)
            at += pad + kept.nbytes
            sizes.append(_SIZES.pack(raw.nbytes, kept.nbytes))
            del kept
        out.seek(_HEAD.size)
        out.write(b"".join(sizes))
    del body
    stream.close()


def load(path: str | Path) -> Any:
    """The value :func:`dump` wrote to ``path``: its large buffers decompressed, or views
    of the file if they were written as they are.

    The file is mapped copy-on-write: the value may be changed in place without changing
    the file; the mapping ends when the last buffer read from it is freed.
    """
    with open(path, "rb") as stream:
        size = stream.seek(0, io.SEEK_END)
        if size < _HEAD.size:
            raise ValueError(f"{path}: not a mapped pickle")
        mapped = mmap.mmap(stream.fileno(), size, access=mmap.ACCESS_COPY)
    view = memoryview(mapped)
    magic, length, count = _HEAD.unpack_from(view)
    if magic != _MAGIC:
        raise ValueError(f"{path}: not a mapped pickle")
    sizes = [_SIZES.unpack_from(view, _HEAD.size + _SIZES.size * n) for n in range(count)]
    at = _HEAD.size + _SIZES.size * count
    body = view[at : at + length]
    at += length
    buffers = []
    for nbytes, kept in sizes:
        at += -at % _ALIGN
        buffers.append(unpack(view[at : at + kept], nbytes))
        at += kept
    try:
        return pickle.loads(body, buffers=buffers)  # noqa: S301  (written by this run, in its staging folder)
    finally:
        body.release()
        view.release()


def release(path: str | Path) -> None:
    """Let the system drop the pages of ``path`` it caches, once they are on disk: a file
    that will most likely not be read again frees its memory for the next writes (reusing
    pages the system has freed costs much less than taking new ones). Read again, it is read
    from disk. Nothing where the system cannot be told."""
    import os

    if not hasattr(os, "posix_fadvise"):
        return
    with open(path, "rb") as stream:
        os.posix_fadvise(stream.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
