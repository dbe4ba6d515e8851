"""Render a codebook as an Excel workbook: variables, choices, and what it describes.

Sheets (names in the codebook's language): ``Variables`` (one row per dataset column, with
its statistics given a dataset), ``Choices`` (one row per answer of every choice question,
with its count), ``About``. Every text is stored as text, never as a formula; statistics are
numbers, unrounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..codebook import CodebookRow
from .codebook_export import Codebook, percent

if TYPE_CHECKING:
    from openpyxl import Workbook

__all__ = ["codebook_workbook"]


def codebook_workbook(codebook: Codebook) -> Workbook:
    """The codebook as an openpyxl workbook (write-only; save it once).

    Parameters
    ----------
    codebook : Codebook
        What :func:`~villagesurvey.export.build_codebook` gathered.

    Returns
    -------
    openpyxl.Workbook
    """
    from openpyxl import Workbook

    from ..tables.xlsx import add_table_sheet

    w = codebook.words
    book = Workbook(write_only=True)
    header, rows = _variables(codebook)
    add_table_sheet(book, w["variables"], header, rows, note=None)
    header, rows = _choices(codebook)
    add_table_sheet(book, w["choices"], header, rows, note=None)
    add_table_sheet(book, w["about"], [w["item"], w["value"]], _about(codebook), note=None)
    return book


def _variables(codebook: Codebook) -> tuple[list[str], list[list[Any]]]:
    w = codebook.words
    languages = codebook.instrument.languages
    header = [w["variable"], *(w["label"].format(lang=lang) for lang in languages)]
    fields = ("section", "roster", "type", "unit", "required", "allowed", "expected", "wave",
              "relevant", "pii", "scale", "part_of")  # fmt: skip
    header += [w[k] for k in fields]
    if codebook.statistics is not None:
        header += [w[k] for k in ("n", "missing", "skipped", "mean", "sd", "min", "median",
                                  "max", "distinct")]  # fmt: skip
    rows = []
    for level in (codebook, *codebook.rosters):
        for row in level.rows:
            cells: list[Any] = [row.code, *(row.label[lang] for lang in languages)]
            cells += [
                row.section, level.roster or None, row.type, row.unit,
                w["yes"] if row.required else "", row.allowed[codebook.language],
                row.expected, row.wave, row.relevant, w["yes"] if row.pii else "", row.scale,
                row.part_of,
            ]  # fmt: skip
            if codebook.statistics is not None:
                cells += _statistics(level, row)
            rows.append(cells)
    return header, rows


def _statistics(level: Codebook, row: CodebookRow) -> list[Any]:
    if level.statistics is None:  # a roster whose table was not given
        return [None] * 9
    found = level.statistics.get(row.code)
    if found is None:  # personal data
        return [level.words["no_statistics"], *[None] * 8]
    return [found.n, found.missing, found.not_asked, found.mean, found.sd, found.min,
            found.median, found.max, found.distinct]  # fmt: skip


def _choices(codebook: Codebook) -> tuple[list[str], list[list[Any]]]:
    w = codebook.words
    languages = codebook.instrument.languages
    header = [w["variable"], w["code"], w["stata_spss"], w["option_column"]]
    header += [w["label"].format(lang=lang) for lang in languages]
    stats = codebook.statistics
    if stats is not None:
        header += [w["count"], w["percent"]]
    rows: list[list[Any]] = []
    pairs = [(level, row) for level in (codebook, *codebook.rosters) for row in level.rows]
    for level, row in pairs:
        numbers = level.numbers.get(row.code, {})
        options = level.options.get(row.code, {})
        found = level.statistics.get(row.code) if level.statistics is not None else None
        counts = dict(found.counts) if found is not None else {}
        for choice in row.choices:
            key = str(choice.code)
            stored = None if options else numbers.get(key, choice.code)
            cells: list[Any] = [row.code, choice.code, stored, options.get(key)]
            cells += [choice.label[lang] for lang in languages]
            if found is not None:
                count = counts.get(choice.code, 0)
                cells += [count, percent(count, found.n)]
            elif stats is not None:
                cells += [None, None]
            rows.append(cells)
    return header, rows


def _about(codebook: Codebook) -> list[list[Any]]:
    from .._version import package_version

    w = codebook.words
    instrument = codebook.instrument
    rows: list[list[Any]] = [
        [w["instrument"], instrument.id],
        [w["version"], instrument.version],
        ["sha256", instrument.content_hash],
    ]
    rows += [[f"title ({lang})", text] for lang, text in instrument.title.items()]
    if codebook.statistics is not None:
        rows += [[w["data"], codebook.source], [w["rows"], codebook.rows_in_data]]
    for level in codebook.rosters:
        rows.append([f"{w['roster']} {level.roster}", ", ".join(level.instrument.key)])
        if level.statistics is not None:
            rows += [[f"{w['data']} ({level.roster})", level.source],
                     [f"{w['rows']} ({level.roster})", level.rows_in_data]]  # fmt: skip
    rows.append(["generator", f"villagesurvey {package_version()}"])
    return rows
