"""Names of an XLSForm made into instrument codes, and the codes the importer hands out."""

from __future__ import annotations

import re

__all__ = ["KEYWORDS", "SUBMISSION_KEY", "Codes", "is_code"]

KEYWORDS = frozenset({"and", "or", "not", "in", "selected"})  # words of the skip-rule language
SUBMISSION_KEY = "instanceID"
"""The key of a form without a declared one: the submission's own ID, which the phone fills
(``meta/instanceID``; KoboToolbox exports it as ``_uuid``, SurveyCTO as ``KEY``)."""
_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


def is_code(name: str) -> bool:
    """True when ``name`` can be an instrument code as it is."""
    return bool(_IDENTIFIER.match(name)) and name not in KEYWORDS


class Codes:
    """Hands out unique codes of one kind (questions, choice lists, sections ...)."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.used: set[str] = set()

    def take(self, name: str) -> str:
        """``name`` itself when it is a free, valid code; otherwise the closest free one."""
        if is_code(name) and name not in self.used:
            self.used.add(name)
            return name
        base = re.sub(r"[^A-Za-z0-9_]+", "_", name).strip("_")
        if not base or not base[0].isalpha():
            base = f"{self.prefix}_{base}" if base else self.prefix
        if base in KEYWORDS:
            base = f"{base}_{self.prefix}"
        candidate, number = base, 1
        while candidate in self.used:
            number += 1
            candidate = f"{base}_{number}"
        self.used.add(candidate)
        return candidate
