"""Where a sheet's header row is, and the rows that are not read.

The ``_instrument`` sheet of a return says where its question codes are; what it says is
checked against the sheet, as the rest of the return is untrusted. Every row that holds
values but is not read as a respondent's (above the header row, or with values only in
columns the instrument does not have) is reported at its row as ``row_not_read``, so that
rows in = clean + quarantined + not read, whatever the layout.
"""

from __future__ import annotations

from typing import Any

from ..instrument import Instrument
from ..workbook import META_SHEET
from .findings import Findings
from .headers import code_hits, find_header_row, is_heading
from .reading import Sheet

__all__ = ["ONLY_UNKNOWN", "code_row", "is_empty", "report_above", "report_not_read"]


def is_empty(value: Any) -> bool:
    """A cell with nothing in it (or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def code_row(
    instrument: Instrument,
    sheet: Sheet,
    meta: dict[str, tuple[Any, int]],
    meta_sheet: Sheet | None,
    name: str,
    findings: Findings,
) -> int | None:
    """The row of question codes: where the metadata says, if the sheet agrees; else found.

    The ``_instrument`` sheet of a return is as untrusted as the rest of it: an enumerator
    may have deleted the label rows, or edited the metadata. What it says is checked against
    what the data sheet holds, and a disagreement is a finding.
    """
    claimed, claimed_at = meta.get("code_row", (None, 0))
    claimed_row = _int(claimed)
    found = find_header_row(instrument, sheet)
    hits = code_hits(instrument, sheet, claimed_row) if claimed_row is not None else 0
    trusted = hits > 0 and (found is None or hits >= code_hits(instrument, sheet, found))
    code_row = claimed_row if trusted else found
    data_claim, data_at = meta.get("first_data_row", (None, 0))
    wrong = []
    if claimed not in (None, "") and code_row is not None and claimed_row != code_row:
        wrong.append(("code_row", claimed, claimed_at, code_row))
    if data_claim not in (None, "") and code_row is not None and _int(data_claim) != code_row + 1:
        wrong.append(("first_data_row", data_claim, data_at, code_row + 1))
    for key, value, row, actual in wrong:
        findings.add(
            file=name, sheet=meta_sheet.name if meta_sheet else "", row=row, letter="B",
            value=str(value), check="template_metadata_mismatch", severity="warning",
            expected=str(actual),
            message=(
                f"the {META_SHEET!r} sheet says {key} is {value}, but the sheet {sheet.name!r} "
                f"has it at {actual}; the sheet was read as it is"
            ),
        )  # fmt: skip
    return code_row


def report_above(
    instrument: Instrument, sheet: Sheet, name: str, code_row: int, findings: Findings
) -> None:
    """Report each row above the header row that holds values: it is not read.

    A row of column or section names belongs to the header. A row with one filled cell is
    most likely a title: a warning; a row with more holds answers: an error.
    """
    for offset, cells in enumerate(sheet.rows[: max(code_row - sheet.first_row, 0)]):
        if all(is_empty(v) for v in cells) or is_heading(instrument, list(cells)):
            continue
        filled = sum(not is_empty(v) for v in cells)
        report_not_read(
            name, sheet.name, sheet.first_row + offset,
            "it is above the header row (the row of question codes), so it was not read; "
            "move it below the header" + (" if it holds answers" if filled == 1 else ""),
            findings, severity="warning" if filled == 1 else "error",
        )  # fmt: skip


def report_not_read(
    name: str, sheet: str, row: int, why: str, findings: Findings, severity: str = "error"
) -> None:
    findings.add(
        file=name, sheet=sheet, row=row, check="row_not_read", severity=severity,
        message=f"row {row} holds values but is not a respondent's row: {why}",
    )  # fmt: skip


ONLY_UNKNOWN = (
    "its values are only in columns the instrument does not have, so it was not read; "
    "check the headers"
)
