"""Check a clean dataset against the instrument and pick what the analysis compares."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from ..errors import AnalysisError
from ..instrument import Instrument, Question, WavePair

__all__ = ["Outcome", "demographic_questions", "numeric_frame", "pick_outcomes", "resolve_by"]


@dataclass(frozen=True)
class Outcome:
    """A before/after pair the analysis compares, with the name it is reported under."""

    name: str
    pair: WavePair
    kind: str = "number"
    """``number``, ``rating`` (ordered choices, Likert) or ``yes_no`` (codes 0 and 1)."""


def _ordered_rating(instrument: Instrument, question: Question) -> bool:
    codes = [c.code for c in instrument.choice_list(question)]
    numbers = [c for c in codes if isinstance(c, int)]
    return len(codes) > 2 and numbers == codes and numbers == sorted(numbers)


def _yes_no(instrument: Instrument, question: Question) -> bool:
    return {c.code for c in instrument.choice_list(question)} == {0, 1}


def pick_outcomes(instrument: Instrument) -> tuple[list[Outcome], list[tuple[str, str]]]:
    """The wave pairs to compare, in the instrument's order, and those left out with why.

    Numbers (integer, decimal), Likert items and ordered ratings (a choice list of three or
    more whole-number codes in ascending order, e.g. a 1-5 skill level) and yes/no questions
    (codes 0 and 1) are compared. An unordered choice is left out.
    """
    counts: dict[str, int] = {}
    for pair in instrument.wave_pairs:
        counts[pair.question.code] = counts.get(pair.question.code, 0) + 1
    chosen: list[Outcome] = []
    left_out: list[tuple[str, str]] = []
    for pair in instrument.wave_pairs:
        q = pair.question
        name = q.code
        if counts[q.code] > 1:
            name = f"{q.code}_{pair.before.wave}_{pair.after.wave}"
        if q.pii:
            continue
        if q.type in ("integer", "decimal"):
            chosen.append(Outcome(name, pair))
        elif q.type == "likert" or (q.type == "select_one" and _ordered_rating(instrument, q)):
            chosen.append(Outcome(name, pair, "rating"))
        elif q.type == "select_one" and _yes_no(instrument, q):
            chosen.append(Outcome(name, pair, "yes_no"))
        else:
            reason = "categorical" if q.type == "select_one" else "not_numeric"
            if (q.code, reason) not in left_out:
                left_out.append((q.code, reason))
    return chosen, left_out


def demographic_questions(instrument: Instrument) -> list[Question]:
    """Questions for a Table 1: asked once, of everyone, numeric or single choice, not PII."""
    return [
        q
        for q in instrument.questions
        if not q.waves
        and not q.pii
        and not q.relevant
        and q.code not in instrument.key
        and q.type in ("integer", "decimal", "select_one")
    ]


def resolve_by(instrument: Instrument, by: Iterable[str]) -> list[str]:
    """Turn ``--by`` names into column codes; ``village`` finds ``village_id`` in the key.

    Raises
    ------
    AnalysisError
        For a name that is no single-wave column of the instrument, or a personal-data one.
    """
    allowed = {
        c.code: c
        for c in instrument.columns
        if c.wave is None and c.question.type in ("select_one", "text", "integer")
    }
    columns: list[str] = []
    for name in by:
        code = name if name in allowed else f"{name}_id" if f"{name}_id" in allowed else None
        if code is None:
            choices = ", ".join(
                c for c in allowed if not allowed[c].question.pii and c not in instrument.key[1:]
            )
            raise AnalysisError(f"--by {name}: not a column to group by; use one of {choices}")
        if allowed[code].question.pii:
            raise AnalysisError(f"--by {name}: '{code}' is personal data and is never reported")
        if code not in columns:
            columns.append(code)
    return columns


def numeric_frame(
    data: pd.DataFrame, numeric: Sequence[str], text: Sequence[str], source: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The columns the analysis needs: the ``numeric`` ones as floats, the ``text`` ones
    (clusters and groups) as stripped strings, in two frames with the same 0-based index.

    Raises
    ------
    AnalysisError
        Naming every missing column, or the first value that is not a number in a numeric
        column (with its row as a spreadsheet shows it, the header being row 1).
    """
    needed = list(dict.fromkeys([*text, *numeric]))
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise AnalysisError(
            f"{source}: missing column{'s' * (len(missing) > 1)} {', '.join(missing)}; "
            "the clean dataset must have every column the instrument names"
        )
    data = data.reset_index(drop=True)
    labels = pd.DataFrame(index=data.index)
    for column in text:
        raw = data[column]
        if pd.api.types.is_float_dtype(raw):  # codes read as numbers: 1.0 is the code "1"
            raw = raw.map(lambda v: str(int(v)) if float(v).is_integer() else str(v), "ignore")
        values = raw.astype("string").str.strip()
        labels[column] = values.mask(values == "")
    out = pd.DataFrame(index=data.index)
    for column in numeric:
        raw = data[column]
        if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
            out[column] = raw.astype(float)
            continue
        stripped = raw.astype("string").str.strip()
        values = pd.to_numeric(stripped.replace("", pd.NA), errors="coerce").astype(float)
        bad = values.isna() & stripped.notna() & (stripped != "")
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise AnalysisError(
                f"{source}: column {column}, row {position + 2}: {stripped.iloc[position]!r} "
                f"is not a number ({int(bad.sum())} such value{'s' * (int(bad.sum()) > 1)} "
                "in the column); run villagesurvey validate first"
            )
        out[column] = values
    return out, labels
