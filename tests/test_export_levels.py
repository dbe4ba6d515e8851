"""A survey with a member roster exported one file per level, or reshaped wide.

Every file is read back with pyreadstat, pandas or pyarrow; the expected values are the
CSV that went in, the expected labels the instrument's own words, and the reshaped table is
written out by hand (and matches what R's ``reshape(direction = "wide")`` prints, quoted).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from textwrap import dedent

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import AnalysisError, OptionError
from villagesurvey.export import export_dataset

INSTRUMENT = """\
id: hh_levels
version: "1"
title: {en: Household survey, zh: 住户调查}
languages: [en, zh]
key: [village, hh]
choices:
  relation:
    - {code: 1, en: Head, zh: 户主}
    - {code: 2, en: Spouse, zh: 配偶}
    - {code: 3, en: Child, zh: 子女}
  sex:
    - {code: 1, en: Male, zh: 男}
    - {code: 2, en: Female, zh: 女}
  work:
    - {code: farm, en: Farming, zh: 务农}
    - {code: shop, en: Online shop, zh: 网店}
    - {code: wage, en: Wage work, zh: 打工}
sections:
  - code: household
    label: {en: Household, zh: 住户}
    questions:
      - {code: village, type: text, required: true, label: {en: Village, zh: 村}}
      - {code: hh, type: integer, required: true, label: {en: Household number, zh: 户号}}
      - {code: hh_size, type: integer, min: 1, label: {en: Members, zh: 家庭人数}}
      - {code: head_name, type: text, pii: true, label: {en: Name of the head, zh: 户主姓名}}
  - code: members
    label: {en: Household members, zh: 家庭成员}
    roster: {key: member, count: hh_size}
    questions:
      - {code: member, type: integer, required: true, min: 1, label: {en: Member, zh: 成员}}
      - {code: relation, type: select_one, choices: relation,
         label: {en: Relation to head, zh: 与户主关系}}
      - {code: sex, type: select_one, choices: sex, label: {en: Sex, zh: 性别}}
      - {code: age, type: integer, min: 0, max: 120, label: {en: Age, zh: 年龄}}
      - {code: work, type: select_multiple, choices: work, relevant: age >= 16,
         label: {en: Work, zh: 工作}}
      - {code: income, type: decimal, min: 0, unit: CNY, relevant: age >= 16,
         label: {en: Income, zh: 收入}}
      - {code: phone, type: text, pii: true, label: {en: Phone, zh: 电话}}
