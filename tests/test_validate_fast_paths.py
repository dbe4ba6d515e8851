"""The fast paths for a CSV file's text columns agree with the general path on any text.

A CSV file's columns arrive as Arrow text, and some checks look at them as a whole (their
bytes, Arrow kernels) instead of one Python object per cell. The same cells given as Python
strings take the general path; every finding and every typed answer must be the same.
"""

from __future__ import annotations

import pyarrow as pa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagesurvey.validate.checking import check_rows
from villagesurvey.validate.findings import Findings
from villagesurvey.validate.layout import Return

HOSTILE = [
    "", " ", "\t", "41", " 41 ", "４１", "1.2万", "¥12,000", "12,000", "-0", "+5", ".5", "5.",
    "1e5", "9" * 400, "0." + "0" * 330 + "1", "1" + "0" * 309, "123456789012345678901234567890",
    "a\rb", "a\r\nb", "line\none", "\x01", "x\x7f", "\x1b[31m", "#REF!", "#N/A", "# 3", "#",
    "合计", "Total", " total ", "ＴＯＴＡＬ", "不知道", "Male", "男", " 1 ", "rice tea",
    "tea,rice", "Agree", "同意", "2022-08-03", "2022-06-31", "2022/8/3", "٤٠", "3²", "TRUE",
    "é", "e\u0301", "\u3000", "\u00a0", "1\u00a0000",
]  # fmt: skip
CELL = st.one_of(
    st.none(),
    st.sampled_from(HOSTILE),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=6),
    st.text(alphabet="0123456789.,+-# \r\n\x00\x01\x7f万¥", max_size=8),
)
CODES = [
    "village_id", "person_id", "interview_date", "name", "age", "gender", "crops",
    "sells_online_2020", "sells_online_2022", "income_2020", "income_2022",
    "online_income_2020", "online_income_2022", "trust_1", "trust_2",
]  # fmt: skip


def _return(columns: dict[str, list[str | None]], arrow: bool) -> Return:
    rows = len(columns[CODES[0]])
    values = {
        code: pa.array(cells, type=pa.string()) if arrow else list(cells)
        for code, cells in columns.items()
    }
    letters = {code: chr(65 + i) for i, code in enumerate(CODES)}
    return Return("f.csv", "f", list(range(2, 2 + rows)), values, letters, {}, None, False)


@st.composite
def csv_columns(draw: st.DrawFn) -> dict[str, list[str | None]]:
    rows = draw(st.integers(1, 12))
    return {code: [draw(CELL) for _ in range(rows)] for code in CODES}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_columns())
def test_arrow_text_is_checked_as_python_text_is(small, columns):
    fast, general = Findings(), Findings()
    arrow = check_rows(small, [_return(columns, arrow=True)], fast)
    python = check_rows(small, [_return(columns, arrow=False)], general)
    assert str(arrow.raw["name"].dtype) == "str"  # the Arrow text path was taken
    assert str(python.raw["name"].dtype) == "object"  # and the general one
    assert fast.frame().equals(general.frame())
    assert arrow.fixes.equals(python.fixes)
    assert arrow.typed.equals(python.typed)
    assert arrow.sound.equals(python.sound)
    for mine, theirs in zip(arrow.cascaded, python.cascaded, strict=True):
        assert mine.equals(theirs)


def test_a_total_among_digits_is_found_in_arrow_text_as_in_python_text(small):
    """Texts of ASCII digits alone are passed over in Arrow text: never a total's word."""
    rows = ["13800138000", "42", "４２", "ＴＯＴＡＬ", "7", " 合计 ", None, ""]
    columns = {code: list(rows) for code in CODES}
    found = []
    for arrow in (True, False):
        findings = Findings()
        check_rows(small, [_return(columns, arrow=arrow)], findings)
        table = findings.frame()
        found.append(table[table["check"] == "total_row"])
    assert found[0].equals(found[1])
    assert sorted(set(found[0]["record"])) == [3, 5]


