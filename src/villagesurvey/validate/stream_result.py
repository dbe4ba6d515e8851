"""What the streamed path makes of its partitions: each partition as a validation, and the
whole batch's counts (:class:`StreamedValidation`), the rows being in the files written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .parquet_tables import table_name
from .result import PROVENANCE, Validation

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["STREAMED_OUTPUTS", "PartValidation", "StreamedValidation"]


STREAMED_OUTPUTS = (
    "clean.csv", "quarantine.csv", "issues.csv", "issues.xlsx", "audit.csv", "dropped.csv",
    "summary.json",
)  # fmt: skip
"""The files :func:`.stream_writing.validate_streamed` writes (and each roster's clean,
quarantine, dropped); with Parquet, ``clean.parquet`` and ``quarantine.parquet`` in place of
the first two."""


@dataclass
class PartValidation(Validation):
    """One partition as a validation: its clean rows and quarantine, as the whole batch's.

    ``raw`` may hold only some records (those quarantined, those with a finding), with
    ``heads`` the columns of their own (file, sheet, row, submission) of every record
    (:class:`.partition_check.Waiting`)."""

    shown: frozenset[str] = frozenset()
    heads: pd.DataFrame | None = None

    def _own(self) -> pd.DataFrame:
        return self.raw if self.heads is None else self.heads

    def _provenance(self, records: pd.Index) -> dict[str, pd.Series]:
        return {
            key: self._own().loc[records, name]
            for key, name in PROVENANCE.items()
            if key in self.shown  # as the whole batch says, not the partition alone
        }


@dataclass
class StreamedValidation(Validation):
    """What a streamed validation found: the counts, not the rows (they are in the files)."""

    totals: dict[str, int] = field(default_factory=dict)
    tally: dict[str, dict[str, int]] = field(default_factory=dict)
    table_format: str = "csv"

    @property
    def written(self) -> list[str]:
        """The files written, in the order the console summary names them."""
        tables = [table_name(stem, self.table_format) for stem in ("clean", "quarantine")]
        rosters = [table_name(f"{kind}_{code}", "csv" if kind == "dropped" else self.table_format)
                   for code in self.rosters
                   for kind in ("clean", "quarantine", "dropped")]  # fmt: skip
        return [*tables, *rosters, *STREAMED_OUTPUTS[2:]]

    @property
    def rows_in(self) -> int:
        return self.totals["rows"] + self.totals["not_read"]

    @property
    def rows_not_read(self) -> int:
        return self.totals["not_read"]

    @property
    def rows_quarantined(self) -> int:
        return self.totals["quarantined"]

    @property
    def rows_clean(self) -> int:
        return self.totals["rows"] - self.totals["quarantined"]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        return self.tally

    @property
    def exit_code(self) -> int:
        if not any(f.status == "read" for f in self.files):
            return 2
        levels = (self.counts, *(v.counts for v in self.rosters.values()))
        return 1 if any("error" in c for c in levels) or self.refused else 0
