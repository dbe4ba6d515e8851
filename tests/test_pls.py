"""The PLS path model against R seminr's published fixtures for the ECSI ``mobi`` data.

seminr's tests estimate, on ``mobi`` (250 respondents, tests/data/mobi.csv)::

    mobi_mm <- constructs(
      composite("Image",        multi_items("IMAG", 1:5), weights = mode_A),
      composite("Expectation",  multi_items("CUEX", 1:3), weights = mode_A),
      composite("Value",        multi_items("PERV", 1:2), weights = mode_A),
      composite("Satisfaction", multi_items("CUSA", 1:3), weights = mode_A))
    mobi_sm <- relationships(paths(to = "Satisfaction",
                                   from = c("Image", "Expectation", "Value")))
    model <- estimate_pls(mobi, mobi_mm, mobi_sm, inner_weights = path_weighting)
    boot <- bootstrap_model(model, nboot = 500, cores = 2, seed = 123)

and keep the results in ``tests/fixtures/V_3_6_0/`` of the seminr repository.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from villagesurvey.analysis import pls_path_model
from villagesurvey.errors import AnalysisError

from .conftest import ROOT

MOBI = pd.read_csv(ROOT / "tests" / "data" / "mobi.csv")
BLOCKS = {
    "Image": [f"IMAG{i}" for i in range(1, 6)],
    "Expectation": ["CUEX1", "CUEX2", "CUEX3"],
    "Value": ["PERV1", "PERV2"],
    "Satisfaction": ["CUSA1", "CUSA2", "CUSA3"],
}
PATHS = [("Image", "Satisfaction"), ("Expectation", "Satisfaction"), ("Value", "Satisfaction")]

# seminr tests/fixtures/V_3_6_0/boot_report_paths.csv ("Original Est.", "Bootstrap SD",
# "2.5% CI", "97.5% CI"; bootstrap_model(nboot = 500, seed = 123)).
SEMINR_PATHS = {
    "Image": (0.447003896753384, 0.0569259275804892, 0.329979162176453, 0.556764224609957),
    "Expectation": (0.171830104491587, 0.0619900261088522, 0.0546416559521134, 0.283964288192345),
    "Value": (0.316425319256027, 0.0717381375043804, 0.174920077851846, 0.438022907321881),
}
SEMINR_RESAMPLES = 500


@pytest.fixture(scope="module")
def model():
    return pls_path_model(MOBI, BLOCKS, PATHS)


@pytest.fixture(scope="module")
def booted():
    return pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=300, seed=2024)


def test_path_coefficients_match_seminr(model):
    coefficients = dict(zip(model.paths["source"], model.paths["coefficient"], strict=True))
    for source, (expected, *_) in SEMINR_PATHS.items():
        assert coefficients[source] == pytest.approx(expected, abs=1e-6), source
    assert list(model.paths["target"]) == ["Satisfaction"] * 3


def test_r_squared_matches_seminr(model):
    # seminr tests/fixtures/V_3_6_0/rsquared1.csv: Rsq 0.590603320426892,
    # AdjRsq 0.585610677993074
    row = model.r2.set_index("construct").loc["Satisfaction"]
    assert row["r2"] == pytest.approx(0.590603320426892, abs=1e-6)
    assert row["r2_adj"] == pytest.approx(0.585610677993074, abs=1e-6)


def test_construct_correlations_match_seminr(model):
    # seminr tests/fixtures/V_3_6_0/fl_table.csv, below the diagonal: the correlations of the
    # construct scores (summary(model)$validity$fl_criteria)
    expected = {
        ("Expectation", "Image"): 0.505728413396833,
        ("Value", "Image"): 0.510787425945094,
        ("Value", "Expectation"): 0.358245251153116,
        ("Satisfaction", "Image"): 0.695529337198367,
        ("Satisfaction", "Expectation"): 0.511250543946958,
        ("Satisfaction", "Value"): 0.606306608005369,
    }
    for (a, b), value in expected.items():
        assert model.correlations.loc[a, b] == pytest.approx(value, abs=1e-6), (a, b)


def test_the_estimation_converges_and_uses_every_respondent(model):
    assert model.converged
    assert 1 <= model.iterations < 300
    assert (model.n, model.n_dropped) == (250, 0)
    assert model.scores.shape == (250, 4)
    # Mode A weights make each construct score standardized
    assert np.allclose(model.scores.std(ddof=1), 1)
    assert np.all(np.isnan(model.paths[["se", "p", "ci_low"]].to_numpy()))


def test_bootstrap_agrees_with_seminr_within_monte_carlo_error(booted):
    # Reference: seminr's bootstrap of the same model (500 resamples, fixture above). Both
    # bootstraps are random: the tolerance is four standard errors of the Monte Carlo
    # difference. An SD estimated from B resamples has a standard error of about
    # SD / sqrt(2 (B - 1)); a 2.5% or 97.5% percentile one of about
    # sqrt(0.025 * 0.975 / B) / density, the density of a normal with that SD at the tail.
    assert booted.bootstrap_used == 300
    table = booted.paths.set_index("source")
    for source, (estimate, sd, low, high) in SEMINR_PATHS.items():
        row = table.loc[source]
        assert row["coefficient"] == pytest.approx(estimate, abs=1e-6)
        sd_error = sd * math.sqrt(1 / (2 * 299) + 1 / (2 * (SEMINR_RESAMPLES - 1)))
        assert abs(row["se"] - sd) < 4 * sd_error, source
        density = math.exp(-(1.96**2) / 2) / (math.sqrt(2 * math.pi) * sd)
        quantile_error = math.sqrt(0.025 * 0.975 * (1 / 300 + 1 / SEMINR_RESAMPLES)) / density
        assert abs(row["ci_low"] - low) < 4 * quantile_error, source
        assert abs(row["ci_high"] - high) < 4 * quantile_error, source
        assert row["t"] == pytest.approx(estimate / row["se"])
        assert row["p"] < 0.05  # every path of seminr's fixture has p = 0 by the bootstrap


def test_bootstrap_is_reproducible_with_a_seed(booted):
    again = pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=300, seed=2024)
    pd.testing.assert_frame_equal(again.paths, booted.paths)
    other = pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=300, seed=2025)
    assert not np.allclose(other.paths["se"], booted.paths["se"])
    assert booted.seed == 2024


def test_bootstrap_reports_progress_until_done():
    calls = []
    pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=260, seed=1, progress=lambda *a: calls.append(a))
    assert calls[-1] == (260, 260)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_a_construct_outside_every_path_gets_its_first_principal_component():
    # Mode A with its own score as the inner proxy is the power method: the weights settle on
    # the first eigenvector of the items' correlation matrix (numpy's eigh as the reference).
    alone = pls_path_model(MOBI, {"Image": BLOCKS["Image"]}, [])
    values, vectors = np.linalg.eigh(MOBI[BLOCKS["Image"]].corr().to_numpy())
    first = vectors[:, -1] * np.sign(vectors[:, -1].sum())
    loadings = alone.outer["loading"].to_numpy()
    assert loadings == pytest.approx(first * math.sqrt(values[-1]), abs=1e-6)
    assert alone.paths.empty
    assert alone.r2.empty


def test_listwise_deletion_counts_the_respondents_left_out(model):
    data = MOBI.copy()
    data.loc[[3, 10, 11], "CUEX2"] = np.nan
    data.loc[[10, 20], "IMAG1"] = np.nan
    fitted = pls_path_model(data, BLOCKS, PATHS)
    assert (fitted.n, fitted.n_dropped) == (246, 4)
    direct = pls_path_model(MOBI.drop(index=[3, 10, 11, 20]), BLOCKS, PATHS)
    assert fitted.paths["coefficient"].tolist() == pytest.approx(
        direct.paths["coefficient"].tolist()
    )


@pytest.mark.parametrize(
    ("blocks", "paths", "message"),
    [
        ({**BLOCKS, "Image": ["IMAG1", "NOPE"]}, PATHS, "missing column NOPE"),
        (BLOCKS, [*PATHS, ("Satisfaction", "Image")], "make a loop"),
        (BLOCKS, [("Image", "Image")], "points at itself"),
        (BLOCKS, [("Image", "Loyalty")], "'Loyalty', which has no indicators"),
        ({**BLOCKS, "Value": ["PERV1", "IMAG1"]}, PATHS, "belongs to two constructs"),
    ],
)
def test_a_model_that_cannot_be_estimated_is_refused(blocks, paths, message):
    with pytest.raises(AnalysisError, match=message):
        pls_path_model(MOBI, blocks, paths)


def test_an_indicator_without_variation_is_named():
    data = MOBI.assign(CUEX3=5)
    with pytest.raises(AnalysisError, match="CUEX3: every respondent gave the same answer"):
        pls_path_model(data, BLOCKS, PATHS)


def test_too_few_complete_rows_are_refused():
    with pytest.raises(AnalysisError, match="only 2 respondent"):
        pls_path_model(MOBI.head(2), BLOCKS, PATHS)


def test_text_columns_are_refused():
    with pytest.raises(AnalysisError, match="must hold numbers"):
        pls_path_model(MOBI.astype({"PERV1": str}), BLOCKS, PATHS)
