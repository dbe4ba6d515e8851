"""Who asked, or where: a column of names as integer codes, read once for every statistic."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Labels"]


@dataclass(frozen=True)
class Labels:
    """Names of a column (enumerators, villages) as codes ``0 .. len(names) - 1``.

    Attributes
    ----------
    codes : ndarray of int
        Each row's code; -1 for a missing or blank name.
    names : list of str
        The name of each code, in the order first seen.
    """

    codes: np.ndarray
    names: list[str]

    @classmethod
    def of(cls, values: Any) -> Labels:
        """The labels of ``values`` (an array or list of names); labels given stay as they are."""
        import pandas as pd

        if isinstance(values, Labels):
            return values
        series = pd.Series(np.asarray(values, dtype=object), dtype=object)
        series = series.mask(series.isna() | (series == ""))
        codes, uniques = pd.factorize(series)
        return cls(np.asarray(codes, dtype=np.intp), [str(u) for u in uniques])

    def take(self, keep: np.ndarray) -> Labels:
        """The labels of the rows kept, recoded ``0 ..`` over the names still present."""
        codes = self.codes[keep]
        present = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(self.names)))
        recode = np.full(len(self.names) + 1, -1, dtype=np.intp)  # -1 reads the last: -1
        recode[present] = np.arange(present.size)
        return Labels(recode[codes], [self.names[i] for i in present])
