"""What waits on disk between the passes of the streamed path (:mod:`villagesurvey.validate.
mapped_pickle`) is read back as it was written: every dtype, index, chunk of an Arrow
column and kind of blank (NA, NaN, None, -0.0), whatever the values."""

from __future__ import annotations

import itertools
import math
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagesurvey.validate import mapped_pickle, repeated_objects
from villagesurvey.validate.partition_check import CheckedPartition, waiting_at

_TEXT = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=8),
    st.sampled_from(["", "\r", "\r\n", "\0", "a\x1fb", " V0005 ", "中", "=1+2"]),
)
_FLOAT = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([-0.0, 0.0, math.nan, 1e-310]),
)
_OBJECT = st.one_of(
    st.none(),
    st.just(math.nan),
    st.just(pd.NA),
    st.integers(-(2**70), 2**70),
    st.booleans(),
    st.text(max_size=4),
    st.sampled_from([-0.0, "\r"]),
)


def _chunked(values: list[str | None], cuts: list[int], large: bool) -> pa.ChunkedArray:
    """An Arrow column cut in chunks, the first a slice (as the streaming reader's are)."""
    kind = pa.large_string() if large else pa.string()
    whole = pa.array(["pad", *values], type=kind).slice(1)
    bounds = [0, *sorted({c for c in cuts if 0 < c < len(values)}), len(values)]
    return pa.chunked_array([whole.slice(a, b - a) for a, b in itertools.pairwise(bounds)], kind)


def _repeated(value: Any, rows: int) -> np.ndarray:
    """An array of ``rows`` elements, each the object ``value`` itself."""
    array = np.empty(rows, dtype=object)
    array.fill(value)
    return array


@st.composite
def _frames(draw: st.DrawFn) -> pd.DataFrame:
    rows = draw(st.integers(0, 30))
    texts = st.lists(_TEXT, min_size=rows, max_size=rows)
    floats = st.lists(_FLOAT, min_size=rows, max_size=rows)
    cuts = draw(st.lists(st.integers(0, rows), max_size=4))
    numbers = draw(floats)
    values = np.array([math.nan if v is None else v for v in numbers], dtype=np.float64)
    hidden = np.array([v is None for v in numbers], dtype=bool)  # NaN left unmasked too
    masked = pd.arrays.FloatingArray(values, hidden)
    stamps = draw(st.lists(st.one_of(st.none(), st.integers(0, 2**40)), min_size=rows,
                           max_size=rows))  # fmt: skip
    columns: dict[str, Any] = {
        "str": pd.array(draw(texts), dtype="str"),
        "chunked": pd.arrays.ArrowStringArray(_chunked(draw(texts), cuts, large=True)),
        "string": pd.array(draw(texts), dtype="string[pyarrow]"),
        "float64": values.copy(),
        "Float64": masked,
        "Int64": pd.array(draw(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
                                        min_size=rows, max_size=rows)), dtype="Int64"),
        "boolean": pd.array(draw(st.lists(st.one_of(st.none(), st.booleans()), min_size=rows,
                                          max_size=rows)), dtype="boolean"),
        "datetime": pd.to_datetime(pd.Series(stamps, dtype="float64"), unit="s"),
        "object": np.array([*draw(st.lists(_OBJECT, min_size=rows, max_size=rows)), None],
                           dtype=object)[:rows],
        "repeated": _repeated(draw(_OBJECT), rows),
    }  # fmt: skip
    records = draw(st.lists(st.integers(0, 10**9), min_size=rows, max_size=rows, unique=True))
    frame = pd.DataFrame({k: pd.Series(v).reset_index(drop=True) for k, v in columns.items()})
    frame.index = pd.Index(records, dtype="int64")
    frame.index.name = draw(st.sampled_from([None, "record"]))
    return frame


def _cells(series: pd.Series) -> list[str]:
    """Each cell as its type and representation: NA, NaN, None and -0.0 all differ."""
    return [f"{type(v).__name__}:{v!r}" for v in series.tolist()]


def _assert_same(read: pd.DataFrame, written: pd.DataFrame) -> None:
    assert list(read.columns) == list(written.columns)
    assert read.dtypes.to_dict() == written.dtypes.to_dict()
    assert type(read.index) is type(written.index)
    assert read.index.dtype == written.index.dtype
    assert read.index.name == written.index.name
    assert read.index.tolist() == written.index.tolist()
    for name in written.columns:
        old, new = written[name].array, read[name].array
        assert type(new) is type(old), name
        assert _cells(read[name]) == _cells(written[name]), name
        if isinstance(old, pd.arrays.ArrowExtensionArray):
            assert new._pa_array.type == old._pa_array.type
            assert [len(c) for c in new._pa_array.chunks] == [len(c) for c in old._pa_array.chunks]
            assert new._pa_array.equals(old._pa_array)
        elif isinstance(old, pd.arrays.FloatingArray):  # the NaN under the mask too, to the bit
            assert np.array_equal(new._mask, old._mask)
            assert np.array_equal(new._data.view(np.uint64), old._data.view(np.uint64))
        elif written[name].dtype == np.float64:
            assert np.array_equal(
                read[name].to_numpy().view(np.uint64), written[name].to_numpy().view(np.uint64)
            )