"""

# Two villages each have a household 1. V1's member 3 is 10 years old: not asked about work
# and income. V2's member 2 was asked and left both blank.
CLEAN = dedent("""\
    source_file,village,hh,hh_size,head_name
    V1.xlsx,V1,1,3,王芳
    V1.xlsx,V1,2,1,李强
    V2.xlsx,V2,1,2,张伟
    """)
MEMBERS = dedent("""\
    source_file,village,hh,member,relation,sex,age,work,income,phone
    V1.xlsx,V1,1,1,1,2,45,farm shop,3000,13800000001
    V1.xlsx,V1,1,2,2,1,47,wage,2000,
    V1.xlsx,V1,1,3,3,2,10,,,
    V1.xlsx,V1,2,1,1,1,70,farm,500,
    V2.xlsx,V2,1,1,1,1,33,shop,1200,
    V2.xlsx,V2,1,2,2,2,31,,,
    """)


@pytest.fixture(scope="module")
def instrument():
    return parse_instrument(INSTRUMENT)


@pytest.fixture
def checked(tmp_path):
    """A folder as validate writes it: clean.csv and clean_members.csv."""
    folder = tmp_path / "checked"
    folder.mkdir()
    (folder / "clean.csv").write_text(CLEAN, encoding="utf-8")
    (folder / "clean_members.csv").write_text(MEMBERS, encoding="utf-8")
    return folder


def test_stata_one_file_per_level_with_the_linking_key_and_labels(instrument, checked, tmp_path):
    summary = export_dataset(instrument, checked / "clean.csv", tmp_path / "survey.dta")
    assert [level.path.name for level in summary.rosters] == ["survey_members.dta"]
    assert summary.dropped == ("head_name", "phone")
    members, meta = pyreadstat.read_dta(tmp_path / "survey_members.dta", user_missing=True)
    assert list(members.columns) == [
        "source_file", "village", "hh", "member", "relation", "sex", "age", "work",
        "work_farm", "work_shop", "work_wage", "income",
    ]  # fmt: skip
    assert list(zip(members["village"], members["hh"], members["member"], strict=True)) == [
        ("V1", 1, 1), ("V1", 1, 2), ("V1", 1, 3), ("V1", 2, 1), ("V2", 1, 1), ("V2", 1, 2),
    ]  # fmt: skip
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["hh"] == "Household number"
    assert labels["member"] == "Member"
    assert labels["age"] == "Age"
    assert labels["work_shop"] == "Work: Online shop"
    assert meta.variable_value_labels["relation"] == {1: "Head", 2: "Spouse", 3: "Child"}
    assert meta.variable_value_labels["work_shop"] == {
        0: "No", 1: "Yes", "a": "Not asked (skip rule)",
    }  # fmt: skip
    assert meta.file_label == "Household members (hh_levels 1)"
    # The 10-year-old was not asked: Stata's .a; the 31-year-old was asked and left it blank.
    assert members["income"].tolist()[2] == "a"
    assert members["work_farm"].tolist()[2] == "a"
    assert pd.isna(members["income"].tolist()[5])
    assert members["income"].tolist()[:2] == [3000, 2000]


# R 4.2.2, haven 2.5.1, on the same two files:
#   h <- read_dta("survey.dta"); m <- read_dta("survey_members.dta")
#   x <- merge(h, m, by = c("village", "hh")); nrow(x)         # 6
#   x[, c("village", "hh", "hh_size", "member", "age", "income")]
#     village hh hh_size member age income
#   1      V1  1       3      1  45   3000
#   2      V1  1       3      2  47   2000
#   3      V1  1       3      3  10  NA(a)
#   4      V1  2       1      1  70    500
#   5      V2  1       2      1  33   1200
#   6      V2  1       2      2  31     NA
#   attr(m$relation, "labels")   # Head 1, Spouse 2, Child 3;  attr(m$age, "label")  "Age"
def test_pandas_reads_the_levels_and_merges_them_on_the_household_key(
    instrument, checked, tmp_path
):
    export_dataset(instrument, checked, tmp_path / "survey.dta")  # the folder validate wrote
    households = pd.read_stata(tmp_path / "survey.dta")
    members = pd.read_stata(tmp_path / "survey_members.dta")
    assert members["relation"].astype(str).tolist() == [
        "Head", "Spouse", "Child", "Head", "Head", "Spouse",
    ]  # fmt: skip
    # Stata: merge 1:m village hh using survey_members
    merged = households.merge(members, on=["village", "hh"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert merged.groupby(["village", "hh"])["member"].count().tolist() == [3, 1, 2]
    assert merged.groupby(["village", "hh"])["hh_size"].first().tolist() == [3, 1, 2]


def test_spss_and_parquet_levels_keep_their_labels(instrument, checked, tmp_path):
    export_dataset(instrument, checked, tmp_path / "survey.sav", language="zh")
    data, meta = pyreadstat.read_sav(tmp_path / "survey_members.sav", user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["village"] == "村"
    assert labels["relation"] == "与户主关系"
    assert meta.variable_value_labels["sex"] == {1: "男", 2: "女"}
    assert meta.variable_measure["age"] == "scale"
    assert data["income"].tolist()[2] == -97  # not asked: the user-missing -97
    export_dataset(instrument, checked, tmp_path / "survey.parquet")
    table = pq.read_table(tmp_path / "survey_members.parquet")
    about = json.loads(table.schema.metadata[b"villagesurvey"])
    assert about["roster"] == "members"
    assert about["linked_by"] == ["village", "hh"]
    assert about["key"] == ["village", "hh", "member"]
    field = table.schema.field("relation")
    assert field.metadata[b"label"].decode() == "Relation to head"
    codes = [v["code"] for v in json.loads(field.metadata[b"value_labels"])]
    assert codes == [1, 2, 3]
    assert table.column("work").to_pylist()[0] == "farm shop"
    main_about = json.loads(
        pq.read_table(tmp_path / "survey.parquet").schema.metadata[b"villagesurvey"]
    )
    assert main_about["roster"] is None


def _pseudonym(salt: bytes, *parts: str) -> str:
    """docs/export.md: HMAC-SHA256 of the key up to the column, joined by the unit separator."""
    return hmac.new(salt, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:16]


def test_pseudonyms_and_personal_data_are_the_same_on_every_level(instrument, checked, tmp_path):
    salt_file = tmp_path / "salt"
    salt_file.write_text("a salt of thirty-two characters!", encoding="utf-8")
    salt = salt_file.read_text().strip().encode()
    export_dataset(
        instrument, checked, tmp_path / "survey.dta", pseudonymise=True, salt_file=salt_file
    )
    households, _hh_meta = pyreadstat.read_dta(tmp_path / "survey.dta")
    members, meta = pyreadstat.read_dta(tmp_path / "survey_members.dta")
    for frame in (households, members):
        assert "source_file" not in frame.columns
        assert "head_name" not in frame.columns
        assert "phone" not in frame.columns
    v1_hh1 = (_pseudonym(salt, "village", "V1"), _pseudonym(salt, "hh", "V1", "1"))
    v2_hh1 = (_pseudonym(salt, "village", "V2"), _pseudonym(salt, "hh", "V2", "1"))
    assert list(zip(households["village"], households["hh"], strict=True))[::2] == [v1_hh1, v2_hh1]
    assert list(zip(members["village"], members["hh"], strict=True))[::4] == [v1_hh1, v2_hh1]
    assert members["member"].tolist() == [1, 2, 3, 1, 1, 2]  # numbers within a household
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["hh"] == "Household number (pseudonym)"
    assert labels["member"] == "Member"
    merged = households.merge(members, on=["village", "hh"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()
    assert len(merged) == 6


def test_a_roster_without_its_file_is_named_and_orphans_are_counted(instrument, tmp_path):
    (tmp_path / "clean.csv").write_text(CLEAN, encoding="utf-8")
    summary = export_dataset(instrument, tmp_path / "clean.csv", tmp_path / "survey.dta")
    assert summary.rosters == ()
    assert summary.notes == (
        "roster members: no clean_members.csv beside clean.csv, so it is not exported",
    )
    summary = export_dataset(
        instrument, pd.read_csv(tmp_path / "clean.csv", dtype=str), tmp_path / "survey.dta"
    )
    assert summary.notes == ("roster members: no table given, so it is not exported",)
    orphan = MEMBERS + "V3.xlsx,V3,7,1,1,1,50,,,\n"
    summary = export_dataset(
        instrument, tmp_path / "clean.csv", tmp_path / "survey.dta",
        rosters={"members": pd.read_csv(pd.io.common.StringIO(orphan), dtype=str)},
    )  # fmt: skip
    assert summary.rosters[0].rows == 7  # written all the same: nothing is lost
    assert summary.notes == (
        "roster members: 1 row whose household is not in the main file (rows 8)",
    )
    with pytest.raises(OptionError, match="has no roster plots"):
        export_dataset(
            instrument, tmp_path / "clean.csv", tmp_path / "s.dta", rosters={"plots": ""}
        )


# R 4.2.2:
#   d <- read.csv(text = "village,hh,member,relation,sex,age,income
#   V1,1,1,1,2,45,3000
#   V1,1,2,2,1,47,2000
#   V1,1,3,3,2,10,NA
#   V1,2,1,1,1,70,500
#   V2,1,1,1,1,33,1200
#   V2,1,2,2,2,31,NA")
#   reshape(d, idvar = c("village", "hh"), timevar = "member", direction = "wide", sep = "_")
# prints
#   village hh relation_1 sex_1 age_1 income_1 relation_2 sex_2 age_2 income_2
#        V1  1          1     2    45     3000          2     1    47     2000
#        V1  2          1     1    70      500         NA    NA    NA       NA
#        V2  1          1     1    33     1200          2     2    31       NA
#   relation_3 sex_3 age_3 income_3
#            3     2    10       NA
#           NA    NA    NA       NA
#           NA    NA    NA       NA
# The same table, by hand, with our names (memberN_<question>) and the work columns:
WIDE = dedent("""\
    village,hh,hh_size,member1_relation,member1_sex,member1_age,member1_work,member1_work_farm,member1_work_shop,member1_work_wage,member1_income,member2_relation,member2_sex,member2_age,member2_work,member2_work_farm,member2_work_shop,member2_work_wage,member2_income,member3_relation,member3_sex,member3_age,member3_work,member3_work_farm,member3_work_shop,member3_work_wage,member3_income
    V1,1,3,1,2,45,farm shop,1,1,0,3000,2,1,47,wage,0,0,1,2000,3,2,10,,,,,
    V1,2,1,1,1,70,farm,1,0,0,500,,,,,,,,,,,,,,,,
    V2,1,2,1,1,33,shop,0,1,0,1200,2,2,31,,,,,,,,,,,,,
    """)  # fmt: skip


def test_wide_matches_the_hand_built_table(instrument, checked, tmp_path):
    summary = export_dataset(instrument, checked, tmp_path / "wide.parquet", wide=True)
    assert summary.rosters == ()
    assert not (tmp_path / "wide_members.parquet").exists()
    schema = pq.read_schema(tmp_path / "wide.parquet")
    field = schema.field("member2_work_shop").metadata
    assert (field[b"roster"], field[b"slot"], field[b"column"]) == (b"members", b"2", b"work")
    assert field[b"label"].decode() == "Work: Online shop (Member 2)"
    assert schema.field("hh_size").metadata[b"roster"] == b""
    got = pq.read_table(tmp_path / "wide.parquet").to_pandas()
    got = got.drop(columns="source_file").astype("string")
    expected = pd.read_csv(pd.io.common.StringIO(WIDE), dtype="string")
    got = got.apply(lambda c: c.str.replace(r"\.0$", "", regex=True))
    pd.testing.assert_frame_equal(got, expected, check_dtype=False)


# R 4.2.2, haven 2.5.1: w <- read_dta("wide.dta") (English labels)
#   attr(w$member2_age, "label")              "Age (Member 2)"
#   is_tagged_na(w$member3_income, "a")       TRUE FALSE FALSE
def test_wide_in_stata_keeps_labels_and_tells_not_asked_from_no_member(
    instrument, checked, tmp_path
):
    export_dataset(instrument, checked, tmp_path / "wide.dta", wide=True, language="zh")
    data, meta = pyreadstat.read_dta(tmp_path / "wide.dta", user_missing=True)
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["member2_age"] == "年龄（成员 2）"
    assert labels["member1_work_shop"] == "工作：网店（成员 1）"
    assert meta.variable_value_labels["member3_relation"] == {1: "户主", 2: "配偶", 3: "子女"}
    # Household V1 1's member 3 was not asked about income (.a); V1 2 has no member 3 (.).
    assert data["member3_income"].tolist()[0] == "a"
    assert pd.isna(data["member3_income"].tolist()[1])
    export_dataset(instrument, checked, tmp_path / "wide_en.dta", wide=True)
    _, meta = pyreadstat.read_dta(tmp_path / "wide_en.dta")
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels["member1_age"] == "Age (Member 1)"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("V1.xlsx,V1,1,2,2,1,47,,,\n", "rows sharing their household's member: 3, 8"),
        ("V9.xlsx,V9,1,1,1,1,47,,,\n", "rows whose household is not in the main dataset: 8"),
        ("household twice", "the main dataset has rows sharing a household key: 4, 5"),
    ],
)
def test_wide_refuses_rows_it_cannot_place(instrument, tmp_path, extra, message):
    (tmp_path / "clean.csv").write_text(CLEAN, encoding="utf-8")
    if extra.startswith("household"):
        (tmp_path / "clean.csv").write_text(CLEAN + "V2.xlsx,V2,1,2,\n", encoding="utf-8")
        extra = ""
    (tmp_path / "clean_members.csv").write_text(MEMBERS + extra, encoding="utf-8")
    with pytest.raises(AnalysisError, match=message):
        export_dataset(instrument, tmp_path, tmp_path / "wide.dta", wide=True)
    assert not (tmp_path / "wide.dta").exists()


def test_cli_exports_the_folder_or_the_files_given(checked, tmp_path):
    spec = tmp_path / "hh.yaml"
    spec.write_text(INSTRUMENT, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["export", str(checked), "-i", str(spec), "-o", str(tmp_path / "s.dta")]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [
        f"wrote {tmp_path / 's.dta'} (stata, labels in en): 3 rows, 4 variables",
        f"wrote {tmp_path / 's_members.dta'} (stata, labels in en): 6 rows, 12 variables, "
        "roster members, linked by village, hh",
    ]
    renamed = tmp_path / "people_members.csv"
    renamed.write_text(MEMBERS, encoding="utf-8")
    result = CliRunner().invoke(
        main,
        ["export", str(checked / "clean.csv"), str(renamed), "-i", str(spec),
         "-o", str(tmp_path / "t.sav"), "--wide"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "note: roster members: 6 rows reshaped to 24 columns of the main file" in result.output
    result = CliRunner().invoke(
        main,
        ["export", str(checked / "clean.csv"), str(checked / "clean.csv"), "-i", str(spec),
         "-o", str(tmp_path / "u.dta")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "give one clean dataset" in result.output


def test_keep_pii_keeps_personal_data_on_every_level(instrument, checked, tmp_path):
    summary = export_dataset(instrument, checked, tmp_path / "survey.sav", keep_pii=True)
    assert summary.dropped == ()
    households, _ = pyreadstat.read_sav(tmp_path / "survey.sav")
    members, _ = pyreadstat.read_sav(tmp_path / "survey_members.sav")
    assert households["head_name"].tolist() == ["王芳", "李强", "张伟"]
    assert members["phone"].tolist()[:2] == ["13800000001", ""]


LONG = "how_many_hours_did_you_work_last_week_in_total"


def test_wide_names_fit_stata_and_keep_the_member_number(tmp_path):
    text = INSTRUMENT.replace(
        "      - {code: age,",
        f"      - {{code: {LONG}, type: integer, label: {{en: Hours, zh: 小时}}}}\n"
        "      - {code: age,",
    )
    members = table_with_column(MEMBERS, after="sex", name=LONG, values=["40", "38", "", "",
                                                                         "50", "45"])  # fmt: skip
    (tmp_path / "clean.csv").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "clean_members.csv").write_text(members, encoding="utf-8")
    export_dataset(parse_instrument(text), tmp_path, tmp_path / "w.dta", wide=True)
    data, meta = pyreadstat.read_dta(tmp_path / "w.dta")
    hours = [name for name in data.columns if "hours" in name]
    assert hours == [f"member{n}_how_many_hours_did_you_w" for n in (1, 2, 3)]  # 32 characters
    member1 = data[hours[0]].tolist()
    assert member1[0] == 40
    assert pd.isna(member1[1])  # V1 household 2 left it blank
    assert member1[2] == 50
    assert data[hours[1]].tolist()[::2] == [38, 45]
    labels = dict(zip(meta.column_names, meta.column_labels, strict=True))
    assert labels[hours[2]] == "Hours (Member 3)"


def table_with_column(csv_text: str, *, after: str, name: str, values: list[str]) -> str:
    """``csv_text`` with a column ``name`` inserted after column ``after``."""
    lines = csv_text.strip().splitlines()
    place = lines[0].split(",").index(after) + 1
    out = []
    for line, value in zip(lines, [name, *values], strict=True):
        cells = line.split(",")
        out.append(",".join([*cells[:place], value, *cells[place:]]))
    return "\n".join(out) + "\n"


def test_what_validate_wrote_exports_level_by_level(tmp_path):
    from tests.returns import fill_template
    from tests.rosters import HOUSEHOLD
    from tests.test_validate_rosters import HOUSEHOLDS
    from tests.test_validate_rosters import MEMBERS as MEMBER_ROWS
    from villagesurvey import validate_returns, write_validation

    household = parse_instrument(HOUSEHOLD)
    fill_template(household, HOUSEHOLDS, tmp_path / "V1.xlsx", rosters={"members": MEMBER_ROWS})
    result = validate_returns(household, [tmp_path / "V1.xlsx"], workers=1)
    write_validation(result, tmp_path / "out")
    summary = export_dataset(household, tmp_path / "out", tmp_path / "hh.dta", pseudonymise=True)
    assert summary.notes == ()
    households = pd.read_stata(tmp_path / "hh.dta")
    members = pd.read_stata(tmp_path / "hh_members.dta")
    clean = pd.read_csv(tmp_path / "out" / "clean_members.csv")
    assert len(households) == len(result.clean())
    assert len(members) == len(clean) == len(result.rosters["members"].clean()) == 3
    merged = households.merge(members, on=["village", "hh"], how="right", indicator=True)
    assert (merged["_merge"] == "both").all()  # every clean member has its clean household
    assert merged["member"].tolist() == clean["member"].tolist()
    assert merged["age"].tolist() == clean["age"].tolist()
