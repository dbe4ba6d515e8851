"""What the checks across rows need of a partition, waiting on disk beside it.

A partition's :class:`.partition_check.Keeps` (its hashes, and its outlier columns' answers
as float64: about 250 bytes a respondent on the census) are written by the process that
checked it to a file of their own (:func:`wait_keeps`), and only their counts, groups and
path go back to the process that runs the batch (:class:`Kept`): the arrays never pass
through a pipe, nor through that process (on the 10,000,000-row census, 2.6 GB pickled,
piped, unpickled and written again took about 5 CPU seconds). The reductions then read
each array they need from every partition's file, in the order of the batch
(:func:`gathered`): the hashes for the duplicates (:mod:`.stream_duplicates`), one column
at a time for the outliers (:mod:`.stream_outliers`).

The files are deleted once the reductions are done
(:meth:`.streamed.Partitions.drop_reductions`). Each holds the arrays one after the other,
in the order of :data:`HASHED`, then of :data:`SOUND`, then the outlier columns in the
order of :func:`.hfc.outlier_columns`, each compressed where that makes it smaller
(:mod:`.packed_buffers`: about 6 times on the census).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .packed_buffers import pack, unpack

if TYPE_CHECKING:
    import numpy as np

    from .partition_check import Keeps

__all__ = ["HASHED", "SOUND", "Kept", "KeptFile", "gathered", "wait_keeps"]

HASHED = (("records", "int64"), ("answers", "uint64"), ("submitted", "uint64"),
          ("keys", "uint64"), ("complete", "bool"))  # fmt: skip
"""The arrays of a value per respondent hashed (total rows left out), and their types."""

SOUND = (("groups", "int64"), ("sound_records", "int64"))
"""The arrays of a value per respondent whose answers the outlier check judges; the outlier
columns follow, as float64."""


@dataclass(frozen=True)
class KeptFile:
    """Where a partition's arrays wait, and how many values each holds.

    Attributes
    ----------
    path : Path
        The file.
    hashed : int
        The respondents hashed (the length of each array of :data:`HASHED`).
    sound : int
        The respondents judged for outliers (of :data:`SOUND` and each outlier column).
    stored : tuple of int
        The bytes each array takes in the file, in the file's order.
    """

    path: Path
    hashed: int
    sound: int
    stored: tuple[int, ...]

    def length(self, name: str | int) -> int:
        """The values of the array ``name`` (an outlier column by its number)."""
        return self.hashed if _array(name)[1] else self.sound

    def _place(self, name: str | int) -> tuple[int, int]:
        """The byte the array ``name`` starts at in the file, and the bytes it takes."""
        named = [known for known, _ in (*HASHED, *SOUND)]
        at = named.index(name) if isinstance(name, str) else len(named) + name
        if at >= len(self.stored):
            raise KeyError(name)
        return sum(self.stored[:at]), self.stored[at]

    def read(self, name: str | int) -> np.ndarray:
        """The array ``name`` (an outlier column by its number)."""
        import numpy as np

        out = np.empty(self.length(name), dtype=_array(name)[0])
        self.read_into(name, out)
        return out

    def read_into(self, name: str | int, out: np.ndarray) -> None:
        """Read the array ``name`` into ``out`` (of its length and type, contiguous)."""
        size, kind = self.length(name), _array(name)[0]
        if out.shape != (size,) or out.dtype != kind or not out.flags.c_contiguous:
            raise ValueError(f"{name!r} holds {size} {kind} values")
        start, stored = self._place(name)
        whole = out.data.cast("B")
        packed = whole if stored == whole.nbytes else memoryview(bytearray(stored))
        with open(self.path, "rb", buffering=0) as file:
            file.seek(start)
            view = packed
            while view.nbytes:
                done = file.readinto(view)
                if not done:
                    raise OSError(f"{self.path} ends before its {name!r}")
                view = view[done:]
        if packed is not whole:
            whole[:] = memoryview(unpack(packed, whole.nbytes)).cast("B")


@dataclass(frozen=True)
class Kept:
    """What the process running the batch keeps of a partition's :class:`Keeps`.

    Attributes
    ----------
    file : KeptFile
        Where its arrays wait.
    submissions : bool
        Whether a respondent of the partition has a submission ID.
    group_keys, group_labels : list
        Its groups, as :class:`.partition_check.Keeps` gives them (``groups`` numbers them).
    """

    file: KeptFile
    submissions: bool
    group_keys: list[Any]
    group_labels: list[Any]


def wait_keeps(keeps: Keeps, path: Path, columns: Sequence[str]) -> Kept:
    """Write a partition's arrays to ``path`` (the outlier ``columns`` in their order) and
    give back what the batch keeps."""
    import numpy as np

    arrays = [
        np.ascontiguousarray(getattr(keeps, name), dtype=kind) for name, kind in (*HASHED, *SOUND)
    ]
    arrays += [np.ascontiguousarray(keeps.values[code], dtype=np.float64) for code in columns]
    stored = []
    with open(path, "wb") as out:
        for array in arrays:
            stored.append(out.write(pack(array.data.cast("B"))))
    kept = KeptFile(path, len(keeps.records), len(keeps.sound_records), tuple(stored))
    return Kept(kept, keeps.submissions, keeps.group_keys, keeps.group_labels)


def gathered(files: Sequence[KeptFile], name: str | int) -> np.ndarray:
    """The array ``name`` (an outlier column by its number) of every partition, one after
    the other in the order of ``files``."""
    import numpy as np

    sizes = [file.length(name) for file in files]
    out = np.empty(sum(sizes), dtype=_array(name)[0])
    at = 0
    for file, size in zip(files, sizes, strict=True):
        if size:
            file.read_into(name, out[at : at + size])
        at += size
    return out


def _array(name: str | int) -> tuple[str, bool]:
    """The type of the array ``name`` (an outlier column by its number), and whether it holds
    a value per respondent hashed (:data:`HASHED`) rather than per respondent judged.

    Raises
    ------
    KeyError
        If no array is so named.
    """
    if isinstance(name, int):
        return "float64", False
    for names, hashed in ((HASHED, True), (SOUND, False)):
        kind = dict(names).get(name)
        if kind is not None:
            return kind, hashed
    raise KeyError(name)
