"""Corrections: decisions a supervisor took on the returns, applied with an audit trail.

A corrections file (``corrections.xlsx`` as :mod:`.correction_sheet` writes it, or a CSV
file with the same header) holds one decision per line. Each line names a respondent by
the instrument's key (``file`` and ``row`` only tell two rows with one key apart, or name
a respondent whose key is blank), a ``column``, the ``value`` the cell held when the line
was written, an ``action`` and for ``replace`` a ``new_value``:

``replace``
    the cell gets ``new_value`` (a choice as the label its file uses); every check runs on it.
``blank``
    the cell is cleared.
``confirm``
    the value stays; a warning on it becomes a ``confirmed`` note.
``drop``
    the respondent leaves the dataset for ``dropped.csv`` (a duplicate interview, a test).

A line whose respondent or column is not found, whose ``value`` is no longer the cell's,
whose new value is not allowed, or that disagrees with another line on the same cell is
not applied: it is reported as an error at its line of the corrections file. Source files
are never written; the changes are made on the values as read.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReturnsError
from ..instrument import Instrument
from ..instrument.model import NUMERIC_TYPES, SELECT_TYPES
from ..tables.safe import shown_name
from .cells import HIDDEN, parse_number, show
from .findings import Findings
from .roster_corrections import line_level

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ACTIONS",
    "AUDIT_COLUMNS",
    "FIELDS",
    "Applied",
    "Correction",
    "CorrectionsFile",
    "apply_corrections",
    "read_corrections",
]

ACTIONS = ("replace", "confirm", "drop", "blank")
FIELDS = (
    "file", "row", "column", "label", "value", "check", "message",
    "action", "new_value", "reason", "who", "when",
)  # fmt: skip
"""The columns of a corrections file after the key columns, in the template's order."""
AUDIT_COLUMNS = (
    "respondent", "file", "row", "column", "before", "after", "action", "reason", "who",
    "when", "corrections_file", "line",
)  # fmt: skip
"""The columns of ``audit.csv``."""
_FILE, _ROW = "_file", "_row"


@dataclass(frozen=True)
class Correction:
    """One line of a corrections file; ``line`` is its row (as Excel or a text editor shows it)."""

    line: int
    key: tuple[str, ...]
    fields: dict[str, str]
    formula: bool = False
    roster: str = ""
    """The roster whose row the line names (:mod:`.roster_corrections`); blank: a household."""

    def get(self, name: str) -> str:
        """A field's text, stripped; blank if the file has no such column."""
        return self.fields.get(name, "")


@dataclass(frozen=True)
class CorrectionsFile:
    """A corrections file as read: its name, its SHA-256 and its lines with an action."""

    name: str
    sha256: str
    lines: tuple[Correction, ...]
    header: tuple[str, ...] = ()


@dataclass
class Applied:
    """What applying a corrections file did; see :func:`apply_corrections`."""

    source: CorrectionsFile
    audit: list[tuple[Any, ...]] = field(default_factory=list)
    dropped: dict[int, Correction] = field(default_factory=dict)
    dropped_rows: Any = None
    confirmed: dict[tuple[int, str], Correction] = field(default_factory=dict)


def _text(value: object) -> str:
    return unicodedata.normalize("NFC", show(value)).strip()


def read_corrections(path: str | Path, instrument: Instrument, **reading: Any) -> CorrectionsFile:
    """Read a corrections file (.xlsx or .csv) with the safeguards of any return.

    Raises
    ------
    ReturnsError
        If the file cannot be read or has no ``action`` and ``column`` columns.
    """
    from .reading import Refused, read_returns

    path = Path(path)
    name = shown_name(path.name)
    if not path.is_file():
        raise ReturnsError(f"corrections file {shown_name(str(path))} not found")
    result = next(iter(read_returns([path], **reading)))
    if isinstance(result, Refused):
        raise ReturnsError(f"corrections file {name} cannot be read: {result.reason}")
    sheet = next(iter(result.sheets.values()))
    rows = sheet.rows
    if sheet.table is not None:
        rows = [list(r.values()) for r in sheet.table.to_pylist()]
    header = [_text(v).casefold() for v in (rows[0] if rows else [])]
    if "action" not in header or "column" not in header:
        raise ReturnsError(
            f"corrections file {name}: the first row must name the columns (at least "
            "'action' and 'column', as in the corrections.xlsx that validate writes)"
        )
    lines = []
    for offset, row in enumerate(rows[1:], start=1):
        cells = {h: _text(v) for h, v in zip(header, row, strict=False) if h}
        line = sheet.first_row + offset
        formula = any(r == line for r, _ in sheet.formulas)
        if not any(cells.values()) and not formula:
            continue
        roster, key = line_level(instrument, cells)
        lines.append(Correction(line, key, cells, formula, roster))
    return CorrectionsFile(name, result.sha256, tuple(lines), tuple(header))


