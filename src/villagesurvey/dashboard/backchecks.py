"""The dashboard's back-check section: error rates per enumerator and the type-1 differences.

Rendered from ``summary.json``'s ``monitoring["backchecks"]`` (what
:func:`villagesurvey.monitoring.backcheck_outputs.backcheck_results` gives), in English or
Chinese. Every text from the data is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .markup import plain

__all__ = ["section"]

SHOWN_DIFFERENCES = 50
"""Type-1 differences listed on the page; the rest are in backcheck.xlsx."""

_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "title": "Back-checks",
        "summary": "{compared} back-checks compared with the survey: {answers} answers, "
        "{different} different. Error rates above {threshold} are flagged (types 1 and 2).",
        "not_compared": "{count} back-checks could not be compared: {reasons}.",
        "twice": "{count} households were back-checked more than once.",
        "rates": "Error rates per enumerator",
        "enumerator": "Enumerator",
        "type": "Type",
        "compared": "Compared",
        "differ": "Different",
        "rate": "Error rate",
        "above": "above threshold",
        "ok": "within threshold",
        "type1": "Type-1 differences (facts that should not differ)",
        "question": "Question",
        "survey": "Survey",
        "backcheck": "Back-check",
        "backchecker": "Back-checker",
        "none": "No type-1 answer differs.",
        "more": "{count} more in backcheck.xlsx.",
        "blank": "(blank)",
        "stability": "Stability (type 3)",
        "test": "Test",
        "n": "Pairs",
        "reason": {
            "not_in_survey": "not in the survey",
            "survey_row_quarantined": "survey row in quarantine",
            "survey_key_twice": "key twice in the survey",
            "backcheck_has_errors": "back-check with errors",
        },
    },
    "zh": {
        "title": "回访核查",
        "summary": "已与调查核对 {compared} 份回访：比较 {answers} 个答案，{different} 个不一致。"
        "错误率高于 {threshold} 的已标出（第1、2类）。",
        "not_compared": "{count} 份回访未能核对：{reasons}。",
        "twice": "{count} 户被回访了不止一次。",
        "rates": "各调查员的错误率",
        "enumerator": "调查员",
        "type": "类别",
        "compared": "比较数",
        "differ": "不一致",
        "rate": "错误率",
        "above": "高于阈值",
        "ok": "在阈值内",
        "type1": "第1类不一致（不应改变的事实）",
        "question": "问题",
        "survey": "调查",
        "backcheck": "回访",
        "backchecker": "回访员",
        "none": "第1类答案没有不一致。",
        "more": "另有 {count} 条见 backcheck.xlsx。",
        "blank": "（空）",
        "stability": "稳定性（第3类）",
        "test": "检验",
        "n": "配对数",
        "reason": {
            "not_in_survey": "调查中没有",
            "survey_row_quarantined": "调查行已隔离",
            "survey_key_twice": "调查中编号重复",
            "backcheck_has_errors": "回访有错误",
        },
    },
}


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
    words = _WORDS["zh" if language.startswith("zh") else "en"]
    rows = block.get("rows", {})
    parts = [f"<h2>{plain(words['title'])}</h2>"]
    summary = words["summary"].format(
        compared=_int(rows.get("backchecks_compared")),
        answers=_int(block.get("comparisons")),
        different=_int(block.get("differences")),
        threshold=_percent(block.get("threshold")),
    )
    parts.append(f'<p class="note">{plain(summary)}</p>')
    parts += _not_compared(block, words)
    parts.append(_rates(block.get("enumerators", []), words))
    parts.append(_type1(block, language, words))
    parts.append(_stability(block, language, words))
    return '<section class="card" id="backchecks">' + "".join(parts) + "</section>"


def _not_compared(block: Mapping[str, Any], words: dict[str, Any]) -> list[str]:
    out = []
    lines: Sequence[Mapping[str, Any]] = block.get("not_compared", [])
    if lines:
        counts: dict[str, int] = {}
        for line in lines:
            counts[str(line.get("reason"))] = counts.get(str(line.get("reason")), 0) + 1
        reasons = "; ".join(f"{words['reason'].get(r, r)} {n}" for r, n in counts.items())
        text = words["not_compared"].format(count=len(lines), reasons=reasons)
        out.append(f'<p class="flag warn">{plain(text)}</p>')
    twice = block.get("backchecked_twice", [])
    if twice:
        out.append(f'<p class="flag warn">{plain(words["twice"].format(count=len(twice)))}</p>')
    return out


def _rates(lines: Sequence[Mapping[str, Any]], words: dict[str, Any]) -> str:
    heads = ("enumerator", "type", "compared", "differ", "rate", "")
    body = []
    for line in lines:
        flag = line.get("above_threshold")
        mark = ""
        if flag is not None:
            kind, said = ("warn", words["above"]) if flag else ("ok", words["ok"])
            mark = f'<span class="flag {kind}">{plain(said)}</span>'
        name = str(line.get("enumerator") or "") or words["blank"]
        body.append(
            f'<tr><td>{plain(name)}</td><td class="num">{_int(line.get("type"))}</td>'
            f'<td class="num">{_int(line.get("comparisons"))}</td>'
            f'<td class="num">{_int(line.get("differences"))}</td>'
            f'<td class="num">{_percent(line.get("error_rate"))}</td><td>{mark}</td></tr>'
        )
    return f"<h3>{plain(words['rates'])}</h3>" + _table(heads, body, words)


def _type1(block: Mapping[str, Any], language: str, words: dict[str, Any]) -> str:
    lines: Sequence[Mapping[str, Any]] = block.get("type1_differences", [])
    title = f"<h3>{plain(words['type1'])}</h3>"
    if not lines:
        return title + f'<p class="flag ok">{plain(words["none"])}</p>'
    key = [str(k) for k in block.get("key", [])]
    labels = _labels(block, language)
    body = []
    for line in lines[:SHOWN_DIFFERENCES]:
        cells = [str(line.get(k, "")) for k in key]
        question = labels.get(str(line.get("column")), str(line.get("column")))
        cells += [question, str(line.get("survey") or "") or words["blank"]]
        cells += [str(line.get("backcheck", "")), str(line.get("enumerator") or "")]
        cells.append(str(line.get("backchecker") or ""))
        body.append("<tr>" + "".join(f"<td>{plain(c)}</td>" for c in cells) + "</tr>")
    heads = (*key, "question", "survey", "backcheck", "enumerator", "backchecker")
    out = title + _table(heads, body, words)
    if len(lines) > SHOWN_DIFFERENCES:
        more = words["more"].format(count=len(lines) - SHOWN_DIFFERENCES)
        out += f'<p class="note">{plain(more)}</p>'
    return out


def _stability(block: Mapping[str, Any], language: str, words: dict[str, Any]) -> str:
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
    heads = ("question", "n", "test", "p")
    return f"<h3>{plain(words['stability'])}</h3>" + _table(heads, body, words)


def _table(heads: Sequence[str], body: list[str], words: dict[str, Any]) -> str:
    shown = "".join(f"<th>{plain(str(words.get(h, h)))}</th>" for h in heads)
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
