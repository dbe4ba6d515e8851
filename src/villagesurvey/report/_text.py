"""The report's own words, in each language it speaks; other languages fall back to English."""

from __future__ import annotations

from typing import Any

from ._text_zh import ZH

__all__ = ["ui"]

_EN: dict[str, Any] = {
    "lang": "en",
    "separator": ", ",
    "title": "Before and after: {title}",
    "subtitle": (
        "{n} respondents in {clusters} villages, {waves}. Instrument {id} {version}. "
        "Money in {base} prices."
    ),
    "headline": "What the survey shows",
    "warnings": "Read this first",
    "changed": (
        "Clear changes (design-based test, significant after Holm correction for {count} outcomes)"
    ),
    "not_changed": "No clear change",
    "equivalent": "Equivalent to no change (within the smallest change of interest, TOST)",
    "inconclusive": (
        "Inconclusive: not a clear change, and not shown to be smaller than a change that "
        "matters (state one with sesoi: in the instrument or --sesoi)"
    ),
    "none_changed": "No outcome changed clearly.",
    "rose": "rose",
    "fell": "fell",
    "finding": (
        "<b>{label}</b> {direction} by {change} on average, from {before} to {after} "
        "(95% CI {low} to {high}, cluster-robust; d_z = {dz}, d_av = {dav})."
    ),
    "finding_md": (
        "**{label}** {direction} by {change} on average, from {before} to {after} "
        "(95% CI {low} to {high}, cluster-robust; d_z = {dz}, d_av = {dav})."
    ),
    "finding_share": (
        "<b>{label}</b>: the share {direction} by {change}, from {before} to {after} "
        "(risk difference, 95% CI {low} to {high}, cluster-robust)."
    ),
    "finding_share_md": (
        "**{label}**: the share {direction} by {change}, from {before} to {after} "
        "(risk difference, 95% CI {low} to {high}, cluster-robust)."
    ),
    "finding_yes_no": " {started} started and {stopped} stopped (McNemar {p}).",
    "to": "to",
    "test_methods": {
        "exact": "exact",
        "chi-squared with continuity correction": "chi-squared with continuity correction",
        "normal approximation with continuity correction": (
            "normal approximation with continuity correction"
        ),
    },
    "equivalent_item": "{label} (change {change}, within ±{sesoi}; TOST {p})",
    "points": "percentage points",
    "in_prices": "{unit} at {base} prices",
    "figures": "Figures",
    "fig_slopes": "Village averages before and after (grey: one line per village; "
    "black: all respondents)",
    "fig_diffs": "How much each respondent changed (after − before); the dashed line is no "
    "change, the solid line the average change",
    "fig_power": "Power of a paired t-test with {n} pairs (solid) and with the effective "
    "sample of about {n_eff:.0f} and {df:.0f} degrees of freedom (dashed); dots: the power at "
    "the smallest change of interest stated for an outcome, each with its own design effect",
    "power_axis_x": "effect size d_z",
    "power_axis_y": "power",
    "power_title": "How large a change this survey can detect",
    "tables": "Tables",
    "t_results": "Table 2. Before and after: the design-based (cluster-robust) comparison",
    "t_naive": "Table 3. Checks: the naive paired test (villages ignored) and robustness",
    "t_power": "Table 4. What the survey can detect, and equivalence",
    "t_effects": "Table 5. Effect sizes",
    "t_cluster": "Table 6. Respondents nested in villages",
    "t_yes_no": "Table 7. Yes/no outcomes",
    "t_ratings": "Table 8. Ratings: who improved, stayed, got worse",
    "t_missing": "Table 9. Missing answers by wave and village (before skipped answers are filled)",
    "t_demo": "Table 1. Respondents",
    "roster_size": "{roster}: members per household",
    "roster_range": "{mean} (range {low} to {high})",
    "fig_pyramid": "{roster}: members by age and sex",
    "pyramid_caption": (
        "{members} members of {households} households, in {band}-year age bands "
        "(as listed by the respondents; {unplaced} without an age or sex left out)."
    ),
    "t_subgroup": "Table 10{letter}. {by} = {level}",
    "t_subgroup_compare": " (within this group; Table 12 tests whether the groups differ)",
    "t_group_tests": (
        "Table 12. Does the change differ by {by}? Difference in mean change, cluster-robust (CR2)"
    ),
    "t_did": (
        "Table 11. Difference-in-differences: change with {column} = 1 minus change with "
        "{column} = 0, cluster-robust (CR2); the baseline difference beside it"
    ),
    "conclusions": {
        "changed": "clear change",
        "equivalent": "equivalent to none",
        "inconclusive": "inconclusive",
        "untested": "not tested",
    },
    "t_cpi": "Price index and deflation factors",
    "t_warnings": "Warnings by outcome",
    "col": {
        "outcome": "Outcome",
        "unit": "Unit",
        "n": "n",
        "excluded": "Left out",
        "before": "Before",
        "after": "After",
        "change": "Change",
        "ci": "95% CI",
        "t": "t (df)",
        "p": "p",
        "p_holm": "p (Holm)",
        "dz": "d_z [95% CI]",
        "dz_only": "d_z",
        "d_av": "d_av",
        "gmr": "Ratio of geometric means (pairs)",
        "wilcoxon": "Wilcoxon p",
        "naive_t": "Paired t (df)",
        "naive_p": "Paired p",
        "naive_p_holm": "Paired p (Holm)",
        "naive_ci": "Paired 95% CI",
        "wild": "Wild bootstrap p",
        "boot_ci": "Village bootstrap 95% CI",
        "hl": "Hodges-Lehmann [95% CI]",
        "df": "df",
        "mde": "Smallest detectable change (80%)",
        "mde_dz": "in d_z",
        "sesoi": "Smallest change of interest",
        "power_sesoi": "Power at it",
        "tost": "Equivalence p (TOST)",
        "conclusion": "Conclusion",
        "n_eff": "Effective n",
        "clusters": "Villages",
        "icc": "ICC [95% CI]",
        "deff": "Design effect",
        "cr_t": "CR2 t (df)",
        "cr_p": "CR2 p",
        "started": "Started",
        "stopped": "Stopped",
        "mcnemar": "McNemar p",
        "rd": "Risk difference [95% CI]",
        "rd_cr": "Cluster-robust [95% CI]",
        "improved": "Improved",
        "same": "Same",
        "worse": "Worse",
        "sign": "Sign test p",
        "wave": "Wave",
        "missing": "Missing",
        "skipped": "Skipped (filled)",
        "groups": "Groups",
        "all_equal": "All groups alike (CR2 Wald, HTZ)",
        "difference": "Difference",
        "n_groups": "n (1 / 0)",
        "change_exposed": "Change (1)",
        "change_unexposed": "Change (0)",
        "did": "Difference-in-differences",
        "baseline": "Baseline difference",
        "baseline_p": "Baseline p",
        "variable": "Characteristic",
        "category": "Category",
        "summary": "Mean (SD) or count (%)",
        "year": "Year",
        "index": "CPI",
        "factor": "Factor to {base}",
        "warning": "Warning",
    },
    "methods": "Methods",
    "methods_text": [
        "Each outcome asked in two waves is compared respondent by respondent "
        "(after − before). The analysis population of each outcome is the respondents with "
        "both waves answered; the others are left out of that outcome and counted. A "
        "question skipped by its skip rule counts as the value the instrument gives it "
        "(when_skipped: 0 for an amount that is none when not asked); otherwise a skipped "
        "answer is missing.",
        "Headline: the mean change with its cluster-robust (CR2) standard error, "
        "Bell-McCaffrey (Satterthwaite) degrees of freedom and 95% confidence interval, as "
        'R\'s clubSandwich (coef_test, vcov = "CR2", test = "Satterthwaite"); Holm\'s '
        "correction of these p-values across the {count} outcomes decides the clear "
        "changes. A wild cluster bootstrap (Webb's six-point weights, null imposed) checks "
        "it. For a yes/no outcome the mean change is the risk difference. Beside it, labelled, "
        "the naive paired t-test, which treats respondents as independent, and Wilcoxon's "
        "signed-rank test; as robustness checks of the same mean change, a percentile "
        "interval from resampling whole villages, and the Hodges-Lehmann estimate with its "
        "interval as a description.",
        "Effect sizes: d_z = mean change / standard deviation of the changes (with a "
        "noncentral-t interval) and d_av = mean change / mean of the two waves' standard "
        "deviations (Lakens 2013); d_z is large when the waves correlate strongly. For a yes/no "
        "outcome the effect to read is the risk difference (Table 7), in percentage points; "
        "its d_z and d_av are given only for comparison. The power "
        "and the smallest detectable change are stated in d_z units, never in d_av. Power and "
        "the smallest detectable change use the headline test: a two-sided t test at "
        "α = {alpha} with its standard error and degrees of freedom; the smallest "
        "detectable change is in the outcome's own unit (and in d_z). Power is given only "
        "at a smallest change of interest stated in advance (sesoi), never for the change "
        "observed. With a smallest change of interest, a change that is not clear is "
        "tested for equivalence (two one-sided tests, Lakens 2017): equivalent when both "
        "reject at α, otherwise inconclusive.",
        "Respondents are nested in villages ({cluster}). For the changes of each outcome: "
        "the intra-cluster correlation (ICC, one-way ANOVA estimator, with its F-based "
        "95% interval), the design effect 1 + (m − 1) × ICC with m the size-weighted mean "
        "village size ({m:.1f}), and the effective sample n / design effect. Yes/no "
        "outcomes: McNemar's test (exact binomial below 25 discordant pairs, otherwise "
        "chi-squared with continuity correction, as R's mcnemar.test) and the paired risk "
        "difference with its Wald interval. Ratings: the share who improved, stayed or got "
        "worse, and the sign test.",
        "Money is converted to {base} prices: real = nominal × CPI({base}) / CPI(year). "
        "Price index: {cpi}. Source: {source}",
        "Not compared: {left_out}.",
    ],
    "left_out": {
        "categorical": "{name} (an unordered choice)",
        "not_numeric": "{name} (not a number)",
    },
    "nothing_left_out": "none",
    "no_money": "No outcome is money; nothing was deflated.",
    "personal": "Personal data (questions marked pii) is never shown in this report.",
    "validation": (
        "The data are the clean rows of a validation (its summary.json beside the clean "
        "dataset): {rows_in} rows in, {clean} clean, {quarantined} quarantined, {dropped} "
        "dropped."
    ),
    "validation_no_corrections": " No corrections were applied.",
    "validation_corrections": (
        " Corrections file {file} (sha256 {sha}…): values corrected {corrected}, confirmed "
        "{confirmed}; respondents dropped {dropped}; lines not applied {not_applied}."
    ),
    "validation_unread": (
        "A summary.json of a validation lies beside the clean dataset but could not be read "
        "in full (see data.validation.note in results.json); the corrections behind the data "
        "are not known."
    ),
    "made_by": "Made by villagesurvey {version}.",
    "yes": "yes",
    "no": "no",
    "all": "all respondents",
    "notes": {},
}

_UI: dict[str, dict[str, Any]] = {"en": _EN, "zh": ZH}


def ui(language: str) -> dict[str, Any]:
    """The report's texts for ``language`` (``zh-Hans`` uses ``zh``; others, English).

    A text not yet translated is given in English.
    """
    own = _UI.get(language, _UI.get(language.split("-")[0].split("_")[0], _EN))
    return {**_EN, **own, "col": {**_EN["col"], **own["col"]}}
