"""The paired comparison, pinned to R's printed results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from villagesurvey.analysis import dz_confidence_interval, holm, paired_test, wilcoxon_test

# Student's sleep data, R `datasets::sleep`: extra hours of sleep, 10 patients, two drugs.
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_sleep_paired_t_test_matches_r():
    # R: with(sleep, t.test(extra[group == 2], extra[group == 1], paired = TRUE))
    #    t = 4.0621, df = 9, p-value = 0.002833
    #    95 percent confidence interval: 0.7001142 2.4598858
    #    mean difference 1.58
    result = paired_test(SLEEP_1, SLEEP_2)
    assert result.n == 10
    assert result.n_excluded == 0
    assert result.t == pytest.approx(4.0621, abs=5e-5)
    assert result.df == 9
    assert result.p == pytest.approx(0.002833, abs=5e-7)
    assert result.ci_low == pytest.approx(0.7001142, abs=5e-8)
    assert result.ci_high == pytest.approx(2.4598858, abs=5e-8)
    assert result.mean_diff == pytest.approx(1.58)
    assert result.mean_before == pytest.approx(0.75)  # R: mean(extra[group == 1]) = 0.75
    assert result.mean_after == pytest.approx(2.33)  # R: mean(extra[group == 2]) = 2.33


def test_sleep_effect_size_is_dz_not_dav():
    # R: d <- with(sleep, extra[group == 2] - extra[group == 1]); mean(d) / sd(d) = 1.284558
    # (d_av, which pingouin's ttest reports as cohen-d, would be 0.8321811: not this.)
    result = paired_test(SLEEP_1, SLEEP_2)
    assert result.cohen_dz == pytest.approx(1.2846, abs=5e-5)


def test_sleep_dz_confidence_interval_is_the_noncentral_t_one():
    # R effectsize reference page, ?cohens_d, "Paired Samples":
    #   cohens_d(Pair(extra[group == 1], extra[group == 2]) ~ 1, data = sleep)
    #   Cohen's d |         95% CI
    #   -1.28     | [-2.12, -0.41]
    # (our difference is group 2 - group 1, so the signs flip). The normal approximation
    # sqrt(1/n + d^2/(2n)) would give a lower limit of 0.45 instead.
    result = paired_test(SLEEP_1, SLEEP_2)
    assert round(result.dz_ci_low, 2) == 0.41
    assert round(result.dz_ci_high, 2) == 2.12
    low, high = dz_confidence_interval(result.t, result.n)
    assert (low, high) == (result.dz_ci_low, result.dz_ci_high)


def test_sleep_shapiro_wilk_on_the_differences():
    # R: shapiro.test(d)  W = 0.82987, p-value = 0.03334
    result = paired_test(SLEEP_1, SLEEP_2)
    assert result.shapiro_w == pytest.approx(0.82987, abs=5e-6)
    assert result.shapiro_p == pytest.approx(0.03334, abs=5e-6)


def test_sleep_wilcoxon_uses_the_corrected_normal_approximation():
    # The differences have a zero and ties, so R falls back to the normal approximation:
    # R: with(sleep, wilcox.test(extra[group == 2], extra[group == 1], paired = TRUE))
    #    V = 45, p-value = 0.009091 (warnings: cannot compute exact p-value with ties/zeroes)
    result = paired_test(SLEEP_1, SLEEP_2)
    assert result.wilcoxon_p == pytest.approx(0.009091, abs=5e-7)
    assert result.wilcoxon_method == "normal approximation with continuity correction"


def test_wilcoxon_exact_without_ties_or_zeros():
    # R ?wilcox.test, Hollander & Wolfe (1973) p. 29, depression scores before/after:
    #   x <- c(1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30)
    #   y <- c(0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29)
    #   wilcox.test(x, y, paired = TRUE, alternative = "greater")  V = 40, p-value = 0.01953
    # Two-sided (the default) doubles it: exact P = 2 * 10/512 = 0.0390625.
    x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    p, method = wilcoxon_test(np.subtract(x, y))
    assert method == "exact"
    assert p == pytest.approx(0.0390625, abs=1e-9)


def test_holm_matches_r_p_adjust():
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm")  0.05 0.08 0.09 0.09 0.09
    assert holm([0.01, 0.02, 0.03, 0.04, 0.05]) == pytest.approx([0.05, 0.08, 0.09, 0.09, 0.09])
    # R: p.adjust(c(0.04, NA, 0.01, 0.5), "holm")  0.08 NA 0.03 0.50
    adjusted = holm([0.04, math.nan, 0.01, 0.5])
    assert adjusted[0] == pytest.approx(0.08)
    assert math.isnan(adjusted[1])
    assert adjusted[2:] == pytest.approx([0.03, 0.5])
    # R: p.adjust(c(0.3, 0.6), "holm")  0.6 0.6 (capped and monotone)
    assert holm([0.3, 0.6]) == pytest.approx([0.6, 0.6])


def test_pairs_with_a_missing_side_are_left_out_and_counted():
    before = [*SLEEP_1, np.nan, 5.0]
    after = [*SLEEP_2, 1.0, np.nan]
    result = paired_test(before, after)
    assert result.n == 10
    assert result.n_excluded == 2
    assert result.t == pytest.approx(4.0621, abs=5e-5)


@pytest.mark.parametrize(
    ("before", "after"),
    [([], []), ([1.0], [2.0]), ([1.0, 2.0, 3.0], [2.0, 3.0, 4.0]), ([1.0, 1.0], [1.0, 1.0])],
)
def test_too_few_pairs_or_no_spread_give_nan_without_warnings(before, after):
    # pytest turns any warning into an error: the degenerate cases must be quiet.
    result = paired_test(before, after)
    assert math.isnan(result.t)
    assert math.isnan(result.p)
    assert math.isnan(result.cohen_dz)
    assert math.isnan(result.shapiro_p)


def test_before_and_after_must_align():
    with pytest.raises(ValueError, match="same length"):
        paired_test([1.0, 2.0], [1.0])
