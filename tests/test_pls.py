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


# Consistent PLS. seminr tests/testthat/test-consistent.R estimates the same model with
# reflective() constructs (which runs PLSc) and the factorial inner weighting scheme:
#     mobi_mm <- constructs(reflective("Image", multi_items("IMAG", 1:5)), ...)
#     seminr_model <- estimate_pls(mobi, mobi_mm, mobi_sm, inner_weights = path_factorial)
# and keeps rho_A in tests/fixtures/V_3_6_0/rho1.csv, the PLSc path coefficients in
# path_coef1.csv, R² in rsquaredplsc.csv and the PLSc loadings in loadings1.csv.
SEMINR_RHO_A = {
    "Image": 0.745259028158099,
    "Expectation": 0.461548791591939,
    "Value": 0.857578544960532,
    "Satisfaction": 0.782558691647281,
}
SEMINR_PLSC_PATHS = {
    "Image": 0.537704707482867,
    "Expectation": 0.240967661696417,
    "Value": 0.25827986805094,
}
SEMINR_PLSC_LOADINGS = {
    "IMAG1": 0.681330024716575, "IMAG2": 0.521278271799338, "IMAG3": 0.410112763312163,
    "IMAG4": 0.680389608942476, "IMAG5": 0.638496321953613, "CUEX1": 0.494277870827744,
    "CUEX2": 0.487740006832332, "CUEX3": 0.426779732808667, "PERV1": 0.741892556089151,
    "PERV2": 0.943732643413645, "CUSA1": 0.719458946793877, "CUSA2": 0.687819429423528,
    "CUSA3": 0.794919272741098,
}  # fmt: skip


@pytest.fixture(scope="module")
def factorial():
    return pls_path_model(MOBI, BLOCKS, PATHS, inner_weights="factorial")


def test_plsc_rho_a_matches_seminr(factorial):
    for construct, expected in SEMINR_RHO_A.items():
        assert factorial.rho_a[construct] == pytest.approx(expected, abs=1e-6), construct


def test_plsc_paths_and_r_squared_match_seminr(factorial):
    table = factorial.consistent.set_index("source")
    for source, expected in SEMINR_PLSC_PATHS.items():
        assert table.loc[source, "coefficient"] == pytest.approx(expected, abs=1e-6), source
    # rsquaredplsc.csv: Rsq 0.885707115746682, AdjRsq 0.884313300085056
    row = factorial.r2_consistent.set_index("construct").loc["Satisfaction"]
    assert row["r2"] == pytest.approx(0.885707115746682, abs=1e-6)
    assert row["r2_adj"] == pytest.approx(0.884313300085056, abs=1e-6)
    assert factorial.consistent_admissible


def test_plsc_loadings_match_seminr(factorial):
    loadings = factorial.outer.set_index("indicator")["loading_consistent"]
    for item, expected in SEMINR_PLSC_LOADINGS.items():
        assert loadings[item] == pytest.approx(expected, abs=1e-6), item


def test_plsc_corrects_the_correlations_by_rho_a(factorial):
    # Dijkstra & Henseler (2015), eq. 8: r_ij / sqrt(rho_A,i rho_A,j), with seminr's rho_A
    raw, corrected = factorial.correlations, factorial.correlations_consistent
    expected = raw.loc["Image", "Value"] / math.sqrt(SEMINR_RHO_A["Image"] * SEMINR_RHO_A["Value"])
    assert corrected.loc["Image", "Value"] == pytest.approx(expected, abs=1e-6)


def test_plsc_is_bootstrapped_beside_pls(booted):
    assert list(booted.consistent.columns) == list(booted.paths.columns)
    table = booted.consistent.set_index("source")
    for source in SEMINR_PATHS:
        row = table.loc[source]
        assert row["ci_low"] <= row["boot_mean"] <= row["ci_high"]
        assert row["se"] > 0
    # mobi's Expectation has rho_A 0.46: PLSc overshoots in many resamples; they are counted
    assert 0 < booted.bootstrap_inadmissible < booted.bootstrap_used


# The cluster bootstrap. A model of two single-indicator constructs has the Pearson
# correlation as its path, so R's resampling of whole clusters is the reference. The data:
# 12 clusters of 6, shared cluster effects in x and y (deterministic formulas, typed alike
# in R and here):
#     i <- 0:71; g <- i %/% 6
#     u <- 1.5 * sin(1.3 * g + 0.4); v <- 1.5 * cos(2.1 * g)
#     x <- u + sin(7.7 * i); y <- 0.4 * x + 0.8 * u + v + cos(5.3 * i)
#     cor(x, y)                                 # 0.6746600923
#     set.seed(20261206); B <- 20000
#     clus <- replicate(B, {s <- sample(0:11, 12, replace = TRUE)
#       rows <- unlist(lapply(s, function(k) which(g == k))); cor(x[rows], y[rows])})
#     iid <- replicate(B, {rows <- sample(72, 72, replace = TRUE); cor(x[rows], y[rows])})
#     sd(clus); quantile(clus, c(0.025, 0.975))  # 0.092737   0.448814 0.805857
#     sd(iid); quantile(iid, c(0.025, 0.975))    # 0.0576849  0.55074  0.77545
R_CLUSTER = (0.092737, 0.448814, 0.805857)
R_RESPONDENT = (0.0576849, 0.55074, 0.77545)
R_RESAMPLES = 20000


