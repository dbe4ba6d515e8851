"""A file put together from pieces written apart (by worker processes, say): each piece is
copied at the end of the file inside the system, its bytes never read into this process.

On Linux the copy is ``copy_file_range`` (the kernel copies from file to file); where the
system or the file system has none, or refuses it, the bytes are read and written in blocks
(``shutil.copyfileobj``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import BinaryIO

__all__ = ["append_file"]


def append_file(out: BinaryIO, piece: Path) -> None:
    """Copy the file ``piece`` at the end of the open file ``out``.

    Parameters
    ----------
    out : binary file
        Open for writing, not in append mode (``"wb"`` or ``"r+b"``), at its end; it is
        left at its new end.
    piece : Path
        The file to copy.
    """
    out.flush()  # what out holds in its buffer goes before the piece
    with open(piece, "rb") as source:
        copied = _in_the_kernel(source, out, os.fstat(source.fileno()).st_size)
        out.seek(0, os.SEEK_END)  # the kernel moved the file's position, not out's count
        source.seek(copied)
        shutil.copyfileobj(source, out)  # what the kernel did not copy, if anything


def _in_the_kernel(source: BinaryIO, out: BinaryIO, size: int) -> int:
    """Copy up to ``size`` bytes with ``copy_file_range``; the bytes it copied (fewer where
    the system refuses it: the caller copies the rest)."""
    if not hasattr(os, "copy_file_range"):
        return 0
    copied = 0
    while copied < size:
        try:
            step = os.copy_file_range(source.fileno(), out.fileno(), size - copied)
        except OSError:  # not on this system or between these file systems
            return copied
        if step == 0:  # the end of the piece
            return copied
        copied += step
    return copied
