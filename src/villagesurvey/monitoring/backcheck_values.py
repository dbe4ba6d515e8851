"""How a back-check's answer is compared with the survey's.

Both sides come from a validation's clean rows (numbers written as a person would, choices
as codes, dates as ISO dates), so most of the normalising is already done. What is left:

- a blank back-check answer was not asked: it is not compared;
- numbers are compared as numbers, within the question's ``backcheck_tolerance``;
- a select_multiple answer is a set of codes (``rice tea`` = ``tea rice``);
- a text that clean.csv wrote with a leading ``'`` (``'-`` for ``-``, so that a spreadsheet
  does not run it) is compared without it;
- text is compared with runs of spaces and line breaks made one space, and case ignored
  (as bcstats' ``trim`` and ``lower`` options do).

A back-check's key is matched with the survey's as every view matches keys
(:func:`.keys.text_keys`): typed by the key question.
"""

from __future__ import annotations

from typing import Any

from .._formulas import FORMULA_STARTS
from ..instrument import Column, Instrument

__all__ = ["agree", "blank", "canonical", "enumerator_column"]

_NUMBERS = ("integer", "decimal")


def blank(value: Any) -> bool:
    """Whether a cell holds no answer (empty, spaces only, or missing)."""
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def canonical(column: Column, value: Any) -> Any:
    """The answer in the form it is compared in; ``None`` when blank."""
    if blank(value):
        return None
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]  # as validate's clean.csv writes a text a spreadsheet would run
    kind = column.question.type
    if kind in _NUMBERS:
        try:
            return float(text)
        except ValueError:
            return " ".join(text.split())
    if kind == "select_multiple":
        return frozenset(text.split())
    if kind == "text":
        return " ".join(text.split()).casefold()
    return text


def agree(column: Column, survey: Any, backcheck: Any) -> bool:
    """Whether two canonical answers agree (within the question's tolerance, for numbers)."""
    tolerance = column.question.backcheck_tolerance
    if isinstance(survey, float) and isinstance(backcheck, float):
        if tolerance is not None:
            return tolerance.allows(survey, backcheck)
        return survey == backcheck
    return bool(survey == backcheck)


def enumerator_column(instrument: Instrument) -> str | None:
    """The survey's enumerator column: the instrument's ``monitoring.enumerator`` (by
    default the question coded ``enumerator``), else ``None``."""
    return instrument.monitoring.enumerator
