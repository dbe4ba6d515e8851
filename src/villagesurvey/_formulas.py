"""What makes a spreadsheet cell run as a formula, for the writers that must never let it."""

from __future__ import annotations

__all__ = ["FORMULA_STARTS"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters with which Excel or LibreOffice may read typed or pasted text as a formula."""
