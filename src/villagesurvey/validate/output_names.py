"""The names of a validation's output files, in either table format, and summary.json's
``outputs`` block that lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .parquet_tables import table_name

if TYPE_CHECKING:
    from .result import Validation

__all__ = ["OUTPUTS", "outputs_summary", "roster_outputs", "written_outputs"]


OUTPUTS = (
    "clean.csv", "quarantine.csv", "issues.csv", "issues.xlsx", "corrections.xlsx",
    "audit.csv", "dropped.csv", "dashboard.html", "summary.json",
)  # fmt: skip
"""The files :func:`.outputs.write_validation` writes."""


def written_outputs(validation: Validation, table_format: str = "csv") -> list[str]:
    """The files :func:`.outputs.write_validation` writes, in the order the console summary
    names them."""
    return [
        table_name("clean", table_format),
        table_name("quarantine", table_format),
        *roster_outputs(validation, table_format),
        *OUTPUTS[2:],
    ]


def outputs_summary(
    validation: Validation, table_format: str = "csv", partition_by: str | None = None
) -> dict[str, Any]:
    """summary.json's ``outputs``: the tables' format, their partition column, their names."""
    stems = ["clean", "quarantine"]
    stems += [f"{kind}_{code}" for code in validation.rosters for kind in ("clean", "quarantine")]
    return {
        "format": table_format,
        "partition_by": partition_by,
        "tables": [table_name(stem, table_format) for stem in stems],
    }


def roster_outputs(validation: Validation, table_format: str = "csv") -> list[str]:
    """The files written for the rosters: ``clean_<roster>.csv``, ``quarantine_<roster>.csv``,
    ``dropped_<roster>.csv``."""
    kinds = ("clean", "quarantine", "dropped")
    return [
        table_name(f"{kind}_{code}", "csv" if kind == "dropped" else table_format)
        for code in validation.rosters
        for kind in kinds
    ]
