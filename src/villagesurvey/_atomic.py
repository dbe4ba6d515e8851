"""Write output files atomically: a reader sees the old file or the whole new one, never half."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_path", "make_folder"]


@contextmanager
def atomic_path(target: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it into place if the block succeeds.

    The temporary file is in the same folder, so the final :func:`os.replace` is atomic. If
    the block raises, the temporary file is removed and ``target`` is left as it was.

    Raises
    ------
    OutputError
        If the folder does not exist or cannot be written.
    """
    target = Path(target)
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(f"cannot write {target}: folder {folder} does not exist")
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    os.close(handle)
    temporary = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temporary, 0o666 & ~umask)  # mkstemp makes 0600; give the usual permissions
    try:
        yield temporary
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    finally:
        temporary.unlink(missing_ok=True)


def make_folder(folder: str | Path) -> Path:
    """Create an output folder (and its parents) if missing; :class:`OutputError` if it can't."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror}") from None
    return folder
