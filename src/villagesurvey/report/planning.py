"""The answer of ``villagesurvey power`` in a few lines of text."""

from __future__ import annotations

import math

from ..analysis import PowerPlan

__all__ = ["plan_lines"]


def _needed(value: float | None) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "no sample is large enough" if math.isinf(value) else f"{math.ceil(value):,}"


def plan_lines(plan: PowerPlan) -> list[str]:
    """Describe a :class:`~villagesurvey.analysis.PowerPlan` for a terminal."""
    target = f"{plan.target_power:.0%}"
    lines = [
        f"paired t-test, two-sided, alpha = {plan.alpha:g}, target power {target} (d_z units)",
        f"{plan.n} pairs: the smallest change detectable with {target} power is "
        f"d_z = {plan.mde_dz:.2f}",
    ]
    if plan.effect is not None and plan.power is not None:
        lines.append(
            f"effect d_z = {plan.effect:g}: power {plan.power:.1%}; pairs needed for {target}: "
            f"{_needed(plan.n_needed)}"
        )
    if plan.icc is not None and plan.clusters is not None and plan.cluster_size is not None:
        lines.append(
            f"{plan.clusters} clusters of about {plan.cluster_size:.1f} respondents, ICC "
            f"{plan.icc:g}: design effect {plan.deff:.2f}, effective n {plan.n_eff:.1f}"
        )
        lines.append(
            f"  with clustering, the smallest detectable change is d_z = {plan.mde_dz_eff:.2f}"
        )
        if plan.effect is not None and plan.power_eff is not None:
            lines.append(
                f"  effect d_z = {plan.effect:g}: power {plan.power_eff:.1%}; respondents "
                f"needed for {target} at the same cluster size: "
                f"{_needed(plan.n_needed_clustered)}"
            )
    return lines
