"""The codebook export: Markdown and Excel, with summary statistics checked against R."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

from villagesurvey.cli import main
from villagesurvey.codebook import codebook_rows
from villagesurvey.errors import AnalysisError, OptionError
from villagesurvey.export import build_codebook, write_codebook
from villagesurvey.instrument import roster_instrument

from .conftest import MODEL_STUDY, ROOT
from .test_export import SMALL_CSV

TRUTH = ROOT / "sample_data" / "truth.csv"

# R 4.2.2 on SMALL_CSV (tests/test_export.py), read with
#   d <- read.csv("small.csv", na.strings = "")
# and for each column x: mean(x, na.rm=TRUE), sd(x, na.rm=TRUE), median(x, na.rm=TRUE),
# min, max, sum(!is.na(x)), sum(is.na(x)), printed with format(..., digits = 15):
R_NUMBERS = {
    # column: (n, NA's, mean, sd, min, median, max)
    "age": (8, 0, 41.25, 11.7321292672241, 27, 41, 62),
    "income_2020": (7, 1, 14485.7142857143, 8350.73421351452, 6000, 12000, 30000),
    "income_2022": (7, 1, 15621.5, 8303.3042067601, 6500, 13250, 28000),
    "online_income_2020": (3, 5, 4166.66666666667, 1755.94229214212, 2500, 4000, 6000),
    "online_income_2022": (4, 4, 3450.0625, 2469.26271363708, 1500, 2650, 7000.25),
}
# R: table(d$gender) -> 1: 3, 2: 5; table(d$trust_2, useNA = "ifany") -> 1: 3, 2: 3, 3: 1,
# <NA>: 1; table(d$sells_online_2020, useNA = "ifany") -> 0: 4, 1: 3, <NA>: 1;
# table(unlist(strsplit(d$crops, " "))) -> rice: 4, tea: 5 (one blank of 8).
R_COUNTS = {
    "gender": {1: 3, 2: 5},
    "trust_2": {1: 3, 2: 3, 3: 1},
    "sells_online_2020": {0: 4, 1: 3},
    "crops": {"rice": 4, "tea": 5},
}
R_MISSING = {"gender": 0, "trust_2": 1, "sells_online_2020": 1, "crops": 1}
# R: x <- as.Date(d$interview_date); min(x), median(x), max(x) print
# "2022-06-03", "2022-07-24", "2022-09-30"
R_DATES = ("2022-06-03", "2022-07-24", "2022-09-30")
# online_income_<wave> is asked only if sells_online_<wave> = 1: not asked in 2020 in rows
# 1, 2, 4, 5 (row 7's answer is blank: unknown), in 2022 in rows 2, 5, 8.
NOT_ASKED = {"online_income_2020": 4, "online_income_2022": 3}


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("codebook") / "clean.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def markdown(small, small_csv, tmp_path_factory):
    path = tmp_path_factory.mktemp("md") / "codebook.md"
    write_codebook(small, path, data=small_csv)
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def workbook(small, small_csv, tmp_path_factory):
    path = tmp_path_factory.mktemp("xlsx") / "codebook.xlsx"
    write_codebook(small, path, data=small_csv)
    return openpyxl.load_workbook(path)


def parse_markdown(text):
    """Entries by column code: the rows of each table under its ``### `code``` heading."""
    entries: dict[str, list[list[dict[str, str]]]] = {}
    current = None
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        heading = re.fullmatch(r"### `(\w+)`", lines[i])
        if heading:
            current = entries.setdefault(heading.group(1), [])
        elif lines[i].startswith("| ") and current is not None:
            header = _cells(lines[i])
            if header == ["", ""]:  # a column's fields: name and value
                header = ["field", "value"]
            rows = []
            i += 2  # the header and the |---| line
            while i < len(lines) and lines[i].startswith("| "):
                rows.append(dict(zip(header, _cells(lines[i]), strict=True)))
                i += 1
            current.append(rows)
            continue
        i += 1
    return entries


def _cells(line):
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def _fields(entry):
    return {row["field"]: row["value"] for row in entry[0]}