@settings(max_examples=60, deadline=None)
@given(
    st.integers(17, 60).flatmap(
        lambda rows: st.lists(
            st.lists(st.sampled_from([None, "", " ", "\u3000", "\t", "x", " 1 "]), min_size=rows,
                     max_size=rows),
            min_size=1, max_size=5,
        )
    )
)  # fmt: skip
def test_filled_rows_are_those_with_an_answer_in_any_column(columns):
    import numpy as np
    import pyarrow.compute as pc

    from villagesurvey.validate.answer_rows import _filled

    arrow = [pa.chunked_array([pa.array(c, type=pa.large_string())]) for c in columns]
    every = [  # each column whole, the rows or-ed: what the shortcut must agree with
        pc.fill_null(pc.not_equal(pc.utf8_trim_whitespace(c), ""), False).to_numpy(
            zero_copy_only=False
        )
        for c in arrow
    ]
    assert (_filled(arrow, len(columns[0])) == np.logical_or.reduce(every)).all()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["Male", "男", " 1 ", "", "1"]), st.integers(0, 2)),
             min_size=1, max_size=30),
    st.booleans(),
)  # fmt: skip
def test_choice_answers_are_grouped_as_numpy_unique_groups_them(answers, one_language):
    import numpy as np
    import pandas as pd

    from villagesurvey.validate._choices import _groups

    langs = ["zh", "en", None]
    texts = [text for text, _ in answers]
    said = np.array([0 if one_language else lang for _, lang in answers], dtype=np.intp)
    at = np.arange(len(answers))[::-1].copy()  # the answers' rows, not in order
    codes = np.empty(len(answers), dtype=np.intp)
    codes[at] = said
    named, inverse = _groups(at, pd.Series(texts, dtype="str"), (codes, langs))
    key_codes, uniques = pd.factorize(pd.Series(texts, dtype="str"))
    pairs, expected = np.unique(key_codes * len(langs) + said, return_inverse=True)
    assert named == [(uniques[p // len(langs)], langs[p % len(langs)]) for p in pairs]
    assert inverse.tolist() == expected.tolist()


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["a.csv", "村 V01.xlsx", "", " x ", "a\rb.csv"]),
                  st.one_of(st.integers(-(2**62), 2**62), st.integers(1, 1_048_576))),
        max_size=20,
    ),
    st.sampled_from([None, 4.0, "7", True]),
)  # fmt: skip
def test_row_names_are_joined_as_pandas_joins_them(cells, odd):
    import pandas as pd

    from villagesurvey.validate.answer_rows import Return
    from villagesurvey.validate.checking import _row_names, _row_names_of
    from villagesurvey.validate.result import FILE, ROW

    rows = [row for _, row in cells] + ([] if odd is None else [odd])
    files = [file for file, _ in cells] + ([] if odd is None else ["b.csv"])
    records = pd.RangeIndex(3, 3 + len(rows))  # a partition's records
    raw = pd.DataFrame(
        {FILE: pd.Series(files, records, object), ROW: pd.Series(rows, records, object)}
    )
    returns = []  # each run of one file's rows as the return it came from
    for file, row in zip(files, rows, strict=True):
        if not returns or returns[-1].file != file:
            returns.append(Return(file, "sheet", [], {}, {}, {}))
        returns[-1].rows.append(row)
    expected = raw[FILE] + " row " + raw[ROW].astype(str)  # the general way
    for names in (_row_names(raw, returns), _row_names_of(raw)):
        assert names.dtype == expected.dtype
        assert names.equals(expected)
        assert names.index.equals(expected.index)


