"""The fabrication statistics against R: digits, interview spread, enumerator ICC."""

from __future__ import annotations

import math

import numpy as np
import pytest

from villagesurvey.monitoring import digits, spread
from villagesurvey.monitoring.enumerator_effect import enumerator_effect, icc1

NA = math.nan


# --- which digit ------------------------------------------------------------------------


def _last(values: np.ndarray, place: int) -> list[int]:
    found = digits.last_digits(values, place)
    assert found.shape == values.shape  # one per answer, -1 for none
    return [int(d) for d in found if d >= 0]


def test_varying_place_passes_over_the_rounding_everybody_shares() -> None:
    # every amount a multiple of 100, one in twenty not of 1,000: the thousands vary
    values = np.array([34000, 47000, 19900, 52000, 61000, 18000, 23000, 75000, 40000] * 3 + [0])
    assert digits.varying_place(values) == 3
    assert _last(values[:4], 3) == [4, 7, 9, 2]
    # amounts to the hundred: the hundreds vary; 800 has no digit above its hundreds
    hundreds = np.array([1200, 3400, 5600, 2100, 800, 4700, 3300, NA, 0])
    assert digits.varying_place(hundreds) == 2
    assert _last(hundreds, 2) == [2, 4, 6, 1, 7, 3]


def test_varying_place_of_ages_and_decimals() -> None:
    ages = np.array([43, 47, 68, 70, 48, 60, 41, 29, 8])
    assert digits.varying_place(ages) == 0
    assert _last(ages, 0) == [3, 7, 8, 0, 8, 0, 1, 9]  # 8: one digit
    kilos = np.array([12.5, 3.25, 7.5, 10.5, 2.5, 4.5])
    assert digits.varying_place(kilos) == -1  # 3.25 alone does not make the hundredths vary
    assert _last(kilos, -1) == [5, 2, 5, 5, 5, 5]
    assert digits.varying_place(np.array([3.25, 7.75, 1.5, 2.5])) == -2
    assert digits.varying_place(np.array([0.0, NA, 0.0])) is None


def test_a_few_precise_answers_do_not_move_the_place() -> None:
    rounded = [31000, 42000, 27000, 56000, 13000, 68000, 24000, 35000, 49000, 71000]
    values = np.array(rounded * 2 + [12345])
    assert digits.varying_place(values) == 3  # 1 in 21 answers varies at the units


def test_digit_counts_pool_each_enumerators_digits_over_the_questions() -> None:
    income = np.array([12300, 45600, 7800, 0, 23500, NA])  # the hundreds vary
    age = np.array([34, 41, 29, 55, 8, 60])  # the units vary; 8 has no tens
    codes = np.array([0, 1, 0, 1, -1, 0])  # the fifth interview has no enumerator
    counts = digits.digit_counts({"income": income, "age": age}, codes, 2)
    first = np.zeros(10, dtype=int)
    second = np.zeros(10, dtype=int)
    for d in (3, 8, 4, 9, 0):  # 12300, 7800; ages 34, 29, 60
        first[d] += 1
    for d in (6, 1, 5):  # 45600 (0: no digit); ages 41, 55
        second[d] += 1
    assert counts.tolist() == [first.tolist(), second.tolist()]


# --- digit tests --------------------------------------------------------------------------


def _digits(counts: list[int]) -> np.ndarray:
    return np.array(counts)


def test_digit_test_of_uniform_digits_against_r() -> None:
    own = _digits([16, 29, 20, 19, 19, 18, 18, 16, 16, 15])
    others = _digits([65, 77, 77, 77, 77, 65, 77, 77, 77, 77])  # 130 of 746 are 0 or 5
    result = digits.digit_test(own, others)
    assert result is not None
    # R: chisq.test(c(16, 29, 20, 19, 19, 18, 18, 16, 16, 15))
    #    X-squared = 7.7634, df = 9, p-value = 0.5582
    assert result.chi2 == pytest.approx(7.7634, abs=5e-5)
    assert result.df == 9
    assert result.p_uniform == pytest.approx(0.5582, abs=5e-5)
    # R: fisher.test(matrix(c(34, 130, 152, 616), nrow = 2), alternative = "greater")$p.value
    #    [1] 0.4288348134
    assert (result.share_0_5, result.others_share_0_5) == (34 / 186, 130 / 746)
    assert result.p_others == pytest.approx(0.4288348134, rel=1e-8)
    assert result.p == max(result.p_uniform, result.p_others)


