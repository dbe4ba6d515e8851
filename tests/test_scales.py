"""Reliability and validity of scales, pinned to R seminr, R psych and SPSS.

- seminr: its fixtures for the ECSI ``mobi`` data (tests/data/mobi.csv), model as in
  tests/test_pls.py; ``summary(model)$reliability`` is tests/fixtures/V_3_6_0/reliability.csv,
  ``HTMT`` the "PLS Est." columns of boot_HTMT.csv, the Fornell-Larcker table fl_table.csv,
  the HTMT bootstrap boot_report_htmt.csv.
- R psych through pingouin's documentation (``pingouin.cronbach_alpha``, "tested against R
  psych"): its ``cronbach_alpha`` and ``cronbach_wide_missing`` data sets.
- SPSS: the item analysis printed in Denis, D. J. (2021). Applied Univariate, Bivariate, and
  Multivariate Statistics (2nd ed.), Wiley, chapter 1 (Cronbach's alpha), data inline below.
"""

from __future__ import annotations

import dataclasses
import math
from textwrap import dedent

import numpy as np
import pandas as pd
import pytest

from villagesurvey import parse_instrument
from villagesurvey.analysis import (
    average_variance_extracted,
    composite_reliability,
    cronbach_alpha,
    htmt,
    htmt_bootstrap,
    item_total,
    measure_scales,
)
from villagesurvey.analysis._scale_notes import htmt_interval_notes
from villagesurvey.errors import AnalysisError, OptionError

from .conftest import ROOT
from .test_pls import BLOCKS, MOBI, R_CLUSTER, clustered_data, within_monte_carlo_error

DATA = ROOT / "tests" / "data"

# seminr tests/fixtures/V_3_6_0/reliability.csv: alpha, rhoC, AVE, rhoA
SEMINR_RELIABILITY = {
    "Image": (0.722834595427083, 0.818325774056256, 0.477979834838268, 0.745291554480322),
    "Expectation": (0.451902555978063, 0.733177801505283, 0.480507046633952, 0.461657986928213),
    "Value": (0.823631979352573, 0.917897281748515, 0.84831067540365, 0.857527048393235),
    "Satisfaction": (0.779195021918597, 0.871457927643628, 0.693363990925202, 0.784023593590752),
}
# seminr tests/fixtures/V_3_6_0/boot_HTMT.csv, "PLS Est." columns
SEMINR_HTMT = {
    ("Image", "Expectation"): 0.88803042750925,
    ("Image", "Value"): 0.651659392487802,
    ("Image", "Satisfaction"): 0.910100923782741,
    ("Expectation", "Value"): 0.588628982316289,
    ("Expectation", "Satisfaction"): 0.865108193553153,
    ("Value", "Satisfaction"): 0.740808927759395,
}
# seminr tests/fixtures/V_3_6_0/fl_table.csv, the diagonal: sqrt(AVE)
SEMINR_SQRT_AVE = {
    "Image": 0.691360857178267,
    "Expectation": 0.693186155829696,
    "Value": 0.921037825175302,
    "Satisfaction": 0.832684808871402,
}

# Denis (2021), SPSS RELIABILITY of five items for ten people
DENIS = pd.DataFrame(
    [
        [10, 12, 15, 11, 12], [12, 18, 12, 12, 1], [8, 16, 14, 14, 4], [6, 8, 16, 8, 6],
        [4, 7, 8, 7, 5], [6, 6, 3, 7, 3], [3, 4, 6, 5, 8], [7, 3, 7, 9, 9],
        [8, 9, 4, 10, 10], [9, 5, 6, 11, 12],
    ],
    columns=[f"Item_{i}" for i in range(1, 6)],
)  # fmt: skip


