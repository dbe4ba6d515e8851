"""A geopoint question's limits: ``max_accuracy`` (metres) and ``radius_km``.

Each is a number above 0, on a ``geopoint`` question only; a mistake is a located problem,
as the other readers record it.
"""

from __future__ import annotations

import math

from ._fields import FieldReader
from ._yaml import LineMap

__all__ = ["read_point_limits"]

_WHAT = {"max_accuracy": "a distance in metres", "radius_km": "a distance in kilometres"}


def read_point_limits(
    r: FieldReader, node: LineMap, where: str, qtype: str | None
) -> tuple[float | None, float | None]:
    """``(max_accuracy, radius_km)`` of a question, ``None`` where not given or wrong."""
    found: list[float | None] = []
    for key, what in _WHAT.items():
        value = node.get(key)
        if value is None:
            found.append(None)
            continue
        line = node.line_of(key)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if not number or not math.isfinite(value) or value <= 0:
            r.problem(line, where, "bad_limit", f"{key} must be {what} above 0, not {value!r}")
            found.append(None)
        elif qtype is not None and qtype != "geopoint":
            r.problem(
                line, where, "field_not_allowed",
                f"{key} is for geopoint questions; a {qtype} question has none",
            )  # fmt: skip
            found.append(None)
        else:
            found.append(value)  # as written: 25 stays 25, for the round trip
    return found[0], found[1]
