"""dashboard.html: one self-contained page, its sections, hostile text shown and never run."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument, validate_returns, write_validation
from villagesurvey.cli import main
from villagesurvey.dashboard import page
from villagesurvey.dashboard.figures import every_day
from villagesurvey.dashboard.words import WORDS, say

from .browser import measure, png_size_and_colours, screenshot
from .returns import table, write_csv
from .test_monitoring_progress import RETURNS, SAMPLE, TINY

SCRIPT = "<script>alert(1)</script>"
RTL = "\u202eexe.fdp"  # a right-to-left override: "pdf.exe" that reads as "exe.fdp"
ESC = "\x1b[31mred"


class _Page(HTMLParser):
    """Tags, ids, links and text of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a":
            self.links.append(str(found.get("href")))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parsed(html: str) -> _Page:
    parsed = _Page()
    parsed.feed(html)
    return parsed


def _hostile_rows() -> list[dict[str, str]]:
    return [
        {"village": "V1", "household": "1", "interview_date": "2022-07-01", "size": "4"},
        {"village": SCRIPT, "household": "2", "interview_date": "2022-07-02", "size": "4"},
        {"village": RTL, "household": "3", "interview_date": "2022-07-02", "size": "99"},
        {"village": ESC, "household": "4", "interview_date": "2022-07-03", "size": "x" * 300},
        {"village": "القرية", "household": "5", "interview_date": "2022-07-05", "size": "2"},
    ]


@pytest.fixture(scope="module")
def tiny():
    return parse_instrument(TINY, source="tiny.yaml")


@pytest.fixture
def written(tiny, tmp_path):
    returns = write_csv(_hostile_rows(), tmp_path / f"{SCRIPT.replace('/', '_')}.csv")
    (tmp_path / "sample.csv").write_text(SAMPLE, encoding="utf-8")
    result = validate_returns(tiny, [returns], sample=tmp_path / "sample.csv")
    return write_validation(result, tmp_path / "out") / "dashboard.html"


def test_the_page_is_self_contained(written):
    html = written.read_text(encoding="utf-8")
    parsed = _parsed(html)
    tags = {tag for tag, _ in parsed.tags}
    assert "script" not in tags
    assert not {"link", "img", "iframe", "object", "embed"} & tags
    assert not re.search(r"\b(src|href)=\"(https?:|//)", html)
    assert "@import" not in html
    assert "url(" not in html
    policy = [
        a["content"] for t, a in parsed.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]


def test_hostile_text_is_shown_not_run(written):
    html = written.read_text(encoding="utf-8")
    parsed = _parsed(html)
    assert "script" not in {tag for tag, _ in parsed.tags}
    text = "".join(parsed.text)
    assert SCRIPT in text  # shown as text, in the table of villages and the file name
    assert "\\u202eexe.fdp" in text
    assert "\u202e" not in html
    assert "\\x1b[31mred" in text
    assert "\x1b" not in html
    assert "القرية" in text  # right-to-left text itself is kept, in its <bdi>
    assert re.search(r"<bdi>القرية</bdi>", html)


def test_sections_in_order_with_their_links(written):
    parsed = _parsed(written.read_text(encoding="utf-8"))
    sections = [a.get("id") for t, a in parsed.tags if t == "section"]
    assert sections == ["overview", "progress", "problems"]
    for link in parsed.links:
        assert link.startswith("#"), link
        assert link[1:] in parsed.ids, link
    # each top problem links to its list, and each listed row has its anchor
    problem_links = [x for x in parsed.links if x.startswith("#problem-")]
    assert problem_links
    assert any(i.startswith(problem_links[0][1:] + "-") for i in parsed.ids)


