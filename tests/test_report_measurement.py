"""The report's Measurement section, the ``scales`` block of results.json, ``villagesurvey
scales``, and ``--bootstrap`` / ``--seed``."""

from __future__ import annotations

import dataclasses
import io
import json

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from villagesurvey import cli, load_instrument
from villagesurvey.cli import main
from villagesurvey.report import write_report

from .conftest import MODEL_STUDY, ROOT, SMALL

TRUTH = ROOT / "sample_data" / "truth.csv"
SCALES_KEYS = {
    "respondents", "model_respondents", "bootstrap", "bootstrap_unit", "cluster", "clusters",
    "bootstrap_used", "bootstrap_unsettled", "bootstrap_inadmissible", "seed", "level",
    "converged", "iterations", "thresholds", "constructs", "items", "htmt",
    "fornell_larcker", "paths", "r2", "consistent", "warnings", "warning_codes",
}  # fmt: skip
CONSTRUCT_KEYS = {
    "construct", "label", "kind", "items", "n", "n_dropped", "alpha_std", "alpha_raw",
    "alpha_raw_ci_low", "alpha_raw_ci_high", "rho_a", "rho_c", "ave", "in_model",
}  # fmt: skip


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory):
    outdir = tmp_path_factory.mktemp("report")
    write_report(MODEL_STUDY, TRUTH, outdir, bootstrap=200, seed=7)
    return outdir


@pytest.fixture(scope="module")
def scales(report_dir):
    return json.loads((report_dir / "results.json").read_text(encoding="utf-8"))["scales"]


def test_results_json_has_a_scales_block(scales):
    assert set(scales) == SCALES_KEYS
    assert [c["construct"] for c in scales["constructs"]] == [
        "cbec", "online_services", "customer_service", "rural_ecommerce", "income_growth",
    ]  # fmt: skip
    for construct in scales["constructs"]:
        assert set(construct) == CONSTRUCT_KEYS
    assert scales["constructs"][0]["label"]["zh"] == "跨境电商"
    assert (scales["bootstrap"], scales["bootstrap_used"], scales["seed"]) == (200, 200, 7)
    assert scales["respondents"] == scales["model_respondents"] == 62
    assert scales["thresholds"]["ave"] == 0.5
    assert {(p["from"], p["to"]) for p in scales["paths"]} >= {("cbec", "income_growth")}
    for path in scales["paths"]:
        assert path["ci_low"] <= path["coefficient"] <= path["ci_high"]
        assert path["se"] > 0
    items = {i["item"]: i for i in scales["items"]}
    assert items["rural_ecommerce_4"]["reversed"] is True
    assert len(scales["htmt"]) == 5 * 4 // 2


def test_the_bootstrap_resamples_villages_and_says_so(scales, report_dir):
    # the model study's key starts with village_id: 62 respondents in 11 villages
    assert (scales["bootstrap_unit"], scales["cluster"], scales["clusters"]) == (
        "cluster",
        "village_id",
        11,
    )
    # 11 villages, fewer than 20: the intervals are said to be optimistic, near the top
    assert scales["warning_codes"].index("bootstrap_few_clusters") <= 2
    for pair in scales["htmt"]:
        assert pair["ci_low"] < pair["ci_high"]
        assert pair["se"] > 0
    consistent = scales["consistent"]
    assert consistent["admissible"] is True
    assert [(p["from"], p["to"]) for p in consistent["paths"]] == [
        (p["from"], p["to"]) for p in scales["paths"]
    ]
    assert consistent["r2"][0]["construct"] == "cbec"
    assert 0 <= scales["bootstrap_inadmissible"] <= scales["bootstrap_used"]
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    assert "resamples of the 11 villages in village_id" in page
    assert "PLSc 95% CI" in page


def test_perceptions_that_predict_growth_carry_the_design_warnings(scales):
    # cbec and rural_ecommerce (Likert scales asked in the 2022 interview) -> income_growth
    # (ln of family income 2022 / 2020): reverse causation and common-method bias are named
    codes = scales["warning_codes"]
    assert "reverse_causation" in codes
    assert "common_method" in codes
    text = scales["warnings"][codes.index("reverse_causation")]
    assert text.startswith("cbec, rural_ecommerce were measured in the 2022 interview")
    assert "since 2020" in text