def test_digit_test_of_heaped_digits_against_r() -> None:
    own = _digits([31, 2, 3, 1, 2, 24, 4, 2, 1, 3])  # 55 of 73 digits are 0 or 5
    others = _digits([20, 20, 20, 20, 20, 20, 20, 20, 20, 20])  # 40 of 200
    result = digits.digit_test(own, others)
    assert result is not None
    # R: chisq.test(c(31, 2, 3, 1, 2, 24, 4, 2, 1, 3))
    #    X-squared = 144.12, df = 9, p-value < 2.2e-16
    assert result.chi2 == pytest.approx(144.12, abs=5e-3)
    assert result.p_uniform < 2.2e-16
    # R: m <- matrix(c(55, 40, 18, 160), nrow = 2); fisher.test(m, alternative = "greater")
    #    $p.value [1] 5.882198904e-17
    assert result.p_others == pytest.approx(5.882198904e-17, rel=1e-6)


def test_digit_test_needs_enough_digits() -> None:
    assert digits.digit_test(_digits([5] * 10), _digits([5] * 10)) is not None
    assert digits.digit_test(_digits([5] * 9 + [4]), _digits([9] * 10)) is None  # 49 digits
    assert digits.digit_test(_digits([9] * 10), _digits([5] * 9 + [4])) is None


# --- interview spread ---------------------------------------------------------------------

# Three enumerators, four questions; C's last eight interviews are near copies.
Q1 = [50, 53, 47, NA, 45, 40, 51, 63, 45, 44, 55, 54, 51, 41, 50, 57, 37, 45, 31, 37, 32, 48,
      37, 53, 52, 48, 50, 50, 49, 50, 46, 48, 51, 46]  # fmt: skip
Q2 = [380, 240, 300, 370, 250, NA, 310, 310, 200, 310, 410, 180, 370, 310, 250, 460, 360, 200,
      310, 350, 280, 350, 290, 350, 420, 250, 290, 290, 300, 300, 290, 310, 310, 300]  # fmt: skip
Q3 = [5, 2, 1, 4, 1, NA, 3, 5, 1, 4, 3, 1, 5, 5, 3, 5, 4, 5, 5, 3, 2, 1, 3, 1, 4, 5, 2, 3, 1, 1,
      2, 5, 5, 4]  # fmt: skip
Q4 = [14, 20, 18, 26, 23, 20, 23, 18, 25, 20, 23, 14, 22, 12, 10, 18, 16, 21, 31, 16, 17, 21,
      22, 19, 19, 24, 20, 20, 20, 20, 20, 20, 20, 20]  # fmt: skip
WHO = np.array(["A"] * 12 + ["B"] * 12 + ["C"] * 10, dtype=object)


def _spreads() -> np.ndarray:
    columns = {
        name: np.array(q, dtype=float) for name, q in zip("abcd", (Q1, Q2, Q3, Q4), strict=True)
    }
    return spread.interview_spread(columns, WHO)


def test_interview_spread_against_r() -> None:
    # R (the statistic written out):
    #   scaled <- sapply(list(q1, q2, q3, q4), function(y) {
    #     d <- abs(y - ave(y, e, FUN = function(x) median(x, na.rm = TRUE)))
    #     d / mean(d, na.rm = TRUE) })
    #   answered <- rowSums(!is.na(scaled))
    #   spread <- ifelse(answered >= 3, rowMeans(scaled, na.rm = TRUE), NA); round(spread, 6)
    expected = [1.350058, 0.741867, 0.772228, 1.478710, 1.260406, NA, 0.341335, 1.230161,
                1.742049, 0.492708, 1.124508, 1.902462, 1.256337, 1.121351, 1.735165,
                1.795170, 0.815596, 1.369602, 2.216521, 0.757904, 1.275535, 1.073008,
                0.969879, 1.137638, 1.009472, 1.027169, 0.358474, 0.175140, 0.484115,
                0.484115, 0.513161, 0.410036, 0.410036, 0.272135]  # fmt: skip
    np.testing.assert_allclose(_spreads(), expected, atol=5e-7)


