"""Buffers waiting on disk compressed where that pays (:mod:`villagesurvey.validate.
packed_buffers`): read back to the same bytes, stored as they are when LZ4 gains little."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from villagesurvey.validate import packed_buffers
from villagesurvey.validate.packed_buffers import pack, unpack


@given(data=st.one_of(st.binary(max_size=5_000), st.binary(max_size=8).map(lambda b: b * 500)))
def test_every_buffer_is_read_back_as_it_was(data: bytes) -> None:
    view = memoryview(data)
    stored = pack(view)
    assert stored is view or memoryview(stored).nbytes < len(data)  # the size says which
    assert bytes(memoryview(unpack(stored, len(data)))) == data


def test_regular_answers_are_stored_smaller_and_noise_as_it_is() -> None:
    answers = np.repeat(np.arange(100, dtype=np.float64), 1_000)  # 100 answers, each often
    stored = memoryview(pack(memoryview(answers).cast("B")))
    assert stored.nbytes < answers.nbytes / 4
    back = np.frombuffer(unpack(stored, answers.nbytes), dtype=np.float64)
    assert back.tobytes() == answers.tobytes()
    assert back.flags.writeable  # a partition read back may be changed in place
    noise = memoryview(np.random.default_rng(3).bytes(100_000))
    assert pack(noise) is noise  # nothing to gain: the bytes themselves
    assert unpack(noise, noise.nbytes) is noise


def test_without_the_codec_buffers_wait_as_they_are(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packed_buffers, "_codec", lambda: None)
    regular = memoryview(bytes(10_000))
    assert pack(regular) is regular
    with pytest.raises(ValueError, match="cannot decompress lz4_raw"):
        unpack(memoryview(b"x" * 10), 10_000)
