"""The work of one Dask task: check a partition, give what a reduction needs, write it.

Every function here runs on a worker and takes a partition (or what a check task left) as
plain arguments; files are read from the returns and written only into the output set's
staging folder, which the workers must reach at the same path.

Records keep the order of the batch without knowing how many rows come before: the records
of partition ``n`` begin at ``n * 2**32`` (:data:`RECORD_STRIDE`). A record is a label
(sorting and locating findings), never written; the Excel rows, which are written, come from
the lines counted before any partition is checked.
"""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .checking import locate_findings
from .csv_chunks import render_piece
from .dask_csv import Head, Piece, lay_piece
from .findings import Findings
from .partition_check import Keeps, check_partition, waiting_at

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .capped_issues import Heads
    from .result import Validation

__all__ = ["RECORD_STRIDE", "Checked", "Written", "check_piece", "write_piece"]

RECORD_STRIDE = 2**32
"""Records of one partition at most; partition ``n`` begins at record ``n * RECORD_STRIDE``."""


@dataclasses.dataclass
class Checked:
    """What a check task keeps on its worker (the rows themselves wait in ``path``)."""

    number: int
    file: str
    first: int
    size: int
    path: str
    respondents: int
    trailing: list[int]
    unlocated: pd.DataFrame
    provenance: set[str]
    letters: dict[str, str]
    keeps: Keeps | None = None

    def small(self) -> Checked:
        """Itself without what the reductions read on the worker."""
        return dataclasses.replace(self, keeps=None)


def check_piece(
    instrument: Instrument, piece: Piece, head: Head, folder: str, *blocks: bytes
) -> Checked:
    """Lay out and check a partition (:func:`.partition_check.check_partition`); its rows
    and findings wait in ``folder``."""
    found = Findings()
    laid, trailing = lay_piece(instrument, piece, head, list(blocks), found)
    first = piece.number * RECORD_STRIDE
    checked = check_partition(instrument, laid, first=first)
    found.add_frame(checked.unlocated)
    path = Path(folder) / f"{piece.number:06d}.pickle"
    checked.wait(path)
    return Checked(
        piece.number, piece.file.name, first, len(checked.raw), str(path), len(laid.rows),
        trailing, found.frame(), checked.provenance, dict(laid.letters), checked.keeps,
    )  # fmt: skip


def hash_frame(checked: Checked) -> pd.DataFrame:
    """Each respondent's record and hashes: of the answers with the submission, of the key.

    The submission's hash is mixed in always: where no row has one, it is the hash of a
    blank for every row, and the rows that share a hash are the same.
    """
    import numpy as np
    import pandas as pd

    keeps = checked.keeps
    if keeps is None:
        raise ValueError("a partition's hashes were already dropped")
    mix = np.uint64(0x9E3779B97F4A7C15)
    return pd.DataFrame(
        {
            "record": keeps.records.astype(np.int64),
            "identity": keeps.answers ^ (keeps.submitted * mix),
            "key": keeps.keys,
            "complete": keeps.complete,
        }
    )


def shared_records(frame: pd.DataFrame, ids: np.ndarray, keys: np.ndarray) -> pd.Series:
    """The records of ``frame`` (:func:`hash_frame`) whose answers hash to one of ``ids``,
    or whose complete key hashes to one of ``keys``."""
    import numpy as np

    shared = np.isin(frame["identity"].to_numpy(), ids)
    shared |= frame["complete"].to_numpy(dtype=bool) & np.isin(frame["key"].to_numpy(), keys)
    return frame["record"][shared]


def groups_of(checked: Checked) -> tuple[list[Any], list[Any], np.ndarray, np.ndarray]:
    """A partition's groups (keys, labels), each respondent's group and record."""
    keeps = checked.keeps
    if keeps is None:
        raise ValueError("a partition's groups were already dropped")
    return keeps.group_keys, keeps.group_labels, keeps.groups, keeps.sound_records


def values_of(checked: Checked, code: str) -> np.ndarray:
    """A partition's answers to an outlier column, as float64."""
    if checked.keeps is None:
        raise ValueError("a partition's values were already dropped")
    return checked.keeps.values[code]


@dataclasses.dataclass
class Written:
    """What a write task wrote of a partition, and its counts."""

    number: int
    file: str
    rows: int
    quarantined: int
    issues: str
    sizes: list[tuple[tuple[str, str], int]]
    audit: str


