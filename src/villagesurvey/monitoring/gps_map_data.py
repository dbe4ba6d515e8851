"""The map of a GPS view as data: points as distances east and north of the map's corner.

An equirectangular projection of the points' bounding box: x is the longitude from the box's
west edge times the cosine of its middle latitude, y the latitude from its south edge, both
in kilometres. Over a district this is true to well under 1%, and it leaves no coordinate in
``summary.json`` or on the page: the map shows where points lie relative to each other, not
where the households live.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .geometry import EARTH_RADIUS_KM

__all__ = ["map_data"]

_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180


def map_data(
    points: Sequence[tuple[float, float, int, Sequence[str]]],
    centres: Sequence[tuple[float, float, int]],
    villages: Sequence[str],
    most: int,
) -> dict[str, Any]:
    """The map's content.

    Parameters
    ----------
    points : sequence of (latitude, longitude, village number, flags)
        Each point, its village as an index into ``villages`` and its flags (``far``,
        ``copied``, ``accuracy``).
    centres : sequence of (latitude, longitude, village number)
        The villages' centres.
    villages : sequence of str
        The villages' names.
    most : int
        The most points to carry: every flagged one, then an even spread of the others.

    Returns
    -------
    dict
        ``width_km``, ``height_km``, ``villages``, ``points`` as ``[x_km, y_km, village,
        flags]``, ``centres`` as ``[x_km, y_km, village]``, ``total`` (points before the
        spread) and ``shown``.
    """
    where = [(p[0], p[1]) for p in points] + [(c[0], c[1]) for c in centres]
    if not where:
        return {"width_km": 0, "height_km": 0, "villages": list(villages), "points": [],
                "centres": [], "total": 0, "shown": 0}  # fmt: skip
    south, north = min(w[0] for w in where), max(w[0] for w in where)
    west, east = min(w[1] for w in where), max(w[1] for w in where)
    shrink = math.cos(math.radians((south + north) / 2))

    def xy(lat: float, lon: float) -> list[float]:
        return [
            round((lon - west) * shrink * _KM_PER_DEGREE, 4),
            round((lat - south) * _KM_PER_DEGREE, 4),
        ]

    kept = _spread(points, most)
    return {
        "width_km": round((east - west) * shrink * _KM_PER_DEGREE, 4),
        "height_km": round((north - south) * _KM_PER_DEGREE, 4),
        "villages": list(villages),
        "points": [[*xy(lat, lon), v, " ".join(flags)] for lat, lon, v, flags in kept],
        "centres": [[*xy(lat, lon), v] for lat, lon, v in centres],
        "total": len(points),
        "shown": len(kept),
    }


def _spread(
    points: Sequence[tuple[float, float, int, Sequence[str]]], most: int
) -> list[tuple[float, float, int, Sequence[str]]]:
    """At most ``most`` points: the flagged ones first, then every k-th of the rest."""
    if len(points) <= most:
        return list(points)
    flagged = [p for p in points if p[3]][:most]
    rest = [p for p in points if not p[3]]
    room = most - len(flagged)
    step = len(rest) / room if room > 0 else math.inf
    return flagged + [rest[int(i * step)] for i in range(room)] if room > 0 else flagged
