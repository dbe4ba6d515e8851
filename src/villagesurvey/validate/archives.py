"""The CSV files of a zip archive, as ODK Central's export downloads them.

ODK Central's "Download all data" gives a zip of CSV files: ``<form>.csv`` and one
``<form>-<repeat>.csv`` per repeat group. :func:`unpack` copies the CSV members of each
``.zip`` among the returns into a temporary folder (within the limits of a CSV return, and
refusing what unpacks to far more than it declares), so that each is read as a CSV file is;
reports show them as ``<archive>.zip/<member>.csv``. Other members (photos, audio) are not
returns and are left in the archive. The archive itself is never written.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeVar

from .reading import MAX_COMPRESSION_RATIO, MAX_CSV_BYTES, MAX_MEMBERS, ReadFile, Refused

__all__ = ["Unpacked", "unpack"]

_MIB = 2**20
_R = TypeVar("_R", bound=ReadFile | Refused)


@dataclass
class Unpacked:
    """The returns with each archive replaced by its CSV members.

    Attributes
    ----------
    paths : list of Path
        What to read: the files given, and the unpacked members in place of each archive.
    given : dict
        Each unpacked member's path → ``<archive>/<member>``, as reports show it.
    refused : list of Refused
        The archives that could not be unpacked, and why.
    """

    paths: list[Path]
    given: dict[Path, Path] = field(default_factory=dict)
    refused: list[Refused] = field(default_factory=list)
    _folder: tempfile.TemporaryDirectory[str] | None = None

    def shown(self, path: Path) -> Path:
        """The path reports show for a file read: a member as ``<archive>/<member>``."""
        return self.given.get(path, path)

    def as_given(self, result: _R) -> _R:
        """A result with the path it was given as."""
        return dataclasses.replace(result, path=self.shown(result.path))

    def close(self) -> None:
        """Remove the unpacked copies."""
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def unpack(paths: list[Path]) -> Unpacked:
    """Replace each ``.zip`` of ``paths`` by its CSV members, unpacked into a temporary folder."""
    if not any(p.suffix.lower() == ".zip" for p in paths):
        return Unpacked(list(paths))
    folder = tempfile.TemporaryDirectory(prefix="villagesurvey-")
    out = Unpacked([], _folder=folder)
    for number, path in enumerate(paths):
        if path.suffix.lower() != ".zip":
            out.paths.append(path)
            continue
        members = _members(path, Path(folder.name) / str(number), out)
        out.paths += members
    return out


def _members(path: Path, into: Path, out: Unpacked) -> list[Path]:
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            while block := stream.read(_MIB):
                digest.update(block)
    except OSError as error:
        reason = f"it could not be read ({error.strerror or error})"
        out.refused.append(Refused(path, None, "unreadable_file", reason))
        return []
    sha256 = digest.hexdigest()

    def refuse(check: str, reason: str) -> list[Path]:
        out.refused.append(Refused(path, sha256, check, reason))
        return []

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return refuse("corrupt_file", "it is not a zip archive that can be opened")
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            return refuse("zip_bomb", f"it holds {len(infos):,} members, far more than an export")
        wanted = [i for i in infos if _is_csv(i)]
        if not wanted:
            return refuse("not_a_spreadsheet", "a zip archive that holds no CSV file")
        into.mkdir(parents=True)
        found: list[Path] = []
        taken: set[str] = set()
        for info in wanted:
            name = PurePosixPath(info.filename).name
            if name in taken:
                name = f"{len(found)}-{name}"
            taken.add(name)
            if info.file_size > MAX_CSV_BYTES or (
                info.file_size > _MIB
                and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
            ):
                return refuse("zip_bomb", f"its member {info.filename!r} unpacks to too much")
            try:
                with archive.open(info) as member:
                    content = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
                return refuse("corrupt_file", f"its member {info.filename!r} is damaged ({error})")
            if len(content) != info.file_size:
                return refuse("zip_bomb", f"its member {info.filename!r} is not the size it says")
            target = into / name
            target.write_bytes(content)
            out.given[target] = path / info.filename
            found.append(target)
    return found


def _is_csv(info: zipfile.ZipInfo) -> bool:
    name = PurePosixPath(info.filename)
    hidden = name.name.startswith(".") or "__MACOSX" in name.parts  # macOS's resource forks
    return not info.is_dir() and not hidden and name.suffix.lower() == ".csv"