def test_the_progress_table_and_the_figure(written):
    html = written.read_text(encoding="utf-8")
    parsed = _parsed(html)
    svgs = [a for t, a in parsed.tags if t == "svg"]
    assert len(svgs) == 2  # interviews per day, and per village and day
    assert {s["class"] for s in svgs} == {"figure"}
    assert svgs[0]["aria-label"].startswith("Interviews per day: 2022-07-01 1, 2022-07-02 2")
    # from the first day to the last, every day a bar: 07-01 to 07-05, the 4th at 0
    bars = html.split("<svg ")[1]
    assert bars.count("<rect ") == 5
    assert "<title>2022-07-04: 0</title>" in bars
    # and a cell for each of the 6 villages on each of those 5 days
    assert html.split("<svg ")[2].count("<rect ") == 6 * 5


def test_interviews_per_village_and_day_are_a_figure(tiny, tmp_path):
    (tmp_path / "sample.csv").write_text(SAMPLE, encoding="utf-8")
    returns = write_csv(table(RETURNS), tmp_path / "returns.csv")
    result = validate_returns(tiny, [returns], sample=tmp_path / "sample.csv")
    html = page.render_dashboard(result)
    figures = [a for t, a in _parsed(html).tags if t == "svg"]
    assert [f["aria-label"].split(":")[0] for f in figures] == [
        "Interviews per day", "Interviews per village and day",
    ]  # fmt: skip
    assert figures[1]["aria-label"] == "Interviews per village and day: V1 4, V2 4"
    # a cell for each village and each day from the first to the last (the RETURNS table)
    cells = re.findall(r"<title>(V[12] 2022-07-0[0-9]: [0-9]+)</title>", html)
    assert cells == [
        "V1 2022-07-01: 2", "V1 2022-07-02: 2", "V1 2022-07-03: 0", "V1 2022-07-04: 0",
        "V2 2022-07-01: 0", "V2 2022-07-02: 1", "V2 2022-07-03: 2", "V2 2022-07-04: 1",
    ]  # fmt: skip
    zh = page.render_dashboard(result, language="zh")
    assert "<h3>各村每日访谈数</h3>" in zh


def test_every_day_fills_the_days_between():
    assert every_day([("2022-07-30", 2), ("2022-08-02", 1)]) == [
        ("2022-07-30", 2), ("2022-07-31", 0), ("2022-08-01", 0), ("2022-08-02", 1)
    ]  # fmt: skip
    far = [("2020-01-01", 1), ("2022-01-01", 1)]  # a mistyped year: not 700 empty bars
    assert every_day(far) == far


def test_the_page_speaks_the_instruments_first_language(tiny, tmp_path):
    rows = _hostile_rows()[:1]
    result = validate_returns(tiny, [write_csv(rows, tmp_path / "r.csv")])
    chinese = dataclasses.replace(tiny, languages=("zh", "en"))
    result.instrument = chinese
    html = page.render_dashboard(result)
    assert '<html lang="zh">' in html
    assert "各村进度" in html
    assert "Progress by village" not in html
    assert "<title>实地监测: 小调查</title>" in html
    assert '<html lang="en">' in page.render_dashboard(result, language="en")


def test_one_table_of_words_serves_every_section():
    assert all(set(texts) == {"en", "zh"} for texts in WORDS.values())
    # one rule for the language: the first part of its tag, English for any other
    assert say("backchecks.title", "zh-CN") == "回访核查"
    assert say("overview", "zh_Hans") == "概况"
    assert say("gps.title", "fr") == "GPS points"
    # every word a section asks for by name is in the table
    folder = Path(page.__file__).parent
    named = re.findall(r"""say\(\s*["']([^"'{}]+)["']""", "".join(
        f.read_text(encoding="utf-8") for f in sorted(folder.glob("*.py"))
    ))  # fmt: skip
    assert len(named) > 40
    assert sorted(set(named) - set(WORDS)) == []


@pytest.mark.parametrize(
    ("option", "headings", "absent"),
    [
        ([], ["Overview", "Progress by village", "Top problems"], "各村进度"),
        (["--lang", "zh"], ["概况", "各村进度", "主要问题"], "Progress by village"),
    ],
)
def test_validate_lang_chooses_the_pages_language(tmp_path, option, headings, absent):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")  # languages: [en, zh]
    returns = write_csv(_hostile_rows()[:2], tmp_path / "r.csv")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["validate", str(tmp_path / "tiny.yaml"), str(returns), "-o", str(out), *option]
    )
    assert result.exit_code == 0, result.output
    html = (out / "dashboard.html").read_text(encoding="utf-8")
    assert re.findall(r"<h2>([^<]*)</h2>", html) == headings
    assert absent not in html


