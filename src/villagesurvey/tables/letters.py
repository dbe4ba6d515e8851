"""A spreadsheet column's letters from its number, as every sheet and message names it."""

from __future__ import annotations

__all__ = ["column_letter"]


def column_letter(number: int) -> str:
    """The Excel letters of a 1-based column number: 1 → ``A``, 27 → ``AA``, 28 → ``AB``."""
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
