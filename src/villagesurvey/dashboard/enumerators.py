"""The dashboard's enumerator section: one row per enumerator, and who stands out.

Rendered from ``summary.json``'s ``monitoring.enumerators`` block
(:func:`villagesurvey.monitoring.enumerators.enumerator_view`), in English or Chinese. Every
text from the data (an enumerator's name, a message) is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .markup import plain

__all__ = ["section"]

_TEXT = {
    "en": {
        "title": "Enumerators",
        "columns": ("Enumerator", "Interviews", "Days", "Per day", "Median minutes",
                    "Under the floor", "Rows with errors", "Rows with warnings", "Don't know",
                    "Refused", "Gates skipped"),
        "none": "The instrument names no enumerator question: nothing to show.",
        "calm": "No enumerator stands out from the others.",
        "durations": {
            "start_end": "Durations from the start and end times.",
            "start_submitted": "Durations from the start time to the submission time (an "
                               "upper bound: a phone may send later).",
            None: "No start and end times: no durations.",
        },
        "fair": "Each enumerator is compared with all the others together (two-sided tests, "
                "Holm-adjusted, p < {alpha}); fewer than {least} interviews are shown, not "
                "compared. A signal is a reason to call, not a verdict.",
        "checks": {
            "enumerator_short_interviews": "short interviews",
            "enumerator_errors": "more rows with errors",
            "enumerator_warnings": "more rows with warnings",
            "enumerator_dont_know": "more \"don't know\" answers",
            "enumerator_refused": "more refusals",
            "enumerator_gate_skips": "gate questions answered so as to skip",
        },
    },
    "zh": {
        "title": "调查员",
        "columns": ("调查员", "访谈数", "工作天数", "日均访谈", "时长中位数（分钟）", "低于下限",
                    "有错误的行", "有警告的行", "不知道", "拒答", "跳过提问"),
        "none": "问卷未指定调查员题目，无可显示内容。",
        "calm": "没有调查员与其他人明显不同。",
        "durations": {
            "start_end": "时长按开始和结束时间计算。",
            "start_submitted": "时长按开始时间至提交时间计算（上限：手机可能稍后才提交）。",
            None: "没有开始和结束时间，无法计算时长。",
        },
        "fair": "每位调查员与其他所有调查员合并比较（双侧检验，Holm 校正，p < {alpha}）；"
                "访谈少于 {least} 次的只显示、不比较。信号是打电话核实的理由，而非结论。",
        "checks": {
            "enumerator_short_interviews": "访谈时间过短",
            "enumerator_errors": "有错误的行较多",
            "enumerator_warnings": "有警告的行较多",
            "enumerator_dont_know": "“不知道”回答较多",
            "enumerator_refused": "拒答较多",
            "enumerator_gate_skips": "筛选题的回答使后续问题被跳过",
        },
    },
}  # fmt: skip


def _texts(language: str) -> dict[str, Any]:
    return _TEXT["zh"] if language.lower().startswith("zh") else _TEXT["en"]


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


def _signal(signal: Mapping[str, Any], texts: Mapping[str, Any], language: str) -> str:
    name = plain(str(signal.get("enumerator", "")))
    what = plain(texts["checks"].get(signal.get("check"), str(signal.get("check", ""))))
    p = signal.get("p_holm")
    shown = "p < 0.001" if isinstance(p, float) and p < 0.001 else f"p = {p:.3f}" if p else ""
    if language.lower().startswith("zh"):
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
    texts = _texts(language)
    head = f'<section class="card" id="enumerators"><h2>{plain(texts["title"])}</h2>'
    rows = block.get("enumerators") or []
    if not rows:
        return f'{head}<p class="note">{plain(texts["none"])}</p></section>'
    signals = block.get("signals") or []
    flags = "".join(_signal(s, texts, language) for s in signals)
    if not flags:
        flags = f'<p class="flag ok">{plain(texts["calm"])}</p>'
    header = "".join(f"<th>{plain(c)}</th>" for c in texts["columns"])
    body = "".join(_row(r) for r in rows)
    table = f'<table class="grid"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'
    durations = texts["durations"].get(block.get("duration_from"), texts["durations"][None])
    fair = texts["fair"].format(
        alpha=block.get("alpha", 0.05), least=block.get("min_interviews", 10)
    )
    notes = f'<p class="note">{plain(durations)} {plain(fair)}</p>'
    return f"{head}{flags}{table}{notes}</section>"
