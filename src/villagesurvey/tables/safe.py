"""Make untrusted text safe to write: no formulas, no characters a format cannot hold.

Three rules, one definition each:

- :func:`neutralise`: a text a spreadsheet would read as a formula gets a leading ``'``.
  Only a plain ASCII number (``-5``, ``+3.2e4``) is left as it is: ``-٣`` is not a number to
  Excel, so it is text that begins with ``-``.
- :func:`writable`: characters an xlsx file cannot hold (control characters other than tab,
  line feed and carriage return, and lone surrogates) are shown as ``\\xNN``.
- :func:`shown_name`: a file name as reports show it: every control character (a line
  break, an escape) and every byte that is not UTF-8 is shown as ``\\xNN``, so that one name
  is one line and cannot pass for another line of output.
"""

from __future__ import annotations

import re

from .._formulas import FORMULA_STARTS

__all__ = ["ASCII_NUMBER", "escaped_character", "neutralise", "shown_name", "writable"]

ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
"""A number as a spreadsheet reads it: ASCII digits only."""

_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NOT_IN_NAME = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def neutralise(text: str) -> str:
    """Text that a spreadsheet will not run: ``=1+1`` becomes ``'=1+1``; ``-5`` stays."""
    if text.startswith(FORMULA_STARTS) and not ASCII_NUMBER.fullmatch(text):
        return "'" + text
    return text


def escaped_character(match: re.Match[str]) -> str:
    """A matched hidden character as ``\\xNN`` or ``\\uNNNN`` (a byte that was not UTF-8, kept
    by ``surrogateescape``, as the byte)."""
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
        code -= 0xDC00
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def writable(text: str) -> str:
    """Text an xlsx cell can hold: control characters and lone surrogates as ``\\xNN``."""
    return _NOT_IN_XLSX.sub(escaped_character, text) if _NOT_IN_XLSX.search(text) else text


def shown_name(text: str) -> str:
    """A file name on one line: control characters and non-UTF-8 bytes as ``\\xNN``."""
    return _NOT_IN_NAME.sub(escaped_character, text) if _NOT_IN_NAME.search(text) else text