def test_spread_test_against_r() -> None:
    spreads = _spreads()
    copier = spread.spread_test(spreads[WHO == "C"], spreads[WHO != "C"])
    assert copier is not None
    # R: t.test(spread[e == "C"], spread[e != "C"], alternative = "less")
    #    t = -5.3300255, df = 26.865298, p-value = 6.37728e-06
    #    mean of x 0.5143851981, mean of y 1.2156608941
    assert copier.t == pytest.approx(-5.3300255, abs=5e-7)
    assert copier.df == pytest.approx(26.865298, abs=5e-6)
    assert copier.p == pytest.approx(6.37728e-06, rel=1e-5)
    assert (copier.interviews, copier.others_interviews) == (10, 23)  # one interview: NaN
    assert copier.ratio == pytest.approx(0.5143851981 / 1.2156608941, rel=1e-9)
    usual = spread.spread_test(spreads[WHO == "A"], spreads[WHO != "A"])
    assert usual is not None
    # R: t.test(spread[e == "A"], spread[e != "A"], alternative = "less")
    #    t = 1.0125321, df = 21.584362, p-value = 0.8387498
    assert usual.t == pytest.approx(1.0125321, abs=5e-7)
    assert usual.p == pytest.approx(0.8387498, abs=5e-7)


def test_spread_test_needs_ten_interviews_a_side() -> None:
    assert spread.spread_test(np.linspace(0.5, 1.5, 9), np.linspace(0, 2, 30)) is None
    assert spread.spread_test(np.linspace(0.5, 1.5, 10), np.linspace(0, 2, 30)) is not None


# --- enumerator ICC -----------------------------------------------------------------------

Y = np.array([12, 15, 11, 14, 13, 20, 22, 19, 25, 21, 23, 9, 10, 12, 8, 11, 14, 13], dtype=float)
E = np.array(["A"] * 5 + ["B"] * 6 + ["C"] * 7, dtype=object)


def _villages(numbers: str) -> np.ndarray:
    return np.array([f"V{n}" for n in numbers.split(" ")], dtype=object)


def test_icc1_against_r() -> None:
    # R: a <- anova(lm(y ~ e)); F value 48.723, Pr(>F) 2.745e-07 on (2, 15) df
    #    n0 <- (N - sum(n^2) / N) / (k - 1)
    #    (msb - msw) / (msb + (n0 - 1) * msw)   [1] 0.8892352008
    result = icc1(Y, E)
    assert result is not None
    assert result.icc == pytest.approx(0.8892352008, abs=1e-9)
    assert result.f == pytest.approx(48.72282609, abs=1e-7)
    assert (result.df1, result.df2) == (2, 15)
    assert result.p == pytest.approx(2.745455669e-07, rel=1e-8)


def test_enumerator_effect_within_shared_villages_against_r() -> None:
    v = _villages("1 1 2 2 3 1 1 2 3 3 3 1 2 2 3 3 1 2")
    effect = enumerator_effect(Y, E, v)
    assert effect is not None
    assert effect.design == "crossed"
    # R: anova(lm(y ~ v + e))
    #    e  2 358.42 179.212 38.4603 3.472e-06; Residuals 13
    assert effect.f == pytest.approx(38.46028915, abs=1e-7)
    assert (effect.df1, effect.df2) == (2, 13)
    assert effect.p == pytest.approx(3.471744026e-06, rel=1e-8)
    # R: the village ICC(1) written out as for e    [1] -0.04713641097
    assert effect.village is not None
    assert effect.village.icc == pytest.approx(-0.04713641097, abs=1e-10)
    assert effect.means == {"A": 13.0, "B": 130 / 6, "C": 77 / 7}


def test_enumerator_effect_beyond_nested_villages_against_r() -> None:
    v = _villages("1 1 2 2 2 3 3 3 4 4 4 5 5 6 6 7 7 7")
    effect = enumerator_effect(Y, E, v)
    assert effect is not None
    assert effect.design == "nested"
    # R: summary(aov(y ~ e + Error(vn)))
    #    Error: vn   e 2 398.4 199.22 30.26 0.00384; Residuals 4 26.3 6.58
    assert effect.f == pytest.approx(30.26160338, abs=1e-7)
    assert (effect.df1, effect.df2) == (2, 4)
    assert effect.p == pytest.approx(0.003843156729, rel=1e-8)
    assert effect.enumerator.icc == pytest.approx(0.8892352008, abs=1e-9)


def test_one_village_per_enumerator_tests_nothing() -> None:
    v = np.array(["V1"] * 5 + ["V2"] * 6 + ["V3"] * 7, dtype=object)
    effect = enumerator_effect(Y, E, v)
    assert effect is not None
    assert effect.design == "confounded"
    assert math.isnan(effect.p)


def test_enumerators_with_too_few_answers_are_left_out() -> None:
    who = E.copy()
    who[:4] = "D"  # D has 4 answers, A one: both out; B and C stay
    effect = enumerator_effect(Y, who)
    assert effect is not None
    assert set(effect.means) == {"B", "C"}
    assert effect.n == 13
    assert enumerator_effect(Y[:6], E[:6]) is None  # A alone has five answers
