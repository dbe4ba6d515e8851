"""Table 1 for a roster: members per household, and the members by age band and sex.

The pyramid uses the roster's age (its first ``integer`` question in ``years``) and its sex
(its single-choice question whose code or choice list is ``sex`` or ``gender``); a roster
without one of them gets the members per household alone. Members are counted as the
roster's rows: a member listed by two respondents of one household counts twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ..instrument import Instrument, Question, roster_instrument
from .derived import household_keys

__all__ = ["AGE_BAND", "RosterSummary", "describe_roster"]

AGE_BAND = 10
"""Years per band of the age pyramid; the last band is open (80 and over)."""
_LAST_BAND = 80
_SEX_WORDS = ("sex", "gender")


@dataclass(frozen=True)
class RosterSummary:
    """A roster described for Table 1.

    Attributes
    ----------
    code : str
        The roster's code.
    households : int
        Household rows of the dataset with at least one row in the roster.
    without : int
        Household rows with none (their members were not given, or are in quarantine).
    members : int
        The roster's rows of those households.
    mean, min, max : float
        Members per household (of those with any).
    age, sex : str or None
        The roster questions the pyramid uses; None when the roster has no such question.
    pyramid : DataFrame
        One row per age band and sex code: ``band`` (``"0-9"``, ..., ``"80+"``), ``low``
        (the band's first year), ``sex`` (the code, as text), ``count``. Members whose age or
        sex is blank are left out (``unplaced`` counts them).
    unplaced : int
        Members left out of the pyramid.
    """

    code: str
    households: int
    without: int
    members: int
    mean: float
    min: float
    max: float
    age: str | None = None
    sex: str | None = None
    pyramid: pd.DataFrame = field(default_factory=pd.DataFrame)
    unplaced: int = 0


def describe_roster(
    instrument: Instrument, data: pd.DataFrame, code: str, roster: pd.DataFrame
) -> RosterSummary:
    """Describe a roster's rows for the households of ``data``.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire that declares the roster.
    data : DataFrame
        The household rows (the clean dataset), with the instrument's key columns.
    code : str
        The roster's code.
    roster : DataFrame
        Its clean rows (``clean_<roster>.csv``).

    Returns
    -------
    RosterSummary
    """
    table = roster_instrument(instrument, code)
    parents = household_keys(data, instrument.key, "the dataset")
    keys = household_keys(roster, instrument.key, "the roster")
    mine = keys.isin(set(parents)).to_numpy()
    counts = keys[mine].value_counts()
    sizes = parents.map(counts).dropna().astype(float)
    age, sex = _age_question(table), _sex_question(table)
    if age is not None and age.code not in roster.columns:
        age = None  # a roster file without the column: no pyramid, no crash
    if sex is not None and sex.code not in roster.columns:
        sex = None
    pyramid, unplaced = pd.DataFrame(columns=["band", "low", "sex", "count"]), 0
    if age is not None and sex is not None:
        pyramid, unplaced = _pyramid(instrument, roster[mine], age, sex)
    return RosterSummary(
        code=code,
        households=int(sizes.size),
        without=int(parents.size - sizes.size),
        members=int(mine.sum()),
        mean=float(sizes.mean()) if sizes.size else math.nan,
        min=float(sizes.min()) if sizes.size else math.nan,
        max=float(sizes.max()) if sizes.size else math.nan,
        age=age.code if age else None,
        sex=sex.code if sex else None,
        pyramid=pyramid,
        unplaced=unplaced,
    )


def _age_question(table: Instrument) -> Question | None:
    return next(
        (
            q
            for q in table.questions
            if q.type == "integer" and q.unit == "years" and not q.waves and not q.pii
        ),
        None,
    )


def _sex_question(table: Instrument) -> Question | None:
    return next(
        (
            q
            for q in table.questions
            if q.type == "select_one"
            and not q.waves
            and (q.code in _SEX_WORDS or q.choices in _SEX_WORDS)
            and q.code not in table.key
        ),
        None,
    )


def _pyramid(
    instrument: Instrument, rows: pd.DataFrame, age: Question, sex: Question
) -> tuple[pd.DataFrame, int]:
    years = pd.to_numeric(rows[age.code].astype("string").str.strip(), errors="coerce")
    sexes = rows[sex.code].astype("string").str.strip().str.replace(r"\.0$", "", regex=True)
    placed = years.notna() & sexes.notna() & (sexes != "")
    lows = (years[placed] // AGE_BAND * AGE_BAND).clip(upper=_LAST_BAND).astype(int)
    codes = [str(c.code) for c in instrument.choice_list(sex)]
    codes += sorted(set(sexes[placed]) - set(codes))
    out = []
    for low in range(0, _LAST_BAND + 1, AGE_BAND):
        band = f"{low}+" if low == _LAST_BAND else f"{low}-{low + AGE_BAND - 1}"
        for code in codes:
            count = int(((lows == low) & (sexes[placed] == code)).sum())
            out.append({"band": band, "low": low, "sex": code, "count": count})
    return pd.DataFrame(out), int((~placed).sum())
