"""Validation of returns built inline: cleaning logged, every check located, nothing lost."""

from __future__ import annotations

import pytest

from villagesurvey import validate_returns
from villagesurvey.validate import Validation

from .returns import fill_template, plain_workbook, table, write_csv

GOOD = """
| village_id | person_id | interview_date | name   | age | gender | crops    | sells_online_2020 | sells_online_2022 | income_2020 | income_2022 | online_income_2020 | online_income_2022 | trust_1 | trust_2  |
| V01        | 1         | 2022-07-05     | Li Na  | 43  | Female | rice tea | No                | Yes               | 12000       | 15000       |                    | 3000               | Agree   | Disagree |
| V01        | 2         | 2022-07-05     | Wang   | 35  | Male   | rice     | No                | No                | 9000        | 9500        |                    |                    | Neutral | Neutral  |
"""


def good_rows() -> list[dict[str, str]]:
    return table(GOOD)


@pytest.fixture
def check(small, tmp_path):
    """Fill our template with rows (changes applied to the good ones) and validate it."""

    def run(rows: list[dict[str, str]], language: str = "en", name: str = "V01.xlsx") -> Validation:
        fill_template(small, rows, tmp_path / name, language=language)
        return validate_returns(small, [tmp_path / name])

    return run


def only(result: Validation, severity: str | None = None):
    """The findings, optionally of one severity, as (row, column, check) tuples."""
    f = result.findings
    if severity:
        f = f[f["severity"] == severity]
    return sorted(zip(f["row"].astype(object), f["column"], f["check"], strict=True), key=str)


def test_a_clean_return_has_no_findings_and_keeps_every_row(check):
    result = check(good_rows())
    assert result.findings.empty
    assert (result.rows_in, result.rows_clean, result.rows_quarantined) == (2, 2, 0)
    clean = result.clean()
    assert clean.loc[0, ["gender", "crops", "sells_online_2022", "trust_2"]].tolist() == [
        "2", "rice tea", "1", "1"
    ]  # fmt: skip
    assert clean.loc[0, "interview_date"] == "2022-07-05"
    assert clean.loc[0, "age"] == "43"
    assert result.exit_code == 0


def test_labels_of_the_workbooks_own_language_are_read_silently(check):
    rows = good_rows()
    for row in rows:
        row.update(
            gender={"Female": "女", "Male": "男"}[row["gender"]], trust_1="同意", trust_2="一般"
        )
        row.update(sells_online_2020="否", sells_online_2022="否", online_income_2022="")
    result = check(rows, language="zh")
    assert result.findings.empty
    assert result.clean()["gender"].tolist() == ["2", "1"]


@pytest.mark.parametrize(
    ("typed", "check_code", "after"),
    [
        ("'41", "number_as_text", "41"),
        (" 41 ", "number_as_text", "41"),
        ("４１", "full_width_digits", "41"),
    ],
)
def test_numbers_typed_as_text_are_read_and_logged(check, typed, check_code, after):
    rows = good_rows()
    rows[0]["age"] = typed
    result = check(rows)
    fixed = result.findings
    assert only(result) == [(4, "age", check_code)]
    assert fixed.loc[0, "severity"] == "fixed"
    assert fixed.loc[0, "value"] == typed.lstrip("'")
    assert fixed.loc[0, "fixed_value"] == after
    assert result.clean().loc[0, "age"] == after


@pytest.mark.parametrize(
    ("typed", "check_code", "after"),
    [
        ("¥12,000", "currency_mark", "12000"),
        ("12000元", "currency_mark", "12000"),
        ("1.2万", "magnitude_word", "12000"),
        ("12,000", "thousands_separator", "12000"),
        ("１２０００", "full_width_digits", "12000"),
        ("￥1.5万元", "magnitude_word", "15000"),
    ],
)
def test_money_as_typed_is_normalised_with_before_and_after(check, typed, check_code, after):
    rows = good_rows()
    rows[0]["income_2020"] = typed
    result = check(rows)
    assert only(result) == [(4, "income_2020", check_code)]
    finding = result.findings.iloc[0]
    assert (finding["value"], finding["fixed_value"], finding["letter"]) == (typed, after, "J")
    assert result.clean().loc[0, "income_2020"] == after


def test_a_date_serial_and_a_date_typed_as_text_are_read_as_dates(check):
    rows = good_rows()
    rows[0]["interview_date"] = "44776"
    rows[1]["interview_date"] = "2022年8月3日"
    result = check(rows)
    assert only(result, "fixed") == [(4, "interview_date", "date_serial"),
                                     (5, "interview_date", "date_as_text")]  # fmt: skip
    assert result.clean()["interview_date"].tolist() == ["2022-08-03", "2022-08-03"]


