"""What ``villagesurvey backcheck`` says on the terminal, and its exit code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..tables.safe import shown_name
from .backcheck_outputs import OUTPUTS
from .backchecks import Backchecks

if TYPE_CHECKING:
    from ..validate import Validation

__all__ = ["backcheck_exit_code", "backcheck_lines"]


def backcheck_exit_code(result: Backchecks, validation: Validation) -> int:
    """0 when every back-check was compared once and no rate is above the threshold, else 1."""
    problems = len(result.unmatched) or len(result.twice) or validation.refused
    return 1 if problems or result.flagged or validation.rows_not_read else 0


def backcheck_lines(result: Backchecks, validation: Validation, outdir: str | Path) -> list[str]:
    """A few lines: what was compared, what differs, who is above the threshold."""
    rows = result.rows
    lines = [
        f"back-checks: {rows['backchecks_in']} row{'s' * (rows['backchecks_in'] != 1)} in "
        f"{len(validation.files)} file"
        f"{'s' * (len(validation.files) != 1)}, {rows['backchecks_compared']} compared with "
        f"the survey's {rows['survey']} rows, {rows['backchecks_not_compared']} not compared",
        f"answers compared: {len(result.comparisons)}, different: {len(result.differences)}",
    ]
    for refused in validation.refused:
        lines.append(f"refused: {refused.name}: {refused.reason}")
    for line in result.unmatched.itertuples(index=False):
        lines.append(f"not compared: {shown_name(str(line.file))} row {line.row}: {line.message}")
    for line in result.twice.to_dict(orient="records"):
        key = ", ".join(str(line[k]) for k in result.key)
        lines.append(f"back-checked {line['backchecks']} times: {key}")
    for name, table in (("enumerator", result.enumerators), ("back-checker", result.backcheckers)):
        column = "enumerator" if name == "enumerator" else "backchecker"
        high = table[table["above_threshold"].fillna(False).astype(bool)]
        for line in high.to_dict(orient="records"):
            lines.append(
                f"{name} {shown_name(str(line[column])) or '(blank)'}: {line['differences']} of "
                f"{line['comparisons']} type-{line['type']} answers differ "
                f"({line['error_rate']:.0%}, above {result.threshold:.0%})"
            )
    lines.append(f"wrote {', '.join(OUTPUTS[:-1])} and {OUTPUTS[-1]} to {shown_name(str(outdir))}")
    return lines
