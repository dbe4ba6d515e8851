"""The report: files written, the results.json contract, no personal data, the CLI."""

from __future__ import annotations

import json
import math

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from villagesurvey import load_instrument, parse_instrument
from villagesurvey.cli import main
from villagesurvey.report import REPORT_FILES, write_report

from .conftest import MODEL_STUDY, ROOT, SMALL

TRUTH = ROOT / "sample_data" / "truth.csv"
CONTRACT = {
    "outcome", "n", "mean_before", "mean_after", "mean_diff", "t", "df", "p", "ci_low",
    "ci_high", "method", "p_holm", "cohen_dz", "d_av", "mde", "mde_dz", "sesoi",
    "power_sesoi", "equivalence", "deflated", "warnings", "naive", "clustering",
}  # fmt: skip
CLUSTERING = {
    "icc", "icc_ci_low", "icc_ci_high", "deff", "n_eff", "clusters", "t", "df", "p",
    "wild_bootstrap_p",
}  # fmt: skip


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("report")
    write_report(MODEL_STUDY, TRUTH, outdir, by=["gender"])
    return outdir


@pytest.fixture(scope="module")
def results(report_dir):
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))


def test_writes_the_four_files_and_nothing_else(report_dir):
    assert sorted(p.name for p in report_dir.iterdir()) == sorted(REPORT_FILES)


def test_results_json_holds_the_contract(results):
    instrument = load_instrument(MODEL_STUDY)
    assert results["data"]["respondents"] == 62
    assert results["clustering"]["clusters"] == 11
    outcomes = results["outcomes"]
    compared = [p.question.code for p in instrument.wave_pairs]
    assert [o["outcome"] for o in outcomes] == compared
    for outcome in outcomes:
        assert set(outcome) >= CONTRACT, outcome["outcome"]
        assert set(outcome["clustering"]) >= CLUSTERING
        assert {"t", "df", "p", "ci_low", "ci_high", "p_holm"} <= set(outcome["naive"])
        assert isinstance(outcome["warnings"], list)
        assert outcome["method"] == "CR2 cluster-robust, Bell-McCaffrey df"
    money = {o["outcome"]: o["deflated"] for o in outcomes}
    assert money["family_income"] is True
    assert money["skill_count"] is False
    assert results["deflation"]["base_year"] == 2020
    assert results["deflation"]["factors"]["2022"] == pytest.approx(1 / (1.009 * 1.02))
    assert results["left_out"] == []
    assert set(results["subgroups"]["gender"]) == {"1", "2"}


def test_results_json_numbers_agree_with_a_direct_computation(results):
    # The family income change, recomputed here from truth.csv with pandas and the CPI factor.
    data = pd.read_csv(TRUTH)
    factor = 1 / (1.009 * 1.02)
    diff = data["family_income_2022"] * factor - data["family_income_2020"]
    outcome = next(o for o in results["outcomes"] if o["outcome"] == "family_income")
    assert outcome["n"] == diff.notna().sum()
    assert outcome["mean_diff"] == pytest.approx(diff.mean())
    assert outcome["cohen_dz"] == pytest.approx(diff.mean() / diff.std(ddof=1))
    naive = outcome["naive"]
    assert naive["t"] == pytest.approx(diff.mean() / (diff.std(ddof=1) / math.sqrt(len(diff))))


def test_the_headline_is_clubsandwich_cr2_on_the_model_study(results):
    # R 4.x, clubSandwich 0.5:
    #   d <- read.csv("sample_data/truth.csv"); f <- 1 / (1.009 * 1.02)
    #   y <- d$family_income_2022 * f - d$family_income_2020
    #   coef_test(lm(y ~ 1), vcov = "CR2", cluster = d$village_id, test = "Satterthwaite")
    #     beta 8577.786042  SE 1655.297149  tstat 5.182021878  df_Satt 9.921151644
    #     p_Satt 0.0004225088904
    #   conf_int(...)  CI_L 4885.577061  CI_U 12269.99502
    outcome = next(o for o in results["outcomes"] if o["outcome"] == "family_income")
    assert outcome["mean_diff"] == pytest.approx(8577.786042, rel=1e-9)
    assert outcome["t"] == pytest.approx(5.182021878, rel=1e-8)
    assert outcome["df"] == pytest.approx(9.921151644, rel=1e-8)
    assert outcome["p"] == pytest.approx(0.0004225088904, rel=1e-6)
    assert outcome["ci_low"] == pytest.approx(4885.577061, rel=1e-8)
    assert outcome["ci_high"] == pytest.approx(12269.99502, rel=1e-8)
    assert outcome["clustering"]["t"] == outcome["t"]
    assert 0 <= outcome["clustering"]["wild_bootstrap_p"] < 0.05
    assert outcome["conclusion"] == "changed"


