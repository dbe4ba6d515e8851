"""Values and tables as JSON holds them: Python numbers, ``null`` for NaN and infinity."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["plain", "records"]


def plain(value: Any) -> Any:
    """A JSON-safe value: numpy scalars to Python, NaN and infinity to None."""
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The rows of a frame as JSON-safe dicts."""
    return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]
