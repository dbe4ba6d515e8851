"""The drafts of an XLSForm's import: each question and each section as the survey sheet
is walked (:mod:`._survey`), before they are assembled into an instrument (:mod:`._assemble`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..instrument.conditions import Condition
from ..instrument.model import Limit, Text

__all__ = ["Field", "SectionDraft"]


@dataclass
class Field:
    """One question of the form, as the instrument will hold it (before waves are joined)."""

    row: int
    name: str  # as written in the form
    code: str  # the instrument's column name
    type: str
    label: Text
    section: str
    group: int  # the innermost group: questions of one group can be joined into waves
    list_name: str | None = None  # the instrument's choice list
    hint: Text | None = None
    required: bool = False
    message: Text | None = None
    relevant: Condition | None = None
    limits: dict[str, Limit] = field(default_factory=dict)
    rules: list[tuple[str, str | None, int | float]] = field(default_factory=list)
    unit: str | None = None
    pii: bool = False
    scale: str | None = None
    reverse: bool = False
    part_of: str | None = None  # the column of the total, as the form names it
    when_skipped: int | float | str | None = None
    sesoi: int | float | None = None
    backcheck: int | None = None  # the back-check type, 1 to 3
    backcheck_tolerance: int | float | str | None = None  # an amount, or "10%"
    key: int | None = None
    likert: bool = False  # appearance likert
    pattern: str | None = None  # regex(., '...')
    calculation: str | None = None  # of a calculate field
    filter_by: list[tuple[str, str]] = field(default_factory=list)  # choice_filter
    special: list[int | float] = field(default_factory=list)  # . = 9999 beside the limits
    exclusive: list[str] = field(default_factory=list)  # options chosen alone
    moment: str | None = None  # "start" or "end": a time the phone records, unasked
    max_accuracy: int | float | None = None  # a geopoint's warning-accuracy parameter
    radius_km: int | float | None = None


@dataclass
class SectionDraft:
    """A section being filled: its code, label and questions."""

    code: str
    label: Text
    row: int | None
    fields: list[Field] = field(default_factory=list)
    roster: dict[str, Any] | None = None  # a repeat's count, key and checks, as the form has them
