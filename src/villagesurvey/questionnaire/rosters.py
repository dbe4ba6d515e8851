"""A roster on paper: one grid, a line per member and the roster's questions as columns.

Paper household rosters are printed this way: the member number down the side, the
questions across the top, and the codes of the choice questions beside the grid. The grid
has as many lines as the household's ``count`` question usually allows (its usual or hard
maximum, at most :data:`MAX_LINES`), or :data:`DEFAULT_LINES`.
"""

from __future__ import annotations

from ..instrument import Instrument, roster_instrument
from ..instrument.model import Roster
from ..workbook._points import column_letters
from .form import Cell, FormQuestion, FormRoster

__all__ = ["DEFAULT_LINES", "MAX_LINES", "build_rosters", "roster_lines"]

DEFAULT_LINES = 10
"""Lines printed for a roster whose count question has no maximum, or that has none."""
MAX_LINES = 15
"""The most lines printed on one grid: a larger household continues on a second copy."""


def roster_lines(instrument: Instrument, roster: Roster) -> int:
    """How many lines to print: the count question's usual maximum, else its hard maximum,
    at most :data:`MAX_LINES`; :data:`DEFAULT_LINES` when neither is known. The count of a
    roster within another is a question of the outer roster."""
    if roster.count is None:
        return DEFAULT_LINES
    levels = [*instrument.sections, *(r.section for r in instrument.rosters)]
    question = next(q for s in levels for q in s.questions if q.code == roster.count)
    for limit in (question.soft_max, question.max):
        if isinstance(limit, int | float) and not isinstance(limit, bool) and limit >= 1:
            return min(int(limit), MAX_LINES)
    return DEFAULT_LINES


def build_rosters(instrument: Instrument, numbers: dict[str, str]) -> tuple[FormRoster, ...]:
    """Every roster of the instrument as a grid, numbered after the household's sections.

    ``numbers`` (column code -> question number) gains the rosters' columns. The grid of a
    roster within another has the outer roster's key (the farm number) as its first column.
    """
    rosters = []
    for offset, roster in enumerate(instrument.rosters, start=1):
        number = len(instrument.sections) + offset
        table = roster_instrument(instrument, roster)
        letters = column_letters(table.columns)  # a geopoint has four cells
        items: list[FormQuestion] = []
        for q_number, question in enumerate(roster.section.questions, start=1):
            cells = tuple(
                Cell(c.code, letters[c.code], c.wave, c.relevant)
                for c in table.columns
                if c.question.code == question.code
            )
            item = FormQuestion(
                f"{number}.{q_number}", question, cells, instrument.choice_list(question)
            )
            numbers.update((cell.code, item.number) for cell in cells)
            items.append(item)
        key = next(item for item in items if item.code == roster.key)
        rest = [item for item in items if item is not key]
        if roster.within:  # which row of the outer roster (the farm) each line belongs to
            outer = table.key[-2]
            column = table.column(outer)
            cell = Cell(outer, letters[outer], None, None)
            rest.insert(0, FormQuestion(numbers.get(outer, ""), column.question, (cell,), ()))
        rosters.append(
            FormRoster(
                number=number,
                code=roster.code,
                label=dict(roster.section.label),
                key=key,
                questions=tuple(item for item in rest if not item.question.pii),
                personal=tuple(item for item in rest if item.question.pii),
                lines=roster_lines(instrument, roster),
                count=roster.count,
            )
        )
    return tuple(rosters)
