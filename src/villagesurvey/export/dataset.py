"""Read a clean dataset back with the types its instrument gives each column.

``villagesurvey validate`` writes ``clean.csv`` as text: numbers as a person writes them,
choices as their codes, dates as ISO dates. :func:`typed_dataset` checks that the columns
are the instrument's and turns each into its type; nothing here writes files.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AnalysisError
from ..instrument import Column, Instrument
from ..instrument.model import FORMATTED_TYPES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["PROVENANCE_COLUMNS", "SOURCE_COLUMN", "read_dataset", "typed_dataset"]

SOURCE_COLUMN = "source_file"
PROVENANCE_COLUMNS = ("source_submission", "source_submitted")
"""What validate's clean.csv of a phone export adds after ``source_file``: the submission's
ID, and when it reached the server (read as a date and time, in UTC)."""
"""The column of ``clean.csv`` that names the file each row came from."""

_SHOWN = 3  # bad values quoted per column in an error message


def read_dataset(
    instrument: Instrument, clean: pd.DataFrame | str | Path, *, keep_pii: bool = True
) -> pd.DataFrame:
    """The clean dataset (a ``clean.csv`` or a frame of text) with typed columns.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the dataset was validated against.
    clean : DataFrame or path
        The ``clean.csv`` that ``villagesurvey validate`` wrote, or the same as a frame.
    keep_pii : bool, default True
        Keep the columns of personal-data questions; when False they are left out (and
        need not be in the file).

    Returns
    -------
    DataFrame
        See :func:`typed_dataset`.

    Raises
    ------
    AnalysisError
        If the file cannot be read, its columns are not the instrument's, or a value does
        not have its column's type.
    """
    from ..report import read_clean

    source = "the dataset"
    if isinstance(clean, str | Path):
        source = str(clean)
        clean = read_clean(clean)
    return typed_dataset(instrument, clean, source=source, keep_pii=keep_pii)


def typed_dataset(
    instrument: Instrument,
    frame: pd.DataFrame,
    *,
    source: str = "the dataset",
    keep_pii: bool = True,
) -> pd.DataFrame:
    """Check a clean dataset's columns against the instrument and give each its type.

    Whole numbers, Likert items and choices with whole-number codes become ``Int64``;
    decimals ``Float64``; dates ``datetime64``; text, choices with text codes and the
    space-separated codes of a ``select_multiple`` stay text. Blank cells are missing.

    Parameters
    ----------
    instrument : Instrument
    frame : DataFrame
        The dataset as text (as :func:`~villagesurvey.report.read_clean` reads it).
    source : str
        How error messages name the dataset (its file).
    keep_pii : bool, default True
        Keep the columns of personal-data questions.

    Returns
    -------
    DataFrame
        ``source_file`` (when the dataset has it), then the instrument's columns in order;
        a 0-based index.

    Raises
    ------
    AnalysisError
        Naming every missing or unknown column, or every column with a value of the wrong
        type (its first bad values and their rows as a spreadsheet shows them).
    """
    import pandas as pd

    columns = [c for c in instrument.columns if keep_pii or not c.question.pii]
    _check_columns(instrument, frame, columns, source)
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    problems: list[str] = []
    for name in (SOURCE_COLUMN, *PROVENANCE_COLUMNS):
        if name in frame.columns:
            out[name] = _text(frame[name])
    if PROVENANCE_COLUMNS[1] in out.columns:
        text = out[PROVENANCE_COLUMNS[1]]
        when = pd.to_datetime(text, errors="coerce", utc=True, format="ISO8601")
        out[PROVENANCE_COLUMNS[1]] = when.dt.tz_localize(None)
        bad = text.notna() & when.isna()
        if bad.any():
            rows = ", ".join(str(i + 2) for i in bad[bad].index[:5])
            problems.append(f"{PROVENANCE_COLUMNS[1]} holds values that are not a date and time "
                            f"(rows {rows})")  # fmt: skip
    for column in columns:
        values, bad = _typed(instrument, column, _text(frame[column.code]))
        out[column.code] = values
        if bad.any():
            problems.append(_bad_values(column, frame[column.code], bad))
    if problems:
        raise AnalysisError(
            f"{source}: {'; '.join(problems)}; run villagesurvey validate on the returns "
            "and export its clean.csv"
        )
    return out


def _check_columns(
    instrument: Instrument, frame: pd.DataFrame, columns: list[Column], source: str
) -> None:
    known = {c.code for c in instrument.columns} | {SOURCE_COLUMN, *PROVENANCE_COLUMNS}
    missing = [c.code for c in columns if c.code not in frame.columns]
    unknown = [str(name) for name in frame.columns if name not in known]
    if not missing and not unknown:
        return
    parts = []
    if missing:
        parts.append(f"missing column{'s' * (len(missing) > 1)} {_names(missing)}")
    if unknown:
        parts.append(f"unknown column{'s' * (len(unknown) > 1)} {_names(unknown)}")
    raise AnalysisError(
        f"{source}: {'; '.join(parts)}: the columns must be those of {instrument.id} "
        f"{instrument.version}; is this a clean.csv of another questionnaire or version?"
    )


def _names(names: list[str], shown: int = 8) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def _text(values: pd.Series) -> pd.Series:
    """Stripped text with blanks as missing."""
    text = values.astype("string").str.strip()
    return text.mask(text == "")


def _typed(instrument: Instrument, column: Column, text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """The column in its type, and where a present value does not fit the type."""
    import pandas as pd

    question = column.question
    codes = [str(c.code) for c in instrument.choice_list(question)]
    if question.type == "date":
        dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return dates, text.notna() & dates.isna()
    if question.type in ("text", "calculate", *FORMATTED_TYPES):
        return text, pd.Series(False, index=text.index)
    if question.type == "select_multiple":
        allowed = set(codes)
        fits = text.map(lambda v: set(v.split()) <= allowed, na_action="ignore")
        return text, fits.eq(False)
    if not all(_whole(c) for c in codes):
        return text, text.notna() & ~text.isin(codes)
    numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    bad = text.notna() & numbers.isna()
    if question.type == "decimal":
        return numbers, bad
    whole = numbers.round() == numbers
    bad |= numbers.notna() & ~whole.fillna(True)
    if codes:
        bad |= numbers.notna() & ~numbers.isin([float(c) for c in codes]).fillna(False)
    return numbers.where(~bad).astype("Int64"), bad


def _whole(code: str) -> bool:
    return code.lstrip("-").isdigit()


def _bad_values(column: Column, raw: pd.Series, bad: pd.Series) -> str:
    rows = [int(i) for i in bad[bad].index[:_SHOWN]]
    shown = ", ".join(f"row {i + 2} {str(raw.iloc[i]).strip()!r}" for i in rows)
    more = f" and {int(bad.sum()) - len(rows)} more" if int(bad.sum()) > len(rows) else ""
    return f"column {column.code} expects {_expected(column)}: {shown}{more}"


def _expected(column: Column) -> str:
    kind = column.question.type
    if kind == "date":
        return "dates as YYYY-MM-DD"
    if kind == "decimal":
        return "numbers"
    if kind in ("integer",):
        return "whole numbers"
    return "one of its choice codes" if kind != "select_multiple" else "choice codes"
