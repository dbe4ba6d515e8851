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
(:meth:`Findings.add_frame`). They are kept as columns, not as a Python object per finding:
findings added one at a time are buffered a column at a time and stored in batches, where
the columns that repeat (file, sheet, column, letter, check, severity) are categorical codes
and rows and records integer arrays. :meth:`Findings.frame` gives them all as one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..tables.letters import column_letter

if TYPE_CHECKING:
    import numpy as np
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


CODED = ("file", "sheet", "column", "letter", "check", "severity")
"""Columns that repeat from finding to finding, stored as categorical codes."""

_NUMBERS = ("row", "record")
_BATCH = 65_536


@dataclass
class _Batch:
    """Findings as columns: codes with their categories, integer arrays, object arrays."""

    size: int
    coded: dict[str, tuple[np.ndarray, np.ndarray]]
    numbers: dict[str, Any]
    objects: dict[str, np.ndarray]

    @classmethod
    def of(cls, columns: dict[str, Any], size: int) -> _Batch:
        """A batch of ``size`` findings from columns (lists, arrays or Series) by name."""
        import numpy as np
        import pandas as pd

        def values(name: str) -> Any:
            found = columns.get(name)
            if found is None:
                return np.full(size, None, dtype=object)
            return found.to_numpy(dtype=object) if isinstance(found, pd.Series) else found

        coded = {}
        for name in CODED:
            codes, categories = pd.factorize(np.asarray(values(name), dtype=object))
            coded[name] = (codes.astype(np.int32), np.asarray(categories, dtype=object))
        numbers = {
            name: pd.array(np.asarray(values(name), dtype=object), dtype="Int64")
            for name in _NUMBERS
        }
        objects = {
            name: np.asarray(values(name), dtype=object)
            for name in COLUMNS
            if name not in CODED and name not in _NUMBERS
        }
        return cls(size, coded, numbers, objects)

    def column(self, name: str) -> Any:
        """One column as objects (a missing code as ``None``), or as ``Int64``."""
        import numpy as np

        if name in self.numbers:
            return self.numbers[name]
        if name in self.coded:
            codes, categories = self.coded[name]
            shown = np.empty(len(categories) + 1, dtype=object)  # the last, None: code -1
            shown[: len(categories)] = categories
            return shown[codes]
        return self.objects[name]


@dataclass
class Findings:
    """The findings of one validation run, in the order they were found.

    Findings added one at a time come first in :meth:`frame`, then each frame added, in
    the order they were added.
    """

    _pending: dict[str, list[Any]] = field(default_factory=lambda: {c: [] for c in COLUMNS})
    _singles: list[_Batch] = field(default_factory=list)
    _frames: list[_Batch] = field(default_factory=list)

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
        pending = self._pending
        for name, item in (
            ("file", file), ("sheet", sheet), ("row", row), ("column", column),
            ("letter", letter), ("value", value), ("check", check), ("severity", severity),
            ("message", message), ("expected", expected), ("fixed_value", fixed_value),
            ("record", record),
        ):  # fmt: skip
            pending[name].append(item)
        if len(pending["check"]) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        size = len(self._pending["check"])
        if size:
            self._singles.append(_Batch.of(self._pending, size))
            self._pending = {c: [] for c in COLUMNS}

    def add_frame(self, frame: pd.DataFrame) -> None:
        """Add many findings at once: a frame with (a subset of) :data:`COLUMNS`."""
        if len(frame):
            columns = {c: frame[c] for c in COLUMNS if c in frame}
            self._frames.append(_Batch.of(columns, len(frame)))

    def frame(self) -> pd.DataFrame:
        """Every finding as one table with :data:`COLUMNS`, rows and records as nullable ints."""
        import numpy as np
        import pandas as pd

        self._flush()
        batches = [*self._singles, *self._frames]
        columns: dict[str, pd.Series] = {}
        for name in COLUMNS:
            if name in _NUMBERS:
                parts = [pd.Series(b.column(name)) for b in batches]
                columns[name] = (
                    pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype="Int64")
                )
            else:
                parts = [b.column(name) for b in batches] or [np.empty(0, dtype=object)]
                columns[name] = pd.Series(np.concatenate(parts), dtype=object)
        table = pd.DataFrame(columns)
        for text in ("file", "sheet", "column", "letter", "check", "severity", "message"):
            table[text] = table[text].fillna("").astype(str)
        table["expected"] = table["expected"].fillna("").astype(str)
        return table
