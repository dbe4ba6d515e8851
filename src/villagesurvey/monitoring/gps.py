"""The GPS view: where the clean rows' points lie, and the ones that deserve a look.

For each ``geopoint`` question of the household level, over the clean rows (a point with an
error is already in the quarantine):

- ``gps_accuracy``: the phone measured the point less accurately than the question's
  ``max_accuracy`` (metres);
- ``gps_far_from_village``: the point lies farther than the question's ``radius_km`` from
  its village's centre: the village's own point in the villages table (``validate
  --villages``), or else the median point of its households (at least three);
- ``gps_same_point``: households recorded within :data:`SAME_POINT_M` metres of each other,
  a sign of a point copied from one interview to the next (people of one household share
  its point and are not compared).

Each is a warning with the numbers behind it, never an accusation. The numbers, and the map
of the points as distances east and north of the map's corner (no coordinates), go to
``validation.monitoring["gps"]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument
from ..validate.cells import show
from ..validate.result import FILE, ROW, SHEET
from .geometry import close_pairs, haversine_km, median_point

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..validate.layout import Return
    from ..validate.result import Validation

__all__ = ["MAP_POINTS", "MIN_MEDIAN_POINTS", "SAME_POINT_M", "gps_view", "point_letters"]

SAME_POINT_M = 5.0
"""Households recorded within this many metres of each other share a point."""
MIN_MEDIAN_POINTS = 3
"""The fewest points of a village whose median point stands for its centre."""
MAP_POINTS = 3000
"""The most points a map carries: every point flagged, then an even spread of the rest."""


@dataclass(frozen=True)
class _Point:
    record: int
    lat: float
    lon: float
    accuracy: float | None
    village: str
    household: tuple[str, ...]
    text: str
    place: str


def gps_view(
    validation: Validation,
    villages: Mapping[str, tuple[float, float]] | None = None,
    letters: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Check the clean rows' GPS points; numbers to ``monitoring["gps"]``, signals as warnings.

    Parameters
    ----------
    validation : Validation
        A household-level validation; nothing is done when its instrument has no geopoint.
    villages : mapping, optional
        Village → ``(latitude, longitude)`` of its centre (:func:`.villages.read_villages`).
    letters : mapping, optional
        ``(file, column)`` → the column's Excel letter in that file, to locate the warnings.
    """
    import pandas as pd

    instrument = validation.instrument
    columns = [c for c in instrument.columns if c.question.type == "geopoint"]
    if not columns:
        return
    blocks, warnings = [], []
    for column in columns:
        points = _points(validation, column)
        block, found = _check(column, points, villages or {})
        blocks.append(block)
        warnings.extend(found)
    validation.monitoring["gps"] = {
        "same_point_m": SAME_POINT_M,
        "villages_given": len(villages or {}),
        "questions": blocks,
    }
    if warnings:
        frame = pd.DataFrame(warnings)
        raw = validation.raw.loc[frame["record"]]
        frame["file"] = raw[FILE].to_numpy()
        frame["sheet"] = raw[SHEET].to_numpy()
        frame["row"] = raw[ROW].to_numpy()
        known = letters or {}
        places = zip(frame["file"].astype(str), frame["column"].astype(str), strict=True)
        frame["letter"] = [known.get((f, c), "") for f, c in places]
        validation.add_warnings(frame)


def point_letters(instrument: Instrument, returns: Sequence[Return]) -> dict[tuple[str, str], str]:
    """``(file, column)`` → the Excel letter of each geopoint column in each file read."""
    points = {c.code for c in instrument.columns if c.question.type == "geopoint"}
    if not points:
        return {}
    return {
        (laid.file, code): letter
        for laid in returns
        for code, letter in laid.letters.items()
        if code in points
    }


def _points(validation: Validation, column: Column) -> list[_Point]:
    """The clean rows' points of a column, with each row's village, household and place."""
    typed = validation.typed
    rows = typed[~typed.index.isin(validation.quarantined)]
    texts = rows[column.code].dropna()
    key = validation.instrument.key
    village = key[0] if len(key) >= 2 else None
    household = key[:-1] if len(key) >= 3 else key  # people of one household share a point
    records = texts.index
    villages = [show(v) for v in rows.loc[records, village]] if village else [""] * len(texts)
    homes = list(zip(*([show(v) for v in rows.loc[records, k]] for k in household), strict=True))
    raw = validation.raw.loc[records]
    places = [f"{f} row {r}" for f, r in zip(raw[FILE], raw[ROW], strict=True)]
    out = []
    for at, (record, text) in enumerate(texts.items()):
        parts = [float(p) for p in str(text).split()]
        accuracy = parts[3] if len(parts) == 4 else None
        out.append(_Point(int(record), parts[0], parts[1], accuracy, villages[at], homes[at],
                          str(text), places[at]))  # fmt: skip
    return out


