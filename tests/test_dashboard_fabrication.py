"""The dashboard's fabrication section, alone: what it says, in English and Chinese."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from villagesurvey.dashboard.fabrication import section
from villagesurvey.monitoring.fabrication import _plain, fabrication_view

from .test_fabrication_view import INSTRUMENT, _survey

ALLOWED = {"card", "grid", "num", "flag", "warn", "ok", "note", "figure"}


class _Page(HTMLParser):
    """The text of each element with a class, the classes used, the tags left open."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.classes: set[str] = set()
        self.flags: list[tuple[str, str]] = []  # (class, text)
        self.cells: list[str] = []
        self.ids: list[str] = []
        self._flag: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        found = dict(attrs)
        names = (found.get("class") or "").split()
        self.classes.update(names)
        if found.get("id"):
            self.ids.append(str(found["id"]))
        if "flag" in names:
            self._flag = [" ".join(names)]
        if tag == "td":
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        assert self.open.pop() == tag
        if tag in ("p", "span") and self._flag is not None:
            kind, *text = self._flag
            self.flags.append((kind, "".join(text)))
            self._flag = None
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._flag is not None:
            self._flag.append(data)
        if self._cell is not None:
            self._cell.append(data)


def _parsed(block: dict[str, Any], language: str) -> _Page:
    html = section(block, language)
    assert html.startswith('<section class="card" id="fabrication"><h2>')
    page = _Page()
    page.feed(html)
    page.close()
    assert page.open == []
    assert page.classes <= ALLOWED
    return page


def _block(**planted: Any) -> dict[str, Any]:
    view = fabrication_view(INSTRUMENT, _survey(3, **planted))
    assert view is not None
    block: dict[str, Any] = _plain(view)
    return block


def test_the_signals_are_shown_with_their_numbers_in_english() -> None:
    block = _block(heaper="E01", copier="E05")
    page = _parsed(block, "en")
    warned = [text for kind, text in page.flags if kind == "flag warn" and ":" in text]
    digits = block["enumerators"]["E01"]["digits"]
    assert warned[0] == (
        f"E01: last digits 0 or 5 in 100% of {digits['digits']} answers, "
        f"{100 * digits['others_share_0_5']:.0f}% for the others (chance 20%; p < 0.001)."
    )
    ratio = block["enumerators"]["E05"]["spread"]["ratio"]
    assert warned[1].startswith(f"E05: interviews differ from one another {ratio:.2f} times")
    assert "E01" in page.cells
    assert "E05" in page.cells
    assert "income_2022" in page.cells  # the outcomes' table


def test_the_section_speaks_chinese() -> None:
    page = _parsed(_block(heaper="E01"), "zh")
    warned = [text for kind, text in page.flags if kind == "flag warn" and "：" in text]
    assert warned[0].startswith("E01：")
    assert "末位为0或5的占 100%" in warned[0]
    assert section(_block(), "zh").count("编造数据的迹象") == 1


def test_no_signal_says_so() -> None:
    page = _parsed(_block(), "en")
    assert ("flag ok", "No signal.") in page.flags


def test_names_from_the_returns_are_escaped() -> None:
    block = _block(heaper="E01")
    block["enumerators"]['<img src=x onerror="alert(1)">'] = block["enumerators"].pop("E02")
    html = section(block, "en")
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    _parsed(block, "en")


def test_too_few_interviews_are_said() -> None:
    view = fabrication_view(INSTRUMENT, _survey(6, interviews=8))
    assert view is not None
    page = _parsed(_plain(view), "en")
    assert page.cells.count("too few") == 5 * 3  # digits, others' digits, spread
