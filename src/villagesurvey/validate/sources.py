"""Which files to read: the files and folders a user names, expanded into files.

Folders are walked in sorted order; a folder that holds the outputs of a validation (its
``summary.json`` says so) is never read, nor any file in it named explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import OptionError

__all__ = ["OUTPUT_FILE", "OUTPUT_SET", "SUFFIXES", "find_returns", "is_output_set"]

#: File suffixes :func:`find_returns` collects from folders.
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".zip")  # .zip: ODK Central's CSV export


def find_returns(
    paths: Sequence[str | Path], skipped: list[tuple[Path, str]] | None = None
) -> list[Path]:
    """Expand files and folders into the list of files to read.

    Folders are searched recursively, in sorted order, for files ending in one of
    :data:`SUFFIXES` (in any case), skipping hidden files and folders and Office lock files
    (``~$name.xlsx``); symbolic links to folders are not followed. A folder that holds the
    outputs of a validation (its ``summary.json`` says so) is never read, nor a folder that
    could not be listed: each is added to ``skipped`` with the reason, and so is a file
    named explicitly that sits in a folder of outputs. Any other file named explicitly is kept
    whatever its suffix, so that it can be refused with a reason. A file reached twice is
    listed once.

    Parameters
    ----------
    paths : sequence of str or Path
        Files and folders.
    skipped : list, optional
        Gets ``(path, reason)`` for every folder (or output file) not read.

    Returns
    -------
    list of Path

    Raises
    ------
    OptionError
        If a path does not exist.
    """
    found: list[Path] = []
    seen: set[str] = set()

    def skip(folder: Path, reason: str) -> None:
        if skipped is not None:
            skipped.append((folder, reason))

    def keep(path: Path) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for given in paths:
        path = Path(given)
        if not path.exists():
            raise OptionError(f"{given}: no such file or folder")
        if not path.is_dir():
            if is_output_set(path.parent):  # clean.csv of an earlier run, named by a glob
                skip(path, OUTPUT_FILE)
            else:
                keep(path)
            continue
        errors: list[OSError] = []
        for folder, folders, files in os.walk(path, onerror=errors.append):
            if is_output_set(Path(folder)):
                skip(Path(folder), OUTPUT_SET)
                folders[:] = []
                continue
            folders[:] = sorted(f for f in folders if not f.startswith("."))
            for name in sorted(files):
                if name.startswith((".", "~$")) or not name.lower().endswith(SUFFIXES):
                    continue
                keep(Path(folder, name))
        for error in errors:
            where = Path(error.filename) if error.filename else path
            skip(where, f"it could not be listed ({error.strerror or error})")
    return found


OUTPUT_SET = "it holds the outputs of a validation (summary.json), not returns; it was not read"
OUTPUT_FILE = (
    "it is in a folder that holds the outputs of a validation (summary.json): an output, "
    "not a return; it was not read"
)


def is_output_set(folder: Path) -> bool:
    """Whether a folder holds the outputs of a validation: its summary.json says so."""
    try:
        with open(folder / "summary.json", "rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b'"generator": "villagesurvey' in head and b'"instrument"' in head
