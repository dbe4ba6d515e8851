"""CR2 with Bell-McCaffrey df, the wild cluster bootstrap, and the ICC interval, against R."""

from __future__ import annotations

import math

import numpy as np
import pytest

from villagesurvey.analysis import cr2_mean, cr2_test, icc_oneway, wild_bootstrap_mean
from villagesurvey.analysis.clustering import cluster_analysis
from villagesurvey.analysis.sensitivity import icc_interval

Y = [2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2]
V = ["a", "a", "a", "b", "b", "c", "c", "c", "c", "d", "e", "e"]
X = [1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1]


def test_cr2_mean_matches_clubsandwich_with_unequal_clusters():
    # R, clubSandwich 0.5:
    #   y <- c(2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2)
    #   v <- c("a","a","a","b","b","c","c","c","c","d","e","e")
    #   coef_test(lm(y ~ 1), vcov = "CR2", cluster = v, test = "Satterthwaite")
    #     beta 1.708333333  SE 0.2210850005  tstat 7.727043126  df_Satt 3.28685259
    #     p_Satt 0.003239265392
    #   conf_int(lm(y ~ 1), vcov = "CR2", cluster = v): CI_L 1.038235974  CI_U 2.378430692
    result = cr2_mean(Y, V)
    assert result.estimate == pytest.approx(1.708333333, rel=1e-9)
    assert result.se == pytest.approx(0.2210850005, rel=1e-9)
    assert result.t == pytest.approx(7.727043126, rel=1e-9)
    assert result.df == pytest.approx(3.28685259, rel=1e-8)
    assert result.p == pytest.approx(0.003239265392, rel=1e-8)
    assert (result.ci_low, result.ci_high) == pytest.approx((1.038235974, 2.378430692), rel=1e-8)
    assert result.clusters == 5


def test_cr2_slope_and_intercept_match_clubsandwich():
    # R: fit <- lm(y ~ x), x <- c(1, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 1)
    #   coef_test(fit, vcov = "CR2", cluster = v, test = "Satterthwaite")
    #     (Intercept) 0.4333333333 SE 0.3790338595 t 1.143257581 df 2.631578947 p 0.34620631861
    #     x           2.5500000000 SE 0.5219859197 t 4.885189243 df 3.250078271 p 0.01357704012
    #   conf_int(fit, ...): x 0.9588290923 to 4.141170908
    design = np.column_stack([np.ones(len(X)), X])
    slope = cr2_test(Y, design, V)
    assert slope.estimate == pytest.approx(2.55)
    assert slope.se == pytest.approx(0.5219859197, rel=1e-9)
    assert slope.df == pytest.approx(3.250078271, rel=1e-8)
    assert slope.p == pytest.approx(0.01357704012, rel=1e-8)
    assert (slope.ci_low, slope.ci_high) == pytest.approx((0.9588290923, 4.141170908), rel=1e-8)
    intercept = cr2_test(Y, design, V, contrast=[1, 0])
    assert intercept.se == pytest.approx(0.3790338595, rel=1e-9)
    assert intercept.df == pytest.approx(2.631578947, rel=1e-8)
    assert intercept.p == pytest.approx(0.34620631861, rel=1e-8)


def test_cr2_equals_cr1_with_equal_clusters_and_df_g_minus_1():
    # R: coef_test(lm(d ~ 1), vcov = "CR2", cluster = c(1,1,2,2,3,3), test = "Satterthwaite")
    #   with d = c(1, 2, 3, 4, 5, 6.5): beta 3.583333333 SE 1.227576655 tstat 2.919030203
    #   df_Satt 2 p_Satt 0.100055971
    result = cr2_mean([1, 2, 3, 4, 5, 6.5], [1, 1, 2, 2, 3, 3])
    assert result.se == pytest.approx(1.227576655, rel=1e-9)
    assert result.df == pytest.approx(2.0)
    assert result.p == pytest.approx(0.100055971, rel=1e-8)


def test_cr2_needs_two_clusters():
    result = cr2_mean([1.0, 2.0, 4.0], ["A", "A", "A"])
    assert result.estimate == pytest.approx(7 / 3)
    assert math.isnan(result.se)
    assert math.isnan(result.p)
    assert math.isnan(cr2_mean([], []).estimate)