def _mobi_instrument(reverse: str = "", model: bool = True) -> str:
    """The seminr model of mobi as an instrument: four scales of 1-10 items, one path model."""
    items = []
    for scale, codes in BLOCKS.items():
        for code in codes:
            flag = ", reverse: true" if code == reverse else ""
            items.append(
                f"      - {{code: {code}, type: likert, scale: {scale}, label: {code}{flag}}}"
            )
    paths = "\n".join(
        f"    - {{from: {s}, to: Satisfaction}}" for s in BLOCKS if s != "Satisfaction"
    )
    scales = "\n".join(f"  {s}: {{label: {s}, choices: ten}}" for s in BLOCKS)
    text = dedent(
        """\
        id: mobi
        version: "1"
        title: ECSI mobile phone customers
        languages: [en]
        key: [id]
        choices:
          ten:
        {codes}
        scales:
        {scales}
        sections:
          - code: main
            label: Main
            questions:
              - {{code: id, type: text, required: true, label: Respondent}}
        {items}
        """
    ).format(
        codes="\n".join(f"    - {{code: {i}, en: '{i}'}}" for i in range(1, 11)),
        scales=scales,
        items="\n".join(items),
    )
    if model:
        text += f"model:\n  paths:\n{paths}\n"
    return text


@pytest.fixture(scope="module")
def mobi():
    return measure_scales(parse_instrument(_mobi_instrument()), MOBI)


def test_reliability_matches_seminr(mobi):
    table = mobi.constructs.set_index("construct")
    for name, (alpha, rho_c, ave, rho_a) in SEMINR_RELIABILITY.items():
        row = table.loc[name]
        assert row["alpha_std"] == pytest.approx(alpha, abs=1e-6), name
        assert row["rho_c"] == pytest.approx(rho_c, abs=1e-6), name
        assert row["ave"] == pytest.approx(ave, abs=1e-6), name
        assert row["rho_a"] == pytest.approx(rho_a, abs=1e-6), name
        assert (row["n"], row["n_dropped"], row["in_model"]) == (250, 0, True)


def test_htmt_matches_seminr(mobi):
    for (a, b), value in SEMINR_HTMT.items():
        assert mobi.htmt.loc[a, b] == pytest.approx(value, abs=1e-6), (a, b)
        assert mobi.htmt.loc[b, a] == mobi.htmt.loc[a, b]
    assert np.isnan(np.diag(mobi.htmt.to_numpy())).all()
    # and the function on its own
    direct = htmt(MOBI, BLOCKS)
    assert direct.loc["Image", "Satisfaction"] == pytest.approx(0.910100923782741, abs=1e-6)


def test_fornell_larcker_diagonal_matches_seminr(mobi):
    for name, value in SEMINR_SQRT_AVE.items():
        assert mobi.fornell_larcker.loc[name, name] == pytest.approx(value, abs=1e-6)
    # below the diagonal: seminr fl_table.csv
    assert mobi.fornell_larcker.loc["Satisfaction", "Image"] == pytest.approx(
        0.695529337198367, abs=1e-6
    )


def test_mobi_warnings_name_what_fails(mobi):
    codes = {(n.code, n.values.get("construct"), n.values.get("a")) for n in mobi.notes}
    # Expectation: seminr alpha 0.452, AVE 0.481; Image AVE 0.478
    assert ("scale_low_alpha", "Expectation", None) in codes
    assert ("scale_low_ave", "Image", None) in codes
    assert ("scale_low_ave", "Expectation", None) in codes
    # seminr HTMT Image-Satisfaction 0.910: at or above 0.90
    assert ("htmt_high", None, "Image") in codes
    # seminr HTMT Expectation-Satisfaction 0.865: between 0.85 and 0.90
    assert ("htmt_borderline", None, "Expectation") in codes
    # 250 respondents: fewer than the 155 the sample-size warning asks for is not the case
    assert "pls_small_sample" not in {n.code for n in mobi.notes}
    assert all(str(n) for n in mobi.notes)


def test_a_reverse_item_is_reversed_before_use(mobi):
    # CUSA2 stored reversed (11 - x on the 1-10 scale) and declared reverse: true gives
    # seminr's numbers again.
    flipped = MOBI.assign(CUSA2=11 - MOBI["CUSA2"])
    again = measure_scales(parse_instrument(_mobi_instrument(reverse="CUSA2")), flipped)
    row = again.constructs.set_index("construct").loc["Satisfaction"]
    assert row["alpha_std"] == pytest.approx(SEMINR_RELIABILITY["Satisfaction"][0], abs=1e-6)
    assert row["rho_a"] == pytest.approx(SEMINR_RELIABILITY["Satisfaction"][3], abs=1e-6)
    assert again.items.set_index("item").loc["CUSA2", "reversed"]
    # Undeclared, the stored item goes against the others and the report says so.
    wrong = measure_scales(parse_instrument(_mobi_instrument()), flipped)
    assert "item_negative" in {n.code for n in wrong.notes if n.values.get("item") == "CUSA2"}


