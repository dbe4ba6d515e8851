"""Properties that hold for any returns: every row ends in exactly one of clean or quarantine."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagesurvey.validate.layout import Return
from villagesurvey.validate.run import check_returns

ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
# Cells for the small instrument of conftest.py: good answers mixed with every kind of mistake.
CELLS = {
    "village_id": st.sampled_from(["V01", "V02", " V03 ", "Total", "合计", None]),
    "person_id": st.sampled_from(["1", "2", "3", 1.0, None]),
    "interview_date": st.one_of(
        st.dates(date(2021, 1, 1), date(2023, 12, 31)),
        st.sampled_from([44776.0, "2022/8/3", "3/8/2022", None]),
    ),
    "name": st.one_of(ANY_TEXT, st.none()),
    "age": st.one_of(
        st.integers(0, 130).map(float), st.sampled_from(["41", "４１", "不知道", 41.5, None])
    ),
    "gender": st.sampled_from(["Male", "Female", "男", "1", "Mal", None]),
    "crops": st.sampled_from(["rice", "rice tea", "tea,rice", "maize", None]),
    "sells_online_2020": st.sampled_from(["Yes", "No", None]),
    "sells_online_2022": st.sampled_from(["Yes", "No", "否", None]),
    "income_2020": st.one_of(
        st.floats(-10, 1e6, allow_nan=False), st.sampled_from(["¥12,000", "1.2万", "about 3000"])
    ),
    "income_2022": st.one_of(st.floats(0, 1e6, allow_nan=False), st.none()),
    "online_income_2020": st.one_of(st.floats(0, 1e5, allow_nan=False), st.none()),
    "online_income_2022": st.one_of(st.floats(0, 1e5, allow_nan=False), st.none()),
    "trust_1": st.sampled_from(["Agree", "Neutral", "同意", "5", None]),
    "trust_2": st.sampled_from(["Disagree", "Agree", None]),
}


@st.composite
def returns(draw: st.DrawFn) -> list[Return]:
    files = []
    for number in range(draw(st.integers(1, 3))):
        rows = [
            {code: draw(cells) for code, cells in CELLS.items()}
            for _ in range(draw(st.integers(0, 8)))
        ]
        if rows and draw(st.booleans()):
            rows.append(dict(rows[0]))  # an exact copy
        values = {code: [row[code] for row in rows] for code in CELLS}
        letters = {code: chr(65 + i) for i, code in enumerate(CELLS)}
        files.append(
            Return(
                f"f{number}.xlsx", "Data", list(range(4, 4 + len(rows))), values, letters, {}, "en"
            )
        )
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(returns())
def test_every_row_is_clean_or_quarantined_exactly_once(small, batch):
    result = check_returns(small, batch)
    records = set(result.raw.index)
    assert len(records) == sum(len(r.rows) for r in batch) == result.rows_in
    quarantined = set(result.quarantined)
    clean = records - quarantined
    assert len(result.clean()) == len(clean) == result.rows_clean
    assert len(result.quarantine()) == len(quarantined) == result.rows_quarantined
    errors = result.findings[result.findings["severity"] == "error"]
    assert set(errors["record"].dropna().astype(int)) == quarantined
    # A clean row has every required answer and only allowed codes.
    rows = result.clean()
    assert (rows["age"] != "").all()
    assert (rows["village_id"] != "").all()
    assert rows["gender"].isin(["", "1", "2"]).all()
    # Every finding on a row points at a row of its file.
    located = result.findings[result.findings["record"].notna()]
    for file, row in zip(located["file"], located["row"], strict=True):
        assert row in next(r.rows for r in batch if r.file == file)
