"""ICC, design effect and the cluster-robust test, pinned to hand computations."""

from __future__ import annotations

import math

import pytest

from villagesurvey.analysis import (
    cluster_analysis,
    cluster_robust_mean,
    design_effect,
    icc_oneway,
    weighted_cluster_size,
)

# Unbalanced clusters: A = 1, 2, 3; B = 4, 6; C = 8, 9, 10, 11.
VALUES = [1, 2, 3, 4, 6, 8, 9, 10, 11]
GROUPS = ["A", "A", "A", "B", "B", "C", "C", "C", "C"]


def test_icc_is_the_one_way_anova_estimator():
    # By hand (Donner 1986, the ANOVA estimator for unequal cluster sizes):
    #   N = 9, k = 3, means A = 2, B = 5, C = 9.5, grand mean = 54 / 9 = 6
    #   SSB = 3(2-6)^2 + 2(5-6)^2 + 4(9.5-6)^2 = 48 + 2 + 49 = 99;   MSB = 99 / 2 = 49.5
    #   SSW = (1+0+1) + (1+1) + (2.25+0.25+0.25+2.25) = 9;           MSW = 9 / 6 = 1.5
    #   n0 = (N - sum(n_i^2) / N) / (k - 1) = (9 - 29/9) / 2 = 26/9
    #   ICC = (MSB - MSW) / (MSB + (n0 - 1) MSW) = 48 / (49.5 + 17/9 * 1.5) = 0.917197
    assert icc_oneway(VALUES, GROUPS) == pytest.approx(48 / (49.5 + 17 / 9 * 1.5))
    assert icc_oneway(VALUES, GROUPS) == pytest.approx(0.917197, abs=5e-7)


def test_design_effect_uses_the_size_weighted_mean_cluster_size():
    # m = sum(n_i^2) / N = (9 + 4 + 16) / 9 = 29/9 = 3.2222
    # deff = 1 + (m - 1) ICC = 1 + (20/9)(0.917197) = 3.038217; n_eff = 9 / deff = 2.96226
    assert weighted_cluster_size(GROUPS) == pytest.approx(29 / 9)
    result = cluster_analysis(VALUES, GROUPS)
    assert result.clusters == 3
    assert result.m == pytest.approx(29 / 9)
    assert result.deff == pytest.approx(3.038217, abs=5e-6)
    assert result.n_eff == pytest.approx(2.96226, abs=5e-5)


def test_negative_icc_does_not_shrink_the_design_effect():
    assert design_effect(-0.2, 5.0) == 1.0
    assert design_effect(math.nan, 5.0) == 1.0
    # Balanced, between-cluster variation smaller than within: the estimate is negative.
    # A = 1, 3; B = 1, 3: MSB = 0, MSW = 2, n0 = 2, ICC = (0 - 2) / (0 + 1 * 2) = -1
    assert icc_oneway([1, 3, 1, 3], ["A", "A", "B", "B"]) == pytest.approx(-1.0)


def test_cluster_robust_test_is_cr1_with_g_minus_1_df():
    # By hand, d = 1, 2, 3, 4, 5, 6.5 in clusters 1, 1, 2, 2, 3, 3 (G = 3, N = 6, K = 1):
    #   mean = 21.5 / 6 = 3.583333; residuals -2.583333 -1.583333 -0.583333 0.416667
    #   1.416667 2.916667; cluster sums -4.166667, -0.166667, 4.333333; their squares sum to
    #   17.361111 + 0.027778 + 18.777778 = 36.166667.
    #   CR1: V = G/(G-1) * (N-1)/(N-K) * 36.166667 / N^2 = 1.5 * 1 * 36.166667 / 36 = 1.506944
    #   se = sqrt(V) = 1.227577; t = 3.583333 / 1.227577 = 2.919031
    #   With G - 1 = 2 df the two-sided p has a closed form, 1 - t / sqrt(t^2 + 2) = 0.100056
    # (Stata: regress d, vce(cluster g) reports the same t and uses t(G-1) for p.)
    estimate, se, t, p = cluster_robust_mean([1, 2, 3, 4, 5, 6.5], [1, 1, 2, 2, 3, 3])
    assert estimate == pytest.approx(3.583333, abs=5e-7)
    assert se == pytest.approx(math.sqrt(1.5 * 36.166667 / 36), abs=1e-6)
    assert t == pytest.approx(2.919031, abs=5e-6)
    assert p == pytest.approx(1 - 2.919031 / math.sqrt(2.919031**2 + 2), abs=1e-6)
    assert p == pytest.approx(0.100056, abs=5e-6)


def test_one_cluster_or_no_spread_gives_nan_quietly():
    _, se, t, p = cluster_robust_mean([1.0, 2.0, 3.0], ["A", "A", "A"])
    assert math.isnan(se)
    assert math.isnan(t)
    assert math.isnan(p)
    _, se, t, p = cluster_robust_mean([2.0, 2.0, 2.0, 2.0], ["A", "A", "B", "B"])
    assert math.isnan(t)
    assert math.isnan(icc_oneway([1.0, 2.0], ["A", "B"]))  # no replication within clusters


def test_missing_values_are_left_out():
    result = cluster_analysis([*VALUES, math.nan], [*GROUPS, "D"])
    assert result.clusters == 3
    assert result.icc == pytest.approx(0.917197, abs=5e-7)
