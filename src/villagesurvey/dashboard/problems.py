"""The dashboard's top problems: the most frequent checks, each with links to its rows.

:func:`problems_block` picks from the findings (as issues.csv has them, personal data
hidden) the errors and then the warnings, most frequent check first, at most :data:`TOP`
checks and :data:`SHOWN` rows of each; :func:`section` renders them, each check a
``<details>`` list of file, sheet, row, column, value and message, every row with its anchor
(``#problem-<check>-<n>``) and the list of checks linking to them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .markup import number, plain, table, text
from .words import say

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SHOWN", "TOP", "problems_block", "section"]

TOP = 10
"""Checks shown."""
SHOWN = 50
"""Rows shown of each check."""
_SEVERITIES = ("error", "warning")


def problems_block(issues: pd.DataFrame, top: int = TOP, shown: int = SHOWN) -> dict[str, Any]:
    """The most frequent checks and their first rows.

    Parameters
    ----------
    issues : DataFrame
        Findings with ``file, sheet, row, column, value, check, severity, message``.
    top, shown : int
        How many checks, and how many rows of each.

    Returns
    -------
    dict
        ``{"checks": [{"check", "severity", "count", "rows": [...]}, ...], "more": n}``.
    """
    wanted = issues[issues["severity"].isin(_SEVERITIES)]
    sizes = wanted.groupby(["severity", "check"], sort=False).size().reset_index(name="count")
    sizes["order"] = sizes["severity"].map({s: i for i, s in enumerate(_SEVERITIES)})
    sizes = sizes.sort_values(["order", "count", "check"], ascending=[True, False, True])
    checks = []
    for severity, check, count in (
        sizes[["severity", "check", "count"]].head(top).itertuples(index=False)
    ):
        part = wanted[(wanted["severity"] == severity) & (wanted["check"] == check)].head(shown)
        rows = [
            {name: _cell(value) for name, value in zip(_FIELDS, values, strict=True)}
            for values in part[list(_FIELDS)].itertuples(index=False)
        ]
        checks.append({"check": str(check), "severity": str(severity), "count": int(count),
                       "rows": rows})  # fmt: skip
    return {"checks": checks, "more": max(len(sizes) - top, 0)}


_FIELDS = ("file", "sheet", "row", "column", "value", "message")


def _cell(value: Any) -> str:
    """A finding's field as text: ``102`` for a row, blank for a missing value."""
    from ..validate.cells import show

    return show(value)


def section(block: Mapping[str, Any], language: str) -> str:
    """The top problems as ``<section class="card" id="problems">``."""
    parts = [f'<section class="card" id="problems"><h2>{say("problems", language)}</h2>']
    checks = block.get("checks", [])
    if not checks:
        none = say("no_problems", language)
        parts.append(f'<p class="note"><span class="flag ok">{none}</span></p>')
    else:
        parts.append("<ol>")
        for i, check in enumerate(checks):
            flag = "flag warn" if check["severity"] == "error" else "flag"
            parts.append(
                f'<li><a href="#{_anchor(i, check["check"])}">{text(check["check"])}</a> '
                f'<span class="{flag}">{say(check["severity"], language)}</span> '
                f"{number(check['count'])}</li>"
            )
        parts.append("</ol>")
        parts += [_check(i, check, language) for i, check in enumerate(checks)]
    if block.get("more"):
        parts.append(f'<p class="note">{say("more_checks", language, count=block["more"])}</p>')
    parts.append("</section>")
    return "".join(parts)


def _anchor(i: int, check: str) -> str:
    """A fragment for a check: its position and its code's plain letters (codes are ASCII)."""
    return plain(f"problem-{i + 1}-" + re.sub(r"[^A-Za-z0-9_-]", "", check))


def _check(i: int, check: Mapping[str, Any], language: str) -> str:
    anchor = _anchor(i, check["check"])
    headers = [say(w, language) for w in ("file", "sheet", "row", "column", "value", "message")]
    rows = [
        [text(r["file"]), text(r["sheet"]), text(r["row"]),
         text(r["column"]), text(r["value"]), text(r["message"])]
        for r in check["rows"]
    ]  # fmt: skip
    ids = [f"{anchor}-{n + 1}" for n in range(len(rows))]
    body = table(headers, rows, [False, False, True, False, False, False], row_ids=ids)
    note = ""
    if check["count"] > len(rows):
        said = say("shown_first", language, shown=len(rows), count=check["count"])
        note = f'<p class="note">{said}</p>'
    return (
        f'<details id="{anchor}"><summary>{text(check["check"])} '
        f"({number(check['count'])})</summary>{body}{note}</details>"
    )
