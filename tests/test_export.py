"""Exports for Stata, SPSS and Parquet: read back with pyreadstat and pyarrow.

The expected labels are the instrument's own words; the expected values are those of the
CSV that went in. Where a file's meaning depends on the format (Stata's ``.a``, SPSS's
user-missing ``-97``, dates), the comment quotes what R's haven 2.5.1 (R 4.2.2) printed
reading the same file, so the files mean the same outside Python.
"""

from __future__ import annotations

import json
import os
import stat
from datetime import date
from textwrap import dedent

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest
from click.testing import CliRunner

from villagesurvey import parse_instrument
from villagesurvey.cli import main
from villagesurvey.errors import AnalysisError, OptionError, OutputError
from villagesurvey.export import export_dataset, labelled_dataset
from villagesurvey.export.pseudonyms import load_salt

from .conftest import MODEL_STUDY, ROOT

TRUTH = ROOT / "sample_data" / "truth.csv"

# A clean dataset of the small instrument (tests/conftest.py). online_income_<wave> is asked
# only if sells_online_<wave> = 1: rows 2, 5 and 8 were not asked it for 2022 (they do not
# sell online), row 6 was asked and left it blank.
SMALL_CSV = dedent(
    """\
    source_file,village_id,person_id,interview_date,name,age,gender,crops,sells_online_2020,sells_online_2022,income_2020,income_2022,online_income_2020,online_income_2022,trust_1,trust_2
    a.xlsx,V01,1,2022-06-03,王芳,34,2,rice tea,0,1,12000,15500.5,,3200,3,1
    a.xlsx,V01,2,2022-06-10,李强,51,1,rice,0,0,8000,9100,,,2,2
    a.xlsx,V01,3,2022-07-01,张伟,29,1,,1,1,20500,26000,4000,7000.25,3,1
    b.xlsx,V02,1,2022-07-15,刘洋,45,2,tea,0,1,,11000,,1500,1,3
    b.xlsx,V02,2,2022-08-02,陈静,62,2,rice tea,0,0,6000,6500,,,2,2
    b.xlsx,V02,3,2022-08-20,杨磊,38,1,tea,1,1,15000,,2500,,3,1
    c.xlsx,V03,1,2022-09-05,赵敏,27,2,rice,,1,9900,13250,,2100,2,
    c.xlsx,V03,2,2022-09-30,黄勇,44,2,tea,1,0,30000,28000,6000,,3,2
    """
)

LONG_EN = (
    "How many hours a week, on average over the last twelve months, did you spend packing, "
    "labelling and posting parcels?"
)
LONG_ZH = (
    "在过去十二个月里，您平均每周花多少小时打包、贴标签和寄送包裹？请包括家人帮忙的时间，"
    "但不包括雇工的时间，也不包括去快递点往返路上的时间，如不确定请估计一个大概的数字并告诉我们"
)
# Text codes, a question coded with a word Stata reserves, labels longer than the formats allow.
SHOP = dedent(
    f"""\
    id: shop
    version: "1"
    title: {{en: Shop survey, zh: 网店调查}}
    languages: [en, zh]
    key: [village_id, person_id]
    choices:
      platform:
        - {{code: taobao, en: Taobao, zh: 淘宝}}
        - {{code: pdd, en: Pinduoduo, zh: 拼多多}}
        - {{code: other, en: Other, zh: 其他}}
    sections:
      - code: s
        label: {{en: Shop, zh: 网店}}
        questions:
          - {{code: village_id, type: text, required: true, label: {{en: Village, zh: 村}}}}
          - {{code: person_id, type: text, required: true, label: {{en: Person, zh: 人}}}}
          - {{code: main_platform, type: select_one, choices: platform, label: {{en: Main platform, zh: 主要平台}}}}
          - {{code: int, type: integer, min: -200, relevant: "main_platform = 'pdd'", label: {{en: Net change, zh: 净变化}}}}
          - {{code: hours, type: decimal, min: 0, label: {{en: "{LONG_EN}", zh: "{LONG_ZH}"}}}}
          - {{code: story, type: text, label: {{en: Story, zh: 故事}}}}
    """
)
SHOP_CSV = dedent(
    """\
    village_id,person_id,main_platform,int,hours,story
    V01,1,pdd,-150,12.5,开了一家小店
    V01,2,taobao,,,
    V02,1,,0,4,=1+1
    """
)


