"""What each interview says about its enumerator: one row of facts per record.

Read from a :class:`~villagesurvey.validate.Validation` once its rows are checked: the day,
the duration in minutes, whether the row has an error or a warning, how many answers of
number and choice questions it has and how many of them say "don't know" or "refused", and
for each gate question whether its answer skipped the questions that depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..instrument.conditions import references
from ..validate.cells import is_dont_know, show
from ..validate.datetimes import parse_datetime
from ..validate.masks import holds
from .days import interview_days

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    import pandas as pd

    from ..instrument import Column, Instrument
    from ..validate import Validation

__all__ = ["ANSWER_TYPES", "GATE_TYPES", "Facts", "gates", "interview_facts"]

ANSWER_TYPES = ("integer", "decimal", "select_one", "likert")
"""Questions whose answers are counted for the "don't know" and "refused" shares."""
GATE_TYPES = ("select_one", "select_multiple")
"""A gate is a choice question (yes/no and the like) that a skip rule depends on."""
SUBMITTED = "_submitted"
"""The raw frame's column of an export's submission times (:data:`.result.PROVENANCE`)."""


@dataclass(frozen=True)
class Facts:
    """The facts of every record and how the durations were measured.

    Attributes
    ----------
    frame : DataFrame
        Indexed by record: ``enumerator``, ``day`` (:func:`.days.interview_days`),
        ``minutes``, ``error``, ``warning``, ``answers``, ``dont_know``, ``refused`` and one
        column per gate (``True`` when its answer skipped every question depending on it,
        ``<NA>`` when it was not answered).
    duration_from : str or None
        ``"start_end"``, ``"start_submitted"`` (no end time: the submission time stands in,
        an upper bound since a phone may send later) or ``None`` (no times).
    reversed : DataFrame
        Records whose end lies before their start: ``record``, ``start``, ``end``.
    """

    frame: pd.DataFrame
    duration_from: str | None
    reversed: pd.DataFrame


def gates(instrument: Instrument) -> dict[str, tuple[Column, ...]]:
    """Each gate column and the columns whose skip rule names it, in the dataset's order."""
    kinds = {c.code: c.question.type for c in instrument.columns}
    found: dict[str, list[Column]] = {}
    for column in instrument.columns:
        if column.relevant is None:
            continue
        for name in dict.fromkeys(n for n, _ in references(column.relevant)):
            if kinds.get(name) in GATE_TYPES:
                found.setdefault(name, []).append(column)
    return {name: tuple(found[name]) for name in kinds if name in found}


def interview_facts(validation: Validation, enumerator: str) -> Facts:
    """The facts of each record of ``validation``, keyed by the ``enumerator`` column."""
    import pandas as pd

    typed, instrument = validation.typed, validation.instrument
    frame = pd.DataFrame(index=typed.index)
    frame["enumerator"] = typed[enumerator].astype("string").fillna("(blank)").astype(str)
    minutes, duration_from, reversed_ = _durations(validation)
    frame["minutes"] = minutes
    frame["day"] = interview_days(validation).day
    findings = validation.findings[validation.findings["record"].notna()]
    for severity in ("error", "warning"):
        records = set(findings.loc[findings["severity"] == severity, "record"].astype(int))
        frame[severity] = typed.index.isin(list(records))
    answers, dont_know, refused = _answers(validation)
    frame["answers"], frame["dont_know"], frame["refused"] = answers, dont_know, refused
    for gate, dependents in gates(instrument).items():
        frame[f"gate:{gate}"] = _skipped(typed, gate, dependents)
    return Facts(frame, duration_from, reversed_)


def _moment(text: object) -> datetime | None:
    return parse_datetime(text) if isinstance(text, str) and text else None


def _moments(values: pd.Series, utc_if_naive: bool = False) -> list[datetime | None]:
    import pandas as pd

    codes, uniques = pd.factorize(values.astype("string"))
    read = [_moment(str(u)) for u in uniques]
    if utc_if_naive:  # an export's submission time is the server's, in UTC
        read = [m.replace(tzinfo=UTC) if m is not None and m.tzinfo is None else m for m in read]
    return [read[c] if c >= 0 else None for c in codes]


