"""A file put together from pieces (:mod:`villagesurvey.tables.file_pieces`) holds each
piece's bytes in order, whether the kernel copies them or the fallback does."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.tables import file_pieces
from villagesurvey.tables.file_pieces import append_file


def _joined(folder: Path, head: bytes, pieces: list[bytes]) -> bytes:
    paths = []
    for n, data in enumerate(pieces):
        paths.append(folder / f"piece-{n}")
        paths[-1].write_bytes(data)
    target = folder / "whole"
    with open(target, "wb") as out:
        out.write(head)  # still in out's buffer: it must come before the pieces
        for path in paths:
            append_file(out, path)
        out.write(b"end")
    return target.read_bytes()


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=20), st.lists(st.binary(max_size=300), max_size=5))
def test_pieces_are_copied_in_order(tmp_path_factory, head, pieces) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("pieces")
    assert _joined(folder, head, pieces) == head + b"".join(pieces) + b"end"


def test_a_large_piece_is_copied_whole(tmp_path: Path) -> None:
    piece = os.urandom(1 << 16) * 40  # more than one call of the kernel may copy
    assert _joined(tmp_path, b"head", [piece, b"x"]) == b"head" + piece + b"xend"


@pytest.mark.parametrize("copies", [0, 3])
def test_where_the_kernel_refuses_the_copy_the_bytes_are_copied_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copies: int
) -> None:
    real = getattr(os, "copy_file_range", None)
    calls = []

    def refusing(source: int, target: int, count: int) -> int:  # copies a little, then fails
        calls.append(count)
        if len(calls) > 1 or real is None:
            raise OSError(errno.EXDEV, "cross-device")
        return real(source, target, min(count, copies)) if copies else 0

    monkeypatch.setattr(file_pieces.os, "copy_file_range", refusing, raising=False)
    pieces = [b"0123456789" * 7, b"abc"]
    assert _joined(tmp_path, b"head", pieces) == b"head" + b"".join(pieces) + b"end"
    assert calls
