"""Compare two validate output folders byte for byte, e.g. before and after a change.

    python bench/compare_outputs.py OLD_FOLDER NEW_FOLDER

Every file of either folder (clean.csv, quarantine.csv, issues.csv, audit.csv, summary.json,
the workbooks, the dashboard, Parquet) is compared byte for byte; for a text file that
differs, the first line that differs is shown. Exit code 0 when the folders are the same,
1 when anything differs or is missing on one side.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _files(folder: Path) -> set[Path]:
    return {path.relative_to(folder) for path in folder.rglob("*") if path.is_file()}


def _first_difference(old: bytes, new: bytes) -> str:
    """Where two texts first differ, as ``line N: old | new``; empty for binary files."""
    try:
        old_lines, new_lines = old.decode().splitlines(), new.decode().splitlines()
    except UnicodeDecodeError:
        return ""
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if a != b:
            return f"line {number}: {a[:120]!r} | {b[:120]!r}"
    return f"{len(old_lines)} lines against {len(new_lines)}"


def compare(old: Path, new: Path) -> list[str]:
    """The differences between two output folders, one line each (none when identical)."""
    old_files, new_files = _files(old), _files(new)
    said = [f"only in {old}: {name}" for name in sorted(old_files - new_files)]
    said += [f"only in {new}: {name}" for name in sorted(new_files - old_files)]
    for name in sorted(old_files & new_files):
        before, after = (old / name).read_bytes(), (new / name).read_bytes()
        if before != after:
            said.append(f"differs: {name} {_first_difference(before, after)}".rstrip())
    return said


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    old, new = Path(argv[0]), Path(argv[1])
    said = compare(old, new)
    for line in said:
        print(line)
    print(f"{len(_files(old) | _files(new))} files, {len(said)} differences")
    return 1 if said else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