@dataclasses.dataclass
class Outputs:
    """Where and how a write task writes."""

    staging: str
    partition_by: str | None
    show_pii: bool
    crlf: frozenset[str]
    level: str = ""
    """The roster whose rows are written (its tables ``clean_<roster>``), or ``""``."""

    def names(self) -> tuple[str, str]:
        """The tables' stem ending and the pieces' prefix of the level."""
        return (f"_{self.level}", f"{self.level}-") if self.level else ("", "")


def write_piece(
    instrument: Instrument,
    checked: Checked,
    late: tuple[pd.DataFrame, pd.DataFrame],
    rosters: dict[str, Validation],
    shown: frozenset[str],
    outputs: Outputs,
    levels: pd.DataFrame | None = None,
) -> Written:
    """Split a checked partition into clean and quarantine with every finding of its rows
    (its own, the duplicates, the cascades, the outliers, in the order of the batch) and
    write its parts of the tables, issues.csv and audit.csv.

    ``levels``, the findings of the checks across levels on its rows, count for the split
    and the audit after all others; their lines of issues.csv are written apart
    (:func:`.dask_outputs.finish`), after every other finding, as on one machine."""
    from .issue_pieces import issue_piece
    from .issue_tables import every_audit
    from .stream_tasks import part_validation

    waiting = waiting_at(checked.path)
    raw, typed, table, cascaded = waiting.raw, waiting.typed, waiting.table, waiting.cascaded
    copies, outliers = late
    found = Findings()
    for frame in (table, copies.assign(severity="error"), *cascaded,
                  outliers.assign(severity="warning")):  # fmt: skip
        found.add_frame(frame)
    located = locate_findings(found.frame(), raw, [_letters(checked)])
    listed = part_validation(instrument, raw, typed, located, rosters, shown)
    level = listed
    if levels is not None and len(levels):
        level = part_validation(instrument, raw, typed, _after(located, levels), rosters, shown)
    staging = Path(outputs.staging)
    n = checked.number
    stem, prefix = outputs.names()
    for kind, table in (("clean", level.clean()), ("quarantine", level.quarantine())):
        write_table(staging / f"{kind}{stem}.parquet", table, n, outputs.partition_by)
    parts = staging / ".partitions"
    crlf = "issues.csv" in outputs.crlf
    segment = issue_piece(listed, parts / f"issues-{prefix}{n:06d}", outputs.show_pii, crlf)
    keep_heads(segment.heads, parts / f"heads-{prefix}{n:06d}.pickle")
    lines = every_audit(level, outputs.show_pii)
    if outputs.level:  # a roster's lines name it, as on one machine
        lines = lines.assign(roster=outputs.level)
    audit = render_piece(lines, "audit.csv", header=False, crlf="audit.csv" in outputs.crlf)
    (parts / f"audit-{prefix}{n:06d}").write_bytes(audit)
    return Written(
        n, checked.file, len(raw), len(level.quarantined), str(segment.path), segment.sizes,
        str(parts / f"audit-{prefix}{n:06d}"),
    )  # fmt: skip


def _after(located: pd.DataFrame, levels: pd.DataFrame) -> pd.DataFrame:
    """The findings of a partition, then those across levels (as :mod:`.roster_checks`
    appends them)."""
    import pandas as pd

    table = pd.concat([located.astype(object), levels.astype(object)], ignore_index=True)
    for name in ("row", "record"):
        table[name] = table[name].astype("Int64")
    return table


def keep_heads(heads: Heads, path: Path) -> None:
    """Keep the first findings of each check of a piece of issues.csv for the workbook."""
    with open(path, "wb") as out:
        pickle.dump(heads, out, pickle.HIGHEST_PROTOCOL)


def _letters(checked: Checked) -> Any:
    from .layout import Return

    return Return(checked.file, "", [], {}, checked.letters, {})


def write_table(folder: Path, frame: pd.DataFrame, number: int, partition_by: str | None) -> None:
    """Write a partition's rows of a table as Parquet text columns into the table's folder:
    ``part-<n>.parquet``, or by the partition column in Hive layout
    (:func:`.parquet_tables.write_parquet_part`); nothing for no rows."""
    import pyarrow.parquet as pq

    from .parquet_tables import text_table, write_parquet_part

    if not len(frame):
        return
    folder.mkdir(exist_ok=True)
    if partition_by is None or partition_by not in frame.columns:
        pq.write_table(text_table(frame), folder / f"part-{number:06d}.parquet")
        return
    write_parquet_part(folder, frame, partition_by, number)
