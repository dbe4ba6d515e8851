"""Check a zip package (.xlsx, .xlsm, .ods) before any native reader opens it.

The central directory is checked first (how many members, their declared sizes and
compression ratios, members overlapping in the file); then every member is inflated from the
package's bytes in pieces of 64 KiB and counted, so a member holding more than it declares is
caught one piece too late at most, and the XML parts are searched for ``<!DOCTYPE`` and
``<!ENTITY`` on the way. Nothing is kept but a flag per part: whether it holds formulas
(or error cells).
"""

from __future__ import annotations

import codecs
import io
import itertools
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import NamedTuple

__all__ = ["Refusal", "ZipLimits", "open_package", "password_refusal", "unpack_members"]

_EOCD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_CHUNK = 1 << 16
_CENTRAL_DIRECTORY_PER_MEMBER = 400  # bytes of central directory allowed per member
_RATIO_GRACE = 1 << 20  # members smaller than this unpack are not held to the ratio
# pictures and binary blobs: not searched for DTDs (an SVG picture may carry one)
_MEDIA: tuple[str, ...] = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
_MEDIA += (".svg", ".bin", ".wdp", ".jxr", ".ico", ".webp")
# the end of a formula element's start or end tag (<f>, </f>, <x:f>): a shared formula's
# copies (<f t="shared" si="0"/>) always come with a first cell that has the text
_FORMULA_MARK = b"f>"
# a cell holding an error value (#REF!, #N/A, ...), which the spreadsheet reader gives as blank
_ERROR_MARK = b't="e"'
_WIDE = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_RESAVE = "open it in Excel or WPS, save it again as .xlsx and send that"


class ZipLimits(NamedTuple):
    """The bounds a zip package must keep (see :mod:`villagesurvey.validate.reading`)."""

    members: int
    member_bytes: int
    total_bytes: int
    ratio: float


class Refusal(Exception):  # noqa: N818 -- a verdict, not a failure of this code
    """The file must not be read; :attr:`check` is the stable code."""

    def __init__(self, check: str, reason: str) -> None:
        super().__init__(reason)
        self.check = check
        self.reason = reason


def password_refusal() -> Refusal:
    """The refusal of an encrypted file."""
    return Refusal(
        "password_protected",
        "it is password-protected; remove the password in Excel (File > Info > Protect "
        "Workbook > Encrypt with Password, clear it) or WPS and send it again",
    )


def open_package(
    data: bytes, limits: ZipLimits, *, unpack: bool = True
) -> tuple[zipfile.ZipFile, frozenset[str]]:
    """Check a zip package and every member in it; open it for reading its small parts.

    Parameters
    ----------
    data : bytes
        The whole file.
    limits : ZipLimits
        The bounds to keep.
    unpack : bool, default True
        Also inflate every member (see :func:`unpack_members`). Without it only the central
        directory and the members' local headers are checked, and the caller must call
        :func:`unpack_members` before any native reader opens the package.

    Returns
    -------
    zipfile.ZipFile, frozenset of str
        The open package (the caller closes it) and the parts that hold formula elements
        (none when not unpacked).

    Raises
    ------
    Refusal
        ``zip_bomb``, ``unsafe_xml``, ``password_protected`` or ``corrupt_file``.
    """
    _central_directory(data, limits)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise Refusal(
            "corrupt_file", f"it is damaged or incomplete ({error}); ask for the file again"
        ) from None
    try:
        infos = archive.infolist()
        _check_members(infos, data, limits)
        formula_parts = _unpack_all(data, infos) if unpack else frozenset()
    except Refusal:
        archive.close()
        raise
    return archive, formula_parts


def unpack_members(data: bytes, limits: ZipLimits) -> frozenset[str]:
    """Inflate every member of a package, refusing lies and DTDs; name the formula parts.

    Each member is inflated from the package's bytes in pieces of 64 KiB and counted against
    its declared size and checksum, and its XML is searched for ``<!DOCTYPE`` and
    ``<!ENTITY``. Nothing is kept. The central directory is checked again first, so this is
    safe to call on its own.

    Parameters
    ----------
    data : bytes
        The whole file.
    limits : ZipLimits
        The bounds to keep.

    Returns
    -------
    frozenset of str
        The parts that hold formula elements.

    Raises
    ------
    Refusal
        ``zip_bomb``, ``unsafe_xml``, ``password_protected`` or ``corrupt_file``.
    """
    archive, formula_parts = open_package(data, limits)
    archive.close()
    return formula_parts


def _unpack_all(data: bytes, infos: list[zipfile.ZipInfo]) -> frozenset[str]:
    return frozenset(info.filename for info in infos if _unpack(data, info))


def _central_directory(data: bytes, limits: ZipLimits) -> None:
    """Refuse a package whose central directory is too big to parse, before zipfile does."""
    tail_start = max(0, len(data) - 22 - 0xFFFF)
    found = data.rfind(_EOCD, tail_start)
    if found < 0 or found + 22 > len(data):
        raise Refusal(
            "corrupt_file",
            "it is damaged or incomplete: the end of the zip "
            "package is missing (was the file cut short?); ask for it again",
        )
    entries, size = struct.unpack_from("<xxxxxxxxxxHI", data, found)
    if (entries == 0xFFFF or size == 0xFFFFFFFF) and data[found - 20 : found - 16] == (
        _ZIP64_LOCATOR
    ):
        offset = struct.unpack_from("<Q", data, found - 12)[0]
        if offset + 56 <= len(data):
            entries, size = struct.unpack_from("<QQ", data, offset + 32)
    if entries > limits.members or size > limits.members * _CENTRAL_DIRECTORY_PER_MEMBER:
        raise Refusal(
            "zip_bomb",
            f"it claims {entries:,} parts in a {size:,}-byte directory "
            f"(at most {limits.members:,} are read); it is not a normal workbook",
        )


