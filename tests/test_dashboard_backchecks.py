"""validate --backchecks: the block in summary.json, its warnings, and the dashboard section."""

from __future__ import annotations

import csv
import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from villagesurvey.cli import main
from villagesurvey.dashboard.backchecks import SHOWN_DIFFERENCES, section

from .test_backcheck import BACKCHECK_HEADER, INSTRUMENT, SURVEY, SURVEY_HEADER, _write

ALLOWED = {"card", "grid", "num", "flag", "warn", "ok", "note", "figure"}


class _Page(HTMLParser):
    """The text of each element, the classes used, and that every tag is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.classes: set[str] = set()
        self.cells: list[list[str]] = []
        self.flags: list[str] = []
        self.text: list[str] = []
        self._flag = False

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        names = (dict(attrs).get("class") or "").split()
        self.classes |= set(names)
        self._flag = "flag" in names
        if tag == "tr":
            self.cells.append([])

    def handle_endtag(self, tag):
        assert self.open.pop() == tag
        self._flag = False

    def handle_data(self, data):
        self.text.append(data)
        if {"td", "th"} & set(self.open):
            self.cells[-1].append(data)
        if self._flag:
            self.flags.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    assert page.open == []
    return page


@pytest.fixture
def checked(tmp_path: Path) -> dict:
    instrument = tmp_path / "bc.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    # C-3's household size is above the maximum: its row goes to quarantine
    bad = ["C", "3", "E3", "99", "1", "", "Sun Li", "1", "100", "50"]
    returns = _write(tmp_path / "returns.csv", SURVEY_HEADER, [*SURVEY, bad])
    backchecks = _write(
        tmp_path / "backchecks.csv",
        BACKCHECK_HEADER,
        [
            ["A", "7", "B1", "6", "1", "rice tea", "Li Wei", "2.5", "1000"],  # size 4 -> 6
            ["A", "8", "B1", "5", "2", "tea", "Wang Fang", "3", "2000"],
            ["Q", "1", "B2", "5", "2", "tea", "<script>", "3", "2000"],  # not in the survey
            ["C", "003", "B2", "9", "1", "", "Sun Li", "1", "100"],  # survey row quarantined
        ],
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["validate", str(instrument), str(returns), "-o", str(out), "--backchecks",
         str(backchecks)],
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # C-3's error
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    with (out / "issues.csv").open(encoding="utf-8") as handle:
        issues = list(csv.DictReader(handle))
    return {"block": summary["monitoring"]["backchecks"], "issues": issues}


def test_validate_puts_the_results_in_summary_json(checked):
    block = checked["block"]
    assert block["rows"]["backchecks_compared"] == 2
    assert [(d["hh"], d["column"], d["survey"], d["backcheck"]) for d in
            block["type1_differences"]] == [("7", "hh_size", "4", "6")]  # fmt: skip
    assert [(n["village"], n["reason"]) for n in block["not_compared"]] == [
        ("Q", "not_in_survey"),
        ("C", "survey_row_quarantined"),
    ]
    e1 = [r for r in block["enumerators"] if r["enumerator"] == "E1" and r["type"] == 1]
    assert e1 == [{"type": 1, "enumerator": "E1", "comparisons": 4, "differences": 1,
                   "error_rate": 0.25, "above_threshold": True}]  # fmt: skip


def test_validate_warns_on_the_survey_row(checked):
    differs = [i for i in checked["issues"] if i["check"] == "backcheck_differs"]
    assert [(i["file"], i["row"], i["column"], i["value"]) for i in differs] == [
        ("returns.csv", "2", "hh_size", "4")
    ]
    assert "found '6'" in differs[0]["message"]
    rates = [i for i in checked["issues"] if i["check"] == "backcheck_rate"]
    assert [i["value"] for i in rates] == ["E1"]
    assert "1 of 4 type-1 answers differ" in rates[0]["message"]
    missing = [i for i in checked["issues"] if i["check"] == "backcheck_not_compared"]
    assert [(i["file"], i["row"], i["severity"]) for i in missing] == [
        ("backchecks.csv", "4", "warning"),
        ("backchecks.csv", "5", "warning"),
    ]
    assert "in quarantine" in missing[1]["message"]


@pytest.mark.parametrize(
    ("language", "title", "above"), [("en", "Back-checks", "above threshold"),
                                     ("zh", "回访核查", "高于阈值")]
)  # fmt: skip
def test_the_section_shows_rates_and_type1_differences(checked, language, title, above):
    html = section(checked["block"], language)
    assert html.startswith('<section class="card" id="backchecks"><h2>')
    page = _parse(html)
    assert page.classes <= ALLOWED
    assert title in page.text
    rows = [c for c in page.cells if c and c[0] == "E1" and c[1] == "1"]
    assert rows == [["E1", "1", "4", "1", "25%", above]]
    label = "Household size" if language == "en" else "家庭人口"
    assert ["A", "7", label, "4", "6", "E1", "B1"] in page.cells
    assert any("1" in f for f in page.flags)  # the back-check not compared


def test_the_section_escapes_and_caps_what_it_lists():
    line = {"village": "<b>", "hh": "1", "column": "hh_size", "survey": "<i>x</i>",
            "backcheck": "5", "enumerator": "E&1", "backchecker": ""}  # fmt: skip
    block = {
        "key": ["village", "hh"],
        "threshold": 0.1,
        "rows": {"backchecks_compared": 60},
        "comparisons": 60,
        "differences": SHOWN_DIFFERENCES + 3,
        "enumerators": [],
        "type1_differences": [line] * (SHOWN_DIFFERENCES + 3),
        "variables": [],
    }
    html = section(block, "en")
    assert "<b>" not in html
    assert "&lt;b&gt;" in html
    assert "E&amp;1" in html
    page = _parse(html)
    assert "3 more in backcheck.xlsx." in page.text
    assert sum(1 for c in page.cells if c and c[0] == "<b>") == SHOWN_DIFFERENCES
