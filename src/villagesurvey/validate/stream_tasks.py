"""What a worker does with one partition of the streamed path (or this process, with one job).

- :func:`check_task` (first pass): checks a partition laid out by the parent
  (:func:`.partition_check.check_partition`), writes what waits for the split into the
  staging folder itself, and gives back only what the parent needs: :class:`Checked`.
- :func:`split_task` (second pass, once the reductions are done): reads a waiting partition
  back, adds the findings of the reductions, splits it into clean and quarantine and writes
  its pieces of the CSV outputs (clean, quarantine, audit: :func:`.csv_chunks.append_piece`)
  itself, at the end of the files the parent names: the outputs in one process, files of
  their own in a worker (:func:`piece_paths`), which the parent copies into the outputs in
  order. Its piece of issues.csv is written beside the partition
  (:func:`.issue_pieces.issue_piece`); Parquet tables go back to the parent as text tables
  (:func:`.parquet_tables.text_table`): :class:`Split`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import mapped_pickle
from .csv_chunks import append_piece, render_piece
from .findings import Findings
from .issue_pieces import IssuePiece, issue_piece
from .layout import Return
from .parquet_tables import text_table
from .partition_check import check_partition, waiting_at
from .stream_result import PartValidation
from .waiting_keeps import Kept, wait_keeps

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from ..instrument import Instrument
    from .result import Validation
    from .stream_pool import Shared
    from .streamed import Partition

__all__ = [
    "Checked",
    "Split",
    "SplitContext",
    "check_task",
    "checked_waiting",
    "part_validation",
    "piece_paths",
    "rendered",
    "split_task",
]


@dataclass
class Checked:
    """What the parent keeps of a partition checked: the rest waits on disk.

    Attributes
    ----------
    size : int
        The partition's records.
    unlocated : DataFrame
        Its findings without a record.
    provenance : set of str
        The provenance columns it has values in.
    kept : Kept
        What the checks across rows need: their arrays wait beside the partition
        (:mod:`.waiting_keeps`).
    """

    size: int
    unlocated: pd.DataFrame
    provenance: set[str]
    kept: Kept


def check_task(
    instrument: Shared[Instrument], piece: Return | Path, first: int, path: Path
) -> Checked:
    """Check one partition whose first record is ``first``; what waits goes to ``path``.

    ``piece`` is the partition laid out, or the file it was written to by
    :func:`.mapped_pickle.dump` (read, then deleted).
    """
    if isinstance(piece, Path):
        laid: Return = mapped_pickle.load(piece)
        piece.unlink()
    else:
        laid = piece
    return checked_waiting(instrument.value, laid, first, path)


def checked_waiting(
    instrument: Instrument, laid: Return, first: int, path: Path, *, slim: bool = False
) -> Checked:
    """Check a partition laid out (:func:`.partition_check.check_partition`), leave what
    waits for the split at ``path`` (``slim``: the rows as read of the records with a
    finding only, see :meth:`.partition_check.CheckedPartition.wait`) and what the checks
    across rows need beside it (:func:`.waiting_keeps.wait_keeps`), and give back what the
    parent keeps."""
    from .hfc import outlier_columns

    checked = check_partition(instrument, laid, first=first)
    checked.wait(path, slim=slim)
    kept = wait_keeps(checked.keeps, path.with_suffix(".keeps"), outlier_columns(instrument))
    return Checked(len(checked.raw), checked.unlocated, checked.provenance, kept)


@dataclass
class SplitContext:
    """What every partition's split needs besides the rules: the batch's settings."""

    letters: dict[str, Return]
    rosters: dict[str, Validation]
    shown: frozenset[str]
    show_pii: bool
    table_format: str


@dataclass
class Split:
    """A partition split and written: its rows, quarantined rows, Parquet tables, issue piece.

    Attributes
    ----------
    rows, quarantined : int
        Its rows, and how many of them are quarantined.
    tables : dict
        ``clean`` and ``quarantine`` as Parquet text tables, when they are Parquet (the CSV
        tables are in their files: :func:`split_task`).
    issues : IssuePiece
        Its piece of issues.csv, on disk.
    """

    rows: int
    quarantined: int
    tables: dict[str, pa.Table]
    issues: IssuePiece


def split_task(
    instrument: Shared[Instrument],
    context: Shared[SplitContext],
    part: Partition,
    number: int,
    late: tuple[pd.DataFrame, pd.DataFrame],
    crlf: frozenset[str],
    into: dict[str, Path],
) -> Split:
    """Split the partition ``part`` (the ``number``-th of the batch).

    ``late`` holds the duplicates and outliers of its records (severity set); the CSV files
    named in ``crlf`` end their lines in CR LF. Each CSV table's piece (``clean``,
    ``quarantine``, ``audit``; the header with the first partition's) is written at the end
    of the file ``into`` names for it: the output itself in one process, a file of the
    piece alone in a worker (:func:`piece_paths`). The pieces, and its piece of issues.csv,
    are named by the partition and by ``crlf``'s size: a task of an earlier attempt, begun
    before a carriage return stopped it (:func:`.csv_chunks.written_in_line_ends`), cannot
    write over a piece of the next attempt.

    Raises
    ------
    CarriageReturnError
        If a value holds a carriage return and its CSV file is not in ``crlf``.
    """
    import pandas as pd

    from .checking import locate_findings
    from .issue_tables import every_audit
    from .range_tasks import range_rows

    shared = context.value
    waiting = waiting_at(part.path)
    found = Findings()
    for frame in (waiting.table, late[0], *waiting.cascaded, late[1]):  # as check_returns adds them
        found.add_frame(frame)
    located = locate_findings(found.frame(), waiting.own, [shared.letters[part.file]])
    raw = waiting.raw  # the quarantine shows its rows as read, the audit each fix's key as read
    shown = located.loc[located["severity"].isin(["error", "fixed"]), "record"].dropna()
    if part.source is not None and len(waiting.missing(pd.Index(shown.astype("int64")))):
        raw = waiting.with_rows(range_rows(instrument.value, part.source, part.first))
    level = part_validation(
        instrument.value, raw, waiting.typed, located, shared.rosters, shared.shown,
        heads=waiting.heads,
    )  # fmt: skip
    tables: dict[str, pa.Table] = {}
    for stem, frame in (("clean", level.clean_texts),
                        ("quarantine", level.quarantine_texts),
                        ("audit", lambda: every_audit(level, shared.show_pii))):  # fmt: skip
        if stem in into:
            with open(into[stem], "ab") as out:
                append_piece(frame(), f"{stem}.csv", out, header=number == 0,
                             crlf=f"{stem}.csv" in crlf)  # fmt: skip
        else:
            tables[stem] = text_table(frame())
    issues = issue_piece(
        level,
        part.path.with_name(f"issues-{len(crlf)}-{number:06d}"),
        shared.show_pii,
        "issues.csv" in crlf,
    )
    return Split(len(waiting.typed), len(level.quarantined), tables, issues)


def piece_paths(
    folder: Path, stems: Iterable[str], number: int, crlf: frozenset[str]
) -> dict[str, Path]:
    """The files of the ``number``-th partition's pieces of the CSV tables ``stems``, in
    ``folder``, named by the partition and by ``crlf``'s size (see :func:`split_task`)."""
    return {stem: folder / f"{stem}-{len(crlf)}-{number:06d}.csv" for stem in stems}


