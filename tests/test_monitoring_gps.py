"""The GPS view: accuracy, distance from the village's centre, points shared by households.

Distances are checked against R's geosphere (``distHaversine`` on a sphere of the Earth's
mean radius, ``r = 6371008.8``), the call and its printed value beside each number.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from villagesurvey.cli import main
from villagesurvey.errors import OptionError
from villagesurvey.instrument import parse_instrument
from villagesurvey.monitoring.geometry import close_pairs, haversine_km, median_point
from villagesurvey.monitoring.villages import read_villages
from villagesurvey.validate import validate_returns

from .returns import table, write_csv

INSTRUMENT = """
id: gps
version: "1"
title: {en: GPS, zh: 定位}
languages: [en, zh]
key: [village, household, person]
sections:
  - code: main
    label: {en: Main, zh: 主要}
    questions:
      - {code: village, type: text, required: true, label: {en: Village, zh: 村}}
      - {code: household, type: integer, required: true, label: {en: Household, zh: 户}}
      - {code: person, type: integer, required: true, label: {en: Person, zh: 人}}
      - code: home
        type: geopoint
        max_accuracy: 20
        radius_km: 2
        label: {en: House, zh: 住房}
"""

# village A: its median point is (-1.2921, 36.8219), household 4 is 9.9 km from it, households
# 5 and 6 are 2.2 m apart, household 3 was measured to 50 m; persons 1 and 2 of household 1
# share their house. Village B has two points: too few for a median centre.
RETURNS = """
| village | household | person | home                    |
| A       | 1         | 1      | -1.2921 36.8219 1700 5  |
| A       | 1         | 2      | -1.2921 36.8219 1700 5  |
| A       | 2         | 1      | -1.2930 36.8210 1700 5  |
| A       | 3         | 1      | -1.2912 36.8228 1700 50 |
| A       | 4         | 1      | -1.25 36.9              |
| A       | 5         | 1      | -1.294 36.82            |
| A       | 6         | 1      | -1.294 36.82002         |
| B       | 1         | 1      | -1.30 36.85             |
| B       | 2         | 1      | -1.30 36.851            |
"""


@pytest.fixture(scope="module")
def instrument():
    return parse_instrument(INSTRUMENT)


def test_haversine_agrees_with_geosphere():
    # R: geosphere::distHaversine(c(36.8219,-1.2921), c(36.9,-1.25), r=6371008.8)
    # [1] 9863.83623779
    assert haversine_km(-1.2921, 36.8219, -1.25, 36.9) * 1000 == pytest.approx(9863.83623779)
    # R: distHaversine(c(116.4074,39.9042), c(121.4737,31.2304), r=6371008.8)  Beijing-Shanghai
    # [1] 1067311.64516
    assert haversine_km(39.9042, 116.4074, 31.2304, 121.4737) * 1000 == pytest.approx(1067311.64516)
    # R: distHaversine(c(179.9,0), c(-179.9,0), r=6371008.8)  across the date line
    # [1] 22239.0160467
    assert haversine_km(0, 179.9, 0, -179.9) * 1000 == pytest.approx(22239.0160467)


def test_close_pairs_and_the_median_point():
    points = [(-1.294, 36.82), (-1.294, 36.82002), (-1.294, 36.8201), (10.0, 10.0)]
    # R: distHaversine(c(36.82,-1.294), c(36.82002,-1.294), r=6371008.8)  [1] 2.22333446482
    assert close_pairs(points, 5) == [(0, 1)]
    assert close_pairs(points, 2) == []
    assert close_pairs(points, 12) == [(0, 1), (0, 2), (1, 2)]
    # one point astray out of five does not move the median
    five = [(1.0, 2.0), (1.1, 2.1), (0.9, 1.9), (1.0, 2.0), (60.0, -120.0)]
    assert median_point(five) == (1.0, 2.0)


def _validate(instrument, tmp_path, villages=None):
    path = write_csv(table(RETURNS), tmp_path / "A.csv")
    return validate_returns(instrument, [path], workers=1, villages=villages)


def _signals(validation):
    found = validation.findings
    found = found[found["check"].str.startswith("gps_")]
    return found


def test_each_signal_is_a_located_warning_with_its_numbers(instrument, tmp_path):
    validation = _validate(instrument, tmp_path)
    assert validation.rows_clean == 9  # warnings only
    found = _signals(validation)
    said = sorted(zip(found["row"].astype(int), found["check"], strict=True))
    assert said == [
        (5, "gps_accuracy"),
        (6, "gps_far_from_village"),
        (7, "gps_same_point"),
        (8, "gps_same_point"),
    ]
    assert set(found["file"]) == {"A.csv"}
    assert set(found["letter"]) == {"D"}
    assert set(found["severity"]) == {"warning"}
    messages = dict(zip(found["row"].astype(int), found["message"], strict=True))
    assert "measured to 50 m" in messages[5]
    assert "20 m allowed" in messages[5]
    # R: distHaversine(c(36.8219,-1.2921), c(36.9,-1.25), r=6371008.8)  [1] 9863.83623779
    assert "9.9 km from the centre of village A (the median point" in messages[6]
    assert "A.csv row 8, household A-6" in messages[7]
    assert "within 5 m of 1 other household" in messages[7]
    assert "A.csv row 7, household A-5" in messages[8]


def test_numbers_go_to_the_monitoring_block(instrument, tmp_path):
    block = _validate(instrument, tmp_path).monitoring["gps"]
    assert json.loads(json.dumps(block)) == block  # summary.json can hold it
    (home,) = block["questions"]
    assert (home["points"], home["far"], home["copied"], home["low_accuracy"]) == (9, 1, 2, 1)
    villages = {v["village"]: v for v in home["villages"]}
    assert villages["A"]["centre"] == "median"
    # R: p <- cbind(c(36.8219,36.8219,36.8210,36.8228,36.9,36.82,36.82002),
    #               c(-1.2921,-1.2921,-1.2930,-1.2912,-1.25,-1.294,-1.294))
    # median(geosphere::distHaversine(p, c(36.8219,-1.2921), r=6371008.8))  [1] 141.510251819
    assert villages["A"]["median_km"] == pytest.approx(0.141510251819, abs=5e-4)
    assert villages["B"]["centre"] is None  # two points: no median centre, no distances
    assert villages["B"]["far"] == 0
    shown = home["map"]
    assert (shown["total"], shown["shown"]) == (9, 9)
    flagged = [p[3] for p in shown["points"] if p[3]]
    assert sorted(flagged) == ["accuracy", "copied", "copied", "far"]
    # the map is in km from its south-west corner: no coordinate is kept
    assert min(p[0] for p in shown["points"]) == 0
    assert min(p[1] for p in shown["points"]) == 0


def test_a_villages_table_gives_the_centres(instrument, tmp_path):
    villages = tmp_path / "villages.csv"
    villages.write_text('Village,Lat,Lon\nA,-1.2921,36.8219\nB,"1,30S",36.80\nC,0.5,30\n')
    validation = _validate(instrument, tmp_path, villages)
    found = _signals(validation)
    far = found[found["check"] == "gps_far_from_village"]
    assert sorted(far["row"].astype(int)) == [6, 9, 10]
    message = far[far["row"] == 9]["message"].iloc[0]
    # R: distHaversine(c(36.80,-1.30), c(36.85,-1.30), r=6371008.8)  [1] 5558.32298274
    assert "5.6 km from the centre of village B (its point in the villages table)" in message
    assert validation.monitoring["gps"]["villages_given"] == 3


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("village,latitude\nA,1\n", "no longitude column"),
        ("village,latitude,longitude\nA,91,30\n", "row 2: .91 30. .* the latitude is beyond"),
        ("village,latitude,longitude\nA,1,30\nA,1,31\n", "row 3: village 'A' is listed twice"),
        (
            "village,latitude,longitude\nA,north,30\n",
            "row 2: 'north 30' .* the latitude is not a number",
        ),
        ("village,latitude,longitude\n,1,30\n", "row 2: the village has no name"),
    ],
)
def test_a_wrong_villages_table_is_a_located_error(tmp_path, text, why):
    path = tmp_path / "v.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(OptionError, match=why):
        read_villages(path)


def test_the_command_takes_villages_and_writes_the_block(instrument, tmp_path):
    form = tmp_path / "gps.yaml"
    form.write_text(INSTRUMENT, encoding="utf-8")
    returns = write_csv(table(RETURNS), tmp_path / "A.csv")
    villages = tmp_path / "villages.csv"
    villages.write_text("village,latitude,longitude\nA,-1.2921,36.8219\n", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["validate", str(form), str(returns), "-o", str(out), "--villages", str(villages)]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["monitoring"]["gps"]["questions"][0]["far"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("village,latitude,longitude\nA,95,30\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["validate", str(form), str(returns), "-o", str(out), "--villages", str(bad)]
    )
    assert result.exit_code == 2
    assert "bad.csv row 2" in result.output


def test_an_unreadable_villages_table_is_one_line(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"village,latitude,longitude\nA\xff,1,30\n")
    with pytest.raises(OptionError, match=r"v\.csv: cannot read the villages table"):
        read_villages(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(OptionError, match="is empty"):
        read_villages(path)
    path.write_text("village,latitude,longitude\nA,1\x0730,30\n", encoding="utf-8")
    with pytest.raises(OptionError, match=r"row 2: .*control character"):
        read_villages(path)
