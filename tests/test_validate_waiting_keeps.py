"""A partition's arrays written beside it and read back (:mod:`.waiting_keeps`): every array
of every partition, in the order of the batch, as NumPy concatenates them."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate.waiting_keeps import HASHED, SOUND, gathered, wait_keeps

COLUMNS = ["age", "income", "spending"]


def _keeps(rng: np.random.Generator, hashed: int, sound: int) -> SimpleNamespace:
    return SimpleNamespace(
        records=rng.integers(0, 10**9, hashed),
        answers=rng.integers(0, 2**64 - 1, hashed, dtype=np.uint64),
        submitted=rng.integers(0, 2**64 - 1, hashed, dtype=np.uint64),
        keys=rng.integers(0, 2**64 - 1, hashed, dtype=np.uint64),
        complete=rng.random(hashed) < 0.5,
        submissions=bool(hashed % 2),
        group_keys=["V1", ("\0blank",)],
        group_labels=["V1", None],
        groups=rng.integers(0, 2, sound).astype(np.intp),
        sound_records=rng.integers(0, 10**9, sound),
        values={
            code: np.where(rng.random(sound) < 0.1, np.nan, rng.normal(size=sound))
            for code in COLUMNS
        },
    )


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=5),
       seed=st.integers(0, 2**32 - 1))  # fmt: skip
def test_every_array_reads_back_as_numpy_concatenates_it(
    tmp_path_factory: pytest.TempPathFactory, sizes: list[tuple[int, int]], seed: int
) -> None:
    folder = tmp_path_factory.mktemp("keeps")
    rng = np.random.default_rng(seed)
    held = [_keeps(rng, hashed, min(sound, hashed)) for hashed, sound in sizes]
    kept = [wait_keeps(k, folder / f"{n}.keeps", COLUMNS) for n, k in enumerate(held)]  # type: ignore[arg-type]
    files = [k.file for k in kept]
    for name, kind in (*HASHED, *SOUND):
        expected = np.concatenate([np.asarray(getattr(k, name), dtype=kind) for k in held])
        found = gathered(files, name)
        assert found.dtype == expected.dtype
        assert found.tobytes() == expected.tobytes()
    for number, code in enumerate(COLUMNS):
        expected = np.concatenate([k.values[code] for k in held])
        assert gathered(files, number).tobytes() == expected.tobytes()  # NaN too
    assert [(k.submissions, k.group_keys, k.group_labels) for k in kept] == [
        (k.submissions, k.group_keys, k.group_labels) for k in held
    ]


def test_regular_arrays_wait_compressed_and_read_back_the_same(tmp_path: Path) -> None:
    """A partition's records follow one another and answers repeat: they wait in fewer
    bytes than they hold (:mod:`.packed_buffers`), and are read back to the bit."""
    keeps = _keeps(np.random.default_rng(2), 20_000, 20_000)
    keeps.records = keeps.sound_records = np.arange(5_000, 25_000)
    keeps.groups = np.repeat(np.arange(20), 1_000)
    keeps.values = {code: np.floor(keeps.values[code] * 3) for code in COLUMNS}  # NaN kept
    file = wait_keeps(keeps, tmp_path / "0.keeps", COLUMNS).file  # type: ignore[arg-type]
    held = sum(np.asarray(getattr(keeps, name)).nbytes for name, _ in (*HASHED, *SOUND))
    held += sum(values.nbytes for values in keeps.values.values())
    hashes = 3 * 8 * 20_000  # random: stored as they are
    assert file.path.stat().st_size < hashes + (held - hashes) / 2
    for name, kind in (*HASHED, *SOUND):
        assert gathered([file], name).tobytes() == np.asarray(getattr(keeps, name), kind).tobytes()
    for number, code in enumerate(COLUMNS):
        assert gathered([file], number).tobytes() == keeps.values[code].tobytes()


def test_a_file_cut_short_or_a_wrong_array_is_an_error(tmp_path: Path) -> None:
    keeps = _keeps(np.random.default_rng(1), 10, 8)
    file = wait_keeps(keeps, tmp_path / "0.keeps", COLUMNS).file  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="8 float64"):
        file.read_into(2, np.empty(10, dtype=np.float64))
    with pytest.raises(KeyError):
        gathered([file], "nothing")
    data = file.path.read_bytes()
    file.path.write_bytes(data[:-4])
    with pytest.raises(OSError, match="ends before"):
        gathered([file], 2)
    assert gathered([file], 1).tobytes() == keeps.values["income"].tobytes()