def test_markdown_numbers_match_r(markdown):
    entries = parse_markdown(markdown)
    for column, (n, missing, mean, sd, low, median, high) in R_NUMBERS.items():
        stats = entries[column][1][0]
        assert int(stats["n"]) == n, column
        assert int(stats["Missing"]) == missing, column
        assert int(stats["Not asked"]) == NOT_ASKED.get(column, 0), column
        # shown to 2 decimals
        assert float(stats["Mean"]) == pytest.approx(mean, abs=0.005), column
        assert float(stats["SD"]) == pytest.approx(sd, abs=0.005), column
        assert float(stats["Min"]) == low
        assert float(stats["Median"]) == median
        assert float(stats["Max"]) == high


def test_markdown_counts_and_dates_match_r(markdown):
    entries = parse_markdown(markdown)
    for column, counts in R_COUNTS.items():
        stats, choices = entries[column][1][0], entries[column][2]
        assert int(stats["Missing"]) == R_MISSING[column]
        shown = {row["Code"].strip("`"): int(row["Count"]) for row in choices}
        assert shown == {str(code): count for code, count in counts.items()}
        n = int(stats["n"])
        for row in choices:
            assert float(row["Percent"]) == pytest.approx(100 * int(row["Count"]) / n, abs=0.05)
    dates = entries["interview_date"][1][0]
    assert (dates["Min"], dates["Median"], dates["Max"]) == R_DATES


def test_markdown_describes_each_column(markdown, small):
    entries = parse_markdown(markdown)
    assert list(entries) == [c.code for c in small.columns]
    age = _fields(entries["age"])
    assert age["Label (en)"] == "Age"
    assert age["Label (zh)"] == "年龄"
    assert age["Unit"] == "years"
    assert age["Allowed values"] == "16 – 100"
    assert age["Usually"] == "18 – 80"
    online = _fields(entries["online_income_2022"])
    assert online["Asked if"] == "`sells_online = 1`"  # as written: in its wave
    assert online["Wave"] == "2022"
    assert _fields(entries["trust_2"])["Scale"] == "trust (reverse)"
    crops = entries["crops"][2]
    assert [row["0/1 column in exports"] for row in crops] == ["`crops_rice`", "`crops_tea`"]
    assert [row["Label (zh)"] for row in crops] == ["水稻", "茶叶"]


def test_personal_data_gets_no_statistics(markdown, workbook):
    entries = parse_markdown(markdown)
    assert _fields(entries["name"])["Personal data"] == "Yes"
    assert len(entries["name"]) == 1  # its fields only, no statistics table
    section = markdown[markdown.index("### `name`") : markdown.index("### `age`")]
    assert "personal data: no statistics" in section
    assert "王芳" not in markdown
    sheet = workbook["Variables"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in sheet[1]]
    assert rows["name"][header.index("n")] == "personal data: no statistics"
    assert all(v is None for v in rows["name"][header.index("Missing") :])


def test_xlsx_numbers_match_r_unrounded(workbook):
    sheet = workbook["Variables"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2,
                                                                           values_only=True)}  # fmt: skip
    for column, (n, missing, mean, sd, low, median, high) in R_NUMBERS.items():
        row = rows[column]
        assert (row["n"], row["Missing"]) == (n, missing)
        assert row["Not asked"] == NOT_ASKED.get(column, 0)
        assert row["Mean"] == pytest.approx(mean, rel=1e-12)
        assert row["SD"] == pytest.approx(sd, rel=1e-12)
        assert (row["Min"], row["Median"], row["Max"]) == (low, median, high)
    assert rows["village_id"]["Distinct values"] == 3
    assert rows["age"]["Label (zh)"] == "年龄"
    assert rows["online_income_2022"]["Asked if"] == "sells_online = 1"


def test_xlsx_choices_match_r(workbook):
    sheet = workbook["Choices"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)]
    for column, counts in R_COUNTS.items():
        found = {r["Code"]: r["Count"] for r in rows if r["Variable"] == column}
        assert found == counts
    crops = [r for r in rows if r["Variable"] == "crops"]
    assert [r["0/1 column in exports"] for r in crops] == ["crops_rice", "crops_tea"]
    assert [r["Percent"] for r in crops] == [round(100 * 4 / 7, 1), round(100 * 5 / 7, 1)]
    about = dict(workbook["About"].iter_rows(min_row=2, values_only=True))
    assert about["Instrument"] == "small"
    assert about["Data"] == "clean.csv"


