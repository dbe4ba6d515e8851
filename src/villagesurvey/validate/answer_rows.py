"""The answer rows of a sheet laid out on the instrument: a :class:`Return`.

Once :mod:`.layout` knows where each column of the instrument is, the sheet's rows below the
header are read: each respondent's row kept with its Excel row, blank rows between
respondents reported (``blank_row``), rows holding only unknown columns reported as not read,
choices split over one column per option joined, and a phone export's submission ID and
time kept (its *provenance*). A workbook's sheet is read row by row (:func:`extract_rows`),
a CSV file's Arrow table column by column (:func:`extract_table`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import exports, header_row
from .findings import Findings, column_letter
from .headers import Headers, cell_text
from .reading import Sheet

__all__ = ["Return", "extract_rows", "extract_table", "report_blank"]


@dataclass(frozen=True)
class Return:
    """The answers of one returned file, column by column, still as they were typed.

    Attributes
    ----------
    file : str
        The file's name as reports show it.
    sheet : str
        The sheet the answers come from.
    rows : list of int
        The Excel row number of each respondent row (blank rows left out).
    values : dict
        For each instrument column present in the file, its raw cell values by row: a list,
        or for a CSV file a column of Arrow text (null for an empty cell).
    letters : dict
        The Excel letter of each instrument column present in the file.
    formulas : dict
        ``(row, column code) -> formula`` for answer cells that hold a formula.
    language : str or None
        The language whose choice labels the file holds silently (the template's language, or
        the one most of its choice answers use); ``None`` when it holds codes.
    typed_cells : bool
        ``True`` when cells keep their types (a workbook); ``False`` for a CSV file, where
        every value is text.
    provenance : dict
        Per row, what an ODK, KoboToolbox or SurveyCTO export says of the submission:
        ``"submission"`` (its instance ID, ``KEY`` or ``_uuid``) and ``"submitted"`` (when the
        server received it). Empty for a workbook.
    """

    file: str
    sheet: str
    rows: list[int]
    values: Mapping[str, Any]
    letters: dict[str, str]
    formulas: dict[tuple[int, str], str]
    language: str | None = None
    typed_cells: bool = True
    provenance: dict[str, list[Any]] = dataclasses.field(default_factory=dict)


def extract_rows(
    sheet: Sheet,
    name: str,
    headers: Headers,
    first_data: int,
    findings: Findings,
    submissions: frozenset[int] = frozenset(),
) -> Return:
    """The answer rows of the sheet; interior blank rows are reported and left out."""
    positions = headers.positions
    letters = {code: column_letter(number) for code, number in positions.items()}
    indexes = {code: number - sheet.first_column for code, number in positions.items()}
    flags = {
        code: [(option, number - sheet.first_column) for option, number in split]
        for code, split in headers.options.items()
    }
    metadata = {meta: number - sheet.first_column for meta, number in headers.metadata.items()}
    wanted = [*indexes.values(), *(i for split in flags.values() for _, i in split)]
    start = max(first_data - sheet.first_row, 0)
    body = sheet.rows[start:]
    width = max([*wanted, *metadata.values()], default=-1) + 1
    body = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in body]
    empty = [all(header_row.is_empty(row[i]) for i in wanted) for row in body]
    export_only = set(metadata.values())  # a submission with no answers is a blank row
    kept: list[int] = []
    keep: list[int] = []
    blank: list[int] = []
    submitted: set[int] = set()  # blank rows of a phone export that are submissions all the same
    for offset, is_empty in enumerate(empty):
        excel_row = sheet.first_row + start + offset
        cells = body[offset]
        is_empty = is_empty and excel_row not in submissions
        if is_empty and not all(
            header_row.is_empty(v) for i, v in enumerate(cells) if i not in export_only
        ):
            header_row.report_not_read(
                name, sheet.name, excel_row, header_row.ONLY_UNKNOWN, findings
            )
            continue
        if is_empty:
            blank.append(excel_row)
            if any(not header_row.is_empty(cells[i]) for i in export_only):
                submitted.add(excel_row)
            continue
        if blank:  # blank rows before a respondent; those after the last one are not news
            report_blank(name, sheet.name, blank, findings, submitted)
            blank = []
        kept.append(excel_row)
        keep.append(offset)
    report_blank(name, sheet.name, [r for r in blank if r in submitted], findings, submitted)
    rows = [body[offset] for offset in keep]
    columns = {code: [row[i] for row in rows] for code, i in indexes.items()}
    for code, split in flags.items():
        columns[code] = exports.join_options([(o, [row[i] for row in rows]) for o, i in split])
        letters[code] = column_letter(split[0][1] + sheet.first_column)
    codes = {number: code for code, number in positions.items()}
    formulas = {
        (row, codes[number]): formula
        for (row, number), formula in sheet.formulas.items()
        if number in codes and row >= first_data
    }
    provenance = _provenance(rows, metadata)
    return Return(name, sheet.name, kept, columns, letters, formulas, None, provenance=provenance)


def extract_table(
    sheet: Sheet,
    name: str,
    headers: Headers,
    first_data: int,
    findings: Findings,
) -> Return:
    """:func:`extract_rows` for a sheet read in columns: no Python value per cell."""
    import numpy as np
    import pyarrow as pa

    start = max(first_data - sheet.first_row, 0)
    body = sheet.table.slice(start)

    def column(number: int) -> Any:
        i = number - sheet.first_column
        if 0 <= i < body.num_columns:
            return body.column(i)
        return pa.chunked_array([pa.nulls(body.num_rows, pa.large_string())])

    split = [number for options in headers.options.values() for _, number in options]
    answers = [column(number) for number in {*headers.positions.values(), *split}]
    empty = ~_filled(answers, body.num_rows)
    excel = sheet.first_row + start + np.arange(body.num_rows)
    not_read = np.zeros(body.num_rows, dtype=bool)
    if empty.any():
        export_only = {number - sheet.first_column for number in headers.metadata.values()}
        cells = [body.column(i) for i in range(body.num_columns) if i not in export_only]
        not_read = _filled(cells, body.num_rows) & empty  # no answers: a blank row
        for row in excel[not_read].tolist():
            header_row.report_not_read(name, sheet.name, row, header_row.ONLY_UNKNOWN, findings)
    kept_at = np.flatnonzero(~empty)
    blank = empty & ~not_read
    said = blank.copy()  # blank rows before a respondent; those after the last one are not news
    said[kept_at[-1] if len(kept_at) else 0 :] = False
    submissions = np.zeros(body.num_rows, dtype=bool)
    if headers.metadata and blank.any():  # unless a phone export says they are submissions
        submitted = [column(number) for number in headers.metadata.values()]
        submissions = blank & _filled(submitted, body.num_rows)
        said |= submissions
    report_blank(name, sheet.name, excel[said].tolist(), findings, set(excel[submissions].tolist()))
    if len(kept_at) < body.num_rows:
        body = body.take(pa.array(kept_at))
    letters = {code: column_letter(number) for code, number in headers.positions.items()}
    columns: dict[str, Any] = {
        code: column(number) for code, number in headers.positions.items()
    }  # Arrow text, made pandas once for all files (a Series per file and column is costly)
    for code, options in headers.options.items():
        joined = exports.join_options(
            [(option, column(number).to_pylist()) for option, number in options]
        )
        columns[code] = pa.chunked_array([pa.array(joined, type=pa.large_string())])
        letters[code] = column_letter(options[0][1])
    metadata = {meta: number - sheet.first_column for meta, number in headers.metadata.items()}
    provenance = {}
    if metadata:  # only the export's own columns that are read, not every column up to them
        provenance = _provenance_of(lambda i: column(sheet.first_column + i).to_pylist(), metadata)
    kept = excel[kept_at].tolist()
    return Return(name, sheet.name, kept, columns, letters, {}, None, provenance=provenance)


_FEW_ROWS = 16
"""Up to this many rows, a column's cells are looked at in Python: a compute call costs more."""