def clustered_data():
    i = np.arange(72)
    g = i // 6
    u, v = 1.5 * np.sin(1.3 * g + 0.4), 1.5 * np.cos(2.1 * g)
    x = u + np.sin(7.7 * i)
    y = 0.4 * x + 0.8 * u + v + np.cos(5.3 * i)
    return pd.DataFrame({"x": x, "y": y, "village": [f"v{k:02d}" for k in g]})


def within_monte_carlo_error(se, low, high, reference, resamples):
    sd, ref_low, ref_high = reference
    sd_error = sd * math.sqrt(1 / (2 * (resamples - 1)) + 1 / (2 * (R_RESAMPLES - 1)))
    density = math.exp(-(1.96**2) / 2) / (math.sqrt(2 * math.pi) * sd)
    quantile_error = math.sqrt(0.025 * 0.975 * (1 / resamples + 1 / R_RESAMPLES)) / density
    return (
        abs(se - sd) < 4 * sd_error
        and abs(low - ref_low) < 4 * quantile_error
        and abs(high - ref_high) < 4 * quantile_error
    )


def test_the_cluster_bootstrap_agrees_with_r_and_the_respondent_one_does_not():
    data = clustered_data()
    blocks, paths = {"X": ["x"], "Y": ["y"]}, [("X", "Y")]
    by_village = pls_path_model(
        data, blocks, paths, bootstrap=2000, seed=11, clusters=data["village"]
    )
    by_respondent = pls_path_model(data, blocks, paths, bootstrap=2000, seed=11)
    assert by_village.paths["coefficient"][0] == pytest.approx(0.6746600923, abs=1e-9)
    assert (by_village.bootstrap_unit, by_village.clusters) == ("cluster", 12)
    assert (by_respondent.bootstrap_unit, by_respondent.clusters) == ("respondent", None)
    village = by_village.paths.iloc[0]
    respondent = by_respondent.paths.iloc[0]
    assert within_monte_carlo_error(
        village["se"], village["ci_low"], village["ci_high"], R_CLUSTER, 2000
    )
    assert within_monte_carlo_error(
        respondent["se"], respondent["ci_low"], respondent["ci_high"], R_RESPONDENT, 2000
    )
    # each bootstrap is far outside the other's reference: the test tells them apart
    assert not within_monte_carlo_error(
        respondent["se"], respondent["ci_low"], respondent["ci_high"], R_CLUSTER, 2000
    )
    # one indicator per construct: PLSc changes nothing
    assert by_village.consistent["coefficient"][0] == pytest.approx(0.6746600923, abs=1e-9)


def test_the_cluster_bootstrap_is_reproducible_and_uses_the_rows_kept():
    data = clustered_data()
    blocks, paths = {"X": ["x"], "Y": ["y"]}, [("X", "Y")]
    first = pls_path_model(data, blocks, paths, bootstrap=300, seed=3, clusters=data["village"])
    again = pls_path_model(data, blocks, paths, bootstrap=300, seed=3, clusters=data["village"])
    pd.testing.assert_frame_equal(first.paths, again.paths)
    # a respondent left out for a blank does not leave its village behind; a village
    # whose every respondent is left out is not counted
    gaps = data.copy()
    gaps.loc[gaps["village"] == "v03", "x"] = np.nan
    fewer = pls_path_model(gaps, blocks, paths, bootstrap=50, seed=3, clusters=gaps["village"])
    assert (fewer.n, fewer.clusters) == (66, 11)


def test_clusters_of_one_respondent_are_the_respondent_bootstrap():
    # resampling 250 clusters of one is resampling the 250 respondents, draw for draw
    by_row = pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=100, seed=5)
    alone = pls_path_model(
        MOBI, BLOCKS, PATHS, bootstrap=100, seed=5, clusters=list(range(len(MOBI)))
    )
    np.testing.assert_allclose(alone.boot_paths, by_row.boot_paths, rtol=1e-9)
    assert alone.clusters == 250


def test_cluster_labels_must_fit_the_rows():
    with pytest.raises(AnalysisError, match="3 labels for 250 rows"):
        pls_path_model(MOBI, BLOCKS, PATHS, bootstrap=10, clusters=[1, 2, 3])


def test_an_unknown_inner_weighting_scheme_is_refused():
    with pytest.raises(AnalysisError, match="give 'path' or 'factorial'"):
        pls_path_model(MOBI, BLOCKS, PATHS, inner_weights="centroid")


def test_a_correction_past_one_is_inadmissible(model):
    # Two weakly related items (rho_A about 0.19) leave PLSc dividing a correlation of about
    # 0.47 by sqrt(0.19): past 1, which no data can have (the check of cSEM's verify()).
    weak = pls_path_model(MOBI, {"A": ["CUEX2", "CUEX3"], "Y": ["CUSA1"]}, [("A", "Y")])
    corrected = weak.correlations_consistent.loc["A", "Y"]
    assert corrected == pytest.approx(
        weak.correlations.loc["A", "Y"] / math.sqrt(weak.rho_a["A"]), abs=1e-12
    )
    assert corrected > 1
    assert not weak.consistent_admissible
    assert model.consistent_admissible  # seminr's model: every correction stays below 1
