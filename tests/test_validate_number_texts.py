"""Numbers in the clean dataset are written as a person writes them, one value at a time.

The definition, per value: blank for a missing one; the digits of a whole number smaller than
10**15 in size (``41``, ``-0`` as ``0``); Python's ``repr`` of any other (``1e+16``,
``0.30000000000000004``). The column-at-a-time writer
(:func:`villagesurvey.validate.number_texts.number_texts`), which writes each distinct value
once when few repeat, is held to it on hard values and on columns with few or many distinct
values.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate.number_texts import number_texts
from villagesurvey.validate.result import numbers_as_text


def _written(value: float) -> str:
    if math.isnan(value):
        return ""
    if abs(value) < 1e15 and value == round(value):
        return str(int(value))
    return repr(value)


_HARD = [
    0.0, -0.0, 41.0, -41.0, 9999.0, 10000.0, 71000.0, 999999999999999.0, -999999999999999.0,
    1e15, -1e15, 1e16, 2.0**53, 2.0**53 + 2, 0.1 + 0.2, 1e-7, 5e-324, -2.5, 123456789012345.6,
    1e14 + 0.5, 1.7976931348623157e308, math.inf, -math.inf, math.nan,
]  # fmt: skip


def test_hard_values_are_written_as_a_person_writes_them() -> None:
    got = number_texts(np.array(_HARD)).to_pylist()
    assert got[:4] == ["0", "0", "41", "-41"]
    assert got[9:13] == ["1000000000000000.0", "-1000000000000000.0", "1e+16", "9007199254740992.0"]
    assert got[14:17] == ["0.30000000000000004", "1e-07", "5e-324"]
    assert got[-3:] == ["inf", "-inf", ""]
    assert got == [_written(v) for v in _HARD]


_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**16), 10**16).map(float),
    st.sampled_from(_HARD),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_NUMBER, max_size=40))
def test_any_numbers_are_written_as_each_would_be(values: list[float]) -> None:
    numbers = np.array(values, dtype=np.float64)
    assert number_texts(numbers).to_pylist() == [_written(v) for v in values]


@settings(max_examples=100, deadline=None)
@given(st.lists(_NUMBER, min_size=1, max_size=12), st.integers(0, 6000), st.integers(0, 2**32))
def test_few_values_repeated_are_written_as_each_would_be(distinct, size, seed) -> None:  # type: ignore[no-untyped-def]
    picked = np.random.default_rng(seed).integers(0, len(distinct), size)
    numbers = np.array(distinct, dtype=np.float64)[picked]
    expected = [_written(distinct[i]) for i in picked.tolist()]
    assert number_texts(numbers).to_pylist() == expected


@pytest.mark.parametrize("size", [0, 1, 3000])
def test_a_column_keeps_its_index_and_is_text(size: int) -> None:
    values = pd.Series([2.0, None, -0.0] * size, dtype="Float64", index=range(5, 5 + 3 * size))
    shown = numbers_as_text(values)
    assert shown.dtype == "str"
    assert shown.index.equals(values.index)
    assert shown.tolist() == ["2", "", "0"] * size