def test_choice_codes_and_other_language_labels_are_read_and_logged(check):
    rows = good_rows()
    rows[0]["gender"] = "2"
    rows[1]["gender"] = "男"
    rows[1]["trust_1"] = " agree"
    result = check(rows)
    assert only(result) == [
        (4, "gender", "code_for_label"),
        (5, "gender", "other_language_label"),
        (5, "trust_1", "label_variant"),
    ]
    assert result.clean()["gender"].tolist() == ["2", "1"]
    assert result.clean()["trust_1"].tolist() == ["3", "3"]


@pytest.mark.parametrize(
    ("typed", "codes", "check_code"),
    [
        ("rice tea", "rice tea", None),
        ("tea,rice", "tea rice", "choice_separator"),
        ("Rice、Tea", "rice tea", "choice_separator"),
        ("水稻, 茶叶", "rice tea", "choice_separator"),
    ],
)
def test_several_choices_as_codes_or_listed_labels(check, typed, codes, check_code):
    rows = good_rows()
    rows[0]["crops"] = typed
    result = check(rows)
    assert result.clean().loc[0, "crops"] == codes
    assert only(result) == ([(4, "crops", check_code)] if check_code else [])


def test_an_unknown_label_is_an_error_with_a_suggestion(check):
    rows = good_rows()
    rows[1]["gender"] = "Mal"
    result = check(rows)
    assert only(result) == [(5, "gender", "unknown_label")]
    assert "did you mean 'Male'?" in result.findings.loc[0, "message"]
    assert (result.rows_clean, result.rows_quarantined) == (1, 1)
    quarantine = result.quarantine()
    assert quarantine.loc[0, ["file", "row", "checks", "gender"]].tolist() == [
        "V01.xlsx", 5, "unknown_label", "Mal"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "typed", "check_code"),
    [
        ("age", "150", "out_of_range"),
        ("age", "12", "out_of_range"),
        ("age", "不知道", "not_a_number"),
        ("age", "41.5", "not_a_whole_number"),
        ("age", "", "required_missing"),
        ("interview_date", "2021-01-01", "out_of_range"),
        ("interview_date", "3/8/2022", "not_a_date"),
        ("income_2020", "-5", "out_of_range"),
        ("crops", "rice maize", "unknown_label"),
    ],
)
def test_each_error_is_located_and_quarantines_its_row(check, column, typed, check_code):
    rows = good_rows()
    rows[1][column] = typed
    result = check(rows)
    errors = only(result, "error")
    assert errors == [(5, column, check_code)]
    assert result.quarantined.tolist() == [1]
    assert result.exit_code == 1


def test_soft_limits_warn_and_keep_the_row(check):
    rows = good_rows()
    rows[0]["age"] = "85"
    result = check(rows)
    assert only(result) == [(4, "age", "outside_soft_limit")]
    assert result.findings.loc[0, "severity"] == "warning"
    assert result.rows_clean == 2
    assert result.exit_code == 0


def test_skip_rules_both_ways(check):
    rows = good_rows()
    rows[1]["online_income_2022"] = "500"  # sells_online_2022 is No: should be skipped
    result = check(rows)
    assert only(result) == [(5, "online_income_2022", "skip_rule_violation")]
    assert "sells_online_2022 is 0 (No)" in result.findings.loc[0, "message"]


def test_a_trailing_total_row_and_a_blank_row_are_not_respondents(check):
    rows = good_rows()
    blank = dict.fromkeys(rows[0], "")
    total = dict.fromkeys(rows[0], "") | {"village_id": "Total", "income_2020": "21000"}
    result = check([rows[0], blank, rows[1], total])
    assert only(result) == [(5, "", "blank_row"), (7, "village_id", "total_row")]
    assert (result.rows_in, result.rows_clean, result.rows_quarantined) == (3, 2, 1)


def test_an_exact_copy_is_quarantined_and_the_first_kept(check):
    rows = good_rows()
    result = check([*rows, dict(rows[0])])
    assert only(result) == [(6, "village_id", "duplicate_row")]
    assert "identical to V01.xlsx row 4" in result.findings.loc[0, "message"]
    assert result.rows_clean == 2


def test_one_key_with_different_answers_quarantines_both_and_names_the_columns(check):
    rows = good_rows()
    other = dict(rows[1]) | {"person_id": "1"}  # same village and person as row 4
    result = check([*rows, other])
    assert only(result) == [(4, "village_id", "duplicate_key"), (6, "village_id", "duplicate_key")]
    message = result.findings.loc[0, "message"]
    assert "V01.xlsx row 6" in message
    assert "name, age, gender" in message
    assert result.rows_clean == 1


def test_keys_are_compared_across_files(small, tmp_path):
    rows = good_rows()
    fill_template(small, rows, tmp_path / "a.xlsx")
    fill_template(small, [dict(rows[0]) | {"age": "44"}], tmp_path / "b.xlsx", language="zh")
    result = validate_returns(small, [tmp_path])
    duplicates = result.findings[result.findings["check"] == "duplicate_key"]
    assert sorted(zip(duplicates["file"], duplicates["row"], strict=True)) == [
        ("a.xlsx", 4), ("b.xlsx", 4)
    ]  # fmt: skip
    assert "other answers in age" in duplicates["message"].iloc[0]


