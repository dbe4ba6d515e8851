"""Turn the cells of every return into typed answers, logging each change and each failure.

Column by column, vectorised: the cells that are already what the column expects (a number
in a number column, a date in a date column, the drop-down's label in a choice column) pass
through a fast path without a finding; only the rest go through :mod:`.cells` one by one.
What the tool changes is a ``fixed`` finding with the value before and after; what it cannot
read is an ``error`` (``not_a_number``, ``not_a_whole_number``, ``not_a_date``,
``unknown_label``) and the answer becomes blank for the later checks.

The expected form of a choice answer depends on the file: our workbook's drop-downs write
labels in the workbook's language (decoding them to codes is reading, not changing, and is
not logged); a CSV export holds codes. The other form is accepted and logged.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument
from .cells import is_dont_know, parse_date, parse_number, serial_to_date, show

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["LANGUAGE", "TYPED", "normalise"]

LANGUAGE = "_language"
"""Column of the raw frame: the template language of the record's file, or ``None``."""
TYPED = "_typed"
"""Column of the raw frame: ``True`` when the file keeps cell types (a workbook, not a CSV)."""

_PLAIN = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_WORDS = {
    "whitespace": "spaces around it removed",
    "full_width_digits": "full-width characters made plain",
    "currency_mark": "currency mark removed",
    "magnitude_word": "magnitude word multiplied out",
    "thousands_separator": "thousands separators removed",
    "number_as_text": "a number stored as text",
    "date_as_text": "a date typed as text",
    "date_serial": "an Excel date serial number",
}
_PRIORITY = (
    "magnitude_word",
    "currency_mark",
    "thousands_separator",
    "full_width_digits",
    "date_serial",
    "date_as_text",
    "number_as_text",
    "whitespace",
)


class _Log:
    """Findings of the normalisation, column-wise lists (cheap to append, one frame at the end)."""

    def __init__(self) -> None:
        self.parts: list[dict[str, Any]] = []

    def cell(
        self,
        record: int,
        column: str,
        value: Any,
        check: str,
        severity: str,
        message: str,
        expected: str = "",
        fixed_value: Any = None,
    ) -> None:
        self.parts.append(
            {
                "record": [record],
                "column": [column],
                "value": [show(value)],
                "check": [check],
                "severity": [severity],
                "message": [message],
                "expected": [expected],
                "fixed_value": [fixed_value],
            }
        )

    def many(self, frame: pd.DataFrame) -> None:
        if len(frame):
            self.parts.append(frame.to_dict(orient="list"))

    def frame(self) -> pd.DataFrame:
        import pandas as pd

        names = ("record", "column", "value", "check", "severity", "message", "expected")
        columns: dict[str, list[Any]] = {name: [] for name in (*names, "fixed_value")}
        for part in self.parts:
            for key, values in part.items():
                columns.setdefault(key, []).extend(values)
        return pd.DataFrame(columns, dtype=object)


