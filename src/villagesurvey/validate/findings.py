"""Findings: one located line per problem or change, the unit of every validation report.

A finding says where (file, sheet, Excel row, column code and letter), what was there
(``value``), what was expected, what the tool did (``fixed_value`` for a ``fixed`` change),
a stable ``check`` code and a ``severity``:

``error``
    the row cannot be used as it is; it goes to the quarantine.
``warning``
    worth a look (an unusual value, an old template); the row stays clean.
``fixed``
    an unambiguous change the tool made (``"¥12,000"`` → ``12000``), logged with both values.
``corrected``
    a change a corrections file asked for (:mod:`.corrections`), logged with both values.
``confirmed``
    a warning on a value a corrections file confirmed as true.

Stages add findings one at a time (:meth:`Findings.add`) or as whole vectorised frames
(:meth:`Findings.add_frame`); :meth:`Findings.frame` gives them all as one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLUMNS", "SEVERITIES", "Findings", "column_letter"]

SEVERITIES = ("error", "warning", "fixed", "corrected", "confirmed")

COLUMNS = (
    "file",
    "sheet",
    "row",
    "column",
    "letter",
    "value",
    "check",
    "severity",
    "message",
    "expected",
    "fixed_value",
    "record",
)
"""The columns of the findings table; ``record`` links a finding to its input row."""


def column_letter(number: int) -> str:
    """The Excel letters of a 1-based column number: 1 → ``A``, 28 → ``AB``."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass
class Findings:
    """The findings of one validation run, in the order they were found."""

    _rows: list[tuple[Any, ...]] = field(default_factory=list)
    _frames: list[pd.DataFrame] = field(default_factory=list)

    def add(
        self,
        *,
        file: str,
        check: str,
        severity: str,
        message: str,
        sheet: str = "",
        row: int | None = None,
        column: str = "",
        letter: str = "",
        value: Any = None,
        expected: str = "",
        fixed_value: Any = None,
        record: int | None = None,
    ) -> None:
        """Add one finding; see the module docstring for the fields."""
        if severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}")
        self._rows.append(
            (
                file,
                sheet,
                row,
                column,
                letter,
                value,
                check,
                severity,
                message,
                expected,
                fixed_value,
                record,
            )
        )

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Add many findings at once: a frame with (a subset of) :data:`COLUMNS`."""
        if len(frame):
            self._frames.append(frame)

    def frame(self) -> pd.DataFrame:
        """Every finding as one table with :data:`COLUMNS`, rows and records as nullable ints."""
        import pandas as pd

        parts = [pd.DataFrame(self._rows, columns=list(COLUMNS), dtype=object)]
        parts += [f.reindex(columns=list(COLUMNS)).astype(object) for f in self._frames]
        parts = [p for p in parts if len(p)]
        if not parts:
            table = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
        else:
            table = pd.concat(parts, ignore_index=True)
        for text in ("file", "sheet", "column", "letter", "check", "severity", "message"):
            table[text] = table[text].fillna("").astype(str)
        table["expected"] = table["expected"].fillna("").astype(str)
        table["row"] = pd.array(table["row"], dtype="Int64")
        table["record"] = pd.array(table["record"], dtype="Int64")
        return table
