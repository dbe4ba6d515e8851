"""Look at a file's bytes before any native reader does: what it is, and whether it is safe.

Everything here is pure Python with bounded reads. A zip package (.xlsx, .xlsm, .ods) is
checked by :mod:`._zipcheck`, then named for what it holds; a compound file (.xls, encrypted
Office files) has its directory read. Anything else is named for what it looks like.

Inflating every member of a package is the costly part of the check; a caller that reads the
package in another process can leave it to that process (``unpack=False``), which must then
call :func:`._zipcheck.unpack_members` with :attr:`Preflight.unpack` before any native
reader opens the bytes.
"""

from __future__ import annotations

import codecs
import dataclasses
import zipfile
import zlib
from dataclasses import dataclass

from ._cfb import OLE_MAGIC, CfbError, stream_names
from ._zipcheck import Refusal, ZipLimits, open_package, password_refusal

__all__ = ["Preflight", "Refusal", "ZipLimits", "preflight"]

_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_NAMED = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xls": "xls", ".ods": "ods", ".csv": "csv"}
_RESAVE = "open it in Excel or WPS, save it again as .xlsx and send that"


@dataclass(frozen=True)
class Preflight:
    """What a file is, and what is worth telling about it."""

    format: str
    notes: tuple[tuple[str, str], ...] = ()
    formula_parts: frozenset[str] = frozenset()
    unpack: ZipLimits | None = None
    """The limits a package's members must still be inflated against; None when done."""


def preflight(data: bytes, suffix: str, limits: ZipLimits, *, unpack: bool = True) -> Preflight:
    """Tell what ``data`` is and refuse it if it is not safe or not a spreadsheet.

    Parameters
    ----------
    data : bytes
        The whole file, not empty.
    suffix : str
        The file name's suffix, lower case (``".xlsx"``), used for messages and for CSV.
    limits : ZipLimits
        The bounds for zip packages.
    unpack : bool, default True
        Inflate every member of a zip package here. With ``False`` its central directory
        and local headers are checked and :attr:`Preflight.unpack` holds the limits the
        rest of the check must be done with.

    Returns
    -------
    Preflight
        The format (``"xlsx"``, ``"xlsm"``, ``"xls"``, ``"ods"`` or ``"csv"``), notes as
        ``(check, message)`` pairs, and the zip parts that hold formula elements.

    Raises
    ------
    Refusal
        With the check code and the reason.
    """
    if data.startswith(OLE_MAGIC):
        result = _compound(data)
    elif data[:4] in _ZIP_MAGICS:
        result = _package(data, limits, unpack)
    elif suffix == ".csv":
        if b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise Refusal("not_a_spreadsheet", "it holds binary data, not comma-separated text")
        return Preflight("csv")
    else:
        raise _not_a_spreadsheet(data, suffix)
    if result.format == "xlsx" and suffix == ".xlsm":
        result = dataclasses.replace(result, format="xlsm")
    named = _NAMED.get(suffix)
    if named is not None and named != result.format and {named, result.format} != {"xlsx", "xlsm"}:
        notes = (
            *result.notes,
            (
                "format_mismatch",
                f"it is a .{result.format} file although it is named {suffix}; "
                f"it was read as .{result.format}",
            ),
        )
        return dataclasses.replace(result, notes=notes)
    return result


def _not_a_spreadsheet(data: bytes, suffix: str) -> Refusal:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"%pdf"):
        what = "a PDF document"
    elif b"<html" in head or b"<!doctype html" in head or b"<table" in head:
        what = "a web page (HTML)"
    elif b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        what = "an Excel 2003 XML spreadsheet"
    elif b"\x00" not in head and _decodes(head):
        what = "a text file"
    else:
        what = "not a spreadsheet in any format villagesurvey knows"
    if suffix not in _NAMED:
        shown = suffix or "no suffix"
        return Refusal(
            "unsupported_format",
            f"villagesurvey reads .xlsx, .xlsm, .xls, .ods and .csv files; this one has "
            f"{shown} and is {what}",
        )
    advice = (
        "if it holds comma-separated values, rename it to .csv; otherwise " + _RESAVE
        if what == "a text file"
        else _RESAVE
    )
    return Refusal(
        "not_a_spreadsheet",
        f"it is {what}, not a workbook, although it is named {suffix}; {advice}",
    )


