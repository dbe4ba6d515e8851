"""A respondent key that is the submission's own ID, as phone exports carry it.

A form imported from an XLSForm without a declared key is keyed by ``instanceID``: the ID the
phone gives each submission (ODK's ``meta/instanceID``, KoboToolbox's ``_uuid``,
SurveyCTO's ``KEY``). Whichever of these an export has fills the column; a row whose export
gives no ID is one submission all the same, and is identified by its file and row (said in a
``submission_id_from_row`` finding), so that distinct submissions are never taken for
copies of each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..instrument import Instrument
from . import exports
from .findings import Findings

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["fill_submission_key", "submission_key"]


def submission_key(instrument: Instrument) -> str | None:
    """The key column when the instrument is keyed by the submission's ID, else ``None``."""
    if len(instrument.key) != 1:
        return None
    code = instrument.key[0]
    return code if code.casefold() in exports.SUBMISSION_ID else None


def fill_submission_key(
    instrument: Instrument,
    raw: pd.DataFrame,
    submissions: pd.Series,
    names: pd.Series,
    findings: Findings,
) -> pd.DataFrame:
    """``raw`` with a blank submission-ID key filled from the export's ID, else the row.

    Parameters
    ----------
    instrument : Instrument
    raw : DataFrame
        The answers as read, indexed by record.
    submissions : Series
        The submission ID each row's export gives (``None`` where it gives none).
    names : Series
        ``"<file> row <n>"`` of each record.
    findings : Findings
        Receives a ``submission_id_from_row`` finding for each row identified by its place.
    """
    import pandas as pd

    code = submission_key(instrument)
    if code is None or raw.empty:
        return raw
    values = raw[code].astype(object)
    blank = values.isna() | values.astype(str).str.strip().eq("")
    if not bool(blank.any()):
        return raw
    given = submissions.astype(object).where(submissions.notna(), None)
    filled = values.where(~blank, given)
    still = filled.isna() | filled.astype(str).str.strip().eq("")
    filled = filled.where(~still, names)
    records = raw.index[still.to_numpy()]
    findings.add_frame(
        pd.DataFrame(
            {
                "record": records,
                "column": code,
                "value": None,
                "fixed_value": [names[r] for r in records],
                "check": "submission_id_from_row",
                "severity": "fixed",
                "message": [
                    f"the export gives this submission no ID; it is identified as {names[r]!r}"
                    for r in records
                ],
            }
        )
    )
    out = raw.copy()
    out[code] = pd.Series(filled, index=raw.index, dtype=object)
    return out
