"""Warnings in plain words, kept as data (a code and its values) so a report can translate them."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["NOTE_TEMPLATES", "Note"]

NOTE_TEMPLATES: dict[str, str] = {
    "structural_zeros": (
        "{count} skipped answer(s) counted as {value}, as the instrument says (when_skipped)"
    ),
    "excluded_pairs": ("{excluded} respondent(s) left out because one of the two waves is missing"),
    "too_few_pairs": "fewer than 2 complete pairs: nothing can be tested",
    "no_variation": "every respondent changed by the same amount: no test is possible",
    "small_sample": "only {n} complete pairs: a small sample, so treat the result as indicative",
    "one_cluster": (
        "all complete pairs are in one village: only the paired t-test, which ignores "
        "villages, could be run"
    ),
    "few_df": (
        "the design-based test has only {df:.1f} degrees of freedom ({clusters} villages): "
        "its interval is wide"
    ),
    "naive_only": (
        "significant for respondents taken one by one (paired t-test p = {p:.3f}), but not "
        "once villages are taken into account (p = {cr2:.3f})"
    ),
    "wild_disagrees": (
        "the wild cluster bootstrap (p = {wild:.3f}) does not agree with the design-based "
        "test (p = {p:.3f}): treat the result with caution"
    ),
    "design_caveat": (
        "This survey compares the same people in {before} and {after}, without a comparison "
        "group: it shows how things changed, not what a programme caused. Anything else that "
        "changed between the two years (prices, a pandemic year, the earlier year recalled "
        "in a later interview) is part of the change."
    ),
    "did_assumption": (
        "The difference-in-differences (Table 11) compares the change of those with "
        "{column} = 1 with the change of those with {column} = 0. It is the programme's effect "
        "only if both groups would have changed alike without it (parallel trends), which two "
        "waves cannot check; the groups chose themselves and may differ in other ways too "
        "(their baseline difference is shown beside it)."
    ),
    "structural_zeros_headline": (
        "Skipped answers counted as 0, as the instrument says (when_skipped), in: {outcomes}."
    ),
    "headline_power": (
        "With {n} respondents in {clusters} villages, the design-based tests can reliably "
        "detect ({power:.0%} power) only changes of at least d_z = {mde_low:.2f} to "
        "{mde_high:.2f}, depending on the outcome (they have {df_low:.1f} to {df_high:.1f} "
        "degrees of freedom, not n - 1). A change that is not significant is not evidence "
        "that nothing changed: see which are equivalent to no change and which are "
        "inconclusive."
    ),
    "headline_icc": (
        "How much villages matter is itself uncertain: for {outcome}, the intra-village "
        "correlation of the changes is {icc:.2f} (95% CI {low:.2f} to {high:.2f}), so its "
        "{n} respondents are worth roughly {n_eff_low:.0f} to {n_eff_high:.0f} independent ones."
    ),
    "headline_small": ("Only {n} respondents: a small sample. Treat every result as indicative."),
    "headline_few_clusters": (
        "Only {clusters} villages: the headline tests are cluster-robust (CR2 with "
        "Bell-McCaffrey degrees of freedom), with a wild cluster bootstrap as a check; the "
        "paired t-test, which treats respondents as independent, is shown beside them."
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
