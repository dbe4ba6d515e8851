"""Lay a return out on the instrument: which template made it, where each column is.

A return made from our blank workbook says which instrument made it (the ``_instrument``
sheet) and holds question codes in its code row. A return that lost that sheet, a CSV, or
one whose headers were edited is read by matching its header cells to column codes (or
to their labels in any language). Every deviation is a finding; nothing is read by position
alone.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from ..codebook import column_label
from ..instrument import Instrument
from ..workbook import META_SHEET
from .findings import Findings, column_letter
from .reading import ReadFile, Refused, Sheet

__all__ = ["Return", "lay_out"]

_HEADER_SEARCH_ROWS = 12
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
        For each instrument column present in the file, its raw cell values by row.
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
    """

    file: str
    sheet: str
    rows: list[int]
    values: dict[str, list[Any]]
    letters: dict[str, str]
    formulas: dict[tuple[int, str], str]
    language: str | None = None
    typed_cells: bool = True


def lay_out(
    instrument: Instrument, read: ReadFile, name: str, findings: Findings
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
    code_row = _int(meta.get("code_row", (None, 0))[0]) or _find_header_row(instrument, sheet)
    if code_row is None:
        return Refused(
            read.path,
            read.sha256,
            "no_header_row",
            f"sheet {sheet.name!r} has no row of question codes (such as "
            f"{', '.join(c.code for c in instrument.columns[:3])}) in its first "
            f"{_HEADER_SEARCH_ROWS} rows; is it a return of {instrument.id}?",
        )
    first_data = _int(meta.get("first_data_row", (None, 0))[0]) or code_row + 1
    if not meta:
        first_data = code_row + 1
    positions = _match_headers(instrument, sheet, code_row, name, findings, expect_order=bool(meta))
    if old is not None and meta_sheet is not None:
        _report_old_template(instrument, name, meta_sheet.name, old, positions, findings)
    laid = _extract(sheet, name, positions, first_data, findings)
    language = str(meta["language"][0]) if "language" in meta else None
    if language not in instrument.languages:
        language = _usual_language(instrument, laid.values)
    return dataclasses.replace(laid, language=language, typed_cells=read.format != "csv")


def _usual_language(instrument: Instrument, values: dict[str, list[Any]]) -> str | None:
    """How a file that does not say writes its choices: labels of one language, or codes.

    Decided by the first answers of each choice column; ``None`` means codes.
    """
    votes: Counter[str | None] = Counter()
    for column in instrument.columns:
        cells = values.get(column.code)
        if not cells or column.question.type not in ("select_one", "likert"):
            continue
        choices = instrument.choice_list(column.question)
        codes = {str(c.code) for c in choices}
        labels = {lang: {c.label[lang] for c in choices} for lang in instrument.languages}
        for value in cells[:_SAMPLE]:
            key = _text(value)
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
            meta[key.strip()] = (_text(value), sheet.first_row + offset)
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
        if read.format != "csv":
            findings.add(
                file=name,
                check="no_template_metadata",
                severity="warning",
                message=(
                    f"the file has no {META_SHEET!r} sheet, so it cannot say which instrument "
                    "version made it; its columns are matched by their headers"
                ),
            )
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


def _text(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.strip() if isinstance(value, str) else value


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _fold(text: str) -> str:
    """A header as a key: NFKC, case-folded, spaces and dashes as ``_``, no required mark."""
    text = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


def _header_index(instrument: Instrument) -> dict[str, str]:
    """Every way a header may name a column (code or label, any language) → the code."""
    index: dict[str, str] = {}
    for column in instrument.columns:
        for language in instrument.languages:
            index.setdefault(_fold(column_label(column, language)), column.code)
    for column in instrument.columns:
        index[_fold(column.code)] = column.code
    return index


def _find_header_row(instrument: Instrument, sheet: Sheet) -> int | None:
    index = _header_index(instrument)
    best, best_row = 0, None
    for offset, row in enumerate(sheet.rows[:_HEADER_SEARCH_ROWS]):
        hits = sum(1 for v in row if isinstance(v, str) and _fold(v) in index)
        if hits > best:
            best, best_row = hits, sheet.first_row + offset
    return best_row if best >= max(2, len(instrument.key)) else None


def _match_headers(
    instrument: Instrument,
    sheet: Sheet,
    code_row: int,
    name: str,
    findings: Findings,
    *,
    expect_order: bool,
) -> dict[str, int]:
    """``column code -> Excel column number``, reporting renamed, moved, unknown and missing."""
    index = _header_index(instrument)
    offset = code_row - sheet.first_row
    header = sheet.rows[offset] if 0 <= offset < len(sheet.rows) else []
    positions: dict[str, int] = {}
    where: dict[str, Any] = {"file": name, "sheet": sheet.name, "row": code_row}
    for i, cell in enumerate(header):
        number = sheet.first_column + i
        letter = column_letter(number)
        text = _text(cell)
        if text in (None, ""):
            continue
        text = str(text)
        code = text if text in index.values() else index.get(_fold(text))
        if code is None:
            findings.add(
                **where, letter=letter, value=text, check="unknown_column", severity="warning",
                message=f"column {text!r} is not in the instrument; its values are not read",
            )  # fmt: skip
            continue
        if code in positions:
            findings.add(
                **where, column=code, letter=letter, value=text, check="duplicate_column",
                severity="warning",
                message=(
                    f"{code} appears again (first in column {column_letter(positions[code])}); "
                    "this copy is not read"
                ),
            )  # fmt: skip
            continue
        if text != code:
            findings.add(
                **where, column=code, letter=letter, value=text, check="renamed_column",
                severity="warning", expected=code,
                message=f"header {text!r} read as column {code}; restore the code {code!r}",
            )  # fmt: skip
        positions[code] = number
    _report_missing_and_moved(instrument, positions, where, findings, expect_order=expect_order)
    return positions


def _report_missing_and_moved(
    instrument: Instrument,
    positions: dict[str, int],
    where: dict[str, Any],
    findings: Findings,
    *,
    expect_order: bool,
) -> None:
    missing = [c.code for c in instrument.columns if c.code not in positions]
    if missing:
        findings.add(
            **where, value=", ".join(missing), check="missing_column", severity="warning",
            message=(
                f"{len(missing)} column{'s' * (len(missing) != 1)} of the instrument "
                f"{'are' if len(missing) != 1 else 'is'} missing: {', '.join(missing)}; "
                "their answers are blank"
            ),
        )  # fmt: skip
    if expect_order:
        present = [c.code for c in instrument.columns if c.code in positions]
        moved = [
            code
            for expected, code in enumerate(present, start=1)
            if positions[code] != expected and code not in missing
        ]
        by_place = sorted(present, key=positions.__getitem__)
        if moved and by_place != present:
            findings.add(
                **where, value=", ".join(moved), check="moved_column",
                severity="warning",
                message=(
                    "columns are not in the template's order (moved: "
                    f"{', '.join(moved[:8])}{' ...' if len(moved) > 8 else ''}); "
                    "they are read by their codes"
                ),
            )  # fmt: skip


def _extract(
    sheet: Sheet,
    name: str,
    positions: dict[str, int],
    first_data: int,
    findings: Findings,
) -> Return:
    """The answer rows of the sheet; interior blank rows are reported and left out."""
    letters = {code: column_letter(number) for code, number in positions.items()}
    indexes = {code: number - sheet.first_column for code, number in positions.items()}
    start = max(first_data - sheet.first_row, 0)
    body = sheet.rows[start:]
    width = max(indexes.values(), default=-1) + 1
    body = [row if len(row) >= width else [*row, *([None] * (width - len(row)))] for row in body]
    wanted = list(indexes.values())
    empty = [all(_is_empty(row[i]) for i in wanted) for row in body]
    kept: list[int] = []
    keep: list[int] = []
    blank: list[int] = []
    for offset, is_empty in enumerate(empty):
        excel_row = sheet.first_row + start + offset
        if is_empty:
            blank.append(excel_row)
            continue
        if blank:  # blank rows before a respondent; those after the last one are not news
            _report_blank(name, sheet.name, blank, findings)
            blank = []
        kept.append(excel_row)
        keep.append(offset)
    rows = [body[offset] for offset in keep]
    columns = {code: [row[i] for row in rows] for code, i in indexes.items()}
    codes = {number: code for code, number in positions.items()}
    formulas = {
        (row, codes[number]): formula
        for (row, number), formula in sheet.formulas.items()
        if number in codes and row >= first_data
    }
    return Return(name, sheet.name, kept, columns, letters, formulas, None)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _report_blank(name: str, sheet: str, rows: list[int], findings: Findings) -> None:
    for row in rows:
        findings.add(
            file=name,
            sheet=sheet,
            row=row,
            check="blank_row",
            severity="fixed",
            message="an empty row between respondents; skipped",
        )
