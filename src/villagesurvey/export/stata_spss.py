"""Write a labelled dataset as a Stata ``.dta`` or an SPSS ``.sav`` file, with pyreadstat.

Stata files are format 118 (read by Stata 14 and later; UTF-8, so Chinese labels work).
Both formats store every number, code and date as a double; choices carry value labels, and
text codes (``alibaba``) are stored as the numbers 1, 2, ... of their place in the choice
list, labelled. A blank that the skip rule explains ("not asked") is Stata's ``.a`` and, in
SPSS, the user-missing value ``-97`` where the question's hard range excludes it; any other
blank is system missing (``.``). Labels longer than a format allows are cut, ending in ``…``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from ..errors import OutputError
from ._words import words
from .labelled import LabelledDataset, Variable

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "SPSS_NOT_ASKED",
    "STATA_NOT_ASKED",
    "STATA_STRING_BYTES",
    "write_spss",
    "write_stata",
]

STATA_VERSION = 14  # pyreadstat's name for format 118
STATA_NOT_ASKED = "a"
"""Stata's extended missing value ``.a`` marks "not asked"."""
SPSS_NOT_ASKED = -97
"""The SPSS user-missing value that marks "not asked"."""
STATA_STRING_BYTES = 2044
"""The longest text a Stata file holds in a cell, in UTF-8 bytes; longer text is cut."""

_STATA_LABEL = 80  # characters, for variable labels and the file label
_SPSS_LABEL = 256  # bytes, variable labels
_SPSS_VALUE_LABEL = 120  # bytes
_SPSS_FILE_LABEL = 64  # bytes
_SPSS_NOTE_LINE = 80  # bytes
_NUMERIC = ("number", "code", "dummy")


@dataclass(frozen=True)
class _Prepared:
    """The frame and the pyreadstat arguments of one file, and what had to be cut."""

    frame: pd.DataFrame
    options: dict[str, Any]
    notes: list[str]


def write_stata(dataset: LabelledDataset, path: str | Path, language: str) -> list[str]:
    """Write ``dataset`` to a Stata ``.dta`` file (format 118), atomically.

    Parameters
    ----------
    dataset : LabelledDataset
    path : path
        The file to write.
    language : str
        The language of the variable and value labels.

    Returns
    -------
    list of str
        Notes on what had to be cut to fit the format (text longer than
        :data:`STATA_STRING_BYTES`), empty when nothing was.

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    import pyreadstat

    prepared = _stata(dataset, language)
    _write(pyreadstat.write_dta, prepared, Path(path), version=STATA_VERSION)
    return prepared.notes


def write_spss(dataset: LabelledDataset, path: str | Path, language: str) -> list[str]:
    """Write ``dataset`` to an SPSS ``.sav`` file, atomically.

    Measurement levels: ``scale`` for numbers and dates, ``ordinal`` for Likert items and
    ratings compared before/after, ``nominal`` for the rest.

    Parameters
    ----------
    dataset : LabelledDataset
    path : path
    language : str
        The language of the variable and value labels.

    Returns
    -------
    list of str
        Notes on what had to be cut to fit the format (none so far: SPSS keeps long text).

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    import pyreadstat

    prepared = _spss(dataset, language)
    _write(pyreadstat.write_sav, prepared, Path(path))
    return prepared.notes


def _write(writer: Callable[..., None], prepared: _Prepared, path: Path, **extra: Any) -> None:
    import pyreadstat

    with atomic_path(path) as temporary:
        try:
            writer(prepared.frame, temporary, **prepared.options, **extra)
        except (pyreadstat.ReadstatError, pyreadstat.PyreadstatError) as exc:
            raise OutputError(f"cannot write {path}: {exc}") from None


def _stata(dataset: LabelledDataset, language: str) -> _Prepared:
    import pandas as pd

    instrument = dataset.instrument
    title = instrument.title.get(language, instrument.id)
    title = f"{title} ({instrument.id} {instrument.version})"
    columns: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    user_missing: dict[str, list[str]] = {}
    notes: list[str] = []
    for variable in dataset.variables:
        values = dataset.data[variable.name]
        labels[variable.name] = _cut_chars(variable.label[language], _STATA_LABEL)
        labelled: dict[int | str, str] = {
            v.number: v.label[language] for v in variable.value_labels
        }
        skipped = dataset.not_asked[variable.name]
        if variable.kind == "text":
            values, cut = _stata_text(values)
            if cut:
                notes.append(
                    f"{variable.name}: {cut} text{'s' * (cut > 1)} cut to "
                    f"{STATA_STRING_BYTES} bytes, the most a Stata cell holds"
                )
        else:
            values = _column(variable, values)
        if variable.kind in _NUMERIC and bool(skipped.any()):
            values = values.astype(object).where(~skipped, STATA_NOT_ASKED)
            user_missing[variable.name] = [STATA_NOT_ASKED]
            labelled[STATA_NOT_ASKED] = words(language)["not_asked"]
        columns[variable.name] = values
        if labelled:
            value_labels[variable.name] = labelled
    options = {
        "file_label": _cut_chars(title, _STATA_LABEL),
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_user_values": user_missing,
        "variable_format": {v.name: "%td" for v in dataset.variables if v.kind == "date"},
    }
    return _Prepared(pd.DataFrame(columns, index=dataset.data.index), options, notes)