def test_the_report_names_the_constructs_in_the_design_warnings(report_dir):
    page = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "Cross-border e-commerce and " in page
    assert "(reverse causation)" in page
    assert "common-method bias" in page


def test_respondents_can_be_resampled_instead(run, tmp_path):
    out = tmp_path / "out"
    args = ("--bootstrap", 50, "--bootstrap-unit", "respondent")
    result = run("report", MODEL_STUDY, TRUTH, "-o", out, *args)
    assert result.exit_code == 0, result.output
    scales = json.loads((out / "results.json").read_text(encoding="utf-8"))["scales"]
    assert (scales["bootstrap_unit"], scales["cluster"], scales["clusters"]) == (
        "respondent",
        None,
        None,
    )
    assert "bootstrap_few_clusters" not in scales["warning_codes"]
    printed = run("scales", MODEL_STUDY, TRUTH, *args)
    assert "50 resamples of the respondents" in printed.output


def test_scales_block_agrees_with_a_direct_computation(scales):
    # Standardized Cronbach's alpha of cbec recomputed here from truth.csv with pandas:
    # k / (k - 1) * (1 - k / sum(R)) on the item correlation matrix R.
    data = pd.read_csv(TRUTH)
    r = data[[f"cbec_{i}" for i in range(1, 5)]].corr().to_numpy()
    expected = 4 / 3 * (1 - 4 / r.sum())
    assert scales["constructs"][0]["alpha_std"] == pytest.approx(expected)
    # the reverse-worded item enters reversed: 6 - answer on the 1-5 scale
    flipped = data[[f"rural_ecommerce_{i}" for i in range(1, 4)]].assign(
        r4=6 - data["rural_ecommerce_4"]
    )
    rho = flipped.corr().to_numpy()
    assert scales["constructs"][3]["alpha_std"] == pytest.approx(4 / 3 * (1 - 4 / rho.sum()))


def test_the_sample_data_shows_an_honest_table(scales):
    codes = scales["warning_codes"]
    assert codes[0] == "pls_small_sample"  # 62 respondents: said first
    weak = [w for w in scales["warnings"] if "rural_ecommerce_4" in w]
    assert weak, "the sample data's weak reverse-worded item is pointed out"
    for construct in scales["constructs"][:4]:
        assert construct["alpha_std"] >= 0.7
    growth = next(p for p in scales["paths"] if p["from"] == "cbec")
    assert growth["ci_low"] > 0  # the sample data ties cbec to income growth


def test_html_and_markdown_have_the_measurement_section(report_dir):
    page = (report_dir / "report.html").read_text(encoding="utf-8")
    section = page[page.index("<h2>Measurement: scales and the path model</h2>") :]
    assert section.index("About the scales") < section.index("<svg")
    assert 'marker-end="url(#pls-arrow)"' in section
    for table in ("Table M1.", "Table M2.", "Table M3.", "Table M4.", "Table M5.", "Table M6."):
        assert table in section
    assert page.index("Measurement: scales") < page.index("<h2>Methods</h2>")
    assert "Kock &amp; Hadaya 2018" in section
    markdown = (report_dir / "report.md").read_text(encoding="utf-8")
    assert "## Measurement: scales and the path model" in markdown
    assert "| Cross-border e-commerce | 4 | 62 |" in markdown


def test_tables_xlsx_has_the_measurement_sheets(report_dir):
    workbook = openpyxl.load_workbook(report_dir / "tables.xlsx")
    for name in ("Scales", "Items", "HTMT", "Fornell-Larcker", "Paths", "Paths PLSc", "R2"):
        assert name in workbook.sheetnames
    assert [c.value for c in workbook["HTMT"][1]] == [
        "a", "b", "htmt", "boot_mean", "se", "ci_low", "ci_high",
    ]  # fmt: skip
    assert "r2_plsc" in [c.value for c in workbook["R2"][1]]
    header = [c.value for c in workbook["Scales"][1]]
    assert header[:3] == ["construct", "label", "kind"]
    assert isinstance(workbook["Scales"].cell(2, header.index("rho_c") + 1).value, float)
    warnings = [row[0] for row in workbook["Warnings"].iter_rows(min_row=2, values_only=True)]
    assert "scales" in warnings


