"""The report's figures as inline SVG text: small, fast, and readable in any language.

The charts are simple enough to draw directly: a slope chart of village means, a histogram
of the changes, a power curve. Drawing them here (rather than through a plotting library)
keeps the report fast and leaves the text to the browser, which has the fonts for Chinese.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

import numpy as np

__all__ = [
    "age_pyramid",
    "difference_histogram",
    "nice_ticks",
    "path_diagram",
    "power_curve",
    "slope_chart",
]

_INK = "#222"
_GRID = "#ddd"
_FAINT = "#9aa0a6"
_ACCENT = "#d55e00"  # orange, distinct for colour-blind readers from the blue
_BLUE = "#0072b2"
_FONT = 'font-family="system-ui, sans-serif" font-size="11"'


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """About ``count`` round tick values covering ``[low, high]``."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high == low:
        high, low = high + 1, low - 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 0.5:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _tick_text(value: float, span: float) -> str:
    if span >= 10000:
        return f"{value / 1000:,g}k" if value else "0"
    if span >= 10:
        return f"{value:,.0f}"
    return f"{value:g}"


class _Frame:
    """A plotting area with linear scales and the SVG drawn into it."""

    def __init__(self, width: int, height: int, x: tuple[float, float], y: tuple[float, float]):
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = 44, 10, 8, 26
        self.x0, self.x1 = x
        self.y0, self.y1 = y
        self.parts: list[str] = []

    def sx(self, value: float) -> float:
        span = (self.x1 - self.x0) or 1
        return self.left + (value - self.x0) / span * (self.width - self.left - self.right)

    def sy(self, value: float) -> float:
        span = (self.y1 - self.y0) or 1
        return (
            self.height
            - self.bottom
            - (value - self.y0) / span * (self.height - self.top - self.bottom)
        )

    def line(self, x: Sequence[float], y: Sequence[float], **style: str) -> None:
        points = " ".join(f"{self.sx(a):.1f},{self.sy(b):.1f}" for a, b in zip(x, y, strict=True))
        attributes = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in style.items())
        self.parts.append(f'<polyline fill="none" points="{points}" {attributes}/>')

    def text(self, x: float, y: float, content: str, anchor: str = "middle", **style: str) -> None:
        attributes = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in style.items())
        self.parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {attributes}>'
            f"{escape(content)}</text>"
        )

    def y_axis(self, ticks: list[float], label: str = "") -> None:
        span = max(abs(t) for t in ticks) if ticks else 1
        for tick in ticks:
            y = self.sy(tick)
            self.parts.append(
                f'<line x1="{self.left}" x2="{self.width - self.right}" y1="{y:.1f}" '
                f'y2="{y:.1f}" stroke="{_GRID}" stroke-width="1"/>'
            )
            self.text(self.left - 4, y + 4, _tick_text(tick, span), "end", fill=_INK)
        if label:
            self.text(self.left - 34, self.top - 10, label, "start", fill=_INK)

    def svg(self, title: str) -> str:
        body = "".join(self.parts)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" '
            f'width="{self.width}" height="{self.height}" role="img" {_FONT}>'
            f"<title>{escape(title)}</title>{body}</svg>"
        )


def slope_chart(
    clusters_before: Sequence[float],
    clusters_after: Sequence[float],
    before: float,
    after: float,
    waves: tuple[str, str],
    title: str = "",
    width: int = 250,
    height: int = 170,
) -> str:
    """Village means before and after (grey lines) and the overall means (a black line)."""
    values = [v for v in (*clusters_before, *clusters_after, before, after) if math.isfinite(v)]
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    ticks = nice_ticks(low, high)
    frame = _Frame(width, height, (-0.15, 1.15), (min(ticks[0], low), max(ticks[-1], high)))
    frame.y_axis(ticks)
    for b, a in zip(clusters_before, clusters_after, strict=True):
        if math.isfinite(b) and math.isfinite(a):
            frame.line([0, 1], [b, a], stroke=_FAINT, stroke_width="1.2", stroke_opacity="0.8")
    if math.isfinite(before) and math.isfinite(after):
        frame.line([0, 1], [before, after], stroke=_INK, stroke_width="3")
    for x, wave in zip((0, 1), waves, strict=True):
        frame.text(frame.sx(x), height - 8, wave, fill=_INK)
    return frame.svg(title)


