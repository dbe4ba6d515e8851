"""Cells that hold what no one typed as an answer: spreadsheet errors and logical values.

A cell whose formula or link broke holds an error value (``#REF!``, ``#N/A``, ...); a CSV
file saved from such a sheet holds its text. Either way it is not an answer: each is an
``error_cell`` error with the error's text as the value, and the cell is read as blank by
the other checks (so it is not reported twice). A logical value (``TRUE``/``FALSE``) in a
text question is read as text and reported (``boolean_cell``, a warning).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..instrument import Instrument
from .findings import Findings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ERROR_VALUES", "find_error_cells"]

ERROR_VALUES = frozenset(
    {
        "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
        "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
        "#EXTERNAL!", "#PYTHON!", "#NAME!",
    }
)  # fmt: skip
"""The error values of Excel (and the text a CSV export writes for them)."""


def find_error_cells(
    instrument: Instrument, raw: pd.DataFrame, findings: Findings
) -> set[tuple[int, str]]:
    """Report error cells and logical values; return the error cells as (record, column)."""
    broken: set[tuple[int, str]] = set()
    errors = list(ERROR_VALUES)
    for column in instrument.columns:
        values = raw[column.code]
        hits = values.isin(errors).to_numpy(dtype=bool)
        for record, value in zip(values.index[hits], values[hits], strict=True):
            broken.add((int(record), column.code))
            findings.add(
                file="", check="error_cell", severity="error", column=column.code,
                value=value, record=int(record), expected="an answer",
                message=(
                    f"the cell holds the spreadsheet error {value}, not an answer (a formula "
                    "or link broke); type the answer itself"
                ),
            )  # fmt: skip
        if column.question.type == "text" and values.dtype == object:
            logical = values.map(lambda v: isinstance(v, bool)).to_numpy(dtype=bool)
            for record, value in zip(values.index[logical], values[logical], strict=True):
                findings.add(
                    file="", check="boolean_cell", severity="warning", column=column.code,
                    value=str(value), record=int(record), expected="text",
                    message=(
                        f"the cell holds a logical value (TRUE or FALSE), not text; read as the "
                        f"text {value}"
                    ),
                )  # fmt: skip
    return broken
