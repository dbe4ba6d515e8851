"""The GPS section of the supervisor page: its SVG map and table, parsed and read back."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from villagesurvey.dashboard.gps_map import section
from villagesurvey.instrument import parse_instrument
from villagesurvey.validate import validate_returns

from .returns import table, write_csv
from .test_monitoring_gps import INSTRUMENT, RETURNS

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def block(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gps")
    path = write_csv(table(RETURNS), folder / "A.csv")
    validation = validate_returns(parse_instrument(INSTRUMENT), [path], workers=1)
    return validation.monitoring["gps"]


def _parse(html: str) -> ET.Element:
    return ET.fromstring(html)


def _svg(root: ET.Element) -> ET.Element:
    return next(root.iter(f"{SVG}svg"))


def test_the_section_is_one_card_with_a_map_a_table_and_flags(block):
    root = _parse(section(block, "en"))
    assert (root.tag, root.get("class"), root.get("id")) == ("section", "card", "gps_map")
    assert root.find("h2").text == "GPS points"
    flags = {p.text: p.get("class") for p in root.iter("p") if "flag" in p.get("class", "")}
    assert flags == {
        "1 farther than 2 km from their village's centre": "flag warn",
        "2 at the same point as another household (within 5 m)": "flag warn",
        "1 measured less accurately than 20 m": "flag warn",
    }
    svg = _svg(root)
    assert svg.find(f"{SVG}title").text == "Map of the GPS points of home by village"
    assert "9 points in 2 villages" in svg.find(f"{SVG}desc").text
    assert any("9 points in 2 villages" in (p.text or "") for p in root.iter("p"))  # alt text
    kinds = [e.get("class") for e in svg.iter() if "point" in (e.get("class") or "").split()]
    assert len(kinds) == 9
    assert sorted(k for k in kinds if k != "point") == [
        "point accuracy", "point copied", "point copied", "point far",
    ]  # fmt: skip
    assert len([e for e in svg.iter() if e.get("class") == "ring"]) == 1
    assert len([e for e in svg.iter() if e.get("class") == "centre"]) == 1  # A's median point
    rows = [[td.text for td in tr.iter("td")] for tr in root.find("table").iter("tr")][1:]
    # A's median distance from its centre, R:
    # p <- cbind(c(36.8219,36.8219,36.8210,36.8228,36.9,36.82,36.82002),
    #            c(-1.2921,-1.2921,-1.2930,-1.2912,-1.25,-1.294,-1.294))
    # median(geosphere::distHaversine(p, c(36.8219,-1.2921), r=6371008.8))  [1] 141.510251819
    assert rows == [
        ["A", "7", "median point", "0.14", "1", "2", "1"],
        ["B", "2", "too few points", None, "0", "0", "0"],
    ]
    assert root.find("table").get("class") == "grid"
    assert not any(e.get("href") or e.get("src") for e in root.iter())  # nothing from outside


def test_the_scale_bar_measures_the_map(block):
    svg = _svg(_parse(section(block, "en")))
    bar = next(e for e in svg.iter(f"{SVG}g") if e.get("class") == "scale")
    length = float(re.search(r"h([0-9.]+)", bar.find(f"{SVG}path").get("d")).group(1))
    label = bar.find(f"{SVG}text").text
    number, unit = label.split()
    bar_km = float(number) / (1000 if unit == "m" else 1)
    # two points of the map whose distance is known: A-1 and the far A-4 (x, y in km)
    points = block["questions"][0]["map"]["points"]
    first, far = points[0], points[4]
    km = math.dist(first[:2], far[:2])
    drawn = [e for e in svg.iter() if (e.get("class") or "").startswith("point")]
    a, b = drawn[0], drawn[4]
    pixels = math.dist(
        (float(a.get("cx")), float(a.get("cy"))), (float(b.get("cx")), float(b.get("cy")))
    )
    assert pixels / km == pytest.approx(length / bar_km, rel=1e-3)
    # R: geosphere::distHaversine(c(36.8219,-1.2921), c(36.9,-1.25), r=6371008.8)
    # [1] 9863.83623779: the projection keeps it to well under 1% over a few km
    assert km == pytest.approx(9.86383623779, rel=1e-3)


def test_the_section_speaks_chinese(block):
    root = _parse(section(block, "zh"))
    assert root.find("h2").text == "GPS 定位点"
    texts = "".join(root.itertext())
    assert "个离村中心超过 2 公里" in texts
    assert "中位点" in texts


def test_names_are_escaped_and_an_empty_view_says_so():
    block = {
        "same_point_m": 5,
        "questions": [
            {
                "column": "home", "points": 1, "far": 0, "copied": 0, "low_accuracy": 0,
                "radius_km": None, "max_accuracy": None, "villages_not_listed": [],
                "villages": [{"village": "<script>x</script>", "points": 1, "centre": None,
                              "median_km": None, "far": 0, "copied": 0, "low_accuracy": 0}],
                "map": {"width_km": 0, "height_km": 0, "villages": ["<script>x</script>"],
                        "points": [[0, 0, 0, ""]], "centres": [], "total": 1, "shown": 1},
            },
            {"column": "plot", "points": 0},
        ],
    }  # fmt: skip
    html = section(block, "en")
    assert "<script>" not in html
    root = _parse(html)
    assert "No radius_km in the instrument" in "".join(root.itertext())
    assert "No GPS point among the clean rows." in "".join(root.itertext())
    assert len([e for e in _svg(root).iter(f"{SVG}circle") if e.get("class") == "point"]) == 1


def _villages_block(n: int) -> dict:
    """A map of ``n`` villages a kilometre apart, one household and a centre each."""
    names = [f"V{i:02d}" for i in range(1, n + 1)]
    rows = [{"village": v, "points": 1, "centre": "villages table", "median_km": 0.5,
             "far": 0, "copied": 0, "low_accuracy": 0} for v in names]  # fmt: skip
    shown = {"width_km": n, "height_km": 1, "villages": names,
             "points": [[i, 0.5, i, ""] for i in range(n)],
             "centres": [[i, 0, i] for i in range(n)], "total": n, "shown": n}  # fmt: skip
    question = {"column": "home", "points": n, "far": 0, "copied": 0, "low_accuracy": 0,
                "radius_km": 2, "max_accuracy": None, "villages_not_listed": [],
                "villages": rows, "map": shown}  # fmt: skip
    return {"same_point_m": 5, "questions": [question]}


def _shape(mark: ET.Element) -> tuple[str, ...]:
    """A marker's tag, fill and outline (a path's corners around their middle)."""
    if mark.tag == f"{SVG}circle":
        return ("circle", mark.get("fill"), mark.get("r"))
    numbers = [float(v) for v in re.findall(r"-?[0-9.]+", mark.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    middle = (sum(xs) / len(xs), sum(ys) / len(ys))
    corners = [f"{x - middle[0]:.1f} {y - middle[1]:.1f}" for x, y in zip(xs, ys, strict=True)]
    return ("path", mark.get("fill"), *corners)


@pytest.mark.parametrize("villages", [12, 14, 48])
def test_every_village_has_a_marker_of_its_own_and_is_named(villages):
    svg = _svg(_parse(section(_villages_block(villages), "en")))
    marks = [e for e in svg.iter() if e.get("class") == "point"]
    assert len(marks) == villages
    assert len({_shape(m) for m in marks}) == villages  # colour and shape: none alike
    legend = next(e for e in svg.iter(f"{SVG}g") if e.get("class") == "legend")
    in_legend = [t.text for t in legend.iter(f"{SVG}text")][:-1]  # the last: what marks mean
    at_centres = [e.text for e in svg.iter(f"{SVG}text") if e.get("class") == "village"]
    names = [f"V{i:02d}" for i in range(1, villages + 1)]
    if villages <= 12:
        assert (in_legend, at_centres) == (names, [])
    else:  # the legend names twelve; the map names every village at its centre
        assert in_legend == [*names[:12], f"+{villages - 12}"]
        assert at_centres == names
    # a village's centre and its household's marker share its colour
    centres = [e.get("stroke") for e in svg.iter() if e.get("class") == "centre"]
    assert centres == [m.get("fill") for m in marks]


@pytest.mark.parametrize("villages", [3, 12, 48])
def test_the_legend_hides_no_point(villages):
    """The legend's rows lie under the map: no household or centre is drawn beneath them
    (the villages of the block run along the map's lower edge, into its right corner)."""
    svg = _svg(_parse(section(_villages_block(villages), "en")))
    legend = next(e for e in svg.iter(f"{SVG}g") if e.get("class") == "legend")
    named = [t for t in legend.iter(f"{SVG}text") if t.get("y") != str(24 - 6)]  # not the key
    top = min(float(t.get("y")) for t in named) - 12  # a line of 12-pixel text
    marks = [e for e in svg.iter() if e.get("class") in ("point", "centre")]
    assert len(marks) == 2 * villages
    assert max(_lowest(m) for m in marks) + 8 < top  # a ring reaches 8 pixels from a point


def _lowest(mark: ET.Element) -> float:
    """How far down a marker reaches: a circle's centre, a path's lowest corner."""
    if mark.tag == f"{SVG}circle":
        return float(mark.get("cy"))
    ys = [float(y) for y in re.findall(r"[ML][-0-9.]+ ([-0-9.]+)", mark.get("d"))]
    return max(ys) + (6 if mark.get("class") == "centre" else 0)  # a cross: its arm, 6 down
