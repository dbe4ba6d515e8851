"""A geopoint's four cells on the data sheet: latitude, longitude, altitude and accuracy.

The dataset keeps a point as one answer, ``latitude longitude altitude accuracy``; typing
that into one cell is error-prone, so the blank workbook gives each part its own cell,
``<code>_latitude`` ... ``<code>_accuracy``, each a decimal with its range. Validate reads
the four cells back as one answer (:func:`villagesurvey.validate.exports.geopoint_part`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..instrument import Column, Instrument
from ..tables.letters import column_letter

__all__ = [
    "PART_LIMITS",
    "PART_WORDS",
    "SheetColumn",
    "column_letters",
    "part_label",
    "sheet_columns",
]

PART_LIMITS: dict[str, tuple[float | None, float | None]] = {
    "latitude": (-90, 90),
    "longitude": (-180, 180),
    "altitude": (None, None),
    "accuracy": (0, None),
}
"""Each part's range; the parts in the order a phone writes them."""

PART_WORDS = {
    "en": {
        "latitude": "latitude (decimal degrees, south negative)",
        "longitude": "longitude (decimal degrees, west negative)",
        "altitude": "altitude (m)",
        "accuracy": "accuracy (m)",
    },
    "zh": {
        "latitude": "纬度（十进制度，南纬为负）",
        "longitude": "经度（十进制度，西经为负）",
        "altitude": "海拔（米）",
        "accuracy": "精度（米）",
    },
}

SheetColumn = tuple[str, Column, str | None]
"""A data sheet column: its code, the instrument column, and the part of a geopoint (or None)."""


def sheet_columns(instrument: Instrument | Iterable[Column]) -> Iterator[SheetColumn]:
    """The data sheet's columns in order: each instrument column, a geopoint as four."""
    columns = instrument.columns if isinstance(instrument, Instrument) else instrument
    for column in columns:
        if column.question.type != "geopoint":
            yield column.code, column, None
            continue
        for part in PART_LIMITS:
            yield f"{column.code}_{part}", column, part


def part_label(label: str, part: str, language: str) -> str:
    """A part's header: the question's label and the part, in the sheet's language."""
    base = language.split("-")[0].split("_")[0]
    if base == "zh":
        return f"{label}：{PART_WORDS['zh'][part]}"
    return f"{label}: {PART_WORDS['en'][part]}"


def column_letters(columns: Iterable[Column]) -> dict[str, str]:
    """Each column's letters on the data sheet: ``C``, or ``C-F`` for a geopoint's four."""
    spans: dict[str, list[int]] = {}
    for index, (_, column, _) in enumerate(sheet_columns(columns), start=1):
        spans.setdefault(column.code, []).append(index)
    return {
        code: "-".join(dict.fromkeys(column_letter(i) for i in (at[0], at[-1])))
        for code, at in spans.items()
    }
