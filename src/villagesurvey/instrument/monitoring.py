"""The instrument's ``monitoring:`` block: what field monitoring reads from the returns.

Every key is optional. What the file declares is kept as written
(:attr:`Instrument.monitoring_declared`, dumped back unchanged); what monitoring uses is
:attr:`Instrument.monitoring`, the same block with the defaults filled in from the questions
(the question coded ``enumerator``, ``interview_date``, the datetime questions ``start`` and
``end``, the last wave of each number question compared across waves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Instrument, Question

__all__ = [
    "DEFAULT_NAMES",
    "OUTCOME_TYPES",
    "Code",
    "Consent",
    "Monitoring",
    "default_outcomes",
    "resolve_monitoring",
]

Code = int | float | str
"""A stored answer code: ``9999``, ``-98`` or ``"dk"``."""

OUTCOME_TYPES = ("integer", "decimal", "likert")
"""Question types an outcome may have: the enumerator statistics need numbers."""

DEFAULT_NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "enumerator": (("enumerator",), ()),
    "date": (("interview_date",), ("date", "datetime")),
    "start": (("start", "starttime"), ("datetime",)),
    "end": (("end", "endtime"), ("datetime",)),
}
"""For each question key: the codes looked for when the block names none, and the types the
question must have (empty: any type)."""


@dataclass(frozen=True)
class Consent:
    """The consent question and its answers that mean the respondent agreed.

    Attributes
    ----------
    question : str
        The question's code (``consent``).
    yes : tuple of int, float or str
        The codes meaning yes; any other answer is a refusal.
    """

    question: str
    yes: tuple[Code, ...]


@dataclass(frozen=True)
class Monitoring:
    """What field monitoring needs to know about the instrument (see ``docs/instrument.md``).

    Attributes
    ----------
    enumerator : str or None
        The question naming who interviewed.
    date : str or None
        The question holding the interview's day (a date or datetime question).
    start, end : str or None
        The datetime questions holding when the interview started and ended.
    min_minutes : float or None
        An interview shorter than this many minutes is flagged.
    dont_know, refused : tuple of codes
        Answer codes of number and choice questions meaning "don't know" and "refused".
    consent : Consent or None
        The consent question and the answers meaning yes.
    outcomes : tuple of str or None
        The columns the enumerator statistics look at (``income_2022``); ``None`` in a
        declared block means "the default".
    """

    enumerator: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    min_minutes: float | None = None
    dont_know: tuple[Code, ...] = ()
    refused: tuple[Code, ...] = ()
    consent: Consent | None = None
    outcomes: tuple[str, ...] | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing is set (an instrument without a ``monitoring:`` block)."""
        return self == Monitoring()


def _default(instrument: Instrument, key: str) -> str | None:
    codes, types = DEFAULT_NAMES[key]
    by_code: dict[str, Question] = {q.code: q for q in instrument.questions}
    for code in codes:
        question = by_code.get(code)
        if question is not None and not question.waves and (not types or question.type in types):
            return code
    return None


def default_outcomes(instrument: Instrument) -> tuple[str, ...]:
    """The last wave's column of each number question asked in two waves or more."""
    last: dict[str, str] = {}
    for pair in instrument.wave_pairs:
        if pair.question.type in OUTCOME_TYPES:
            last[pair.question.code] = pair.after.code
    return tuple(last.values())


def resolve_monitoring(declared: Monitoring, instrument: Instrument) -> Monitoring:
    """The declared block with the defaults filled in from the instrument's questions.

    Parameters
    ----------
    declared : Monitoring
        The block as the file gives it.
    instrument : Instrument
        The instrument whose questions supply the defaults.

    Returns
    -------
    Monitoring
        Every question key named where the file or a default names one; ``outcomes`` as
        column codes (a question asked in waves stands for its last wave).
    """
    outcomes = declared.outcomes
    if outcomes is None:
        outcomes = default_outcomes(instrument)
    else:
        outcomes = tuple(_outcome_column(instrument, code) for code in outcomes)
    return Monitoring(
        enumerator=declared.enumerator or _default(instrument, "enumerator"),
        date=declared.date or _default(instrument, "date"),
        start=declared.start or _default(instrument, "start"),
        end=declared.end or _default(instrument, "end"),
        min_minutes=declared.min_minutes,
        dont_know=declared.dont_know,
        refused=declared.refused,
        consent=declared.consent,
        outcomes=outcomes,
    )


def _outcome_column(instrument: Instrument, code: str) -> str:
    for question in instrument.questions:
        if question.code == code and question.waves:
            return f"{code}_{max(question.waves)}"
    return code