def test_chinese_report_speaks_chinese_in_the_section(tmp_path):
    write_report(MODEL_STUDY, TRUTH, tmp_path, language="zh", bootstrap=0)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<h2>测量：量表与路径模型</h2>" in page
    assert "路径模型仅基于 62 位受访者" in page
    assert "未进行自助法" in page
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert all(p["se"] is None for p in results["scales"]["paths"])


def test_an_instrument_without_scales_has_no_section(tmp_path):
    plain = dataclasses.replace(load_instrument(MODEL_STUDY), scales={}, model=None)
    write_report(plain, TRUTH, tmp_path, bootstrap=0)
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert results["scales"] is None
    assert "Measurement" not in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_missing_item_columns_leave_the_scales_out_with_a_warning(tmp_path):
    data = pd.read_csv(TRUTH, dtype=str).drop(columns=["cbec_1"])
    summary = write_report(MODEL_STUDY, data, tmp_path, bootstrap=0)
    assert summary.analysis.measurement is None
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert "scales_not_measured" in results["warning_codes"]
    assert any("missing column cbec_1" in w for w in results["warnings"])


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_cli_scales_prints_the_table_and_the_paths(run):
    result = run("scales", MODEL_STUDY, TRUTH, "--bootstrap", 100, "--seed", 3)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["construct", "items", "n", "alpha", "rho_A", "rho_C", "AVE"]
    assert lines[1].startswith("Cross-border e-commerce")
    assert (
        "PLS path model on 62 respondents, bootstrap 100 resamples of the villages (seed 3)"
        in result.output
    )
    assert "    PLSc: " in result.output
    assert "Cross-border e-commerce -> Growth of family income 2020-2022:" in result.output
    assert "95% CI [" in result.output
    assert any(line.startswith("warning: The path model rests on 62") for line in lines)
    again = run("scales", MODEL_STUDY, TRUTH, "--bootstrap", 100, "--seed", 3)
    assert again.output == result.output  # the seed makes it reproducible


def test_cli_scales_without_bootstrap_and_in_chinese(run):
    result = run("scales", MODEL_STUDY, TRUTH, "--bootstrap", 0, "--lang", "zh")
    assert result.exit_code == 0
    assert "跨境电商" in result.output
    assert "SE " not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bootstrap", "-1"], "Invalid value for '--bootstrap'"),
        (["--lang", "fr"], "language 'fr' is not one of the instrument's languages"),
    ],
)
def test_cli_scales_refuses_bad_options(run, args, message):
    result = run("scales", MODEL_STUDY, TRUTH, *args)
    assert result.exit_code == 2
    assert message in result.output


def test_cli_scales_without_scales_is_one_line_exit_2(run, tmp_path):
    instrument = tmp_path / "plain.yaml"
    text = SMALL.replace("scales:\n  trust: {label: {en: Trust, zh: 信任}, choices: agree3}\n", "")
    text = "\n".join(line for line in text.splitlines() if "trust_" not in line)
    instrument.write_text(text, encoding="utf-8")
    clean = tmp_path / "clean.csv"
    clean.write_text("village_id,person_id\nV1,1\n", encoding="utf-8")
    result = run("scales", instrument, clean)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "villagesurvey: the instrument small declares no scales; add scales: and likert items"
    ]


def test_cli_scales_missing_file_exit_2(run, tmp_path):
    result = run("scales", MODEL_STUDY, tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_cli_report_takes_bootstrap_and_seed(run, tmp_path):
    out = tmp_path / "out"
    result = run("report", MODEL_STUDY, TRUTH, "-o", out, "--bootstrap", 50, "--seed", 11)
    assert result.exit_code == 0, result.output
    assert "4 scales:" in result.output
    scales = json.loads((out / "results.json").read_text(encoding="utf-8"))["scales"]
    assert (scales["bootstrap"], scales["seed"]) == (50, 11)


def test_the_bootstrap_shows_a_bar_on_a_terminal(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(cli.sys, "stderr", screen)
    with cli._bootstrap_bar() as progress:
        assert progress is not None
        for done in (250, 500, 750, 1000):
            progress(done, 1000)
    assert "bootstrap" in screen.getvalue()
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    with cli._bootstrap_bar() as progress:
        assert progress is None