def test_skipped_ecommerce_income_counts_as_zero(results):
    # when_skipped: 0 on income_ecommerce; the same by hand in R:
    #   e20 <- ifelse(is.na(d$income_ecommerce_2020) & d$ecom_participation_2020 == 0, 0,
    #                 d$income_ecommerce_2020)   (and 2022 alike); ye <- e22 * f - e20
    #   sum(!is.na(ye)) = 62
    #   coef_test(lm(ye ~ 1), vcov = "CR2", cluster = d$village_id, test = "Satterthwaite")
    #     beta 8972.22894  SE 2024.768391  tstat 4.431237163  df 9.921151644  p 0.00129640249
    outcome = next(o for o in results["outcomes"] if o["outcome"] == "income_ecommerce")
    assert outcome["n"] == 62
    assert outcome["structural_zeros"] == 53 + 25  # not in e-commerce in 2020, in 2022
    assert outcome["when_skipped"] == 0
    assert outcome["t"] == pytest.approx(4.431237163, rel=1e-8)
    assert outcome["p"] == pytest.approx(0.00129640249, rel=1e-6)
    assert outcome["conclusion"] == "changed"
    assert "structural_zeros_headline" in results["warning_codes"]


def test_the_icc_is_stated_with_its_uncertainty(results):
    # R (the e-commerce income changes ye of the test above, g <- factor(d$village_id)):
    #   a <- anova(lm(ye ~ g)); F <- MSB / MSW; n0 <- (N - sum(n_i^2) / N) / (k - 1)
    #   ICC 0.192911640888; F interval 0.002678379615 to 0.537734465660; m 5.677419354839
    #   N / (1 + (m - 1) * c(0.5377, 0.0027)) = 17.63763960 61.23288031
    outcome = next(o for o in results["outcomes"] if o["outcome"] == "income_ecommerce")
    clustering = outcome["clustering"]
    assert clustering["icc"] == pytest.approx(0.192911640888, rel=1e-9)
    assert clustering["icc_ci_low"] == pytest.approx(0.002678379615, rel=1e-7)
    assert clustering["icc_ci_high"] == pytest.approx(0.537734465660, rel=1e-9)
    headline = results["warnings"][results["warning_codes"].index("headline_icc")]
    assert "income_ecommerce" in headline
    assert "worth roughly 18 to 61 independent ones" in headline


def test_participation_gets_mcnemar_and_a_risk_difference(results):
    # R: t <- table(d$ecom_participation_2020, d$ecom_participation_2022)
    #      0 -> 0: 25, 0 -> 1: 28, 1 -> 0: 0, 1 -> 1: 9
    #    mcnemar.test(t): McNemar's chi-squared = 26.036, df = 1, p-value = 3.352e-07
    #    yp <- d$ecom_participation_2022 - d$ecom_participation_2020
    #    conf_int(lm(yp ~ 1), vcov = "CR2", cluster = d$village_id)
    #      beta 0.4516129032  CI_L 0.2894935025  CI_U 0.6137323039
    outcome = next(o for o in results["outcomes"] if o["outcome"] == "ecom_participation")
    assert outcome["kind"] == "yes_no"
    yes_no = outcome["yes_no"]
    assert (yes_no["started"], yes_no["stopped"]) == (28, 0)
    assert yes_no["mcnemar_p"] == pytest.approx(3.352e-07, rel=1e-3)
    assert yes_no["mcnemar_method"] == "chi-squared with continuity correction"
    assert yes_no["risk_difference"] == pytest.approx(28 / 62)
    assert outcome["ci_low"] == pytest.approx(0.2894935025, rel=1e-8)
    assert outcome["ci_high"] == pytest.approx(0.6137323039, rel=1e-8)


