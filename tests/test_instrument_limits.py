"""Instruments built to hang or crash the tool are refused in bounded time, one line each."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .attacks import run_cli


def _alias_bomb() -> str:
    lines = ["id: x", 'version: "1"', "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join([*lines, "title: {en: *a9}", ""])


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p.write_text(_alias_bomb()), "aliases"),
        (lambda p: p.write_text("a: " + "[" * 3000 + "]" * 3000), "nested"),
        (lambda p: p.write_bytes(b"# " + b"x" * (5 * 2**20)), "larger than"),
        (lambda p: os.mkfifo(p), "not a regular file"),
        (None, "not a regular file"),
    ],
)
def test_instruments_that_would_hang_or_crash_are_refused(tmp_path, make, said):
    path = Path("/dev/zero") if make is None else tmp_path / "instrument.yaml"
    if make is not None:
        make(path)
    result = run_cli(["check", str(path)])
    assert result.exit_code == 2
    assert said in result.output