def test_wild_bootstrap_with_every_webb_weight_vector_matches_r():
    # All 6^5 = 7776 Webb weight vectors, written out in R independently:
    #   y <- c(2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2) - 1.5
    #   w6 <- c(-sqrt(1.5), -1, -sqrt(0.5), sqrt(0.5), 1, sqrt(1.5))
    #   tstat <- function(y) { e <- y - mean(y); s <- tapply(e, v, sum); mean(y)/sqrt(sum(s^2)) }
    #   grid <- as.matrix(expand.grid(rep(list(1:6), 5)))
    #   ts <- apply(grid, 1, function(k) tstat(w6[k][match(v, sort(unique(v)))] * y))
    #   mean(abs(ts) >= abs(tstat(y)) - 1e-12)   # 0.4002057613
    shifted = np.asarray(Y) - 1.5
    assert wild_bootstrap_mean(shifted, V, resamples=7776) == pytest.approx(0.4002057613)
    drawn = wild_bootstrap_mean(shifted, V, resamples=999, seed=3)
    assert drawn == pytest.approx(0.4002057613, abs=0.05)  # 999 draws: SE about 0.016


def test_icc_interval_is_the_f_interval():
    # R: y <- c(1,2,3, 2,4,3, 6,7,5, 5,5,6, 9,8,9); g <- factor(rep(1:5, each = 3))
    #   a <- anova(lm(y ~ g)); msb 20.6666666667, msw 0.7333333333, F 28.1818181818
    #   ICC = (msb - msw) / (msb + 2 msw) = 0.9006024096
    #   Fl <- F / qf(0.975, 4, 10); Fu <- F / qf(0.025, 4, 10)
    #   c((Fl - 1) / (Fl + 2), (Fu - 1) / (Fu + 2))   # 0.6388586756 0.9880590668
    y = [1, 2, 3, 2, 4, 3, 6, 7, 5, 5, 5, 6, 9, 8, 9]
    g = np.repeat(np.arange(5), 3)
    assert icc_oneway(y, g) == pytest.approx(0.9006024096, rel=1e-9)
    low, high = icc_interval(20.6666666667, 0.7333333333, 5, 15, 3.0)
    assert (low, high) == pytest.approx((0.6388586756, 0.9880590668), rel=1e-8)
    result = cluster_analysis(y, g)
    assert (result.icc_low, result.icc_high) == pytest.approx((low, high), rel=1e-8)


def test_subgroup_differences_and_the_wald_test_match_clubsandwich():
    import pandas as pd

    from villagesurvey.analysis import cr2_wald
    from villagesurvey.analysis.groups import subgroup_differences

    # R, clubSandwich 0.5:
    #   y <- c(2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2, 1.5, 0.3, 2.8,
    #          -0.2, 1.1, 0.7); v <- rep(c("a","b","c","d","e","f"), each = 3)
    #   grp <- factor(c("x","y","z","x","y","z","x","x","y","z","z","y","x","y","z","y","x","z"))
    #   coef_test(lm(y ~ grp), vcov = "CR2", cluster = v, test = "Satterthwaite")
    #     grpy -0.8333333333 SE 0.5631064155 df 4.546734247 p 0.20461861810
    #     grpz  1.2833333333 SE 0.4290061728 df 4.945054945 p 0.03082072371
    #   Wald_test(lm(y ~ grp), constraints = constrain_zero(2:3), vcov = "CR2", cluster = v,
    #             test = "HTZ")   Fstat 5.621851431 df_num 2 df_denom 3.769488989
    #                             p_val 0.07392548034
    y = [2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2, 1.5, 0.3, 2.8, -0.2]
    y += [1.1, 0.7]
    village = np.repeat(list("abcdef"), 3)
    group = list("xyzxyzxxyzzyxyzyxz")
    design = np.column_stack(
        [np.ones(18), [g == "y" for g in group], [g == "z" for g in group]]
    ).astype(float)
    f, df_num, df_denom, p = cr2_wald(y, design, village, [[0, 1, 0], [0, 0, 1]])
    assert f == pytest.approx(5.621851431, rel=1e-9)
    assert (df_num, df_denom) == pytest.approx((2, 3.769488989), rel=1e-9)
    assert p == pytest.approx(0.07392548034, rel=1e-8)
    pairs = pd.DataFrame(
        {"outcome": "o", "respondent": range(18), "cluster": village, "before": 0.0}
    )
    pairs["after"] = pairs["diff"] = y
    table = subgroup_differences(pairs, pd.Series(group), ["x", "y", "z"]).set_index("level")
    assert table.loc["y", "se"] == pytest.approx(0.5631064155, rel=1e-9)
    assert table.loc["y", "df"] == pytest.approx(4.546734247, rel=1e-8)
    assert table.loc["z", "difference"] == pytest.approx(1.2833333333, rel=1e-9)
    assert table.loc["z", "p"] == pytest.approx(0.03082072371, rel=1e-8)
    assert table.loc["z", "f_p"] == pytest.approx(0.07392548034, rel=1e-8)