def test_validate_lang_refuses_a_language_the_instrument_lacks(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    returns = write_csv(_hostile_rows()[:1], tmp_path / "r.csv")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["validate", str(tmp_path / "tiny.yaml"), str(returns), "-o", str(out),
               "--lang", "fr"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "villagesurvey: --lang fr: the dashboard speaks one of the instrument's languages (en, zh)"
    )
    assert not out.exists()  # refused before anything is read


def test_a_section_is_rendered_only_when_its_block_is_there(tiny, tmp_path, monkeypatch):
    def fake(block, language):
        return f'<section class="card" id="other"><h2>Other</h2><p>{block["n"]}</p></section>'

    monkeypatch.setattr(page, "SECTIONS", (*page.SECTIONS, ("other", fake)))
    result = validate_returns(tiny, [write_csv(_hostile_rows()[:1], tmp_path / "r.csv")])
    assert 'id="other"' not in page.render_dashboard(result)
    result.monitoring["other"] = {"n": 7}
    html = page.render_dashboard(result)
    assert '<section class="card" id="other"><h2>Other</h2><p>7</p></section>' in html
    assert '<a href="#other">Other</a>' in html
    del result.monitoring["progress"]
    assert 'id="progress"' not in page.render_dashboard(result)


def test_personal_data_is_hidden_from_the_top_problems(small, tmp_path):
    rows = [{"village_id": "V01", "person_id": "1", "name": "Secret Name", "age": "300"},
            {"village_id": "V01", "person_id": "1", "name": "Secret Name", "age": "300"}]  # fmt: skip
    result = validate_returns(small, [write_csv(rows, tmp_path / "r.csv")])
    html = (write_validation(result, tmp_path / "out") / "dashboard.html").read_text("utf-8")
    assert "duplicate_row" in html
    assert "Secret Name" not in html


@pytest.mark.parametrize("width", [390, 1280])
def test_chromium_renders_every_section_without_sideways_scrolling(written, tmp_path, width):
    measured = measure(written, width)
    assert measured["clientWidth"] == width
    assert measured["scrollWidth"] <= width, measured  # no horizontal overflow
    ids = [s["id"] for s in measured["sections"]]
    assert ids == ["overview", "progress", "problems"]
    for box in measured["sections"]:
        assert not box["hidden"]
        assert box["width"] > 0, box
        assert box["height"] > 0, box
        assert box["left"] >= 0, box
        assert box["right"] <= width, box
    shot = screenshot(written, width, 1600, tmp_path / f"dashboard_{width}.png")
    shot_width, shot_height, colours = png_size_and_colours(shot)
    assert (shot_width, shot_height) == (width, 1600)
    assert colours > 20  # text, tables and bars drawn, not a blank page


def test_refusals_are_a_column_when_the_instrument_asks_for_consent(tiny, tmp_path):
    from .returns import table
    from .test_monitoring_progress import RETURNS, _with_consent

    returns = write_csv(table(RETURNS), tmp_path / "returns.csv")
    asked = validate_returns(_with_consent(), [returns])
    html = page.render_dashboard(asked)
    assert "<th>Refused</th>" in html
    assert "declares no consent question" not in html
    # V1's row: 4 interviews, 4 clean, 0 quarantined, 1 refused (V1/3 said no)
    assert '<td><bdi>V1</bdi></td><td class="num">4</td><td class="num">4</td>' in html
    assert '<td class="num">0</td><td class="num">1</td></tr>' in html
    silent = page.render_dashboard(validate_returns(tiny, [returns]))
    assert "<th>Refused</th>" not in silent
    assert "declares no consent question" in silent
