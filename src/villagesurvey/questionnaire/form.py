"""The paper questionnaire as plain data: what goes on which page, numbered as the workbook.

:func:`~villagesurvey.questionnaire.build_questionnaire` makes a :class:`Form` from an
instrument; the HTML renderer only lays it out. Nothing here reads or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..instrument import Choice, Question
from ..instrument.conditions import Condition, Literal

__all__ = ["Cell", "Form", "FormQuestion", "FormRoster", "FormSection", "Skip"]


@dataclass(frozen=True)
class Cell:
    """One answer space: a column of the blank workbook.

    Attributes
    ----------
    code : str
        The column's code, as in the workbook's code row.
    letter : str
        The column's letter on the workbook's data sheet (``A``, ``B``, ... ``AA``).
    wave : int or None
        The wave (year) of the column, ``None`` for a question without waves.
    ask_if : Condition or None
        The column's skip rule, bound to its wave: it is asked only when this holds.
    """

    code: str
    letter: str
    wave: int | None = None
    ask_if: Condition | None = None


@dataclass(frozen=True)
class FormQuestion:
    """A question as printed: its number, the instrument's question and its answer spaces.

    Attributes
    ----------
    number : str
        ``section.question``, e.g. ``4.1``, counted in the workbook's column order.
    question : Question
        The instrument's question (labels, hint, unit, limits, type).
    cells : tuple of Cell
        One per column: one for a question without waves, one per wave (side by side).
    choices : tuple of Choice
        The answers to circle for a choice or Likert question; empty for the others.
    """

    number: str
    question: Question
    cells: tuple[Cell, ...]
    choices: tuple[Choice, ...] = ()

    @property
    def code(self) -> str:
        """The question's code (a column's code, or its stem for a question in waves)."""
        return self.question.code


@dataclass(frozen=True)
class FormSection:
    """A section as printed: its number, code, title per language and questions."""

    number: int
    code: str
    label: dict[str, str]
    questions: tuple[FormQuestion, ...]


@dataclass(frozen=True)
class FormRoster:
    """A roster as printed: a grid with one line per member and its questions as columns.

    Attributes
    ----------
    number : int
        Its section number, after the household's sections.
    code : str
        The roster's code, which is also its sheet's name in the workbook.
    label : dict of str to str
        Its title per language.
    key : FormQuestion
        The question numbering the lines (the member number), printed on each line.
    questions : tuple of FormQuestion
        The columns of the grid, in the order of the roster sheet's columns; personal data
        is left out (see ``personal``).
    personal : tuple of FormQuestion
        The roster's personal-data questions, printed in a grid on the personal-data page.
    lines : int
        How many lines to print.
    count : str or None
        The household column that says how many lines to fill (the roster's ``count``).
    """

    number: int
    code: str
    label: dict[str, str]
    key: FormQuestion
    questions: tuple[FormQuestion, ...]
    personal: tuple[FormQuestion, ...]
    lines: int
    count: str | None = None


@dataclass(frozen=True)
class Skip:
    """An interviewer instruction made from a skip rule.

    A run of consecutive workbook columns that share one skip rule is asked only when
    ``condition`` holds; otherwise the interviewer goes on at ``target``.

    Attributes
    ----------
    condition : Condition
        The skip rule of every column in ``skipped`` (bound to their wave).
    skipped : tuple of str
        The columns asked only when the condition holds, in workbook order.
    target : str or None
        The first column after them; ``None`` when they end the questionnaire.
    source : str or None
        The column the condition is about when it is the column just before ``skipped``:
        the "If ... → go to" instruction is then printed at that question.
    otherwise : tuple or None
        When ``source`` is a choice question: the answers (codes) that send the
        interviewer on to ``target``, i.e. those for which ``condition`` fails.
    whole : bool
        True when ``skipped`` covers whole questions; False when it is one wave of a
        question whose waves are asked side by side (that wave's space is left blank).
    """

    condition: Condition
    skipped: tuple[str, ...]
    target: str | None
    source: str | None = None
    otherwise: tuple[Literal, ...] | None = None
    whole: bool = True


@dataclass(frozen=True)
class Form:
    """The whole paper questionnaire.

    Attributes
    ----------
    id, version, content_hash : str
        The instrument's id, version and SHA-256 content hash, printed on the cover and
        in the footer so that a paper form can be matched to its workbook.
    title : dict of str to str
        The survey's title per language.
    languages : tuple of str
        The languages printed, the first one leading.
    consent : dict of str to str or None
        The consent statement per language, when the instrument has one.
    cover : tuple of FormQuestion
        The questions on the cover: the respondent key and the other questions of its
        section that are not personal data (interviewer, date, ...).
    sections : tuple of FormSection
        The body: every other question that is not personal data, section by section.
    personal : tuple of FormQuestion
        The personal-data questions, printed on a separate page that can be torn off.
    key : tuple of FormQuestion
        The respondent key's questions, repeated on the personal-data page.
    skips : tuple of Skip
        Every interviewer instruction made from the instrument's skip rules.
    numbers : dict of str to str
        The question number of every column code (a roster's columns too).
    rosters : tuple of FormRoster
        The rosters, each a grid printed after the sections.
    """

    id: str
    version: str
    content_hash: str
    title: dict[str, str]
    languages: tuple[str, ...]
    consent: dict[str, str] | None
    cover: tuple[FormQuestion, ...]
    sections: tuple[FormSection, ...]
    personal: tuple[FormQuestion, ...]
    key: tuple[FormQuestion, ...]
    skips: tuple[Skip, ...]
    numbers: dict[str, str]
    rosters: tuple[FormRoster, ...] = ()

    @property
    def questions(self) -> tuple[FormQuestion, ...]:
        """Every printed question, in number order (cover, body, personal data)."""
        every = [*self.cover, *(q for s in self.sections for q in s.questions), *self.personal]
        return tuple(sorted(every, key=lambda q: tuple(int(p) for p in q.number.split("."))))