def test_difference_in_differences_and_subgroup_test_match_clubsandwich(tmp_path):
    # R: e <- d$ecom_participation_2022
    #   coef_test(lm(y ~ e), vcov = "CR2", cluster = d$village_id, test = "Satterthwaite")
    #     e  beta 10538.54331  SE 2250.516132  df_Satt 9.727448947  p_Satt 0.0009307308946
    #   coef_test(lm(d$family_income_2020 ~ e), ...)   e  beta -6005.72973  p 0.2654722149
    #   g <- as.numeric(d$gender == 2); coef_test(lm(y ~ g), ...)
    #     g  beta 1414.55239  SE 1515.229997  df_Satt 9.913552865  p_Satt 0.3727125933
    summary = write_report(
        MODEL_STUDY, TRUTH, tmp_path, by=["gender"], compare="ecom_participation_2022",
        bootstrap=0,
    )  # fmt: skip
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    did = results["difference_in_differences"]
    assert did["compare"] == "ecom_participation_2022"
    income = next(o for o in did["outcomes"] if o["outcome"] == "family_income")
    assert (income["n_exposed"], income["n_unexposed"]) == (37, 25)
    assert income["did"] == pytest.approx(10538.54331, rel=1e-9)
    assert income["did_se"] == pytest.approx(2250.516132, rel=1e-9)
    assert income["did_df"] == pytest.approx(9.727448947, rel=1e-8)
    assert income["did_p"] == pytest.approx(0.0009307308946, rel=1e-7)
    assert income["baseline_diff"] == pytest.approx(-6005.72973, rel=1e-9)
    assert income["baseline_p"] == pytest.approx(0.2654722149, rel=1e-7)
    gender = next(
        t for t in results["subgroup_differences"]["gender"] if t["outcome"] == "family_income"
    )
    assert (gender["level"], gender["reference"]) == ("2", "1")
    assert gender["difference"] == pytest.approx(1414.55239, rel=1e-9)
    assert gender["df"] == pytest.approx(9.913552865, rel=1e-8)
    assert gender["p"] == pytest.approx(0.3727125933, rel=1e-7)
    assert "did_assumption" in [n.code for n in summary.analysis.notes]
    page = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "parallel trends" in page
    assert "Table 11. Difference-in-differences" in page


def test_no_observed_power_anywhere(report_dir, results):
    for outcome in results["outcomes"]:
        assert not {"power", "n_needed", "power_eff"} & set(outcome)
        assert not {"power", "n_needed", "mde_dz"} & set(outcome["clustering"])
    for name in ("report.html", "report.md"):
        page = (report_dir / name).read_text(encoding="utf-8")
        assert "size observed" not in page
        assert "Shapiro" not in page


def test_the_power_warning_is_at_the_top(report_dir, results):
    assert "headline_power" in results["warning_codes"]
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert page.index("can reliably detect") < page.index("<h2>Tables</h2>")
    markdown = (report_dir / "report.md").read_text(encoding="utf-8")
    assert markdown.index("can reliably detect") < markdown.index("## Tables")
    # the design caveat comes first of all
    assert results["warning_codes"][0] == "design_caveat"
    assert markdown.index("without a comparison group") < markdown.index("## What the survey")


def test_html_is_self_contained(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 2 * 15 + 1
    for external in ("http://", "https://", "<script", "<link", "src="):
        assert external not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_personal_data_never_appears(report_dir):
    data = pd.read_csv(TRUTH, dtype=str)
    secrets = set(data["respondent_name"].dropna()) | set(data["phone"].dropna())
    texts = [(report_dir / name).read_text(encoding="utf-8") for name in REPORT_FILES[:3]]
    workbook = openpyxl.load_workbook(report_dir / "tables.xlsx")
    texts.append(
        " ".join(
            str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row
        )
    )
    for text in texts:
        assert "respondent_name" not in text  # ("phone" is in "smartphones", a label)
        assert not [s for s in secrets if s in text]


def test_tables_xlsx_has_numbers_as_numbers(report_dir):
    workbook = openpyxl.load_workbook(report_dir / "tables.xlsx")
    assert workbook.sheetnames == [
        "Respondents", "Before-after", "Power", "Clustering", "Yes-no and ratings", "Missing",
        "By gender", "Differences by gender", "CPI", "Scales", "Items", "HTMT", "Fornell-Larcker", "Paths", "Paths PLSc", "R2", "Warnings",
    ]  # fmt: skip
    sheet = workbook["Before-after"]
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    assert row[header.index("outcome")] == "skill_count"
    assert isinstance(row[header.index("n")], int)
    assert isinstance(row[header.index("t")], float)


def test_chinese_report_uses_the_instruments_labels(tmp_path):
    write_report(MODEL_STUDY, TRUTH, tmp_path, language="zh")
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in page
    assert "当年家庭总收入" in page
    assert "请先阅读" in page


def _small_data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village_id": ["V1", "V1", "V2", "V2", "V3"],
            "person_id": ["1", "2", "3", "4", "5"],
            "name": ["Wang Fang", "Li Lei", "Zhang Wei", "Liu Yang", "Chen Jing"],
            "age": [30, 40, 50, 60, 45],
            "gender": [1, 2, 1, 2, 1],
            "income_2020": [100, 200, 300, 400, 500],
            "income_2022": [150, 190, 380, 420, 560],
        }
    )


