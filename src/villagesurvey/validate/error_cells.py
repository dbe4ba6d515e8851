"""Cells that hold what no one typed as an answer: spreadsheet errors and logical values.

A cell whose formula or link broke holds an error value (``#REF!``, ``#N/A``, ...); a CSV
file saved from such a sheet holds its text. Either way it is not an answer: each is an
``error_cell`` error with the error's text as the value, and the cell is read as blank by
the other checks (so it is not reported twice). A logical value (``TRUE``/``FALSE``) in a
text question is read as text and reported (``boolean_cell``, a warning). A text holding an
invisible control character (``\x01``, ESC) is kept as it is in the CSV outputs, shown as
``\x01`` in issues.xlsx, and reported (``control_character``, a warning).

A CSV file's column (Arrow text) is first looked at as bytes: one that holds no text
starting with ``#`` and no control byte has nothing to report, and is passed over without
a Python object per cell; any other column is looked at cell by cell.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .arrow_buffers import text_offsets
from .findings import Findings

if TYPE_CHECKING:
    import numpy as np
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

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)
"""The bytes of ``_CONTROL``'s characters in UTF-8 (below 0x80 a byte is a whole character)."""


def find_error_cells(
    instrument: Instrument, raw: pd.DataFrame, findings: Findings
) -> set[tuple[int, str]]:
    """Report error cells and logical values; return the error cells as (record, column)."""
    broken: set[tuple[int, str]] = set()
    errors = list(ERROR_VALUES)
    for column in instrument.columns:
        values = raw[column.code]
        if _nothing_to_report(values):
            continue
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
        _control_characters(column.code, values, findings)
    return broken


def _control_characters(code: str, values: pd.Series, findings: Findings) -> None:
    """Report texts with control characters; each different text is looked at once."""
    import pandas as pd

    codes, uniques = pd.factorize(values)
    bad = [i for i, v in enumerate(uniques) if isinstance(v, str) and _CONTROL.search(v)]
    if not bad:
        return
    where = pd.Series(codes, index=values.index)
    for record, number in where[where.isin(bad)].items():
        value: Any = uniques[number]
        shown = ", ".join(sorted({f"\\x{ord(c):02x}" for c in _CONTROL.findall(value)}))
        findings.add(
            file="", check="control_character", severity="warning", column=code,
            value=value, record=int(record), expected="text without control characters",
            message=(
                f"the answer holds the invisible control character {shown}; it is kept as it "
                "is, and shown as such in issues.xlsx"
            ),
        )  # fmt: skip


def _nothing_to_report(values: pd.Series) -> bool:
    """Whether an Arrow text column surely holds no error value and no control character.

    Read from the column's bytes: no text starts with ``#`` (as every error value does)
    and no byte is a control character's. ``False`` says only "look cell by cell".
    """
    import numpy as np
    import pyarrow as pa

    if getattr(values.dtype, "storage", None) != "pyarrow":
        return False
    column = pa.array(values.array)
    chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
    for chunk in chunks:
        if not pa.types.is_string(chunk.type) and not pa.types.is_large_string(chunk.type):
            return False
        data_buffer = chunk.buffers()[2]
        if data_buffer is None or len(chunk) == 0:
            continue
        offsets = text_offsets(chunk)
        data = np.frombuffer(data_buffer, dtype=np.uint8)[offsets[0] : offsets[-1]]
        if (data == ord("#")).any() and _starts_with_hash(data, offsets - offsets[0]):
            return False  # a "#" somewhere is rare: only then where each text starts
        low = len(data) and data.min() < 0x20  # tabs and line ends are no control; the rest are
        if low and np.isin(data[data < 0x20], _CONTROL_BYTES).any():
            return False
        if (data == 0x7F).any():
            return False
    return True


def _starts_with_hash(data: np.ndarray, offsets: np.ndarray) -> bool:
    """Whether a non-empty text starts with ``#``; ``offsets`` into ``data``."""
    starts = offsets[:-1][offsets[1:] > offsets[:-1]]  # where each non-empty text starts
    return bool((data[starts] == ord("#")).any())
