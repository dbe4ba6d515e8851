"""The duplicates of the streamed path found from the hashes on disk (:mod:`.stream_duplicates`),
against pandas' ``duplicated(keep=False)`` on the hashes held in memory, as the path found
them before (and as the in-memory path's hash step does)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate.stream_duplicates import MIX, repeated, shared_task
from villagesurvey.validate.waiting_keeps import gathered, wait_keeps

_HASHES = st.lists(st.sampled_from([0, 1, 2, 2**63, 2**64 - 1, 12345]), max_size=40)


@given(values=st.lists(st.integers(0, 2**64 - 1), max_size=30), small=_HASHES)
def test_repeated_is_pandas_duplicated_keep_false(values: list[int], small: list[int]) -> None:
    for numbers in (values, small, values + small):
        array = np.array(numbers, dtype=np.uint64)
        expected = pd.Series(array).duplicated(keep=False).to_numpy()
        assert repeated(array).tolist() == expected.tolist()


def _keeps(first: int, rows: list[tuple[int, int, int, bool]]) -> SimpleNamespace:
    answers, submitted, keys, complete = (list(column) for column in zip(*rows, strict=True))
    return SimpleNamespace(
        records=np.arange(first, first + len(rows), dtype=np.int64),
        answers=np.array(answers, dtype=np.uint64),
        submitted=np.array(submitted, dtype=np.uint64),
        keys=np.array(keys, dtype=np.uint64),
        complete=np.array(complete, dtype=bool),
        groups=np.zeros(0, dtype=np.int64),
        sound_records=np.zeros(0, dtype=np.int64),
        submissions=False,
        group_keys=[],
        group_labels=[],
    )


_ROW = st.tuples(
    st.sampled_from([1, 2, 3, 2**64 - 1]), st.sampled_from([0, 7]), st.sampled_from([5, 6, 9]),
    st.booleans(),
)  # fmt: skip


@settings(max_examples=50, deadline=None)
@given(parts=st.lists(st.lists(_ROW, min_size=1, max_size=8), min_size=1, max_size=4),
       submissions=st.booleans())  # fmt: skip
def test_shared_rows_are_those_of_the_hashes_held_in_memory(
    tmp_path_factory: pytest.TempPathFactory,
    parts: list[list[tuple[int, int, int, bool]]],
    submissions: bool,
) -> None:
    folder = tmp_path_factory.mktemp("hashes")
    held, files, first = [], [], 10
    for rows in parts:
        keeps = _keeps(first, rows)
        files.append(wait_keeps(keeps, folder / f"{first}", []).file)  # type: ignore[arg-type]
        held.append(keeps)
        first += len(rows) + 3  # records have gaps where rows are blank
    answers = np.concatenate([k.answers for k in held])
    if submissions:
        answers = answers ^ (np.concatenate([k.submitted for k in held]) * np.uint64(MIX))
    keys = np.concatenate([k.keys for k in held])
    complete = np.concatenate([k.complete for k in held])
    maybe = pd.Series(answers).duplicated(keep=False).to_numpy().copy()
    maybe[complete] |= pd.Series(keys[complete]).duplicated(keep=False).to_numpy()
    found = np.union1d(
        shared_task(files, "answers", submissions), shared_task(files, "keys", submissions)
    )
    assert (
        gathered(files, "records")[found].tolist()
        == np.concatenate([k.records for k in held])[maybe].tolist()
    )