def test_alpha_matches_r_psych():
    # pingouin docs: pg.cronbach_alpha(data, items="Items", scores="Scores", subject="Subj")
    # -> (0.5917188485995826, array([0.195, 0.84 ])), checked against R psych::alpha.
    long = pd.read_csv(DATA / "pingouin_cronbach_alpha.csv")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    alpha = cronbach_alpha(wide)
    assert alpha.alpha == pytest.approx(0.5917188485995826, abs=1e-12)
    assert (round(alpha.ci_low, 3), round(alpha.ci_high, 3)) == (0.195, 0.840)
    assert (alpha.n, alpha.k) == (15, 10)


def test_alpha_and_its_interval_agree_with_pingouin_live():
    # pingouin.cronbach_alpha (raw alpha, Feldt's interval rounded to 3 decimals), run here on
    # each of mobi's four scales
    import pingouin

    for construct, items in BLOCKS.items():
        ours = cronbach_alpha(MOBI[items])
        alpha, interval = pingouin.cronbach_alpha(MOBI[items])
        assert ours.alpha == pytest.approx(alpha, abs=1e-12), construct
        assert abs(ours.ci_low - interval[0]) <= 0.0005 + 1e-12, construct
        assert abs(ours.ci_high - interval[1]) <= 0.0005 + 1e-12, construct


def test_item_statistics_match_spss():
    # Denis (2021), SPSS "Reliability Statistics": alpha 0.633, standardized 0.691;
    # "Item-Total Statistics": corrected item-total correlation and alpha if item deleted.
    alpha = cronbach_alpha(DENIS)
    assert (round(alpha.alpha, 3), round(alpha.std_alpha, 3)) == (0.633, 0.691)
    items = item_total(DENIS)
    assert items["item_total_r"].round(3).tolist() == [0.712, 0.558, 0.512, 0.796, -0.228]
    assert items["alpha_if_deleted"].round(3).tolist() == [0.478, 0.476, 0.507, 0.445, 0.824]
    assert items["mean"].tolist() == [7.3, 8.8, 9.1, 9.4, 7.0]
    assert items["sd"].round(5).tolist() == [2.71006, 5.05085, 4.74810, 2.71621, 3.80058]
    # SPSS after dropping Item_5: alpha 0.824, standardized 0.863
    without = cronbach_alpha(DENIS.drop(columns="Item_5"))
    assert (round(without.alpha, 3), round(without.std_alpha, 3)) == (0.824, 0.863)


def _binary_instrument(items: list[str]) -> str:
    questions = "\n".join(
        f"      - {{code: {c}, type: likert, scale: quiz, label: {c}}}" for c in items
    )
    return (
        dedent(
            """\
        id: quiz
        version: "1"
        title: Quiz
        languages: [en]
        key: [id]
        choices:
          right:
            - {code: 0, en: Wrong}
            - {code: 1, en: Right}
        scales:
          quiz: {label: Quiz, choices: right}
        sections:
          - code: main
            label: Main
            questions:
              - {code: id, type: text, required: true, label: Respondent}
        """
        )
        + questions
        + "\n"
    )


def test_blank_answers_drop_the_respondent_from_that_scale():
    # pingouin docs: pg.cronbach_alpha(data, nan_policy="listwise") -> 0.8016949152542373,
    # "In R: psych:alpha(data, use='complete.obs')".
    data = pd.read_csv(DATA / "pingouin_cronbach_wide_missing.csv", encoding="utf-8-sig")
    instrument = parse_instrument(_binary_instrument(list(data.columns)))
    measured = measure_scales(instrument, data)
    row = measured.constructs.iloc[0]
    assert row["alpha_raw"] == pytest.approx(0.8016949152542373, abs=1e-12)
    assert (row["n"], row["n_dropped"]) == (9, 3)
    assert measured.model is None
    assert measured.paths.empty
    left_out = [n for n in measured.notes if n.code == "scale_left_out"]
    assert left_out[0].values == {"construct": "quiz", "dropped": 3}


