"""The bundled sample returns: the clean ones give the truth, every planted defect is found."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from villagesurvey import Instrument, validate_returns, write_validation

from .conftest import ROOT

RETURNS = ROOT / "sample_data" / "returns"
MESSY = ROOT / "sample_data" / "returns_messy"
TRUTH = ROOT / "sample_data" / "truth.csv"
TRUTH_MEMBERS = ROOT / "sample_data" / "truth_members.csv"


def truth_rows_as_labels(instrument: Instrument, count: int) -> list[dict[str, str]]:
    """The first ``count`` true respondents, choices as English labels, as an enumerator types."""
    with TRUTH.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))[:count]
    out = []
    for row in rows:
        typed = {}
        for column in instrument.columns:
            value = row[column.code]
            choices = instrument.choice_list(column.question)
            if value and column.question.type in ("select_one", "likert"):
                value = next(c.label["en"] for c in choices if str(c.code) == value)
            elif value and column.question.type == "text":
                value = "'" + value  # typed as text, as the template's text columns are
            typed[column.code] = value
        out.append(typed)
    return out


def _sha(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def clean_run(model_study, tmp_path_factory):
    out = tmp_path_factory.mktemp("clean")
    before = _sha(RETURNS)
    result = validate_returns(model_study, [RETURNS])
    write_validation(result, out)
    return result, out, before


@pytest.fixture(scope="module")
def messy_run(model_study, tmp_path_factory):
    out = tmp_path_factory.mktemp("messy")
    before = _sha(MESSY)
    result = validate_returns(model_study, [MESSY])
    write_validation(result, out)
    return result, out, before


def test_the_clean_returns_give_exactly_the_true_dataset(clean_run):
    result, out, _ = clean_run
    assert (out / "clean.csv").read_text(encoding="utf-8") == TRUTH.read_text(encoding="utf-8")
    assert result.rows_in == result.rows_clean == 62
    assert result.exit_code == 0


def test_the_clean_returns_give_exactly_the_true_members(clean_run):
    result, out, _ = clean_run
    members = (out / "clean_members.csv").read_text(encoding="utf-8")
    assert members == TRUTH_MEMBERS.read_text(encoding="utf-8")
    roster = result.rosters["members"]
    assert roster.rows_in == roster.rows_clean == len(members.splitlines()) - 1
    assert set(roster.findings["severity"]) <= {"warning"}


def test_the_clean_returns_have_no_errors_and_no_fixes(clean_run):
    result, _, _ = clean_run
    assert set(result.findings["severity"]) <= {"warning"}
    warned = set(zip(result.findings["column"], result.findings["check"], strict=True))
    # The two answers tests/test_sample_data.py finds outside a soft limit are among them.
    assert {("training_days_2022", "outside_soft_limit"), ("age", "outside_soft_limit")} <= warned


def _read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))


def _defects() -> list[dict[str, str]]:
    return _read_csv(ROOT / "sample_data" / "defects.csv")


def _findings(result) -> pd.DataFrame:
    """The findings of every level: the respondents' and each roster's."""
    levels = [result.findings, *(r.findings for r in result.rosters.values())]
    return pd.concat([f.astype(object) for f in levels], ignore_index=True)


@pytest.mark.parametrize(
    "defect", _defects(), ids=lambda d: f"{d['file']}:{d['row']}:{d['defect']}"
)
def test_every_planted_defect_is_found_where_it_is(messy_run, defect):
    result, _, _ = messy_run
    f = _findings(result)
    hits = f[
        (f["file"] == defect["file"])
        & (f["sheet"] == defect["sheet"])
        & (f["row"] == int(defect["row"]))
        & (f["column"] == defect["column"])
        & (f["letter"] == defect["letter"])
        & (f["check"] == defect["defect"])
    ]
    assert len(hits) == 1, f"{defect} not found in\n{f.to_string()}"
    assert hits["severity"].iloc[0] == defect["severity"]
    if defect["defect"] == "roster_exactly_one":  # its value: how many members are head
        assert str(hits["value"].iloc[0]) == re.match(r"(\d+) heads", defect["note"])[1]
    elif defect["value"]:
        assert str(hits["value"].iloc[0]) == defect["value"]


def test_no_error_is_reported_that_was_not_planted(messy_run):
    result, _, _ = messy_run
    findings = _findings(result)
    errors = findings[
        (findings["severity"] == "error") & (findings["check"] != "parent_quarantined")
    ]
    found = set(
        zip(errors["file"], errors["sheet"], errors["row"], errors["column"], errors["check"],
            strict=True)
    )  # fmt: skip
    planted = {
        (d["file"], d["sheet"], int(d["row"]), d["column"], d["defect"])
        for d in _defects()
        if d["severity"] == "error"
    }
    assert found == planted


def test_the_members_of_a_quarantined_respondent_wait_for_it(messy_run):
    result, out, _ = messy_run
    key = ["village_id", "household_id", "person_id"]
    quarantined = {tuple(r[k] for k in key) for r in _read_csv(out / "quarantine.csv")}
    members = _read_csv(out / "quarantine_members.csv")
    waiting = [m for m in members if "parent_quarantined" in m["checks"]]
    assert {tuple(m[k] for k in key) for m in waiting} <= quarantined
    assert len(waiting) == len(members) - 1  # and the orphan, whose household is not there
    clean = _read_csv(out / "clean_members.csv")
    assert not {tuple(m[k] for k in key) for m in clean} & quarantined
    roster = result.rosters["members"]
    assert roster.rows_in == len(clean) + len(members)


def test_every_row_is_clean_or_quarantined_once(messy_run):
    result, out, _ = messy_run
    clean = _read_csv(out / "clean.csv")
    quarantine = _read_csv(out / "quarantine.csv")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["rows_in"] == len(clean) + len(quarantine) == result.rows_in
    # 10 rows with errors of their own, 2 whose members sheet disagrees (a member left off,
    # two heads of household)
    assert summary["rows_quarantined"] == len(quarantine) == 12
    error_rows = {(d["file"], d["sheet"], d["row"]) for d in _defects() if d["severity"] == "error"}
    assert {(q["file"], q["sheet"], q["row"]) for q in quarantine} == {
        e for e in error_rows if e[1] != "members"
    }


def test_source_files_are_never_modified(clean_run, messy_run):
    for run, folder in ((clean_run, RETURNS), (messy_run, MESSY)):
        assert _sha(folder) == run[2]


def test_summary_lists_every_file_with_its_sha256(messy_run):
    _, out, before = messy_run
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    listed = {f["file"]: f["sha256"] for f in summary["files"]}
    assert listed == before
    assert summary["counts"]["error"]["duplicate_key"] == 2
    assert summary["exit_code"] == 1


@pytest.mark.parametrize("suffix", ["xls", "ods"])
def test_a_return_saved_as_xls_or_ods_reads_as_the_xlsx(model_study, suffix):
    saved = ROOT / "tests" / "data" / f"V05_returns.{suffix}"
    result = validate_returns(model_study, [saved])
    original = validate_returns(model_study, [RETURNS / "V05_returns.xlsx"])
    assert result.files[0].format == suffix
    assert result.rows_clean == original.rows_clean == 6
    clean = result.clean().drop(columns="source_file")
    assert clean.equals(original.clean().drop(columns="source_file"))
    assert set(result.findings["severity"]) <= {"warning"}
