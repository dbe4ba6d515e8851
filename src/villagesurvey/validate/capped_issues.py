"""The first findings of each check: what issues.xlsx shows of a validation whose findings
are never held whole (in partitions, on Dask).

Each piece of issues.csv keeps the first findings of each check it holds (:func:`first_findings`,
as many as a sheet of issues.xlsx shows); put together in the order of issues.csv
(:func:`add_heads`, or :class:`Gathered` for many pieces), they are the sheets of
:func:`.issues_book.write_issues_book`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Gathered", "Heads", "add_heads", "first_findings"]

Heads = dict[str, "pd.DataFrame"]
"""The first findings of each check (its lines of issues.csv), by check."""


def first_findings(issues: pd.DataFrame) -> Heads:
    """The first lines of each check of an issues table, as many as issues.xlsx shows."""
    from ._xlsx import MAX_CHECK_ROWS

    return {str(check): rows.head(MAX_CHECK_ROWS) for check, rows in issues.groupby("check")}


def add_heads(heads: Heads, more: Heads) -> Heads:
    """``heads`` followed by ``more`` (lines that come after them in issues.csv), each check
    cut to what issues.xlsx shows; ``heads`` is changed and returned. For many pieces,
    :class:`Gathered` joins each check's once."""
    gathered = Gathered()
    gathered.add(heads)
    gathered.add(more)
    heads.update(gathered.heads)
    return heads


class Gathered:
    """The first findings of each check of many pieces, taken in the order of issues.csv
    and joined once, when asked for (:attr:`heads`). Joined piece after piece instead, each
    join copied every row held again and added a chunk to each text column (about 4 CPU s
    of the validate process on the 10,000,000-row census)."""

    def __init__(self) -> None:
        self._pieces: dict[str, list[pd.DataFrame]] = {}
        self._rows: dict[str, int] = {}

    def add(self, more: Heads) -> None:
        """Take ``more``: lines that come after those taken in issues.csv."""
        from ._xlsx import MAX_CHECK_ROWS

        for check, rows in more.items():
            held = self._rows.get(check, 0)
            if held < MAX_CHECK_ROWS:
                piece = rows.head(MAX_CHECK_ROWS - held)
                self._pieces.setdefault(check, []).append(piece)
                self._rows[check] = held + len(piece)

    @property
    def heads(self) -> Heads:
        """Each check's first findings: its first piece's lines, or the pieces joined (numbered
        from 0)."""
        import pandas as pd

        return {
            check: pieces[0] if len(pieces) == 1 else pd.concat(pieces, ignore_index=True)
            for check, pieces in self._pieces.items()
        }