def difference_histogram(
    differences: Sequence[float], title: str = "", width: int = 250, height: int = 170
) -> str:
    """Histogram of the changes, a dashed line at no change and a solid one at their mean."""
    d = np.asarray([v for v in differences if math.isfinite(v)], dtype=float)
    if d.size == 0:
        return _Frame(width, height, (0, 1), (0, 1)).svg(title)
    low, high = float(min(d.min(), 0)), float(max(d.max(), 0))
    if high == low:
        low, high = low - 1, high + 1
    if np.all(d == np.round(d)) and high - low <= 40:  # whole numbers: one bar per value
        low, high = low - 0.5, high + 0.5
        bins = int(high - low)
    else:
        bins = min(15, max(5, int(math.sqrt(d.size)) + 2))
    counts, edges = np.histogram(d, bins=bins, range=(low, high))
    ticks_y = nice_ticks(0, float(counts.max()), 3)
    ticks_y = [t for t in ticks_y if t == int(t)]
    frame = _Frame(width, height, (low, high), (0, max(ticks_y[-1], float(counts.max()))))
    frame.y_axis(ticks_y)
    for count, left, right in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            x, y = frame.sx(left), frame.sy(count)
            frame.parts.append(
                f'<rect x="{x + 0.5:.1f}" y="{y:.1f}" width="{frame.sx(right) - x - 1:.1f}" '
                f'height="{frame.sy(0) - y:.1f}" fill="{_BLUE}" fill-opacity="0.75"/>'
            )
    top = frame.y1
    frame.line([0, 0], [0, top], stroke=_INK, stroke_width="1.2", stroke_dasharray="4 3")
    frame.line([d.mean()] * 2, [0, top], stroke=_ACCENT, stroke_width="2.2")
    for tick in nice_ticks(low, high, 4):
        if low <= tick <= high:
            frame.text(frame.sx(tick), height - 8, _tick_text(tick, high - low), fill=_INK)
    return frame.svg(title)


def power_curve(
    power_at: Sequence[tuple[float, float, float]],
    observed: Sequence[tuple[str, float, float]],
    axis_x: str = "d_z",
    axis_y: str = "power",
    title: str = "",
    width: int = 640,
    height: int = 300,
) -> str:
    """Power against d_z for the survey's n (solid) and effective n (dashed).

    Parameters
    ----------
    power_at : sequence of (d_z, power with n, power with the effective n)
        The curve, with d_z increasing.
    observed : sequence of (mark, |d_z|, power)
        The effects observed, drawn as numbered dots on the solid curve.
    """
    top_x = max(d for d, _, _ in power_at) if power_at else 1.0
    frame = _Frame(width, height, (0, top_x), (0, 1))
    frame.bottom, frame.top, frame.right = 40, 24, 24
    frame.y_axis([0, 0.2, 0.4, 0.6, 0.8, 1.0], axis_y)
    frame.line([0, top_x], [0.8, 0.8], stroke=_ACCENT, stroke_width="1.2", stroke_dasharray="5 3")
    frame.text(frame.sx(top_x) - 2, frame.sy(0.8) - 4, "80%", "end", fill=_ACCENT)
    xs = [d for d, _, _ in power_at]
    frame.line(xs, [p for _, p, _ in power_at], stroke=_BLUE, stroke_width="2.5")
    effective = [(d, p) for d, _, p in power_at if math.isfinite(p)]
    if effective:
        frame.line(
            [d for d, _ in effective],
            [p for _, p in effective],
            stroke=_BLUE,
            stroke_width="2",
            stroke_dasharray="6 4",
        )
    for tick in nice_ticks(0, top_x, 6):
        if tick <= top_x:
            frame.text(frame.sx(tick), height - 22, f"{tick:g}", fill=_INK)
    frame.text(frame.sx(top_x / 2), height - 6, axis_x, fill=_INK)
    for mark, dz, power in observed:
        if math.isfinite(dz) and math.isfinite(power) and dz <= top_x:
            x, y = frame.sx(dz), frame.sy(power)
            frame.parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{_ACCENT}" stroke="white"/>'
            )
            frame.text(x + 5, y - 5, mark, "start", fill=_INK, font_size="10")
    return frame.svg(title)


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """``text`` in at most ``lines`` lines of about ``width`` characters (CJK counts double)."""
    rows: list[str] = []
    current = ""
    for char in text:
        size = sum(2 if ord(c) > 0x2E80 else 1 for c in current + char)
        if size > width and current:
            cut = current.rfind(" ")
            if cut > 0 and char != " ":
                rows.append(current[:cut])
                current = current[cut + 1 :] + char
            else:
                rows.append(current.rstrip())
                current = char.lstrip()
        else:
            current += char
    rows.append(current)
    if len(rows) > lines:
        rows = [*rows[: lines - 1], rows[lines - 1][: width - 1] + "…"]
    return rows


