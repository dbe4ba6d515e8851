"""The supervisor page's GPS section: a map of the points by village, and their signals.

The map is an inline SVG drawn from ``summary.json``'s ``monitoring["gps"]`` block: points
as distances east and north of the map's corner (an equirectangular projection, made by
:mod:`villagesurvey.monitoring.gps_map_data`), no tiles and nothing fetched, so it works
offline and on a phone. Points are marked by village (a colour and a shape: 48 villages
told apart); a point far from its village is ringed, a point shared by households is drawn
as a square; each village's centre is a cross. A scale bar gives the distances, a legend the
villages' markers (with more villages than it names, each is named at its centre), and a
table says the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .markup import plain
from .words import say

__all__ = ["section"]

_WIDTH, _HEIGHT, _PAD = 640, 420, 24
_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
            "#000000", "#999999", "#882255", "#44AA99", "#117733")  # fmt: skip
_SHAPES = ("circle", "triangle", "diamond", "triangle_down")
"""A village's marker: the villages take the colours in turn, then the next shape: 48 apart."""
_MOST_LEGEND = 12
"""Villages named in the legend; beyond, each village's name is written at its centre."""
_LEGEND_LEFT = _WIDTH - 180


def section(block: Mapping[str, Any], language: str) -> str:
    """The GPS section of the page, in the instrument's language.

    Parameters
    ----------
    block : mapping
        ``summary.json``'s ``monitoring["gps"]`` (:func:`villagesurvey.monitoring.gps.gps_view`).
    language : str
        ``en`` or ``zh`` (another language falls back to English).

    Returns
    -------
    str
        One ``<section class="card" id="gps_map">``, every text escaped.
    """
    parts = [f'<section class="card" id="gps_map"><h2>{plain(say("gps.title", language))}</h2>']
    for question in block.get("questions", []):
        parts.append(_question(question, block, language))
    parts.append("</section>")
    return "".join(parts)


def _question(question: Mapping[str, Any], block: Mapping[str, Any], language: str) -> str:
    column = str(question.get("column", ""))
    if not question.get("points"):
        return f'<p class="note">{plain(say("gps.no_points", language))}</p>'
    out = [
        f"<h3>{plain(say('gps.points', language, points=question['points'], column=column))}</h3>"
    ]
    out.append(_flags(question, block, language))
    out.append(_figure(question, column, language))
    out.append(_table(question, language))
    listed = question.get("villages_not_listed") or []
    if listed:
        names = ", ".join(str(v) for v in listed)
        out.append(f'<p class="note">{plain(say("gps.not_listed", language, names=names))}</p>')
    return "".join(out)


def _flags(question: Mapping[str, Any], block: Mapping[str, Any], language: str) -> str:
    lines = []
    if question.get("radius_km") is not None:
        lines.append(
            (
                question["far"],
                say("gps.far", language, n=question["far"], radius=_num(question["radius_km"])),
            )
        )
    else:
        lines.append((0, say("gps.no_radius", language)))
    metres = _num(block.get("same_point_m", 5))
    lines.append(
        (question["copied"], say("gps.copied", language, n=question["copied"], metres=metres))
    )
    if question.get("max_accuracy") is not None:
        limit = _num(question["max_accuracy"])
        n = question["low_accuracy"]
        lines.append((n, say("gps.accuracy", language, n=n, limit=limit)))
    return "".join(
        f'<p class="flag {"warn" if n else "ok"}">{plain(text)}</p>' for n, text in lines
    )  # fmt: skip


def _num(value: Any) -> str:
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"