@pytest.fixture(scope="module")
def small_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("small") / "clean.csv"
    path.write_text(SMALL_CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def shop():
    return parse_instrument(SHOP, source="shop.yaml")


@pytest.fixture(scope="module")
def shop_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "clean.csv"
    path.write_text(SHOP_CSV, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def truth():
    return pd.read_csv(TRUTH, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """The sample's clean dataset exported to each format, labels in English and Chinese."""
    folder = tmp_path_factory.mktemp("exported")
    files = {}
    for name in ("truth.dta", "truth.sav", "truth.parquet", "truth_zh.dta", "truth_zh.sav"):
        language = "zh" if "_zh" in name else "en"
        export_dataset(MODEL_STUDY, TRUTH, folder / name, language=language)
        files[name] = folder / name
    return files


def _numbers(series):
    return pd.to_numeric(series.replace("", None), errors="raise").astype(float)


# --- Stata ---------------------------------------------------------------------------------


def test_stata_file_is_format_118_for_stata_14_and_later(exported):
    head = exported["truth.dta"].read_bytes()[:80]
    assert b"<release>118</release>" in head


def test_stata_round_trip_keeps_values_and_types(exported, truth, model_study):
    data, meta = pyreadstat.read_dta(exported["truth.dta"])
    assert len(data) == len(truth)
    for column in model_study.columns:
        if column.question.pii:
            assert column.code not in data.columns
            continue
        kind = column.question.type
        if kind in ("integer", "decimal", "likert", "select_one"):
            assert data[column.code].astype(float).equals(_numbers(truth[column.code])), column.code
            assert meta.readstat_variable_types[column.code] == "double"
        elif kind == "date":
            expected = [date.fromisoformat(v) for v in truth[column.code]]
            assert list(data[column.code]) == expected
            assert meta.original_variable_types[column.code] == "%td"
        else:  # text and select_multiple keep their text; a blank is Stata's empty string
            assert list(data[column.code]) == list(truth[column.code]), column.code
    assert list(data["source_file"]) == list(truth["source_file"])


def test_stata_labels_in_english(exported, model_study):
    _, meta = pyreadstat.read_dta(exported["truth.dta"])
    labels = meta.column_names_to_labels
    assert labels["age"] == "Age"
    assert labels["family_income_2022"] == "Total family income in the year (2022)"
    assert labels["ecom_platforms_temu"] == "On which platforms do you sell or work?: Temu"
    assert meta.variable_value_labels["gender"] == {1: "Male", 2: "Female"}
    assert meta.variable_value_labels["ecom_participation_2020"] == {1: "Yes", 0: "No"}
    assert meta.variable_value_labels["cbec_1"][5] == "Strongly agree"
    assert meta.variable_value_labels["ecom_platforms_temu"] == {
        0: "No",
        1: "Yes",
        "a": "Not asked (skip rule)",
    }
    assert meta.file_label == (
        f"Village cross-border e-commerce household survey ({model_study.id} {model_study.version})"
    )


def test_stata_labels_in_chinese(exported):
    # R: haven::read_dta("truth_zh.dta"); attr(d$gender, "label") prints "性别" and
    # attr(d$gender, "labels") prints 男 = 1, 女 = 2.
    _, meta = pyreadstat.read_dta(exported["truth_zh.dta"])
    labels = meta.column_names_to_labels
    assert labels["gender"] == "性别"
    assert labels["skill_farming_2020"] == "您的农业生产技能水平（2020年）"
    assert labels["ecom_platforms_temu"] == "您在哪些平台上销售或开展工作？：Temu（拼多多海外版）"
    assert meta.variable_value_labels["gender"] == {1: "男", 2: "女"}
    assert meta.variable_value_labels["education"][4] == "高中/中专/职高"


def test_stata_marks_not_asked_as_extended_missing_a(exported, truth):
    # R: haven::read_dta gives ecom_start_year as NA(a) for those who did not take part in
    # e-commerce in 2022 (ecom_start_year is asked only if ecom_participation_2022 = 1),
    # labelled "Not asked (skip rule)"; na_tag() gives "a".
    data, meta = pyreadstat.read_dta(exported["truth.dta"], user_missing=True)
    not_asked = truth["ecom_participation_2022"] == "0"
    assert not_asked.any()
    assert (data.loc[not_asked, "ecom_start_year"] == "a").all()
    assert (data.loc[not_asked, "ecom_platforms_temu"] == "a").all()
    assert meta.missing_user_values["ecom_start_year"] == ["a"]
    assert meta.variable_value_labels["ecom_start_year"] == {"a": "Not asked (skip rule)"}
    plain, _ = pyreadstat.read_dta(exported["truth.dta"])
    assert plain.loc[not_asked, "ecom_start_year"].isna().all()
    asked = plain.loc[~not_asked, "ecom_start_year"]
    assert asked.equals(_numbers(truth.loc[~not_asked, "ecom_start_year"]))


def test_select_multiple_keeps_the_codes_and_adds_one_column_per_option(exported, truth):
    data, _ = pyreadstat.read_dta(exported["truth.dta"])
    answered = truth["ecom_platforms"] != ""
    for option in ("alibaba", "amazon", "aliexpress", "tiktok_shop", "temu", "shein", "other"):
        column = data[f"ecom_platforms_{option}"]
        chosen = truth["ecom_platforms"].str.split().map(lambda codes, o=option: o in codes)
        assert column[answered].astype(int).tolist() == chosen[answered].astype(int).tolist()
        assert column[~answered].isna().all()
    names = list(data.columns)
    assert names.index("ecom_platforms_alibaba") == names.index("ecom_platforms") + 1


def test_missing_numbers_are_system_missing(small_csv, small, tmp_path):
    # R: haven::read_dta("small.dta")$online_income_2022 prints
    # 3200.00 NA(a) 7000.25 1500.00 NA(a) NA 2100.00 NA(a)
    path = tmp_path / "small.dta"
    export_dataset(small, small_csv, path)
    data, _ = pyreadstat.read_dta(path, user_missing=True)
    values = data["online_income_2022"].tolist()
    assert [values[i] for i in (0, 2, 3, 6)] == [3200, 7000.25, 1500, 2100]
    assert [values[i] for i in (1, 4, 7)] == ["a", "a", "a"]
    assert pd.isna(values[5])  # asked, not answered: plain missing
    # sells_online_2020 is blank in row 7: whether online_income_2020 was asked is unknown
    assert pd.isna(data["online_income_2020"].tolist()[6])


# --- SPSS ----------------------------------------------------------------------------------


def test_spss_round_trip_labels_measures_and_dates(exported, truth):
    data, meta = pyreadstat.read_sav(exported["truth_zh.sav"])
    assert meta.column_names_to_labels["age"] == "年龄"
    assert meta.variable_value_labels["gender"] == {1.0: "男", 2.0: "女"}
    assert meta.variable_measure["age"] == "scale"
    assert meta.variable_measure["interview_date"] == "scale"
    assert meta.variable_measure["cbec_1"] == "ordinal"
    assert meta.variable_measure["skill_farming_2020"] == "ordinal"
    assert meta.variable_measure["gender"] == "nominal"
    assert meta.variable_measure["marital_status"] == "nominal"
    assert meta.variable_measure["ecom_platforms_temu"] == "nominal"
    assert meta.variable_measure["village_id"] == "nominal"
    assert meta.original_variable_types["age"] == "F8.0"
    assert meta.original_variable_types["interview_date"].startswith("DATE")
    assert list(data["interview_date"]) == [date.fromisoformat(v) for v in truth["interview_date"]]
    assert data["family_income_2022"].equals(_numbers(truth["family_income_2022"]))
    assert any("village_ecommerce" in line for line in meta.notes)
    assert any("respondent_name, phone" in line for line in meta.notes)


def test_spss_marks_not_asked_as_user_missing_minus_97(small_csv, small, tmp_path):
    # R: haven::read_sav("small.sav", user_na = TRUE)$online_income_2022 prints
    # 3200.00 -97.00 7000.25 1500.00 -97.00 NA 2100.00 -97.00, "Missing values: -97";
    # read without user_na the -97s are NA.
    path = tmp_path / "small.sav"
    export_dataset(small, small_csv, path, language="zh")
    data, meta = pyreadstat.read_sav(path, user_missing=True)
    assert data["online_income_2022"].tolist()[:5] == [3200, -97, 7000.25, 1500, -97]
    assert meta.missing_ranges["online_income_2022"] == [{"lo": -97.0, "hi": -97.0}]
    assert meta.variable_value_labels["online_income_2022"] == {-97.0: "未询问（跳题）"}
    plain, _ = pyreadstat.read_sav(path)
    assert plain["online_income_2022"].isna().tolist() == [
        False, True, False, False, True, True, False, True
    ]  # fmt: skip


def test_spss_does_not_mark_when_minus_97_is_a_real_answer(shop, tmp_path):
    # 'int' is asked only if main_platform = 'pdd', and its range (from -200) holds -97
    text = "village_id,person_id,main_platform,int,hours,story\nV01,1,pdd,-97,,\nV01,2,taobao,,,\n"
    source = tmp_path / "clean.csv"
    source.write_text(text, encoding="utf-8")
    export_dataset(shop, source, tmp_path / "shop.sav")
    data, meta = pyreadstat.read_sav(tmp_path / "shop.sav", user_missing=True)
    assert data["int_"].tolist()[0] == -97
    assert pd.isna(data["int_"].tolist()[1])  # not asked, yet plain missing
    assert "int_" not in meta.missing_ranges
    export_dataset(shop, source, tmp_path / "shop.dta")
    data, _ = pyreadstat.read_dta(tmp_path / "shop.dta", user_missing=True)
    assert data["int_"].tolist() == [-97, "a"]  # Stata's .a never collides with an answer


# --- Text codes, names, long labels --------------------------------------------------------


def test_text_codes_become_labelled_numbers_in_stata_and_spss(shop, shop_csv, tmp_path):
    for name, reader in (("shop.dta", pyreadstat.read_dta), ("shop.sav", pyreadstat.read_sav)):
        export_dataset(shop, shop_csv, tmp_path / name)
        data, meta = reader(tmp_path / name)
        assert data["main_platform"].tolist()[:2] == [2, 1]  # pdd is 2nd, taobao 1st
        assert pd.isna(data["main_platform"].tolist()[2])
        assert meta.variable_value_labels["main_platform"] == {1: "Taobao", 2: "Pinduoduo",
                                                               3: "Other"}  # fmt: skip


def test_a_reserved_word_is_renamed(shop, shop_csv, tmp_path):
    path = tmp_path / "shop.dta"
    export_dataset(shop, shop_csv, path)
    data, meta = pyreadstat.read_dta(path)
    assert "int" not in data.columns
    assert data["int_"].tolist()[::2] == [-150, 0]
    assert meta.column_names_to_labels["int_"] == "Net change"


def test_labels_are_cut_to_what_each_format_holds(shop, shop_csv, tmp_path):
    export_dataset(shop, shop_csv, tmp_path / "en.dta")
    export_dataset(shop, shop_csv, tmp_path / "zh.dta", language="zh")
    export_dataset(shop, shop_csv, tmp_path / "zh.sav", language="zh")
    _, meta = pyreadstat.read_dta(tmp_path / "en.dta")
    assert meta.column_names_to_labels["hours"] == LONG_EN[:79] + "…"  # Stata: 80 characters
    _, meta = pyreadstat.read_dta(tmp_path / "zh.dta")
    assert meta.column_names_to_labels["hours"] == LONG_ZH[:79] + "…"
    _, meta = pyreadstat.read_sav(tmp_path / "zh.sav")
    label = meta.column_names_to_labels["hours"]  # SPSS: 256 bytes
    assert label.endswith("…")
    assert LONG_ZH.startswith(label[:-1])
    assert len(label.encode("utf-8")) <= 256  # and one more character would not fit:
    assert len((label[:-1] + LONG_ZH[len(label) - 1] + "…").encode("utf-8")) > 256


def test_text_longer_than_a_stata_cell_is_cut_and_said(shop, tmp_path):
    story = "长" * 1000  # 3,000 bytes of UTF-8
    source = tmp_path / "clean.csv"
    source.write_text(f"village_id,person_id,main_platform,int,hours,story\nV01,1,,,,{story}\n",
                      encoding="utf-8")  # fmt: skip
    summary = export_dataset(shop, source, tmp_path / "shop.dta")
    assert summary.notes == ("story: 1 text cut to 2044 bytes, the most a Stata cell holds",)
    data, _ = pyreadstat.read_dta(tmp_path / "shop.dta")
    assert data["story"][0] == "长" * 680 + "…"
    export_dataset(shop, source, tmp_path / "shop.parquet")
    assert pq.read_table(tmp_path / "shop.parquet").column("story")[0].as_py() == story


def test_a_column_without_any_answer_keeps_its_type(small, tmp_path):
    header = SMALL_CSV.splitlines()[0]
    source = tmp_path / "clean.csv"
    source.write_text(f"{header}\na.xlsx,V01,1,,,30,,,,,,,,,,\n", encoding="utf-8")
    for name in ("x.dta", "x.sav", "x.parquet"):
        export_dataset(small, source, tmp_path / name)
    _, meta = pyreadstat.read_dta(tmp_path / "x.dta")
    assert meta.original_variable_types["interview_date"] == "%td"
    assert meta.readstat_variable_types["income_2020"] == "double"
    _, meta = pyreadstat.read_sav(tmp_path / "x.sav")
    assert meta.original_variable_types["interview_date"].startswith("DATE")
    schema = pq.read_schema(tmp_path / "x.parquet")
    assert str(schema.field("interview_date").type) == "date32[day]"
    assert str(schema.field("gender").type) == "int64"
    assert str(schema.field("income_2020").type) == "double"


# --- Parquet -------------------------------------------------------------------------------


def test_parquet_keeps_codes_types_and_labels(exported, truth):
    table = pq.read_table(exported["truth.parquet"])
    schema = table.schema
    assert str(schema.field("interview_date").type) == "date32[day]"
    assert str(schema.field("age").type) == "int64"
    assert str(schema.field("family_income_2022").type) == "double"
    frame = table.to_pandas()
    assert frame["age"].astype(float).equals(_numbers(truth["age"]))
    assert frame["ecom_platforms"].fillna("").tolist() == truth["ecom_platforms"].tolist()
    meta = schema.field("gender").metadata
    assert meta[b"label"].decode() == "Gender"
    assert json.loads(meta[b"labels"]) == {"en": "Gender", "zh": "性别"}
    assert json.loads(meta[b"value_labels"]) == [
        {"code": 1, "label": "Male", "labels": {"en": "Male", "zh": "男"}},
        {"code": 2, "label": "Female", "labels": {"en": "Female", "zh": "女"}},
    ]
    assert meta[b"measure"] == b"nominal"
    wave = schema.field("family_income_2022").metadata
    assert (wave[b"wave"], wave[b"unit"], wave[b"column"]) == (b"2022", b"CNY",
                                                                b"family_income_2022")  # fmt: skip
    option = schema.field("ecom_platforms_temu").metadata
    assert (option[b"kind"], option[b"option"], option[b"column"]) == (
        b"dummy",
        b"temu",
        b"ecom_platforms",
    )
    about = json.loads(schema.metadata[b"villagesurvey"])
    assert about["instrument_id"] == "village_ecommerce"
    assert about["personal_data_left_out"] == ["respondent_name", "phone"]
    assert about["pseudonymised"] is False


def test_parquet_keeps_text_codes_as_text(shop, shop_csv, tmp_path):
    path = tmp_path / "shop.parquet"
    export_dataset(shop, shop_csv, path, language="zh")
    table = pq.read_table(path)
    assert table.column("main_platform").to_pylist() == ["pdd", "taobao", None]
    labels = json.loads(table.schema.field("main_platform").metadata[b"value_labels"])
    assert [(v["code"], v["label"]) for v in labels] == [("taobao", "淘宝"), ("pdd", "拼多多"),
                                                         ("other", "其他")]  # fmt: skip
    assert table.column("story").to_pylist() == ["开了一家小店", None, "=1+1"]


# --- Personal data and pseudonyms ----------------------------------------------------------


def test_personal_data_is_left_out_unless_kept(small, small_csv, tmp_path):
    summary = export_dataset(small, small_csv, tmp_path / "a.parquet")
    assert summary.dropped == ("name",)
    assert "name" not in pq.read_table(tmp_path / "a.parquet").column_names
    summary = export_dataset(small, small_csv, tmp_path / "b.parquet", keep_pii=True)
    assert summary.dropped == ()
    kept = pq.read_table(tmp_path / "b.parquet").column("name").to_pylist()
    assert kept[:2] == ["王芳", "李强"]


def test_personal_data_columns_need_not_be_in_the_dataset(small, tmp_path):
    source = tmp_path / "clean.csv"
    without_name = [",".join(v for i, v in enumerate(line.split(",")) if i != 4)
                    for line in SMALL_CSV.splitlines()]  # fmt: skip
    source.write_text("\n".join(without_name) + "\n", encoding="utf-8")
    assert "name" not in pd.read_csv(source).columns
    summary = export_dataset(small, source, tmp_path / "x.dta")
    assert summary.rows == 8
    assert summary.dropped == ("name",)


def test_pseudonyms_are_salted_hmacs(small, small_csv, tmp_path):
    # openssl 3.0: printf 'village_id\x1fV01' | openssl dgst -sha256 -hmac 'field-team-salt-2022'
    #   = ce9b1c2d90b4fa19b9124f7b9540a78c1b8df17435e9594f4451e1913109a72e
    # printf 'person_id\x1fV01\x1f1' | openssl dgst -sha256 -hmac 'field-team-salt-2022'
    #   = 6342cbdab7d725cdbfd3abb04bc37fb0f59b87af8fefcfcf4f5fbc94e7f0ebef
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text("field-team-salt-2022\n", encoding="utf-8")
    summary = export_dataset(small, small_csv, tmp_path / "p.parquet", pseudonymise=True,
                             salt_file=salt_file)  # fmt: skip
    table = pq.read_table(tmp_path / "p.parquet")
    assert table.column("village_id")[0].as_py() == "ce9b1c2d90b4fa19"
    assert table.column("person_id")[0].as_py() == "6342cbdab7d725cd"
    assert "source_file" not in table.column_names  # its names often tell the village
    assert summary.pseudonymised
    assert summary.salt == str(salt_file)
    label = json.loads(table.schema.field("village_id").metadata[b"labels"])
    assert label == {"en": "Village (pseudonym)", "zh": "村（化名）"}


def test_pseudonyms_are_stable_with_a_salt_file_and_keep_the_nesting(model_study, tmp_path):
    salt_file = tmp_path / "private" / "salt"
    salt_file.parent.mkdir()
    first = labelled_dataset(model_study, TRUTH, salt=load_salt(salt_file)[0]).data
    assert stat.S_IMODE(os.stat(salt_file).st_mode) == 0o600
    second = labelled_dataset(model_study, TRUTH, salt=load_salt(salt_file)[0]).data
    other = labelled_dataset(model_study, TRUTH, salt=b"another-salt-entirely").data
    truth = pd.read_csv(TRUTH, dtype=str)
    key = ["village_id", "household_id", "person_id"]
    assert first[key].equals(second[key])
    for code in key:
        assert not (first[code] == other[code]).any()
        assert not first[code].isin(truth[code]).any()
    # as many villages, households and persons as before, each pseudonym in one village
    for depth in range(1, 4):
        assert len(first[key[:depth]].drop_duplicates()) == len(
            truth[key[:depth]].drop_duplicates()
        )
        assert first[key[depth - 1]].nunique() == len(truth[key[:depth]].drop_duplicates())


def test_a_random_salt_is_kept_nowhere(small, small_csv, tmp_path):
    before = set(tmp_path.iterdir())
    one = export_dataset(small, small_csv, tmp_path / "1.parquet", pseudonymise=True)
    export_dataset(small, small_csv, tmp_path / "2.parquet", pseudonymise=True)
    assert one.salt == "random, not kept"
    assert set(tmp_path.iterdir()) - before == {tmp_path / "1.parquet", tmp_path / "2.parquet"}
    ids = [pq.read_table(tmp_path / f"{n}.parquet").column("village_id")[0] for n in (1, 2)]
    assert ids[0] != ids[1]


def test_a_short_salt_is_refused(small, small_csv, tmp_path):
    salt_file = tmp_path / "salt"
    salt_file.write_text("short", encoding="utf-8")
    with pytest.raises(OptionError, match="at least 16"):
        export_dataset(small, small_csv, tmp_path / "x.dta", pseudonymise=True,
                       salt_file=salt_file)  # fmt: skip


# --- Errors --------------------------------------------------------------------------------


def test_a_dataset_of_another_instrument_is_refused(shop, small_csv, tmp_path):
    with pytest.raises(AnalysisError) as caught:
        export_dataset(shop, small_csv, tmp_path / "x.dta")
    message = str(caught.value)
    assert "missing columns main_platform, int, hours, story" in message
    assert "unknown columns interview_date, name, age" in message
    assert not (tmp_path / "x.dta").exists()


def test_a_value_of_the_wrong_type_is_located(small, tmp_path):
    source = tmp_path / "clean.csv"
    source.write_text(SMALL_CSV.replace(",62,", ",sixty-two,").replace(",rice,", ",maize,"),
                      encoding="utf-8")  # fmt: skip
    with pytest.raises(AnalysisError) as caught:
        export_dataset(small, source, tmp_path / "x.sav")
    message = str(caught.value)
    assert "column age expects whole numbers: row 6 'sixty-two'" in message
    assert "column crops expects choice codes: row 3 'maize'" in message


def test_formats_come_from_the_suffix_or_the_option(small, small_csv, tmp_path):
    summary = export_dataset(small, small_csv, tmp_path / "data.bin", to="stata")
    assert summary.format == "stata"
    assert pyreadstat.read_dta(tmp_path / "data.bin")[0].shape[0] == 8
    with pytest.raises(OptionError, match="cannot tell the format"):
        export_dataset(small, small_csv, tmp_path / "data.csv")
    with pytest.raises(OptionError, match="unknown format"):
        export_dataset(small, small_csv, tmp_path / "data.dta", to="sas")
    with pytest.raises(OptionError, match=r"a \.sav file is spss, not stata"):
        export_dataset(small, small_csv, tmp_path / "data.sav", to="stata")
    with pytest.raises(OptionError, match="not one of the instrument's languages"):
        export_dataset(small, small_csv, tmp_path / "data.sav", language="fr")


def test_unwritable_outputs_are_refused_and_the_source_is_never_written(small, small_csv, tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        export_dataset(small, small_csv, tmp_path / "no" / "such" / "x.dta")
    before = small_csv.read_bytes()
    with pytest.raises(OutputError, match="the dataset being exported"):
        export_dataset(small, small_csv, small_csv, to="parquet")
    assert small_csv.read_bytes() == before


def test_a_failed_export_leaves_the_old_file(small, small_csv, tmp_path):
    target = tmp_path / "x.dta"
    target.write_bytes(b"old")
    bad = tmp_path / "bad.csv"
    bad.write_text("village_id\nV01\n", encoding="utf-8")
    with pytest.raises(AnalysisError):
        export_dataset(small, bad, target)
    assert target.read_bytes() == b"old"
    assert list(tmp_path.glob(".x.dta.*")) == []


# --- Command line --------------------------------------------------------------------------


def test_cli_export_writes_and_says_what(tmp_path):
    output = tmp_path / "truth.sav"
    result = CliRunner().invoke(
        main, ["export", str(TRUTH), "--instrument", str(MODEL_STUDY), "-o", str(output),
               "--lang", "zh", "--pseudonymise", "--salt-file", str(tmp_path / "salt")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith(f"wrote {output} (spss, labels in zh): 62 rows")
    assert "personal data left out: respondent_name, phone" in result.output
    assert "replaced by pseudonyms" in result.output
    assert "keep it private" in result.output
    data, _ = pyreadstat.read_sav(output)
    assert "respondent_name" not in data.columns
    assert len(data) == 62


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-o", "{tmp}/x.csv"], "cannot tell the format from the name"),
        (["-o", "{tmp}/nowhere/x.dta"], "folder {tmp}/nowhere does not exist"),
        (["-o", "{tmp}/x.dta", "--lang", "fr"], "'fr' is not one of the instrument's languages"),
        (["-o", "{tmp}/x.dta", "--salt-file", "{tmp}/s"], "--salt-file is used only with"),
    ],
)
def test_cli_export_errors_are_one_line_and_exit_2(tmp_path, arguments, message):
    filled = [a.format(tmp=tmp_path) for a in arguments]
    result = CliRunner().invoke(main, ["export", str(TRUTH), "-i", str(MODEL_STUDY), *filled])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("villagesurvey: ")
    assert message.format(tmp=tmp_path) in lines[0]


def test_cli_export_of_a_mismatched_dataset_exits_2(tmp_path):
    other = tmp_path / "clean.csv"
    other.write_text(SMALL_CSV, encoding="utf-8")
    result = CliRunner().invoke(
        main, ["export", str(other), "-i", str(MODEL_STUDY), "-o", str(tmp_path / "x.dta")]
    )
    assert result.exit_code == 2
    assert "missing columns household_id, enumerator" in result.output
    assert "Traceback" not in result.output


def test_cli_unknown_format_option_exits_2(tmp_path):
    result = CliRunner().invoke(
        main, ["export", str(TRUTH), "-i", str(MODEL_STUDY), "-o", str(tmp_path / "x.sas7bdat"),
               "--to", "sas"],
    )  # fmt: skip
    assert result.exit_code == 2
    assert "'sas' is not one of 'stata', 'spss', 'parquet'" in result.output