def apply_corrections(
    instrument: Instrument, raw: pd.DataFrame, source: CorrectionsFile, findings: Findings
) -> tuple[pd.DataFrame, Applied]:
    """Apply the decided lines of a corrections file to the rows as read.

    Returns the rows with the corrections made (dropped respondents removed) and what was
    applied; every change and every line not applied is added to ``findings``.
    """
    applied = Applied(source)
    targets = _targets(instrument, raw, source, findings)
    changes: list[tuple[int, str, Any, Correction]] = []
    for (record, column), lines in targets.items():
        first = lines[0]
        if len({(c.get("action"), c.get("new_value")) for c in lines}) > 1:
            for c in lines:
                others = ", ".join(str(o.line) for o in lines if o is not c)
                why = f"disagrees with line {others} on the same cell; none is applied"
                _problem(findings, source, c, "correction_conflict", why)
            continue
        for c in lines[1:]:
            _problem(findings, source, c, "correction_duplicate",
                     f"repeats line {first.line}; applied once", severity="warning")  # fmt: skip
        if column == "":
            applied.dropped[record] = first
            continue
        if (record, "") in targets:
            _problem(findings, source, first, "correction_moot",
                     "the respondent is dropped by another line", severity="warning")  # fmt: skip
            continue
        change = _cell_change(instrument, raw, source, first, record, column, findings)
        if change is not None:
            changes.append((*change, first))
            if first.get("action") == "confirm":
                applied.confirmed[(record, column)] = first
    return _commit(instrument, raw, applied, changes, findings), applied


def _targets(
    instrument: Instrument, raw: pd.DataFrame, source: CorrectionsFile, findings: Findings
) -> dict[tuple[int, str], list[Correction]]:
    """Each decided line's (record, column); ``""`` as the column of a drop."""
    codes = {c.code for c in instrument.columns}
    index: dict[tuple[str, ...], list[int]] = {}
    for record, *key in raw[list(instrument.key)].itertuples(name=None):
        index.setdefault(tuple(_text(v) for v in key), []).append(int(record))
    places = {(str(f), _text(r)): int(i) for i, f, r in raw[[_FILE, _ROW]].itertuples(name=None)}
    targets: dict[tuple[int, str], list[Correction]] = {}
    for c in source.lines:
        action = c.get("action").casefold()
        if c.formula:
            why = "a cell of the line holds a formula; type the values themselves"
            _problem(findings, source, c, "correction_formula", why)
            continue
        if not action:
            continue  # not decided yet
        if c.roster:
            _problem(findings, source, c, "correction_roster", _no_roster(c, instrument))
            continue
        if action not in ACTIONS:
            why = f"unknown action {c.get('action')!r}; use one of {', '.join(ACTIONS)}"
            _problem(findings, source, c, "correction_action", why)
            continue
        column = "" if action == "drop" else c.get("column")
        if column and column not in codes:
            _problem(findings, source, c, "correction_column",
                     f"no column {column!r} in {instrument.id} {instrument.version}")  # fmt: skip
            continue
        if action != "drop" and not column:
            _problem(findings, source, c, "correction_column", f"{action} needs a column")
            continue
        record = _respondent(c, index, places, findings, source)
        if record is not None:
            targets.setdefault((record, column), []).append(c)
    return targets


def _no_roster(c: Correction, instrument: Instrument) -> str:
    if c.get("roster") or c.get("sheet"):
        return f"no roster {c.roster!r} in {instrument.id} {instrument.version}"
    return f"the key columns name rows of {c.roster}; say which in the column 'roster'"


def _respondent(
    c: Correction,
    index: dict[tuple[str, ...], list[int]],
    places: dict[tuple[str, str], int],
    findings: Findings,
    source: CorrectionsFile,
) -> int | None:
    """The record a line names: by key; by file and row among several, or without a key."""
    place = places.get((c.get("file"), c.get("row")))
    if any(c.key):
        found = index.get(c.key, [])
        if len(found) > 1:
            found = [place] if place in found else []
            if not found:
                _problem(findings, source, c, "correction_respondent",
                         f"{len(index[c.key])} respondents have the key {_shown_key(c.key)}; "
                         "give the file and row of the one meant")  # fmt: skip
                return None
    else:
        found = [place] if place is not None else []
    if not found:
        _problem(findings, source, c, "correction_respondent",
                 f"no respondent with the key {_shown_key(c.key)} in the returns")  # fmt: skip
        return None
    return found[0]


def _shown_key(key: tuple[str, ...]) -> str:
    return " / ".join(key) if any(key) else "(blank) at that file and row"


def _cell_change(
    instrument: Instrument,
    raw: pd.DataFrame,
    source: CorrectionsFile,
    c: Correction,
    record: int,
    column: str,
    findings: Findings,
) -> tuple[int, str, Any] | None:
    """The new value of one cell, or ``None`` (and a finding) if the line does not fit."""
    action = c.get("action").casefold()
    now = _text(raw.at[record, column])
    was = c.get("value")
    if was != HIDDEN and was != now:
        _problem(findings, source, c, "correction_stale",
                 f"written for the value {was!r}, but the cell now holds {now!r}; "
                 "check the line again and write the value it holds")  # fmt: skip
        return None
    if action == "confirm":
        return (record, column, raw.at[record, column])
    if action == "blank":
        return (record, column, None)
    language = raw.at[record, "_language"] if "_language" in raw else None
    new, why = _allowed(instrument, column, c.get("new_value"), language)
    if why:
        _problem(findings, source, c, "correction_value", why)
        return None
    return (record, column, new)


