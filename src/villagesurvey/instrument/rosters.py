"""A roster seen as an instrument of its own: the household's key, then the roster's questions.

Every stage that handles one table (the workbook's data sheet, validate's rules, the clean
file) handles a roster through :func:`roster_instrument`: its columns are the parent's key
columns, then the roster's questions; its key is the parent's key and the roster's own. A
roster within another roster (plots within farms) has the household's key, the outer
roster's key, then its own.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Instrument, Roster, Section

__all__ = ["parent_roster", "roster_instrument"]


def roster_instrument(instrument: Instrument, roster: str | Roster) -> Instrument:
    """The instrument of one roster's table, linked to its household by the parent's key.

    Parameters
    ----------
    instrument : Instrument
        The household instrument that declares the roster.
    roster : str or Roster
        The roster, or its code.

    Returns
    -------
    Instrument
        Same id, version, languages, choices and waves; its key is the parent's key then the
        roster's ``key``; its sections are the parent's key questions (as in their own
        sections, without skip rules) then the roster's questions. For a roster ``within``
        another, the parent's key is the household's key then the outer roster's key. It has
        no rosters, rules or model.

    Raises
    ------
    KeyError
        If the instrument has no roster of that code.
    """
    if isinstance(roster, str):
        roster = _find(instrument, roster)
    parent: list[Section] = []
    outer = parent_roster(instrument, roster)
    sections = (*instrument.sections, *((outer.section,) if outer else ()))
    key = (*instrument.key, *((outer.key,) if outer else ()))
    for section in sections:
        keys = tuple(
            replace(q, relevant=None, part_of=None, when_skipped=None)
            for q in section.questions
            if q.code in key
        )
        if keys:
            parent.append(Section(section.code, section.label, keys))
    return Instrument(
        instrument.id,
        instrument.version,
        roster.section.label,
        instrument.languages,
        (*key, roster.key),
        (*parent, roster.section),
        instrument.choices,
        instrument.scales,
        instrument.waves,
    )


def parent_roster(instrument: Instrument, roster: Roster) -> Roster | None:
    """The roster ``roster`` is within, or ``None`` for a roster of the household."""
    return _find(instrument, roster.within) if roster.within else None


def _find(instrument: Instrument, code: str) -> Roster:
    found = [r for r in instrument.rosters if r.code == code]
    if not found:
        raise KeyError(code)
    return found[0]
