"""A sheet of an XLSForm as rows of named cells, whatever the spelling of its headers.

Headers are read as pyxform reads them, case-insensitively and with the aliases teams use:
``list name`` / ``list_name``, ``relevance`` / ``relevant``, ``constraint message`` /
``constraint_message``, and a translated column's language after ``::`` (ODK, KoboToolbox)
or a single ``:`` (SurveyCTO: ``label:English``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

__all__ = ["TRANSLATABLE", "Row", "Table", "cell_text", "read_table"]

#: Columns that have a text per language.
TRANSLATABLE = frozenset(
    {"label", "hint", "constraint_message", "required_message", "guidance_hint"}
)
_ALIASES = {
    "relevance": "relevant",
    "caption": "label",
    "constraining_message": "constraint_message",
    "jr:constraintmsg": "constraint_message",
    "jr:requiredmsg": "required_message",
    "jr:count": "repeat_count",
    "count": "repeat_count",
    "calculate": "calculation",
    "read_only": "readonly",
    "id_string": "form_id",
    "set_form_id": "form_id",
    "set_form_title": "form_title",
}
_PREFIXED = ("bind", "body", "media", "instance")  # bind::attr, media::image::English (en)


def cell_text(value: Any) -> str:
    """A cell as the text XLSForm means by it: ``1.0`` is ``1``, a date its ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class _Header:
    text: str  # as written
    key: str  # the column it is: label, type, bind::villagesurvey:scale, ...
    language: str | None  # the language as written, "" for none; None when not translated


def _header(text: str, sheet: str) -> _Header:
    parts = text.split("::")
    base = parts[0].strip().lower().replace(" ", "_")
    if base in _PREFIXED and len(parts) > 1:
        key = f"{base}::{parts[1].strip().lower()}"
        return _Header(text, key, "::".join(parts[2:]).strip() if base == "media" else None)
    if len(parts) == 1 and ":" in text:
        head, _, rest = text.partition(":")
        head = head.strip().lower().replace(" ", "_")
        if _ALIASES.get(head, head) in TRANSLATABLE:  # SurveyCTO: label:English
            return _Header(text, _ALIASES.get(head, head), rest.strip())
    if sheet == "choices" and base in ("value", "list"):
        base = "name" if base == "value" else "list_name"
    key = _ALIASES.get(base, base)
    if key in TRANSLATABLE or len(parts) > 1:
        return _Header(text, key, "::".join(parts[1:]).strip())
    return _Header(text, key, None)


@dataclass
class Row:
    """One row of a sheet: its number, its plain cells and its texts per language."""

    number: int
    cells: dict[str, str] = field(default_factory=dict)
    texts: dict[str, dict[str, str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)  # key -> the header as written

    def get(self, key: str) -> str:
        """The stripped text of a plain cell, ``""`` if empty."""
        return self.cells.get(key, "").strip()


@dataclass
class Table:
    """A sheet read into rows; ``languages`` are its translated columns as (column, language
    as written), ``""`` for a column without a language."""

    sheet: str
    rows: list[Row]
    keys: list[str]  # the columns in order, each once
    languages: list[tuple[str, str]]
    headers: dict[str, str]  # key (or key::language) -> header as written


def read_table(rows: Sequence[Sequence[Any]], sheet: str) -> Table:
    """Read a sheet's rows (row 1 first) into a :class:`Table`; the header is the first row
    with anything in it."""
    texts = [[cell_text(v) for v in row] for row in rows]
    start = next((i for i, row in enumerate(texts) if any(c.strip() for c in row)), None)
    if start is None:
        return Table(sheet, [], [], [], {})
    headers = [_header(h, sheet) if h.strip() else None for h in texts[start]]
    keys: list[str] = []
    languages: list[tuple[str, str]] = []
    written: dict[str, str] = {}
    for h in headers:
        if h is None:
            continue
        if h.key not in keys:
            keys.append(h.key)
        if h.language is not None and h.key in TRANSLATABLE:
            languages.append((h.key, h.language))
        written.setdefault(h.key if h.language is None else f"{h.key}::{h.language}", h.text)
    table = Table(sheet, [], keys, languages, written)
    for index in range(start + 1, len(texts)):
        row = Row(index + 1)
        for h, value in zip(headers, texts[index], strict=False):
            if h is None or not value.strip():
                continue
            if h.language is None:
                row.cells.setdefault(h.key, value)
            else:
                row.texts.setdefault(h.key, {}).setdefault(h.language, value)
            row.headers.setdefault(h.key, h.text)
        if row.cells or row.texts:
            table.rows.append(row)
    return table
