"""The exceptions villagesurvey raises.

Every error a user can cause derives from :class:`VillageSurveyError` and carries the exit
code the command line maps it to: ``1`` when the data has problems, ``2`` when a command could
not do its job (a broken instrument, an unreadable file, a bad argument).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AnalysisError",
    "InstrumentError",
    "InstrumentProblem",
    "OptionError",
    "OutputError",
    "ReturnsError",
    "VillageSurveyError",
    "XLSFormError",
]


class VillageSurveyError(Exception):
    """Base class of every error villagesurvey raises on purpose."""

    exit_code = 2


@dataclass(frozen=True)
class InstrumentProblem:
    """One mistake in an instrument file.

    Attributes
    ----------
    source : str
        The file (or ``"<string>"``) the instrument was read from.
    line : int or None
        The 1-based line of the mistake, when it can be located.
    where : str
        What the mistake concerns, e.g. ``"question 'age'"`` or ``"choice list 'gender'"``.
    check : str
        A stable code naming the kind of mistake, e.g. ``"min_gt_max"``.
    message : str
        What is wrong and how to fix it.
    """

    source: str
    line: int | None
    where: str
    check: str
    message: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line else self.source
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} {self.message} [{self.check}]"


class InstrumentError(VillageSurveyError):
    """The instrument file cannot be used; :attr:`problems` lists every mistake found."""

    exit_code = 2

    def __init__(self, problems: list[InstrumentProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        head = f"the instrument has {count} problem{'s' if count != 1 else ''}"
        super().__init__("\n".join([head, *(str(p) for p in self.problems)]))

    @property
    def checks(self) -> list[str]:
        """The check codes of the problems, in the order they were found."""
        return [p.check for p in self.problems]


class OutputError(VillageSurveyError):
    """An output file could not be written."""

    exit_code = 2


class OptionError(VillageSurveyError):
    """An argument or option is not usable, e.g. a language the instrument lacks."""

    exit_code = 2


class AnalysisError(VillageSurveyError):
    """A clean dataset or a CPI table cannot be analysed (a missing column, a missing year).

    The message names the file, the column or the year, and what was expected.
    """

    exit_code = 2


class ReturnsError(VillageSurveyError):
    """No returns could be validated: no file found, or every file was refused."""

    exit_code = 2


class XLSFormError(VillageSurveyError):
    """An XLSForm cannot be imported: unreadable, unsafe, no survey sheet, or no question
    that maps (what does not map in a readable form is a finding, not this error)."""

    exit_code = 2