def path_diagram(
    constructs: Sequence[tuple[str, str, str]],
    arrows: Sequence[tuple[str, str, str, bool]],
    title: str = "",
    width: int = 720,
) -> str:
    """Constructs as boxes, left to right in the order of the arrows, and labelled arrows.

    Parameters
    ----------
    constructs : sequence of (code, label, note)
        Each box: its code, the text it shows, and a line under it (e.g. ``R² = 0.38``).
    arrows : sequence of (source, target, text, solid)
        Each arrow between two codes, the text on it, and whether it is drawn solid (a
        significant path) or dashed.
    """
    depth = {code: 0 for code, _, _ in constructs}
    for _ in constructs:  # longest path from a source: at most one pass per construct
        for source, target, _, _ in arrows:
            depth[target] = max(depth[target], depth[source] + 1)
    targets = {target for _, target, _, _ in arrows}
    for code, _, _ in constructs:  # a source stands just before what it points at
        after = [depth[t] for s, t, _, _ in arrows if s == code]
        if code not in targets and after:
            depth[code] = min(after) - 1
    layers = max(depth.values(), default=0) + 1
    rows: dict[int, list[str]] = {}
    for code, _, _ in constructs:
        rows.setdefault(depth[code], []).append(code)
    box_w, box_h, gap = 170, 48, 34
    tallest = max((len(r) for r in rows.values()), default=1)
    height = tallest * (box_h + gap) + 24
    step = (width - 2 * 12 - box_w) / max(layers - 1, 1)
    place = {}
    for layer, codes in rows.items():
        top = (height - len(codes) * (box_h + gap) + gap) / 2
        for i, code in enumerate(codes):
            place[code] = (12 + layer * step, top + i * (box_h + gap))
    parts = [
        '<defs><marker id="pls-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        f'fill="{_INK}"/></marker></defs>'
    ]
    for source, target, text, solid in arrows:
        (x1, y1), (x2, y2) = place[source], place[target]
        a, b = (x1 + box_w, y1 + box_h / 2), (x2, y2 + box_h / 2)
        dash = "" if solid else ' stroke-dasharray="5 4"'
        colour = _INK if solid else _FAINT
        parts.append(
            f'<line x1="{a[0]:.1f}" y1="{a[1]:.1f}" x2="{b[0] - 2:.1f}" y2="{b[1]:.1f}" '
            f'stroke="{colour}" stroke-width="1.6"{dash} marker-end="url(#pls-arrow)"/>'
        )
        mx, my = a[0] + (b[0] - a[0]) * 0.5, a[1] + (b[1] - a[1]) * 0.5
        w = 7 * len(text) + 8
        parts.append(
            f'<rect x="{mx - w / 2:.1f}" y="{my - 9:.1f}" width="{w}" height="16" rx="3" '
            f'fill="white" stroke="{_GRID}"/>'
            f'<text x="{mx:.1f}" y="{my + 3:.1f}" text-anchor="middle" fill="{_INK}">'
            f"{escape(text)}</text>"
        )
    for code, label, note in constructs:
        x, y = place[code]
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{box_w}" height="{box_h}" rx="6" '
            f'fill="#eef4fa" stroke="{_BLUE}" stroke-width="1.4"/>'
        )
        lines = [*_wrap(label, 26, 2 if not note else 1 if len(label) > 40 else 2)]
        lines += [note] if note else []
        for i, line in enumerate(lines):
            offset = box_h / 2 + 4 + (i - (len(lines) - 1) / 2) * 13
            weight = "400" if note and i == len(lines) - 1 else "600"
            parts.append(
                f'<text x="{x + box_w / 2:.1f}" y="{y + offset:.1f}" text-anchor="middle" '
                f'fill="{_INK}" font-weight="{weight}">{escape(line)}</text>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height:.0f}" '
        f'width="{width}" height="{height:.0f}" role="img" {_FONT}>'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )


def age_pyramid(
    bands: Sequence[str],
    left: Sequence[int],
    right: Sequence[int],
    sides: tuple[str, str],
    title: str = "",
    width: int = 360,
) -> str:
    """An age pyramid: one bar per age band and side (youngest at the bottom), counts on the
    axis, the two sides' names above their bars (males left, females right by convention)."""
    rows = len(bands)
    bar, gap, top, bottom, middle = 14, 4, 22, 24, 44
    height = top + rows * (bar + gap) + bottom
    most = max([*left, *right, 1])
    ticks = [t for t in nice_ticks(0, most, 3) if t == int(t)]
    scale = max(ticks[-1], most)
    half = (width - middle) / 2 - 8
    centre = width / 2
    parts = []

    def x_of(count: float, side: int) -> float:
        return centre + side * (middle / 2 + count / scale * half)

    for tick in ticks:
        for side in (-1, 1):
            x = x_of(tick, side)
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top}" y2="{height - bottom}" '
                f'stroke="{_GRID}" stroke-width="1"/>'
            )
            parts.append(
                f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{_INK}">'
                f"{tick:g}</text>"
            )
    for i, band in enumerate(bands):
        y = top + (rows - 1 - i) * (bar + gap)
        parts.append(
            f'<text x="{centre:.1f}" y="{y + bar - 3}" text-anchor="middle" fill="{_INK}">'
            f"{escape(band)}</text>"
        )
        for side, count, colour in ((-1, left[i], _BLUE), (1, right[i], _ACCENT)):
            if count:
                start, end = x_of(0, side), x_of(count, side)
                parts.append(
                    f'<rect x="{min(start, end):.1f}" y="{y}" width="{abs(end - start):.1f}" '
                    f'height="{bar}" fill="{colour}" fill-opacity="0.8"><title>{escape(band)}: '
                    f"{count}</title></rect>"
                )
    for side, name, anchor in ((-1, sides[0], "end"), (1, sides[1], "start")):
        parts.append(
            f'<text x="{x_of(0, side):.1f}" y="{top - 8}" text-anchor="{anchor}" '
            f'fill="{_BLUE if side < 0 else _ACCENT}" font-weight="600">{escape(name)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" {_FONT}>'
        f"<title>{escape(title)}</title>{''.join(parts)}</svg>"
    )