def _figure(question: Mapping[str, Any], column: str, language: str) -> str:
    shown = question["map"]
    width_km = max(float(shown["width_km"]), 0.0)
    height_km = max(float(shown["height_km"]), 0.0)
    span = max(width_km, height_km, 0.05)  # a single point still gets a map 50 m across
    inner_w, inner_h = _WIDTH - 2 * _PAD, _HEIGHT - 2 * _PAD - 40
    scale = min(inner_w / max(width_km, span / 4), inner_h / max(height_km, span / 4))
    below = 40 + 16 * (len(_legend_rows(_legend_items(shown["villages"]))) - 1)
    height = round(max(height_km, span / 4) * scale) + 2 * _PAD + below
    x0 = _PAD + (inner_w - width_km * scale) / 2
    y0 = height - _PAD - below  # the scale bar and the legend's rows under the map

    def at(x: float, y: float) -> tuple[float, float]:
        return round(x0 + x * scale, 1), round(y0 - y * scale, 1)

    title = say("gps.map", language, column=column)
    alt = say(
        "gps.alt", language,
        points=shown["total"], villages=len(shown["villages"]), width=_distance(width_km),
        height=_distance(height_km), far=question["far"], copied=question["copied"],
        accuracy=question["low_accuracy"],
    )  # fmt: skip
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{plain(title)}">',
        f"<title>{plain(title)}</title><desc>{plain(alt)}</desc>",
        f'<rect x="0" y="0" width="{_WIDTH}" height="{height}" fill="#ffffff" stroke="#cccccc"/>',
    ]
    named = len(shown["villages"]) > _MOST_LEGEND
    for x, y, village in shown["centres"]:
        cx, cy = at(x, y)
        svg.append(
            f'<path class="centre" d="M{cx - 6} {cy}h12M{cx} {cy - 6}v12" '
            f'stroke="{_colour(village)}" stroke-width="2"/>'
        )
        if named:  # more villages than the legend names: each is named at its centre
            svg.append(
                f'<text class="village" x="{cx + 8}" y="{cy - 4}" font-size="11">'
                f"{plain(shown['villages'][village])}</text>"
            )
    for x, y, village, flags in shown["points"]:
        svg.append(_point(*at(x, y), village, str(flags).split()))
    svg.append(_scale_bar(span, scale, height))
    svg.append(_legend(shown["villages"], language, height))
    svg.append("</svg>")
    note = say("gps.shown", language, shown=shown["shown"], total=shown["total"])
    extra = f'<p class="note">{plain(note)}</p>' if shown["shown"] < shown["total"] else ""
    return f'<div class="figure">{"".join(svg)}<p class="note">{plain(alt)}</p>{extra}</div>'


def _colour(village: int) -> str:
    return _COLOURS[village % len(_COLOURS)]


