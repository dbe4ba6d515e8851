"""Match the header row of a return to the instrument's columns.

A header may name a column by its code, by a variant of it (case, spaces, a required-mark
``*``), by its label in any language of the instrument, or, in an export of ODK Central,
KoboToolbox or SurveyCTO, by a field name with its group path (see :mod:`.exports`).
Every header that is not the code itself, every unknown or repeated header and every
missing column is a finding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..codebook import column_label
from ..instrument import Instrument
from . import exports
from .findings import Findings, column_letter
from .reading import Sheet
from .submission_key import submission_key

__all__ = [
    "HEADER_SEARCH_ROWS",
    "Headers",
    "cell_text",
    "code_hits",
    "find_header_row",
    "is_heading",
    "match_headers",
]

HEADER_SEARCH_ROWS = 12
"""How many rows from the top a header row is looked for in a file without metadata."""


def cell_text(value: Any) -> Any:
    """A header or key cell as text: ``3.0`` as ``"3"``, text stripped, others as they are."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value.strip() if isinstance(value, str) else value


def _fold(text: str) -> str:
    """A header as a key: NFKC, case-folded, spaces and dashes as ``_``, no required mark."""
    text = unicodedata.normalize("NFKC", text).strip().rstrip("*").strip().casefold()
    return re.sub(r"[\s\-]+", "_", text)


@dataclass(frozen=True)
class Headers:
    """Where each column's answers are in a sheet's header row."""

    positions: dict[str, int]
    """Column code → Excel column number."""
    options: dict[str, list[tuple[str, int]]]
    """A select_multiple split into 0/1 columns → ``(option, Excel column number)``."""
    metadata: dict[str, int]
    """Submission metadata of a phone export (``"_uuid"``, ...) → Excel column number."""


@dataclass(frozen=True)
class _Names:
    """Every way a header may name a column of the instrument."""

    index: dict[str, str]
    """Folded code or label (any language) → column code."""
    codes: dict[str, str]
    """Case-folded code → column code (for field names of phone exports)."""
    options: dict[str, list[str]]
    """The option codes of each select_multiple column."""
    exact: frozenset[str]
    """The column codes themselves."""
    sections: frozenset[str]
    """Folded section codes and labels (any language)."""
    points: frozenset[str] = frozenset()
    """The geopoint columns (an export may split each in four)."""
    parts: frozenset[str] = frozenset()
    """The blank workbook's four cells of each geopoint: their codes and labels, folded."""

    def code(self, text: str) -> tuple[str | None, bool]:
        """The column a header names and whether it names it by another name."""
        if text in self.exact:
            return text, False
        code = self.index.get(_fold(text))
        if code is not None:
            return code, True
        return exports.field_code(text, self.codes), False


_NAMES: dict[str, _Names] = {}


def _names(instrument: Instrument) -> _Names:
    """The header names of an instrument, worked out once per instrument content."""
    key = instrument.content_hash
    if key not in _NAMES:
        _NAMES[key] = _gather_names(instrument)
    return _NAMES[key]


def _gather_names(instrument: Instrument) -> _Names:
    index: dict[str, str] = {}
    for column in instrument.columns:
        for language in instrument.languages:
            index.setdefault(_fold(column_label(column, language)), column.code)
    for column in instrument.columns:
        index[_fold(column.code)] = column.code
    options = {
        column.code: [str(c.code) for c in instrument.choice_list(column.question)]
        for column in instrument.columns
        if column.question.type == "select_multiple"
    }
    codes = {column.code.casefold(): column.code for column in instrument.columns}
    sections = frozenset(
        _fold(text)
        for section in instrument.sections
        for text in [section.code, *section.label.values()]
    )
    points = frozenset(c.code for c in instrument.columns if c.question.type == "geopoint")
    exact = frozenset(c.code for c in instrument.columns)
    return _Names(index, codes, options, exact, sections, points, _point_parts(instrument))


def _point_parts(instrument: Instrument) -> frozenset[str]:
    """The codes and labels (every language) of the workbook's cells for geopoint parts."""
    from ..workbook._points import part_label, sheet_columns

    return frozenset(
        _fold(text)
        for code, column, part in sheet_columns(instrument)
        if part is not None
        for text in (code, *(part_label(column_label(column, lang), part, lang)
                             for lang in instrument.languages))
    )  # fmt: skip


