"""The ``fabrication`` view: the statistics survey methodologists use to spot made-up interviews.

For each enumerator, three signals (each a warning with the numbers behind it, a reason to
call the enumerator and re-visit some households, never proof of anything):

``digit_preference``
    the last varying digit of their amounts is 0 or 5 more often than chance gives and than
    the other enumerators' respondents say (:mod:`.digits`);
``low_variance``
    their interviews differ from one another much less than the others' do (:mod:`.spread`);
``enumerator_effect``
    for an outcome, a large share of its variance lies between enumerators, beyond what the
    villages they cover explain (:mod:`.enumerator_effect`).

Which questions: the *amounts* for digits (integer and decimal questions with a ``unit``, or
parts of a total, or totals), every integer, decimal and Likert question for the spread, and
the instrument's monitoring outcomes (:attr:`Instrument.monitoring`) for the enumerator
effect. Answers equal to a "don't know" or "refused" code, or to a question's special codes,
are left out. Every interview with an enumerator counts, quarantined ones too (a made-up
interview may well have errors), except rows of totals and exact copies of another row
(:data:`NOT_INTERVIEWS`).

**False alarms.** Each test needs a minimum of data (:data:`.digits.MIN_DIGITS`,
:data:`.spread.MIN_INTERVIEWS`, :data:`.enumerator_effect.MIN_ANSWERS`); all the view's
p-values (enumerators x signals, outcomes) are adjusted together by Holm's method, and a
signal is raised only when its adjusted p-value is below :data:`ALPHA` *and* the difference
is large enough to matter (:data:`MIN_EXCESS`, :data:`MAX_RATIO`, :data:`MIN_ICC`), so that a
large survey does not flag trivial differences.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

import numpy as np

from . import digits as digit_stats
from . import enumerator_effect as effect_stats
from . import spread as spread_stats
from .labels import Labels

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument
    from ..validate.result import Validation

__all__ = ["ALPHA", "MAX_RATIO", "MIN_EXCESS", "MIN_ICC", "add_fabrication", "fabrication_view"]

VIEW = "fabrication"
ALPHA = 0.05
"""Family-wise error rate of the view's signals (Holm)."""
MIN_EXCESS = 0.15
"""Smallest excess of an enumerator's share of 0 and 5 over the others' that is a signal."""
MAX_RATIO = 0.6
"""Largest ratio of an enumerator's interview spread to the others' that is a signal."""
MIN_ICC = 0.10
"""Smallest enumerator ICC(1) that is a signal: interviewer ICCs are mostly below 0.05."""

NOT_INTERVIEWS = ("total_row", "duplicate_row")
"""Checks of rows that are no interview of their own: a row of totals, an exact copy."""

_AMOUNT_TYPES = ("integer", "decimal")
_SPREAD_TYPES = ("integer", "decimal", "likert")


def _numbers(typed: pd.DataFrame, code: str, skip: set[float]) -> np.ndarray:
    import pandas as pd

    column = typed[code]
    if pd.api.types.is_numeric_dtype(column.dtype):
        values: np.ndarray = column.to_numpy(dtype=float, na_value=np.nan)
    else:  # codes as text (a Likert item's): each different text read once
        codes, uniques = pd.factorize(column)
        known = pd.to_numeric(pd.Series(uniques, dtype=object), errors="coerce")
        read = np.append(known.to_numpy(dtype=float, na_value=np.nan), np.nan)
        values = read[codes]  # code -1 (missing) reads the last: NaN
    if skip:
        values[np.isin(values, list(skip))] = np.nan
    return values


def _skipped(instrument: Instrument, code: str) -> set[float]:
    """Answer codes that are no amount: don't know, refused, the question's special codes."""
    monitoring = instrument.monitoring
    question = instrument.column(code).question
    codes = (*monitoring.dont_know, *monitoring.refused, *question.special)
    return {float(c) for c in codes if isinstance(c, int | float) and not isinstance(c, bool)}


def chosen_columns(instrument: Instrument) -> dict[str, list[str]]:
    """The columns each statistic looks at: ``amounts``, ``spread`` and ``outcomes``."""
    enumerator = instrument.monitoring.enumerator
    totals = set(instrument.totals)
    amounts, spread = [], []
    for column in instrument.columns:
        q = column.question
        if column.code == enumerator or column.code in instrument.key:
            continue
        if q.type in _AMOUNT_TYPES and (q.unit or column.part_of or column.code in totals):
            amounts.append(column.code)
        if q.type in _SPREAD_TYPES:
            spread.append(column.code)
    outcomes = [c for c in instrument.monitoring.outcomes or () if c != enumerator]
    return {"amounts": amounts, "spread": spread, "outcomes": outcomes}


