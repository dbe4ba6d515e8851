"""Hodges-Lehmann, McNemar, the sign test, d_av, the geometric mean ratio, the village
bootstrap, power at a given change, the minimum detectable change and TOST, against R."""

from __future__ import annotations

import math

import numpy as np
import pytest

from villagesurvey.analysis import (
    cluster_bootstrap_ci,
    d_av,
    geometric_mean_ratio,
    hodges_lehmann,
    mcnemar,
    min_detectable_change,
    sign_test,
    t_power,
    tost,
)

D = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30, -0.42, 0.91, 2.2]


def test_hodges_lehmann_matches_wilcox_test_exact_interval():
    # R: w <- wilcox.test(d, conf.int = TRUE)  (exact: 12 values, no ties, no zeros)
    #   w$estimate (pseudo)median 1.6175;  w$conf.int 0.910 2.155
    estimate, low, high = hodges_lehmann(D)
    assert estimate == pytest.approx(1.6175)
    assert (low, high) == pytest.approx((0.910, 2.155))


def test_hodges_lehmann_with_ties_is_the_median_of_walsh_averages():
    # Walsh averages of 0, 1, 1: 0, 0.5, 0.5, 1, 1, 1 -> median 0.75 (DescTools::HodgesLehmann)
    assert hodges_lehmann([0.0, 1.0, 1.0])[0] == pytest.approx(0.75)
    assert math.isnan(hodges_lehmann([])[0])


def _pairs(counts: dict[tuple[int, int], int]) -> tuple[list[int], list[int]]:
    before, after = [], []
    for (b, a), count in counts.items():
        before += [b] * count
        after += [a] * count
    return before, after


def test_mcnemar_exact_with_few_discordant_pairs():
    # 20 stay no, 7 start, 2 stop, 11 stay yes. R: binom.test(7, 9)$p.value = 0.1796875
    # (R: mcnemar.test(matrix(c(20, 2, 7, 11), 2))$p.value = 0.1824224395, the chi-squared
    # test, is not used with 9 discordant pairs.)
    before, after = _pairs({(0, 0): 20, (0, 1): 7, (1, 0): 2, (1, 1): 11})
    result = mcnemar(before, after)
    assert (result.started, result.stopped, result.n) == (7, 2, 40)
    assert result.method == "exact"
    assert result.p == pytest.approx(0.1796875)
    import pandas as pd
    import pingouin

    frame = pd.DataFrame({"before": before, "after": after})
    assert result.p == pytest.approx(
        float(pingouin.chi2_mcnemar(frame, "before", "after")[1]["p_exact"].iloc[0]), rel=1e-9
    )
    # Risk difference (7 - 2) / 40 with Agresti's (2002, eq. 10.2) paired Wald interval:
    # se = sqrt((b + c) - (b - c)^2 / n) / n = sqrt(9 - 25 / 40) / 40 = 0.0723486
    se = math.sqrt(9 - 25 / 40) / 40
    assert result.risk_difference == pytest.approx(0.125)
    assert result.ci_low == pytest.approx(0.125 - 1.959963985 * se)
    assert result.ci_high == pytest.approx(0.125 + 1.959963985 * se)


def test_mcnemar_chi_squared_matches_mcnemar_test_and_pingouin():
    import pandas as pd
    import pingouin

    # R: mcnemar.test(matrix(c(25, 0, 28, 9), 2)): McNemar's chi-squared = 26.036,
    #    p-value = 3.352e-07 (the model study's e-commerce participation)
    before, after = _pairs({(0, 0): 25, (0, 1): 28, (1, 1): 9})
    result = mcnemar(before, after)
    assert result.method == "chi-squared with continuity correction"
    assert result.p == pytest.approx(3.352e-07, rel=1e-3)
    frame = pd.DataFrame({"before": before, "after": after})
    _, stats = pingouin.chi2_mcnemar(frame, "before", "after")
    assert result.p == pytest.approx(float(stats["p_approx"].iloc[0]), rel=1e-9)


def test_sign_test_matches_binom_test():
    # 9 improved, 3 worse, 4 the same. R: binom.test(9, 12)$p.value = 0.1459960938
    up, same, down, p = sign_test([1] * 9 + [-1] * 3 + [0] * 4)
    assert (up, same, down) == (9, 4, 3)
    assert p == pytest.approx(0.1459960938)


def test_d_av_and_the_ratio_of_geometric_means():
    # Lakens (2013), eq. 10: d_av = mean difference / ((SD1 + SD2) / 2).
    # before 1, 2, 3, 4 (SD 1.290994), after 2, 4, 5, 5 (SD 1.414214): 1.5 / 1.352604 = 1.108972
    assert d_av([1, 2, 3, 4], [2, 4, 5, 5]) == pytest.approx(1.5 / ((1.290994 + 1.414214) / 2))
    # exp(mean(log(after / before))) over positive pairs: (2 * 2 * 5/3 * 5/4)^(1/4) = 1.699044
    ratio, n = geometric_mean_ratio([1, 2, 3, 4, 0], [2, 4, 5, 5, 7])
    assert n == 4
    assert ratio == pytest.approx((2 * 2 * 5 / 3 * 5 / 4) ** 0.25)