@pytest.mark.parametrize("least", [1, repeated_objects.LEAST])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(frames=st.lists(_frames(), min_size=1, max_size=3))
def test_frames_are_read_back_as_written(
    frames: list[pd.DataFrame], least: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every object column is looked at for an object repeated with ``least`` 1, none of
    these small ones with the size the module looks from."""
    monkeypatch.setattr(repeated_objects, "LEAST", least)
    path = tmp_path / "waiting"
    mapped_pickle.dump((frames, ("rest", {"set"})), path)
    read, rest = mapped_pickle.load(path)
    assert rest == ("rest", {"set"})
    for new, old in zip(read, frames, strict=True):
        _assert_same(new, old)


def _owner(array: np.ndarray) -> Any:
    """What holds the memory of ``array`` at the end of its chain of views."""
    while isinstance(array, np.ndarray) and array.base is not None:
        array = array.base
    return array


def test_large_buffers_follow_the_pickle_compressed_or_as_views_of_the_file(
    tmp_path: Path,
) -> None:
    """A buffer LZ4 makes smaller is stored so and read back decompressed; one it cannot
    (random bits) is stored as it is and read back as a view of the file. Either may be
    changed in place without changing the file."""
    regular = np.repeat(np.arange(1_000, dtype=np.float64), 100)  # answers repeat
    noise = np.random.default_rng(7).integers(0, 2**63, 100_000)
    texts = pd.array([f"v{i % 50}" for i in range(100_000)], dtype="str")
    frame = pd.DataFrame({"n": regular, "r": noise, "t": texts})
    path = tmp_path / "waiting"
    mapped_pickle.dump(frame, path)
    plain = len(pickle.dumps(frame, 5))
    assert path.stat().st_size < noise.nbytes + (plain - noise.nbytes) / 2
    read = mapped_pickle.load(path)
    assert isinstance(_owner(read["r"].to_numpy()), memoryview)  # a view of the mapped file
    assert isinstance(_owner(read["n"].to_numpy()), pa.Buffer)  # decompressed by Arrow
    read.loc[0, "n"], read.loc[0, "r"] = -1.0, -1  # copy-on-write: the file does not change
    again = mapped_pickle.load(path)
    assert (again.loc[0, "n"], again.loc[0, "r"]) == (0.0, noise[0])
    _assert_same(mapped_pickle.load(path), frame)


def test_a_checked_partition_waits_and_is_read_back(tmp_path: Path) -> None:
    raw = pd.DataFrame({"a": pd.array(["x", None, "\r"], dtype="str"), "_row": [2, 3, None]})
    typed = pd.DataFrame({"a": pd.array([1.5, None, -0.0], dtype="Float64")})
    table = pd.DataFrame({"record": pd.array([0, None], dtype="Int64"), "value": [None, np.nan]})
    cascaded = (table.iloc[:0], table.iloc[1:])
    checked = CheckedPartition(raw, typed, table, cascaded, table.iloc[:0], set(), None)  # type: ignore[arg-type]
    checked.wait(tmp_path / "000000.pickle")
    back = waiting_at(tmp_path / "000000.pickle")
    assert back.heads is None
    read = (back.raw, back.typed, back.table, *back.cascaded)
    for new, old in zip(read, (raw, typed, table, *cascaded), strict=True):
        _assert_same(new, old)
    _assert_same(back.own, raw[["_row"]])


def test_a_slim_partition_keeps_the_rows_as_read_of_its_findings(tmp_path: Path) -> None:
    raw = pd.DataFrame(
        {"_file": ["f.csv"] * 4, "a": pd.array(["x", None, "\r", "y"], dtype="str")},
        index=pd.RangeIndex(10, 14),
    )
    typed = pd.DataFrame({"a": pd.array([1.5, None, -0.0, 2], dtype="Float64")}, index=raw.index)
    table = pd.DataFrame({"record": pd.array([11, None], dtype="Int64"), "value": ["", ""]})
    cascaded = (table.iloc[:0], table.iloc[:0].assign(record=pd.array([13], dtype="Int64")))
    checked = CheckedPartition(raw, typed, table, cascaded, table.iloc[:0], set(), None)  # type: ignore[arg-type]
    checked.wait(tmp_path / "000000.pickle", slim=True)
    back = waiting_at(tmp_path / "000000.pickle")
    _assert_same(back.raw, raw.loc[[11, 13]])
    _assert_same(back.own, raw[["_file"]])
    _assert_same(back.typed, typed)
    assert back.missing(pd.Index([10, 11, 13])).tolist() == [10]
    _assert_same(back.with_rows(raw), raw.set_axis(pd.Index(list(raw.index))))


def test_a_file_of_something_else_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other"
    path.write_bytes(pickle.dumps([1, 2, 3]) + bytes(32))
    with pytest.raises(ValueError, match="not a mapped pickle"):
        mapped_pickle.load(path)


def test_text_waits_with_offsets_of_32_bits(tmp_path: Path) -> None:
    """pandas keeps text as Arrow ``large_string`` (64-bit offsets); it waits as ``string``
    and is read back as it was."""
    words = pd.Series(pd.array([f"v{n % 97}" for n in range(100_000)], dtype="str"))
    frame = pd.DataFrame({"a": words, "b": words.copy()})
    mapped_pickle.dump(frame, tmp_path / "text")
    wide = sum(chunk.nbytes for c in frame for chunk in frame[c].array._pa_array.chunks)
    assert (tmp_path / "text").stat().st_size < wide * 0.6  # 4 of 8 bytes a row saved, twice
    _assert_same(mapped_pickle.load(tmp_path / "text"), frame)


def test_a_released_file_is_read_back_the_same(tmp_path: Path) -> None:
    """The split lets the system drop a waiting partition's cached pages; a second attempt
    (a carriage return found) reads it again from disk."""
    frame = pd.DataFrame({"a": pd.array(["x", None, "\r"], dtype="str"), "b": [1.5, None, 2]})
    mapped_pickle.dump(frame, tmp_path / "waiting")
    before = (tmp_path / "waiting").read_bytes()
    mapped_pickle.release(tmp_path / "waiting")
    assert (tmp_path / "waiting").read_bytes() == before
    _assert_same(mapped_pickle.load(tmp_path / "waiting"), frame)


def test_an_object_repeated_is_written_once_and_read_back_on_every_row(tmp_path: Path) -> None:
    """A partition's own columns hold one object on every row (its file, ``None``): the
    object is written once, and read back on every row, the same object; equal objects
    that are not the same one (``1``, ``1.0``, ``True``) are written as they are."""
    rows = 100_000
    name = "census.csv"
    frame = pd.DataFrame({"_file": _repeated(name, rows), "_language": _repeated(None, rows),
                          "_list": _repeated(["a", 1], rows)}, dtype=object)  # fmt: skip
    path = tmp_path / "waiting"
    mapped_pickle.dump(frame, path)
    assert path.stat().st_size < 4_000  # a reference a row would be 2 bytes or more
    read = mapped_pickle.load(path)
    _assert_same(read, frame)
    for column in read:
        first = read[column].iloc[0]
        assert all(value is first for value in read[column].tolist()), column
    assert read["_list"].iloc[0] == ["a", 1]

    equal = np.array([1, 1.0, True] * (rows // 3), dtype=object)
    assert repeated_objects.repeated(equal) is None
    mapped_pickle.dump(equal, path)
    assert _cells(pd.Series(mapped_pickle.load(path))) == _cells(pd.Series(equal))


@pytest.mark.parametrize("order", ["C", "F"])
def test_a_block_of_objects_is_written_once_a_row_and_keeps_its_layout(
    order: str, tmp_path: Path
) -> None:
    """pandas keeps object columns in 2-D blocks (a row per column): each row is looked at;
    one row of different objects and the block is pickled as it is."""
    block = np.empty((2, 5_000), dtype=object, order=order)
    block[0].fill("f.csv")
    block[1].fill(None)
    assert repeated_objects.repeated(block) is not None
    mapped_pickle.dump(block, tmp_path / "block")
    read = mapped_pickle.load(tmp_path / "block")
    assert read.shape == block.shape
    assert (read.flags.f_contiguous, read.flags.c_contiguous) == (
        block.flags.f_contiguous, block.flags.c_contiguous)  # fmt: skip
    assert read.tolist() == block.tolist()
    block[1, 7] = 7
    assert repeated_objects.repeated(block) is None
    assert repeated_objects.repeated(block[:, ::2]) is None  # not contiguous: not looked at
    mapped_pickle.dump(block, tmp_path / "block")
    assert mapped_pickle.load(tmp_path / "block").tolist() == block.tolist()
