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
from collections.abc import Mapping
from typing import Any

from ..instrument import Instrument
from ..workbook import META_SHEET
from . import header_row
from .answer_rows import Return, extract_rows, extract_table
from .findings import Findings
from .headers import HEADER_SEARCH_ROWS, cell_text, match_headers
from .reading import ReadFile, Refused, Sheet

__all__ = ["LANGUAGE_SAMPLE", "Return", "lay_out"]

LANGUAGE_SAMPLE = 200
"""The first answers of each choice column read to tell in which language a file writes its
choices (:func:`_usual_language`)."""


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
        laid = extract_table(sheet, name, headers, first_data, findings)
    else:
        laid = extract_rows(sheet, name, headers, first_data, findings, keep)
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
            first = [v for v in cells.slice(0, LANGUAGE_SAMPLE).to_pylist() if v is not None]
        else:
            first = (
                cells.iloc[:LANGUAGE_SAMPLE].dropna()
                if hasattr(cells, "iloc")
                else cells[:LANGUAGE_SAMPLE]
            )
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
