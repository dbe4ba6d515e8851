"""Read the repeat tables of phone exports as the rows of the instrument's rosters.

The exports of KoboToolbox (XLS: a sheet per repeat), ODK Central (CSV zip: a file per
repeat) and SurveyCTO (long format: a file per repeat) are described in
:mod:`.repeat_tables`. Each repeat table is matched to the roster its repeat became when the
form was imported (by name, else by the questions its columns name), and each of its rows is
given its household's key columns (copied from the submission it belongs to) and its number
within the household (the ``[n]`` of ODK's ``KEY``; for KoboToolbox, its place among the rows
of the same ``_parent_index``), unless the table has that column itself. The rows are then laid
out and checked as a roster sheet of our workbooks is (:mod:`.rosters`).

Findings, each at its file, sheet and row: a row whose parent is not in the batch
(``roster_orphan``; a row whose parent is quarantined is ``parent_quarantined``, as for a
workbook), a repeat the instrument has no roster for (``unknown_repeat``), a repeat within a
repeat (``nested_repeat``: not read), an export with no table of a roster
(``no_roster_sheet``).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument, Roster
from ..workbook import META_SHEET
from .exports import field_code
from .findings import Findings
from .headers import cell_text
from .layout import Return, lay_out
from .reading import ReadFile, Refused, Sheet
from .repeat_tables import (
    RepeatTable,
    data_rows,
    filled_rows,
    find_links,
    first_value,
    is_nested,
    key_name,
    key_parts,
    main_index,
    sheet_matches,
    stem_name,
    whole_number,
)
from .submission_key import submission_key

if TYPE_CHECKING:
    from .rosters import RosterReturns
    from .run import FileReport, Validation

__all__ = ["ExportRepeats", "no_repeat_tables"]

_CSV_CUT = (
    "KoboToolbox's CSV export holds the main table only: download its XLS export, which has "
    "a sheet per repeat"
)


class ExportRepeats:
    """Gathers the repeat tables of a batch while it is read, then links them to households."""

    def __init__(self, instrument: Instrument) -> None:
        self.instrument = instrument
        self.tables: list[tuple[RepeatTable, Roster]] = []
        self.pending: list[RepeatTable] = []
        self.exports: list[str] = []

    def take(self, read: ReadFile, name: str, files: list[FileReport]) -> bool:
        """Keep a file that holds a repeat's rows only (ODK's ``<form>-<repeat>.csv``).

        Returns ``True`` when the file is such a table: it is then not a return of the
        household level, and is listed in ``files`` as read.
        """
        from .run import FileReport

        if META_SHEET in read.sheets or len(read.sheets) != 1:
            return False
        sheet = next(iter(read.sheets.values()))
        found = find_links(sheet)
        if found is None:
            return False
        header, links = found
        table = RepeatTable(name, sheet, header, links, sheet.name, read=_bare(read))
        if not table.kobo:
            table.name = key_name(table) or stem_name(sheet.name)
        self.pending.append(table)
        files.append(FileReport(name, read.path, read.sha256, "read", read.format))
        return True

    def parents(self, read: ReadFile) -> frozenset[int]:
        """Excel rows of a KoboToolbox export's main sheet that its repeat sheets refer to.

        Such a row is a submission even when it answers no household question (a form of
        repeats only): :func:`.layout.lay_out` reads it rather than skip it as blank.
        """
        sheets = list(read.sheets.values())
        if META_SHEET in read.sheets or len(sheets) < 2:
            return frozenset()
        index = main_index(sheets[0])
        rows: set[int] = set()
        for sheet in sheets[1:]:
            found = find_links(sheet)
            if found is None or "_parent_index" not in found[1]:
                continue
            header, links = found
            table = RepeatTable("", sheet, header, links, sheet.name)
            parent = first_value(table, "_parent_table_name")
            if parent is not None and not sheet_matches(sheets[0].name, parent):
                continue  # a repeat within a repeat
            at = links["_parent_index"]
            for row in sheet.rows[header + 1 :]:
                number = whole_number(row[at]) if at < len(row) else None
                if number is not None and number in index:
                    rows.add(index[number])
        return frozenset(rows)

    def add(self, read: ReadFile, name: str, household: Return) -> None:
        """Note a phone export of the household level, and keep its repeat sheets (KoboToolbox)."""
        if META_SHEET in read.sheets:
            return
        if household.provenance:
            self.exports.append(name)
        sheets = [s for s in read.sheets.values() if s.name != household.sheet]
        main = read.sheets.get(household.sheet)
        if not sheets or main is None:
            return
        index = main_index(main)
        for sheet in sheets:
            found = find_links(sheet)
            if found is None:
                continue
            header, links = found
            table = RepeatTable(name, sheet, header, links, sheet.name, main=index)
            table.parent_table = first_value(table, "_parent_table_name")
            table.read = _bare(read)
            self.pending.append(table)

    def prepare(self, findings: Findings) -> None:
        """Match each table to its roster; report the others, and rosters no export has."""
        found: dict[str, set[str]] = {}
        for table in self.pending:
            head = table.sheet.rows[table.header + 1 :]
            siblings = {
                t.sheet.name for t in self.pending if t.main is not None and t.file == table.file
            }
            if is_nested(table, head, siblings - {table.sheet.name}):
                filled = filled_rows(table)
                findings.add(
                    file=table.file, sheet=table.sheet.name, severity="warning",
                    check="nested_repeat",
                    message=f"repeat {table.name!r} ({filled} rows) sits within another "
                    "repeat; a roster within a roster is not read from exports, so these "
                    "rows are not validated",
                )  # fmt: skip
                if (inner := _roster_for(self.instrument, table)) is not None:
                    level = table.file if table.main is not None else ""
                    found.setdefault(level, set()).add(inner.code)  # told above, not again
                continue
            roster = _roster_for(self.instrument, table)
            if roster is None:
                filled = filled_rows(table)
                findings.add(
                    file=table.file, sheet=table.sheet.name, severity="warning",
                    check="unknown_repeat",
                    message=f"the export holds repeat {table.name!r} ({filled} rows), which "
                    "the instrument has no roster for; its rows are not read",
                )  # fmt: skip
                continue
            self.tables.append((table, roster))
            level = table.file if table.main is not None else ""
            found.setdefault(level, set()).add(roster.code)
        self.pending = []
        for file in self.exports:
            have = found.get(file, set()) | found.get("", set())
            no_repeat_tables(self.instrument, file, have, findings)

    def link(self, household: Validation, rosters: RosterReturns) -> None:
        """Lay out every matched table on its roster, each row given its household's key."""
        if not self.tables:  # no repeat table: the households need not be indexed
            return
        parents = _Parents(household, self.instrument)
        for table, roster in self.tables:
            _lay_out(table, roster, parents, rosters)
        self.tables = []


