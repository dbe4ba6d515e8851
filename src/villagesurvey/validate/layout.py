"""Lay a return out on the instrument: which template made it, where each column is.

A return made from our blank workbook says which instrument made it (the ``_instrument``
sheet) and holds question codes in its code row. A return that lost that sheet, a CSV, or
one whose headers were edited is read by matching its header cells to column codes (or
to their labels in any language; see :mod:`.headers`). Every deviation is a finding;
nothing is read by position alone.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ..instrument import Instrument
from ..workbook import META_SHEET
from . import exports, header_row
from .findings import Findings, column_letter
from .headers import HEADER_SEARCH_ROWS, Headers, cell_text, match_headers
from .reading import ReadFile, Refused, Sheet

__all__ = ["Return", "lay_out"]

_SAMPLE = 200


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


def lay_out(
    instrument: Instrument,
    read: ReadFile,
    name: str,
    findings: Findings,
    keep: frozenset[int] = frozenset(),
) -> Return | Refused:
    """Find the answers of a read file and report every way its layout differs.

    Parameters
    ----------
    instrument : Instrument
        The instrument the returns should follow.
    read : ReadFile
        The file as read.
    name : str
        The file's name as reports show it.
    findings : Findings
        Where layout findings (old template, renamed or missing columns, ...) go.
    keep : frozenset of int, optional
        Excel rows that are respondents even without an answer: the submissions of a phone
        export whose answers are all in their repeat groups (:mod:`.export_repeats`).

    Returns
    -------
    Return or Refused
        The laid-out answers, or the reason the file cannot be read as this instrument.
    """
    meta_sheet = read.sheets.get(META_SHEET)
    meta = _meta(meta_sheet) if meta_sheet is not None else {}
    refusal, old = _check_identity(instrument, read, name, meta, meta_sheet, findings)
    if refusal is not None:
        return refusal
    data_name = str(meta.get("data_sheet", ("", 0))[0]) or next(
        (n for n in read.sheets if n != META_SHEET), ""
    )
    sheet = read.sheets.get(data_name)
    if sheet is None:
        return Refused(
            read.path,
            read.sha256,
            "no_data_sheet",
            f"the answers should be on sheet {data_name!r}, which is missing; "
            "was it renamed or deleted?",
        )
    code_row = header_row.code_row(instrument, sheet, meta, meta_sheet, name, findings)
    if code_row is None:
        return Refused(
            read.path,
            read.sha256,
            "no_header_row",
            f"sheet {sheet.name!r} has no row of question codes (such as "
            f"{', '.join(c.code for c in instrument.columns[:3])}) in its first "
            f"{HEADER_SEARCH_ROWS} rows; is it a return of {instrument.id}?",
        )
    first_data = code_row + 1
    header_row.report_above(instrument, sheet, name, code_row, findings)
    headers = match_headers(instrument, sheet, code_row, name, findings, expect_order=bool(meta))
    if old is not None and meta_sheet is not None:
        found = {**headers.positions, **{c: s[0][1] for c, s in headers.options.items()}}
        _report_old_template(instrument, name, meta_sheet.name, old, found, findings)
    if meta_sheet is None and read.format != "csv" and not headers.metadata:
        findings.add(
            file=name,
            check="no_template_metadata",
            severity="warning",
            message=(
                f"the file has no {META_SHEET!r} sheet, so it cannot say which instrument "
                "version made it; its columns are matched by their headers"
            ),
        )
    if sheet.table is not None:
        laid = _extract_table(sheet, name, headers, first_data, findings)
    else:
        laid = _extract(sheet, name, headers, first_data, findings, keep)
    language = str(meta["language"][0]) if "language" in meta else None
    if language not in instrument.languages:
        language = _usual_language(instrument, laid.values)
    return dataclasses.replace(laid, language=language, typed_cells=read.format != "csv")


def _usual_language(instrument: Instrument, values: Mapping[str, Any]) -> str | None:
    """How a file that does not say writes its choices: labels of one language, or codes.

    Decided by the first answers of each choice column; ``None`` means codes.
    """
    votes: Counter[str | None] = Counter()
    for column in instrument.columns:
        cells = values.get(column.code)
        if cells is None or not len(cells) or column.question.type not in ("select_one", "likert"):
            continue
        choices = instrument.choice_list(column.question)
        codes = {str(c.code) for c in choices}
        labels = {lang: {c.label[lang] for c in choices} for lang in instrument.languages}
        if hasattr(cells, "to_pylist"):  # Arrow text of a CSV file
            first = [v for v in cells.slice(0, _SAMPLE).to_pylist() if v is not None]
        else:
            first = cells.iloc[:_SAMPLE].dropna() if hasattr(cells, "iloc") else cells[:_SAMPLE]
        for value in first:
            key = cell_text(value)
            if key in (None, ""):
                continue
            key = str(key)
            if key in codes:
                votes[None] += 1
            else:
                votes.update(lang for lang, names in labels.items() if key in names)
    if not votes:
        return None
    return max(votes, key=lambda lang: (votes[lang], lang is None))


def _meta(sheet: Sheet) -> dict[str, tuple[Any, int]]:
    """``key -> (value, Excel row)`` of the template's ``_instrument`` sheet."""
    meta: dict[str, tuple[Any, int]] = {}
    for offset, row in enumerate(sheet.rows):
        cells = [*list(row), None, None]
        key, value = cells[0], cells[1]
        if isinstance(key, str) and key.strip():
            meta[key.strip()] = (cell_text(value), sheet.first_row + offset)
    return meta