def normalise(instrument: Instrument, raw: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed answers and the findings of reading them.

    Parameters
    ----------
    instrument : Instrument
        Says each column's type, choices and languages.
    raw : DataFrame
        One row per record: a column of raw cell values per instrument column, plus
        :data:`LANGUAGE` and :data:`TYPED`.

    Returns
    -------
    typed : DataFrame
        Same index; numbers as ``Float64``, dates as ISO text, choices as their codes (text;
        a select_multiple answer as codes separated by spaces), other text stripped.
    findings : DataFrame
        ``record, column, value, check, severity, message, expected, fixed_value``.
    """
    import pandas as pd

    log = _Log()
    typed: dict[str, pd.Series] = {}
    for column in instrument.columns:
        cells = raw[column.code]
        q = column.question
        if q.type in ("integer", "decimal"):
            typed[column.code] = _numbers(column, cells, raw[TYPED], log)
        elif q.type == "date":
            typed[column.code] = _dates(column, cells, raw[TYPED], log)
        elif q.type in ("select_one", "likert"):
            typed[column.code] = _choices(instrument, column, cells, raw[LANGUAGE], log)
        elif q.type == "select_multiple":
            typed[column.code] = _multiple(instrument, column, cells, log)
        else:
            typed[column.code] = _texts(column, cells, log)
    return pd.DataFrame(typed, index=raw.index), log.frame()


def _kinds(cells: pd.Series) -> pd.Series:
    return cells.map(type)


def _fixed_message(before: Any, after: Any, changes: list[str]) -> tuple[str, str]:
    """The check code of a change (the most telling one) and its message."""
    check = next(c for c in _PRIORITY if c in changes)
    words = "; ".join(_WORDS[c] for c in _PRIORITY if c in changes)
    return check, f"read {show(before)!r} as {show(after)} ({words})"


def _numbers(column: Column, cells: pd.Series, typed: pd.Series, log: _Log) -> pd.Series:
    import pandas as pd

    code = column.code
    out = pd.Series(pd.NA, index=cells.index, dtype="Float64")
    kinds = _kinds(cells)
    numeric = kinds.isin([float, int])
    out[numeric] = cells[numeric].astype(float)
    strings = cells[kinds.isin([str])].astype(str)
    plain = strings.str.fullmatch(_PLAIN)
    fast = strings[plain]
    out[fast.index] = fast.astype(float)
    quiet = fast[~typed[fast.index].astype(bool)]
    loud = fast.drop(quiet.index)
    if len(loud):
        log.many(
            pd.DataFrame(
                {
                    "record": loud.index,
                    "column": code,
                    "value": loud.to_numpy(),
                    "check": "number_as_text",
                    "severity": "fixed",
                    "message": "read " + loud.map(repr) + " as a number (a number stored as text)",
                    "expected": "",
                    "fixed_value": out[loud.index].astype(float).map(show).to_numpy(),
                }
            )
        )
    for record, text in strings[~plain].items():
        if not text.strip():
            continue
        parsed = parse_number(text)
        if parsed is None:
            log.cell(record, code, text, "not_a_number", "error", _not_a_number(text), "a number")
            continue
        value, changes = parsed
        out[record] = value
        if not typed[record]:
            changes.remove("number_as_text")  # a CSV holds every number as text
        if changes:
            check, message = _fixed_message(text, value, changes)
            log.cell(record, code, text, check, "fixed", message, "", show(value))
    others = cells[~numeric & ~kinds.isin([str]) & cells.notna()]
    for record, value in others.items():
        what = "a date" if isinstance(value, date | datetime) else f"{show(value)!r}"
        log.cell(record, code, value, "not_a_number", "error",
                 f"{what} is not a number", "a number")  # fmt: skip
    if column.question.type == "integer":
        _whole(column, out, log)
    return out


def _not_a_number(text: str) -> str:
    if is_dont_know(text):
        return (
            f"{text!r} means 'don't know' or 'refused', which is not a number; ask again, "
            "or leave the cell blank if the question may be skipped"
        )
    return f"{text!r} is not a number; write digits only"


def _whole(column: Column, out: pd.Series, log: _Log) -> None:
    values = out.dropna()
    broken = values[values != values.round()]
    for record, value in broken.items():
        log.cell(record, column.code, float(value), "not_a_whole_number", "error",
                 f"{show(float(value))} is not a whole number", "a whole number")  # fmt: skip
        out[record] = None


def _dates(column: Column, cells: pd.Series, typed: pd.Series, log: _Log) -> pd.Series:
    import pandas as pd

    out = pd.Series(pd.NA, index=cells.index, dtype=object)
    kinds = _kinds(cells)
    days = kinds.isin([date, datetime])  # what a date cell of a workbook holds
    out[days] = (
        cells[days].map(lambda d: d.date() if isinstance(d, datetime) else d).map(date.isoformat)
    )
    text = cells[kinds.isin([str])].astype(str)
    iso = text.str.fullmatch(_ISO_DATE) & ~typed[text.index].astype(bool)  # a CSV's dates
    out[iso[iso].index] = text[iso]
    rest = cells[cells.notna() & ~days]
    rest = rest.drop(iso[iso].index)
    for record, value in rest.items():
        day = _one_date(column.code, record, value, bool(typed[record]), log)
        if day is not None:
            out[record] = day
    return out.astype("str")


def _one_date(code: str, record: int, value: Any, typed: bool, log: _Log) -> str | None:
    """The ISO date of a cell off the fast path, logging the change or the failure."""
    expected = "a date such as 2022-08-03"
    if isinstance(value, float | int) and not isinstance(value, bool):
        day = serial_to_date(float(value))
        if day is None:
            log.cell(record, code, value, "not_a_date", "error",
                     f"{show(value)} is not a date", expected)  # fmt: skip
            return None
        log.cell(record, code, value, "date_serial", "fixed",
                 f"read {show(value)} as {day.isoformat()} (an Excel date serial number)",
                 "", day.isoformat())  # fmt: skip
        return day.isoformat()
    if not isinstance(value, str):
        log.cell(record, code, value, "not_a_date", "error",
                 f"{show(value)!r} is not a date", expected)  # fmt: skip
        return None
    if not value.strip():
        return None
    parsed = parse_date(value)
    if parsed is None:
        log.cell(record, code, value, "not_a_date", "error",
                 f"{value!r} is not a date; write it year first, e.g. 2022-08-03",
                 expected)  # fmt: skip
        return None
    day, changes = parsed
    if typed or changes:
        check, message = _fixed_message(value, day, changes or ["date_as_text"])
        log.cell(record, code, value, check, "fixed", message, "", day.isoformat())
    return day.isoformat()


def _texts(column: Column, cells: pd.Series, log: _Log) -> pd.Series:
    import pandas as pd

    out = pd.Series(pd.NA, index=cells.index, dtype=object)
    kinds = _kinds(cells)
    strings = kinds.isin([str])
    text = cells[strings].astype(str)
    stripped = text.str.strip()
    out[text.index] = stripped.where(stripped != "", pd.NA)
    others = cells[~strings & cells.notna()]
    out[others.index] = others.map(show)
    changed = text[(stripped != text) & (stripped != "")]
    for record, value in changed.items():
        log.cell(record, column.code, value, "whitespace", "fixed",
                 f"read {value!r} as {value.strip()!r} (spaces around it removed)", "",
                 value.strip())  # fmt: skip
    return out.astype("str")


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


class _ChoiceIndex:
    """Every way an answer may name a choice of one list, and how each way is logged."""

    def __init__(self, instrument: Instrument, column: Column) -> None:
        choices = instrument.choice_list(column.question)
        self.codes = {str(c.code): str(c.code) for c in choices}
        self.labels = {
            lang: {c.label[lang]: str(c.code) for c in choices} for lang in instrument.languages
        }
        self.exact: dict[str, str] = {}
        for mapping in self.labels.values():
            self.exact.update(mapping)
        self.exact.update(self.codes)
        self.folded = {_fold(k): v for k, v in self.exact.items()}
        self.names = {str(c.code): c.label[instrument.languages[0]] for c in choices}
        self.column = column

    def silent(self, language: str | None) -> set[str]:
        return set(self.codes) if language is None else set(self.labels.get(language, {}))

    def classify(self, key: str, language: str | None) -> tuple[str | None, str, str]:
        """``(code, check, message)`` for an answer off the fast path."""
        code = self.exact.get(key)
        if code is not None:
            if key in self.codes:
                return code, "code_for_label", f"read code {key} as {self.names[code]!r}"
            other = next(lang for lang, m in self.labels.items() if key in m)
            if language is None:
                return code, "choice_label", f"read label {key!r} as code {code}"
            return (
                code,
                "other_language_label",
                (f"read the {other} label {key!r} as {self.names[code]!r} (code {code})"),
            )
        code = self.folded.get(_fold(key))
        if code is not None:
            check = "whitespace" if key.strip() in self.exact else "label_variant"
            return code, check, f"read {key!r} as {self.names[code]!r} (code {code})"
        return None, "unknown_label", self._unknown(key)

    def _unknown(self, key: str) -> str:
        close = difflib.get_close_matches(key, list(self.exact), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        allowed = ", ".join(f"{c} {self.names[c]}" for c in self.codes)
        return f"{key!r} is not a choice of {self.column.question.code} ({allowed}){hint}"

    def expected(self) -> str:
        return "one of " + ", ".join(f"{c} ({self.names[c]})" for c in self.codes)


def _key(value: Any) -> str:
    return value if isinstance(value, str) else show(value)


def _keys(cells: pd.Series) -> pd.Series:
    """Each answer as the text it names a choice by: text as is, ``1.0`` as ``1``."""
    kinds = _kinds(cells)
    strings = kinds.isin([str])
    if strings.all():
        return cells.astype(str)
    keys = cells.astype(object).copy()
    keys[~strings] = cells[~strings].map(show)
    return keys.astype(str)


def _choices(
    instrument: Instrument,
    column: Column,
    cells: pd.Series,
    languages: pd.Series,
    log: _Log,
) -> pd.Series:
    import pandas as pd

    index = _ChoiceIndex(instrument, column)
    present = cells[cells.notna()]
    keys = _keys(present)
    keys = keys[keys.str.strip() != ""]
    codes = keys.map(index.exact)
    quiet = pd.Series(False, index=keys.index)
    langs = languages[keys.index]
    for language in [*langs.dropna().unique().tolist(), None]:
        members = langs.isna() if language is None else langs == language
        quiet[members] = keys[members].isin(index.silent(language))
    out = codes.where(quiet)
    for record in keys.index[~quiet]:
        key = keys[record]
        code, check, message = index.classify(key, languages[record])
        if code is None:
            log.cell(record, column.code, key, check, "error", message, index.expected())
        else:
            out[record] = code
            log.cell(record, column.code, key, check, "fixed", message, "", code)
    return pd.Series(out, index=cells.index, dtype="str").reindex(cells.index)


_LISTED = re.compile(r"\s*[,，、;；]\s*")


def _multiple(instrument: Instrument, column: Column, cells: pd.Series, log: _Log) -> pd.Series:
    import pandas as pd

    index = _ChoiceIndex(instrument, column)
    out: dict[int, str] = {}
    for record, value in cells[cells.notna()].items():
        text = _key(value).strip()
        if not text:
            continue
        # Codes are separated by spaces; labels (which may hold spaces) by commas or 、.
        listed = _LISTED.search(text) is not None
        tokens = [t for t in (_LISTED.split(text) if listed else text.split()) if t]
        codes: list[str] = []
        unknown: list[str] = []
        for token in tokens:
            code = (
                index.codes.get(token) or index.exact.get(token) or index.folded.get(_fold(token))
            )
            if code is None:
                unknown.append(token)
            elif code not in codes:
                codes.append(code)
        if unknown:
            log.cell(record, column.code, value, "unknown_label", "error",
                     f"{', '.join(map(repr, unknown))} "
                     f"{'is not a choice' if len(unknown) == 1 else 'are not choices'} of "
                     f"{column.question.code}; write codes separated by spaces",
                     index.expected())  # fmt: skip
            continue
        joined = " ".join(codes)
        out[record] = joined
        if joined != _key(value):
            log.cell(record, column.code, value, "choice_separator", "fixed",
                     f"read {_key(value)!r} as the codes {joined!r}", "", joined)  # fmt: skip
    return pd.Series(out, index=cells.index, dtype="str")
