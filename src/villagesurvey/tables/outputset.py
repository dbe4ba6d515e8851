"""Write a set of output files as one: a reader sees the old set or the whole new one.

:func:`output_set` stages every file in a hidden folder beside the output folder and, when
all are written, puts the staged folder in the output folder's place: the old folder is
renamed aside, the new one renamed in, the old one removed. An interrupt (Ctrl-C) is held
back during those two renames. If anything fails before, the staged folder is removed and
the previous set is left as it was. An output folder that holds files of its own (not a
set of these outputs) is not swapped: the files are moved in one by one, the file that
marks a complete set (``summary.json``) removed first and put in last, and an output of the
old set that the new one does not hold is removed.

:func:`output_lock` makes sure that one run at a time writes into a folder: a lock file
beside it holds the process ID of the run that holds it; another run is refused, unless
that process has ended (a stale lock is taken over).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import OutputError

__all__ = ["lock_path", "output_lock", "output_set"]


def lock_path(outdir: str | Path) -> Path:
    """The lock file of an output folder: hidden, beside it."""
    outdir = Path(os.path.abspath(outdir))
    return outdir.parent / f".{outdir.name}.lock"


@contextlib.contextmanager
def output_lock(outdir: str | Path) -> Iterator[Path]:
    """Hold the output folder for this process; :class:`OutputError` if another run holds it.

    Re-entrant within one process: a lock this process already holds is held again.
    """
    path = lock_path(outdir)
    _make_parent(path.parent)
    pid = os.getpid()
    taken = False
    for _attempt in range(3):
        try:
            handle = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(path)
            if holder == pid:
                break
            if holder is not None and _alive(holder):
                raise OutputError(
                    f"another run (process {holder}) is writing into {outdir}; wait until it "
                    f"ends, or remove {path} if no such run is going on"
                ) from None
            path.unlink(missing_ok=True)  # its process has ended: a stale lock
            continue
        except OSError as exc:
            raise OutputError(f"cannot write {path}: {exc.strerror}") from None
        with os.fdopen(handle, "w") as stream:
            stream.write(f"{pid}\n")
        taken = True
        break
    else:
        raise OutputError(f"cannot take the lock {path}; remove it if no run is going on")
    try:
        yield path
    finally:
        if taken:
            path.unlink(missing_ok=True)


def _holder(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="ascii", errors="replace").strip() or "x")
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    except OSError:
        return False
    return True


def _make_parent(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror}") from None


@contextlib.contextmanager
def output_set(outdir: str | Path, names: tuple[str, ...], marker: str) -> Iterator[Path]:
    """Yield a staging folder; on success, make its files the output set of ``outdir``.

    Parameters
    ----------
    outdir : path
        The output folder (created if missing).
    names : tuple of str
        The files of a set; a folder holding only these (and nothing else) is swapped whole.
    marker : str
        The file, one of ``names``, that marks a complete set: written last.

    Raises
    ------
    OutputError
        If the staging folder or the output folder cannot be written.
    """
    target = Path(os.path.abspath(outdir))
    _make_parent(target.parent)
    if target.exists() and not target.is_dir():
        raise OutputError(f"cannot write into {outdir}: it is a file, not a folder")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    except OSError as exc:
        raise OutputError(f"cannot write beside {outdir}: {exc.strerror}") from None
    try:
        yield staging
        staging.chmod(0o777 & ~_umask())
        with _interrupts_held():
            if _only_outputs(target, names):
                _swap(staging, target)
            else:
                _move_files(staging, target, names, marker)
    except OSError as exc:
        raise OutputError(f"cannot write {outdir}: {exc.strerror}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _only_outputs(target: Path, names: tuple[str, ...]) -> bool:
    """Whether the folder is missing, empty, or holds nothing but files of an output set."""
    if not target.exists():
        return True
    if target == Path.cwd():  # not the folder a shell is in: it would be left in a deleted one
        return False
    return all(
        entry.name in names and (entry.is_file() or entry.is_dir()) and not entry.is_symlink()
        for entry in target.iterdir()
    )


def _swap(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(old, target)  # put the previous set back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _move_files(staging: Path, target: Path, names: tuple[str, ...], marker: str) -> None:
    """Move the staged outputs in one by one; an output of the old set not in the new one
    (``clean.csv`` when ``clean.parquet`` is written) is removed."""
    (target / marker).unlink(missing_ok=True)  # no old marker beside new files
    for name in (*dict.fromkeys(n for n in names if n != marker), marker):
        old, new = target / name, staging / name
        if old.is_dir() and not old.is_symlink():
            shutil.rmtree(old)  # a folder (a partitioned table) cannot be replaced in one step
        elif old.exists() and (not new.exists() or new.is_dir()):
            old.unlink()
        if new.exists():
            os.replace(new, old)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C back for a moment (in the main thread); deliver it afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def hold(number: int, _frame: object) -> None:
        caught.append(number)

    previous: Callable[..., object] | int | None = signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)
        if caught:
            raise KeyboardInterrupt
