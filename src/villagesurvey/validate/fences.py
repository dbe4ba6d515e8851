"""Tukey's fences by group: each group's quartiles, NumPy's ``linear`` quantile to the last bit.

:func:`bounds` gives the fences of each group of a column's answers (those of all returns for
a group too small to have its own), as :mod:`.hfc` judges outliers by them. The quartiles are
exact (an approximate sketch would change which answers are flagged), drawn one of two ways:

- **by counting** (:func:`_counted_bounds`), when the column holds few different values for
  its groups (amounts rounded to hundreds, ages, counts: the answers of a survey): every
  answer is numbered by its rank among the column's different values (one pass through a
  hash table), the answers of each group counted by rank, and each quartile's two values
  found by their positions among the counts. No sort of the answers, one pass for every
  group.
- **by selection** otherwise: the answers ordered by group, then, for each group large
  enough to have fences of its own, the two values around each quartile selected
  (``numpy.partition``), or all values sorted at once when the groups are many and small.

Both give the values at the same positions of each group's sorted answers, and the same
arithmetic between them (:func:`_quartile`): the same fences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["MIN_DISTINCT", "MIN_GROUP", "MIN_VALUES", "Grouping", "bounds", "grouping"]

MIN_GROUP = 30
MIN_VALUES = 10
MIN_DISTINCT = 10


def _quartile(
    ordered: np.ndarray, starts: np.ndarray, counts: np.ndarray, q: float, selected: int = 0
) -> np.ndarray:
    """Quantile ``q`` of each group of ``ordered`` (sorted within groups), as NumPy's
    ``linear`` method (R's type 7) computes it, to the last bit. With ``selected`` 1, each
    group's two values around its quantile are at its start, one after the other."""
    import numpy as np

    virtual = (counts - 1) * q
    before = np.floor(virtual)
    if selected:
        low, high = ordered[starts], ordered[starts + 1]
    else:
        low = ordered[starts + before.astype(np.intp)]
        high = ordered[starts + np.minimum(before + 1, counts - 1).astype(np.intp)]
    return _between(low, high, virtual - before)


def _between(low: np.ndarray, high: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """NumPy's ``_lerp``: from ``low`` towards ``high`` by ``gamma``, from the nearer end."""
    import numpy as np

    diff = high - low
    result: np.ndarray = np.where(gamma >= 0.5, high - diff * (1 - gamma), low + diff * gamma)
    return result


def _group_fences(
    ordered: np.ndarray, grouped: np.ndarray, size: int, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fences of each group ``0 .. size-1``; whether it has them.

    ``ordered`` holds the known values sorted by group (``grouped``), then by value. A group
    has fences when it holds at least :data:`MIN_VALUES` answers of at least
    :data:`MIN_DISTINCT` different values and its quartiles differ.
    """
    import numpy as np

    counts = np.bincount(grouped, minlength=size)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.intp)
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]) | (grouped[1:] != grouped[:-1])
    distinct = np.bincount(grouped[new], minlength=size)
    usable = (counts >= MIN_VALUES) & (distinct >= MIN_DISTINCT)
    if not usable.any():
        nothing = np.zeros(size)
        return nothing, nothing, usable
    at, safe = np.where(usable, starts, 0), np.where(usable, counts, 1)
    q1 = np.where(usable, _quartile(ordered, at, safe, 0.25), 0.0)
    q3 = np.where(usable, _quartile(ordered, at, safe, 0.75), 0.0)
    spread = q3 - q1
    usable &= spread > 0
    return q1 - factor * spread, q3 + factor * spread, usable


Grouping = tuple["np.ndarray", "np.ndarray", "np.ndarray"]
"""The positions of records in the order of their group (kept within a group), the group at
each, and the size of each group (:func:`grouping`)."""


def grouping(codes: np.ndarray) -> Grouping:
    """The records grouped by ``codes``: one sort for every column."""
    import numpy as np

    size = int(codes.max()) + 1 if len(codes) else 0
    narrow = codes.astype(np.int16) if size < 2**15 else codes  # a radix sort below
    order = np.argsort(narrow, kind="stable")
    return order, narrow[order], np.bincount(codes, minlength=size)


def bounds(
    values: np.ndarray,
    codes: np.ndarray,
    factor: float,
    grouped: Callable[[], Grouping] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each group's lower and upper fence, and whether they are its own.

    A group of at least :data:`MIN_GROUP` answers with fences of its own is judged by them;
    every other group by the fences of all returns (none if those cannot be drawn).

    Parameters
    ----------
    values : ndarray
        A column's answers (float; NaN for a blank), one per record.
    codes : ndarray
        The group of each record, numbered from 0 (integers).
    factor : float
        Multiple of the interquartile range beyond the quartiles.
    grouped : callable, optional
        Gives :func:`grouping` of ``codes`` (made once for every column: it is needed only
        when the answers are not counted).

    Returns
    -------
    low, high, own : ndarray
        By group (a record's are those of its group: index them by ``codes``; no array of a
        value per record is made).
    """
    size = int(codes.max()) + 1 if len(codes) else 0
    counted = _counted_bounds(values, codes, size, factor)
    if counted is not None:
        return counted
    return _selected_bounds(values, grouping(codes) if grouped is None else grouped(), factor)


def _selected_bounds(
    values: np.ndarray, groups: Grouping, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`bounds` by selecting the values around the quartiles of each group
    (``groups``: :func:`grouping` of the records' groups)."""
    import numpy as np

    order, in_order, sizes = groups
    size = len(sizes)
    ordered = values[order]  # by group, then as met
    blank = np.isnan(ordered)
    counts = sizes - np.bincount(in_order[blank], minlength=size)
    if len(counts) and counts.sum() < len(ordered):
        ordered, in_order = ordered[~blank], in_order[~blank]
    del blank
    if not _distinct_enough(ordered):  # nor has any group: no fences at all
        return np.full(size, -np.inf), np.full(size, np.inf), np.zeros(size, dtype=bool)
    large = np.flatnonzero(counts >= MIN_GROUP)  # only these can have fences of their own
    if len(large) * _VALUES_PER_SORT > len(ordered):  # one sort of all, then by group
        by_group, grouped = _sorted_in_groups(ordered, in_order)
        low_g, high_g, own = _group_fences(by_group, grouped, size, factor)
        del by_group, grouped
    else:  # a selection of the quartiles in each large group
        ends = np.cumsum(counts)
        pieces = [ordered[ends[g] - counts[g] : ends[g]] for g in large.tolist()]
        low_l, high_l, own_l = _fences_of(pieces, factor)
        low_g, high_g, own = np.zeros(size), np.zeros(size), np.zeros(size, dtype=bool)
        low_g[large], high_g[large], own[large] = low_l, high_l, own_l
    own &= counts >= MIN_GROUP
    del in_order  # a column of a census is 80 MB a copy: one at a time
    pooled = _fences_of([ordered], factor)
    low_all, high_all = (pooled[0][0], pooled[1][0]) if pooled[2][0] else (-np.inf, np.inf)
    return np.where(own, low_g, low_all), np.where(own, high_g, high_all), own


def _fences_of(
    pieces: list[np.ndarray], factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fences of each piece of values (reordered in place), and whether it has them: at
    least :data:`MIN_VALUES` answers of :data:`MIN_DISTINCT` different values, quartiles
    apart. The quartiles are those of :func:`_quartile`, the values around them selected
    (``numpy.partition``) rather than sorted."""
    import numpy as np

    counts = np.array([len(piece) for piece in pieces], dtype=np.int64)
    starts = np.arange(len(pieces), dtype=np.intp) * 2  # the two values around a quartile
    around = {q: np.zeros(2 * len(pieces)) for q in (0.25, 0.75)}
    usable = np.zeros(len(pieces), dtype=bool)
    for i, piece in enumerate(pieces):
        n = len(piece)
        if n < MIN_VALUES or not _distinct_enough(piece):
            continue
        done = 0  # the values before ``done`` are the smallest, in place
        for q, values in around.items():
            below = int(np.floor((n - 1) * q))
            if below >= done:  # one selection at a time: NumPy's is fastest so
                piece[done:].partition(below - done)
            values[2 * i] = piece[below]
            values[2 * i + 1] = piece[below + 1 :].min() if below + 1 < n else piece[below]
            done = below + 1
        usable[i] = True
    safe = np.where(usable, counts, 1)
    q1, q3 = (np.where(usable, _quartile(around[q], starts, safe, q, 1), 0.0) for q in around)
    spread = q3 - q1
    usable &= spread > 0
    return q1 - factor * spread, q3 + factor * spread, usable


def _distinct_enough(values: np.ndarray) -> bool:
    """Whether ``values`` (no NaN) hold :data:`MIN_DISTINCT` different values or more."""
    import numpy as np

    for few in (values[:: max(1, len(values) // 256)], values):  # a few often tell
        ordered = np.sort(few)
        if np.count_nonzero(ordered[1:] != ordered[:-1]) + 1 >= MIN_DISTINCT:
            return True
    return False


_VALUES_PER_SORT = 400
"""The quartiles of each group that can have fences of its own are selected one group at a
time while there are this many values or more for each (a selection's own cost is about that
of 400 values of one sort of all); otherwise all values are sorted at once."""


def _sorted_in_groups(values: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``values`` ordered by group, then by value; the group of each. Tied values are equal:
    their order does not matter."""
    import numpy as np

    by_value = np.argsort(values)
    order = by_value[np.argsort(groups[by_value], kind="stable")]
    return values[order], groups[order]


_CELLS_PER_ANSWER = 2
"""The answers are counted (:func:`_counted_bounds`) while their groups times the column's
different values make at most this many counts per answer (and 65,536 more): the counts
then take no more memory than two copies of the column."""


def _counted_bounds(
    values: np.ndarray, codes: np.ndarray, size: int, factor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """:func:`bounds` by counting each group's answers of each different value; ``None``
    when the column holds too many different values for its ``size`` groups.

    The answers' ranks among the column's different values come from a hash table
    (``pandas.factorize``) and a sort of the different values alone; -0.0 and 0.0 are one
    value, as they are to a sort. Each group's counts by rank, added up in order, tell which
    value is at each position of its answers sorted: the values around its quartiles.
    """
    import numpy as np
    import pandas as pd

    most = _CELLS_PER_ANSWER * len(values) + 2**16
    sample = values[:: max(1, len(values) // 4096)]  # its different values are fewer
    seen = len(pd.unique(sample))
    if size * (seen + 1) > most:
        return None
    hint = min(len(values), 4 * seen + 1024)  # a hash table of the values, not the answers
    found, uniques = pd.factorize(values, size_hint=hint)  # a blank is -1
    if size * (len(uniques) + 1) > most:
        return None
    order = np.argsort(uniques)
    ordered = uniques[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    distinct = ordered[new]
    if len(distinct) < MIN_DISTINCT:  # nor has any group: no fences at all
        return np.full(size, -np.inf), np.full(size, np.inf), np.zeros(size, dtype=bool)
    width = len(distinct) + 1  # by rank, then the blanks (counted nowhere)
    rank = np.empty(len(uniques) + 1, dtype=np.int64)
    rank[order] = np.cumsum(new) - 1
    rank[-1] = width - 1  # found -1: the last
    keys = rank[found]
    del found
    keys += np.multiply(codes, width, dtype=np.int64)
    table = np.bincount(keys, minlength=size * width).reshape(size, width)
    del keys
    table[:, -1] = 0
    counts, kinds, pooled = table.sum(axis=1), np.count_nonzero(table, axis=1), table.sum(axis=0)
    flat = table.reshape(-1)
    np.cumsum(flat, out=flat)  # the answers up to each group and value
    starts = flat[width - 1 :: width] - counts

    def in_group(at: np.ndarray) -> np.ndarray:
        found: np.ndarray = distinct[np.searchsorted(flat, starts + at, side="right") % width]
        return found

    low_g, high_g, own = _fences_at(in_group, counts, kinds, factor)
    own &= counts >= MIN_GROUP
    np.cumsum(pooled, out=pooled)

    def in_all(at: np.ndarray) -> np.ndarray:
        found: np.ndarray = distinct[np.searchsorted(pooled, at, side="right")]
        return found

    every = np.array([pooled[-1]])
    low, high, usable = _fences_at(in_all, every, np.array([len(distinct)]), factor)
    low_all, high_all = (low[0], high[0]) if usable[0] else (-np.inf, np.inf)
    return np.where(own, low_g, low_all), np.where(own, high_g, high_all), own


def _fences_at(
    value_at: Callable[[np.ndarray], np.ndarray],
    counts: np.ndarray,
    kinds: np.ndarray,
    factor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The fences of groups of ``counts`` answers of ``kinds`` different values, and whether
    they have them, as :func:`_fences_of` draws them; ``value_at`` gives each group's value
    at a position of its answers sorted."""
    import numpy as np

    usable = (counts >= MIN_VALUES) & (kinds >= MIN_DISTINCT)
    safe = np.where(usable, counts, 1)
    quartiles = []
    for q in (0.25, 0.75):
        virtual = (safe - 1) * q
        before = np.floor(virtual)
        at = before.astype(np.intp)
        low, high = value_at(at), value_at(np.minimum(at + 1, safe - 1))
        quartiles.append(np.where(usable, _between(low, high, virtual - before), 0.0))
    q1, q3 = quartiles
    spread = q3 - q1
    usable &= spread > 0
    return q1 - factor * spread, q3 + factor * spread, usable