def _check_identity(
    instrument: Instrument,
    read: ReadFile,
    name: str,
    meta: dict[str, tuple[Any, int]],
    meta_sheet: Sheet | None,
    findings: Findings,
) -> tuple[Refused | None, tuple[str, int] | None]:
    """A refusal for another instrument's return; the version and its row if it is older."""
    if meta_sheet is None:
        return None, None
    ident = meta.get("instrument_id", ("", 0))[0]
    if ident and ident != instrument.id:
        refused = Refused(
            read.path,
            read.sha256,
            "other_instrument",
            f"it is a return of instrument {ident!r}, not {instrument.id!r}; "
            "validate it with its own instrument",
        )
        return refused, None
    version, version_row = meta.get("instrument_version", ("", 0))
    sha, sha_row = meta.get("instrument_sha256", ("", 0))
    if version and version != instrument.version:
        return None, (version, version_row)
    elif sha and sha != instrument.content_hash:
        findings.add(
            file=name,
            sheet=meta_sheet.name,
            row=sha_row,
            letter="B",
            value=sha[:12],
            check="changed_instrument",
            severity="warning",
            expected=instrument.content_hash[:12],
            message=(
                f"made from a different text of version {version} of {instrument.id} "
                "(the content fingerprint differs); check that the questions are the same"
            ),
        )
    return None, None


def _report_old_template(
    instrument: Instrument,
    name: str,
    sheet: str,
    old: tuple[str, int],
    positions: dict[str, int],
    findings: Findings,
) -> None:
    """Say which version made the workbook and what it lacks."""
    version, row = old
    missing = [c.code for c in instrument.columns if c.code not in positions]
    lacks = f"; it has no {', '.join(missing)}" if missing else ""
    findings.add(
        file=name, sheet=sheet, row=row, letter="B", value=version, check="old_template",
        severity="warning", expected=instrument.version,
        message=(
            f"made from version {version} of {instrument.id}, not {instrument.version}{lacks}; "
            "the other columns are read by their codes"
        ),
    )  # fmt: skip


def _extract(
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
            _report_blank(name, sheet.name, blank, findings, submitted)
            blank = []
        kept.append(excel_row)
        keep.append(offset)
    _report_blank(name, sheet.name, [r for r in blank if r in submitted], findings, submitted)
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


def _extract_table(
    sheet: Sheet,
    name: str,
    headers: Headers,
    first_data: int,
    findings: Findings,
) -> Return:
    """:func:`_extract` for a sheet read in columns: no Python value per cell."""
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
    _report_blank(
        name, sheet.name, excel[said].tolist(), findings, set(excel[submissions].tolist())
    )
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


def _report_blank(
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