def _check(
    column: Column,
    points: list[_Point],
    villages: Mapping[str, tuple[float, float]],
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The column's block and its warnings."""
    q = column.question
    warnings: list[dict[str, Any]] = []
    flags: dict[int, set[str]] = {p.record: set() for p in points}
    if q.max_accuracy is not None:
        for p in points:
            if p.accuracy is not None and p.accuracy > q.max_accuracy:
                flags[p.record].add("accuracy")
                warnings.append(_warning(column, p, "gps_accuracy", (
                    f"measured to {show(p.accuracy)} m, less accurately than the "
                    f"{show(q.max_accuracy)} m allowed (max_accuracy); measure it again in the "
                    "open, away from walls and trees"
                )))  # fmt: skip
    centres = _centres(points, villages)
    distances: dict[int, float] = {}
    for p in points:
        centre = centres.get(p.village)
        if centre is not None:
            distances[p.record] = haversine_km(p.lat, p.lon, centre[0], centre[1])
    if q.radius_km is not None:
        for p in points:
            far = distances.get(p.record)
            if far is not None and far > q.radius_km:
                flags[p.record].add("far")
                warnings.append(_far(column, p, far, q.radius_km, p.village in villages))
    warnings.extend(_copies(column, points, flags))
    block = _block(column, points, centres, villages, distances, flags)
    return block, warnings


def _centres(
    points: list[_Point], villages: Mapping[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Each village's centre: from the villages table, or its households' median point."""
    by_village: dict[str, list[tuple[float, float]]] = {}
    for p in points:
        by_village.setdefault(p.village, []).append((p.lat, p.lon))
    centres = {}
    for village, where in by_village.items():
        if village in villages:
            centres[village] = villages[village]
        elif village and len(where) >= MIN_MEDIAN_POINTS:
            centres[village] = median_point(where)
    return centres


def _far(column: Column, p: _Point, km: float, radius: float, listed: bool) -> dict[str, Any]:
    centre = "its point in the villages table" if listed else "the median point of its households"
    return _warning(column, p, "gps_far_from_village", (
        f"{_km(km)} from the centre of village {p.village} ({centre}), farther than the "
        f"{show(radius)} km allowed (radius_km); check the point and the village"
    ))  # fmt: skip


def _km(km: float) -> str:
    return f"{km * 1000:.0f} m" if km < 1 else f"{km:.1f} km"


def _copies(
    column: Column, points: list[_Point], flags: dict[int, set[str]]
) -> list[dict[str, Any]]:
    """A warning on each point shared with another household, naming the other rows."""
    pairs = close_pairs([(p.lat, p.lon) for p in points], SAME_POINT_M)
    others: dict[int, list[int]] = {}
    for i, j in pairs:
        if points[i].household != points[j].household:
            others.setdefault(i, []).append(j)
            others.setdefault(j, []).append(i)
    warnings = []
    for i, near in sorted(others.items()):
        p = points[i]
        flags[p.record].add("copied")
        same = all(points[j].text == p.text for j in near)
        named = "; ".join(
            f"{points[j].place}, household {'-'.join(points[j].household)}" for j in near[:8]
        )
        more = f" and {len(near) - 8} more" if len(near) > 8 else ""
        how = "at the very same numbers as" if same else f"within {show(SAME_POINT_M)} m of"
        message = (
            f"household {'-'.join(p.household)} is {how} {len(near)} other "
            f"household{'s' * (len(near) != 1)} ({named}{more}); a point copied from one "
            "interview to another looks like this: check that each was visited"
        )
        warnings.append(_warning(column, p, "gps_same_point", message))
    return warnings


def _warning(column: Column, p: _Point, check: str, message: str) -> dict[str, Any]:
    return {
        "record": p.record, "column": column.code, "value": p.text, "check": check,
        "severity": "warning", "message": message, "expected": "",
    }  # fmt: skip


def _block(
    column: Column,
    points: list[_Point],
    centres: Mapping[str, tuple[float, float]],
    villages: Mapping[str, tuple[float, float]],
    distances: Mapping[int, float],
    flags: Mapping[int, set[str]],
) -> dict[str, Any]:
    """The numbers of one geopoint column, per village and in all, with its map."""
    from .gps_map_data import map_data

    q = column.question
    names = sorted({p.village for p in points})
    number = {name: at for at, name in enumerate(names)}
    by_village: dict[str, list[_Point]] = {name: [] for name in names}
    for p in points:
        by_village[p.village].append(p)
    rows = []
    for village, own in by_village.items():
        far = [distances[p.record] for p in own if p.record in distances]
        rows.append({
            "village": village,
            "points": len(own),
            "centre": ("villages table" if village in villages
                       else "median" if village in centres else None),
            "median_km": round(_median(far), 3) if far else None,
            "far": sum("far" in flags[p.record] for p in own),
            "copied": sum("copied" in flags[p.record] for p in own),
            "low_accuracy": sum("accuracy" in flags[p.record] for p in own),
        })  # fmt: skip
    return {
        "column": column.code,
        "max_accuracy": q.max_accuracy,
        "radius_km": q.radius_km,
        "points": len(points),
        "far": sum("far" in f for f in flags.values()),
        "copied": sum("copied" in f for f in flags.values()),
        "low_accuracy": sum("accuracy" in f for f in flags.values()),
        "villages_not_listed": [v for v in names if villages and v not in villages],
        "villages": rows,
        "map": map_data(
            [(p.lat, p.lon, number[p.village], sorted(flags[p.record])) for p in points],
            [(lat, lon, number[v]) for v, (lat, lon) in centres.items() if v in number],
            names,
            MAP_POINTS,
        ),
    }


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
