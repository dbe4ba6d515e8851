"""Warnings in plain words, kept as data (a code and its values) so a report can translate them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NOTE_TEMPLATES", "Note"]

NOTE_TEMPLATES: dict[str, str] = {
    "excluded_pairs": ("{excluded} respondent(s) left out because one of the two waves is missing"),
    "too_few_pairs": "fewer than 2 complete pairs: nothing can be tested",
    "no_variation": "every respondent changed by the same amount: no test is possible",
    "small_sample": "only {n} complete pairs: a small sample, so treat the result as indicative",
    "low_power": (
        "power is only {power:.0%} to detect a change of the size observed (d_z = {dz:.2f}) "
        "with the effective sample of {n_eff:.0f}; 80% power needs d_z of at least {mde:.2f} "
        "or about {needed} respondents"
    ),
    "not_normal": (
        "the changes are far from normally distributed (Shapiro-Wilk p = {p:.3f}): "
        "rely on the Wilcoxon test"
    ),
    "tests_disagree": "the t-test (p = {p:.3f}) and the Wilcoxon test (p = {w:.3f}) disagree",
    "cluster_not_significant": (
        "significant for respondents taken one by one, but not once villages are taken into "
        "account (cluster-robust p = {p:.3f})"
    ),
    "headline_power": (
        "With {n} respondents in {clusters} villages (worth {n_eff_low:.0f} to {n_eff:.0f} "
        "independent respondents, depending on the outcome, once villages are accounted for), "
        "this survey can reliably detect (80% power) only changes of at least d_z = {mde:.2f}, "
        "and of at least {mde_high:.2f} for the outcome with the fewest. {low} of {total} "
        "outcomes have less than 80% power for the change observed: a result that is not "
        "significant is not evidence that nothing changed."
    ),
    "headline_small": (
        "Only {n} respondents: a small sample. Changes smaller than d_z = {mde:.2f} cannot be "
        "detected reliably."
    ),
    "headline_few_clusters": (
        "Only {clusters} villages: the cluster-robust tests use a t distribution with "
        "{df} degrees of freedom and are the more honest ones."
    ),
}
"""English text of each note, by code; the values fill the ``{}`` fields."""


@dataclass(frozen=True)
class Note:
    """A warning: a stable ``code`` and the ``values`` its message needs."""

    code: str
    values: dict[str, float | int | str] = field(default_factory=dict)

    def message(self, templates: dict[str, str] | None = None) -> str:
        """The note in words, from ``templates`` (default English) by code."""
        template = (templates or NOTE_TEMPLATES).get(self.code, NOTE_TEMPLATES[self.code])
        return template.format(**self.values)

    def __str__(self) -> str:
        return self.message()