def fabrication_view(instrument: Instrument, typed: pd.DataFrame) -> dict[str, Any] | None:
    """The fabrication signals of a batch of interviews (see the module notes).

    Parameters
    ----------
    instrument : Instrument
        Names the enumerator question, the amounts and the outcomes.
    typed : DataFrame
        The typed answers, one row per interview.

    Returns
    -------
    dict or None
        The view (see ``docs/validate.md``): ``enumerators`` (per enumerator, the digit and
        spread tests), ``outcomes`` (per outcome, the enumerator effect), ``signals`` (each
        warning raised, with its message); None when the instrument names no enumerator.
    """
    enumerator = instrument.monitoring.enumerator
    if enumerator is None or enumerator not in typed:
        return None
    who = typed[enumerator].astype(object).str.strip().to_numpy(dtype=object)
    labels = Labels.of(who)
    codes, coded = labels.codes, labels.names
    village = instrument.key[0] if instrument.key and instrument.key[0] != enumerator else None
    where = Labels.of(typed[village].astype(object).to_numpy()) if village in typed else None
    chosen = chosen_columns(instrument)

    def read(code: str) -> np.ndarray:
        return _numbers(typed, code, _skipped(instrument, code))

    amounts = {c: read(c) for c in chosen["amounts"] if c in typed}
    counts = digit_stats.digit_counts(amounts, codes, len(coded))
    spreads = spread_stats.interview_spread(
        {c: read(c) for c in chosen["spread"] if c in typed}, labels
    )
    enumerators: dict[str, dict[str, Any]] = {}
    for k, name in sorted(enumerate(coded), key=lambda pair: pair[1]):
        digit = digit_stats.digit_test(counts[k], counts.sum(axis=0) - counts[k])
        spread = spread_stats.spread_test(spreads[codes == k], spreads[(codes >= 0) & (codes != k)])
        enumerators[name] = {
            "interviews": int((codes == k).sum()),
            "digits": asdict(digit) if digit is not None else None,
            "spread": asdict(spread) if spread is not None else None,
        }
    outcomes: dict[str, dict[str, Any]] = {}
    for code in chosen["outcomes"]:
        if code in typed:
            effect = effect_stats.enumerator_effect(read(code), labels, where)
            if effect is not None:
                outcomes[code] = asdict(effect)
    _judge(enumerators, outcomes)
    return {
        "enumerator_column": enumerator,
        "village_column": village,
        "alpha": ALPHA,
        "questions": chosen,
        "enumerators": enumerators,
        "outcomes": outcomes,
        "signals": _signals(enumerators, outcomes),
    }


def _judge(enumerators: dict[str, dict[str, Any]], outcomes: dict[str, dict[str, Any]]) -> None:
    """Holm-adjust every p-value of the view together; mark the signals."""
    from ..analysis.paired import holm

    tests: list[dict[str, Any]] = [
        block[kind] for block in enumerators.values() for kind in ("digits", "spread")
        if block[kind] is not None
    ]  # fmt: skip
    tests += [o for o in outcomes.values() if not math.isnan(o["p"])]
    for test, adjusted in zip(tests, holm([t["p"] for t in tests]), strict=True):
        test["p_holm"] = adjusted
    for block in enumerators.values():
        digit, spread = block["digits"], block["spread"]
        if digit is not None:
            excess = digit["share_0_5"] - digit["others_share_0_5"]
            digit["flagged"] = bool(digit["p_holm"] < ALPHA and excess >= MIN_EXCESS)
        if spread is not None:
            spread["flagged"] = bool(spread["p_holm"] < ALPHA and spread["ratio"] <= MAX_RATIO)
    for outcome in outcomes.values():
        outcome.setdefault("p_holm", math.nan)
        icc = outcome["enumerator"]["icc"]
        outcome["flagged"] = bool(outcome["p_holm"] < ALPHA and icc >= MIN_ICC)


def _signals(
    enumerators: dict[str, dict[str, Any]], outcomes: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    from .fabrication_text import digit_message, effect_message, spread_message

    signals = []
    for name, block in enumerators.items():
        if block["digits"] is not None and block["digits"]["flagged"]:
            signals.append({"check": "digit_preference", "enumerator": name, "column": "",
                            "message": digit_message(name, block["digits"])})  # fmt: skip
        if block["spread"] is not None and block["spread"]["flagged"]:
            signals.append({"check": "low_variance", "enumerator": name, "column": "",
                            "message": spread_message(name, block["spread"])})  # fmt: skip
    for code, outcome in outcomes.items():
        if outcome["flagged"]:
            signals.append({"check": "enumerator_effect", "enumerator": "", "column": code,
                            "message": effect_message(code, outcome)})  # fmt: skip
    return signals


def add_fabrication(validation: Validation) -> None:
    """Compute the view into ``validation.monitoring["fabrication"]`` and add its signals as
    warnings (checks ``digit_preference``, ``low_variance``, ``enumerator_effect``)."""
    import pandas as pd

    findings = validation.findings
    no_interview = findings.loc[findings["check"].isin(NOT_INTERVIEWS), "record"].dropna()
    typed = validation.typed.drop(index=no_interview.astype("int64").unique(), errors="ignore")
    view = fabrication_view(validation.instrument, typed)
    if view is None:
        return
    validation.monitoring[VIEW] = _plain(view)
    signals = view["signals"]
    if signals:
        validation.add_warnings(
            pd.DataFrame(
                {
                    "column": [s["column"] or view["enumerator_column"] for s in signals],
                    "value": [s["enumerator"] or None for s in signals],
                    "check": [s["check"] for s in signals],
                    "severity": "warning",
                    "message": [s["message"] for s in signals],
                }
            )
        )


def _plain(value: Any) -> Any:
    """The view as JSON holds it: NaN and infinities as None, tuples as lists."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, np.generic):
        return _plain(value.item())
    return value
