"""Table sheets written straight to the xlsx XML: a large table in a second, not a minute.

The same sheets as :func:`~villagesurvey.tables.xlsx.add_table_sheet` (a bold frozen
header, an autofilter, widths from the content, an optional note above, severities
coloured, every text stored as text and never a formula), written as SpreadsheetML rows
without a Python object per cell: openpyxl spends about a millisecond per row of ten cells,
which makes a sheet of tens of thousands of findings take longer than all the checks.

Texts are inline strings; characters an xlsx file cannot hold are shown escaped
(:func:`~villagesurvey.tables.safe.writable`).
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ..workbook._cells import display_width, truncate
from .letters import column_letter
from .safe import writable

__all__ = ["TableBook"]

_WIDEST = 80
_HEADER, _NOTE = 1, 2
_HIDDEN = ' state="hidden"'
_UNSEEN: Any = object()
_ROWS_WRITTEN = 1024  # rows written to the zip file at a time
_SEVERITY_STYLE = {"error": 3, "warning": 4, "fixed": 5, "corrected": 5, "confirmed": 5}
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="3"><font><sz val="11"/><color theme="1"/><name val="Calibri"/>
<family val="2"/><scheme val="minor"/></font>
<font><b/><color rgb="00FFFFFF"/><sz val="11"/><name val="Calibri"/></font>
<font><i/><color rgb="00C00000"/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="6"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00305496"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00F8CBAD"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00FFE699"/></patternFill></fill>
<fill><patternFill patternType="solid"><fgColor rgb="00C6E0B4"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="0" fontId="0" fillId="3" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="4" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="0" fontId="0" fillId="5" borderId="0" xfId="0" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _plain(value: Any) -> Any:
    """A value as a cell stores it: no NA, no NaN, no numpy scalar; anything else as text."""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, str):
        return writable(value)
    if isinstance(value, bool | int | float):
        return value
    return writable(str(value))


def _lists(lists: list[tuple[str, str]]) -> str:
    """The drop-downs of a sheet: ``(cells, source)`` as data validations of type list."""
    if not lists:
        return ""
    checks = "".join(
        f'<dataValidation type="list" allowBlank="1" showErrorMessage="0" sqref="{cells}">'
        f"<formula1>{escape(source)}</formula1></dataValidation>"
        for cells, source in lists
    )
    return f'<dataValidations count="{len(lists)}">{checks}</dataValidations>'


def _cell(ref: str, value: Any, style: int) -> str:
    """One cell of plain values (:func:`_plain`); a text is always a text."""
    tail = _tail(value, style)
    return "" if tail is None else f'<c r="{ref}"{tail}'


def _tail(value: Any, style: int) -> str | None:
    """What follows a cell's reference in its XML (:func:`_cell`); ``None`` for no cell."""
    s = f' s="{style}"' if style else ""
    if value is None or value == "":
        return f"{s}/>" if style else None
    if isinstance(value, bool):
        return f'{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(value):
        return f"{s}><v>{value!r}</v></c>"
    text = escape(str(value)).replace("\r", "&#13;")
    return f'{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class TableBook:
    """An xlsx workbook of table sheets, written sheet by sheet into its zip file."""

    def __init__(self, path: str | Path) -> None:
        self._zip = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self._titles: list[str] = []
        self._filters: list[str | None] = []
        self._hidden: list[bool] = []
        self._letters: list[str] = []

    def add(
        self,
        title: str,
        header: list[str],
        rows: Iterable[Iterable[Any]],
        *,
        note: str | None = None,
        limit: int | None = None,
        widths: list[float] | None = None,
        autofilter: bool = True,
        lists: Iterable[tuple[str, str]] = (),
        hidden: bool = False,
    ) -> None:
        """A filterable table sheet: at most ``limit`` rows of ``rows`` below ``header``.

        ``widths`` fixes the columns' widths (else they follow the content); with no
        ``header``, the rows start at the top and nothing is frozen or filtered. ``lists``
        are drop-downs, ``(cells, source)``: the cells (``"K2:K9"``, ``"L4 L7"``) offer
        the values of ``source`` (``'"a,b"'`` or a range such as ``choices!$A$2:$A$3``).
        """
        table = [list(r) for r, _ in zip(rows, range(limit or 2**31), strict=False)]
        title = truncate(title, 31)
        if widths is None:
            widths = [display_width(h) + 2 for h in header]
            for row in table[:500]:
                for i, value in enumerate(map(_plain, row[: len(widths)])):
                    text = "" if value is None else str(value)
                    widths[i] = max(widths[i], min(display_width(text) + 2, _WIDEST))
        first = (2 if note else 1) if header else 0  # the header's row; 0: none
        widest = max([len(header), 1, *(len(r) for r in table)])
        self._letters = [column_letter(i) for i in range(1, widest + 1)]
        last = column_letter(max(len(header), 1))
        span = f"A{first}:{last}{first + len(table)}"
        filtered = autofilter and bool(header)
        self._titles.append(title)
        self._filters.append(f"$A${first}:${last}${first + len(table)}" if filtered else None)
        self._hidden.append(hidden)
        with self._zip.open(f"xl/worksheets/sheet{len(self._titles)}.xml", "w") as out:
            extent = f"A1:{self._letters[-1]}{max(first + len(table), 1)}"
            out.write(self._head(widths, first, extent).encode("utf-8"))
            if note:
                out.write(f'<row r="1">{_cell("A1", _plain(note), _NOTE)}</row>'.encode())
            if header:
                heads = [_plain(h) for h in header]
                out.write(self._row(first, heads, [_HEADER] * len(header)).encode("utf-8"))
            severity = header.index("severity") if "severity" in header else None
            texts: list[dict[str, str | None]] = [{} for _ in self._letters]
            for start in range(0, len(table), _ROWS_WRITTEN):
                lines = (self._body_row(number, row, severity, texts)
                         for number, row in enumerate(table[start : start + _ROWS_WRITTEN],
                                                      start=first + 1 + start))  # fmt: skip
                out.write("".join(lines).encode("utf-8"))
            out.write(b"</sheetData>")
            if filtered:
                out.write(f'<autoFilter ref="{span}"/>'.encode())
            out.write(_lists(list(lists)).encode("utf-8"))
            out.write(b"</worksheet>")

    @staticmethod
    def _head(widths: list[float], first: int, extent: str) -> str:
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>'
            for i, w in enumerate(widths, start=1)
        )
        frozen = (
            f'<pane ySplit="{first}" topLeftCell="A{first + 1}" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft"/>'
            if first
            else ""
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}"'
            f' xmlns:r="{_REL}"><dimension ref="{extent}"/>'
            f'<sheetViews><sheetView workbookViewId="0">{frozen}</sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}'
            "<sheetData>"
        )

    def _row(self, number: int, values: Iterable[Any], styles: list[int]) -> str:
        letters, row = self._letters, str(number)
        cells = "".join(
            _cell(letters[i] + row, v, styles[i] if i < len(styles) else 0)
            for i, v in enumerate(values)
        )
        return f'<row r="{number}">{cells}</row>'

    def _body_row(
        self, number: int, row: list[Any], severity: int | None, texts: list[dict[str, str | None]]
    ) -> str:
        """A row of the table: each cell as :meth:`_row` writes it (the severity coloured),
        a text's XML made once per column and text (``texts``, filled as the rows come: a
        findings table repeats its file, check and message on every row)."""
        letters, at = self._letters, str(number)
        cells = []
        for i, value in enumerate(row):
            if type(value) is str:
                tail = texts[i].get(value, _UNSEEN)
                if tail is _UNSEEN:
                    tail = texts[i][value] = _tail(_plain(value), self._style(i, value, severity))
            else:
                shown = _plain(value)
                tail = _tail(shown, self._style(i, shown, severity))
            if tail is not None:
                cells.append(f'<c r="{letters[i]}{at}"{tail}')
        return f'<row r="{number}">{"".join(cells)}</row>'

    @staticmethod
    def _style(column: int, value: Any, severity: int | None) -> int:
        """A body cell's style: its severity's colour in the severity column, else none."""
        if column != severity or not isinstance(value, str):
            return 0
        return _SEVERITY_STYLE.get(_plain(value), 0)

    def _put(self, name: str, text: str) -> None:
        """A part of the file, dated as every part is (1980-01-01), so a run is reproducible."""
        with self._zip.open(name, "w") as out:
            out.write(text.encode("utf-8"))

    def save(self) -> None:
        """Write the workbook's parts around its sheets and close the file."""
        sheets = range(1, len(self._titles) + 1)
        self._put(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPE}.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                f'ContentType="{_TYPE}.worksheet+xml"/>'
                for n in sheets
            )
            + "</Types>",
        )
        self._put(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        self._put("xl/styles.xml", _STYLES)
        self._put("xl/workbook.xml", self._workbook())
        self._put(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" '
                f'Target="worksheets/sheet{n}.xml"/>'
                for n in sheets
            )
            + f'<Relationship Id="rId{len(self._titles) + 1}" Type="{_REL}/styles" '
            'Target="styles.xml"/></Relationships>',
        )
        self._zip.close()

    def _workbook(self) -> str:
        sheets = "".join(
            f'<sheet name={quoteattr(t)} sheetId="{n}"{_HIDDEN if hidden else ""} r:id="rId{n}"/>'
            for n, (t, hidden) in enumerate(zip(self._titles, self._hidden, strict=True), start=1)
        )
        names = "".join(
            f'<definedName name="_xlnm._FilterDatabase" localSheetId="{n}" hidden="1">'
            + escape(f"'{t.replace(chr(39), chr(39) * 2)}'!{span}")
            + "</definedName>"
            for n, (t, span) in enumerate(zip(self._titles, self._filters, strict=True))
            if span is not None
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}"'
            f' xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
            f"{f'<definedNames>{names}</definedNames>' if names else ''}</workbook>"
        )
