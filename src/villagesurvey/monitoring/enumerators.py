"""Enumerator performance: who interviewed how many, how long, how well, and who to call.

Per enumerator (the column the instrument's ``monitoring.enumerator`` names): interviews,
days worked and interviews per day, the median interview in minutes and the share under
``monitoring.min_minutes``, the share of rows with an error and with a warning, the share of
answers to number and choice questions that say "don't know" or "refused", and the share of
respondents for whom a gate question (a choice that a skip rule depends on) was answered so
that the questions after it were skipped: the shortcut an enumerator can take.

A signal compares one enumerator with all the others together (:mod:`.compare`: Fisher's
exact test for shares, the rank-sum test for durations, two-sided, Holm-adjusted over the
enumerators) and needs :data:`MIN_INTERVIEWS` on each side. It is a warning on one line per
enumerator and signal that gives the numbers behind it, never a verdict: a supervisor calls.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ._records import Facts, interview_facts
from .compare import fisher_p, holm, rank_sum_p

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import Validation

__all__ = ["ALPHA", "CHECKS", "MIN_INTERVIEWS", "VIEW", "enumerator_view", "monitor_enumerators"]

VIEW = "enumerators"
"""The view's name in ``validation.monitoring`` and summary.json."""
MIN_INTERVIEWS = 10
"""The fewest interviews (timed interviews, answers of a gate) on each side of a comparison."""
ALPHA = 0.05
"""A signal's Holm-adjusted p-value is below this."""
BLANK = "(blank)"
"""The group of rows without an enumerator: shown, never compared."""
CHECKS = {
    "short": "enumerator_short_interviews",
    "errors": "enumerator_errors",
    "warnings": "enumerator_warnings",
    "dont_know": "enumerator_dont_know",
    "refused": "enumerator_refused",
    "gates": "enumerator_gate_skips",
    "reversed": "end_before_start",
}
"""The check code of each signal."""
_SHARES = {  # signal: (count, total, what is counted)
    "errors": ("rows_with_errors", "interviews", "rows with an error"),
    "warnings": ("rows_with_warnings", "interviews", "rows with a warning"),
    "dont_know": ("dont_know", "answers", 'answers "don\'t know"'),
    "refused": ("refused", "answers", 'answers "refused"'),
}


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(name: str, facts: pd.DataFrame, floor: float | None) -> dict[str, Any]:
    minutes = facts["minutes"].dropna()
    days = facts["day"].dropna()
    gate_columns = [c for c in facts.columns if c.startswith("gate:")]
    answered = int(sum(facts[c].notna().sum() for c in gate_columns))
    skipped = int(sum(facts[c].fillna(False).astype(bool).sum() for c in gate_columns))
    under = int((minutes < floor).sum()) if floor is not None else None
    row: dict[str, Any] = {
        "enumerator": name,
        "interviews": len(facts),
        "days": int(days.nunique()),
        "per_day": round(len(days) / days.nunique(), 2) if len(days) else None,
        "timed": len(minutes),
        "median_minutes": round(float(minutes.median()), 1) if len(minutes) else None,
        "under_min": under,
        "share_under_min": _share(under, len(minutes)) if under is not None else None,
        "rows_with_errors": int(facts["error"].sum()),
        "rows_with_warnings": int(facts["warning"].sum()),
        "answers": int(facts["answers"].sum()),
        "dont_know": int(facts["dont_know"].sum()),
        "refused": int(facts["refused"].sum()),
        "gate_answers": answered,
        "gate_skips": skipped,
    }
    row["share_errors"] = _share(row["rows_with_errors"], row["interviews"])
    row["share_warnings"] = _share(row["rows_with_warnings"], row["interviews"])
    row["share_dont_know"] = _share(row["dont_know"], row["answers"])
    row["share_refused"] = _share(row["refused"], row["answers"])
    row["share_gate_skips"] = _share(skipped, answered)
    return row


def _p(value: float) -> str:
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _minutes(value: float) -> str:
    return f"{value:.0f}" if value == round(value) else f"{value:.1f}"


def _percent(part: int, whole: int) -> str:
    return f"{part} of {whole} ({100 * part / whole:.0f}%)"


def _signal(name: str, kind: str, message: str, p: float, adjusted: float) -> dict[str, Any]:
    return {"enumerator": name, "check": CHECKS[kind], "message": message,
            "p": p, "p_holm": adjusted}  # fmt: skip


