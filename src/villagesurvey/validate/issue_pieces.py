"""issues.csv written in pieces: each partition's findings rendered on disk as they come,
then put together in the order of the whole batch (by file, then record)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..tables.file_pieces import append_file
from .capped_issues import Heads, first_findings
from .csv_chunks import render, render_piece
from .stream_result import PartValidation

__all__ = ["IssuePiece", "assemble_issues", "issue_piece"]


@dataclass
class IssuePiece:
    """A piece of issues.csv waiting on disk: its file, its place, its findings by check
    and the first of them (:func:`.capped_issues.first_findings`)."""

    file: str
    order: int
    path: Path
    sizes: list[tuple[tuple[str, str], int]]
    heads: Heads = field(default_factory=dict)


def issue_piece(level: PartValidation, path: Path, show_pii: bool, crlf: bool) -> IssuePiece:
    """Render a partition's (or a file's unplaced) findings into a piece of issues.csv."""
    from .issue_tables import issues_table

    issues = issues_table(level, show_pii)
    path.write_bytes(render_piece(issues, "issues.csv", header=False, crlf=crlf))
    sizes = issues.groupby(["severity", "check"], sort=False).size()
    pairs = [((str(k[0]), str(k[1])), int(n)) for k, n in sizes.items()]
    files = level.findings["file"]
    file = str(files.iloc[0]) if len(files) else ""
    return IssuePiece(file, 0, path, pairs, first_findings(issues))


def assemble_issues(
    path: Path, segments: list[IssuePiece], crlf: bool, tail: Sequence[IssuePiece] = ()
) -> dict[str, dict[str, int]]:
    """Write issues.csv from its pieces in the order of the whole (by file, then record),
    then the pieces of ``tail`` as they come; return the findings by severity and check,
    most frequent first, ties as first met."""
    import pandas as pd

    from .findings import SEVERITIES
    from .issue_tables import ISSUE_COLUMNS

    header, _ = render(pd.DataFrame(columns=ISSUE_COLUMNS), header=True, crlf=crlf)
    seen: dict[tuple[str, str], int] = {}
    with open(path, "wb") as out:
        out.write(header)
        for segment in [*sorted(segments, key=lambda s: (s.file, s.order)), *tail]:
            append_file(out, segment.path)
            for pair, n in segment.sizes:
                seen[pair] = seen.get(pair, 0) + n
    counts: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
    for (severity, check), n in sorted(seen.items(), key=lambda item: -item[1]):
        counts[severity][check] = n
    return {s: c for s, c in counts.items() if c}
