"""Power of the paired t-test in d_z units, pinned to R's pwr package."""

from __future__ import annotations

import math

import pytest

from villagesurvey.analysis import min_detectable_effect, n_for_power, paired_power, plan_power


def test_power_matches_pwr():
    # R: pwr::pwr.t.test(n = 20, d = 0.5, sig.level = 0.05, type = "paired")  power = 0.5645
    assert paired_power(0.5, 20) == pytest.approx(0.5645, abs=5e-5)
    assert paired_power(-0.5, 20) == paired_power(0.5, 20)  # two-sided


def test_n_needed_matches_pwr():
    # R: pwr::pwr.t.test(d = 0.5, power = 0.8, type = "paired")  n = 33.36713
    assert n_for_power(0.5) == pytest.approx(33.36713, abs=5e-5)


def test_minimum_detectable_effect_for_the_model_study():
    # R: pwr::pwr.t.test(n = 62, power = 0.8, type = "paired")  d = 0.3615...
    # (PRODUCT.md: "with n = 62 a paired t-test has 80% power only for d_z >= 0.36")
    assert min_detectable_effect(62) == pytest.approx(0.3615, abs=5e-4)
    assert paired_power(min_detectable_effect(62), 62) == pytest.approx(0.8, abs=1e-8)


def test_no_effect_needs_an_infinite_sample_and_power_equals_alpha():
    assert math.isinf(n_for_power(0.0))
    assert paired_power(0.0, 62) == pytest.approx(0.05)


def test_too_few_pairs_is_nan():
    assert math.isnan(paired_power(0.5, 1))
    assert math.isnan(min_detectable_effect(1.5))
    assert math.isnan(n_for_power(math.nan))


def test_plan_with_clusters_uses_the_design_effect():
    # By hand: m = 62 / 11 = 5.6364; deff = 1 + (5.6364 - 1) * 0.1 = 1.46364;
    # effective n = 62 / 1.46364 = 42.360.
    plan = plan_power(62, 0.3, icc=0.1, clusters=11)
    assert plan.cluster_size == pytest.approx(62 / 11)
    assert plan.deff == pytest.approx(1.46364, abs=5e-6)
    assert plan.n_eff == pytest.approx(42.360, abs=5e-4)
    assert plan.mde_dz == pytest.approx(min_detectable_effect(62))
    assert plan.mde_dz_eff == pytest.approx(min_detectable_effect(42.360248), abs=1e-6)
    assert plan.power_eff == pytest.approx(paired_power(0.3, 42.360248), abs=1e-6)
    assert plan.n_needed_clustered == pytest.approx(n_for_power(0.3) * 1.463636, abs=1e-3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "at least 2"),
        ({"n": 62, "icc": 0.1}, "both icc and clusters"),
        ({"n": 62, "icc": 1.5, "clusters": 11}, "icc must be between"),
        ({"n": 62, "icc": 0.1, "clusters": 63}, "clusters must be between"),
    ],
)
def test_plan_refuses_impossible_designs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        plan_power(**kwargs)
