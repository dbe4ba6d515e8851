"""The dashboard's progress section: per village against the sample, interviews per day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .figures import day_bars, every_day, village_days
from .markup import number, table, text
from .words import say

__all__ = ["section"]

_LOCATED_SHOWN = 50


def section(block: Mapping[str, Any], language: str) -> str:
    """The ``progress`` view (:mod:`villagesurvey.monitoring.progress`) as an HTML section.

    Parameters
    ----------
    block : mapping
        ``validation.monitoring["progress"]``.
    language : str
        The language of the page (``en``, ``zh``; others read English).

    Returns
    -------
    str
        ``<section class="card" id="progress">...</section>``.
    """
    parts = [f'<section class="card" id="progress"><h2>{say("progress", language)}</h2>']
    sample = block.get("sample")
    if sample is None:
        parts.append(f'<p class="note">{say("no_sample", language)}</p>')
    else:
        parts.append(
            f'<p class="note">{say("sample_from", language)}: {text(sample["file"])} '
            f"({number(sample['respondents'])})</p>"
        )
    parts.append(_villages(block, language))
    if block.get("overall", {}).get("refused") is None:
        parts.append(f'<p class="note">{say("not_asked", language)}</p>')
    parts.append(_days(block, language))
    if sample is not None:
        parts.append(_located(block, language))
    parts.append("</section>")
    return "".join(parts)


def _columns(block: Mapping[str, Any]) -> list[str]:
    asked = block.get("overall", {}).get("refused") is not None
    if block.get("sample") is None:
        names = ["interviews", "clean", "quarantined", "refused"]
    else:
        names = ["target", "interviewed", "remaining", "clean", "quarantined", "refused",
                 "replacements_used", "not_listed", "interviewed_twice"]  # fmt: skip
    return [n for n in names if asked or n != "refused"]


def _villages(block: Mapping[str, Any], language: str) -> str:
    names = _columns(block)
    headers = [say("village", language), *(say(n, language) for n in names)]
    numeric = [False, *(True for _ in names)]
    rows = [[text(v["village"]), *_cells(v, names, language)] for v in block.get("villages", [])]
    overall = block.get("overall", {})
    foot = [say("all_villages", language), *_cells(overall, names, language)]
    return table(headers, rows, numeric, foot=foot)


def _cells(counts: Mapping[str, Any], names: Sequence[str], language: str) -> list[str]:
    cells = []
    for name in names:
        shown = number(counts.get(name))
        if name == "remaining" and counts.get(name) == 0 and counts.get("target"):
            shown = f'<span class="flag ok">{say("done", language)}</span>'
        elif name in ("not_listed", "interviewed_twice", "quarantined") and counts.get(name):
            shown = f'<span class="flag warn">{shown}</span>'
        cells.append(shown)
    return cells


def _days(block: Mapping[str, Any], language: str) -> str:
    given = [(d["date"], int(d["interviews"])) for d in block.get("per_day", [])]
    title = say("per_day", language)
    parts = [f"<h3>{title}</h3>"]
    sources = [f"{text(k)} {number(n)}" for k, n in (block.get("date_from") or {}).items() if n]
    if sources:
        said = say("date_from", language)
        parts.append(f'<p class="note">{said}: {", ".join(sources)}</p>')
    if not given:
        parts.append(f'<p class="note">{say("no_days", language)}</p>')
    else:
        days = every_day(given)
        alternative = f"{title}: " + ", ".join(f"{d} {n}" for d, n in given)
        parts.append(day_bars(days, title, alternative))
        rows = [[text(d), number(n)] for d, n in given]
        parts.append(
            f"<details><summary>{say('days_table', language)}</summary>"
            + table([say("date", language), say("interviews", language)], rows, [False, True])
            + "</details>"
        )
        parts.append(_village_days(block, [d for d, _ in days], language))
    if block.get("undated"):
        parts.append(f'<p class="note">{say("undated", language)}: {number(block["undated"])}</p>')
    return "".join(parts)


def _village_days(block: Mapping[str, Any], days: list[str], language: str) -> str:
    """Interviews by village and day: a figure, when there is more than one village."""
    counts = [
        (str(c["village"]), str(c["date"]), int(c["interviews"]))
        for c in block.get("per_village_day", [])
    ]
    villages = [str(v["village"]) for v in block.get("villages", [])]
    if len(villages) < 2 or not counts:
        return ""
    title = say("per_village_day", language)
    totals = {v: 0 for v in villages}
    for village, _, n in counts:
        totals[village] = totals.get(village, 0) + n
    label = f"{title}: " + ", ".join(f"{v} {n}" for v, n in totals.items())
    return f"<h3>{title}</h3>" + village_days(counts, villages, days, title, label)


def _located(block: Mapping[str, Any], language: str) -> str:
    parts = []
    headers = [say(w, language) for w in ("respondent", "file", "sheet", "row")]
    numeric = [False, False, False, True]
    off = block.get("not_listed", [])
    if off:
        rows = [[text(r["key"]), text(r["file"]), text(r["sheet"]), number(r["row"])]
                for r in off[:_LOCATED_SHOWN]]  # fmt: skip
        listed = table(headers, rows, numeric)
        parts.append(_details(say("not_listed_rows", language), len(off), listed))
    twice = block.get("interviewed_twice", [])
    if twice:
        rows = [
            [text(t["key"]), text(r["file"]), text(r["sheet"]), number(r["row"])]
            for t in twice[:_LOCATED_SHOWN]
            for r in t["rows"]
        ]
        listed = table(headers, rows, numeric)
        parts.append(_details(say("twice_rows", language), len(twice), listed))
    return "".join(parts)


def _details(summary: str, count: int, body: str) -> str:
    return f"<details><summary>{summary} ({number(count)})</summary>{body}</details>"
