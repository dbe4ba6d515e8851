"""The names in an OLE compound file (the container of .xls and of encrypted Office files).

Only the directory is read, with every sector number checked against the file's size and
every chain checked for loops, so a crafted file costs at most one pass over its bytes.
"""

from __future__ import annotations

import struct

__all__ = ["OLE_MAGIC", "CfbError", "stream_names"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER = 512
_DIFAT_IN_HEADER = 109
_END_OF_CHAIN = 0xFFFFFFFE
_FREE = 0xFFFFFFFF
_MAX_REGULAR = 0xFFFFFFFA
_ENTRY = 128


class CfbError(ValueError):
    """The compound file's structure is broken."""


def _sector(data: bytes, number: int, size: int) -> bytes:
    start = _HEADER if size == 512 else size
    start += number * size
    if number > _MAX_REGULAR or start + size > len(data):
        raise CfbError(f"sector {number} lies outside the file")
    return data[start : start + size]


def _fat_sectors(data: bytes, header: bytes, size: int) -> list[int]:
    count, first_difat, difat_count = struct.unpack_from("<I20xII", header, 44)
    sectors = [
        s for s in struct.unpack_from(f"<{_DIFAT_IN_HEADER}I", header, 76) if s <= _MAX_REGULAR
    ]
    seen: set[int] = set()
    number = first_difat
    for _ in range(difat_count):
        if number > _MAX_REGULAR or number in seen:
            break
        seen.add(number)
        entries = struct.unpack(f"<{size // 4}I", _sector(data, number, size))
        sectors.extend(s for s in entries[:-1] if s <= _MAX_REGULAR)
        number = entries[-1]
    if count > len(data) // size + 1:
        raise CfbError("the allocation table is larger than the file")
    return sectors[:count]


def stream_names(data: bytes) -> set[str]:
    """Return the names of every stream and storage in a compound file.

    Parameters
    ----------
    data : bytes
        The whole file; it must start with :data:`OLE_MAGIC`.

    Raises
    ------
    CfbError
        If the header, the allocation table or the directory is broken or truncated.
    """
    if len(data) < _HEADER or not data.startswith(OLE_MAGIC):
        raise CfbError("the file is shorter than a compound file header")
    header = data[:_HEADER]
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        raise CfbError(f"unknown sector size 2**{shift}")
    size = 1 << shift
    fat: list[int] = []
    for number in _fat_sectors(data, header, size):
        fat.extend(struct.unpack(f"<{size // 4}I", _sector(data, number, size)))
    names: set[str] = set()
    seen: set[int] = set()
    number = struct.unpack_from("<I", header, 48)[0]
    while number not in (_END_OF_CHAIN, _FREE):
        if number in seen or number >= len(fat):
            raise CfbError("the directory chain is broken")
        seen.add(number)
        block = _sector(data, number, size)
        for offset in range(0, size, _ENTRY):
            length, kind = struct.unpack_from("<HB", block, offset + 64)
            if kind in (1, 2, 5) and 2 <= length <= 64:
                raw = block[offset : offset + length - 2]
                names.add(raw.decode("utf-16-le", errors="replace"))
        number = fat[number]
    return names