def _share_signals(rows: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    count, total, what = _SHARES[kind]
    tests: list[tuple[dict[str, Any], int, int, float]] = []
    for row in rows:
        hits, size = row[count], row[total]
        other_hits = sum(r[count] for r in rows if r is not row)
        other_size = sum(r[total] for r in rows if r is not row)
        if row["interviews"] < MIN_INTERVIEWS or other_size == 0 or size == 0:
            continue
        if sum(r["interviews"] for r in rows if r is not row) < MIN_INTERVIEWS:
            continue
        tests.append((row, other_hits, other_size, fisher_p(hits, size, other_hits, other_size)))
    signals = []
    for (row, other_hits, other_size, p), adjusted in zip(
        tests, holm([t[3] for t in tests]), strict=True
    ):
        hits, size = row[count], row[total]
        if adjusted < ALPHA and hits / size > other_hits / other_size:
            message = (
                f"enumerator {row['enumerator']!r}: {what}: {_percent(hits, size)}, against "
                f"{_percent(other_hits, other_size)} for the others (Fisher's exact test "
                f"{_p(p)}, Holm-adjusted {_p(adjusted)[2:]} over the enumerators)"
            )
            signals.append(_signal(row["enumerator"], kind, message, p, adjusted))
    return signals


def _short_signals(
    rows: list[dict[str, Any]], facts: pd.DataFrame, floor: float | None
) -> list[dict[str, Any]]:
    tests = []
    for row in rows:
        mine = facts.loc[facts["enumerator"] == row["enumerator"], "minutes"].dropna()
        theirs = facts.loc[facts["enumerator"] != row["enumerator"], "minutes"].dropna()
        if len(mine) < MIN_INTERVIEWS or len(theirs) < MIN_INTERVIEWS:
            continue
        p_rank = rank_sum_p(mine.tolist(), theirs.tolist())
        p_under = math.nan
        if floor is not None:
            under, other_under = int((mine < floor).sum()), int((theirs < floor).sum())
            p_under = fisher_p(under, len(mine), other_under, len(theirs))
        tests.append((row, mine, theirs, p_rank, p_under))
    ranks = holm([t[3] for t in tests])
    unders = holm([t[4] for t in tests]) if floor is not None else [math.nan] * len(tests)
    signals = []
    for (row, mine, theirs, p_rank, p_under), a_rank, a_under in zip(
        tests, ranks, unders, strict=True
    ):
        shorter = mine.median() < theirs.median()
        by_rank = a_rank < ALPHA and shorter
        under, other_under = (int((mine < floor).sum()), int((theirs < floor).sum())) if (
            floor is not None) else (0, 0)  # fmt: skip
        by_floor = a_under < ALPHA and under / len(mine) > other_under / len(theirs)
        if not (by_rank or by_floor):
            continue
        floor_words = (
            f", {under} of {len(mine)} under {floor:g} minutes" if floor is not None else ""
        )
        other_floor = f" ({other_under} of {len(theirs)} under)" if floor is not None else ""
        tests_words = f"rank-sum test {_p(p_rank)}, Holm-adjusted {_p(a_rank)[2:]}"
        if floor is not None:
            tests_words += f"; Fisher's exact test {_p(p_under)}, Holm-adjusted {_p(a_under)[2:]}"
        message = (
            f"enumerator {row['enumerator']!r}: median interview {_minutes(mine.median())} "
            f"minutes{floor_words}, against {_minutes(theirs.median())} minutes{other_floor} for "
            "the "
            f"others ({tests_words})"
        )
        p, adjusted = (p_rank, a_rank) if by_rank else (p_under, a_under)
        signals.append(_signal(row["enumerator"], "short", message, p, adjusted))
    return signals


def _gate_signals(names: list[str], facts: pd.DataFrame) -> list[dict[str, Any]]:
    tests = []
    for column in (c for c in facts.columns if c.startswith("gate:")):
        answered = facts[facts[column].notna()]
        skipped = answered[column].astype(bool)
        for name in names:
            mine = answered["enumerator"] == name
            theirs = (answered["enumerator"] != name) & (answered["enumerator"] != BLANK)
            size, other_size = int(mine.sum()), int(theirs.sum())
            if size < MIN_INTERVIEWS or other_size < MIN_INTERVIEWS:
                continue
            hits, other_hits = int(skipped[mine].sum()), int(skipped[theirs].sum())
            p = fisher_p(hits, size, other_hits, other_size)
            tests.append((name, column[5:], hits, size, other_hits, other_size, p))
    signals = []
    for (name, gate, hits, size, other_hits, other_size, p), adjusted in zip(
        tests, holm([t[6] for t in tests]), strict=True
    ):
        if adjusted < ALPHA and hits / size > other_hits / other_size:
            message = (
                f"enumerator {name!r}: the answer to {gate} skipped the questions that depend "
                f"on it for {_percent(hits, size)} respondents, against "
                f"{_percent(other_hits, other_size)} for the others (Fisher's exact test "
                f"{_p(p)}, Holm-adjusted {_p(adjusted)[2:]} over enumerators and gates)"
            )
            signals.append(_signal(name, "gates", message, p, adjusted))
    return signals


def enumerator_view(validation: Validation) -> tuple[dict[str, Any], Facts | None]:
    """The enumerator view of a validation: its block and its signals.

    Parameters
    ----------
    validation : Validation
        Checked rows; the instrument's ``monitoring.enumerator`` names the column.

    Returns
    -------
    block : dict
        JSON-ready: ``enumerator`` (the column), ``duration_from`` (``start_end``,
        ``start_submitted`` or ``None``), ``min_minutes``, ``min_interviews``, ``alpha``,
        ``gates`` (the gate columns), ``enumerators`` (one row each, see ``docs/validate.md``)
        and ``signals`` (``enumerator``, ``check``, ``message``, ``p``, ``p_holm``).
    facts : Facts or None
        Each record's facts (``None`` without an enumerator column).
    """
    watch = validation.instrument.monitoring
    code = watch.enumerator
    block: dict[str, Any] = {
        "enumerator": code, "duration_from": None, "min_minutes": watch.min_minutes,
        "min_interviews": MIN_INTERVIEWS, "alpha": ALPHA, "gates": [], "enumerators": [],
        "signals": [],
    }  # fmt: skip
    if code is None or code not in validation.typed:
        return block, None
    facts = interview_facts(validation, code)
    frame = facts.frame
    order = frame["enumerator"].value_counts(sort=False).index.tolist()
    rows = [_row(name, frame[frame["enumerator"] == name], watch.min_minutes) for name in order]
    named = [r for r in rows if r["enumerator"] != BLANK]
    people = frame[frame["enumerator"] != BLANK]
    signals = _short_signals(named, people, watch.min_minutes)
    for kind in _SHARES:
        signals += _share_signals(named, kind)
    signals += _gate_signals([r["enumerator"] for r in named], people)
    for row in rows:
        row["signals"] = [s["check"] for s in signals if s["enumerator"] == row["enumerator"]]
    block.update(
        duration_from=facts.duration_from,
        gates=[c[5:] for c in frame.columns if c.startswith("gate:")],
        enumerators=rows,
        signals=signals,
    )
    return block, facts


def _reversed_warnings(validation: Validation, facts: Facts) -> list[dict[str, Any]]:
    """One warning per interview that ends before it starts, at its end time's cell."""
    from ..validate.result import FILE, ROW, SHEET

    watch, raw = validation.instrument.monitoring, validation.raw
    back = facts.reversed
    return [
        {
            "file": raw.at[record, FILE],
            "sheet": raw.at[record, SHEET],
            "row": raw.at[record, ROW],
            "record": int(record),
            "column": watch.end or watch.start,
            "value": end,
            "check": CHECKS["reversed"],
            "severity": "warning",
            "message": f"the interview ends ({end}) before it starts ({start}); its duration "
            "is left out of the enumerator's",
        }
        for record, start, end in zip(back["record"], back["start"], back["end"], strict=True)
    ]


def monitor_enumerators(validation: Validation) -> None:
    """Add the enumerator view to ``validation``: its block, its warnings, its table columns.

    Without an enumerator column nothing is added. Otherwise
    ``validation.monitoring["enumerators"]`` gets the block of :func:`enumerator_view`; each
    signal and each interview that ends before it starts becomes a warning; issues.xlsx's
    ``by_enumerator`` table gains the view's columns.
    """
    import pandas as pd

    block, facts = enumerator_view(validation)
    if facts is None:  # no enumerator column: the view does not apply
        return
    validation.monitoring[VIEW] = block
    lines = [
        {
            "column": block["enumerator"],
            "value": s["enumerator"],
            "check": s["check"],
            "severity": "warning",
            "message": s["message"],
        }
        for s in block["signals"]
    ]
    lines += _reversed_warnings(validation, facts)
    if lines:
        validation.add_warnings(pd.DataFrame(lines))
    _extend_table(validation, block)


def _extend_table(validation: Validation, block: dict[str, Any]) -> None:
    import pandas as pd

    if not block["enumerators"]:
        return
    extra = pd.DataFrame(block["enumerators"])
    extra["signals"] = extra["signals"].map("; ".join)
    keep = ["enumerator", "days", "per_day", "median_minutes", "share_under_min",
            "share_errors", "share_warnings", "share_dont_know", "share_refused",
            "share_gate_skips", "signals"]  # fmt: skip
    extra = extra[keep]
    table = validation.rates.get("by_enumerator")
    if table is None:
        validation.rates["by_enumerator"] = extra.rename(
            columns={"enumerator": block["enumerator"]}
        )
        return
    key = table.columns[0]
    extra = extra.rename(columns={"enumerator": key})
    validation.rates["by_enumerator"] = table.merge(extra, on=key, how="left")
