"""Corrections on roster rows: which level a line of a corrections file names, and its key.

A corrections file for an instrument with rosters has, after the household's key columns, a
``roster`` column and the key columns of the rosters (the member number, the farm and plot
numbers). A line names a roster row by the roster's code in ``roster`` (or its sheet's name
in ``sheet``), or by filling a roster's key columns: a line with ``member`` filled and no
``roster`` names a row of the roster keyed by ``member``. Each level's lines are applied
to that level's rows as a corrections file of its own (:func:`level_lines`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ..instrument import Instrument, roster_instrument

if TYPE_CHECKING:
    from .corrections import CorrectionsFile

__all__ = ["ROSTER", "key_columns", "level_lines", "line_level"]

ROSTER = "roster"
"""The column of a corrections file that names a line's roster (blank for a household)."""


def key_columns(instrument: Instrument) -> list[str]:
    """The key columns of a corrections file: the household's, then ``roster`` and the
    rosters' own keys, in the order the rosters are declared (none without rosters)."""
    if not instrument.rosters:
        return list(instrument.key)
    extra = [r.key for r in instrument.rosters]
    return [*instrument.key, ROSTER, *dict.fromkeys(extra)]


def line_level(instrument: Instrument, cells: dict[str, str]) -> tuple[str, tuple[str, ...]]:
    """The roster a line names (``""`` for the household) and the key of its row there.

    ``cells`` maps the file's (case-folded) column names to the line's texts. A ``sheet``
    names a roster when it is a roster's sheet (another sheet, ``Data``, names none). A
    roster named in ``roster`` that the instrument does not have is returned as written,
    with the household's key: the line is then reported (``correction_roster``), as is a
    line whose key columns name the rows of two rosters.
    """
    codes = {r.code.casefold(): r.code for r in instrument.rosters}
    sheets = {r.code[:31].casefold(): r.code for r in instrument.rosters}  # as the workbook
    named = cells.get(ROSTER, "") or sheets.get(cells.get("sheet", "").casefold(), "")
    if named:
        code = codes.get(named.casefold(), named)
    else:
        filled = [r for r in instrument.rosters if cells.get(r.key.casefold(), "")]
        inner = [r for r in filled if r.within is not None and r.within in {f.code for f in filled}]
        found = inner or filled
        code = " and ".join(r.code for r in found)  # two rosters named: told, not guessed
    if code not in {r.code for r in instrument.rosters}:
        key = tuple(cells.get(k.casefold(), "") for k in instrument.key)
        return code, key
    table = roster_instrument(instrument, code)
    return code, tuple(cells.get(k.casefold(), "") for k in table.key)


def level_lines(
    source: CorrectionsFile, instrument: Instrument, roster: str = ""
) -> CorrectionsFile:
    """The lines of a corrections file for one level: a roster's rows, or (``""``) the
    households' and those that name no roster of the instrument (reported there). A roster's
    lines are given as lines of its own table (their ``roster`` cleared)."""
    known = {r.code for r in instrument.rosters}
    if roster:  # the lines of the roster's own table, which has no rosters
        lines = tuple(replace(c, roster="") for c in source.lines if c.roster == roster)
    else:
        lines = tuple(c for c in source.lines if c.roster not in known)
    return replace(source, lines=lines)
