"""The validation behind a clean dataset: the ``summary.json`` that validate wrote beside it.

A clean dataset read from a folder of validate's outputs carries, into ``results.json`` and
the report's methods, the rows accounting of that validation and the corrections file it
applied (with its sha256), so that a result can be traced to the decisions behind it. The
summary is untrusted: a missing one is no validation, an unreadable or odd one a note.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..validate.reading import is_output_set

__all__ = ["read_validation", "validation_sentence"]

_ROWS = ("rows_in", "rows_clean", "rows_quarantined", "rows_dropped")
_CORRECTIONS = ("lines", "replaced", "blanked", "confirmed", "dropped", "not_applied")
_LIMIT = 10_000_000


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _text(value: Any) -> str | None:
    return value[:500] if isinstance(value, str) else None


def _empty(note: str | None) -> dict[str, Any]:
    return {
        "summary": "summary.json",
        "instrument_sha256": None,
        **dict.fromkeys(_ROWS),
        "corrections": None,
        "note": note,
    }


def read_validation(clean: Path) -> dict[str, Any] | None:
    """What validate's ``summary.json`` beside ``clean`` says, or ``None`` if there is none.

    Parameters
    ----------
    clean : Path
        The clean dataset's file.

    Returns
    -------
    dict or None
        ``summary``, ``instrument_sha256``, ``rows_in``, ``rows_clean``,
        ``rows_quarantined``, ``rows_dropped``, ``corrections`` (``None`` when none were
        applied) and ``note`` (why the summary could not be used, else ``None``). A value
        the summary lacks or gives in a wrong form is ``None``.
    """
    folder = clean.parent
    if not (folder / "summary.json").is_file() or not is_output_set(folder):
        return None
    try:
        with open(folder / "summary.json", "rb") as stream:
            raw = stream.read(_LIMIT + 1)
        if len(raw) > _LIMIT:
            return _empty("the summary.json beside the clean dataset is too large; not read")
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError) as exc:
        reason = getattr(exc, "strerror", None) or type(exc).__name__
        return _empty(f"the summary.json beside the clean dataset could not be read ({reason})")
    if not isinstance(data, dict):
        return _empty("the summary.json beside the clean dataset is not a validation summary")
    found = _empty(None)
    instrument = data.get("instrument")
    if isinstance(instrument, dict):
        found["instrument_sha256"] = _text(instrument.get("sha256"))
    for key in _ROWS:
        found[key] = _count(data.get(key))
    corrections = data.get("corrections")
    if isinstance(corrections, dict):
        found["corrections"] = {
            "file": _text(corrections.get("file")),
            "sha256": _text(corrections.get("sha256")),
            **{key: _count(corrections.get(key)) for key in _CORRECTIONS},
        }
    elif corrections is not None:
        found["note"] = "the summary.json beside the clean dataset names no usable corrections"
    if found["rows_in"] is None or found["instrument_sha256"] is None:
        found["note"] = "the summary.json beside the clean dataset lacks its rows or instrument"
    return found


def validation_sentence(validation: dict[str, Any] | None, text: dict[str, Any]) -> str | None:
    """The methods' sentence on the validation behind the data, in the report's words."""
    if validation is None:
        return None
    if validation["note"] is not None:
        return str(text["validation_unread"])
    words = str(text["validation"]).format(
        rows_in=_shown(validation["rows_in"]),
        clean=_shown(validation["rows_clean"]),
        quarantined=_shown(validation["rows_quarantined"]),
        dropped=_shown(validation["rows_dropped"]),
    )
    corrections = validation["corrections"]
    if corrections is None:
        return f"{words}{text['validation_no_corrections']}"
    sha = corrections["sha256"] or ""
    return words + str(text["validation_corrections"]).format(
        file=corrections["file"] or "?",
        sha=sha[:12] or "?",
        corrected=_shown(_sum(corrections["replaced"], corrections["blanked"])),
        confirmed=_shown(corrections["confirmed"]),
        dropped=_shown(corrections["dropped"]),
        not_applied=_shown(corrections["not_applied"]),
    )


def _sum(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _shown(value: int | None) -> str:
    return "?" if value is None else str(value)
