"""The stability tests of type-3 back-check questions, pinned to R."""

from __future__ import annotations

import csv
import math
from pathlib import Path
from textwrap import dedent

import pytest

from villagesurvey import load_instrument
from villagesurvey.monitoring.backcheck_run import run_backcheck
from villagesurvey.monitoring.backcheck_stats import bowker, cohen_kappa

INSTRUMENT = dedent(
    """\
    id: stab
    version: "1"
    title: {en: Stability}
    languages: [en]
    key: [hh]
    choices:
      water: [{code: 1, en: Tap}, {code: 2, en: Well}, {code: 3, en: River}]
      yes_no: [{code: 1, en: "Yes"}, {code: 2, en: "No"}]
    sections:
      - code: main
        label: {en: Main}
        questions:
          - {code: hh, type: integer, required: true, label: {en: Household}}
          - {code: enumerator, type: text, label: {en: Enumerator}}
          - {code: income, type: decimal, backcheck: 3, label: {en: Income}}
          - {code: water, type: select_one, choices: water, backcheck: 3, label: {en: Water}}
          - {code: phone, type: select_one, choices: yes_no, backcheck: 3, label: {en: Phone}}
    """
)
INCOME_SURVEY = [1200, 800, 1500, 950, 2000, 1100, 700, 1300, 1600, 900, 1000, 1400]
INCOME_BC = [1250, 760, 1500, 1000, 1900, 1180, 720, 1290, 1700, 950, 1010, 1480]
WATER_SURVEY = [1, 1, 2, 3, 2, 1, 3, 2, 1, 2, 3, 1]
WATER_BC = [1, 2, 2, 3, 1, 1, 2, 2, 3, 2, 3, 2]
PHONE_SURVEY = [1, 1, 1, 2, 2, 1, 1, 2, 1, 1, 2, 1]
PHONE_BC = [1, 2, 2, 2, 1, 2, 1, 2, 2, 1, 2, 1]
# The R session these numbers come from (R 4.x):
#   survey <- c(1200, 800, 1500, 950, 2000, 1100, 700, 1300, 1600, 900, 1000, 1400)
#   bc     <- c(1250, 760, 1500, 1000, 1900, 1180, 720, 1290, 1700, 950, 1010, 1480)
#   t.test(bc, survey, paired = TRUE)
#     t = 1.4738067, df = 11, p-value = 0.1685666
#     95 percent confidence interval: -11.92387048  60.25720381
#     mean difference 24.16666667
#   wilcox.test(bc, survey, paired = TRUE, exact = FALSE, correct = TRUE)
#     V = 50, p-value = 0.140986            (a zero difference and ties: R's approximation)
#   ws <- c(1,1,2,3,2,1,3,2,1,2,3,1); wb <- c(1,2,2,3,1,1,2,2,3,2,3,2)
#   mcnemar.test(table(factor(ws, 1:3), factor(wb, 1:3)))
#     McNemar's chi-squared = 2.3333333, df = 3, p-value = 0.5061652
#   psych::cohen.kappa(cbind(ws, wb))$kappa      0.375
#   mean(ws == wb)                               0.5833333
#   ps <- c(1,1,1,2,2,1,1,2,1,1,2,1); pb <- c(1,2,2,2,1,2,1,2,2,1,2,1)
#   binom.test(1, 5, 0.5)                        p-value = 0.375   (4 yes->no, 1 no->yes)
#   psych::cohen.kappa(cbind(ps, pb))$kappa      0.2105263158
#   mean(ps == pb)                               0.5833333


def _write(path: Path, rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["hh", "enumerator", "income", "water", "phone"])
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def tests(tmp_path_factory) -> dict[str, dict]:
    folder = tmp_path_factory.mktemp("stability")
    instrument = folder / "stab.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    households = range(1, 13)
    survey = _write(
        folder / "clean.csv",
        [[h, "E1", i, w, p] for h, i, w, p in zip(
            households, INCOME_SURVEY, WATER_SURVEY, PHONE_SURVEY, strict=True)],
    )  # fmt: skip
    backchecks = _write(
        folder / "bc.csv",
        [[h, "B1", i, w, p] for h, i, w, p in zip(
            households, INCOME_BC, WATER_BC, PHONE_BC, strict=True)],
    )  # fmt: skip
    result, _ = run_backcheck(load_instrument(instrument), survey, [backchecks])
    return {line["column"]: line for line in result.stability}


def test_a_number_gets_the_paired_t_test_and_wilcoxon(tests):
    income = tests["income"]
    assert income["n"] == 12
    assert income["mean_diff"] == pytest.approx(24.16666667, abs=1e-8)
    assert income["t"] == pytest.approx(1.4738067, abs=1e-7)
    assert income["df"] == 11
    assert income["p"] == pytest.approx(0.1685666, abs=1e-7)
    assert income["ci_low"] == pytest.approx(-11.92387048, abs=1e-7)
    assert income["ci_high"] == pytest.approx(60.25720381, abs=1e-7)
    assert income["wilcoxon_p"] == pytest.approx(0.140986, abs=1e-6)


def test_categories_get_bowkers_test_and_kappa(tests):
    water = tests["water"]
    assert water["test"] == "Bowker"
    assert water["statistic"] == pytest.approx(2.3333333, abs=1e-7)
    assert water["df"] == 3
    assert water["p"] == pytest.approx(0.5061652, abs=1e-7)
    assert water["kappa"] == pytest.approx(0.375, abs=1e-9)
    assert water["agreement"] == pytest.approx(0.5833333, abs=1e-7)


def test_yes_no_gets_mcnemars_test_and_kappa(tests):
    phone = tests["phone"]
    assert (phone["test"], phone["method"]) == ("McNemar", "exact")
    assert phone["p"] == pytest.approx(0.375, abs=1e-9)
    assert phone["kappa"] == pytest.approx(0.2105263158, abs=1e-9)
    assert phone["agreement"] == pytest.approx(0.5833333, abs=1e-7)


def test_kappa_and_bowker_without_any_change():
    # One category only: chance agreement is total and kappa is 0 / 0, left undefined
    # (psych::cohen.kappa prints 0 here); no pair changed: no test.
    agreed, kappa = cohen_kappa(["1", "1"], ["1", "1"])
    assert agreed == 1
    assert math.isnan(kappa)
    statistic, df, p = bowker(["1", "2"], ["1", "2"])
    assert df == 0
    assert math.isnan(statistic)
    assert math.isnan(p)
