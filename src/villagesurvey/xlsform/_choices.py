"""The choices sheet of an XLSForm read into the instrument's choice lists."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..instrument.model import Text
from ._names import Codes
from ._table import Row, Table
from ._texts import Languages
from .findings import Finding

__all__ = ["ChoiceList", "choice_code", "read_choices", "report_other_columns"]

_USED = ("list_name", "name", "label")


@dataclass
class ChoiceList:
    """One choice list: its instrument name and its choices (code, label)."""

    name: str
    choices: list[tuple[int | str, Text]] = field(default_factory=list)
    values: dict[int | str, dict[str, str]] = field(default_factory=dict)
    """Each choice's values in the sheet's other columns (what a choice_filter compares)."""
    used: set[str] = field(default_factory=set)
    """The other columns a choice_filter of the form compares."""

    @property
    def codes(self) -> tuple[int | str, ...]:
        """The codes of the choices, in order."""
        return tuple(code for code, _ in self.choices)


def choice_code(text: str) -> int | str:
    """A choice name as an instrument code: a whole number (``1``, ``-9``) or the name as it
    is written (``01``, ``0_1``, ``sweet-potato``, ``brong ahafo``), so that answers match."""
    if re.fullmatch(r"-?\d+", text) and str(int(text)) == text:
        return int(text)
    return text


def read_choices(
    table: Table | None, languages: Languages, note: Callable[[Finding], None]
) -> dict[str, ChoiceList]:
    """Read the choices sheet; the lists are keyed by their name as written in the form."""
    lists: dict[str, ChoiceList] = {}
    if table is None:
        return lists
    names = Codes("list")

    def finding(row: Row, code: str, column: str, message: str, lost: bool = True) -> None:
        note(Finding(code, row.number, column, message, "choices", lost))

    for row in table.rows:
        list_name, name = row.get("list_name"), row.get("name")
        if not list_name or not name:
            what = "list_name" if not list_name else "name"
            message = f"this choice has no {what} and is not imported; fill it in"
            finding(row, "choice_not_mapped", what, message)
            continue
        if list_name not in lists:
            lists[list_name] = ChoiceList(names.take(list_name))
        code = choice_code(name)
        if code in lists[list_name].codes:
            message = f"choice {name!r} is already in list {list_name!r}; this one is not imported"
            finding(row, "duplicate_choice", "name", message)
            continue
        label = languages.text(row.texts.get("label"), ("choices", row.number, "label"))
        if label is None:
            label = {lang: name for lang in languages.languages}
            message = f"choice {name!r} has no label; its name is used as the label"
            finding(row, "missing_label", "label", message, lost=False)
        lists[list_name].choices.append((code, label))
        others = {k: v for k in row.cells if k not in _USED and (v := row.get(k))}
        lists[list_name].values[code] = others
    return lists


def report_other_columns(
    table: Table | None, used: set[str], note: Callable[[Finding], None]
) -> None:
    """A finding for each column of the choices sheet that nothing imported reads."""
    if table is None:
        return
    for key in table.keys:
        if key in _USED or key in used or key.startswith("$"):  # KoboToolbox's $kuid
            continue
        rows = [row.number for row in table.rows if key in row.cells or key in row.texts]
        if rows:
            header = next(r.headers[key] for r in table.rows if key in r.headers)
            note(
                Finding(
                    "column_not_mapped",
                    rows[0],
                    header,
                    f"the column {header!r} ({len(rows)} row{'s' * (len(rows) != 1)}) is not "
                    "imported: an instrument's choices have a code and a label only",
                    "choices",
                )
            )