def no_repeat_tables(instrument: Instrument, file: str, have: set[str], findings: Findings) -> None:
    """Warn of each roster of ``instrument`` that the phone export ``file`` holds no table of
    (``no_roster_sheet``); ``have`` names the rosters it has tables of."""
    for roster in instrument.rosters:
        if roster.code not in have:
            findings.add(
                file=file, check="no_roster_sheet", severity="warning",
                message=f"the export holds no table of repeat {roster.code!r}, so "
                f"its rows are not in this batch ({_CSV_CUT}; ODK Central's and "
                "SurveyCTO's have a CSV file per repeat)",
            )  # fmt: skip


class _Parents:
    """The households of the batch, found by submission ID or by file and Excel row."""

    def __init__(self, household: Validation, instrument: Instrument) -> None:
        from .result import FILE, PROVENANCE, ROW

        raw = household.raw
        self.raw = raw
        self.key = instrument.key
        self.by_id: dict[str, int] = {}
        self.by_row: dict[tuple[str, int], int] = {}
        submissions = raw[PROVENANCE["submission"]] if len(raw) else []
        for record, file, row, submission in zip(
            raw.index, raw[FILE], raw[ROW], submissions, strict=True
        ):
            self.by_row.setdefault((str(file), int(row)), int(record))
            if isinstance(submission, str) and submission:
                self.by_id.setdefault(submission, int(record))
        self.own_id = submission_key(instrument) is not None

    def keys(self, record: int | None) -> list[Any]:
        if record is None:
            return [None] * len(self.key)
        return [self.raw.at[record, code] for code in self.key]


def _lay_out(table: RepeatTable, roster: Roster, parents: _Parents, rosters: RosterReturns) -> None:
    """One table's rows as a roster return, with their households' keys added at the end."""
    from .run import FileReport

    assert table.read is not None
    code = roster.code
    rows = data_rows(table.sheet)
    headers = table.headers()
    own = {h.casefold(): h for h in headers if h}
    added = [c for c in (*parents.key, roster.key) if _code(c, own) is None]
    width = max(len(r) for r in rows)
    lost: dict[int, str] = {}
    own_keys: dict[int, Any] = {}  # ODK's KEY of each row: the repeat's own ID on the server
    body: list[list[Any]] = []
    numbers: Counter[Any] = Counter()
    for offset, row in enumerate(rows):
        cells = [*row, *([None] * (width - len(row)))]
        if offset < table.header:
            body.append([*cells, *([None] * len(added))])
            continue
        if offset == table.header:
            body.append([*_renamed(cells, roster), *added])
            continue
        parent, link, number, why = _parent(table, cells, parents, numbers)
        keys = parents.keys(parent)
        if parent is None and parents.own_id and link:
            keys = [link]  # keyed by the submission's ID: roster_orphan names it
        elif parent is None:
            lost[table.sheet.first_row + offset] = why
        given = dict(zip((*parents.key, roster.key), (*keys, number), strict=True))
        body.append([*cells, *(given[c] for c in added)])
        if not table.kobo:
            own_keys[table.sheet.first_row + offset] = cell_text(cells[table.links["key"]])
    sheet = Sheet(table.sheet.name, body, table.sheet.first_row, table.sheet.first_column, {})
    read = dataclasses.replace(table.read, sheets={sheet.name: sheet}, notes=())
    findings = rosters.findings[code]
    laid = lay_out(rosters.tables[code], read, table.file, findings)
    if isinstance(laid, Refused):
        findings.add(
            file=table.file, sheet=sheet.name, check="unknown_repeat", severity="error",
            message=f"repeat {table.name!r} ({filled_rows(table)} rows) could not be read as "
            f"roster {code!r}: {laid.reason}",
        )  # fmt: skip
        return
    provenance = dict(laid.provenance)
    if own_keys:
        provenance["submission"] = [own_keys.get(r) for r in laid.rows]
    laid = dataclasses.replace(
        laid,
        letters={c: letter for c, letter in laid.letters.items() if c not in added},
        provenance=provenance,
    )
    first = sum(len(r.rows) for r in rosters.returns[code])
    for place, excel_row in enumerate(laid.rows):
        if excel_row in lost:
            findings.add(
                file=table.file, sheet=sheet.name, row=excel_row, column=parents.key[0],
                check="roster_orphan", severity="error", message=lost[excel_row],
                record=first + place,
            )  # fmt: skip
    rosters.returns[code].append(laid)
    rosters.letters.update({(laid.file, laid.sheet, c): v for c, v in laid.letters.items()})
    if not any(f.name == table.file for f in rosters.files[code]):
        read_file = table.read
        rosters.files[code].append(
            FileReport(table.file, read_file.path, read_file.sha256, "read", read_file.format)
        )