def test_item_warnings_follow_spss():
    # Denis (2021): Item_5 correlates -0.228 with the other items, and alpha rises from
    # 0.633 to 0.824 without it.
    codes = [f"Item_{i}" for i in range(1, 6)]
    text = _binary_instrument(codes).replace(
        "- {code: 0, en: Wrong}\n    - {code: 1, en: Right}",
        "\n    ".join(f"- {{code: {i}, en: '{i}'}}" for i in range(1, 19)),
    )
    measured = measure_scales(parse_instrument(text), DENIS)
    notes = {(n.code, n.values.get("item")): n for n in measured.notes}
    assert notes[("item_negative", "Item_5")].values["value"] == pytest.approx(-0.228, abs=5e-4)
    rises = notes[("item_raises_alpha", "Item_5")].values
    assert (round(rises["alpha"], 3), round(rises["value"], 3)) == (0.633, 0.824)
    assert ("scale_low_alpha", None) in notes  # standardized alpha 0.691 < 0.70
    assert "SPSS" not in str(notes[("item_negative", "Item_5")])  # plain words


def test_rho_c_and_ave_follow_their_definitions():
    # Fornell & Larcker (1981): AVE = mean(l^2); rho_C = (sum l)^2 / ((sum l)^2 + sum(1-l^2)).
    # Worked example: loadings 0.7, 0.8, 0.9 -> AVE = (0.49 + 0.64 + 0.81) / 3 = 0.646667,
    # rho_C = 5.76 / (5.76 + 1.06) = 0.844575.
    assert average_variance_extracted([0.7, 0.8, 0.9]) == pytest.approx(0.646667, abs=1e-6)
    assert composite_reliability([0.7, 0.8, 0.9]) == pytest.approx(0.844575, abs=1e-6)


GROWTH = dedent(
    """\
    id: growth
    version: "1"
    title: Growth
    languages: [en]
    waves: [2020, 2022]
    key: [id]
    choices:
      agree:
        - {code: 1, en: 'No'}
        - {code: 2, en: Maybe}
        - {code: 3, en: 'Yes'}
    scales:
      view: {label: View, choices: agree}
    sections:
      - code: main
        label: Main
        questions:
          - {code: id, type: text, required: true, label: Respondent}
          - {code: income, type: decimal, waves: [2020, 2022], label: Income}
          - {code: view_1, type: likert, scale: view, label: One}
          - {code: view_2, type: likert, scale: view, label: Two}
    model:
      constructs:
        grew: {label: Income growth, growth: income}
      paths:
        - {from: view, to: grew}
    """
)


def test_growth_is_the_log_ratio_and_undefined_below_zero():
    data = pd.DataFrame(
        {
            "id": ["a", "b", "c", "d", "e", "f"],
            "income_2020": ["100", "200", "0", "400", "500", "300"],
            "income_2022": ["150", "180", "50", "800", "600", "450"],
            "view_1": [1, 2, 3, 3, 2, 3],
            "view_2": [1, 3, 3, 2, 2, 3],
        }
    )
    measured = measure_scales(parse_instrument(GROWTH), data)
    row = measured.items.set_index("construct").loc["grew"]
    expected = [math.log(150 / 100), math.log(180 / 200), math.log(800 / 400)]
    expected += [math.log(600 / 500), math.log(450 / 300)]
    assert row["mean"] == pytest.approx(np.mean(expected))
    assert row["item"] == "growth:income"
    assert measured.model is not None
    assert measured.model.n == 5
    undefined = [n for n in measured.notes if n.code == "growth_undefined"]
    assert undefined[0].values == {"construct": "grew", "count": 1}


def test_an_instrument_without_scales_is_refused(small):
    with pytest.raises(AnalysisError, match="declares no scales"):
        measure_scales(dataclasses.replace(small, scales={}), pd.DataFrame())


def test_text_in_an_item_is_located():
    instrument = parse_instrument(_binary_instrument(["q1", "q2"]))
    data = pd.DataFrame({"q1": ["1", "0", "x"], "q2": ["1", "1", "0"]})
    with pytest.raises(AnalysisError, match=r"column q1, row 4: 'x' is not a number"):
        measure_scales(instrument, data, source="clean.csv")