def rendered(
    table: pd.DataFrame | dict[str, pa.Array],
    stem: str,
    kind: str,
    *,
    header: bool,
    crlf: frozenset[str],
) -> bytes | pa.Table:
    """A partition's piece of the table ``stem``: its Parquet text table, or its CSV bytes
    (with the header for the first partition; CR LF line ends if the file is in ``crlf``).
    ``table`` is a table or its columns as the writers take them
    (:func:`~villagesurvey.tables.csv_file.text_columns`).

    Raises
    ------
    CarriageReturnError
        If a value holds a carriage return and the CSV file is not in ``crlf``.
    """
    from .parquet_tables import table_name

    if kind == "parquet":
        return text_table(table)
    name = table_name(stem, "csv")
    return render_piece(table, name, header=header, crlf=name in crlf)


def part_validation(
    instrument: Instrument,
    raw: pd.DataFrame,
    typed: pd.DataFrame,
    findings: pd.DataFrame,
    rosters: dict[str, Validation],
    shown: frozenset[str],
    *,
    heads: pd.DataFrame | None = None,
) -> PartValidation:
    """A partition (or a file's findings without a row) as a validation of its own;
    ``heads`` as :class:`.stream_result.PartValidation` takes them."""
    import pandas as pd

    errors = findings[(findings["severity"] == "error") & findings["record"].notna()]
    quarantined = pd.Index(sorted(set(errors["record"].astype(int))), dtype="int64")
    return PartValidation(
        instrument, [], raw, typed, findings, quarantined, rosters=rosters, shown=shown,
        heads=heads,
    )  # fmt: skip