def _filled(columns: list[Any], rows: int) -> Any:
    """Which rows hold more than spaces in any of these Arrow text columns (a NumPy mask).

    A file of a few rows has its columns looked at in one compute call, not one per column;
    in a longer one, each column after the first is looked at only in the rows not yet
    found filled (usually none: a respondent's row has its key).
    """
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    def mask(cells: Any) -> Any:
        filled = pc.not_equal(pc.utf8_trim_whitespace(cells), "")
        return np.array(pc.fill_null(filled, False).to_numpy(zero_copy_only=False), dtype=bool)

    if not columns:
        return np.zeros(rows, dtype=bool)
    if rows > _FEW_ROWS:
        filled = mask(columns[0])
        for cells in columns[1:]:
            rest = np.flatnonzero(~filled)
            if len(rest) == rows:
                filled = mask(cells)
            elif len(rest):
                filled[rest] = mask(cells.take(pa.array(rest)))
        return filled
    texts = [c.cast(pa.large_string()) for c in columns]
    cells = pa.chunked_array([chunk for c in texts for chunk in c.chunks], pa.large_string())
    return mask(cells).reshape(len(columns), rows).any(axis=0)


def _provenance(rows: list[list[Any]], metadata: dict[str, int]) -> dict[str, list[Any]]:
    """The submission ID and time of each row of a phone export."""
    return _provenance_of(lambda i: [row[i] for row in rows], metadata)


def _provenance_of(
    cells: Callable[[int], list[Any]], metadata: dict[str, int]
) -> dict[str, list[Any]]:
    """:func:`_provenance` from ``cells(i)``, the cells of the sheet's ``i``-th column."""
    out: dict[str, list[Any]] = {}
    for key, names in (
        ("submission", exports.SUBMISSION_ID),
        ("submitted", exports.SUBMITTED_AT),
    ):
        index = next((metadata[n] for n in names if n in metadata), None)
        if index is not None:
            out[key] = [cell_text(value) for value in cells(index)]
    return out


def report_blank(
    name: str, sheet: str, rows: list[int], findings: Findings, submissions: set[int]
) -> None:
    """Report blank rows; ``submissions`` are those a phone export holds (only its own columns)."""
    for row in rows:
        findings.add(
            file=name,
            sheet=sheet,
            row=row,
            check="blank_row",
            severity="fixed",
            message=(
                "a submission with no answer, only the export's own columns (its KEY, its "
                "time); skipped"
                if row in submissions
                else "an empty row between respondents; skipped"
            ),
        )
