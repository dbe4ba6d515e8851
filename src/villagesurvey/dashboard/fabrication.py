"""The dashboard's fabrication section: each enumerator's digits and spread, the outcomes'
enumerator effect, and the signals raised, in English or Chinese."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .markup import plain, text

__all__ = ["section"]

_WORDS: dict[str, dict[str, str]] = {
    "title": {"en": "Fabrication signals", "zh": "编造数据的迹象"},
    "caveat": {
        "en": "A signal is a reason to call the enumerator and re-visit a few households, "
        "not proof: honest interviews can show it by chance or for a good reason. "
        "All the tests below are adjusted together (Holm); a signal needs an adjusted "
        "p-value under {alpha} and a difference large enough to matter.",
        "zh": "迹象只是联系调查员、回访几户的理由，并非证据：真实的访问也可能偶然或因正当原因"
        "出现这些迹象。下列所有检验一并校正（Holm 法）；只有校正后 p 值小于 {alpha} 且差异"
        "足够大时才提示。",
    },
    "none": {"en": "No signal.", "zh": "未发现迹象。"},
    "enumerator": {"en": "Enumerator", "zh": "调查员"},
    "interviews": {"en": "Interviews", "zh": "访问数"},
    "digits": {"en": "Last digit 0 or 5", "zh": "末位为0或5"},
    "others": {"en": "Others", "zh": "其他人"},
    "spread": {"en": "Spread vs others", "zh": "离散度（相对他人）"},
    "p_holm": {"en": "p (Holm)", "zh": "p（Holm）"},
    "outcome": {"en": "Outcome", "zh": "结果变量"},
    "icc": {"en": "Enumerator ICC", "zh": "调查员 ICC"},
    "village_icc": {"en": "Village ICC", "zh": "村庄 ICC"},
    "beyond": {"en": "Beyond villages", "zh": "扣除村庄差异后"},
    "too_few": {"en": "too few", "zh": "数据不足"},
    "crossed": {"en": "within villages", "zh": "同村内比较"},
    "nested": {"en": "against villages", "zh": "与村庄间差异比较"},
    "confounded": {"en": "one village each: not told apart", "zh": "每人一村：无法区分"},
    "no villages": {"en": "one-way", "zh": "单因素"},
    "digit_preference": {
        "en": "{name}: last digits 0 or 5 in {own} of {n} answers, {others} for the others "
        "(chance 20%; {p}).",
        "zh": "{name}：{n} 个金额中末位为0或5的占 {own}，其他调查员为 {others}"
        "（随机应为20%；{p}）。",
    },
    "low_variance": {
        "en": "{name}: interviews differ from one another {ratio} times as much as the "
        "others' ({n} interviews; {p}).",
        "zh": "{name}：各次访问之间的差异只有其他调查员的 {ratio} 倍（{n} 次访问；{p}）。",
    },
    "enumerator_effect": {
        "en": "{name}: {icc} of the variance lies between enumerators, beyond the villages "
        "they cover ({p}).",
        "zh": "{name}：{icc} 的方差来自调查员之间，且超出其所负责村庄之间的差异（{p}）。",
    },
}


def _say(key: str, language: str, **values: str) -> str:
    words = _WORDS[key]
    said = words.get(language, words["en"])
    return said.format(**values) if values else said


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
    too_few = _say("too_few", language)
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
        _say(k, language)
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
            plain(_say(outcome.get("design", "no villages"), language)),
            _flagged(_p(outcome.get("p_holm")), outcome),
        ])  # fmt: skip
    headers = [_say(k, language) for k in ("outcome", "icc", "village_icc", "beyond", "p_holm")]
    return _table(headers, rows, [False, True, True, False, True])


def _signal(signal: Mapping[str, Any], block: Mapping[str, Any], language: str) -> str:
    check = signal["check"]
    if check == "enumerator_effect":
        outcome = block["outcomes"][signal["column"]]
        said = _say(check, language, name=str(signal["column"]),
                    icc=_share(max(outcome["enumerator"]["icc"], 0.0)),
                    p=_p(outcome["p_holm"]))  # fmt: skip
    elif check == "digit_preference":
        test = block["enumerators"][signal["enumerator"]]["digits"]
        said = _say(check, language, name=str(signal["enumerator"]), n=str(test["digits"]),
                    own=_share(test["share_0_5"]), others=_share(test["others_share_0_5"]),
                    p=_p(test["p_holm"]))  # fmt: skip
    else:
        test = block["enumerators"][signal["enumerator"]]["spread"]
        said = _say(check, language, name=str(signal["enumerator"]),
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
    parts = [f'<section class="card" id="fabrication"><h2>{_say("title", language)}</h2>']
    if signals:
        parts += [_signal(s, block, language) for s in signals]
    else:
        parts.append(f'<p class="flag ok">{_say("none", language)}</p>')
    parts.append(f'<p class="note">{plain(_say("caveat", language, alpha=alpha))}</p>')
    if block.get("enumerators"):
        parts.append(_enumerators(block, language))
    if block.get("outcomes"):
        parts.append(_outcomes(block, language))
    parts.append("</section>")
    return "".join(parts)
