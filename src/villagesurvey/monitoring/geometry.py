"""Distances on the globe and the points close to each other, for the GPS checks.

Distances are great-circle distances by the haversine formula on a sphere of the Earth's
mean radius (6371.0088 km, IUGG): within 0.5% of the distance on the WGS 84 ellipsoid,
plenty to say that a house is 3 km from its village rather than 300 m.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

__all__ = ["EARTH_RADIUS_KM", "close_pairs", "haversine_km", "median_point"]

EARTH_RADIUS_KM = 6371.0088
"""The Earth's mean radius (IUGG), in kilometres."""

_METRES_PER_DEGREE = EARTH_RADIUS_KM * 1000 * math.pi / 180


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points given in decimal degrees, in km.

    Examples
    --------
    >>> round(haversine_km(0, 0, 0, 1), 4)  # one degree of the equator
    111.1951
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlam = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlam / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def median_point(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The point of the median latitude and the median longitude.

    A few points far from the rest (a house recorded in town, a typo) do not move it: it
    stays among the others as long as fewer than half the points are astray.
    """
    import statistics

    return (
        statistics.median(p[0] for p in points),
        statistics.median(p[1] for p in points),
    )


def close_pairs(points: Sequence[tuple[float, float]], metres: float) -> list[tuple[int, int]]:
    """Every pair ``(i, j)``, ``i < j``, of points within ``metres`` of each other.

    Points are put in cells of ``metres`` a side, so that each is compared only with those
    of its own and the eight neighbouring cells: linear in the number of points, not square.
    """
    size = metres / _METRES_PER_DEGREE  # degrees of latitude
    cells: dict[tuple[int, int], list[int]] = defaultdict(list)
    keys: list[tuple[int, int]] = []
    for i, (lat, lon) in enumerate(points):
        shrink = max(math.cos(math.radians(lat)), 1e-6)  # a degree of longitude is shorter
        key = (math.floor(lat / size), math.floor(lon * shrink / size))
        keys.append(key)
        cells[key].append(i)
    pairs: list[tuple[int, int]] = []
    for i, (row, col) in enumerate(keys):
        lat, lon = points[i]
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for j in cells.get((row + dr, col + dc), ()):
                    if j > i and haversine_km(lat, lon, *points[j]) * 1000 <= metres:
                        pairs.append((i, j))
    return sorted(pairs)
