"""Respondents sent twice: exact copies of a row, and one key with different answers.

An exact copy (every answer equal, wherever it came from) quarantines the later copies and
keeps the first. Two rows with the same respondent key but different answers cannot be
resolved by a tool: all of them go to quarantine, each naming the others and the columns
that differ. The key may span several columns (village, household, person).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..instrument import Instrument

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["copies_among", "find_duplicates"]

_SHOWN = 8

_COLUMNS = ["record", "column", "value", "check", "message"]
"""The columns of the duplicates' findings."""


def copies_among(
    instrument: Instrument, pieces: list[tuple[pd.DataFrame, pd.DataFrame]]
) -> pd.DataFrame:
    """:func:`find_duplicates` of rows read back from waiting partitions (the rows whose hash
    another row shares): each piece is their typed rows and their file, row and submission
    (:func:`.partition_check.rows_of`); no findings for no pieces."""
    import pandas as pd

    from .result import FILE, PROVENANCE, ROW

    if not pieces:
        return pd.DataFrame(columns=_COLUMNS, dtype=object)
    typed = pd.concat([typed for typed, _ in pieces])
    raw = pd.concat([raw for _, raw in pieces])
    where = raw[FILE] + " row " + raw[ROW].astype(str)
    return find_duplicates(instrument, typed, where, raw[PROVENANCE["submission"]])


def find_duplicates(
    instrument: Instrument,
    typed: pd.DataFrame,
    where: pd.Series,
    submissions: pd.Series | None = None,
) -> pd.DataFrame:
    """Findings (``record, column, value, check, message``) for duplicated respondents.

    Parameters
    ----------
    instrument : Instrument
        Gives the columns and the respondent key.
    typed : DataFrame
        Typed answers indexed by record.
    where : Series
        ``"<file> row <n>"`` for each record, to name the other copies.
    submissions : Series, optional
        The submission ID a phone export gives each record: rows of two different
        submissions are not copies of each other, even when every answer is the same.
    """
    import numpy as np
    import pandas as pd

    answers = typed[[c.code for c in instrument.columns]]
    key = list(instrument.key)
    first = key[0]
    rows = []
    # Rows that share a hash with another are the only ones that can be copies; grouping
    # them by their answers (exact, whatever the hash says) finds the copies among them.
    identity = answers
    if submissions is not None and bool(submissions.notna().any()):
        identity = answers.assign(**{"\0submission": submissions.reindex(answers.index)})
    alike = pd.util.hash_pandas_object(identity, index=False).duplicated(keep=False)
    maybe = identity[alike.to_numpy()]
    group = maybe.groupby(list(maybe.columns), dropna=False, sort=False).ngroup()
    copied = group.duplicated(keep="first").to_numpy()
    numbers = group.to_numpy()
    first_of = group.index[np.unique(numbers, return_index=True)[1]]  # by group number
    copies = pd.Series(False, index=answers.index)  # by record
    copies[group.index[copied]] = True
    for record, number in zip(group.index[copied], numbers[copied], strict=True):
        original = first_of[number]
        rows.append(
            (record, first, typed.at[record, first], "duplicate_row",
             f"identical to {where[original]}; that row is kept, this copy is quarantined")
        )  # fmt: skip
    unique = answers[~copies]
    complete = unique.dropna(subset=key)
    clash = complete[complete.duplicated(subset=key, keep=False)]
    for _, group in clash.groupby(key, sort=False, dropna=True):
        for record in group.index:
            others = [i for i in group.index if i != record]
            differ = [
                c for c in answers.columns
                if not group[c].isna().all() and group[c].nunique(dropna=False) > 1
            ]  # fmt: skip
            shown = ", ".join(differ[:_SHOWN]) + (" ..." if len(differ) > _SHOWN else "")
            key_text = ", ".join(str(group.at[record, k]) for k in key)
            rows.append(
                (record, first, typed.at[record, first], "duplicate_key",
                 f"same respondent ({key_text}) as {', '.join(where[o] for o in others)}, "
                 f"with other answers in {shown}; keep the right one and correct the other")
            )  # fmt: skip
    return pd.DataFrame(rows, columns=_COLUMNS, dtype=object)
