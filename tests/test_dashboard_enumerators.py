"""The dashboard's enumerator section, rendered alone and read back as HTML."""

from __future__ import annotations

from html.parser import HTMLParser

from villagesurvey.dashboard.enumerators import section

ALLOWED = {"card", "grid", "num", "flag", "warn", "ok", "note", "figure"}

ROW = {
    "interviews": 20, "days": 5, "per_day": 4.0, "timed": 20, "median_minutes": 15.5,
    "under_min": 14, "share_under_min": 0.7, "rows_with_errors": 0, "share_errors": 0.0,
    "rows_with_warnings": 1, "share_warnings": 0.05, "answers": 40, "dont_know": 0,
    "share_dont_know": 0.0, "refused": 0, "share_refused": 0.0, "gate_answers": 20,
    "gate_skips": 3, "share_gate_skips": 0.15,
}  # fmt: skip
HOSTILE = "<script>alert(1)</script>\nE07"
SHOWN = "<script>alert(1)</script>\\x0aE07"  # as the page shows it: escaped, the break visible
BLOCK = {
    "enumerator": "enumerator", "duration_from": "start_end", "min_minutes": 20,
    "min_interviews": 10, "alpha": 0.05, "gates": ["sells"],
    "enumerators": [
        {"enumerator": HOSTILE, **ROW, "signals": ["enumerator_short_interviews"]},
        {"enumerator": "A", **ROW, "median_minutes": 41.0, "signals": []},
    ],
    "signals": [
        {"enumerator": HOSTILE, "check": "enumerator_short_interviews",
         "message": "enumerator '<script>': median interview 15.5 minutes", "p": 1e-9,
         "p_holm": 4e-9},
    ],
}  # fmt: skip


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: set[str] = set()
        self.text: list[str] = []
        self.cells: list[list[str]] = []
        self._in = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name == "class":
                self.classes.update(value.split())
        if tag == "tr":
            self.cells.append([])
        self._in = tag

    def handle_data(self, data):
        self.text.append(data)
        if self._in in ("td", "th", "strong") and self.cells:
            self.cells[-1].append(data)


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_a_signal_and_the_table_in_english():
    html = section(BLOCK, "en")
    page = _read(html)
    assert html.startswith('<section class="card" id="enumerators"><h2>Enumerators</h2>')
    assert "script" not in page.tags  # the name is text, not a tag
    assert page.classes <= ALLOWED
    text = "".join(page.text)
    assert f"{SHOWN}: short interviews. enumerator '<script>': median interview 15.5" in text
    assert page.cells[1][:6] == [SHOWN, "20", "5", "4", "15.5", "14 (70%)"]
    assert page.cells[2][4] == "41"
    assert "Durations from the start and end times." in text
    assert "p < 0.05" in text


def test_chinese_texts():
    page = _read(section(BLOCK, "zh"))
    text = "".join(page.text)
    assert "调查员" in text
    assert "访谈时间过短（Holm 校正 p < 0.001）" in text
    assert "时长按开始和结束时间计算" in text


def test_calm_and_empty_blocks():
    calm = {**BLOCK, "signals": [], "duration_from": None}
    page = _read(section(calm, "en"))
    assert "flag" in page.classes
    assert "ok" in page.classes
    assert "No enumerator stands out from the others." in "".join(page.text)
    assert "No start and end times" in "".join(page.text)
    empty = _read(section({}, "zh"))
    assert "问卷未指定调查员题目" in "".join(empty.text)