def _allowed(
    instrument: Instrument, column: str, new: str, language: Any = None
) -> tuple[Any, str]:
    """The value to store and why it is not allowed (``""`` if it is).

    A number is stored as a number; one choice as its label in the language the row's file
    holds silently (``language``), or as its code when the file has none; several choices
    as their codes.
    """
    if not new:
        return new, "replace needs a new_value (to clear the cell, use blank)"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in new):
        return new, "the new value holds control characters"
    question = instrument.column(column).question
    if question.type in SELECT_TYPES or question.type == "likert":
        choices = instrument.choice_list(question)
        codes: dict[str, int | str] = {str(ch.code): ch.code for ch in choices}
        codes |= {label.casefold(): ch.code for ch in choices for label in ch.label.values()}
        parts = new.split() if question.type == "select_multiple" else [new]
        if question.type == "select_multiple" and not all(p.casefold() in codes for p in parts):
            parts = [p.strip() for p in new.replace(";", ",").split(",")]
        if not all(p.casefold() in codes for p in parts):
            allowed = ", ".join(f"{ch.code} ({next(iter(ch.label.values()))})" for ch in choices)
            return new, f"{new!r} is not one of the choices: {allowed}"
        if question.type != "select_multiple":
            chosen = next(ch for ch in choices if ch.code == codes[parts[0].casefold()])
            if isinstance(language, str) and language in chosen.label:
                return chosen.label[language], ""
            return chosen.code, ""
        return " ".join(str(codes[p.casefold()]) for p in parts), ""
    if question.type in NUMERIC_TYPES:
        parsed = parse_number(new)
        if parsed is None:
            return new, f"{new!r} is not a number"
        number = parsed[0]
        low, high = question.min, question.max
        below = isinstance(low, int | float) and number < low
        if below or (isinstance(high, int | float) and number > high):
            return new, f"{new} is outside the hard limits {low} to {high}"
        return int(number) if number.is_integer() else number, ""
    return new, ""


def _commit(
    instrument: Instrument,
    raw: pd.DataFrame,
    applied: Applied,
    changes: list[tuple[int, str, Any, Correction]],
    findings: Findings,
) -> pd.DataFrame:
    """Make the changes on a copy of the touched columns; log each in findings and audit."""
    source = applied.source
    out = raw.copy(deep=False)
    for record, column, new, c in changes:
        confirm = (record, column) in applied.confirmed
        before = _text(raw.at[record, column])
        after = before if confirm else _text(new)
        if not confirm:
            values = out[column].astype(object) if out[column].dtype != object else out[column]
            values = values.copy()
            values.at[record] = new
            out[column] = values
            findings.add(
                file="", check=f"correction_{c.get('action').casefold()}", severity="corrected",
                column=column, value=before, fixed_value=after, record=record,
                message=_said(source, c, f"{before!r} → {after!r}"),
            )  # fmt: skip
        applied.audit.append(_audit(instrument, raw, record, column, before, after, c, source))
    for record, c in sorted(applied.dropped.items()):
        applied.audit.append(_audit(instrument, raw, record, "", "", "", c, source))
        findings.add(
            file=str(raw.at[record, _FILE]), row=int(raw.at[record, _ROW]),
            check="correction_drop", severity="corrected", message=_said(source, c, "dropped"),
        )  # fmt: skip
    applied.dropped_rows = raw.loc[sorted(applied.dropped)]
    return out.drop(index=sorted(applied.dropped)) if applied.dropped else out


def _said(source: CorrectionsFile, c: Correction, what: str) -> str:
    why = f": {c.get('reason')}" if c.get("reason") else ""
    when = f", {c.get('when')}" if c.get("when") else ""
    who = f" ({c.get('who')}{when})" if c.get("who") else ""
    return f"{c.get('action').casefold()} at line {c.line} of {source.name}{why}{who}; {what}"


def _audit(
    instrument: Instrument,
    raw: pd.DataFrame,
    record: int,
    column: str,
    before: str,
    after: str,
    c: Correction,
    source: CorrectionsFile,
) -> tuple[Any, ...]:
    key = " / ".join(_text(raw.at[record, k]) for k in instrument.key)
    return (
        key, str(raw.at[record, _FILE]), int(raw.at[record, _ROW]), column, before, after,
        c.get("action").casefold(), c.get("reason"), c.get("who"), c.get("when"),
        source.name, c.line,
    )  # fmt: skip


def _problem(
    findings: Findings,
    source: CorrectionsFile,
    c: Correction,
    check: str,
    message: str,
    *,
    severity: str = "error",
) -> None:
    findings.add(
        file=source.name, row=c.line, column=c.get("column"), value=c.get("new_value") or None,
        check=check, severity=severity, message=f"not applied: {message}",
    )  # fmt: skip
