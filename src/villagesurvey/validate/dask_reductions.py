"""The checks across partitions on Dask: duplicates and outlier fences, exact.

- **duplicates**: every respondent's record and hashes (answers with submission, key)
  become a Dask DataFrame, one partition per checked partition; the hashes met more than
  once are counted by Dask's ``value_counts``, its partitions split by the hash (a
  shuffle), so that no worker holds every hash. Only the records sharing a hash are read
  back from their partitions, and :func:`.duplicates.find_duplicates` judges those rows
  exactly, as on one machine.
- **outliers**: the pooled fences need every answer of a column at once, so each number
  column's answers (8 bytes a row) are gathered from the workers a column at a time, with
  the group and record of each row, and :func:`.hfc.outliers_of` draws the fences: NumPy's
  linear quantile to the last bit, as on one machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..instrument import Instrument
from .dask_tasks import Checked, groups_of, hash_frame, shared_records, values_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from distributed import Client, Future

__all__ = ["find_copies", "find_outliers"]


def find_copies(
    client: Client, instrument: Instrument, checked: list[Future], smalls: list[Checked]
) -> pd.DataFrame:
    """Duplicate rows and keys of the whole batch (``record, column, value, check, message``).

    Parameters
    ----------
    client : distributed.Client
        The cluster.
    instrument : Instrument
        The rules.
    checked : list of Future
        Each partition's :class:`.dask_tasks.Checked`, on its worker.
    smalls : list of Checked
        The same without the hashes, here.
    """
    import numpy as np

    from .duplicates import copies_among
    from .partition_check import rows_of

    wanted = _shared_records(client, checked) if checked else np.zeros(0, dtype=np.int64)
    asks = []
    for small in smalls:
        inside = wanted[(wanted >= small.first) & (wanted < small.first + small.size)]
        if len(inside):
            asks.append(client.submit(rows_of, small.path, inside, pure=False))
    return copies_among(instrument, client.gather(asks) if asks else [])


def _shared_records(client: Client, checked: list[Future]) -> np.ndarray:
    """The records whose answers (with submission), or complete key, another row shares."""
    import dask
    import dask.dataframe as dd
    import numpy as np
    import pandas as pd

    meta = pd.DataFrame(
        {
            "record": pd.Series([], dtype="int64"),
            "identity": pd.Series([], dtype="uint64"),
            "key": pd.Series([], dtype="uint64"),
            "complete": pd.Series([], dtype="bool"),
        }
    )
    frames = dd.from_delayed(
        [dask.delayed(hash_frame)(future) for future in checked], meta=meta, verify_meta=False
    )
    counts = frames["identity"].value_counts(split_out=True)  # shuffled on the hash
    keyed = frames[frames["complete"]]["key"].value_counts(split_out=True)
    ids, keys = client.compute([counts[counts > 1], keyed[keyed > 1]], sync=True)
    shared = frames.map_partitions(
        shared_records,
        ids.index.to_numpy(dtype=np.uint64),
        keys.index.to_numpy(dtype=np.uint64),
        meta=("record", "int64"),
    )
    records: pd.Series = client.compute(shared, sync=True)
    return np.sort(records.to_numpy(dtype=np.int64))


def find_outliers(
    client: Client, instrument: Instrument, checked: list[Future], factor: float
) -> pd.DataFrame:
    """Outliers of the whole batch (:func:`.hfc.outliers_of`), a column at a time.

    Groups are numbered in the order first met, partition after partition, as the streamed
    path numbers them.
    """
    import numpy as np

    from .hfc import outliers_of

    numbering: dict[Any, int] = {}
    labels: list[Any] = []
    codes_of, records_of = [], []
    for keys, names, groups, records in client.gather(
        [client.submit(groups_of, future, pure=False) for future in checked]
    ):
        number = np.empty(len(keys), dtype=np.int64)
        for i, (key, label) in enumerate(zip(keys, names, strict=True)):
            at = numbering.setdefault(key, len(numbering))
            if at == len(labels):
                labels.append(label)
            number[i] = at
        codes_of.append(number[groups])
        records_of.append(records)
    codes = np.concatenate(codes_of).astype(np.intp) if codes_of else np.zeros(0, np.intp)
    records = np.concatenate(records_of) if records_of else np.zeros(0, np.int64)

    def column(code: str) -> np.ndarray:
        if not checked:
            return np.zeros(0)
        parts = client.gather(
            [client.submit(values_of, future, code, pure=False) for future in checked]
        )
        return np.concatenate(parts)

    return outliers_of(instrument, column, codes, lambda at: labels[codes[at]], records, factor)