def test_village_bootstrap_interval_agrees_with_r_boot():
    # R (boot 1.3): set.seed(5); s <- split(y, v)
    #   b <- boot(s, function(s, i) mean(unlist(s[i])), R = 20000)
    #   boot.ci(b, type = "perc")   # 95% ( 1.333,  2.344 )
    # The draws differ between R and numpy, so the agreement is to the Monte Carlo error.
    y = [2.1, -0.4, 3.3, 1.8, 0.2, 4.0, 2.6, -1.1, 0.9, 3.7, 1.2, 2.2]
    v = ["a", "a", "a", "b", "b", "c", "c", "c", "c", "d", "e", "e"]
    low, high = cluster_bootstrap_ci(y, v, resamples=20000, seed=5)
    assert low == pytest.approx(1.333, abs=0.05)
    assert high == pytest.approx(2.344, abs=0.05)


def test_power_and_minimum_detectable_change_with_the_tests_df():
    # R: pw <- function(ncp, df) { cr <- qt(0.975, df); 1 - pt(cr, df, ncp) + pt(-cr, df, ncp) }
    #    pw(2.5, 9.921151644)                                     # 0.6157930587
    #    uniroot(function(x) pw(x, 9.921151644) - 0.8, c(0.01, 20), tol = 1e-12)$root  # 3.11276586
    #    uniroot(function(x) pw(x, 61) - 0.8, ...)$root / sqrt(62)                      # 0.3615265046
    assert t_power(2.5, 9.921151644) == pytest.approx(0.6157930587, rel=1e-8)
    assert min_detectable_change(1000.0, 9.921151644) == pytest.approx(3112.76586, rel=1e-8)
    assert min_detectable_change(1 / math.sqrt(62), 61) == pytest.approx(0.3615265046, rel=1e-8)


def test_power_given_d_z_matches_pingouin():
    import pingouin

    for d, n in ((0.5, 20), (0.3, 62), (0.8, 9)):
        expected = pingouin.power_ttest(d=d, n=n, contrast="paired")
        assert t_power(d * math.sqrt(n), n - 1) == pytest.approx(expected, rel=1e-6)


def test_tost_is_the_larger_one_sided_p():
    # Lakens (2017), two one-sided t tests. R:
    #   est <- 0.0806; se <- 0.0548; df <- 9.87; b <- 0.5
    #   max(pt((est + b) / se, df, lower.tail = FALSE), pt((est - b) / se, df))  # 9.336978015e-06
    assert tost(0.0806, 0.0548, 9.87, 0.5) == pytest.approx(9.336978015e-06, rel=1e-8)
    assert math.isnan(tost(0.1, 0.05, 9.0, math.nan))
    assert tost(0.6, 0.05, 9.0, 0.5) > 0.5  # outside the bounds: not equivalent


def test_paired_t_and_wilcoxon_agree_with_pingouin():
    import pingouin

    from villagesurvey.analysis import paired_test

    rng = np.random.default_rng(7)
    before = rng.normal(10, 2, 30).round(2)
    after = (before + rng.normal(0.6, 1.5, 30)).round(2)
    ours = paired_test(before, after)
    theirs = pingouin.ttest(after, before, paired=True)
    assert ours.t == pytest.approx(float(theirs["T"].iloc[0]), rel=1e-9)
    assert ours.p == pytest.approx(float(theirs.filter(like="val").iloc[0, 0]), rel=1e-9)
    low, high = theirs.filter(like="CI").iloc[0].iloc[0]
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), abs=5e-3)  # pingouin rounds
    wilcoxon = pingouin.wilcoxon(after, before)
    assert ours.wilcoxon_p == pytest.approx(float(wilcoxon.filter(like="p").iloc[0, 0]), rel=1e-6)


def test_cronbach_alpha_and_its_interval_agree_with_pingouin():
    import pandas as pd
    import pingouin

    from villagesurvey.analysis import cronbach_alpha

    rng = np.random.default_rng(11)
    trait = rng.normal(0, 1, 80)
    items = pd.DataFrame(
        {f"i{k}": np.clip(np.round(3 + trait + rng.normal(0, 0.9, 80)), 1, 5) for k in range(4)}
    )
    ours = cronbach_alpha(items)
    alpha, (low, high) = pingouin.cronbach_alpha(data=items)
    assert ours.alpha == pytest.approx(alpha, rel=1e-9)
    assert (ours.ci_low, ours.ci_high) == pytest.approx((low, high), abs=5e-3)  # pingouin rounds
