"""The row hashes of the duplicates across partitions: rows the in-memory check holds identical
(:func:`villagesurvey.validate.duplicates.find_duplicates`: equal pandas hashes, then one group
of ``groupby(dropna=False)``) hash alike in any partition and whatever the layout of their
buffers; rows pandas hashes apart hash apart, on hostile values (blanks, empty texts,
control characters, texts a NUL byte longer, numbers a last bit apart, -0.0, huge integers,
dates)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate.row_hashes import column_hashes, combined

TEXTS = [None, "", "a", "a\0", "\0", "\0a", "é", "\r\n", "0", "1", "aaaaaaaa", "aaaaaaaaa",
         "aaaaaaa", "aaaaaaaa\0", "village 12", "village 12 ", "x" * 40, "x" * 41, "🙂"]  # fmt: skip
NUMBERS = [None, 0.0, -0.0, 1.0, float(np.nextafter(1.0, 2.0)), -1.0, 1e308, 5e-324, 2.5]
INTEGERS = [None, 0, -1, 1, 2**62, 2**62 + 1, 2**63 - 1, -(2**63)]
DATES = [None, "2024-01-01", "2024-01-02", "1970-01-01", "2024-01-01 00:00:01"]
MIXED = [None, 1, "1", 1.5, "a", True]


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    texts, numbers, integers, dates, mixed = zip(*rows, strict=True) if rows else ([],) * 5
    return pd.DataFrame(
        {
            "text": pd.array(list(texts), dtype="str"),
            "number": pd.array(list(numbers), dtype="Float64"),
            "integer": pd.array(list(integers), dtype="Int64"),
            "date": pd.to_datetime(pd.Series(list(dates), dtype=object), format="ISO8601"),
            "mixed": pd.Series(list(mixed), dtype=object),
        }
    )


def _hashes(frame: pd.DataFrame) -> np.ndarray:
    return combined((column_hashes(frame[c]) for c in frame.columns), len(frame))


def _relaid(frame: pd.DataFrame, how: int) -> pd.DataFrame:
    """The same answers, the texts laid out otherwise in Arrow's buffers."""
    listed = [None if pd.isna(t) else t for t in frame["text"].tolist()]
    texts = pa.array(listed, type=pa.large_string())
    if how == 1:  # a slice of a longer array: an offset into the buffers
        longer = pa.array(["before", None, *listed, "after"], pa.large_string())
        laid: Any = pa.chunked_array([longer.slice(2, len(frame))], pa.large_string())
    elif how == 2:  # 32-bit offsets, in two chunks
        narrow = pa.array(listed, type=pa.string())
        half = len(frame) // 2
        laid = pa.chunked_array([narrow.slice(0, half), narrow.slice(half)], pa.string())
    elif how == 3:  # Python objects, not Arrow
        return frame.assign(text=pd.Series(listed, dtype=object, index=frame.index))
    else:
        laid = pa.chunked_array([texts])
    return frame.assign(text=pd.Series(pd.arrays.ArrowStringArray(laid), index=frame.index))


def _pandas_identical(frame: pd.DataFrame) -> np.ndarray:
    """Which rows the in-memory check holds identical, as a group number per row."""
    hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy()
    groups = frame.groupby(list(frame.columns), dropna=False, sort=False).ngroup().to_numpy()
    return np.unique(np.stack([hashes, groups.astype(np.uint64)]), axis=1, return_inverse=True)[
        1
    ].ravel()


ROW = st.tuples(*(st.sampled_from(pool) for pool in (TEXTS, NUMBERS, INTEGERS, DATES, MIXED)))


@settings(max_examples=60, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=25), st.integers(0, 25), st.integers(0, 3))
def test_identical_rows_hash_alike_in_any_partition(
    rows: list[tuple[Any, ...]], split: int, how: int
) -> None:
    whole = _frame(rows)
    split = min(split, len(whole))
    first, second = whole.iloc[:split], whole.iloc[split:]
    hashed = np.concatenate(
        [
            _hashes(_relaid(first.reset_index(drop=True), how)),
            _hashes(second.reset_index(drop=True)),
        ]
    )
    same = _pandas_identical(whole)
    pandas = pd.util.hash_pandas_object(whole, index=False).to_numpy()
    for i in range(len(whole)):
        for j in range(len(whole)):
            if same[i] == same[j]:
                assert hashed[i] == hashed[j], (rows[i], rows[j])
            if pandas[i] != pandas[j]:
                assert hashed[i] != hashed[j], (rows[i], rows[j])


@pytest.mark.parametrize("how", [0, 1, 2, 3])
def test_every_text_hashes_the_same_whatever_its_layout(how: int) -> None:
    rows = [(t, None, None, None, None) for t in TEXTS * 3]
    plain = column_hashes(_frame(rows)["text"])
    relaid = column_hashes(_relaid(_frame(rows), how)["text"])
    assert (plain == relaid).all()
    assert len(set(plain.tolist())) == len(TEXTS)  # a blank, an empty text, a NUL: all apart


def test_texts_of_one_width_hash_as_texts_of_many() -> None:
    # side by side (one width, or one width and empty texts) and gathered one by one
    one_width = ["abc", "abd", "abc"]
    with_empty = ["abc", "", None, "abd"]
    many = ["abc", "abcd", "abd", "", None]
    hashed = {
        text: value
        for texts in (one_width, with_empty, many)
        for text, value in zip(texts, column_hashes(pd.Series(texts, dtype="str")), strict=True)
        if text is not None
    }
    again = column_hashes(pd.Series(list(hashed), dtype="str"))
    assert list(hashed.values()) == again.tolist()


def test_a_blank_hashes_alike_in_every_type() -> None:
    blanks = [
        pd.Series([None], dtype="str"),
        pd.Series([None], dtype="Float64"),
        pd.Series([None], dtype="Int64"),
        pd.Series([None], dtype=object),
        pd.Series([np.nan], dtype=float),
        pd.Series([pd.NaT], dtype="datetime64[ns]"),
    ]
    assert len({int(column_hashes(b)[0]) for b in blanks}) == 1


def _reference_text_hash(text: str) -> int:
    """The hash of a text as the module defines it, a word at a time in Python."""
    from villagesurvey.validate.row_hashes import _TEXT, _factor

    raw = text.encode()
    total = len(raw) * _TEXT
    for n in range(0, len(raw), 8):
        word = int.from_bytes(raw[n : n + 8].ljust(8, b"\0"), "little")
        total += word * int(_factor(n // 8 + 1))
    return total % 2**64


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 20),
    st.lists(st.text(st.characters(codec="utf-8"), max_size=3), min_size=1, max_size=12),
    st.booleans(),
)
def test_texts_of_each_width_hash_by_the_definition(
    width: int, seeds: list[str], blanks: bool
) -> None:
    # texts of one width in bytes (each word-sized type, a word and a bit, many words) and
    # the same texts among others of other widths, with and without blanks and empties
    texts = [(seed.encode() * 21)[:width].decode("utf-8", "ignore") for seed in seeds]
    one_width = [t for t in texts if len(t.encode()) == width] or ["x" * width]
    for column in (one_width, one_width + ["", None] * blanks, [*one_width, "ab", "abcdefghij"]):
        hashed = column_hashes(pd.Series(column, dtype="str"))
        for text, value in zip(column, hashed.tolist(), strict=True):
            if text is not None:
                assert value == _reference_text_hash(text), (text, column)
