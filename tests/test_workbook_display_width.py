"""A text's width on screen (the columns of issues.xlsx and the workbooks follow it): East
Asian wide and full-width characters count twice, as Unicode's East Asian Width property
(UAX #11, through Python's unicodedata) says."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.workbook._cells import display_width


def _definition(text: str) -> int:
    """Each character by its East Asian Width: W (wide) and F (full-width) take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@pytest.mark.parametrize(
    ("text", "width"),
    [("", 0), ("age", 3), ("不知道", 6), ("５３０００", 10), ("¥48,000", 7), ("V0005 村", 8),
     ("😀", 2), ("\x00\x7f", 2), ("ｶﾀｶﾅ", 4)],
)  # fmt: skip
def test_known_widths(text: str, width: int) -> None:
    assert display_width(text) == width == _definition(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_as_wide_as_its_characters_say(text: str) -> None:
    assert display_width(text) == _definition(text)