def _decodes(head: bytes) -> bool:
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _compound(data: bytes) -> Preflight:
    try:
        names = stream_names(data)
    except CfbError as error:
        raise Refusal(
            "corrupt_file", f"it is damaged or incomplete ({error}); ask for the file again"
        ) from None
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise password_refusal()
    if "Workbook" in names or "Book" in names:
        return Preflight("xls")
    if "WordDocument" in names:
        what = "a Word document"
    elif "PowerPoint Document" in names:
        what = "a PowerPoint presentation"
    else:
        what = "an Office compound file that holds no workbook"
    raise Refusal("not_a_spreadsheet", f"it is {what}, not a workbook")


def _package(data: bytes, limits: ZipLimits, unpack: bool) -> Preflight:
    archive, formula_parts = open_package(data, limits, unpack=unpack)
    with archive:
        names = set(archive.namelist())
        try:
            kind = _kind(archive, names)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as error:
            raise Refusal(
                "corrupt_file", f"it is damaged or incomplete ({error}); ask for the file again"
            ) from None
    later = None if unpack else limits
    return Preflight(kind, _active_content(names, kind), formula_parts, later)


def _kind(archive: zipfile.ZipFile, names: set[str]) -> str:
    if "[Content_Types].xml" in names:
        if "xl/workbook.bin" in names:
            raise Refusal(
                "unsupported_format",
                "it is an Excel binary workbook (.xlsb); "
                "save it as .xlsx (File > Save As) and send that",
            )
        if "xl/workbook.xml" in names:
            types = archive.read("[Content_Types].xml").lower()
            macros = b"macroenabled" in types or "xl/vbaProject.bin" in names
            return "xlsm" if macros else "xlsx"
        if "word/document.xml" in names:
            raise Refusal("not_a_spreadsheet", "it is a Word document, not a workbook")
        if "ppt/presentation.xml" in names:
            raise Refusal("not_a_spreadsheet", "it is a PowerPoint presentation, not a workbook")
    if "mimetype" in names:
        mime = archive.read("mimetype").strip()
        if mime == _ODS_MIME:
            manifest = "META-INF/manifest.xml"
            if manifest in names and b"encryption-data" in archive.read(manifest):
                raise password_refusal()
            return "ods"
        if mime.startswith(b"application/vnd.oasis.opendocument"):
            raise Refusal("not_a_spreadsheet", "it is an OpenDocument file but not a spreadsheet")
    raise Refusal(
        "not_a_spreadsheet",
        "it is a zip archive, not a workbook; unpack it and send the workbooks inside",
    )


def _active_content(names: set[str], kind: str) -> tuple[tuple[str, str], ...]:
    def under(*prefixes: str) -> bool:
        return any(name.startswith(prefixes) for name in names)

    notes: list[tuple[str, str]] = []
    macros = (
        under("Basic/", "Scripts/")
        if kind == "ods"
        else any(name.lower().endswith("vbaproject.bin") for name in names)
        or under("xl/macrosheets/")
    )
    if macros:
        notes.append(
            (
                "macros_ignored",
                "it contains macros; they were not run, and only the "
                "values saved in the cells were read",
            )
        )
    if (
        under("Object ", "ObjectReplacements/")
        if kind == "ods"
        else under("xl/embeddings/", "xl/activeX/")
    ):
        notes.append(
            (
                "embedded_objects_ignored",
                "it contains embedded objects (such as "
                "other documents or controls); they were not opened",
            )
        )
    if kind != "ods" and under("xl/externalLinks/"):
        notes.append(
            (
                "external_links_ignored",
                "it links to other workbooks; the links were "
                "not followed, and the values read are those last saved in this file",
            )
        )
    if kind != "ods" and "xl/connections.xml" in names:
        notes.append(
            (
                "data_connections_ignored",
                "it has data connections (queries to other "
                "files or databases); they were not refreshed",
            )
        )
    return tuple(notes)
