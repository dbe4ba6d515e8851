"""The codebook rows that the workbook's codebook sheet (and later exports) render."""

from __future__ import annotations

from datetime import date

from villagesurvey.codebook import codebook_rows, format_limit


def test_one_row_per_column_in_order(model_study):
    rows = codebook_rows(model_study)
    assert [r.code for r in rows] == [c.code for c in model_study.columns]


def test_rows_describe_each_column(model_study):
    rows = {r.code: r for r in codebook_rows(model_study)}
    assert rows["respondent_name"].pii
    assert rows["phone"].pii
    assert not rows["age"].pii
    assert rows["age"].allowed == {"en": "16 – 100", "zh": "16 – 100"}
    assert rows["age"].expected == "18 – 80"
    assert rows["gender"].allowed == {"en": "1 = Male; 2 = Female", "zh": "1 = 男; 2 = 女"}
    assert rows["family_income_2022"].wave == 2022
    assert rows["family_income_2022"].unit == "CNY"
    assert rows["family_income_2022"].label["zh"].endswith("（2022年）")
    assert rows["family_income_2020"].label["en"].endswith(" (2020)")
    assert rows["income_ecommerce_2022"].relevant == "ecom_participation = 1"
    assert rows["rural_ecommerce_4"].scale == "rural_ecommerce (reverse)"
    assert rows["cbec_1"].scale == "cbec"
    assert rows["cbec_1"].allowed["en"].startswith("1 = ")


def test_one_sided_ranges(small):
    rows = {r.code: r for r in codebook_rows(small)}
    assert rows["income_2020"].allowed["en"] == "≥ 0"
    assert rows["interview_date"].allowed["en"] == "2022-06-01 – 2022-12-31"
    assert rows["name"].allowed["en"] == ""


def test_format_limit():
    assert format_limit(16) == "16"
    assert format_limit(16.0) == "16"
    assert format_limit(0.25) == "0.25"
    assert format_limit(date(2022, 6, 1)) == "2022-06-01"
