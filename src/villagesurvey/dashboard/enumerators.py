"""The dashboard's enumerator section: one row per enumerator, and who stands out.

Rendered from ``summary.json``'s ``monitoring.enumerators`` block
(:func:`villagesurvey.monitoring.enumerators.enumerator_view`), in English or Chinese. Every
text from the data (an enumerator's name, a message) is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .markup import plain
from .words import WORDS, base_language, say

__all__ = ["section"]

_COLUMNS = (
    "enumerator", "interviews", "days", "per_day", "median_minutes", "under_min", "errors",
    "warnings", "dont_know", "refused", "gate_skips",
)  # fmt: skip
"""The table's columns, by their words ``enumerators.column.<name>``."""


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}"
    return f"{int(value)}"


def _share(part: Any, share: Any) -> str:
    if share is None:
        return "–"
    return f"{_number(part)} ({100 * share:.0f}%)"


def _row(row: Mapping[str, Any]) -> str:
    cells = [
        _number(row.get("interviews")),
        _number(row.get("days")),
        _number(row.get("per_day")),
        _number(row.get("median_minutes")),
        _share(row.get("under_min"), row.get("share_under_min")),
        _share(row.get("rows_with_errors"), row.get("share_errors")),
        _share(row.get("rows_with_warnings"), row.get("share_warnings")),
        _share(row.get("dont_know"), row.get("share_dont_know")),
        _share(row.get("refused"), row.get("share_refused")),
        _share(row.get("gate_skips"), row.get("share_gate_skips")),
    ]
    name = plain(str(row.get("enumerator", "")))
    flagged = ' class="flag warn"' if row.get("signals") else ""
    numbers = "".join(f'<td class="num">{plain(c)}</td>' for c in cells)
    return f"<tr><td{flagged}>{name}</td>{numbers}</tr>"


def _signal(signal: Mapping[str, Any], language: str) -> str:
    name = plain(str(signal.get("enumerator", "")))
    check = f"enumerators.check.{signal.get('check')}"
    what = plain(say(check, language) if check in WORDS else str(signal.get("check", "")))
    p = signal.get("p_holm")
    shown = "p < 0.001" if isinstance(p, float) and p < 0.001 else f"p = {p:.3f}" if p else ""
    if base_language(language) == "zh":
        return f'<p class="flag warn">{name}：{what}（Holm 校正 {plain(shown)}）</p>'
    message = plain(str(signal.get("message", "")))
    return f'<p class="flag warn"><strong>{name}</strong>: {what}. {message}</p>'


def section(block: Mapping[str, Any], language: str) -> str:
    """The enumerator section of the dashboard.

    Parameters
    ----------
    block : mapping
        ``summary.json``'s ``monitoring.enumerators``.
    language : str
        ``zh`` for Chinese, anything else for English.

    Returns
    -------
    str
        One ``<section class="card" id="enumerators">``: the signals (or that none stands
        out), a table of every enumerator's numbers, and how they were compared.
    """
    head = (
        f'<section class="card" id="enumerators"><h2>{plain(say("enumerators.title", language))}'
        "</h2>"
    )
    rows = block.get("enumerators") or []
    if not rows:
        return f'{head}<p class="note">{plain(say("enumerators.none", language))}</p></section>'
    signals = block.get("signals") or []
    flags = "".join(_signal(s, language) for s in signals)
    if not flags:
        flags = f'<p class="flag ok">{plain(say("enumerators.calm", language))}</p>'
    header = "".join(
        f"<th>{plain(say(f'enumerators.column.{c}', language))}</th>" for c in _COLUMNS
    )
    body = "".join(_row(r) for r in rows)
    table = f'<table class="grid"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'
    duration = f"enumerators.duration.{block.get('duration_from')}"
    durations = say(duration if duration in WORDS else "enumerators.duration.none", language)
    fair = say(
        "enumerators.fair",
        language,
        alpha=block.get("alpha", 0.05),
        least=block.get("min_interviews", 10),
    )
    notes = f'<p class="note">{plain(durations)} {plain(fair)}</p>'
    return f"{head}{flags}{table}{notes}</section>"
