"""Open a page in headless Chromium at a given width: measure its layout, take a screenshot.

Chromium's command line cannot run a script of ours in a page, and a headless window is
never narrower than 500 px; so the page is shown in an ``<iframe>`` of the width wanted
(a phone's 390 px) inside a small harness page, whose script measures the page in the
frame once it has loaded and writes what it found into its own DOM, which ``--dump-dom``
prints.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
          "--hide-scrollbars", "--virtual-time-budget=5000"]  # fmt: skip

_HARNESS = """<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="page" src="{page}"
 style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<script>
window.addEventListener("load", function () {{
  var doc = document.getElementById("page").contentDocument;
  var root = doc.documentElement, width = root.clientWidth;
  var sections = Array.prototype.map.call(doc.querySelectorAll("main > section"), function (s) {{
    var r = s.getBoundingClientRect();
    return {{id: s.id, left: r.left, right: r.right, width: r.width, height: r.height,
            hidden: getComputedStyle(s).display === "none" || getComputedStyle(s).visibility === "hidden"}};
  }});
  var out = {{scrollWidth: root.scrollWidth, clientWidth: width,
             bodyScrollWidth: doc.body.scrollWidth, sections: sections}};
  document.body.setAttribute("data-measured", JSON.stringify(out));
}});
</script></body></html>
"""


def chromium() -> str:
    """The Chromium found on the PATH; the test fails (never skips) without one."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError(f"no Chromium on the PATH (looked for {', '.join(NAMES)})")


def _harness(page: Path, width: int, height: int) -> Path:
    harness = page.with_name(f"harness_{width}.html")
    html = _HARNESS.format(page=page.name, width=width, height=height)
    harness.write_text(html, encoding="utf-8")
    return harness


def measure(page: Path, width: int, height: int = 2400) -> dict[str, Any]:
    """The page's layout in a frame ``width`` px wide: widths, and each section's box."""
    harness = _harness(page, width, height)
    done = subprocess.run(
        [chromium(), *_FLAGS, f"--window-size={max(width, 500)},{height}", "--dump-dom",
         harness.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    marker = 'data-measured="'
    start = done.stdout.find(marker)
    assert start >= 0, f"the harness measured nothing: {done.stdout[:500]} {done.stderr[-500:]}"
    raw = done.stdout[start + len(marker) : done.stdout.index('"', start + len(marker))]
    from html import unescape

    return dict(json.loads(unescape(raw)))


def screenshot(page: Path, width: int, height: int, out: Path) -> Path:
    """A PNG of the page at ``width`` px (in its frame), ``height`` px tall."""
    harness = _harness(page, width, height)
    subprocess.run(
        [chromium(), *_FLAGS, f"--window-size={width},{height}", f"--screenshot={out}",
         harness.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert out.is_file(), "Chromium wrote no screenshot"
    return out


def png_size_and_colours(path: Path) -> tuple[int, int, int]:
    """A PNG's width, height, and how many distinct byte values its pixel data holds."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            chunks.append(data[at + 8 : at + 8 + length])
        at += 12 + length
    pixels = zlib.decompress(b"".join(chunks))
    return width, height, len(set(pixels))
