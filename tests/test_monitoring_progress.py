"""Progress against the sample list: the counts per village and overall, read by hand.

Every expected number below is counted by hand from the inline tables (the comment beside
each says which rows make it), not taken from a run of the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from click.testing import CliRunner

from villagesurvey import Instrument, parse_instrument, validate_returns, write_validation
from villagesurvey.cli import main
from villagesurvey.errors import ReturnsError
from villagesurvey.monitoring.sample import read_sample

from .returns import plain_workbook, table, write_csv

TINY = dedent(
    """\
    id: tiny
    version: "1"
    title: {en: Tiny survey, zh: 小调查}
    languages: [en, zh]
    key: [village, household]
    choices:
      yes_no:
        - {code: 1, en: "Yes", zh: 是}
        - {code: 0, en: "No", zh: 否}
    sections:
      - code: id
        label: {en: Identification, zh: 识别信息}
        questions:
          - {code: village, type: text, required: true, label: {en: Village, zh: 村}}
          - {code: household, type: integer, required: true, label: {en: Household, zh: 户}}
          - {code: interview_date, type: date, label: {en: Date, zh: 日期}}
          - {code: consent, type: select_one, choices: yes_no, label: {en: Consent, zh: 同意}}
          - {code: size, type: integer, min: 1, max: 20, label: {en: Size, zh: 人口}}
    """
)

RETURNS = """
| village | household | interview_date | consent | size |
| V1      | 1         | 2022-07-01     | 1       | 4    |
| V1      | 002       | 2022-07-01     | 1       | 3    |
| V1      | 3         | 2022-07-02     | 0       |      |
| V1      | 9         | 2022-07-02     | 1       | 5    |
| V2      | 1         | 2022-07-02     | 1       | 99   |
| V2      | 4         | 2022-07-03     | 1       | 2    |
| V2      | 5         | 2022-07-03     | 1       | 2    |
| V2      | 5         | 2022-07-04     | 1       | 3    |
"""
# CSV rows 2..9 in that order. V1/9 is not on the list; V2/1 has a size out of range
# (quarantined); V2/5 is interviewed twice with other answers (both quarantined,
# duplicate_key); V1/3 said no to consent; V2/4 is a replacement.

SAMPLE = (
    "village,household,replacement,target,name\n"
    "V1, 001 ,,3,Li\n"  # household 1 (an integer key: 001 is 1), with spaces around
    "V1,2,,,Wang\n"
    "V1,3,,,Zhang\n"
    "V1,7,,,Liu\n"  # never interviewed
    " V2 ,1,no,,Chen\n"
    "V2,4,yes,,Zhao\n"
    "V2,5,0,,Sun\n"
    "V2,6,,,Zhou\n"
)


@pytest.fixture(scope="module")
def tiny() -> Instrument:
    return parse_instrument(TINY, source="tiny.yaml")


def _with_consent() -> Instrument:
    """The tiny instrument, declaring its consent question (``monitoring: consent``)."""
    declared = TINY + "monitoring: {consent: {question: consent, yes: [1]}}\n"
    return parse_instrument(declared, source="tiny.yaml")


def _run(instrument: Instrument, tmp_path: Path, sample: str | None = SAMPLE, **kw: Any):
    returns = write_csv(table(RETURNS), tmp_path / "returns.csv")
    listed = None
    if sample is not None:
        listed = tmp_path / "sample.csv"
        listed.write_text(sample, encoding="utf-8")
    return validate_returns(instrument, [returns], sample=listed, **kw)


def test_progress_per_village_and_overall(tiny, tmp_path):
    result = _run(_with_consent(), tmp_path)
    block = result.monitoring["progress"]
    v1, v2 = block["villages"]
    assert v1 == {
        "village": "V1",
        "interviews": 4,  # rows 2-5
        "clean": 4,
        "quarantined": 0,
        "refused": 1,  # V1/3
        "listed": 4,  # 1, 2, 3, 7
        "replacements_listed": 0,
        "target": 3,  # the target column
        "interviewed": 3,  # 1, 2 (typed 002), 3
        "completed": 2,  # 1, 2: V1/3 refused
        "remaining": 1,  # 3 - 2
        "replacements_used": 0,
        "not_listed": 1,  # V1/9
        "interviewed_twice": 0,
    }
    assert v2 == {
        "village": "V2",
        "interviews": 4,  # rows 6-9
        "clean": 1,  # V2/4 only
        "quarantined": 3,  # V2/1 (size 99), V2/5 twice
        "refused": 0,
        "listed": 3,  # 1, 5, 6 (4 is a replacement)
        "replacements_listed": 1,
        "target": 3,  # no target: the listed respondents who are not replacements
        "interviewed": 3,  # 1, 4, 5
        "completed": 3,
        "remaining": 0,
        "replacements_used": 1,  # 4
        "not_listed": 0,
        "interviewed_twice": 1,  # 5
    }
    assert block["overall"] == {
        "interviews": 8, "clean": 5, "quarantined": 3, "refused": 1, "listed": 7,
        "replacements_listed": 1, "target": 6, "interviewed": 6, "completed": 5,
        "remaining": 1, "replacements_used": 1, "not_listed": 1, "interviewed_twice": 1,
    }  # fmt: skip
    assert block["overall"]["clean"] == result.rows_clean
    assert block["overall"]["quarantined"] == result.rows_quarantined
    assert block["consent_question"] == "consent"


def test_interviews_per_day_from_the_interview_date(tiny, tmp_path):
    block = _run(tiny, tmp_path).monitoring["progress"]
    assert block["date_from"] == {"interview_date": 8}
    assert block["per_day"] == [
        {"date": "2022-07-01", "interviews": 2},
        {"date": "2022-07-02", "interviews": 3},
        {"date": "2022-07-03", "interviews": 2},
        {"date": "2022-07-04", "interviews": 1},
    ]
    assert block["undated"] == 0
    assert block["per_village_day"] == [
        {"village": "V1", "date": "2022-07-01", "interviews": 2},  # V1/1, V1/002
        {"village": "V1", "date": "2022-07-02", "interviews": 2},  # V1/3, V1/9
        {"village": "V2", "date": "2022-07-02", "interviews": 1},  # V2/1
        {"village": "V2", "date": "2022-07-03", "interviews": 2},  # V2/4, V2/5
        {"village": "V2", "date": "2022-07-04", "interviews": 1},  # V2/5 again
    ]


def test_off_list_and_twice_interviewed_respondents_are_located(tiny, tmp_path):
    result = _run(tiny, tmp_path)
    block = result.monitoring["progress"]
    assert block["not_listed"] == [
        {"key": "V1 / 9", "file": "returns.csv", "sheet": "returns", "row": 5}
    ]
    assert block["interviewed_twice"] == [
        {
            "key": "V2 / 5",
            "village": "V2",
            "rows": [
                {"file": "returns.csv", "sheet": "returns", "row": 8},
                {"file": "returns.csv", "sheet": "returns", "row": 9},
            ],
        }
    ]
    warned = result.findings[result.findings["check"] == "not_in_sample"]
    assert warned[["file", "row", "column", "value", "severity"]].values.tolist() == [
        ["returns.csv", 5, "village", "V1 / 9", "warning"]
    ]
    assert "sample.csv" in warned["message"].iloc[0]


def test_without_a_consent_question_refusals_are_not_asked(tiny, tmp_path):
    block = _run(tiny, tmp_path).monitoring["progress"]
    assert block["consent_question"] is None
    assert block["overall"]["refused"] is None
    assert {v["refused"] for v in block["villages"]} == {None}
    # no refusal known: every interviewed listed respondent counts as completed
    assert block["overall"]["completed"] == block["overall"]["interviewed"] == 6


def test_without_a_sample_list_interviews_are_counted_per_village(tiny, tmp_path):
    result = _run(tiny, tmp_path, sample=None)
    block = result.monitoring["progress"]
    assert block["sample"] is None
    assert [(v["village"], v["interviews"], v["clean"], v["quarantined"])
            for v in block["villages"]] == [("V1", 4, 4, 0), ("V2", 4, 1, 3)]  # fmt: skip
    assert "listed" not in block["overall"]
    assert "not_listed" not in block
    assert "not_in_sample" not in set(result.findings["check"])
    assert sum(d["interviews"] for d in block["per_day"]) == 8


def test_a_text_key_keeps_its_zeros(small, tmp_path):
    # the small instrument's person_id is text: 007 and 7 are two respondents
    rows = [
        {"village_id": "V01", "person_id": "7", "age": "30"},
        {"village_id": "V01", "person_id": "007", "age": "31"},
    ]
    returns = write_csv(rows, tmp_path / "r.csv")
    (tmp_path / "s.csv").write_text("village_id,person_id\nV01,007\n", encoding="utf-8")
    result = validate_returns(small, [returns], sample=tmp_path / "s.csv")
    block = result.monitoring["progress"]
    assert block["overall"]["interviewed"] == 1
    assert block["not_listed"] == [{"key": "V01 / 7", "file": "r.csv", "sheet": "r", "row": 2}]


def test_a_sample_list_in_a_workbook_with_its_own_village_column(small, tmp_path):
    # small's key is village_id, person_id; the list's own village column groups them
    path = plain_workbook(
        [
            ["person_id", "VILLAGE_ID", "village", "target"],
            ["1", "V01", "North", "2"],
            ["2", "V01", "North", ""],
            ["1", "V02", "South", ""],
        ],
        tmp_path / "sample.xlsx",
    )
    listed = read_sample(path, small)
    assert listed.keys == (("V01", "1"), ("V01", "2"), ("V02", "1"))
    assert listed.villages == ("North", "North", "South")
    assert listed.targets == {"North": 2}
    assert listed.village_column == "village"
    rows = [{"village_id": "V01", "person_id": "2", "age": "30"},
            {"village_id": "V03", "person_id": "1", "age": "31"}]  # fmt: skip
    returns = write_csv(rows, tmp_path / "r.csv")
    block = validate_returns(small, [returns], sample=path).monitoring["progress"]
    # V01/2 counts for North; V03/1 is not listed: its village is its first key column
    assert [(v["village"], v["interviewed"], v["remaining"], v["not_listed"])
            for v in block["villages"]] == [("North", 1, 1, 0), ("South", 0, 1, 0),
                                            ("V03", 0, 0, 1)]  # fmt: skip


def test_the_summary_json_carries_the_progress_block(tiny, tmp_path):
    result = _run(_with_consent(), tmp_path)
    out = write_validation(result, tmp_path / "out")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["monitoring"]["progress"]["overall"]["remaining"] == 1  # V1: 3 - 2
    assert summary["monitoring"]["progress"]["sample"]["file"] == "sample.csv"
    assert summary["counts"]["warning"]["not_in_sample"] == 1


@pytest.mark.parametrize(
    ("content", "said"),
    [
        ("household,target\n1,3\n", "must name the key columns village, household; village missing"),
        ("village,household\nV1,1\nV1, 001\n", "row 3: respondent V1 / 1 is listed twice (first at row 2)"),
        ("village,household\nV1,\n", "row 2: the key household is blank"),
        ("village,household\nV1,one\n", "row 2: the key household is 'one', not an answer of its type (integer)"),
        ("village,household,target\nV1,1,3.5\n", "row 2: target '3.5' is not a whole number"),
        ("village,household,target\nV1,1,3\nV1,2,4\n", "village V1: targets differ (3 at row 2, 4 at row 3)"),
        ("village,household,replacement\nV1,1,maybe\n", "row 2: replacement 'maybe' is neither"),
        ("village,household\n", "no respondent listed below the header row"),
        ("", "cannot be read: it is empty (0 bytes)"),
    ],
)  # fmt: skip
def test_a_damaged_or_incomplete_list_is_one_clear_error(tiny, tmp_path, content, said):
    path = tmp_path / "sample.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReturnsError) as raised:
        read_sample(path, tiny)
    message = str(raised.value)
    assert message.startswith("sample list sample.csv")
    assert said in message
    assert "\n" not in message


def test_many_problems_are_named_five_and_counted(tiny, tmp_path):
    path = tmp_path / "sample.csv"
    path.write_text("village,household\n" + "V1,x\n" * 7, encoding="utf-8")
    with pytest.raises(ReturnsError, match=r"; and 2 more$"):
        read_sample(path, tiny)


def test_a_damaged_workbook_is_refused_as_a_return_would_be(tiny, tmp_path):
    path = tmp_path / "sample.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(ReturnsError, match=r"^sample list sample.xlsx cannot be read: "):
        read_sample(path, tiny)


def test_the_cli_says_one_line_and_exits_2_for_a_bad_list(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    returns = write_csv(table(RETURNS), tmp_path / "returns.csv")
    (tmp_path / "sample.csv").write_text("household\n1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "tiny.yaml"), str(returns),
                                       "-o", str(tmp_path / "out"),
                                       "--sample", str(tmp_path / "sample.csv")])  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "village missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cli_writes_progress_with_a_good_list(tmp_path):
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    returns = write_csv(table(RETURNS), tmp_path / "returns.csv")
    (tmp_path / "sample.csv").write_text(SAMPLE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "tiny.yaml"), str(returns),
                                       "-o", str(out),
                                       "--sample", str(tmp_path / "sample.csv")])  # fmt: skip
    assert result.exit_code == 1  # V2/1 and V2/5 have errors
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["monitoring"]["progress"]["overall"]["target"] == 6
    assert "dashboard.html" in result.stdout


@pytest.mark.parametrize(
    ("submitted", "day"),
    [
        ("2022-07-0{n}T23:30:00.000Z", "2022-07-0{n}"),  # ODK Central, KoboToolbox
        ("Jul {n}, 2022 10:05:00 AM", "2022-07-0{n}"),  # SurveyCTO
    ],
)
def test_without_a_date_question_the_day_is_the_submission_time(tmp_path, submitted, day):
    undated = parse_instrument(
        TINY.replace(
            "      - {code: interview_date, type: date, label: {en: Date, zh: 日期}}\n", ""
        ),
        source="undated.yaml",
    )
    rows = [
        {"SubmissionDate": submitted.format(n=n), "village": "V1", "household": str(h),
         "consent": "1", "size": "2", "KEY": f"uuid:{h}"}
        for h, n in ((1, 1), (2, 1), (3, 2))
    ]  # fmt: skip
    result = validate_returns(undated, [write_csv(rows, tmp_path / "export.csv")])
    block = result.monitoring["progress"]
    assert block["date_from"] == {"_submitted": 3}
    assert block["per_day"] == [
        {"date": day.format(n=1), "interviews": 2},
        {"date": day.format(n=2), "interviews": 1},
    ]


def test_a_row_without_a_date_takes_its_day_from_its_start_then_its_submission(tmp_path):
    timed = parse_instrument(
        TINY.replace(
            "      - {code: consent,",
            "      - {code: start, type: datetime, label: {en: Start, zh: 开始}}\n"
            "      - {code: enumerator, type: text, label: {en: Enumerator, zh: 调查员}}\n"
            "      - {code: consent,",
        ),
        source="timed.yaml",
    )
    rows = [
        {"interview_date": "2022-07-01", "start": "2022-07-03T09:00:00",
         "SubmissionDate": "Jul 5, 2022 10:05:00 AM"},  # the date
        {"interview_date": "", "start": "2022-07-02T23:30:00+08:00",
         "SubmissionDate": "Jul 5, 2022 10:05:00 AM"},  # the start, the day written
        {"interview_date": "", "start": "", "SubmissionDate": "Jul 4, 2022 10:05:00 AM"},
        {"interview_date": "", "start": "", "SubmissionDate": ""},  # no day at all
    ]  # fmt: skip
    rows = [
        {**row, "village": "V1", "household": str(h), "enumerator": "A", "consent": "1",
         "size": "2", "KEY": f"uuid:{h}"}
        for h, row in enumerate(rows, start=1)
    ]  # fmt: skip
    result = validate_returns(timed, [write_csv(rows, tmp_path / "export.csv")])
    block = result.monitoring["progress"]
    assert block["per_day"] == [
        {"date": "2022-07-01", "interviews": 1},
        {"date": "2022-07-02", "interviews": 1},
        {"date": "2022-07-04", "interviews": 1},
    ]
    assert block["undated"] == 1  # the date question alone left 3 rows without a day
    assert block["date_from"] == {"interview_date": 1, "start": 1, "_submitted": 1}
    # the enumerators' view counts the same days
    (enumerator,) = result.monitoring["enumerators"]["enumerators"]
    assert (enumerator["days"], enumerator["per_day"]) == (3, 1.0)


def test_a_personal_key_is_not_written_in_the_block(tmp_path):
    private = parse_instrument(
        TINY.replace("{code: household, type: integer, required: true,",
                     "{code: household, type: integer, required: true, pii: true,"),
        source="private.yaml",
    )  # fmt: skip
    result = _run(private, tmp_path)
    block = result.monitoring["progress"]
    assert block["not_listed"] == [
        {"key": "(hidden: personal data)", "file": "returns.csv", "sheet": "returns", "row": 5}
    ]
    assert block["interviewed_twice"][0]["key"] == "(hidden: personal data)"
    assert block["interviewed_twice"][0]["rows"][0]["row"] == 8
    warned = result.findings[result.findings["check"] == "not_in_sample"]
    assert warned["value"].tolist() == ["(hidden: personal data)"]
    assert warned["message"].iloc[0].startswith("respondent is not on the sample list")
    assert "9" not in warned["message"].iloc[0]
