"""``analyse`` on a small dataset: what is compared, deflated, grouped and refused."""

from __future__ import annotations

import pandas as pd
import pytest

from villagesurvey.analysis import analyse, default_cpi, paired_test, parse_cpi
from villagesurvey.errors import AnalysisError


@pytest.fixture
def data() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village_id": ["V1"] * 4 + ["V2"] * 4,
            "person_id": [str(i) for i in range(8)],
            "name": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"],
            "age": ["30", "41", "52", "28", "35", "60", "47", "39"],
            "gender": ["1", "2", "1", "2", "1", "2", "1", "2"],
            "sells_online_2020": ["0", "0", "1", "0", "0", "1", "0", "0"],
            "sells_online_2022": ["1", "0", "1", "1", "0", "1", "1", "0"],
            "income_2020": ["1000", "2000", "3000", "4000", "5000", "6000", "7000", ""],
            "income_2022": ["1500", "2100", "3900", "4100", "5200", "7000", "7300", "9000"],
            "online_income_2020": ["", "", "300", "", "", "200", "", ""],
            "online_income_2022": ["100", "", "500", "50", "", "400", "80", ""],
        }
    )


def test_outcomes_follow_the_instrument_and_yes_no_is_compared(small, data):
    result = analyse(small, data)
    assert result.outcomes["outcome"].tolist() == ["sells_online", "income", "online_income"]
    assert result.outcomes["kind"].tolist() == ["yes_no", "number", "number"]
    assert result.left_out == ()
    assert result.n == 8
    assert result.cluster_sizes == {"V1": 4, "V2": 4}


def test_money_is_deflated_to_the_base_year(small, data):
    result = analyse(small, data)
    factor = default_cpi().factor(2022, 2020)
    assert result.cpi_factors == {2020: 1.0, 2022: pytest.approx(factor)}
    row = result.outcomes.set_index("outcome").loc["income"]
    assert bool(row["deflated"])
    before = [1000, 2000, 3000, 4000, 5000, 6000, 7000]
    after = [v * factor for v in (1500, 2100, 3900, 4100, 5200, 7000, 7300)]
    expected = paired_test(before, after)
    assert row["n"] == 7
    assert row["n_excluded"] == 1
    assert row["mean_after"] == pytest.approx(sum(after) / 7)
    assert row["naive_t"] == pytest.approx(expected.t)
    assert [note.code for note in row["warnings"]][:2] == ["excluded_pairs", "small_sample"]


def test_base_year_2022_inflates_the_earlier_wave(small, data):
    result = analyse(small, data, base_year=2022)
    assert result.cpi_factors[2020] == pytest.approx(1.020 * 1.009)
    assert result.cpi_factors[2022] == 1.0


def test_a_cpi_table_without_a_wave_year_names_it(small, data):
    with pytest.raises(AnalysisError, match="no value for 2022"):
        analyse(small, data, cpi=parse_cpi("year,cpi\n2020,100\n"))


def test_missing_columns_are_named(small, data):
    with pytest.raises(
        AnalysisError, match=r"clean\.csv: missing columns village_id, income_2022; "
    ):
        analyse(small, data.drop(columns=["income_2022", "village_id"]), source="clean.csv")


def test_a_value_that_is_not_a_number_is_located(small, data):
    data.loc[3, "income_2022"] = "12k"
    with pytest.raises(
        AnalysisError, match=r"clean\.csv: column income_2022, row 5: '12k' is not a number"
    ):
        analyse(small, data, source="clean.csv")


def test_subgroups_by_choice_and_by_village(small, data):
    result = analyse(small, data, by=["gender", "village"])
    assert list(result.subgroups) == ["gender", "village_id"]
    assert list(result.subgroups["gender"]) == ["1", "2"]
    assert result.subgroup_sizes["village_id"] == {"V1": 4, "V2": 4}
    women = result.subgroups["gender"]["2"].set_index("outcome").loc["income"]
    assert women["n"] == 3  # person 7 has no 2020 income


def test_grouping_by_personal_data_is_refused(small, data):
    with pytest.raises(AnalysisError, match="personal data"):
        analyse(small, data, by=["name"])
    with pytest.raises(AnalysisError, match="not a column to group by"):
        analyse(small, data, by=["nothing"])


def test_numeric_frames_work_as_well_as_text(small, data):
    numeric = data.copy()
    for column in ("age", "gender", "income_2020", "income_2022"):
        numeric[column] = pd.to_numeric(numeric[column])
    result = analyse(small, numeric, by=["gender"])
    assert list(result.subgroups["gender"]) == ["1", "2"]
    assert result.outcomes.iloc[0]["t"] == pytest.approx(analyse(small, data).outcomes.iloc[0]["t"])


def test_demographics_table(small, data):
    table = analyse(small, data).demographics
    age = table[table["variable"] == "age"].iloc[0]
    assert age["n"] == 8
    assert age["mean"] == pytest.approx(41.5)
    gender = table[table["variable"] == "gender"]
    assert gender["category"].tolist() == ["1", "2"]
    assert gender["percent"].tolist() == [50.0, 50.0]
    assert "name" not in table["variable"].tolist()


def test_subgroup_difference_is_tested_except_between_clusters(small, data):
    result = analyse(small, data, by=["gender", "village"])
    assert list(result.subgroup_tests) == ["gender"]
    tests = result.subgroup_tests["gender"]
    assert set(tests["reference"]) == {"1"}
    assert set(tests["level"]) == {"2"}
