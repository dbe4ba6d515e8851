"""The messages of the fabrication signals: the numbers behind each, never an accusation."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

__all__ = ["digit_message", "effect_message", "p_value", "spread_message"]

_CAVEAT = "a reason to look at these interviews, not proof"


def p_value(p: float) -> str:
    """``p < 0.001``, ``p = 0.012``, ``p = 0.34``."""
    if math.isnan(p):
        return "p not computed"
    if p < 0.001:
        return "p < 0.001"
    return f"p = {p:.3f}" if p < 0.01 else f"p = {p:.2f}"


def _share(value: float) -> str:
    return f"{100 * value:.0f}%"


def _number(value: float) -> str:
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def digit_message(name: str, test: Mapping[str, Any]) -> str:
    """``enumerator E07: the last varying digit of amounts is 0 or 5 in 94% ...``."""
    return (
        f"enumerator {name}: the last varying digit of amounts is 0 or 5 in "
        f"{_share(test['share_0_5'])} of {test['digits']} answers against "
        f"{_share(test['others_share_0_5'])} of {test['others_digits']} for the other "
        f"enumerators (chance: 20%; chi-square against equal digits {test['chi2']:.1f}, "
        f"df {test['df']}, {p_value(test['p_uniform'])}; Fisher's exact test against the "
        f"others {p_value(test['p_others'])}; Holm-adjusted {p_value(test['p_holm'])}): "
        f"{_CAVEAT}"
    )


def spread_message(name: str, test: Mapping[str, Any]) -> str:
    """``enumerator E07: interviews differ from one another 0.31 times as much ...``."""
    return (
        f"enumerator {name}: interviews differ from one another {test['ratio']:.2f} times as "
        f"much as the other enumerators' (mean spread {test['spread']:.2f} over "
        f"{test['interviews']} interviews against {test['others_spread']:.2f} over "
        f"{test['others_interviews']}; Welch t = {test['t']:.2f}, df {test['df']:.1f}, "
        f"{p_value(test['p'])}; Holm-adjusted {p_value(test['p_holm'])}): answers this alike "
        f"may be copied or made up; {_CAVEAT}"
    )


def _beyond(outcome: Mapping[str, Any]) -> str:
    test = f"F({outcome['df1']:.0f}, {outcome['df2']:.0f}) = {outcome['f']:.2f}"
    design = outcome["design"]
    if design == "crossed":
        return f"between enumerators of the same village {test}"
    if design == "nested":
        return f"beyond the differences between the villages they cover {test}"
    return test


def effect_message(code: str, outcome: Mapping[str, Any]) -> str:
    """``income_2022: 38% of the variance lies between enumerators ...``."""
    one_way = outcome["enumerator"]
    village = outcome.get("village")
    means = ", ".join(f"{name} {_number(m)}" for name, m in outcome["means"].items())
    villages = (
        f"; village ICC(1) {village['icc']:.2f}, as enumerators cover a few villages each"
        if village is not None
        else ""
    )
    return (
        f"{code}: {_share(max(one_way['icc'], 0.0))} of the variance lies between enumerators "
        f"(ICC(1) {one_way['icc']:.2f}, F({one_way['df1']}, {one_way['df2']}) = "
        f"{one_way['f']:.2f}, {p_value(one_way['p'])}){villages}; "
        f"{_beyond(outcome)}, {p_value(outcome['p'])}, Holm-adjusted "
        f"{p_value(outcome['p_holm'])}; means by enumerator: {means}. Enumerators may ask, "
        f"probe or record differently, or make answers up: {_CAVEAT}"
    )
