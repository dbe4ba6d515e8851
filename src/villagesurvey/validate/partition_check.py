"""One partition of respondents checked: the one pure function of partitioned validation.

:func:`check_partition` runs every check that looks at one row at a time
(:func:`.checking.check_rows`) on a partition and gives back what waits for the split into
clean and quarantine (:class:`CheckedPartition`) and what the checks across rows need
(:class:`Keeps`): a hash of each row's answers, submission and key for the duplicates, and
each number column's answers as floats with the group of each row for the outliers. It
touches no file: the streamed path (:class:`.streamed.Partitions`) calls it a partition at a
time, the Dask path (:mod:`.dask_tasks`) as one task per partition.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .checking import check_rows
from .findings import Findings
from .layout import Return
from .normalise import LANGUAGE, TYPED
from .result import FILE, PROVENANCE, ROW, SHEET

if TYPE_CHECKING:
    from collections.abc import Iterator

    import numpy as np
    import pandas as pd

__all__ = [
    "BLANK_GROUP", "OWN", "CheckedPartition", "Keeps", "Waiting", "check_partition",
    "own_columns", "rows_of", "waiting_at",
]  # fmt: skip

OWN = frozenset({FILE, SHEET, ROW, LANGUAGE, TYPED, *PROVENANCE.values()})
"""The columns of the rows as read that are not answers: where each row is, its language,
its submission."""

BLANK_GROUP = ("\0blank",)
"""The key of the group of records whose group answer is blank."""


@dataclass
class Keeps:
    """What the checks across rows need of a partition.

    Attributes
    ----------
    records : ndarray
        The respondents' records (total rows left out), for the hashes.
    answers, submitted, keys : ndarray
        64-bit hashes of each respondent's answers, submission ID and respondent key.
    complete : ndarray
        Whether the respondent's key is complete (only those can clash).
    submissions : bool
        Whether a respondent of the partition has a submission ID.
    group_keys, group_labels : list
        The partition's groups (the first key column) in the order first met: a key
        (:data:`BLANK_GROUP` for a blank one) and the answer as first met.
    groups : ndarray
        Each respondent's group, as a position in ``group_keys``.
    sound_records : ndarray
        The records of ``groups`` and ``values``.
    values : dict of ndarray
        Each outlier column's answers as float64 (NaN for blank or already flagged).
    """

    records: np.ndarray
    answers: np.ndarray
    submitted: np.ndarray
    keys: np.ndarray
    complete: np.ndarray
    submissions: bool
    group_keys: list[Any]
    group_labels: list[Any]
    groups: np.ndarray
    sound_records: np.ndarray
    values: dict[str, np.ndarray]


@dataclass
class CheckedPartition:
    """A partition checked: what waits for the split, the findings and :class:`Keeps`.

    Attributes
    ----------
    raw, typed : DataFrame
        The rows as read and as typed, indexed by record.
    table : DataFrame
        The findings of the partition's records.
    cascaded : tuple of DataFrame
        The findings of the cascades (added after the duplicates, as in memory).
    unlocated : DataFrame
        Findings without a record (blank rows, rows not read, the file).
    provenance : set of str
        The provenance columns (:data:`.result.PROVENANCE`) the partition has values in.
    keeps : Keeps
        What the checks across rows need.
    """

    raw: pd.DataFrame
    typed: pd.DataFrame
    table: pd.DataFrame
    cascaded: tuple[pd.DataFrame, pd.DataFrame]
    unlocated: pd.DataFrame
    provenance: set[str]
    keeps: Keeps

    def wait(self, path: str | Path, *, slim: bool = False) -> None:
        """Write what waits for the split to ``path`` (:func:`waiting_at` reads it back):
        a pickle whose Arrow and NumPy buffers follow it in the file (:mod:`.mapped_pickle`).

        With ``slim``, the rows as read wait only for the records with a finding (the
        columns of their own, :data:`OWN`, for every record): the others are read again
        from the file if the checks across rows need them (:class:`Waiting`).
        """
        from . import mapped_pickle

        raw, heads = self.raw, None
        if slim:
            found = [self.table["record"], *(frame["record"] for frame in self.cascaded)]
            records = {int(r) for frame in found for r in frame.dropna()}
            heads = own_columns(raw)
            raw = raw.loc[raw.index.isin(list(records))]
        mapped_pickle.dump(Waiting(raw, heads, self.typed, self.table, self.cascaded), path)


@dataclass
class Waiting:
    """What a checked partition leaves for the split (:meth:`CheckedPartition.wait`).

    Attributes
    ----------
    raw : DataFrame
        Rows as read: every record's, or (``heads`` given) those of the records with a
        finding of their own.
    heads : DataFrame or None
        The columns of their own (:data:`OWN`: file, sheet, row, submission...) of every
        record, when ``raw`` holds only some.
    typed : DataFrame
        Every record's answers as typed.
    table : DataFrame
        The findings of the partition's records.
    cascaded : tuple of DataFrame
        The findings of the cascades.
    """

    raw: pd.DataFrame
    heads: pd.DataFrame | None
    typed: pd.DataFrame
    table: pd.DataFrame
    cascaded: tuple[pd.DataFrame, pd.DataFrame]

    @property
    def own(self) -> pd.DataFrame:
        """The columns of their own of every record."""
        return self.heads if self.heads is not None else own_columns(self.raw)

    def missing(self, records: pd.Index) -> pd.Index:
        """Which of ``records`` have no row as read here."""
        return records.difference(self.raw.index)

    def with_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The rows as read here, and those of ``rows`` (the same rows read again) that are
        not, in the order of the records."""
        import pandas as pd

        more = rows.loc[rows.index.difference(self.raw.index)]
        return pd.concat([self.raw, more]).sort_index(kind="stable")


