"""The first findings of each check over many pieces of issues.csv
(:mod:`villagesurvey.validate.capped_issues`): gathered and joined once, or added piece by
piece, they are the tables of joining each piece as it comes, to the dtype and index."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate import _xlsx
from villagesurvey.validate.capped_issues import Gathered, Heads, add_heads

_CHECKS = ["range", "duplicate_row", "outlier"]


def _piece(counts: list[int], start: int) -> Heads:
    return {
        check: pd.DataFrame(
            {
                "check": pd.array([check] * n, dtype="str"),
                "record": pd.array(range(start, start + n), dtype="Int64"),
                "value": [None if i % 3 else f"v{i}" for i in range(n)],
            },
            index=pd.RangeIndex(start, start + n),
        )
        for check, n in zip(_CHECKS, counts, strict=True)
        if n >= 0
    }


def _joined_piece_after_piece(heads: Heads, more: Heads) -> Heads:
    """What issues.xlsx shows of ``heads`` then ``more``, joined as the pieces come: each
    check's first piece as it is, then each join numbered from 0 and cut."""
    for check, rows in more.items():
        held = heads.get(check)
        if held is None:
            heads[check] = rows.head(_xlsx.MAX_CHECK_ROWS)
        elif len(held) < _xlsx.MAX_CHECK_ROWS:
            joined = pd.concat([held, rows], ignore_index=True)
            heads[check] = joined.head(_xlsx.MAX_CHECK_ROWS)
    return heads


@settings(max_examples=60, deadline=None)
@given(pieces=st.lists(st.lists(st.integers(-1, 6), min_size=3, max_size=3), max_size=8))
def test_gathered_and_added_heads_are_those_joined_piece_after_piece(
    pieces: list[list[int]],
) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_xlsx, "MAX_CHECK_ROWS", 7)
        joined: Heads = {}
        added: Heads = {}
        gathered = Gathered()
        for number, counts in enumerate(pieces):
            piece = _piece(counts, 100 * number)
            _joined_piece_after_piece(joined, piece)
            add_heads(added, piece)
            gathered.add(piece)
        found = gathered.heads
    assert found.keys() == added.keys() == joined.keys()
    for check, table in joined.items():
        assert len(table) <= 7
        pd.testing.assert_frame_equal(found[check], table)
        pd.testing.assert_frame_equal(added[check], table)
