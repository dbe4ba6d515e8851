"""The Chinese report: every text has a Chinese entry, and no English header slips through."""

from __future__ import annotations

import re

import openpyxl
import pytest

from villagesurvey import load_instrument
from villagesurvey.analysis import analyse
from villagesurvey.analysis._scale_notes import SCALE_NOTE_TEMPLATES
from villagesurvey.analysis.notes import NOTE_TEMPLATES
from villagesurvey.report import _measurement_text, _text, _text_zh, read_clean, write_report
from villagesurvey.report._outcome_tables import report_tables
from villagesurvey.report.measurement import measurement_tables

from .conftest import MODEL_STUDY, ROOT

TRUTH = ROOT / "sample_data" / "truth.csv"

# Names of tests, estimators and statistics that the Chinese texts keep in Latin letters, as
# the methods paragraphs and published Chinese statistics texts do.
TECHNICAL = {
    "d_z", "d_av", "CR", "Holm", "TOST", "McNemar", "Wilcoxon", "Hodges-Lehmann", "Wald",
    "HTZ", "CPI", "ICC", "AVE", "HTMT", "PLS", "PLSc", "Cronbach's", "Fornell-Larcker",
}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z_'-]*[A-Za-z]")


def _missing(english: dict[str, object], chinese: dict[str, object]) -> list[str]:
    return [key for key in english if key not in chinese]


def test_every_report_text_has_a_chinese_entry():
    en, zh = _text._EN, _text_zh.ZH
    assert _missing(en, zh) == []
    assert _missing(en["col"], zh["col"]) == []
    assert _missing(en["test_methods"], zh["test_methods"]) == []
    assert _missing(NOTE_TEMPLATES, zh["notes"]) == []
    m_en, m_zh = _measurement_text._EN, _measurement_text._ZH
    assert _missing(m_en, m_zh) == []
    assert _missing(m_en["col"], m_zh["col"]) == []
    assert _missing(SCALE_NOTE_TEMPLATES, m_zh["notes"]) == []


@pytest.fixture(scope="module")
def chinese_tables():
    instrument = load_instrument(MODEL_STUDY)
    analysis = analyse(
        instrument, read_clean(TRUTH), by=["gender"], compare="ecom_participation_2022",
        bootstrap=20, seed=1,
    )  # fmt: skip
    assert analysis.measurement is not None
    return analysis, [
        *report_tables(analysis, "zh"),
        *measurement_tables(analysis.measurement, instrument, "zh"),
    ]


def test_no_english_header_in_the_chinese_tables(chinese_tables):
    analysis, tables = chinese_tables
    villages = set(analysis.missing.columns) - {"outcome", "column", "wave", "missing", "skipped"}
    english = {
        (table.title, header, word)
        for table in tables
        for header in table.headers
        if header not in villages
        for word in WORD.findall(header)
        if word not in TECHNICAL
    }
    assert english == set()
    assert any("开始" in table.headers for table in tables)


def test_test_names_and_intervals_are_in_chinese(chinese_tables):
    _, tables = chinese_tables
    cells = [cell for table in tables for row in table.rows for cell in row]
    assert any("带连续性校正的卡方检验" in cell for cell in cells)
    assert not any(re.search(r"\d to [+-]?\d", cell) for cell in cells)
    assert any(re.search(r"\d 至 [+-]\d", cell) for cell in cells)


def test_chinese_tables_xlsx_has_the_comparisons_and_chinese_warnings(tmp_path):
    # R (clubSandwich), as in test_report.py: e <- d$ecom_participation_2022
    #   coef_test(lm(y ~ e), vcov = "CR2", cluster = d$village_id, test = "Satterthwaite")
    #     e  beta 10538.54331  SE 2250.516132  df_Satt 9.727448947  p_Satt 0.0009307308946
    #   g <- as.numeric(d$gender == 2); coef_test(lm(y ~ g), ...)  g  beta 1414.55239
    write_report(
        MODEL_STUDY, TRUTH, tmp_path, by=["gender"], compare="ecom_participation_2022",
        language="zh", bootstrap=0,
    )  # fmt: skip
    workbook = openpyxl.load_workbook(tmp_path / "tables.xlsx")

    def records(name):
        rows = list(workbook[name].iter_rows(values_only=True))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]

    did = next(r for r in records("Difference-in-differences") if r["outcome"] == "family_income")
    assert did["label"] == "当年家庭总收入"
    assert did["did"] == pytest.approx(10538.54331, rel=1e-9)
    assert did["did_df"] == pytest.approx(9.727448947, rel=1e-8)
    gender = next(r for r in records("Differences by gender") if r["outcome"] == "family_income")
    assert gender["difference"] == pytest.approx(1414.55239, rel=1e-9)
    messages = {r["code"]: r["message"] for r in records("Warnings") if r["outcome"] == "all"}
    assert "平行趋势" in messages["did_assumption"]
    page = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "平行趋势" in page
    assert "parallel trends" not in page
    # The notes at the top name the outcome by its label
    assert "以下指标按问卷规定（when_skipped）将跳过的回答计为 0：当年电商收入 (78)" in page
    # A yes/no finding is read as a risk difference, without a d_z
    finding = next(line for line in page.splitlines() if "是否从事过电商" in line)
    assert "风险差" in finding
    assert "d_z" not in finding
