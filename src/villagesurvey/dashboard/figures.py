"""Small inline SVG figures: drawn as text, nothing loaded, scaled to the screen's width."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .markup import plain

__all__ = ["day_bars", "every_day"]

_WIDTH, _HEIGHT = 480, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 28, 16, 32
_FONT = 16
_END = f'text-anchor="end" font-size="{_FONT}"'
_LONGEST = 366
"""Days from which the days without an interview are not drawn as empty bars."""


def every_day(days: Sequence[tuple[str, int]]) -> list[tuple[str, int]]:
    """The days from the first to the last, those without an interview at 0.

    Over a range longer than a year (a mistyped date), only the days given are kept.
    """
    if not days:
        return []
    first, last = date.fromisoformat(days[0][0]), date.fromisoformat(days[-1][0])
    span = (last - first).days + 1
    if span > _LONGEST:
        return list(days)
    given = dict(days)
    out = []
    for offset in range(span):
        day = (first + timedelta(days=offset)).isoformat()
        out.append((day, given.get(day, 0)))
    return out


def day_bars(days: Sequence[tuple[str, int]], title: str, label: str) -> str:
    """An ``<svg class="figure">`` of one bar per day, with its title and a text alternative.

    Parameters
    ----------
    days : sequence of (str, int)
        ``(YYYY-MM-DD, interviews)`` in order.
    title : str
        The figure's title (plain text).
    label : str
        The figure's text alternative (plain text), read by screen readers.
    """
    top = max((n for _, n in days), default=0) or 1
    inner_w = _WIDTH - _LEFT - _RIGHT
    inner_h = _HEIGHT - _TOP - _BOTTOM
    step = inner_w / max(len(days), 1)
    bar = max(step * 0.8, 1.0)
    parts = [
        f'<svg class="figure" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-label="{plain(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{plain(title)}</title>",
        f'<line x1="{_LEFT}" y1="{_TOP + inner_h}" x2="{_WIDTH - _RIGHT}" '
        f'y2="{_TOP + inner_h}" stroke="#57606a"/>',
        f'<text x="{_LEFT - 6}" y="{_TOP + 6}" {_END}>{top}</text>',
        f'<text x="{_LEFT - 6}" y="{_TOP + inner_h}" {_END}>0</text>',
    ]
    for i, (day, count) in enumerate(days):
        height = inner_h * count / top
        x = _LEFT + i * step + (step - bar) / 2
        parts.append(
            f'<rect x="{x:.1f}" y="{_TOP + inner_h - height:.1f}" width="{bar:.1f}" '
            f'height="{height:.1f}" fill="#0b6bcb"><title>{plain(day)}: {count}</title></rect>'
        )
    for i in _labelled(len(days)):
        x = _LEFT + i * step + step / 2
        parts.append(
            f'<text x="{x:.1f}" y="{_HEIGHT - _BOTTOM + 16}" text-anchor="middle" '
            f'font-size="{_FONT}">{plain(days[i][0][5:])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _labelled(count: int) -> list[int]:
    """Which bars get their day written below: all of a few, else about six spread out."""
    if count <= 6:
        return list(range(count))
    every = -(-count // 5)
    shown = list(range(0, count, every))
    if count - 1 - shown[-1] >= every / 2:  # the last day too, when it does not crowd
        shown.append(count - 1)
    return shown