def _parent(
    table: RepeatTable, cells: list[Any], parents: _Parents, numbers: Counter[Any]
) -> tuple[int | None, str | None, Any, str]:
    """``(household record, link, number within it, why no household)`` of one repeat row."""
    if table.kobo:
        index = whole_number(cells[table.links["_parent_index"]])
        numbers[index] += 1
        number = numbers[index] if index is not None else None
        at = table.links.get("_submission__uuid")
        uuid = cell_text(cells[at]) if at is not None else None
        link = uuid if isinstance(uuid, str) and uuid else None
        row = table.main.get(index) if table.main is not None and index is not None else None
        record = parents.by_row.get((table.file, row)) if row is not None else None
        if record is None and link is not None:  # a repeat sheet saved apart from its main
            record = parents.by_id.get(link)
        if record is not None:
            return record, link, number, ""
        if index is None:
            said = cell_text(cells[table.links["_parent_index"]])
            why = (
                f"its _parent_index {said!r} is not a row number"
                if said not in (None, "")
                else "its _parent_index is blank: it belongs to no submission"
            )
            return None, link, number, why
        if row is None:
            why = f"its _parent_index {index} is no row of the main sheet (no _index {index})"
        else:
            why = f"its _parent_index {index} is row {row} of the main sheet, not read as one"
        return record, link, number, why
    parent_key = cell_text(cells[table.links["parent_key"]])
    parts = key_parts(cells[table.links["key"]])
    number = parts[2] if parts is not None else None
    link = parent_key if isinstance(parent_key, str) and parent_key else None
    record = parents.by_id.get(link) if link is not None else None
    if link is None:
        why = "its PARENT_KEY is blank: the row belongs to no submission"
    else:
        why = f"its PARENT_KEY {link!r} is no submission of the batch"
    return record, link, number, why


def _roster_for(instrument: Instrument, table: RepeatTable) -> Roster | None:
    """The roster a repeat table holds: by the repeat's name, else by its columns."""
    named = [r for r in instrument.rosters if sheet_matches(table.name, r.code)]
    if len(named) == 1:
        return named[0]
    headers = table.headers()
    scores = []
    for roster in named or instrument.rosters:
        codes = {q.code.casefold(): q.code for q in roster.section.questions}
        scores.append((sum(_code(h, codes) is not None for h in headers if h), roster))
    best = max((s for s, _ in scores), default=0)
    top = [r for s, r in scores if s == best]
    return top[0] if best > 0 and len(top) == 1 else None


def _renamed(cells: list[Any], roster: Roster) -> list[Any]:
    """The header row, a field the import renamed (``name`` → ``name_2``) named as its code.

    A repeat's question named like a household question (``name`` in both) is given the next
    free code on import; the export still writes the form's name.
    """
    codes = [q.code for q in roster.section.questions]
    folded = {c.casefold() for c in codes}
    texts = [str(cell_text(c)) if isinstance(c, str) else None for c in cells]
    present = {t.casefold() for t in texts if t}
    out = list(cells)
    for i, text in enumerate(texts):
        if not text or text.casefold() in folded:
            continue
        tail = re.split(r"[/:\-]", text)[-1].casefold()
        if tail in folded:
            continue
        like = [c for c in codes if re.fullmatch(re.escape(tail) + r"_\d+", c.casefold())]
        if len(like) == 1 and like[0].casefold() not in present:
            out[i] = like[0]
    return out


def _code(header: str, codes: dict[str, str]) -> str | None:
    """The column a header names, with or without its groups' path."""
    return codes.get(header.strip().casefold()) or field_code(header, codes)


def _bare(read: ReadFile) -> ReadFile:
    """The file's path, SHA-256 and format, without its sheets (kept apart, as needed)."""
    return dataclasses.replace(read, sheets={}, notes=())