def _marker(cx: float, cy: float, village: int, size: float, kind: str | None = None) -> str:
    """A village's marker at (cx, cy): its colour and shape (a circle ``size`` in radius)."""
    colour = _colour(village)
    shape = _SHAPES[village // len(_COLOURS) % len(_SHAPES)]
    named = f'class="{kind}" ' if kind else ""
    if shape == "circle":
        return f'<circle {named}cx="{cx}" cy="{cy}" r="{size}" fill="{colour}"/>'
    r = size * 1.3
    corners = {
        "triangle": ((0, -r), (r, 0.8 * r), (-r, 0.8 * r)),
        "diamond": ((0, -r), (r, 0), (0, r), (-r, 0)),
        "triangle_down": ((0, r), (r, -0.8 * r), (-r, -0.8 * r)),
    }[shape]
    path = "L".join(f"{round(cx + dx, 1)} {round(cy + dy, 1)}" for dx, dy in corners)
    return f'<path {named}d="M{path}Z" fill="{colour}"/>'


def _point(cx: float, cy: float, village: int, flags: Sequence[str]) -> str:
    colour = _colour(village)
    kind = " ".join(["point", *flags])
    if "copied" in flags:
        mark = (f'<rect class="{kind}" x="{cx - 4}" y="{cy - 4}" width="8" height="8" '
                f'fill="{colour}" stroke="#000000"/>')  # fmt: skip
    else:
        mark = _marker(cx, cy, village, 3.5, kind)
    if "far" in flags:
        mark += (f'<circle class="ring" cx="{cx}" cy="{cy}" r="8" fill="none" '
                 'stroke="#D55E00" stroke-width="2"/>')  # fmt: skip
    return mark


def _nice(km: float) -> float:
    """A round length (1, 2 or 5 times a power of ten) of about ``km``."""
    power = 10.0 ** math.floor(math.log10(km))
    return next((step * power for step in (5, 2, 1) if step * power <= km), power)


def _distance(km: float) -> str:
    return f"{km * 1000:.0f} m" if km < 1 else f"{km:.1f} km"


def _scale_bar(span: float, scale: float, height: int) -> str:
    km = _nice(span / 4)
    length = km * scale
    y = height - _PAD
    label = f"{km * 1000:g} m" if km < 1 else f"{km:g} km"
    return (
        f'<g class="scale"><path d="M{_PAD} {y}h{length:.1f}M{_PAD} {y - 5}v5'
        f'M{_PAD + length:.1f} {y - 5}v5" stroke="#000000" stroke-width="2" fill="none"/>'
        f'<text x="{_PAD + length + 6:.1f}" y="{y}" font-size="12">{plain(label)}</text></g>'
    )


def _legend_items(villages: Sequence[str]) -> list[tuple[str, int | None]]:
    """The villages the legend names (their marker's number), and ``+n`` for the rest."""
    items: list[tuple[str, int | None]] = [(str(v), i) for i, v in enumerate(villages)]
    if len(villages) > _MOST_LEGEND:
        items = [*items[:_MOST_LEGEND], (f"+{len(villages) - _MOST_LEGEND}", None)]
    return items


def _legend(villages: Sequence[str], language: str, height: int) -> str:
    out = ['<g class="legend" font-size="12">']
    rows = _legend_rows(_legend_items(villages))
    y = height - _PAD - 4 - 16 * (len(rows) - 1)  # in rows from the bottom, under the map
    for row in rows:
        x = _LEGEND_LEFT
        for name, village in row:
            mark = (_marker(x, y - 4, village, 4) if village is not None
                    else f'<circle cx="{x}" cy="{y - 4}" r="4" fill="#777777"/>')  # fmt: skip
            out.append(f'{mark}<text x="{x + 8}" y="{y}">{plain(name)}</text>')
            x += _legend_width(name)
        y += 16
    out.append(
        f'<text x="{_PAD}" y="{_PAD - 6}">'
        f'<tspan fill="#D55E00">◯</tspan> {plain(say("gps.legend_far", language))}  '
        f"<tspan>■</tspan> {plain(say('gps.legend_copied', language))}  "
        f"<tspan>+</tspan> {plain(say('gps.legend_centre', language))}</text>"
    )
    out.append("</g>")
    return "".join(out)


def _legend_width(name: str) -> int:
    """The room a legend item takes: its dot, its name (about 8 px a letter), a gap."""
    return 8 + 8 * len(name) + 12


def _legend_rows(items: list[tuple[str, int | None]]) -> list[list[tuple[str, int | None]]]:
    """The legend's items in rows that fit between its left edge and the map's right edge."""
    rows: list[list[tuple[str, int | None]]] = [[]]
    x = _LEGEND_LEFT
    for item in items:
        if rows[-1] and x + _legend_width(item[0]) > _WIDTH - 10:
            rows.append([])
            x = _LEGEND_LEFT
        rows[-1].append(item)
        x += _legend_width(item[0])
    return rows


def _table(question: Mapping[str, Any], language: str) -> str:
    head = ("village", "count", "centre", "median_km", "far_h", "copied_h", "accuracy_h")
    rows = [
        "<tr>" + "".join(f"<th>{plain(say(f'gps.{h}', language))}</th>" for h in head) + "</tr>"
    ]
    for v in question.get("villages", []):
        centre = {
            "villages table": say("gps.from_table", language),
            "median": say("gps.median", language),
        }.get(v.get("centre") or "", say("gps.none", language))
        median = "" if v.get("median_km") is None else f"{float(v['median_km']):.2f}"
        cells = [
            ("", str(v.get("village", ""))),
            (' class="num"', str(v.get("points", 0))),
            ("", centre),
            (' class="num"', median),
            *((' class="num"', str(v.get(k, 0))) for k in ("far", "copied", "low_accuracy")),
        ]
        rows.append("<tr>" + "".join(f"<td{c}>{plain(t)}</td>" for c, t in cells) + "</tr>")
    return f'<table class="grid">{"".join(rows)}</table>'
