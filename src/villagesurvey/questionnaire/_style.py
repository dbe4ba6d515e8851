"""The questionnaire's print style: A4 pages, fonts that carry Chinese, no split questions."""

from __future__ import annotations

__all__ = ["FONTS", "css_string", "stylesheet"]

FONTS = (
    '"Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "Noto Sans SC", '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", '
    '"SimSun", "Songti SC", "Droid Sans Fallback", sans-serif'
)
"""Latin text first; Chinese falls through to the CJK fonts a system already has."""

_PAGE = """\
@page {
  size: A4;
  margin: 16mm 14mm 18mm 16mm;
  @bottom-left { content: %(version)s; font: 7.5pt %(fonts)s; color: #555; }
  @bottom-right {
    content: %(page)s counter(page) %(of)s counter(pages) %(end)s;
    font: 8pt %(fonts)s; color: #333;
  }
  @top-right { content: %(key)s; font: 8pt %(fonts)s; color: #333; }
}
@page :first { @top-right { content: none; } }
"""

_BODY = """\
* { box-sizing: border-box; }
html { font-family: %(fonts)s; font-size: 10pt; line-height: 1.35; color: #111; }
body { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 1mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; padding: 1mm 2mm; background: #e8eef6;
     border-left: 3pt solid #2f5f98; break-after: avoid; page-break-after: avoid; }
.alt { color: #555; font-size: 0.88em; }
h1 .alt, h2 .alt { font-weight: normal; }
.meta { border-collapse: collapse; margin: 2mm 0 3mm; font-size: 8.5pt; }
.meta th { text-align: left; font-weight: normal; color: #555; padding: 0.5mm 3mm 0.5mm 0; }
.meta td { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; }
.hash { word-break: break-all; }
.note { font-size: 8.5pt; color: #333; margin: 1mm 0 2mm; }
.consent { border: 1pt solid #888; padding: 2mm 3mm; margin: 2mm 0; break-inside: avoid; }
.signature { display: flex; gap: 8mm; margin: 4mm 0 2mm; }
.signature > span { flex: 1; border-bottom: 0.8pt solid #333; padding-bottom: 6mm; }
.q { break-inside: avoid; page-break-inside: avoid; padding: 1.6mm 0 2mm;
     border-bottom: 0.5pt solid #ccc; }
.qhead { display: flex; gap: 2mm; align-items: baseline; }
.num { font-weight: bold; min-width: 9mm; }
.label { flex: 1; font-weight: 600; }
.label .alt { display: block; font-weight: normal; }
.col { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace;
       font-size: 6.5pt; color: #666; white-space: nowrap; }
.hint { font-size: 8.5pt; color: #444; margin: 0.5mm 0 0 11mm; }
.answer { margin: 1.5mm 0 0 11mm; }
.boxes { display: inline-flex; vertical-align: middle; border-left: 0.8pt solid #222; }
.box { display: inline-block; width: 6mm; height: 7mm; border: 0.8pt solid #222;
       border-left: none; }
.sep { display: inline-block; padding: 0 1mm; font-weight: bold; }
.unit { margin-left: 2mm; }
.usual { margin-left: 3mm; font-size: 8pt; color: #555; }
.line { display: inline-block; width: 70%%; border-bottom: 0.8pt solid #222; height: 6mm; }
.keybox { display: inline-block; width: 50mm; height: 9mm; border: 1.2pt solid #222; }
.small-note { font-size: 8pt; color: #555; }
.choices { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap;
           gap: 1mm 6mm; }
.choices.long { display: block; columns: 2; column-gap: 8mm; }
.choices li { break-inside: avoid; }
.code { display: inline-block; min-width: 5.5mm; padding: 0 0.8mm; margin-right: 1mm;
        text-align: center; font-weight: bold; }
table.grid { border-collapse: collapse; margin-top: 1mm; }
table.grid th, table.grid td { border: 0.6pt solid #999; padding: 1mm 2mm; vertical-align: top; }
table.grid th { background: #f4f4f4; font-weight: normal; text-align: center; }
table.grid td.mark { text-align: center; }
table.likert td { text-align: center; width: 22mm; font-size: 8.5pt; }
.waves { display: flex; gap: 6mm; flex-wrap: wrap; }
.wave { border: 0.6pt solid #999; padding: 1mm 2mm 1.5mm; }
.wave-head { font-size: 8.5pt; margin-bottom: 1mm; }
.wave-head b { margin-right: 2mm; }
.skip { font-size: 8.5pt; font-weight: bold; color: #8a1c1c; margin: 1mm 0 0 11mm; }
.ask-if { font-size: 8.5pt; color: #8a1c1c; margin: 0.8mm 0 0 11mm; font-style: italic; }
.wave .ask-if { margin: 0.5mm 0 0; }
table.roster-grid { width: 100%%; table-layout: fixed; margin: 1mm 0 3mm;
                    break-inside: avoid; page-break-inside: avoid; }
table.roster-grid th { font-size: 8pt; text-align: left; vertical-align: bottom;
                       padding: 1mm 1.2mm; }
table.roster-grid th .num { min-width: 0; }
table.roster-grid td { height: 8.5mm; padding: 0; }
table.roster-grid .line-no { width: 19mm; text-align: center; font-weight: bold;
                             vertical-align: middle; }
table.roster-grid tr { break-inside: avoid; page-break-inside: avoid; }
table.roster-grid .ask-if { margin: 0.5mm 0 0; font-size: 7pt; }
section.roster { break-inside: avoid; page-break-inside: avoid; }
.codes { font-size: 8pt; }
.codes p { margin: 0.6mm 0; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; }
.personal { break-before: page; page-break-before: always; }
.personal h2 { background: #fbe9e7; border-left-color: #b23c17; }
@media screen {
  body { max-width: 190mm; margin: 10mm auto; }
  .personal { border-top: 2pt dashed #b23c17; margin-top: 12mm; padding-top: 4mm; }
}
"""


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that cannot end the string or the style element."""
    escaped = "".join(
        f"\\{ord(ch):x} " if ch in '"\\<>&\n\r\f' or ord(ch) < 32 else ch for ch in text
    )
    return f'"{escaped}"'


def stylesheet(version: str, key: str, page: str, of: str, end: str) -> str:
    """The whole style sheet, with the footer's version and the page words filled in."""
    page_css = _PAGE % {
        "version": css_string(version),
        "key": css_string(key),
        "page": css_string(page),
        "of": css_string(of),
        "end": css_string(end),
        "fonts": FONTS,
    }
    return page_css + _BODY % {"fonts": FONTS}
