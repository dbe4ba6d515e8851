"""What an XLSForm import could not carry over, as data: one :class:`Finding` per thing.

Each finding has a stable code (listed in ``docs/xlsform.md``), the sheet, row and column of
the form where it is, and a message that says what happened and what to do. A finding is
*lost* when part of the form is not in the instrument (a repeat, a calculation, a skip rule
the condition language cannot say); otherwise it is a *note* about a choice the import made
(a language code assumed, a respondent key chosen).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..instrument import Instrument

__all__ = ["Finding", "XLSFormImport"]


@dataclass(frozen=True)
class Finding:
    """One thing of the form that did not map exactly.

    Attributes
    ----------
    code : str
        A stable code naming the kind of finding, e.g. ``repeat`` or ``relevance_not_mapped``.
    row : int or None
        The row of the sheet as the spreadsheet shows it (the header is row 1 when it is the
        first row), or ``None`` for the whole sheet or form.
    column : str
        The column header as written in the form (``relevant``), or ``""``.
    message : str
        What was not carried over and what to do about it.
    sheet : str
        ``survey``, ``choices``, ``settings`` or another sheet of the form.
    lost : bool
        ``True`` when something of the form is not in the instrument; ``False`` for a note.
    """

    code: str
    row: int | None
    column: str
    message: str
    sheet: str = "survey"
    lost: bool = True

    def __str__(self) -> str:
        place = self.sheet if self.row is None else f"{self.sheet} row {self.row}"
        column = f", {self.column}" if self.column else ""
        kind = "" if self.lost else "note: "
        return f"{place}{column}: {kind}{self.message} [{self.code}]"


@dataclass(frozen=True)
class XLSFormImport:
    """An instrument read from an XLSForm, with what did not map.

    Attributes
    ----------
    instrument : Instrument
        The checked instrument: every question, choice, label, limit and skip rule that maps.
    findings : tuple of Finding
        In the order of the form's sheets and rows.
    """

    instrument: Instrument
    findings: tuple[Finding, ...]

    @property
    def lost(self) -> tuple[Finding, ...]:
        """The findings of things not carried over (not the notes)."""
        return tuple(f for f in self.findings if f.lost)

    @property
    def exit_code(self) -> int:
        """``0`` when nothing was lost, ``1`` when something of the form did not map."""
        return 1 if self.lost else 0