def find_header_row(instrument: Instrument, sheet: Sheet) -> int | None:
    """The row (Excel number) that names most columns, codes before labels; ``None`` if none."""
    names = _names(instrument)
    keyed = submission_key(instrument) is not None  # the export's submission ID is the key
    best, best_row, first = (0, 0), None, None
    for offset, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = [v for v in row if isinstance(v, str)]
        if first is None and any(v.strip() for v in texts):
            first = sheet.first_row + offset
        found = [names.code(v) for v in texts]
        named = [renamed for code, renamed in found if code is not None]
        named += [v.strip() not in names.exact for v in texts if _fold(v) in names.parts]
        ids = sum(exports.metadata_name(v) in exports.SUBMISSION_ID for v in texts) if keyed else 0
        hits = (len(named) + ids, named.count(False) + ids)
        if hits > best:
            best, best_row = hits, sheet.first_row + offset
    if best[0] >= max(2, len(instrument.key)):
        return best_row
    # a file of one answer column: its first filled row names that column by its code
    single = best == (1, 1) and best_row == first and len(instrument.key) <= 1
    return best_row if single else None


def code_hits(instrument: Instrument, sheet: Sheet, row: int) -> int:
    """How many cells of an Excel row are column codes, exactly as the instrument spells them."""
    offset = row - sheet.first_row
    cells = sheet.rows[offset] if 0 <= offset < len(sheet.rows) else []
    return sum(1 for v in cells if isinstance(v, str) and v.strip() in _names(instrument).exact)


def is_heading(instrument: Instrument, cells: list[Any]) -> bool:
    """Whether a row above the header row belongs to the header, not to the answers.

    A row whose every filled cell names a column or a section (the template's section band
    and label row) belongs to the header.
    """
    names = _names(instrument)
    filled = [cell_text(v) for v in cells if cell_text(v) not in (None, "")]
    return bool(filled) and all(
        isinstance(v, str)
        and (names.code(v)[0] is not None or _fold(v) in names.sections or _fold(v) in names.parts)
        for v in filled
    )


def match_headers(
    instrument: Instrument,
    sheet: Sheet,
    code_row: int,
    name: str,
    findings: Findings,
    *,
    expect_order: bool,
) -> Headers:
    """Find each column's place, reporting renamed, moved, unknown and missing columns.

    Field names of phone exports (group paths, split select_multiple options, submission
    metadata) are that format's own way of naming columns, not deviations: they are read
    without a finding.
    """
    names = _names(instrument)
    offset = code_row - sheet.first_row
    header = sheet.rows[offset] if 0 <= offset < len(sheet.rows) else []
    headers = Headers({}, {}, {})
    positions = headers.positions
    where: dict[str, Any] = {"file": name, "sheet": sheet.name, "row": code_row}
    for i, cell in enumerate(header):
        number = sheet.first_column + i
        letter = column_letter(number)
        text = cell_text(cell)
        if text in (None, ""):
            continue
        text = str(text)
        code, renamed = names.code(text)
        if code is None:
            split = exports.option_column(text, names.codes, names.options)
            split = split or exports.geopoint_part(text, names.codes, names.points)
            if split is not None:
                headers.options.setdefault(split[0], []).append((split[1], number))
                continue
            meta = exports.metadata_name(text)
            if meta is not None:
                headers.metadata.setdefault(meta, number)
                continue
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
        meta = exports.metadata_name(text)
        if meta is not None:  # the submission ID as the key column: also the submission's ID
            headers.metadata.setdefault(meta, number)
        if renamed:
            findings.add(
                **where, column=code, letter=letter, value=text, check="renamed_column",
                severity="warning", expected=code,
                message=f"header {text!r} read as column {code}; restore the code {code!r}",
            )  # fmt: skip
        positions[code] = number
    for code in [c for c in headers.options if c in positions]:
        del headers.options[code]  # the answer is there whole: its split copy is not needed
    present = positions | {code: flags[0][1] for code, flags in headers.options.items()}
    key = submission_key(instrument)
    if key is not None and key not in present and set(headers.metadata) & {*exports.SUBMISSION_ID}:
        present[key] = headers.metadata[
            next(n for n in exports.SUBMISSION_ID if n in headers.metadata)
        ]
    _report_missing_and_moved(instrument, present, where, findings, expect_order=expect_order)
    return headers


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
