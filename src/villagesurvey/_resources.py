"""Where the bundled instruments and sample data are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled"]

_PACKAGE = Path(__file__).resolve().parent


def bundled(*parts: str) -> Path:
    """The path of a bundled file or folder, e.g. ``bundled("instruments")``.

    A built wheel carries them under ``villagesurvey/_bundled``; a source checkout
    (an editable install, or the tests) has them at the top of the repository.
    """
    for root in (_PACKAGE / "_bundled", _PACKAGE.parent.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"bundled file {'/'.join(parts)} is missing from this installation")
