"""The report traces its data to the validation and the corrections behind it."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections import Counter

import pytest

from villagesurvey import validate_returns, write_validation
from villagesurvey.report import write_report

from .conftest import MODEL_STUDY, ROOT
from .test_report_docs import _documented, _keys

MESSY = ROOT / "sample_data" / "returns_messy"
CORRECTIONS = ROOT / "sample_data" / "corrections.csv"
TRUTH = ROOT / "sample_data" / "truth.csv"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory, model_study):
    """validate's outputs for the messy sample returns with the sample corrections."""
    out = tmp_path_factory.mktemp("validated") / "validated_corrected"
    result = validate_returns(model_study, [MESSY], corrections=CORRECTIONS)
    write_validation(result, out)
    return out


def _report(clean, outdir, language=None):
    write_report(MODEL_STUDY, clean, outdir, bootstrap=0, language=language)
    results = json.loads((outdir / "results.json").read_text(encoding="utf-8"))
    return results, (outdir / "report.md").read_text(encoding="utf-8")


def test_the_report_carries_the_corrections_behind_its_data(corrected, tmp_path):
    results, markdown = _report(corrected / "clean.csv", tmp_path / "en")
    # The reference: the corrections file itself, every line of which fits the messy returns.
    with open(CORRECTIONS, encoding="utf-8", newline="") as stream:
        actions = Counter(line["action"] for line in csv.DictReader(stream))
    sha256 = hashlib.sha256(CORRECTIONS.read_bytes()).hexdigest()
    summary = json.loads((corrected / "summary.json").read_text(encoding="utf-8"))
    validation = results["data"]["validation"]
    assert validation["note"] is None
    assert validation["instrument_sha256"] == summary["instrument"]["sha256"]
    assert validation["corrections"] == {
        "file": "corrections.csv",
        "sha256": sha256,
        "lines": sum(actions.values()),
        "replaced": actions["replace"],
        "blanked": actions["blank"],
        "confirmed": actions["confirm"],
        "dropped": actions["drop"],
        "not_applied": 0,
    }
    with open(corrected / "clean.csv", encoding="utf-8-sig", newline="") as stream:
        clean_rows = sum(1 for _ in csv.DictReader(stream))
    assert validation["rows_clean"] == clean_rows == results["data"]["respondents"]
    assert validation["rows_dropped"] == actions["drop"]
    assert validation["rows_in"] == (
        validation["rows_clean"] + validation["rows_quarantined"] + validation["rows_dropped"]
    )
    corrected_values = actions["replace"] + actions["blank"]
    assert (
        f"Corrections file corrections.csv (sha256 {sha256[:12]}…): values corrected "
        f"{corrected_values}, confirmed {actions['confirm']}; respondents dropped {actions['drop']}"
    ) in markdown
    html = (tmp_path / "en" / "report.html").read_text(encoding="utf-8")
    assert f"sha256 {sha256[:12]}…" in html
    _, chinese = _report(corrected / "clean.csv", tmp_path / "zh", language="zh")
    assert (
        f"更正文件 corrections.csv（sha256 {sha256[:12]}…）：更正 {corrected_values} 个值，"
        f"确认 {actions['confirm']} 个值，删除 {actions['drop']} 名受访者"
    ) in chinese
    documented = _documented()
    assert sorted(key for _, key in _keys(results["data"]) if key not in documented) == []


def test_a_clean_dataset_without_a_summary_beside_it_has_no_validation(tmp_path):
    clean = tmp_path / "data" / "clean.csv"
    clean.parent.mkdir()
    shutil.copyfile(TRUTH, clean)
    results, markdown = _report(clean, tmp_path / "report")
    assert results["data"]["validation"] is None
    assert "Corrections file" not in markdown
    assert "summary.json" not in markdown


@pytest.mark.parametrize(
    ("damage", "note"),
    [
        (lambda text: text[: len(text) // 2], "could not be read"),
        (lambda text: text.replace('"rows_in": ', '"rows_in": "many", "x": '), "lacks its rows"),
        (
            lambda text: text.replace('"corrections": {', '"corrections": [{"x": 1}], "y": {'),
            "no usable corrections",
        ),
    ],
)
def test_a_damaged_summary_is_a_note_not_a_crash(corrected, tmp_path, damage, note):
    folder = tmp_path / "validated"
    shutil.copytree(corrected, folder)
    summary = folder / "summary.json"
    summary.write_text(damage(summary.read_text(encoding="utf-8")), encoding="utf-8")
    results, markdown = _report(folder / "clean.csv", tmp_path / "report")
    validation = results["data"]["validation"]
    assert note in validation["note"]
    assert "could not be read in full" in markdown
    assert "Corrections file" not in markdown
    assert "No corrections were applied" not in markdown


def test_a_summary_of_something_else_is_not_a_validation(corrected, tmp_path):
    folder = tmp_path / "validated"
    shutil.copytree(corrected, folder)
    (folder / "summary.json").write_text('{"rows_in": 3}\n', encoding="utf-8")
    results, _ = _report(folder / "clean.csv", tmp_path / "report")
    assert results["data"]["validation"] is None