def _iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _minutes(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    if (start.tzinfo is None) != (end.tzinfo is None):  # one zone known: the phone's own
        zone = start.tzinfo or end.tzinfo
        start = start.replace(tzinfo=start.tzinfo or zone)
        end = end.replace(tzinfo=end.tzinfo or zone)
    return (end - start) / timedelta(minutes=1)


def _durations(validation: Validation) -> tuple[pd.Series, str | None, pd.DataFrame]:
    import pandas as pd

    typed, watch = validation.typed, validation.instrument.monitoring
    index = typed.index
    empty = pd.DataFrame({"record": [], "start": [], "end": []})
    if watch.start is None or watch.start not in typed:
        return pd.Series(float("nan"), index=index), None, empty
    starts = _moments(typed[watch.start])
    if watch.end is not None and watch.end in typed:
        ends, how = _moments(typed[watch.end]), "start_end"
    elif SUBMITTED in validation.raw and validation.raw[SUBMITTED].notna().any():
        ends, how = _moments(validation.raw[SUBMITTED], utc_if_naive=True), "start_submitted"
    else:
        return pd.Series(float("nan"), index=index), None, empty
    minutes = [_minutes(s, e) for s, e in zip(starts, ends, strict=True)]
    back = [i for i, m in enumerate(minutes) if m is not None and m < 0]
    reversed_ = pd.DataFrame(
        {
            "record": index[back],
            "start": [show(typed[watch.start].iloc[i]) for i in back],
            "end": [_iso(ends[i]) for i in back],
        }
    )
    values = [m if m is not None and m >= 0 else float("nan") for m in minutes]
    return pd.Series(values, index=index, dtype=float), how, reversed_


def _codes(values: tuple[int | float | str, ...]) -> set[str]:
    return {show(v) for v in values}


def _answers(validation: Validation) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Per record: answers to number and choice questions, "don't know"s and refusals."""
    import pandas as pd

    typed, raw, watch = validation.typed, validation.raw, validation.instrument.monitoring
    dont_know, refused = _codes(watch.dont_know), _codes(watch.refused)
    zero = pd.Series(0, index=typed.index, dtype="int64")
    answers, dk, no = zero.copy(), zero.copy(), zero.copy()
    for column in validation.instrument.columns:
        if column.question.type not in ANSWER_TYPES:
            continue
        values = typed[column.code]
        said = _each(raw[column.code], lambda v: isinstance(v, str) and is_dont_know(v))
        said &= values.isna().to_numpy(dtype=bool)  # "don't know" typed as text: unreadable
        answers += values.notna().to_numpy(dtype=bool) | said
        if dont_know or refused:
            shown = _each(values, show, object)
            dk += said | pd.Series(shown).isin(dont_know).to_numpy(dtype=bool)
            no += pd.Series(shown).isin(refused).to_numpy(dtype=bool)
        else:
            dk += said
    return answers, dk, no


def _each(values: pd.Series, read: Callable[[Any], Any], dtype: type = bool) -> np.ndarray:
    """``read`` of each value, looking at each different value once (``read(None)`` for NA)."""
    import numpy as np
    import pandas as pd

    codes, uniques = pd.factorize(values)
    results: np.ndarray = np.array([read(u) for u in uniques] + [read(None)], dtype=dtype)
    picked: np.ndarray = results[codes]
    return picked


def _skipped(typed: pd.DataFrame, gate: str, dependents: tuple[Column, ...]) -> pd.Series:
    """Whether the gate's answer left every dependent question unasked (``<NA>``: no answer)."""
    import pandas as pd

    asked = pd.Series(False, index=typed.index)
    for column in dependents:
        assert column.relevant is not None  # a dependent has a skip rule
        asked |= holds(column.relevant, typed).fillna(False).astype(bool)
    skipped = pd.Series(~asked, dtype="boolean")
    return skipped.where(typed[gate].notna())
