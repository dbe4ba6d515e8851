"""The dashboard's style sheet, inlined in the page.

Sections use only these classes: ``card`` (a section), ``grid`` (a table; ``num`` on its
number cells), ``flag`` (a signal, with ``warn`` or ``ok``), ``note`` (a remark) and
``figure`` (an inline SVG). A wide table scrolls within its own box, so that on a phone the
page never scrolls sideways.
"""

from __future__ import annotations

__all__ = ["CSS"]

CSS = """
:root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa;
  --warn: #fff1e0; --warn-ink: #9a3a00; --ok: #e8f5e9; --ok-ink: #1b5e20; --link: #0b5cad; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #f3f4f6;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; overflow-wrap: anywhere; }
main { max-width: 1120px; margin: 0 auto; padding: 12px; }
header h1 { font-size: 1.5rem; margin: 4px 0; }
h2 { font-size: 1.2rem; margin: 0 0 8px; }
h3 { font-size: 1.02rem; margin: 16px 0 6px; }
a { color: var(--link); }
nav { margin: 8px 0 12px; font-size: .95rem; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px;
  padding: 12px 14px; margin: 0 0 12px; min-width: 0; }
.grid { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse;
  font-size: .9rem; margin: 6px 0; }
.grid th, .grid td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left;
  vertical-align: top; overflow-wrap: normal; }
.grid thead th { background: var(--head); min-width: 6em; vertical-align: bottom; }
.grid tfoot th { border-top: 2px solid var(--ink); }
.grid .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.grid td:last-child { overflow-wrap: anywhere; min-width: 12ch; }
.grid tr:target { background: var(--warn); }
.flag { display: inline-block; padding: 0 6px; border-radius: 4px; background: var(--head);
  font-weight: 600; }
.flag.warn { background: var(--warn); color: var(--warn-ink); }
.flag.ok { background: var(--ok); color: var(--ok-ink); }
.note { color: var(--muted); font-size: .9rem; margin: 4px 0; }
.figure { display: block; width: 100%; max-width: 600px; height: auto; margin: 6px 0; }
.figure text { fill: var(--muted); font-family: inherit; }
.figure svg { display: block; width: 100%; height: auto; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
ol { padding-left: 1.4em; margin: 6px 0; }
footer { margin: 16px 0; }
@media (min-width: 900px) { main { padding: 20px 24px; } .card { padding: 16px 20px; } }
@media print { body { background: #fff; } details { display: block; }
  .card { break-inside: avoid; border: 0; } .grid { overflow: visible; } }
"""
