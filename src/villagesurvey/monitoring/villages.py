"""The villages table of ``validate --villages``: each village's centre, for the GPS checks.

A CSV file (UTF-8, commas) with a header naming three columns: the village (``village``, or
the instrument's first key column's code), ``latitude`` (or ``lat``) and ``longitude`` (or
``lon``, ``lng``), in decimal degrees. Decimal commas and N/S/E/W are read as in a point
cell. A mistake in it is a located error: the command cannot check distances on a wrong map.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ..errors import OptionError
from ..tables.safe import shown_name

__all__ = ["read_villages"]

_NAMES = {
    "village": ("village", "village_id", "village_code", "name"),
    "latitude": ("latitude", "lat"),
    "longitude": ("longitude", "lon", "lng", "long"),
}
_MOST_BYTES = 10_000_000


def read_villages(path: str | Path, village: str = "village") -> dict[str, tuple[float, float]]:
    """Each village's centre from a villages table.

    Parameters
    ----------
    path : path
        The CSV file.
    village : str
        The instrument's name for the village column, also accepted as the header.

    Returns
    -------
    dict
        Village (as text) → ``(latitude, longitude)``.

    Raises
    ------
    OptionError
        If the file cannot be read, lacks a column, or a row holds no valid point.
    """
    from ..validate.geopoints import read_point

    path = Path(path)
    name = shown_name(path.name)
    try:
        if path.stat().st_size > _MOST_BYTES:
            raise OptionError(f"{name}: a villages table of over 10 MB is not a villages table")
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise OptionError(f"{name}: cannot read the villages table ({error})") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise OptionError(f"{name}: the villages table is empty")
    header = [h.strip().casefold() for h in rows[0]]
    at = {}
    for part, names in _NAMES.items():
        wanted = (village.casefold(), *names) if part == "village" else names
        found = next((header.index(n) for n in wanted if n in header), None)
        if found is None:
            raise OptionError(f"{name}: no {part} column; the header must name {', '.join(wanted)}")
        at[part] = found
    out: dict[str, tuple[float, float]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = [row[at[p]].strip() if at[p] < len(row) else "" for p in _NAMES]
        reading = read_point(f"{cells[1]} {cells[2]}")
        if not cells[0] or reading.text is None:
            why = reading.message or "the village has no name"
            raise OptionError(f"{name} row {number}: {why}")
        if cells[0] in out:
            raise OptionError(f"{name} row {number}: village {cells[0]!r} is listed twice")
        lat, lon = (float(v) for v in reading.text.split()[:2])
        out[cells[0]] = (lat, lon)
    return out
