"""Respondent keys as text, the same whether they come from a return or from a sample list.

A key is compared as validate compares it: typed by its question. A number question's key is
the number as a person writes it (``007``, ``7`` and ``7.0`` are the same household 7); a
choice question's key is the choice's code (its label in any language names it too); any
other key is its text, trimmed and in Unicode's composed form (``007`` and ``7`` are two
respondents). A sample list (:mod:`.sample`), progress (:mod:`.progress`) and the
back-checks (:mod:`.backchecks`, matching a back-check with its survey row) all match keys
by this one rule.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from ..instrument import Instrument
from ..instrument.model import NUMERIC_TYPES, SELECT_TYPES, Question
from ..validate.cells import parse_number, show

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SEPARATOR", "cell_key", "row_keys", "text_keys"]

SEPARATOR = " / "
"""Between the parts of a key of several columns when it is shown: ``V01 / 7``."""


def cell_key(question: Question, instrument: Instrument, value: object) -> str | None:
    """One key cell of a sample list as the key text; ``None`` if it cannot be that question's.

    Parameters
    ----------
    question : Question
        The key question.
    instrument : Instrument
        Gives the choice lists.
    value : object
        The cell as read (text, number, date or ``None``).

    Returns
    -------
    str or None
        The key text (blank for an empty cell), or ``None`` for a value the question cannot
        hold (text in a number key, a label no choice has).
    """
    text = unicodedata.normalize("NFC", show(value)).strip()
    if not text:
        return ""
    if question.type in NUMERIC_TYPES:
        number = parse_number(text)
        return None if number is None else show(number[0])
    if question.type in SELECT_TYPES and question.choices:
        for choice in instrument.choices.get(question.choices, ()):
            names = {str(choice.code), *(label.strip() for label in choice.label.values())}
            if text in names:
                return str(choice.code)
        return None
    return text


def row_keys(typed: pd.DataFrame, codes: list[str]) -> pd.DataFrame:
    """The key columns of validated rows as text, as :meth:`Validation.clean` writes them."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    from ..validate.result import numbers_as_text

    out = {}
    for code in codes:
        values = typed[code]
        if str(values.dtype) == "Float64":
            text = numbers_as_text(values)
        elif pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            text = values.astype(object).where(values.notna(), "").astype(str)
        else:
            text = values.map(show).astype(str)  # dates, whole numbers as objects
        strings = pa.array(text.to_numpy(dtype=object), type=pa.large_string())
        tidy = pc.utf8_trim_whitespace(pc.utf8_normalize(strings, form="NFC"))
        out[code] = pd.Series(tidy.to_pylist(), index=typed.index, dtype=object)
    return pd.DataFrame(out, index=typed.index)


def text_keys(frame: pd.DataFrame, instrument: Instrument) -> pd.Series:
    """The respondent key of each row of a table of text (clean.csv as read back, a
    back-check's clean rows), each part by :func:`cell_key`: ``("V01", "7")``.

    Parameters
    ----------
    frame : DataFrame
        The rows; a key column it lacks is blank in every key.
    instrument : Instrument
        Its key questions type the parts.

    Returns
    -------
    Series
        One tuple of key texts per row, in the frame's order (a default index). A value
        its question cannot hold (text in a number key) is kept as its trimmed text.
    """
    import pandas as pd

    parts = []
    for code in instrument.key:
        if code not in frame:
            parts.append([""] * len(frame))
            continue
        question = instrument.question(code)
        codes, uniques = pd.factorize(frame[code].astype(object))  # a blank cell is -1
        read = [cell_key(question, instrument, v) for v in uniques]
        texts = [
            k if k is not None else unicodedata.normalize("NFC", show(v)).strip()
            for k, v in zip(read, uniques, strict=True)
        ]
        parts.append([texts[c] if c >= 0 else "" for c in codes])
    return pd.Series(list(zip(*parts, strict=True)), dtype=object)
