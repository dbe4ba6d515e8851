"""Make an xlsx file written by openpyxl the same bytes on every run.

openpyxl dates each part of the zip and the document's ``created`` and ``modified``
properties with the time of writing. :func:`fix_times` rewrites the file with every part
dated 1980-01-01 (the earliest date a zip holds, as the streamed writer of
:mod:`.xlsx_stream` dates its parts) and the document's times set to that date too.
"""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

__all__ = ["FIXED_TIME", "fix_times"]

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
"""The date of every part of the file."""

_CORE = "docProps/core.xml"
_STAMP = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")
_FIXED_W3C = b"1980-01-01T00:00:00Z"


def fix_times(path: str | Path) -> None:
    """Rewrite the zip file at ``path`` with fixed times, its parts in the same order.

    Parameters
    ----------
    path : path
        A file openpyxl has just written (a temporary file: it is replaced in place).
    """
    path = Path(path)
    staged = path.with_name(path.name + ".fixed")
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(staged, "w") as target:
            for entry in source.infolist():
                data = source.read(entry)
                if entry.filename == _CORE:
                    data = _STAMP.sub(lambda m: m[1] + _FIXED_W3C + m[3], data)
                fixed = zipfile.ZipInfo(entry.filename, date_time=FIXED_TIME)
                fixed.compress_type = entry.compress_type
                fixed.external_attr = entry.external_attr
                target.writestr(fixed, data)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)
