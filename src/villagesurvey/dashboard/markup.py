"""Untrusted text as HTML that shows it and does nothing else.

Every value that comes from the returns, the sample list or a file name (a village, a key,
a message quoting an answer) goes through :func:`text`: HTML's special characters are
escaped; control characters (an escape, a line break) and the invisible marks that reorder
text (right-to-left overrides and isolates) are shown as ``\\xNN`` or ``\\uNNNN``; and the
value is set in ``<bdi>``, so that right-to-left text stays within its cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html import escape

from ..tables.safe import escaped_character

__all__ = ["number", "plain", "table", "text"]

_HIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def plain(value: object) -> str:
    """A value as escaped HTML text, hidden characters shown, without ``<bdi>``."""
    return escape(_HIDDEN.sub(escaped_character, "" if value is None else str(value)), quote=True)


def text(value: object) -> str:
    """An untrusted value as HTML: escaped, hidden characters shown, in ``<bdi>``."""
    return f"<bdi>{plain(value)}</bdi>"


def number(value: int | float | None, missing: str = "–") -> str:
    """A count as shown in a table: ``1,234``; ``missing`` for none."""
    if value is None:
        return missing
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    numeric: Sequence[bool],
    *,
    foot: Sequence[str] | None = None,
    row_ids: Sequence[str] | None = None,
) -> str:
    """A ``<table class="grid">`` of cells already made HTML; numbers right-aligned."""

    def cells(values: Sequence[str], tag: str) -> str:
        return "".join(
            f'<{tag} class="num">{v}</{tag}>' if n else f"<{tag}>{v}</{tag}>"
            for v, n in zip(values, numeric, strict=True)
        )

    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        anchor = f' id="{plain(row_ids[i])}"' if row_ids is not None else ""
        body.append(f"<tr{anchor}>{cells(row, 'td')}</tr>")
    end = f"<tfoot><tr>{cells(foot, 'th')}</tr></tfoot>" if foot is not None else ""
    return (
        f'<table class="grid"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody>{end}</table>"
    )
