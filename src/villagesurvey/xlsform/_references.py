"""References in a form's texts (``${total}`` in a label) to fields that were not imported.

A phone shows ``${name}`` as the answer to field ``name``; pyxform refuses a form whose text
refers to a field it does not have. When the field was not imported (a calculation, a
question in a repeat), the reference is written as the field's name in brackets
(``[total]``), and a finding says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .findings import Finding

__all__ = ["unlink_references"]

_REFERENCE = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_TEXTS = ("label", "hint", "message")


def _columns(data: dict[str, Any]) -> set[str]:
    questions = [q for s in data["sections"] for q in s["questions"]]
    columns = {f"{q['code']}_{w}" for q in questions for w in q.get("waves", ())}
    return columns | {q["code"] for q in questions if not q.get("waves")}


def _drop_calculations(data: dict[str, Any], note: Callable[[Finding], None]) -> None:
    """Leave out each calculation that refers to a field not imported (until none does)."""
    dropped = True
    while dropped:
        dropped = False
        columns = _columns(data)
        for section in data["sections"]:
            for q in list(section["questions"]):
                names = set(_REFERENCE.findall(q.get("calculation") or "")) - columns
                if names and len(section["questions"]) > 1:
                    section["questions"].remove(q)
                    dropped = True
                    shown = ", ".join(f"${{{n}}}" for n in sorted(names))
                    note(
                        Finding(
                            "calculation",
                            None,
                            "calculation",
                            f"calculation {q['code']!r} is not imported: it refers to {shown}, "
                            "which is not imported either",
                        )
                    )


def unlink_references(data: dict[str, Any], note: Callable[[Finding], None]) -> None:
    """Rewrite, in place, each reference of the instrument's texts to a column it lacks, and
    leave out the calculations that refer to one."""
    _drop_calculations(data, note)
    questions = [q for s in data["sections"] for q in s["questions"]]
    columns = _columns(data)

    for q in questions:
        for field in _TEXTS:
            text = q.get(field)
            if not isinstance(text, dict):
                continue
            missing: set[str] = set()

            def unlink(match: re.Match[str], missing: set[str] = missing) -> str:
                if match[1] in columns:
                    return match[0]
                missing.add(match[1])
                return f"[{match[1]}]"

            q[field] = {lang: _REFERENCE.sub(unlink, t) for lang, t in text.items()}
            if missing:
                names = ", ".join(f"${{{n}}}" for n in sorted(missing))
                note(
                    Finding(
                        "reference_not_mapped",
                        None,
                        field,
                        f"the {field} of question {q['code']!r} refers to {names}, which is "
                        "not imported; it is written as the name in brackets",
                    )
                )
