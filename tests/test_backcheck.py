"""Back-checks: the instrument's marks, matching, comparing, the outputs and the exit codes."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from textwrap import dedent

import openpyxl
import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import InstrumentError
from villagesurvey.instrument import dump_instrument
from villagesurvey.instrument.backcheck import Tolerance
from villagesurvey.monitoring.backcheck_outputs import OUTPUTS
from villagesurvey.monitoring.backcheck_run import run_backcheck

INSTRUMENT = dedent(
    """\
    id: bc_test
    version: "1"
    title: {en: Back-check test, zh: 回访测试}
    languages: [en, zh]
    key: [village, hh]
    choices:
      roof:
        - {code: 1, en: Tile, zh: 瓦}
        - {code: 2, en: Metal, zh: 铁皮}
        - {code: 3, en: Straw, zh: 草}
      crops:
        - {code: rice, en: Rice, zh: 水稻}
        - {code: tea, en: Tea, zh: 茶叶}
    sections:
      - code: id
        label: {en: Identification, zh: 标识}
        questions:
          - {code: village, type: text, required: true, label: {en: Village, zh: 村}}
          - {code: hh, type: integer, required: true, label: {en: Household, zh: 户}}
          - {code: enumerator, type: text, label: {en: Enumerator, zh: 调查员}}
          - {code: hh_size, type: integer, min: 1, max: 30, backcheck: 1,
             label: {en: Household size, zh: 家庭人口}}
          - {code: roof, type: select_one, choices: roof, backcheck: 1,
             label: {en: Roof, zh: 屋顶}}
          - {code: crops, type: select_multiple, choices: crops, backcheck: 2,
             label: {en: Crops, zh: 作物}}
          - {code: head_name, type: text, backcheck: 2, label: {en: Head's name, zh: 户主姓名}}
          - {code: land, type: decimal, backcheck: 2, backcheck_tolerance: 0.5,
             label: {en: Land, zh: 土地}}
          - {code: income, type: decimal, backcheck: 3, backcheck_tolerance: 10%,
             label: {en: Income, zh: 收入}}
          - {code: spending, type: decimal, required: true, label: {en: Spending, zh: 支出}}
    """
)
SURVEY_HEADER = ["village", "hh", "enumerator", "hh_size", "roof", "crops", "head_name"]
SURVEY_HEADER += ["land", "income", "spending"]
SURVEY = [
    ["A", "7", "E1", "4", "1", "rice tea", "Li Wei", "2.5", "1000", "500"],
    ["A", "8", "E1", "5", "2", "tea", "Wang Fang", "3", "2000", "800"],
    ["B", "1", "E2", "3", "3", "rice", "Zhang San", "1", "", "300"],
    ["B", "2", "E2", "6", "1", "", "Zhao Li", "4", "1500", "900"],
]
BACKCHECK_HEADER = ["village", "hh", "enumerator", "hh_size", "roof", "crops", "head_name"]
BACKCHECK_HEADER += ["land", "income"]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    instrument = tmp_path / "bc.yaml"
    instrument.write_text(INSTRUMENT, encoding="utf-8")
    return {
        "instrument": instrument,
        "survey": _write(tmp_path / "clean.csv", SURVEY_HEADER, SURVEY),
        "folder": tmp_path,
    }


def _run(files: dict[str, Path], rows: list[list[str]], **options: object):
    from villagesurvey import load_instrument

    backchecks = _write(files["folder"] / "bc_returns.csv", BACKCHECK_HEADER, rows)
    instrument = load_instrument(files["instrument"])
    return run_backcheck(instrument, files["survey"], [backchecks], **options)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the instrument's marks


def test_marks_are_read_and_written_back_unchanged():
    instrument = parse_instrument(INSTRUMENT)
    marks = {q.code: (q.backcheck, q.backcheck_tolerance) for q in instrument.questions}
    assert marks["hh_size"] == (1, None)
    assert marks["land"] == (2, Tolerance(0.5))
    assert marks["income"] == (3, Tolerance(10, relative=True))
    assert marks["spending"] == (None, None)
    assert parse_instrument(dump_instrument(instrument)) == instrument


def test_marks_leave_the_content_hash_as_it_was():
    marked = parse_instrument(INSTRUMENT)
    unmarked = parse_instrument(
        INSTRUMENT.replace(", backcheck: 1,", ",")
        .replace(", backcheck: 2,", ",")
        .replace(", backcheck: 3,", ",")
        .replace(" backcheck_tolerance: 0.5,", "")
        .replace(" backcheck_tolerance: 10%,", "")
    )
    assert not any(q.backcheck for q in unmarked.questions)
    assert marked.content_hash == unmarked.content_hash


@pytest.mark.parametrize(
    ("change", "line", "check", "says"),
    [
        ("backcheck: 1,\n", "backcheck: 4,\n", "wrong_type", "backcheck must be 1, 2 or 3"),
        ("backcheck: 1,\n", "backcheck: yes,\n", "wrong_type", "backcheck must be 1, 2 or 3"),
        ("backcheck_tolerance: 0.5", "backcheck_tolerance: -1", "bad_limit", "0 or more"),
        ("backcheck_tolerance: 10%", "backcheck_tolerance: ten%", "bad_limit", "percentage"),
        ("{code: spending, type: decimal,", "{code: spending, type: decimal, "
         "backcheck_tolerance: 2,", "field_not_allowed", "needs backcheck"),
        ("{code: head_name, type: text, backcheck: 2,", "{code: head_name, type: text, "
         "backcheck: 2, backcheck_tolerance: 1,", "field_not_allowed", "only a number"),
        ("{code: hh, type: integer, required: true,", "{code: hh, type: integer, "
         "required: true, backcheck: 1,", "field_not_allowed", "in the key"),
    ],
)  # fmt: skip
def test_mistakes_in_marks_are_located(change, line, check, says):
    text = INSTRUMENT.replace(change, line, 1)
    assert text != INSTRUMENT
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text)
    [problem] = caught.value.problems
    assert problem.check == check
    assert says in problem.message
    assert problem.line is not None
    assert problem.line <= len(text.splitlines())


def test_a_roster_question_is_not_back_checked():
    text = INSTRUMENT + (
        "  - code: members\n"
        "    label: {en: Members, zh: 成员}\n"
        "    roster: {key: member}\n"
        "    questions:\n"
        "      - {code: member, type: integer, required: true, label: {en: Member, zh: 成员}}\n"
        "      - {code: age, type: integer, backcheck: 1, label: {en: Age, zh: 年龄}}\n"
    )
    with pytest.raises(InstrumentError) as caught:
        parse_instrument(text)
    [problem] = caught.value.problems
    assert (problem.check, problem.where) == ("field_not_allowed", "question 'age'")


# ---------------------------------------------------------------- matching and comparing


def test_every_difference_is_found_and_agreements_are_not(files):
    result, _ = _run(
        files,
        [
            # 007 for 7; crops in another order; the name spaced and cased otherwise; land
            # 0.5 off (the tolerance), income 10% off (its tolerance): all agree but size
            ["A", "007", "B1", "5", "1", "tea rice", "li  WEI", "3", "1100"],
            # roof differs; land 0.6 off; income 11% off (type 3: counted all the same)
            ["A", "8", "B1", "5", "3", "tea", "Wang Fang", "3.6", "2220"],
            # a blank back-check answer was not asked: not compared; blank survey income
            ["B", "1", "B2", "3", "", "", "Zhang San", "1", "700"],
        ],
    )
    differences = {(d["hh"], d["column"]) for d in result.differences.to_dict("records")}
    assert differences == {
        ("7", "hh_size"),
        ("8", "roof"),
        ("8", "land"),
        ("8", "income"),
        ("1", "income"),
    }
    compared = result.comparisons.groupby("hh")["column"].apply(set).to_dict()
    assert compared["1"] == {"hh_size", "head_name", "land", "income"}
    blank = result.differences[result.differences["hh"] == "1"].iloc[0]
    assert (blank["survey"], blank["backcheck"]) == ("", "700")
    assert set(result.comparisons["enumerator"]) == {"E1", "E2"}
    assert set(result.comparisons["backchecker"]) == {"B1", "B2"}


def test_error_rates_per_enumerator_back_checker_and_question(files):
    result, _ = _run(
        files,
        [
            ["A", "7", "B1", "5", "1", "rice tea", "Li Wei", "2.5", "1000"],  # size differs
            ["A", "8", "B1", "5", "2", "tea", "Wang Fang", "3", "2000"],
            ["B", "1", "B2", "3", "3", "rice", "Zhang San", "1", ""],
            ["B", "2", "B2", "6", "1", "", "Zhao Li", "4", "1500"],
        ],
        threshold=0.2,
    )
    by_enumerator = {
        (r["enumerator"], r["type"]): (r["comparisons"], r["differences"], r["above_threshold"])
        for r in result.enumerators.to_dict("records")
    }
    # E1: 2 households x 2 type-1 answers, 1 differs: 25% > 20%
    assert by_enumerator[("E1", 1)] == (4, 1, True)
    assert by_enumerator[("E2", 1)] == (4, 0, False)
    assert by_enumerator[("E1", 2)] == (6, 0, False)
    # E2's crops are blank in survey row B-2 and back-check: not compared
    assert by_enumerator[("E2", 2)] == (5, 0, False)
    size = result.variables[result.variables["column"] == "hh_size"].iloc[0]
    assert (size["comparisons"], size["differences"], size["error_rate"]) == (4, 1, 0.25)
    income = result.variables[result.variables["column"] == "income"].iloc[0]
    assert income["above_threshold"] is None  # type 3: a stability check, not flagged
    from villagesurvey.monitoring.backcheck_stats import enumerator_questions

    questions = enumerator_questions(result.comparisons, 0.2)
    assert questions.to_dict("records") == [
        {"type": 1, "enumerator": "E1", "column": "hh_size", "comparisons": 2,
         "differences": 1, "error_rate": 0.5},
        {"type": 1, "enumerator": "E1", "column": "roof", "comparisons": 2,
         "differences": 0, "error_rate": 0.0},
    ]  # fmt: skip
    checkers = result.backcheckers[result.backcheckers["type"] == 1]
    assert dict(zip(checkers["backchecker"], checkers["differences"], strict=True)) == {
        "B1": 1,
        "B2": 0,
    }


def test_back_checks_not_compared_say_why(files, tmp_path):
    _write(
        tmp_path / "quarantine.csv",
        ["file", "sheet", "row", "checks", "reasons", *SURVEY_HEADER],
        [["r.xlsx", "data", "5", "out_of_range", "hh_size", "C", "9", "E3", "99", "1", "", "", "",
          "", "1"]],
    )  # fmt: skip
    result, validation = _run(
        files,
        [
            ["A", "7", "B1", "4", "1", "rice tea", "Li Wei", "2.5", "1000"],
            ["A", "7", "B2", "4", "1", "rice tea", "Li Wei", "2.5", "1000"],  # twice
            ["Z", "1", "B1", "4", "1", "", "", "", ""],  # no such household
            ["C", "09", "B2", "4", "1", "", "", "", ""],  # its survey row is in quarantine
            ["A", "8", "B2", "45", "1", "", "", "", ""],  # 45 people: above max, an error
        ],
    )
    reasons = {(r["village"], r["reason"]) for r in result.unmatched.to_dict("records")}
    assert reasons == {
        ("Z", "not_in_survey"),
        ("C", "survey_row_quarantined"),
        ("A", "backcheck_has_errors"),
    }
    rows = {r["reason"]: r["row"] for r in result.unmatched.to_dict("records")}
    assert rows == {"not_in_survey": 4, "survey_row_quarantined": 5, "backcheck_has_errors": 6}
    assert result.twice.to_dict("records") == [{"village": "A", "hh": "7", "backchecks": 2}]
    assert result.rows["backchecks_in"] == 5
    assert result.rows["backchecks_compared"] + result.rows["backchecks_not_compared"] == 5
    assert validation.rows_in == 5


def test_keys_are_matched_as_their_questions_type_them(files):
    # village is a text key: 007 and 7 are two villages; hh is a number key: 007 is 7
    survey = [["007", "007", *SURVEY[0][2:]], *SURVEY[1:]]
    _write(files["survey"], SURVEY_HEADER, survey)
    result, _ = _run(
        files,
        [
            ["7", "7", "B1", "4", "1", "rice tea", "Li Wei", "2.5", "1000"],
            ["007", "7", "B2", "4", "1", "rice tea", "Li Wei", "2.5", "1000"],
        ],
    )
    unmatched = result.unmatched[["village", "hh", "reason"]].to_dict("records")
    assert unmatched == [{"village": "7", "hh": "7", "reason": "not_in_survey"}]
    assert result.rows["backchecks_compared"] == 1
    assert set(result.comparisons["backchecker"]) == {"B2"}
    assert result.differences.empty


def test_a_line_break_in_an_answer_is_a_space(files):
    result, _ = _run(files, [["A", "7", "B1", "4", "1", "rice tea", "Li\nWei", "2.5", "1000"]])
    assert result.differences.empty
    result, _ = _run(files, [["A", "7", "B1", "4", "1", "rice tea", "L\ni Wei", "2.5", "1000"]])
    [line] = result.differences.to_dict("records")
    assert (line["column"], line["backcheck"]) == ("head_name", "L\ni Wei")


def test_a_shorter_back_check_form_is_read(files, tmp_path):
    short = _write(
        tmp_path / "short.csv",
        ["village", "hh", "enumerator", "hh_size"],
        [["A", "7", "B1", "4"], ["B", "1", "B2", "2"]],
    )
    from villagesurvey import load_instrument

    result, validation = run_backcheck(
        load_instrument(files["instrument"]), files["survey"], [short]
    )
    assert validation.rows_quarantined == 0
    assert set(result.comparisons["column"]) == {"hh_size"}
    assert len(result.differences) == 1


# ---------------------------------------------------------------- the command


def _cli(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_the_command_writes_its_outputs_and_exits_1_on_a_flag(files, tmp_path):
    backchecks = _write(
        tmp_path / "bc.csv",
        BACKCHECK_HEADER,
        [["A", "7", "B1", "5", "1", "rice tea", "=HYPERLINK(1)", "2.5", "1000"]],
    )
    out = tmp_path / "out"
    result = _cli("backcheck", files["instrument"], files["survey"], backchecks, "-o", out)
    assert result.exit_code == 1, result.output
    assert "enumerator E1: 1 of 2 type-1 answers differ (50%, above 10%)" in result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    with (out / "differences.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["column"], r["survey"], r["backcheck"]) for r in rows} == {
        ("hh_size", "4", "5"),
        ("head_name", "Li Wei", "'=HYPERLINK(1)"),
    }
    assert {r["enumerator"] for r in rows} == {"E1"}
    book = openpyxl.load_workbook(out / "backcheck.xlsx")
    assert book.sheetnames[:4] == ["differences", "variables", "enumerators", "backcheckers"]
    assert book["differences"].auto_filter.ref is not None
    results = json.loads((out / "backcheck.json").read_text(encoding="utf-8"))
    assert results["flagged"] is True
    assert results["type1_differences"][0]["column"] == "hh_size"


def test_the_command_exits_0_when_all_agree(files, tmp_path):
    backchecks = _write(
        tmp_path / "bc.csv",
        BACKCHECK_HEADER,
        [["A", "8", "B1", "5", "2", "tea", "Wang Fang", "3", "2000"]],
    )
    result = _cli(
        "backcheck", files["instrument"], files["survey"], backchecks, "-o", tmp_path / "o"
    )
    assert result.exit_code == 0, result.output
    assert "answers compared: 6, different: 0" in result.output


def test_the_command_exits_2_when_it_cannot_run(files, tmp_path):
    backchecks = _write(tmp_path / "bc.csv", BACKCHECK_HEADER, [])
    broken = _write(tmp_path / "survey.csv", ["village", "hh"], [["A", "1"]])
    result = _cli("backcheck", files["instrument"], broken, backchecks, "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "has no column hh_size" in result.output
    unmarked = tmp_path / "plain.yaml"
    unmarked.write_text(INSTRUMENT.replace("backcheck: 1,", "").replace("backcheck: 2,", "")
                        .replace("backcheck: 3,", "").replace("backcheck_tolerance: 0.5,", "")
                        .replace("backcheck_tolerance: 10%,", ""), encoding="utf-8")  # fmt: skip
    result = _cli("backcheck", unmarked, files["survey"], backchecks, "-o", tmp_path / "o")
    assert result.exit_code == 2
    assert "marks no question for back-checks" in result.output
    result = _cli(
        "backcheck", files["instrument"], files["survey"], tmp_path / "none.csv", "-o",
        tmp_path / "o",
    )  # fmt: skip
    assert result.exit_code == 2


def test_a_back_check_on_the_surveys_own_workbook_is_read_without_complaint(files, tmp_path):
    from villagesurvey import load_instrument

    from .returns import fill_template, table

    instrument = load_instrument(files["instrument"])
    rows = table(
        """
        | village | hh | enumerator | hh_size | roof  | crops | head_name | land | income | spending |
        | A       | 7  | B1         | 4       | Tile  |       |           |      |        |          |
        | B       | 1  | B2         | 2       | Straw |       |           |      |        |          |
        """
    )
    workbook = fill_template(instrument, rows, tmp_path / "backcheck.xlsx")
    result, validation = run_backcheck(instrument, files["survey"], [workbook])
    assert validation.rows_quarantined == 0  # spending is required in the survey, not here
    assert "changed_instrument" not in set(validation.findings["check"])
    assert [(d["hh"], d["column"]) for d in result.differences.to_dict("records")] == [
        ("1", "hh_size")
    ]


def test_personal_data_is_hidden_unless_asked(files, tmp_path):
    private = tmp_path / "pii.yaml"
    private.write_text(
        INSTRUMENT.replace(
            "{code: head_name, type: text,", "{code: head_name, type: text, pii: true,"
        ),
        encoding="utf-8",
    )
    backchecks = _write(
        tmp_path / "bc.csv",
        BACKCHECK_HEADER,
        [["A", "7", "B1", "4", "1", "rice tea", "Chen Jing", "2.5", "1000"]],
    )
    for flag, shown in (([], "(hidden: personal data)"), (["--show-pii"], "Chen Jing")):
        out = tmp_path / f"out{len(flag)}"
        result = _cli("backcheck", private, files["survey"], backchecks, "-o", out, *flag)
        assert result.exit_code == 1, result.output  # E1: 1 of 3 type-2 answers differ
        with (out / "differences.csv").open(encoding="utf-8") as handle:
            [row] = list(csv.DictReader(handle))
        assert (row["column"], row["backcheck"]) == ("head_name", shown)
        text = "".join(p.read_text(encoding="utf-8") for p in out.glob("*.csv"))
        assert ("Chen Jing" in text) == bool(flag)


def test_a_text_neutralised_in_clean_csv_is_compared_as_typed(files, tmp_path):
    survey = [list(SURVEY[0]), *SURVEY[1:]]
    survey[0][6] = "'-Li Wei"  # validate writes "-Li Wei" so; the back-check reads it as typed
    files = {**files, "survey": _write(tmp_path / "clean.csv", SURVEY_HEADER, survey)}
    result, _ = _run(files, [["A", "7", "B1", "4", "1", "rice tea", "-Li Wei", "2.5", "1000"]])
    assert result.differences.empty


def test_a_refused_back_check_file_is_named_and_the_rest_compared(files, tmp_path):
    good = _write(
        tmp_path / "bc.csv",
        BACKCHECK_HEADER,
        [["A", "8", "B1", "5", "2", "tea", "Wang Fang", "3", "2000"]],
    )
    renamed = tmp_path / "bc_day2.xlsx"
    renamed.write_text("village,hh\nA,7\n", encoding="utf-8")  # a CSV file named .xlsx
    out = tmp_path / "out"
    result = _cli("backcheck", files["instrument"], files["survey"], good, renamed, "-o", out)
    assert result.exit_code == 1, result.output
    assert "refused: bc_day2.xlsx: " in result.output
    results = json.loads((out / "backcheck.json").read_text(encoding="utf-8"))
    assert results["rows"]["files_refused"] == 1
    assert results["rows"]["backchecks_compared"] == 1
    [refused] = [f for f in results["files"] if f["status"] == "refused"]
    assert refused["name"] == "bc_day2.xlsx"
