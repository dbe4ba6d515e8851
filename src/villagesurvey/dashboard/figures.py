"""Small inline SVG figures: drawn as text, nothing loaded, scaled to the screen's width."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from .markup import plain

__all__ = ["day_bars", "every_day", "village_days"]

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
    parts += _day_labels([day for day, _ in days], _LEFT, step, _HEIGHT - _BOTTOM + 16)
    parts.append("</svg>")
    return "".join(parts)


def village_days(
    counts: Sequence[tuple[str, str, int]], villages: Sequence[str], days: Sequence[str],
    title: str, label: str,
) -> str:  # fmt: skip
    """An ``<svg class="figure">`` of interviews by village (rows) and day (columns).

    Parameters
    ----------
    counts : sequence of (str, str, int)
        ``(village, YYYY-MM-DD, interviews)``; a village and day not given had none.
    villages : sequence of str
        The rows, in order (every village of ``counts`` among them).
    days : sequence of str
        The columns, in order (every day of ``counts`` among them).
    title, label : str
        The figure's title and its text alternative (plain text).

    Each cell is shaded by its count (the busiest cell darkest, a day without an interview
    pale grey), has its count written when there is room, and says it as its title.
    """
    given = {(v, d): n for v, d, n in counts}
    top = max(given.values(), default=0) or 1
    name_w = max(_LEFT, 8 + 8 * min(max((len(v) for v in villages), default=1), 12))
    cell_w = (_WIDTH - name_w - _RIGHT) / max(len(days), 1)
    cell_h = 20
    height = _TOP + cell_h * len(villages) + _BOTTOM
    parts = [
        f'<svg class="figure" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-label="{plain(label)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{plain(title)}</title>",
    ]
    for row, village in enumerate(villages):
        y = _TOP + row * cell_h
        parts.append(
            f'<text x="{name_w - 6}" y="{y + cell_h - 6}" text-anchor="end" font-size="13">'
            f"{plain(village[:12])}</text>"
        )
        for column, day in enumerate(days):
            count = given.get((village, day), 0)
            x = name_w + column * cell_w
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_w - 1:.1f}" height="{cell_h - 1}" '
                f'fill="{_shade(count / top) if count else "#f6f8fa"}">'
                f"<title>{plain(village)} {plain(day)}: {count}</title></rect>"
            )
            if count and cell_w >= 18:
                ink = "#ffffff" if count / top > 0.5 else "#1f2328"
                parts.append(
                    f'<text x="{x + cell_w / 2:.1f}" y="{y + cell_h - 6}" text-anchor="middle" '
                    f'font-size="12" style="fill:{ink}">{count}</text>'
                )
    parts += _day_labels(list(days), name_w, cell_w, height - _BOTTOM + 18)
    parts.append("</svg>")
    return "".join(parts)


def _shade(share: float) -> str:
    """A blue from pale (few interviews) to dark (the most)."""
    pale, dark = (0xCF, 0xE2, 0xF7), (0x0B, 0x4A, 0x8B)
    mixed = (round(p + (d - p) * share) for p, d in zip(pale, dark, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def _day_labels(days: Sequence[str], left: float, step: float, y: float) -> list[str]:
    """The month and day (``10-13``) under a few of the columns of days, centred."""
    return [
        f'<text x="{left + i * step + step / 2:.1f}" y="{y}" text-anchor="middle" '
        f'font-size="{_FONT}">{plain(days[i][5:])}</text>'
        for i in _labelled(len(days))
    ]


def _labelled(count: int) -> list[int]:
    """Which bars get their day written below: all of a few, else about six spread out."""
    if count <= 6:
        return list(range(count))
    every = -(-count // 5)
    shown = list(range(0, count, every))
    if count - 1 - shown[-1] >= every / 2:  # the last day too, when it does not crowd
        shown.append(count - 1)
    return shown
