"""Rows that hold totals (``合计``, ``Total``) a clerk added below the respondents."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from ..instrument import Instrument
from .arrow_lane import arrow_text
from .findings import Findings
from .result import FILE

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["TOTAL_WORDS", "find_total_rows"]

TOTAL_WORDS = frozenset(
    {"合计", "总计", "合計", "總計", "小计", "total", "totals", "sum", "grand total"}
)
"""A row whose text cell says one of these is a total a clerk added, not a respondent."""


def find_total_rows(instrument: Instrument, raw: pd.DataFrame, findings: Findings) -> list[int]:
    """Report rows that hold totals (``合计``, ``Total``) and return their records.

    Each different text of a column is looked at once (a column of 100,000 answers holds
    far fewer different texts).
    """
    import numpy as np
    import pandas as pd

    found: list[int] = []
    texts = [c.code for c in instrument.columns if c.question.type == "text"]
    for code in texts:
        if arrow_text(raw[code]) and not _holds_total(raw[code]):
            continue
        numbers, uniques = pd.factorize(raw[code])
        total = np.array(
            [_is_total(v) for v in uniques.tolist()],  # one call, not an object per step
            dtype=bool,
        )
        if not total.any():
            continue
        hit = np.zeros(len(numbers), dtype=bool)
        hit[numbers >= 0] = total[numbers[numbers >= 0]]
        for record in raw.index[hit]:
            findings.add(
                file=raw.at[record, FILE], check="total_row", severity="error", column=code,
                value=raw.at[record, code], record=int(record),
                message="a total row, not a respondent; totals are computed from the data",
            )  # fmt: skip
            found.append(int(record))
    return sorted(set(found))


def _is_total(value: object) -> bool:
    """Whether a cell says it is a total (:data:`TOTAL_WORDS`)."""
    if not isinstance(value, str):
        return False
    return unicodedata.normalize("NFKC", value).strip().casefold() in TOTAL_WORDS


def _holds_total(column: pd.Series) -> bool:
    """Whether an Arrow text column holds a total's text, each different text looked at once
    (a text of ASCII digits alone, a phone number or a code, is none)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    different = pc.unique(pa.array(column.array)).drop_null()
    words = different.filter(pc.invert(pc.ascii_is_decimal(different)))
    return any(_is_total(text) for text in words.to_pylist())
