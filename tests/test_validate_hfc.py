"""High-frequency checks: outliers by Tukey's fences, non-response by enumerator."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.validate.run import check_returns

from .returns import as_return
from .test_validate import good_rows


def _people(ages: list[int], **columns: list[str]) -> list[dict[str, str]]:
    base = good_rows()[1]
    rows = []
    for i, age in enumerate(ages):
        row = dict(base) | {"person_id": str(i + 1), "age": str(age)}
        rows.append(row | {name: values[i] for name, values in columns.items()})
    return rows


def test_a_far_out_age_is_flagged_at_tukeys_fence():
    # R: quantile(c(20:39, 79), c(.25, .75)) gives 25 and 35 (type 7, R's default and
    # pandas' linear interpolation), so IQR = 10 and the far-out fences are
    # 25 - 3 * 10 = -5 (shown as the hard minimum, 16) and 35 + 3 * 10 = 65.
    result = check_returns_of(_people([*range(20, 40), 79]))
    outliers = result.findings[result.findings["check"] == "outlier"]
    assert outliers[["row", "column", "value", "expected"]].values.tolist() == [
        [24, "age", "79", "16 to 65"]
    ]
    assert outliers["severity"].tolist() == ["warning"]


def test_an_age_inside_the_fences_is_not_flagged():
    # 65 is the fence itself (see above): not beyond it.
    result = check_returns_of(_people([*range(20, 40), 65]))
    assert "outlier" not in set(result.findings["check"])


def test_money_is_judged_on_its_logarithm_and_zero_is_never_an_outlier():
    incomes = [str(10_000 + 1_000 * i) for i in range(20)]
    result = check_returns_of(
        _people([30 + i for i in range(22)], income_2020=[*incomes, "0", "5000000"])
    )
    outliers = result.findings[result.findings["check"] == "outlier"]
    assert outliers[["row", "column", "value"]].values.tolist() == [[25, "income_2020", "5000000"]]
    assert "logarithm" in outliers["message"].iloc[0]


def test_amounts_whose_fence_is_beyond_floats_are_judged_without_an_overflow():
    # log(1e300) = 690.8: quartiles of such logarithms put the upper fence above log of the
    # largest float (709.8), where exp() overflows; the fence is then infinite, no warning
    incomes = [str(10**e) for e in range(0, 300, 15)]
    result = check_returns_of(_people([30 + i for i in range(20)], income_2020=incomes))
    assert result.rows_in == 20
    assert "outlier" not in set(result.findings["check"])


def test_few_or_repetitive_answers_are_not_judged():
    result = check_returns_of(_people([30, 30, 31, 31, 30, 31, 30, 31, 30, 99]))
    assert "outlier" not in set(result.findings["check"])


def test_non_response_is_counted_over_the_answers_that_apply(small):
    rows = good_rows()  # the small instrument has no enumerator: the first key column groups
    rows[1]["name"] = ""
    rows[1]["trust_1"] = "不知道"
    result = check_returns(small, [as_return(rows)])
    table = result.rates["by_village_id"].set_index("village_id")
    # 15 columns. Row 4 answers the 14 that apply (online_income_2020 is skipped: it sold
    # nothing online in 2020). Row 5 sold nothing online in either year (13 apply), leaves
    # name blank and says "don't know" to trust_1, which is then unreadable: 2 blanks.
    assert table.loc["V01"].tolist() == [2, 14 + 13, 0 + 2, 1, round(2 / 27, 4)]


def check_returns_of(rows):
    from villagesurvey import parse_instrument

    from .conftest import SMALL

    return check_returns(parse_instrument(SMALL), [as_return(rows)])


def _fences_by_numpy(values, codes, factor):
    """Each group's fences as the module documents them, group by group with
    numpy.quantile (method "linear": R's type 7), as an outside reference."""
    import numpy as np

    from villagesurvey.validate import hfc

    def fences(sample):
        if len(sample) < hfc.MIN_VALUES or len(np.unique(sample)) < hfc.MIN_DISTINCT:
            return None
        q1, q3 = np.quantile(sample, [0.25, 0.75])
        if not q3 - q1 > 0:  # quartiles apart (not NaN: -inf beside -inf has no spread)
            return None
        return q1 - factor * (q3 - q1), q3 + factor * (q3 - q1)

    known = ~np.isnan(values)
    pooled = fences(values[known]) or (-np.inf, np.inf)
    low, high = np.full(len(values), pooled[0]), np.full(len(values), pooled[1])
    for group in np.unique(codes):
        sample = values[known & (codes == group)]
        own = fences(sample) if len(sample) >= hfc.MIN_GROUP else None
        if own is not None:
            low[codes == group], high[codes == group] = own
    return low, high


def _every_way(values, codes, factor):
    """The fences of :func:`.fences.bounds` as it chooses, by counting and by selection."""
    from villagesurvey.validate import fences

    size = int(codes.max()) + 1
    counted = fences._counted_bounds(values, codes, size, factor)
    if counted is None:  # too many different values for its way: count with room enough
        saved = fences._CELLS_PER_ANSWER
        fences._CELLS_PER_ANSWER = 10**9
        try:
            counted = fences._counted_bounds(values, codes, size, factor)
        finally:
            fences._CELLS_PER_ANSWER = saved
    selected = fences._selected_bounds(values, fences.grouping(codes), factor)
    return {"chosen": fences.bounds(values, codes, factor), "counted": counted,
            "selected": selected}  # fmt: skip


def _assert_numpy_fences(values, codes, factor=3.0):
    import numpy as np

    expected = _fences_by_numpy(values, codes, factor)
    for way, by_group in _every_way(values, codes, factor).items():
        assert by_group is not None, way
        low, high, _ = (fences[codes] for fences in by_group)
        assert np.array_equal(low, expected[0]), way
        assert np.array_equal(high, expected[1]), way


def test_fences_of_few_groups_and_of_many_are_those_of_numpy_quantile():
    """Groups sorted one by one (a few villages) or all values sorted at once (many), or
    the answers counted: fences equal to the last bit to numpy.quantile's, group by group."""
    import numpy as np

    rng = np.random.default_rng(7)
    for rows, groups in ((20_000, 12), (20_000, 400), (3_000, 200), (500, 1)):
        values = np.round(rng.lognormal(8, 1, rows), 1)
        values[rng.random(rows) < 0.1] = np.nan
        values[rng.random(rows) < 0.2] = 1000.0  # ties
        codes = (rng.integers(0, groups, rows) ** 2 % groups).astype(np.intp)  # uneven sizes
        _assert_numpy_fences(values, codes)


def test_fences_of_repetitive_answers_are_those_of_numpy_quantile():
    """Answers of few different values (all of them, in some groups, or only at the start of
    a group), with -0.0 beside 0.0 and infinities: fences equal to the last bit to
    numpy.quantile's, group by group, and none where fewer than 10 values differ."""
    import numpy as np

    from villagesurvey.validate.fences import bounds

    rng = np.random.default_rng(11)
    rows = 30_000
    codes = rng.integers(0, 8, rows).astype(np.intp)
    few = rng.integers(0, 7, rows).astype(float)  # 7 different values everywhere
    some = np.where(codes < 4, few, np.round(rng.normal(50, 10, rows)))  # in half the groups
    late = np.round(rng.normal(50, 10, rows))
    late[np.argsort(codes, kind="stable")[: rows // 3]] = 5.0  # each group starts alike
    signed = np.round(rng.normal(0, 3, rows)) * rng.choice([1.0, -1.0], rows)  # -0.0 and 0.0
    edges = np.round(rng.normal(0, 3, rows))
    edges[rng.random(rows) < 0.001] = np.inf
    for values in (few, some, late, signed, edges):
        values = values.copy()
        values[rng.random(rows) < 0.05] = np.nan
        _assert_numpy_fences(values, codes)
    for low, high, own in _every_way(few, codes, 3.0).values():
        assert not own.any()
        assert (low == -np.inf).all()
        assert (high == np.inf).all()
    low, high, own = bounds(np.full(rows, np.nan), codes, 3.0)  # no answers at all
    assert not own.any()
    assert (low == -np.inf).all()


_ANSWERS = [-np.inf, -7.5, -1.0, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 8.0, 13.0, 1e308,
            np.inf, np.nan]  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 3_000),
    st.integers(1, 60),
    st.integers(0, 60),
    st.sampled_from([1.5, 3.0]),
)
def test_fences_of_any_answers_and_groups_are_those_of_numpy_quantile(
    seed, rows, groups, others, factor
):
    """Answers of few or many different values (ties, blanks, signed zeros, infinities, the
    largest floats) in groups large and small: counted or selected, the fences of
    numpy.quantile."""
    rng = np.random.default_rng(seed)
    kinds = np.concatenate([_ANSWERS, np.round(rng.normal(0, 20, others), 1)])
    weights = rng.random(len(kinds)) ** 3
    values = rng.choice(kinds, rows, p=weights / weights.sum())
    codes = (rng.integers(0, groups, rows) ** 2 % groups).astype(np.intp)
    with np.errstate(invalid="ignore", over="ignore"):  # inf - inf, beyond floats: as NumPy
        _assert_numpy_fences(values, codes, factor)
