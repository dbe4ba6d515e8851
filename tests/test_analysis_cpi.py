"""CPI tables and deflation, checked by hand."""

from __future__ import annotations

import pytest

from villagesurvey.analysis import default_cpi, load_cpi, parse_cpi
from villagesurvey.errors import AnalysisError


def test_bundled_table_is_chinas_national_cpi_with_its_source():
    table = default_cpi()
    # NBS annual averages, year on year: 2020 +2.5%, 2021 +0.9%, 2022 +2.0%
    assert table.index[2020] / table.index[2019] == pytest.approx(1.025)
    assert table.index[2021] / table.index[2020] == pytest.approx(1.009)
    assert table.index[2022] / table.index[2021] == pytest.approx(1.020)
    assert "National Bureau of Statistics" in table.source


def test_deflating_2022_money_to_2020_prices_by_hand():
    # real_2020 = nominal_2022 x CPI_2020 / CPI_2022 = 10000 / (1.009 x 1.020)
    #           = 10000 / 1.02918 = 9716.47 yuan of 2020
    factor = default_cpi().factor(2022, 2020)
    assert 10000 * factor == pytest.approx(9716.47, abs=0.005)
    assert default_cpi().factor(2020, 2020) == 1.0


def test_a_missing_year_is_an_error_naming_the_year():
    table = parse_cpi("year,cpi\n2020,100\n2021,101\n", name="mine.csv")
    with pytest.raises(AnalysisError, match=r"mine\.csv: the CPI table has no value for 2022"):
        table.factor(2022, 2020)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("# only a comment\n", "empty"),
        ("yr,index\n2020,100\n", "must name the columns 'year' and 'cpi'"),
        ("year,cpi\n2020,abc\n", r"t\.csv:2: column 'cpi' must be a number, found 'abc'"),
        ("year,cpi\n2020,-3\n", "positive"),
        ("year,cpi\n2020.5,100\n", "whole number"),
        ("year,cpi\n2020,100\n2020,101\n", "appears twice"),
        ("year,cpi\n2020\n", "column 'cpi' must be a number"),
    ],
)
def test_malformed_tables_are_located(text, message):
    with pytest.raises(AnalysisError, match=message):
        parse_cpi(text, name="t.csv")


def test_user_table_with_comments_and_extra_columns(tmp_path):
    path = tmp_path / "rural.csv"
    path.write_text(
        "\ufeff# Rural CPI, province X\n# from the provincial yearbook\nregion,year,cpi\n"
        "x,2020,100\nx,2022,104\n",
        encoding="utf-8",
    )
    table = load_cpi(path)
    assert table.source == "Rural CPI, province X from the provincial yearbook"
    assert table.factor(2022, 2020) == pytest.approx(100 / 104)
    with pytest.raises(AnalysisError, match="no such CPI table"):
        load_cpi(tmp_path / "missing.csv")