NUMBER = st.one_of(
    st.none(),
    st.floats(allow_nan=False),
    st.sampled_from([0.0, -0.0, -99.0, 98.0, 16.0, 100.0, 1e308, -1e308, float("inf")]),
)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(NUMBER, max_size=20),
    st.one_of(st.none(), st.integers(-100, 100), st.floats(-1e3, 1e3)),
    st.one_of(st.none(), st.integers(-100, 100), st.floats(-1e3, 1e3)),
    st.sampled_from([(), (-99,), (98, 99), (0,)]),
)
def test_number_limits_in_numpy_fail_the_cells_pandas_fails(answers, low, high, special):
    import numpy as np
    import pandas as pd

    from villagesurvey.validate.schema import _inside, _inside_numbers

    series = pd.Series(answers, dtype="Float64", index=pd.RangeIndex(5, 5 + len(answers)))
    general = _inside(series, low, high, special)
    fast = _inside_numbers(series, low, high, special)
    # schema.failures reads a check's result so: a cell fails where it is not True
    assert (np.asarray(general.fillna(False), dtype=bool) == fast.to_numpy()).all()
    assert fast.index.equals(series.index)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(HOSTILE)), max_size=20), st.integers(0, 9))
def test_a_text_column_is_split_the_same_with_or_without_missing_cells(cells, first):
    import numpy as np
    import pandas as pd

    from villagesurvey.validate._column import split

    column = pd.Series(cells, dtype="str", index=pd.RangeIndex(first, first + len(cells)))
    parts = split(column)
    filled = np.flatnonzero(column.notna().to_numpy())  # the general way
    assert parts.text_at.tolist() == filled.tolist()
    assert parts.text.equals(column.iloc[filled])
    assert parts.text.index.equals(column.index[filled])
    assert parts.values is None
    assert not len(parts.numbers_at)
    assert not len(parts.other_at)


UTF8_PIECES = [
    b"a", b"\x00", b"\x7f", "中".encode(), "é".encode(), "\U0010ffff".encode(), b"\xef\xbb\xbf",
    b"\xed\x9f\xbf", b"\xee\x80\x80",  # the last code points before and after the surrogates
    b"\xed\xa0\x80", b"\xed\xbf\xbf",  # surrogates: not UTF-8
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",  # overlong forms
    b"\xf4\x90\x80\x80", b"\xf5", b"\xff", b"\x80", b"\xe4\xb8",  # past U+10FFFF, stray, cut
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=12), st.lists(st.sampled_from(UTF8_PIECES)).map(b"".join)))
def test_utf8_is_recognised_as_python_decodes_it(data):
    from villagesurvey.validate._csv import _is_utf8

    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        python = False
    else:
        python = True
    assert _is_utf8(data) is python


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 12), st.sampled_from(["n", "s", "o", "absent"])),
             max_size=20),
    st.lists(st.integers(0, 9), max_size=4, unique=True),
)  # fmt: skip
def test_blanked_cells_are_those_pandas_isin_finds(cells, dropped):
    """Answers blanked by position are the answers of the records ``index.isin`` finds."""
    import numpy as np
    import pandas as pd

    from villagesurvey.validate.checking import _blanked

    index = pd.RangeIndex(3, 13)
    frame = pd.DataFrame(
        {
            "n": pd.Series(np.arange(10) / 4, index=index, dtype="Float64"),
            "s": pd.Series([f"t{i}" for i in range(10)], index=index, dtype="str"),
            "o": pd.Series([True, 1, "x", None, 2.5, "y", 0, "z", False, "w"], index, object),
        }
    ).drop(index=[3 + d for d in dropped])  # total rows dropped: records are not a range
    blanked = _blanked(frame, set(cells))
    expected = frame.copy()
    for code in ("n", "s", "o"):
        records = [record for record, column in cells if column == code]
        column = expected[code].copy()
        column[column.index.isin(records)] = None
        expected[code] = column
    pd.testing.assert_frame_equal(blanked, expected, check_exact=True)
    assert blanked.map(type).equals(expected.map(type))
    assert frame["n"].notna().all()  # the rows given are left as they were
    assert frame["s"].notna().all()