def _check_members(infos: list[zipfile.ZipInfo], data: bytes, limits: ZipLimits) -> None:
    if len(infos) > limits.members:
        raise Refusal(
            "zip_bomb",
            f"it holds {len(infos):,} parts (at most {limits.members:,} "
            "are read); it is not a normal workbook",
        )
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise Refusal("corrupt_file", "it holds two parts with the same name; " + _RESAVE)
    total = sum(info.file_size for info in infos)
    if total > limits.total_bytes:
        raise Refusal(
            "zip_bomb",
            f"its parts unpack to {total:,} bytes, more than the limit of {limits.total_bytes:,}",
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise password_refusal()
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Refusal(
                "corrupt_file",
                f"part {info.filename} uses a compression method Excel does not; " + _RESAVE,
            )
        if info.file_size > limits.member_bytes:
            raise Refusal(
                "zip_bomb",
                f"part {info.filename} unpacks to {info.file_size:,} "
                f"bytes, more than the limit of {limits.member_bytes:,}",
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_GRACE and ratio > limits.ratio:
            raise Refusal(
                "zip_bomb",
                f"part {info.filename} is compressed {ratio:,.0f} to 1 "
                f"(a workbook is rarely above {limits.ratio:,.0f} to 1); "
                "it is a zip bomb, not a workbook",
            )
    ordered = sorted(infos, key=lambda info: info.header_offset)
    for info, after in itertools.pairwise(ordered):
        try:
            end = _span(data, info)[1]
        except (ValueError, struct.error):
            continue  # reported as damaged when the member is unpacked
        if end > after.header_offset:
            raise Refusal(
                "zip_bomb",
                f"parts {info.filename} and {after.filename} overlap in the file, "
                "a trick of zip bombs",
            )


def _span(data: bytes, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Where a member's compressed bytes start and end, from its local header."""
    local = info.header_offset
    if data[local : local + 4] != b"PK\x03\x04":
        raise ValueError("its local header is missing")
    name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
    start = local + 30 + name_length + extra_length
    return start, start + info.compress_size


def _pieces(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """Inflate one member from the package's bytes, in pieces of at most 64 KiB.

    zipfile would stop at the declared size; this reads what is really there, as a native
    reader would, so that a member lying about its size is caught.
    """
    start, end = _span(data, info)
    if end > len(data):
        raise ValueError("it runs past the end of the file")
    raw = memoryview(data)[start:end]
    if info.compress_type == zipfile.ZIP_STORED:
        for offset in range(0, len(raw), _CHUNK):
            yield bytes(raw[offset : offset + _CHUNK])
        return
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    offset = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            source = inflater.unconsumed_tail
        else:
            source, offset = bytes(raw[offset : offset + _CHUNK]), offset + _CHUNK
        piece = inflater.decompress(source, _CHUNK)
        if not piece and not source:
            raise ValueError("its compressed data ends too soon")
        yield piece


def _unpack(data: bytes, info: zipfile.ZipInfo) -> bool:
    """Inflate one member in pieces; refuse lies and DTDs; say whether it has formulas."""
    scan = not info.filename.lower().endswith(_MEDIA)
    actual = crc = 0
    found = False
    decoder = None
    tail = b""
    try:
        for raw in _pieces(data, info):
            if actual == 0 and scan:
                decoder = _wide_decoder(raw)
            actual += len(raw)
            if actual > info.file_size:
                raise Refusal(
                    "zip_bomb",
                    f"part {info.filename} declares {info.file_size:,} bytes but unpacks to "
                    "more; it is a zip bomb",
                )
            crc = zlib.crc32(raw, crc)
            if not scan:
                continue
            piece = raw if decoder is None else decoder.decode(raw).encode("utf-8")
            window = tail + piece
            _refuse_dtd(window, info.filename)
            found = found or _FORMULA_MARK in window or _ERROR_MARK in window
            tail = window[-16:]
        if actual != info.file_size or crc != info.CRC:
            raise ValueError("its size or checksum does not match")
    except (zlib.error, ValueError, struct.error) as error:
        raise Refusal(
            "corrupt_file", f"part {info.filename} is damaged ({error}); ask for the file again"
        ) from None
    return found


def _wide_decoder(first: bytes) -> codecs.IncrementalDecoder | None:
    """A decoder for XML written in UTF-16 or UTF-32; None for UTF-8 and other byte codes."""
    for mark, name in _WIDE:
        if first.startswith(mark):
            return codecs.getincrementaldecoder(name)(errors="replace")
    return None


def _refuse_dtd(window: bytes, part: str) -> None:
    start = window.find(b"!")  # one byte: the fastest search, and "!" is rare in XML
    while start >= 0:
        word = window[start + 1 : start + 8].upper()
        if window[start - 1 : start] == b"<" and word.startswith((b"DOCTYPE", b"ENTITY")):
            raise Refusal(
                "unsafe_xml",
                f"part {part} declares a document type or entities "
                "(<!DOCTYPE or <!ENTITY), which Excel never writes; such "
                "declarations are how entity bombs and external-entity attacks "
                "work, so the file is not read",
            )
        start = window.find(b"!", start + 1)
