"""Writers' shared safety rules: text no spreadsheet runs, and names that stay on one line."""

from __future__ import annotations

from .safe import neutralise as neutralise
from .safe import shown_name as shown_name
from .safe import writable as writable

__all__ = ["neutralise", "shown_name", "writable"]