def test_a_codebook_without_data_has_no_statistics(small, tmp_path):
    write_codebook(small, tmp_path / "c.md")
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    entries = parse_markdown(text)
    assert list(entries) == [c.code for c in small.columns]
    assert "| n |" not in text
    assert len(entries["age"]) == 1
    assert list(entries["gender"][1][0]) == ["Code", "Label (en)", "Label (zh)"]
    write_codebook(small, tmp_path / "c.xlsx", language="zh")
    book = openpyxl.load_workbook(tmp_path / "c.xlsx")
    assert book.sheetnames == ["变量", "选项", "说明"]
    header = [c.value for c in book["变量"][1]]
    assert "有效数" not in header
    assert header[:3] == ["变量", "标签（en）", "标签（zh）"]


def test_text_codes_show_the_number_stata_and_spss_store(tmp_path):
    from villagesurvey import parse_instrument

    from .test_export import SHOP

    shop = parse_instrument(SHOP, source="shop.yaml")
    codebook = build_codebook(shop)
    assert codebook.numbers == {"main_platform": {"taobao": 1, "pdd": 2, "other": 3}}
    write_codebook(shop, tmp_path / "shop.md")
    choices = parse_markdown((tmp_path / "shop.md").read_text(encoding="utf-8"))["main_platform"]
    assert [(r["Code"], r["Stata/SPSS value"]) for r in choices[1]] == [
        ("`taobao`", "1"), ("`pdd`", "2"), ("`other`", "3")
    ]  # fmt: skip


def test_model_study_codebook_covers_every_column(model_study, tmp_path):
    write_codebook(model_study, tmp_path / "c.md", data=TRUTH, language="zh")
    text = (tmp_path / "c.md").read_text(encoding="utf-8")
    entries = parse_markdown(text)
    members = roster_instrument(model_study, "members")  # listed after the main columns
    own = [c.code for c in members.columns if c.question.section == "members"]
    assert own
    assert list(entries) == [c.code for c in model_study.columns] + own
    assert text.startswith("# 编码本: 乡村跨境电商家庭调查\n")
    truth = pd.read_csv(TRUTH, dtype=str, keep_default_na=False)
    for column in model_study.columns:
        if column.question.pii:
            assert "个人信息：不作统计" in text
            continue
        stats = entries[column.code][1][0]
        blanks = int((truth[column.code] == "").sum())
        assert int(stats["缺失数"]) == blanks, column.code
        assert int(stats["有效数"]) == len(truth) - blanks, column.code
        if column.question.type == "select_one":
            counts = {r["编码"].strip("`"): int(r["人数"]) for r in entries[column.code][2]}
            present = truth[column.code][truth[column.code] != ""]
            assert counts == {
                str(c.code): int((present == str(c.code)).sum())
                for c in model_study.choice_list(column.question)
            }


def test_codebook_rows_carry_the_choices(model_study):
    rows = {r.code: r for r in codebook_rows(model_study)}
    assert [c.code for c in rows["gender"].choices] == [1, 2]
    assert rows["gender"].choices[1].label == {"en": "Female", "zh": "女"}
    assert [c.code for c in rows["cbec_1"].choices] == [1, 2, 3, 4, 5]
    assert rows["age"].choices == ()


def test_codebook_errors(small, small_csv, tmp_path):
    with pytest.raises(OptionError, match=r"\.md or \.xlsx"):
        write_codebook(small, tmp_path / "c.txt")
    with pytest.raises(OptionError, match="not one of the instrument's languages"):
        write_codebook(small, tmp_path / "c.md", language="fr")
    with pytest.raises(AnalysisError, match="missing columns"):
        write_codebook(MODEL_STUDY, tmp_path / "c.md", data=small_csv)
    assert not (tmp_path / "c.md").exists()


def test_cli_codebook(tmp_path):
    output = tmp_path / "codebook.xlsx"
    runner = CliRunner()
    result = runner.invoke(main, ["codebook", str(MODEL_STUDY), "-o", str(output),
                                  "--data", str(TRUTH)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {output}\n"
    assert openpyxl.load_workbook(output).sheetnames == ["Variables", "Choices", "About"]
    result = runner.invoke(main, ["codebook", str(MODEL_STUDY), "-o", str(tmp_path / "c.pdf")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"villagesurvey: {tmp_path / 'c.pdf'}: a codebook is written as .md or .xlsx; "
        "rename the file"
    )
    result = runner.invoke(main, ["codebook", str(MODEL_STUDY), "-o", str(tmp_path / "c.md"),
                                  "--data", str(tmp_path / "missing.csv")])  # fmt: skip
    assert result.exit_code == 2
    assert "no such file" in result.output
