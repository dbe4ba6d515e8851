"""The fieldwork sample: every planted problem is found, and nothing else is flagged.

``sample_data/fieldwork.py`` plants a few problems in two weeks of simulated fieldwork and
lists them in ``planted.csv``; validate (with the sample list, the villages' centres and
the back-checks) must find each one, at its row, and raise no other monitoring signal. The
model study's clean returns, which have times and points too, must raise none at all.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from types import ModuleType

import openpyxl
import pytest

from villagesurvey import load_instrument, validate_returns, write_validation
from villagesurvey._resources import sample_script

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample_data"
FIELDWORK = SAMPLE / "fieldwork"
MODEL_STUDY = ROOT / "instruments" / "village_ecommerce.yaml"

SIGNALS = {
    "enumerator_short_interviews", "enumerator_errors", "enumerator_warnings",
    "enumerator_dont_know", "enumerator_refused", "enumerator_gate_skips", "end_before_start",
    "digit_preference", "low_variance", "enumerator_effect",
    "gps_accuracy", "gps_far_from_village", "gps_same_point",
    "not_in_sample", "backcheck_differs", "backcheck_error_rate",
}  # fmt: skip
"""The monitoring views' warnings: a signal here is one too many unless it was planted."""


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _module() -> ModuleType:
    return sample_script("fieldwork")


@pytest.fixture(scope="module")
def fieldwork(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fieldwork validated as the demo validates it."""
    instrument = load_instrument(MODEL_STUDY)
    validation = validate_returns(
        instrument,
        [FIELDWORK / "returns"],
        sample=FIELDWORK / "sample.csv",
        villages=FIELDWORK / "villages.csv",
        backchecks=[FIELDWORK / "backchecks.csv"],
    )
    return write_validation(validation, tmp_path_factory.mktemp("fieldwork"))


def test_the_generator_writes_the_committed_fieldwork(tmp_path):
    _module().generate(tmp_path)
    for name in ("sample.csv", "villages.csv", "backchecks.csv", "planted.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (FIELDWORK / name).read_text(
            encoding="utf-8"
        ), name
    books = sorted(p.name for p in (FIELDWORK / "returns").glob("*.xlsx"))
    assert sorted(p.name for p in (tmp_path / "returns").glob("*.xlsx")) == books
    for name in books:
        fresh = openpyxl.load_workbook(tmp_path / "returns" / name, read_only=True)
        committed = openpyxl.load_workbook(FIELDWORK / "returns" / name, read_only=True)
        for sheet in committed.sheetnames:
            rows = [r for r in committed[sheet].iter_rows(values_only=True) if r[0] != "generator"]
            again = [r for r in fresh[sheet].iter_rows(values_only=True) if r[0] != "generator"]
            assert again == rows, f"{name}!{sheet}"


def test_every_planted_problem_is_found_at_its_row(fieldwork):
    issues = _csv(fieldwork / "issues.csv")
    for planted in _csv(FIELDWORK / "planted.csv"):
        if planted["file"] in ("", "backchecks.csv"):  # a line per enumerator, or a back-check
            found = [i for i in issues if i["check"] == planted["check"]]
            assert len(found) == 1, planted
            if planted["problem"] == "heaped_amounts":
                assert found[0]["value"] == planted["enumerator"]
            else:
                assert found[0]["column"] == "household_size"
            continue
        at = [i for i in issues if (i["file"], i["row"]) == (planted["file"], planted["row"])]
        assert planted["check"] in {i["check"] for i in at}, planted


def test_nothing_but_the_planted_problems_is_flagged(fieldwork):
    planted = _csv(FIELDWORK / "planted.csv")
    expected = {(p["check"], p["file"], p["row"]) for p in planted if p["file"] != "backchecks.csv"}
    signals = {
        (i["check"], i["file"], i["row"])
        for i in _csv(fieldwork / "issues.csv")
        if i["check"] in SIGNALS
    }
    # the back-check's difference is located at the survey's row, the heaping at no row
    signals = {s for s in signals if s[0] not in ("backcheck_differs", "digit_preference")}
    assert signals == {e for e in expected if e[0] in SIGNALS and e[0] != "digit_preference"}
    # the one error: the respondent interviewed twice, both rows and their members with them
    twice = [p for p in planted if p["problem"] == "interviewed_twice"]
    quarantined = _csv(fieldwork / "quarantine.csv")
    assert {(q["file"], q["row"]) for q in quarantined} == {(p["file"], p["row"]) for p in twice}
    key = {(q["village_id"], q["household_id"], q["person_id"]) for q in quarantined}
    members = _csv(fieldwork / "quarantine_members.csv")
    assert {(m["village_id"], m["household_id"], m["person_id"]) for m in members} == key


def test_progress_counts_the_list(fieldwork):
    summary = json.loads((fieldwork / "summary.json").read_text(encoding="utf-8"))
    listed = {
        (r["village_id"], r["household_id"], r["person_id"]): r["replacement"] == "1"
        for r in _csv(FIELDWORK / "sample.csv")
    }
    clean = {
        (r["village_id"], r["household_id"], r["person_id"]) for r in _csv(fieldwork / "clean.csv")
    }
    overall = summary["monitoring"]["progress"]["overall"]
    assert overall["listed"] == sum(not replacement for replacement in listed.values())
    assert overall["replacements_listed"] == sum(listed.values())
    assert overall["replacements_used"] == sum(listed.get(k, False) for k in clean)
    assert (overall["interviews"], overall["not_listed"], overall["interviewed_twice"]) == (
        206,
        1,
        1,
    )


def test_the_model_study_raises_no_monitoring_signal(tmp_path):
    instrument = load_instrument(MODEL_STUDY)
    validation = validate_returns(instrument, [SAMPLE / "returns"])
    assert set(validation.counts.get("warning", {})) == {"outside_soft_limit"}
    assert validation.monitoring["enumerators"]["signals"] == []