def test_parts_above_their_total_and_instrument_rules(model_study, tmp_path):
    from .test_validate_sample import truth_rows_as_labels

    rows = truth_rows_as_labels(model_study, count=2)
    rows[0]["income_farming_2022"] = str(float(rows[0]["family_income_2022"]) + 1)
    rows[1]["household_spending_2020"] = str(3 * float(rows[1]["family_income_2020"]))
    fill_template(model_study, rows, tmp_path / "V.xlsx")
    result = validate_returns(model_study, [tmp_path / "V.xlsx"])
    found = only(result)
    assert (4, "family_income_2022", "parts_exceed_total") in found
    assert (5, "household_spending_2020", "spending_above_income") in found
    severities = dict(zip(result.findings["check"], result.findings["severity"], strict=True))
    assert severities["parts_exceed_total"] == "error"
    assert severities["spending_above_income"] == "warning"


def test_a_rule_against_a_number_quarantines_the_rows_that_break_it(tmp_path):
    from villagesurvey import parse_instrument

    from .conftest import SMALL

    instrument = parse_instrument(
        SMALL + "checks:\n  - {code: adult, rule: age >= 40, severity: error}\n",
        source="small.yaml",
    )
    fill_template(instrument, good_rows(), tmp_path / "V01.xlsx")
    result = validate_returns(instrument, [tmp_path / "V01.xlsx"])
    assert only(result, "error") == [(5, "age", "adult")]
    assert result.rows_quarantined == 1


def test_edited_headers_are_read_by_code_or_label_and_reported(small, tmp_path):
    rows = good_rows()
    header = list(rows[0])
    moved = [header[1], header[0], *header[2:]]  # person_id before village_id
    renamed = ["Age" if h == "age" else h for h in moved if h != "trust_2"] + ["notes"]
    cells = [renamed]
    for row in rows:
        cells.append([row[h if h != "Age" else "age"] for h in renamed[:-1]] + ["x"])
    plain_workbook(cells, tmp_path / "edited.xlsx")
    result = validate_returns(small, [tmp_path / "edited.xlsx"])
    checks = dict(zip(result.findings["check"], result.findings["value"], strict=True))
    assert set(checks) == {
        "no_template_metadata", "renamed_column", "unknown_column", "missing_column"
    }  # fmt: skip
    assert checks["renamed_column"] == "Age"
    assert checks["unknown_column"] == "notes"
    assert checks["missing_column"] == "trust_2"
    assert result.clean()["age"].tolist() == ["43", "35"]
    assert result.clean()["village_id"].tolist() == ["V01", "V01"]


def test_a_csv_export_holds_codes_and_reads_without_fixes(small, tmp_path):
    rows = good_rows()
    codes = {"Female": "2", "Male": "1", "No": "0", "Yes": "1", "Agree": "3", "Neutral": "2",
             "Disagree": "1"}  # fmt: skip
    exported = [{k: codes.get(v, v) for k, v in row.items()} for row in rows]
    write_csv(exported, tmp_path / "export.csv", encoding="gb18030")
    result = validate_returns(small, [tmp_path / "export.csv"])
    assert result.findings[result.findings["severity"] != "warning"].empty
    assert result.clean()["gender"].tolist() == ["2", "1"]
    assert result.clean()["name"].tolist() == ["Li Na", "Wang"]


def test_a_return_of_another_instrument_is_refused(small, model_study, tmp_path):
    fill_template(model_study, [], tmp_path / "other.xlsx")
    fill_template(small, good_rows(), tmp_path / "mine.xlsx")
    result = validate_returns(small, [tmp_path])
    refused = {f.name: f.check for f in result.refused}
    assert refused == {"other.xlsx": "other_instrument"}
    assert result.rows_clean == 2
    assert result.exit_code == 1


def test_a_formula_is_not_taken_for_an_answer(small, tmp_path):
    from openpyxl import load_workbook

    path = fill_template(small, good_rows(), tmp_path / "f.xlsx")
    book = load_workbook(path)
    book.worksheets[0]["J5"] = "=J4*2"
    book.save(path)
    result = validate_returns(small, [path])
    assert only(result, "error") == [(5, "income_2020", "formula_cell")]
    assert result.findings.loc[0, "value"] == "=J4*2"


def test_progress_and_stage_are_reported_for_long_work(small, tmp_path):
    for name in ("a.xlsx", "b.xlsx"):
        fill_template(small, [dict(good_rows()[0]) | {"person_id": name[0]}], tmp_path / name)
    seen: list[object] = []
    validate_returns(
        small,
        [tmp_path],
        progress=lambda path, done, total: seen.append((path.name, done, total)),
        stage=seen.append,
    )
    assert seen == [("a.xlsx", 1, 2), ("b.xlsx", 2, 2), "checking 2 rows against small 1"]
