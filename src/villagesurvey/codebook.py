"""The codebook: one row per dataset column, describing what it holds and what is allowed.

Plain data only; the workbook's codebook sheet and the exports render these rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .instrument import Choice, Column, Instrument
from .instrument.model import Limit

__all__ = ["CodebookRow", "allowed_values", "codebook_rows", "column_label", "format_limit"]


@dataclass(frozen=True)
class CodebookRow:
    """What one column of the dataset holds.

    Attributes
    ----------
    code : str
        Column name.
    label : dict
        The question text per language (with the wave appended for a wave column).
    section : str
        Section code.
    type : str
        Question type.
    unit : str
        Unit, or ``""``.
    required : bool
        Must be answered (when asked).
    allowed : dict
        Per language, the allowed values: choices as ``"1 = Male; 2 = Female"`` or a range.
    expected : str
        The soft range (outside it is a warning), or ``""``.
    wave : int or None
        The wave of the column.
    relevant : str
        The skip rule as written, or ``""``.
    pii : bool
        Personal data.
    scale : str
        The scale of a Likert item (``"cbec (reverse)"`` for a reverse-coded item), or ``""``.
    part_of : str
        The column of the total this amount is part of, or ``""``.
    choices : tuple of Choice
        The answers of a choice or Likert question, in list order; empty for the others.
    """

    code: str
    label: dict[str, str]
    section: str
    type: str
    unit: str
    required: bool
    allowed: dict[str, str]
    expected: str
    wave: int | None
    relevant: str
    pii: bool
    scale: str
    part_of: str
    choices: tuple[Choice, ...] = ()


def format_limit(value: Limit) -> str:
    """A limit as a person writes it: ``16``, ``0.5``, ``2022-06-01``."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _range(low: Limit | None, high: Limit | None) -> str:
    if low is not None and high is not None:
        return f"{format_limit(low)} – {format_limit(high)}"
    if low is not None:
        return f"≥ {format_limit(low)}"
    if high is not None:
        return f"≤ {format_limit(high)}"
    return ""


def allowed_values(instrument: Instrument, column: Column, language: str) -> str:
    """The values a column accepts, in one language: its choices or its hard range."""
    question = column.question
    choices = instrument.choice_list(question)
    if choices:
        return "; ".join(f"{c.code} = {c.label[language]}" for c in choices)
    return _range(question.min, question.max)


def _wave_label(label: str, wave: int | None, language: str) -> str:
    if wave is None:
        return label
    return f"{label}（{wave}年）" if language.startswith("zh") else f"{label} ({wave})"


def column_label(column: Column, language: str) -> str:
    """The column's question text in ``language``, with its wave for a wave column."""
    return _wave_label(column.question.label[language], column.wave, language)


def codebook_rows(instrument: Instrument) -> list[CodebookRow]:
    """The codebook of an instrument, one row per dataset column, in questionnaire order.

    Parameters
    ----------
    instrument : Instrument

    Returns
    -------
    list of CodebookRow
    """
    rows = []
    for column in instrument.columns:
        q = column.question
        scale = q.scale or ""
        if scale and q.reverse:
            scale += " (reverse)"
        rows.append(
            CodebookRow(
                code=column.code,
                label={lang: column_label(column, lang) for lang in instrument.languages},
                section=q.section,
                type=q.type,
                unit=q.unit or "",
                required=q.required,
                allowed={
                    lang: allowed_values(instrument, column, lang) for lang in instrument.languages
                },
                expected=_range(q.soft_min, q.soft_max),
                wave=column.wave,
                relevant=q.relevant or "",
                pii=q.pii,
                scale=scale,
                part_of=column.part_of or "",
                choices=instrument.choice_list(q),
            )
        )
    return rows
