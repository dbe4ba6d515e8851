"""Start and end times (``datetime`` questions) through the workbook, validate and clean.csv."""

from __future__ import annotations

import csv
from datetime import datetime
from textwrap import dedent

import openpyxl
import pytest

from villagesurvey import build_workbook, parse_instrument, validate_returns, write_validation
from villagesurvey.validate.datetimes import parse_datetime, read_datetime
from villagesurvey.workbook import CODE_ROW, FIRST_DATA_ROW

from .returns import write_csv

TIMED = parse_instrument(
    dedent(
        """\
        id: timed
        version: "1"
        title: {en: Timed, zh: 计时}
        languages: [en, zh]
        key: [hh]
        sections:
          - code: meta
            label: {en: Interview, zh: 访问}
            questions:
              - {code: hh, type: text, required: true, label: {en: Household, zh: 户}}
              - {code: start, type: datetime, label: {en: Started, zh: 开始}}
              - {code: end, type: datetime, label: {en: Ended, zh: 结束}}
        """
    )
)


def _findings(rows: list[dict[str, str]], tmp_path):
    result = validate_returns(TIMED, [write_csv(rows, tmp_path / "export.csv")])
    f = result.findings[result.findings["column"] != ""]  # not the file's notes
    return result, sorted(zip(f["row"].tolist(), f["column"], f["check"], f["fixed_value"],
                              strict=True))  # fmt: skip


def test_an_export_s_iso_times_pass_unchanged_and_reach_clean_csv(tmp_path):
    rows = [
        {"hh": "1", "start": "2024-05-01T09:12:03.000+03:00", "end": "2024-05-01T10:01:27.000+03:00"},
        {"hh": "2", "start": "2024-05-01T23:40:00Z", "end": "2024-05-02T00:25:10Z"},
    ]  # fmt: skip
    result, findings = _findings(rows, tmp_path)
    assert findings == []
    write_validation(result, tmp_path / "out")
    with open(tmp_path / "out" / "clean.csv", encoding="utf-8-sig") as handle:
        clean = list(csv.DictReader(handle))
    assert [(r["start"], r["end"]) for r in clean] == [(r["start"], r["end"]) for r in rows]


def test_other_writings_are_fixed_and_unreadable_ones_located(tmp_path):
    rows = [
        {"hh": "1", "start": "2024-05-01 09:12", "end": "2024/5/1 10:01:27 +0300"},
        {"hh": "2", "start": "2024-02-30T10:00:00", "end": "soon"},
        {"hh": "3", "start": "2024-05-01T25:00:00", "end": "14:30"},
    ]
    _, findings = _findings(rows, tmp_path)
    assert findings == [
        (2, "end", "datetime_as_text", "2024-05-01T10:01:27+03:00"),
        (2, "start", "datetime_as_text", "2024-05-01T09:12:00"),
        (3, "end", "not_a_datetime", None),
        (3, "start", "not_a_datetime", None),  # no 30 February
        (4, "end", "not_a_datetime", None),  # a time without its day
        (4, "start", "not_a_datetime", None),  # no hour 25
    ]


def test_workbook_cells_and_excel_serials_are_read_as_date_and_time(tmp_path):
    book = build_workbook(TIMED, "en", rows=3)
    sheet = book.worksheets[0]
    columns = {c.value: c.column for c in sheet[CODE_ROW] if c.value}
    assert sheet.column_dimensions[openpyxl.utils.get_column_letter(columns["start"])]\
        .number_format == "yyyy-mm-dd hh:mm"  # fmt: skip
    cells = [
        ("1", datetime(2024, 5, 1, 9, 12), datetime(2024, 5, 1, 10, 1, 27)),
        # R: format(as.POSIXct(45413.6041666667 * 86400, origin = "1899-12-30", tz = "UTC"))
        # [1] "2024-05-01 14:30:00"
        ("2", 45413.6041666667, "2024-05-01T15:00:00+08:00"),
        ("3", True, 2958466.0),  # past Excel's last day, 9999-12-31
    ]
    for offset, values in enumerate(cells):
        for code, value in zip(("hh", "start", "end"), values, strict=True):
            sheet.cell(FIRST_DATA_ROW + offset, columns[code]).value = value
    book.save(tmp_path / "V01.xlsx")
    result = validate_returns(TIMED, [tmp_path / "V01.xlsx"])
    f = result.findings
    first = FIRST_DATA_ROW
    assert sorted(zip(f["row"].tolist(), f["column"], f["check"], strict=True)) == [
        (first + 1, "start", "datetime_serial"),
        (first + 2, "end", "not_a_datetime"),
        (first + 2, "start", "not_a_datetime"),
    ]
    assert result.typed["start"].tolist()[:2] == ["2024-05-01T09:12:00", "2024-05-01T14:30:00"]
    assert result.typed["end"].tolist()[:2] == ["2024-05-01T10:01:27", "2024-05-01T15:00:00+08:00"]


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2017-12-28T10:01:27.000-05:00", "2017-12-28T10:01:27-05:00"),  # ODK's own example
        ("2024-05-01t09:05", "2024-05-01T09:05:00"),
        ("2024.5.1 9:05:00,250 +08", "2024-05-01T09:05:00.250000+08:00"),
        ("2024-05-01 09:05 z", "2024-05-01T09:05:00+00:00"),
        ("Jul 2, 2022 10:05:00 AM", "2022-07-02T10:05:00"),  # SurveyCTO's export
        ("Dec 28, 2017 12:01:27 AM", "2017-12-28T00:01:27"),
        ("Dec 28, 2017 12:01 PM", "2017-12-28T12:01:00"),
    ],
)
def test_year_first_writings_are_read(text, iso):
    moment = parse_datetime(text)
    assert moment is not None
    assert moment.isoformat() == iso


@pytest.mark.parametrize(
    "text",
    [
        "01/05/2024 09:05",
        "2024-05-01",
        "2024-05-01T09:05+24:00",
        "2024-13-01 10:00",
        "Jux 2, 2022 10:05:00 AM",
        "Jul 2, 2022 13:05:00 PM",
        "Feb 30, 2022 10:05:00 AM",
    ],
)
def test_ambiguous_or_impossible_writings_are_refused(text):
    assert parse_datetime(text) is None
    assert read_datetime(text)[1][0] == "not_a_datetime"
