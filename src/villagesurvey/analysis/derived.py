"""Household outcomes derived from a roster, computed from its clean rows.

The instrument declares them (``derive:``, see :mod:`villagesurvey.instrument.derive`);
:func:`add_derived` computes one value per household row (per wave when the roster questions
have waves) and returns the instrument with a section of them, so that :func:`analyse`
compares them as any other outcome.

What a household gets: no value when the roster has no row for it (its members were not
sent, or are in quarantine). Otherwise ``count`` counts the rows for which the condition holds
(a row whose answer is blank is not counted); ``sum`` adds the known values of the selected
rows (0 when no row is selected, no value when every selected row is blank); ``mean`` averages
them (no value when none is known); ``share`` divides the rows for which the condition holds by
the rows, among those ``among`` selects, for which it is known (no value when there are none).
A blank that the roster's skip rule made and ``when_skipped`` gives a number to counts as that
number (no work, no earnings: 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import pandas as pd

from ..errors import AnalysisError
from ..instrument import Instrument, Question, Section, roster_instrument
from ..instrument.conditions import bind_waves, parse_condition
from ..instrument.derive import Derived
from .skips import fill_skipped

__all__ = ["DERIVED_SECTION", "add_derived", "derived_values", "household_keys"]

DERIVED_SECTION = "derived"
"""The code of the section that holds the derived outcomes in the instrument returned."""


def add_derived(
    instrument: Instrument,
    data: pd.DataFrame,
    rosters: Mapping[str, pd.DataFrame],
    source: str = "the roster",
) -> tuple[Instrument, pd.DataFrame, tuple[Derived, ...]]:
    """Compute the instrument's derived outcomes whose roster is given.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire, with ``derived`` outcomes.
    data : DataFrame
        The household rows (a clean dataset), with the instrument's key columns.
    rosters : mapping of str to DataFrame
        Each roster's clean rows (``clean_<roster>.csv``), by roster code: the household's
        key columns, then the roster's columns.
    source : str
        How to name the roster data in error messages.

    Returns
    -------
    instrument : Instrument
        The same questionnaire with a last section, ``derived``, of one question per
        outcome computed (a number question in the outcome's waves), so that its waves are
        before/after pairs; its content hash is the original's.
    data : DataFrame
        A copy of ``data`` with one column per outcome and wave.
    computed : tuple of Derived
        The outcomes computed; those whose roster was not given are left out.

    Raises
    ------
    AnalysisError
        A roster's data lacks a column the outcomes need.
    """
    computed = tuple(d for d in instrument.derived if d.roster in rosters)
    if not computed:
        return instrument, data, ()
    out = data.copy()
    keys = household_keys(data, instrument.key, "the dataset")
    for derived in computed:
        values = derived_values(instrument, derived, rosters[derived.roster], source)
        for column in values.columns:
            out[column] = keys.map(values[column]).astype(float).to_numpy()
    questions = tuple(_question(instrument, d) for d in computed)
    label = {lang: {"zh": "由成员表计算"}.get(lang, "Derived from a roster") for lang in
             instrument.languages}  # fmt: skip
    section = Section(DERIVED_SECTION, label, questions)
    augmented = replace(instrument, sections=(*instrument.sections, section))
    # The report names the instrument the data follows: the file's, not this working copy.
    augmented.__dict__["content_hash"] = instrument.content_hash
    return augmented, out, computed


def derived_values(
    instrument: Instrument, derived: Derived, roster: pd.DataFrame, source: str = "the roster"
) -> pd.DataFrame:
    """One derived outcome for each household that has rows in ``roster``.

    Returns
    -------
    DataFrame
        Indexed by the household's key (its parts joined by ``" | "``), one float column per
        column of the outcome (``derived.columns``).
    """
    table = roster_instrument(instrument, derived.roster)
    needed = [*instrument.key, *_named(table, derived)]
    missing = [c for c in dict.fromkeys(needed) if c not in roster.columns]
    if missing:
        raise AnalysisError(
            f"{source}: missing column{'s' * (len(missing) > 1)} {', '.join(missing)}, "
            f"needed for {derived.code} = {derived.expression}"
        )
    roster = roster.reset_index(drop=True)
    answers = _answers(roster, [c.code for c in table.columns])
    households = household_keys(roster, instrument.key, source)
    waved = {q.code for q in table.questions if q.waves}
    out = {}
    for wave, column in zip(derived.waves or (None,), derived.columns, strict=True):
        out[column] = _one(table, derived, answers, households, wave, waved)
    return pd.DataFrame(out)


def _one(
    table: Instrument,
    derived: Derived,
    answers: pd.DataFrame,
    households: pd.Series,
    wave: int | None,
    waved: set[str],
) -> pd.Series:
    from ..validate.masks import holds

    def condition(text: str | None) -> pd.Series:
        if text is None:
            return pd.Series(True, index=answers.index, dtype="boolean")
        parsed = parse_condition(text)
        return holds(bind_waves(parsed, wave, waved) if wave else parsed, answers)

    rows = households.groupby(households).size()
    chosen = condition(derived.condition)
    if derived.function == "count":
        return chosen.fillna(False).astype(int).groupby(households).sum().reindex(rows.index)
    if derived.function == "share":
        among = condition(derived.among).fillna(False).astype(bool)
        known = among & chosen.notna()
        hits = (known & chosen.fillna(False)).astype(int).groupby(households).sum()
        base = known.astype(int).groupby(households).sum()
        return (hits / base.where(base > 0)).reindex(rows.index)
    name = f"{derived.question}_{wave}" if wave and derived.question in waved else derived.question
    values = _numbers(table, answers, str(name))
    selected = chosen.fillna(False).astype(bool)
    picked = values.where(selected)
    if derived.function == "mean":
        return picked.groupby(households).mean().reindex(rows.index)
    total = picked.groupby(households).sum(min_count=1)
    none = selected.groupby(households).sum() == 0
    return total.where(~none, 0.0).reindex(rows.index)


def _numbers(table: Instrument, answers: pd.DataFrame, column: str) -> pd.Series:
    """A number column of the roster, with the blanks its skip rule made filled as it says."""
    values = pd.to_numeric(answers[column], errors="coerce").astype(float)
    frame = pd.DataFrame({column: values})
    fill_skipped(frame, answers, [table.column(column)])
    return frame[column]


def _answers(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(index=data.index)
    for name in columns:
        if name in data:
            text = data[name].astype("string").str.strip()
            out[name] = text.mask(text == "")
    return out


def household_keys(data: pd.DataFrame, key: tuple[str, ...], source: str) -> pd.Series:
    """Each row's household key as one text, ``"V01 | H011 | 1"``; codes read as numbers
    (1.0) are the codes they stand for ("1")."""
    missing = [c for c in key if c not in data.columns]
    if missing:
        raise AnalysisError(f"{source}: missing key column{'s' * (len(missing) > 1)} "
                            f"{', '.join(missing)}")  # fmt: skip
    parts = []
    for code in key:
        raw = data[code].reset_index(drop=True)
        if pd.api.types.is_float_dtype(raw):
            raw = raw.map(lambda v: str(int(v)) if float(v).is_integer() else str(v), "ignore")
        parts.append(raw.astype("string").str.strip().fillna(""))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + " | " + part
    return joined.astype(object)


def _named(table: Instrument, derived: Derived) -> list[str]:
    """The roster columns an outcome reads, in every wave it has."""
    from ..instrument.conditions import references

    names = [derived.question] if derived.question else []
    names += [n for c in derived.conditions for n, _ in references(parse_condition(c))]
    waved = {q.code for q in table.questions if q.waves}
    out = []
    for name in names:
        if name in waved:
            out += [f"{name}_{w}" for w in table.question(name).waves]
        elif name is not None:
            out.append(name)
    return out


def _question(instrument: Instrument, derived: Derived) -> Question:
    label = derived.label or {lang: derived.code for lang in instrument.languages}
    kind = "integer" if derived.function == "count" else "decimal"
    return Question(
        derived.code, kind, label, DERIVED_SECTION, unit=derived.unit, waves=derived.waves,
        sesoi=derived.sesoi,
    )  # fmt: skip
