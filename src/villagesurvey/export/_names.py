"""Variable names that Stata and SPSS both accept, unique within a file."""

from __future__ import annotations

import re

__all__ = ["NAME_LIMIT", "NameBook"]

NAME_LIMIT = 32
"""The longest variable name in characters (Stata's limit)."""

_STATA_RESERVED = {
    "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if", "in", "int", "long",
    "_n", "_N", "_pi", "_pred", "_rc", "_skip", "strL", "using", "with",
}  # fmt: skip
_SPSS_RESERVED = {"all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"}
_STR_TYPE = re.compile(r"^str\d+$")


class NameBook:
    """Hands out unique names that Stata and SPSS both accept."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def take(self, wanted: str, limit: int = NAME_LIMIT) -> str:
        """``wanted`` where Stata and SPSS accept it; else a valid, unique name close to it.

        Characters other than letters, digits and ``_`` (an option code ``sweet-potato``)
        become ``_``; a name is cut to ``limit`` characters and numbered to stay unique.
        """
        wanted = re.sub(r"\W", "_", wanted)
        if not wanted[:1].isalpha():
            wanted = f"v{wanted}"
        name = wanted
        if _reserved(name):
            name += "_"
        name = _cut(name, limit)
        number = 1
        while name.lower() in self.taken:
            number += 1
            suffix = f"_{number}"
            name = _cut(wanted, limit - len(suffix)) + suffix
        self.taken.add(name.lower())
        return name


def _cut(name: str, limit: int) -> str:
    """``name`` in ``limit`` characters, and in ``limit`` UTF-8 bytes beyond Stata's limit."""
    name = name[:limit]
    if limit > NAME_LIMIT:  # SPSS counts bytes
        name = name.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    return name


def _reserved(name: str) -> bool:
    return name in _STATA_RESERVED or name.lower() in _SPSS_RESERVED or bool(_STR_TYPE.match(name))
