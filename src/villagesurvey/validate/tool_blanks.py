"""Blanks that phone tools do not write as blanks.

KoboToolbox's older exports (kobocat) and Ona write ``n/a`` in the cell of a question the
skip rules did not ask. In a file that is a phone export (it carries a submission ID or time),
``n/a`` is read as a blank, and each such cell is logged as ``tool_blank`` (fixed). In a
workbook filled by hand, ``n/a`` is an answer like any other and is checked as such.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..instrument import Instrument
from .findings import Findings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TOOL_BLANKS", "read_tool_blanks"]

TOOL_BLANKS = frozenset({"n/a"})
"""Cell texts (case-folded) that an export writes for a question not asked."""


def read_tool_blanks(
    instrument: Instrument, raw: pd.DataFrame, exported: pd.Series, findings: Findings
) -> pd.DataFrame:
    """``raw`` with the tools' blanks blanked in the rows of phone exports.

    Parameters
    ----------
    instrument : Instrument
    raw : DataFrame
        The answers as read, indexed by record.
    exported : Series of bool
        True for a record read from a phone export.
    findings : Findings
        Receives one ``tool_blank`` finding per cell blanked.
    """
    import pandas as pd

    if not bool(exported.any()):
        return raw
    out = raw
    for column in instrument.columns:
        cells = raw[column.code]
        text = cells.astype("string").str.strip().str.casefold()
        marked = (text.isin(TOOL_BLANKS).fillna(False) & exported).to_numpy(dtype=bool)
        if not marked.any():
            continue
        if out is raw:
            out = raw.copy()
        records = raw.index[marked]
        findings.add_frame(
            pd.DataFrame(
                {
                    "record": records,
                    "column": column.code,
                    "value": cells[marked].to_numpy(dtype=object),
                    "check": "tool_blank",
                    "severity": "fixed",
                    "message": "read as a blank: the export's mark for a question not asked",
                }
            )
        )
        out[column.code] = cells.mask(pd.Series(marked, index=cells.index))  # same dtype
    return out
