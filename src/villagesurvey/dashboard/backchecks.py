"""The dashboard's back-check section: error rates per enumerator and the type-1 differences.

Rendered from ``summary.json``'s ``monitoring["backchecks"]`` (what
:func:`villagesurvey.monitoring.backcheck_outputs.backcheck_results` gives), in English or
Chinese. Every text from the data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .markup import plain
from .words import WORDS, say

__all__ = ["section"]

SHOWN_DIFFERENCES = 50
"""Type-1 differences listed on the page; the rest are in backcheck.xlsx."""


def section(block: Mapping[str, Any], language: str) -> str:
    """The back-check section of dashboard.html.

    Parameters
    ----------
    block : mapping
        ``monitoring["backchecks"]`` of summary.json.
    language : str
        ``"zh"`` for Chinese; anything else is English.

    Returns
    -------
    str
        One ``<section class="card" id="backchecks">``.
    """
    rows = block.get("rows", {})
    parts = [f"<h2>{plain(say('backchecks.title', language))}</h2>"]
    summary = say(
        "backchecks.summary",
        language,
        compared=_int(rows.get("backchecks_compared")),
        answers=_int(block.get("comparisons")),
        different=_int(block.get("differences")),
        threshold=_percent(block.get("threshold")),
    )
    parts.append(f'<p class="note">{plain(summary)}</p>')
    parts += _not_compared(block, language)
    parts.append(_rates(block.get("enumerators", []), language))
    parts.append(_type1(block, language))
    parts.append(_stability(block, language))
    return '<section class="card" id="backchecks">' + "".join(parts) + "</section>"


def _not_compared(block: Mapping[str, Any], language: str) -> list[str]:
    out = []
    lines: Sequence[Mapping[str, Any]] = block.get("not_compared", [])
    if lines:
        counts: dict[str, int] = {}
        for line in lines:
            counts[str(line.get("reason"))] = counts.get(str(line.get("reason")), 0) + 1
        reasons = "; ".join(f"{_reason(r, language)} {n}" for r, n in counts.items())
        text = say("backchecks.not_compared", language, count=len(lines), reasons=reasons)
        out.append(f'<p class="flag warn">{plain(text)}</p>')
    twice = block.get("backchecked_twice", [])
    if twice:
        said = say("backchecks.twice", language, count=len(twice))
        out.append(f'<p class="flag warn">{plain(said)}</p>')
    return out


def _rates(lines: Sequence[Mapping[str, Any]], language: str) -> str:
    heads = ("enumerator", "type", "compared", "differ", "rate", "")
    body = []
    for line in lines:
        flag = line.get("above_threshold")
        mark = ""
        if flag is not None:
            kind, word = ("warn", "above") if flag else ("ok", "ok")
            said = say(f"backchecks.{word}", language)
            mark = f'<span class="flag {kind}">{plain(said)}</span>'
        name = str(line.get("enumerator") or "") or say("backchecks.blank", language)
        body.append(
            f'<tr><td>{plain(name)}</td><td class="num">{_int(line.get("type"))}</td>'
            f'<td class="num">{_int(line.get("comparisons"))}</td>'
            f'<td class="num">{_int(line.get("differences"))}</td>'
            f'<td class="num">{_percent(line.get("error_rate"))}</td><td>{mark}</td></tr>'
        )
    title = f"<h3>{plain(say('backchecks.rates', language))}</h3>"
    return title + _table(_heads(heads, language), body)


def _type1(block: Mapping[str, Any], language: str) -> str:
    lines: Sequence[Mapping[str, Any]] = block.get("type1_differences", [])
    title = f"<h3>{plain(say('backchecks.type1', language))}</h3>"
    if not lines:
        return title + f'<p class="flag ok">{plain(say("backchecks.none", language))}</p>'
    key = [str(k) for k in block.get("key", [])]
    labels = _labels(block, language)
    body = []
    for line in lines[:SHOWN_DIFFERENCES]:
        cells = [str(line.get(k, "")) for k in key]
        question = labels.get(str(line.get("column")), str(line.get("column")))
        cells += [question, str(line.get("survey") or "") or say("backchecks.blank", language)]
        cells += [str(line.get("backcheck", "")), str(line.get("enumerator") or "")]
        cells.append(str(line.get("backchecker") or ""))
        body.append("<tr>" + "".join(f"<td>{plain(c)}</td>" for c in cells) + "</tr>")
    heads = _heads(("question", "survey", "backcheck", "enumerator", "backchecker"), language)
    out = title + _table((*key, *heads), body)
    if len(lines) > SHOWN_DIFFERENCES:
        more = say("backchecks.more", language, count=len(lines) - SHOWN_DIFFERENCES)
        out += f'<p class="note">{plain(more)}</p>'
    return out


def _stability(block: Mapping[str, Any], language: str) -> str:
    lines: Sequence[Mapping[str, Any]] = block.get("stability", [])
    if not lines:
        return ""
    labels = _labels(block, language)
    body = []
    for line in lines:
        test = "paired t" if line.get("kind") == "number" else str(line.get("test") or "")
        question = labels.get(str(line.get("column")), str(line.get("column")))
        body.append(
            f'<tr><td>{plain(question)}</td><td class="num">{_int(line.get("n"))}</td>'
            f'<td>{plain(test)}</td><td class="num">{_p(line.get("p"))}</td></tr>'
        )
    heads = (*_heads(("question", "n", "test"), language), "p")
    title = f"<h3>{plain(say('backchecks.stability', language))}</h3>"
    return title + _table(heads, body)


def _heads(words: Sequence[str], language: str) -> list[str]:
    """The columns' headings: a word of this section, or none (an empty heading)."""
    return [say(f"backchecks.{w}", language) if w else "" for w in words]


def _reason(reason: str, language: str) -> str:
    word = f"backchecks.reason.{reason}"
    return say(word, language) if word in WORDS else reason


def _table(heads: Sequence[str], body: list[str]) -> str:
    shown = "".join(f"<th>{plain(h)}</th>" for h in heads)
    return (
        f'<table class="grid"><thead><tr>{shown}</tr></thead><tbody>{"".join(body)}</tbody></table>'
    )


def _labels(block: Mapping[str, Any], language: str) -> dict[str, str]:
    out = {}
    for line in block.get("variables", []):
        label = line.get("label") or {}
        out[str(line.get("column"))] = str(label.get(language) or line.get("column"))
    return out


def _int(value: Any) -> str:
    return "" if value is None else str(int(value))


def _percent(value: Any) -> str:
    return "" if value is None else f"{float(value):.0%}"


def _p(value: Any) -> str:
    if value is None:
        return ""
    return "< 0.001" if value < 0.001 else f"{value:.3f}"
