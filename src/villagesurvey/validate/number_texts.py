"""Numbers as a person writes them, a whole column at once: ``41``, not ``41.0``.

A whole number below 10**15 in size is written in plain digits (``-0`` as ``0``); any other
number as Python's ``repr`` writes it (``0.30000000000000004``, ``1e+16``); a missing one
(NaN) as an empty text. A survey's number columns repeat few values (ages, amounts in
hundreds), so each distinct value is written once and the column taken from those texts:
equal numbers have equal texts, ``0`` and ``-0`` included.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

__all__ = ["number_texts"]

_LARGEST_WHOLE = 1e15
"""Whole numbers smaller than this in size are written in digits; larger ones as ``repr``."""

_DISTINCT_SHARE = 4
"""Each distinct value is written once when there are fewer than one per this many numbers."""


def number_texts(numbers: np.ndarray) -> pa.Array:
    """Each number as text (``large_string``, no nulls): digits for a whole number, ``repr``
    for any other, an empty text for NaN.

    Parameters
    ----------
    numbers : ndarray
        The numbers, as float64 (NaN for missing).

    Returns
    -------
    pyarrow.Array
        One text per number.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(pa.array(numbers))  # every NaN one value
    if len(encoded.dictionary) * _DISTINCT_SHARE >= len(numbers):
        return _texts(numbers)  # many distinct values: each written on its own
    shown: pa.Array = _texts(encoded.dictionary.to_numpy()).take(encoded.indices)
    return shown


def _texts(numbers: np.ndarray) -> pa.Array:
    """:func:`number_texts`, each number written on its own."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    known = ~np.isnan(numbers)
    whole = known & (numbers == np.round(numbers)) & (np.abs(numbers) < _LARGEST_WHOLE)
    digits = pa.array(np.where(whole, numbers, 0).astype(np.int64)).cast(pa.large_string())
    out = pc.if_else(pa.array(whole), digits, "")
    other = known & ~whole
    if other.any():
        shown = pa.array([repr(float(v)) for v in numbers[other]], type=pa.large_string())
        out = pc.replace_with_mask(out, pa.array(other), shown)
    return out