def _spss(dataset: LabelledDataset, language: str) -> _Prepared:
    import pandas as pd

    instrument = dataset.instrument
    columns: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    value_labels: dict[str, dict[Any, str]] = {}
    missing: dict[str, list[int]] = {}
    formats: dict[str, str] = {}
    for variable in dataset.variables:
        values = dataset.data[variable.name]
        labels[variable.name] = _cut_bytes(variable.label[language], _SPSS_LABEL)
        labelled = {
            v.number: _cut_bytes(v.label[language], _SPSS_VALUE_LABEL)
            for v in variable.value_labels
        }
        if variable.kind == "text":
            values = values.astype(object).where(values.notna(), None)
        else:
            values = _column(variable, values)
        skipped = dataset.not_asked[variable.name]
        if bool(skipped.any()) and _spss_can_mark(dataset, variable):
            values = values.where(~skipped, float(SPSS_NOT_ASKED))
            missing[variable.name] = [SPSS_NOT_ASKED]
            labelled[SPSS_NOT_ASKED] = words(language)["not_asked"]
        if variable.kind in ("code", "dummy") or variable.question_type == "integer":
            formats[variable.name] = "F8.0"
        elif variable.kind == "number":
            formats[variable.name] = "F12.2"
        elif variable.kind == "date":
            formats[variable.name] = "DATE11"
        columns[variable.name] = values
        if labelled:
            value_labels[variable.name] = labelled
    title = instrument.title.get(language, instrument.id)
    options = {
        "file_label": _cut_bytes(title, _SPSS_FILE_LABEL),
        "column_labels": labels,
        "variable_value_labels": value_labels,
        "missing_ranges": missing,
        "variable_measure": {v.name: v.measure for v in dataset.variables},
        "variable_format": formats,
        "note": _spss_note(dataset, language),
    }
    return _Prepared(pd.DataFrame(columns, index=dataset.data.index), options, [])


def _column(variable: Variable, values: pd.Series) -> pd.Series:
    """Numbers, codes and dummies as floats (text codes as their numbers); dates as dates
    (a column without any date as missing numbers, which its date format makes dates)."""
    if variable.kind == "date" and bool(values.isna().all()):
        return values.isna().astype("float64") * float("nan")
    if variable.kind == "date":
        return values.map(_date, na_action="ignore").astype(object).where(values.notna(), None)
    if variable.text_codes:
        numbers = {str(v.code): float(v.number) for v in variable.value_labels}
        return values.map(numbers).astype("float64")
    return values.astype("Float64").astype("float64")


def _date(value: datetime) -> Any:
    return value.date()


def _stata_text(values: pd.Series) -> tuple[pd.Series, int]:
    """Text for a Stata file: blanks as empty text, long text cut; and how many were cut."""
    text = values.astype(object).where(values.notna(), "")
    long = text.map(lambda v: len(v.encode("utf-8")) > STATA_STRING_BYTES)
    if not long.any():
        return text, 0
    return text.where(~long, text[long].map(lambda v: _cut_bytes(v, STATA_STRING_BYTES))), int(
        long.sum()
    )


def _spss_can_mark(dataset: LabelledDataset, variable: Variable) -> bool:
    """Whether -97 can mean "not asked": a number whose hard minimum is above it, an option,
    or a choice without such a code."""
    if variable.kind == "dummy":
        return True
    if variable.kind == "code":
        return all(v.number != SPSS_NOT_ASKED for v in variable.value_labels)
    if variable.kind == "number":
        return variable.minimum is not None and variable.minimum > SPSS_NOT_ASKED
    return False


def _spss_note(dataset: LabelledDataset, language: str) -> list[str]:
    from .._version import package_version

    instrument = dataset.instrument
    lines = [
        f"instrument {instrument.id} version {instrument.version}",
        f"sha256 {instrument.content_hash}",
        f"labels in {language}; written by villagesurvey {package_version()}",
    ]
    if dataset.roster:
        link = ", ".join(dataset.link)
        lines.append(f"one row per {dataset.roster} row; linked to the main file by {link}")
    if dataset.pseudonymised:
        keys = dataset.pseudonym_key or instrument.key
        lines.append(f"{', '.join(keys)} hold pseudonyms, not the real identifiers")
    if dataset.dropped:
        lines.append(f"personal data left out: {', '.join(dataset.dropped)}")
    # SPSS keeps notes as lines of at most 80 bytes
    return [part for line in lines for part in textwrap.wrap(line, _SPSS_NOTE_LINE)]


def _cut_chars(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _cut_bytes(text: str, limit: int) -> str:
    """Cut text to ``limit`` UTF-8 bytes at a character boundary, ending in ``…``."""
    if len(text.encode("utf-8")) <= limit:
        return text
    cut = text.encode("utf-8")[: limit - len("…".encode())].decode("utf-8", errors="ignore")
    return cut + "…"