# seminr tests/fixtures/V_3_6_0/boot_report_htmt.csv (summary(bootstrap_model(model,
# nboot = 500, seed = 123))$bootstrapped_HTMT): "Bootstrap SD", "2.5% CI", "97.5% CI"
SEMINR_BOOT_HTMT = {
    ("Image", "Expectation"): (0.104358945220271, 0.71614999993462, 1.12115196099408),
    ("Image", "Value"): (0.0701022147560394, 0.502793794265395, 0.782724775662622),
    ("Image", "Satisfaction"): (0.0348292315180538, 0.84384466053941, 0.981660013666325),
    ("Expectation", "Value"): (0.118754444897233, 0.380678333468043, 0.839796564761663),
    ("Expectation", "Satisfaction"): (0.0955774496723796, 0.702993738546453, 1.0830568786467),
    ("Value", "Satisfaction"): (0.0746714861275302, 0.585351069227359, 0.874727270726421),
}


def test_htmt_bootstrap_agrees_with_seminr_within_monte_carlo_error():
    # Both bootstraps are random: four standard errors of the Monte Carlo difference, as
    # tests/test_pls.py does for the paths (an SD from B resamples has an SE of about
    # SD / sqrt(2 (B - 1)); a 2.5% percentile sqrt(0.025 * 0.975 / B) / density).
    table = htmt_bootstrap(MOBI, BLOCKS, 1000, seed=17).set_index(["a", "b"])
    assert list(table.index) == list(SEMINR_BOOT_HTMT)
    for pair, (sd, low, high) in SEMINR_BOOT_HTMT.items():
        row = table.loc[pair]
        assert row["htmt"] == pytest.approx(SEMINR_HTMT[pair], abs=1e-9)
        sd_error = sd * math.sqrt(1 / (2 * 999) + 1 / (2 * 499))
        density = math.exp(-(1.96**2) / 2) / (math.sqrt(2 * math.pi) * sd)
        quantile_error = math.sqrt(0.025 * 0.975 * (1 / 1000 + 1 / 500)) / density
        assert abs(row["se"] - sd) < 4 * sd_error, pair
        assert abs(row["ci_low"] - low) < 4 * quantile_error, pair
        assert abs(row["ci_high"] - high) < 4 * quantile_error, pair
        assert row["used"] == 1000


def test_htmt_bootstrap_resamples_villages_as_r_does():
    # Two single items: HTMT is |r|, whose cluster bootstrap R gives (tests/test_pls.py).
    data = clustered_data()
    table = htmt_bootstrap(
        data, {"X": ["x"], "Y": ["y"]}, 2000, seed=4, clusters=data["village"]
    ).iloc[0]
    assert table["htmt"] == pytest.approx(0.6746600923, abs=1e-9)
    assert within_monte_carlo_error(table["se"], table["ci_low"], table["ci_high"], R_CLUSTER, 2000)


def test_the_htmt_upper_bound_is_read_against_the_thresholds():
    intervals = pd.DataFrame(
        {
            "a": ["A", "A", "B", "C"],
            "b": ["B", "C", "C", "D"],
            "htmt": [0.70, 0.60, 0.50, 0.88],
            "ci_high": [0.87, 0.93, 0.80, 0.95],
        }
    )
    notes = htmt_interval_notes(intervals, 0.95)
    found = {(n.values["a"], n.values["b"]): n.values["threshold"] for n in notes}
    # below 0.85 with an upper bound from 0.85: not established, against 0.85 or 0.90; the
    # pair whose HTMT is itself 0.88 has its own note (htmt_borderline)
    assert found == {("A", "B"): 0.85, ("A", "C"): 0.90}
    assert "reaches 0.93" in str(notes[1])


def test_a_key_of_one_column_resamples_respondents(mobi):
    assert (mobi.bootstrap_unit, mobi.cluster, mobi.clusters) == ("respondent", None, None)
    assert mobi.htmt_intervals["se"].isna().all()  # no bootstrap asked for
    with pytest.raises(OptionError, match="no cluster column"):
        measure_scales(parse_instrument(_mobi_instrument()), MOBI, bootstrap_unit="cluster")
    with pytest.raises(OptionError, match="--bootstrap-unit village"):
        measure_scales(parse_instrument(_mobi_instrument()), MOBI, bootstrap_unit="village")