def own_columns(raw: pd.DataFrame) -> pd.DataFrame:
    """The columns of their own (:data:`OWN`) of rows as read, in their order."""
    return raw[[name for name in raw.columns if name in OWN]]


def waiting_at(path: str | Path) -> Waiting:
    """What a checked partition left waiting at ``path`` (:meth:`CheckedPartition.wait`);
    its buffers decompressed, or views of the file mapped copy-on-write
    (:func:`.mapped_pickle.load`)."""
    from . import mapped_pickle

    loaded: Waiting = mapped_pickle.load(path)
    return loaded


def rows_of(path: str | Path, wanted: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The typed rows of the records ``wanted`` of the partition waiting at ``path``, and
    their file, row and submission: what :func:`.duplicates.copies_among` judges."""
    waiting = waiting_at(path)
    return waiting.typed.loc[wanted], waiting.own.loc[wanted, [FILE, ROW, PROVENANCE["submission"]]]


def check_partition(instrument: Instrument, piece: Return, first: int = 0) -> CheckedPartition:
    """Check one partition of respondents; no file is touched.

    Parameters
    ----------
    instrument : Instrument
        The rules.
    piece : Return
        The partition's respondents, laid out on the instrument.
    first : int, default 0
        The record of its first row (records keep the order of the whole batch).

    Returns
    -------
    CheckedPartition
        Its rows, findings and what the checks across rows need.
    """
    found = Findings()
    checked = check_rows(instrument, [piece], found, first=first)
    table = found.frame()
    located = table["record"].notna()
    unlocated = table[~located]
    if not located.all():
        table = table[located].reset_index(drop=True)
    raw = checked.raw
    provenance = {key for key, name in PROVENANCE.items() if raw[name].notna().any()}
    keeps = _keeps(instrument, raw, checked.rows, checked.sound)
    return CheckedPartition(
        raw, checked.typed, table, checked.cascaded, unlocated, provenance, keeps
    )


def _keeps(
    instrument: Instrument, raw: pd.DataFrame, rows: pd.DataFrame, sound: pd.DataFrame
) -> Keeps:
    import numpy as np
    import pandas as pd

    from .hfc import outlier_columns
    from .row_hashes import column_hashes, combined

    codes = [c.code for c in instrument.columns]
    key = list(instrument.key)
    submissions = raw[PROVENANCE["submission"]]
    of_key: dict[str, np.ndarray] = {}

    def hashed() -> Iterator[np.ndarray]:  # a column's hashes at a time; the key's kept
        for code in codes:
            column = column_hashes(rows[code])
            if code in key:
                of_key[code] = column
            yield column

    answers = combined(hashed(), len(rows))
    submitted = combined([column_hashes(submissions.reindex(rows.index))], len(rows))
    keys = combined(
        (of_key[code] if code in of_key else column_hashes(rows[code]) for code in key), len(rows)
    )
    complete = rows[key].notna().all(axis=1).to_numpy()
    group = sound[instrument.key[0]]
    numbers, uniques = pd.factorize(group, use_na_sentinel=False)
    firsts = np.unique(numbers, return_index=True)[1]  # by group number
    keys_of, labels = [], []
    for i, unique in enumerate(uniques):
        keys_of.append(BLANK_GROUP if bool(pd.isna(unique)) else unique)
        labels.append(group.iloc[int(firsts[i])])
    values = {
        code: sound[code].to_numpy(dtype=np.float64, na_value=np.nan, copy=True)  # its own
        for code in outlier_columns(instrument)
    }
    return Keeps(
        rows.index.to_numpy(), answers, submitted, keys, complete,
        bool(submissions.notna().any()), keys_of, labels, np.asarray(numbers, dtype=np.int64),
        sound.index.to_numpy(dtype=np.int64), values,
    )  # fmt: skip
