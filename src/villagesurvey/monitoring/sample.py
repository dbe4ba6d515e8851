"""The sample list: the respondents to interview, read as untrusted input.

A CSV or Excel file whose first row names the columns:

- the instrument's key columns (by code, in any case), one respondent per row;
- ``village`` (optional): the village each respondent belongs to; without it, the first key
  column is the village;
- ``replacement`` (optional): ``1``/``yes``/``true``/``是`` for a respondent listed to
  replace one who cannot be interviewed; blank or ``0``/``no``/``false``/``否`` otherwise;
- ``target`` (optional): the number of interviews wanted in the respondent's village, on any
  of its rows (the others blank or the same number); without it, a village's target is the
  number of its respondents who are not replacements.

Other columns (names, phone numbers, notes) are ignored. The file is read with the safeguards
of any return (:func:`~villagesurvey.validate.reading.read_returns`). Every problem found
(a key column missing, a blank or impossible key, a respondent listed twice, a target that is
not a whole number or differs within a village) is reported in one :class:`ReturnsError`.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ReturnsError
from ..instrument import Instrument
from ..tables.safe import shown_name
from ..validate.cells import parse_number, show
from .keys import SEPARATOR, cell_key

__all__ = ["VILLAGE", "SampleList", "read_sample"]

VILLAGE, REPLACEMENT, TARGET = "village", "replacement", "target"
_YES = {"1", "yes", "y", "true", "是"}
_NO = {"", "0", "no", "n", "false", "否"}
_SHOWN = 5


@dataclass(frozen=True)
class SampleList:
    """A sample list as read.

    Attributes
    ----------
    name : str
        The file's name, as shown.
    sha256 : str
        The SHA-256 of its bytes.
    keys : tuple of tuple of str
        Each respondent's key (:mod:`.keys`), in the file's order.
    villages : tuple of str
        Each respondent's village.
    replacement : tuple of bool
        Whether each respondent is a replacement.
    lines : tuple of int
        Each respondent's row in the file (as Excel or a text editor numbers it).
    targets : dict of str to int
        The target number of interviews of each village that has one.
    village_column : str
        Where the villages come from: ``village`` or the first key column.
    """

    name: str
    sha256: str
    keys: tuple[tuple[str, ...], ...]
    villages: tuple[str, ...]
    replacement: tuple[bool, ...]
    lines: tuple[int, ...]
    targets: dict[str, int]
    village_column: str


def read_sample(path: str | Path, instrument: Instrument, **reading: Any) -> SampleList:
    """Read a sample list (.csv, .xlsx, .xls, .ods) against the instrument's key.

    Parameters
    ----------
    path : path
        The list.
    instrument : Instrument
        Gives the key columns and how each is typed.
    **reading
        Limits passed to :func:`~villagesurvey.validate.reading.read_returns`.

    Returns
    -------
    SampleList

    Raises
    ------
    ReturnsError
        If the file cannot be read or holds anything but a usable list; the message names
        every problem found (the first five, and how many more).
    """
    from ..validate.reading import Refused, read_returns

    path = Path(path)
    name = shown_name(path.name)
    if not path.is_file():
        raise ReturnsError(f"sample list {shown_name(str(path))} not found")
    result = next(iter(read_returns([path], **reading)))
    if isinstance(result, Refused):
        raise ReturnsError(f"sample list {name} cannot be read: {result.reason}")
    sheet = next(iter(result.sheets.values()))
    rows = sheet.rows
    if sheet.table is not None:
        rows = [list(r.values()) for r in sheet.table.to_pylist()]
    header = [_text(v).casefold() for v in (rows[0] if rows else [])]
    missing = [k for k in instrument.key if k.casefold() not in header]
    if missing:
        has = ", ".join(shown_name(h) for h in header if h) or "nothing"
        raise ReturnsError(
            f"sample list {name}: its first row must name the key columns "
            f"{', '.join(instrument.key)}; {', '.join(missing)} missing (it has {has})"
        )
    found = _Reader(instrument, header, sheet.first_row)
    for offset, row in enumerate(rows[1:], start=1):
        found.add(sheet.first_row + offset, row)
    targets = found.target_of()
    problems = found.problems
    if not found.keys and not problems:
        problems.append("no respondent listed below the header row")
    if problems:
        more = f"; and {len(problems) - _SHOWN} more" if len(problems) > _SHOWN else ""
        raise ReturnsError(f"sample list {name}: " + "; ".join(problems[:_SHOWN]) + more)
    return SampleList(
        name,
        result.sha256,
        tuple(found.keys),
        tuple(found.villages),
        tuple(found.replacement),
        tuple(found.lines),
        targets,
        VILLAGE if found.village_at is not None else instrument.key[0],
    )


def _text(value: object) -> str:
    return unicodedata.normalize("NFC", show(value)).strip()


class _Reader:
    """The rows of a sample list, with every problem found on the way."""

    def __init__(self, instrument: Instrument, header: list[str], first_row: int) -> None:
        self.instrument = instrument
        self.columns = [header.index(k.casefold()) for k in instrument.key]
        own = VILLAGE not in (k.casefold() for k in instrument.key)
        self.village_at = header.index(VILLAGE) if own and VILLAGE in header else None
        self.replacement_at = header.index(REPLACEMENT) if REPLACEMENT in header else None
        self.target_at = header.index(TARGET) if TARGET in header else None
        self.keys: list[tuple[str, ...]] = []
        self.villages: list[str] = []
        self.replacement: list[bool] = []
        self.lines: list[int] = []
        self.targets: dict[str, list[tuple[int, int]]] = {}
        self.problems: list[str] = []
        self.first_line: dict[tuple[str, ...], int] = {}

    def add(self, line: int, row: list[object]) -> None:
        cells = [_text(v) for v in row]
        if not any(cells):
            return
        key = self._key(line, row)
        if key is None:
            return
        if key in self.first_line:
            self.problems.append(
                f"row {line}: respondent {SEPARATOR.join(key)} is listed twice "
                f"(first at row {self.first_line[key]}); list each respondent once"
            )
            return
        self.first_line[key] = line
        village = key[0] if self.village_at is None else _cell(cells, self.village_at)
        if not village:
            self.problems.append(f"row {line}: the village is blank")
            return
        self.keys.append(key)
        self.villages.append(village)
        self.lines.append(line)
        self.replacement.append(self._replacement(line, cells))
        self._target(line, village, cells)

    def _key(self, line: int, row: list[object]) -> tuple[str, ...] | None:
        parts = []
        for code, at in zip(self.instrument.key, self.columns, strict=True):
            value = row[at] if at < len(row) else None
            part = cell_key(self.instrument.question(code), self.instrument, value)
            if not part:
                kind = self.instrument.question(code).type
                what = (
                    "blank"
                    if part == ""
                    else f"{shown_name(_text(value))!r}, not an answer of its type ({kind})"
                )
                self.problems.append(f"row {line}: the key {code} is {what}")
                return None
            parts.append(part)
        return tuple(parts)

    def _replacement(self, line: int, cells: list[str]) -> bool:
        if self.replacement_at is None:
            return False
        said = _cell(cells, self.replacement_at).casefold()
        if said not in _YES | _NO:
            self.problems.append(
                f"row {line}: replacement {shown_name(said)!r} is neither yes (1) nor no (0)"
            )
        return said in _YES

    def _target(self, line: int, village: str, cells: list[str]) -> None:
        if self.target_at is None or not _cell(cells, self.target_at):
            return
        said = _cell(cells, self.target_at)
        number = parse_number(said)
        if number is None or not float(number[0]).is_integer() or number[0] < 0:
            self.problems.append(
                f"row {line}: target {shown_name(said)!r} is not a whole number of 0 or more"
            )
            return
        self.targets.setdefault(village, []).append((line, int(number[0])))

    def target_of(self) -> dict[str, int]:
        out = {}
        for village, said in self.targets.items():
            if len({n for _, n in said}) > 1:
                shown = ", ".join(f"{n} at row {line}" for line, n in said)
                self.problems.append(
                    f"village {shown_name(village)}: targets differ ({shown}); give one"
                )
            out[village] = said[0][1]
        return out


def _cell(cells: list[str], at: int) -> str:
    return cells[at] if at < len(cells) else ""
