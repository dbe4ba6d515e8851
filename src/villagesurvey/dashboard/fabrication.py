"""The dashboard's fabrication section: each enumerator's digits and spread, the outcomes'
enumerator effect, and the signals raised, in English or Chinese."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .markup import plain, text
from .words import say

__all__ = ["section"]


def _p(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "–"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


def _share(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{100 * value:.0f}%"


def _ratio(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _flagged(shown: str, test: Mapping[str, Any] | None) -> str:
    if test is not None and test.get("flagged"):
        return f'<span class="flag warn">{shown}</span>'
    return shown


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[bool]) -> str:
    head = "".join(f"<th>{plain(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if n else f"<td>{c}</td>"
            for c, n in zip(row, numeric, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    return f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _enumerators(block: Mapping[str, Any], language: str) -> str:
    too_few = say("fabrication.too_few", language)
    rows = []
    for name, entry in block.get("enumerators", {}).items():
        digits, spread = entry.get("digits"), entry.get("spread")
        rows.append([
            text(name),
            str(entry.get("interviews", 0)),
            _flagged(_share(digits["share_0_5"]), digits) if digits else too_few,
            _share(digits["others_share_0_5"]) if digits else too_few,
            _flagged(_p(digits.get("p_holm")), digits) if digits else "–",
            _flagged(_ratio(spread["ratio"]), spread) if spread else too_few,
            _flagged(_p(spread.get("p_holm")), spread) if spread else "–",
        ])  # fmt: skip
    headers = [
        say(f"fabrication.{k}", language)
        for k in ("enumerator", "interviews", "digits", "others", "p_holm", "spread", "p_holm")
    ]
    return _table(headers, rows, [False, True, True, True, True, True, True])


def _outcomes(block: Mapping[str, Any], language: str) -> str:
    rows = []
    for code, outcome in block.get("outcomes", {}).items():
        village = outcome.get("village")
        rows.append([
            text(code),
            _flagged(f"{outcome['enumerator']['icc']:.2f}", outcome),
            f"{village['icc']:.2f}" if village else "–",
            plain(say(f"fabrication.{outcome.get('design', 'no villages')}", language)),
            _flagged(_p(outcome.get("p_holm")), outcome),
        ])  # fmt: skip
    headers = [
        say(f"fabrication.{k}", language)
        for k in ("outcome", "icc", "village_icc", "beyond", "p_holm")
    ]
    return _table(headers, rows, [False, True, True, False, True])


def _signal(signal: Mapping[str, Any], block: Mapping[str, Any], language: str) -> str:
    check = signal["check"]
    word = f"fabrication.{check}"
    if check == "enumerator_effect":
        outcome = block["outcomes"][signal["column"]]
        said = say(word, language, name=str(signal["column"]),
                   icc=_share(max(outcome["enumerator"]["icc"], 0.0)),
                   p=_p(outcome["p_holm"]))  # fmt: skip
    elif check == "digit_preference":
        test = block["enumerators"][signal["enumerator"]]["digits"]
        said = say(word, language, name=str(signal["enumerator"]), n=str(test["digits"]),
                   own=_share(test["share_0_5"]), others=_share(test["others_share_0_5"]),
                   p=_p(test["p_holm"]))  # fmt: skip
    else:
        test = block["enumerators"][signal["enumerator"]]["spread"]
        said = say(word, language, name=str(signal["enumerator"]),
                   ratio=_ratio(test["ratio"]), n=str(test["interviews"]),
                   p=_p(test["p_holm"]))  # fmt: skip
    return f'<p class="flag warn">{text(said)}</p>'


def section(block: Mapping[str, Any], language: str) -> str:
    """The ``fabrication`` view (:mod:`villagesurvey.monitoring.fabrication`) as HTML.

    Parameters
    ----------
    block : mapping
        ``validation.monitoring["fabrication"]``.
    language : str
        The language of the page (``en``, ``zh``; others read English).

    Returns
    -------
    str
        ``<section class="card" id="fabrication">...</section>``.
    """
    alpha = str(block.get("alpha", 0.05))
    signals = block.get("signals", [])
    parts = [
        f'<section class="card" id="fabrication"><h2>{say("fabrication.title", language)}</h2>'
    ]
    if signals:
        parts += [_signal(s, block, language) for s in signals]
    else:
        parts.append(f'<p class="flag ok">{say("fabrication.none", language)}</p>')
    parts.append(f'<p class="note">{plain(say("fabrication.caveat", language, alpha=alpha))}</p>')
    if block.get("enumerators"):
        parts.append(_enumerators(block, language))
    if block.get("outcomes"):
        parts.append(_outcomes(block, language))
    parts.append("</section>")
    return "".join(parts)