def test_formula_like_text_is_neutralised_in_tables_xlsx(tmp_path):
    hostile = parse_instrument(
        SMALL.replace("label: {en: Income, zh: 收入}", "label: {en: '=HYPERLINK(\"x\")', zh: 收入}")
    )
    data = _small_data()
    for column in (
        "sells_online_2020",
        "sells_online_2022",
        "online_income_2020",
        "online_income_2022",
    ):
        data[column] = None
    write_report(hostile, data, tmp_path)
    workbook = openpyxl.load_workbook(tmp_path / "tables.xlsx")
    cells = [
        c
        for row in workbook["Before-after"].iter_rows()
        for c in row
        if c.value == '=HYPERLINK("x")'
    ]
    assert cells
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_cli_report_missing_column_is_one_line_exit_2(run, tmp_path):
    clean = tmp_path / "clean.csv"
    pd.read_csv(TRUTH, dtype=str).drop(columns=["family_income_2022"]).to_csv(clean, index=False)
    result = run("report", MODEL_STUDY, clean, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"villagesurvey: {clean}: missing column family_income_2022; the clean dataset must "
        "have every column the instrument names"
    ]
    assert not (tmp_path / "out").exists()


def test_cli_report_missing_cpi_year_exit_2(run, tmp_path):
    cpi = tmp_path / "cpi.csv"
    cpi.write_text("year,cpi\n2020,100\n2021,101\n", encoding="utf-8")
    result = run("report", MODEL_STUDY, TRUTH, "-o", tmp_path / "out", "--cpi", cpi)
    assert result.exit_code == 2
    assert "the CPI table has no value for 2022" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), ("", "the file is empty")],
)
def test_cli_report_unreadable_csv_exit_2(run, tmp_path, content, message):
    clean = tmp_path / "clean.csv"
    if content is not None:
        clean.write_text(content, encoding="utf-8")
    result = run("report", MODEL_STUDY, clean, "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert message in result.output


def test_cli_report_unknown_language_exit_2(run, tmp_path):
    result = run("report", MODEL_STUDY, TRUTH, "-o", tmp_path / "out", "--lang", "fr")
    assert result.exit_code == 2
    assert "language 'fr' is not one of the instrument's languages" in result.output


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--sesoi", "family_income"], "give OUTCOME=VALUE"),
        (["--sesoi", "nothing=3"], "'nothing' is not a before/after outcome"),
        (["--sesoi", "family_income=-1"], "give a positive change"),
        (["--compare", "gender"], "'2' is not 0 or 1"),
        (["--compare", "nothing"], "not a column of the instrument"),
    ],
)
def test_cli_report_bad_sesoi_or_compare_exit_2(run, tmp_path, option, message):
    result = run("report", MODEL_STUDY, TRUTH, "-o", tmp_path / "out", *option)
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_cli_check_warns_about_a_skip_rule_without_when_skipped(run, tmp_path):
    text = MODEL_STUDY.read_text(encoding="utf-8")
    silent = tmp_path / "silent.yaml"
    silent.write_text(text.replace("        when_skipped: 0", "        # no when_skipped"), "utf-8")
    result = run("check", silent)
    assert result.exit_code == 0
    assert "warning: question 'income_ecommerce' has a skip rule" in result.output
    assert "warning" not in run("check", MODEL_STUDY).output


def test_cli_power_answers_the_planning_question(run):
    # R: pwr::pwr.t.test(n = 62, power = 0.8, type = "paired")  d = 0.3615
    result = run("power", "--n", "62")
    assert result.exit_code == 0
    assert "d_z = 0.36" in result.output
    # deff = 1 + (62/11 - 1) 0.1 = 1.46; effective n = 42.4
    result = run("power", "--n", "62", "--effect", "0.3", "--icc", "0.1", "--clusters", "11")
    assert result.exit_code == 0
    assert "design effect 1.46, effective n 42.4" in result.output


def test_cli_power_needs_icc_and_clusters_together(run):
    result = run("power", "--n", "62", "--icc", "0.1")
    assert result.exit_code == 2
    assert result.output.strip() == "villagesurvey: give both icc and clusters, or neither"


def test_tables_xlsx_shows_rounded_numbers_and_keeps_exact_ones(report_dir):
    import openpyxl

    sheet = openpyxl.load_workbook(report_dir / "tables.xlsx")["Before-after"]
    header = [c.value for c in sheet[1]]
    row = {h: c for h, c in zip(header, sheet[2], strict=True)}
    assert row["p"].number_format == '[<0.0001]"<0.0001";0.0000'
    assert row["mean_diff"].number_format == "#,##0.00"
    assert row["cohen_dz"].number_format == "0.000"
    assert isinstance(row["naive_p"].value, float)
    assert 0 < row["naive_p"].value < 0.0001  # the exact value, not the rounded text
    assert sheet.auto_filter.ref == sheet.dimensions
