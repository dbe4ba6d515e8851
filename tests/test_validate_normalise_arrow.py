"""The Arrow lane of normalising gives what the cell-by-cell path gives, byte for byte.

A CSV file's columns arrive as Arrow strings and take the lane (:mod:`.arrow_lane`); the
same cells as Python objects (as a workbook's text cells arrive) take the cell-by-cell path.
Each test reads the same cells both ways and compares the typed answers (dtypes, values,
the sign of a zero) and the findings (values, their Python types and their order).
"""

from __future__ import annotations

import struct
from textwrap import dedent

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey import Instrument, parse_instrument
from villagesurvey.validate.arrow_lane import arrow_text, distinct, one_byte, trimmed
from villagesurvey.validate.normalise import LANGUAGE, TYPED, normalise

EVERY_KIND = dedent(
    """\
    id: lane
    version: "1"
    title: {en: Lane, zh: 通道}
    languages: [en, zh]
    key: [person_id]
    choices:
      agree3:
        - {code: 1, en: Disagree, zh: 不同意}
        - {code: 2, en: Neutral, zh: 一般}
        - {code: 3, en: Agree, zh: 同意}
      crops:
        - {code: rice, en: Rice, zh: 水稻}
        - {code: tea, en: Tea, zh: 茶叶}
    scales:
      trust: {label: {en: Trust, zh: 信任}, choices: agree3}
    sections:
      - code: s
        label: {en: All, zh: 全部}
        questions:
          - {code: person_id, type: text, required: true, label: {en: Person, zh: 人}}
          - {code: phone, type: text, pattern: '^[0-9]{11}$', label: {en: Phone, zh: 电话}}
          - {code: age, type: integer, label: {en: Age, zh: 年龄}}
          - {code: income, type: decimal, label: {en: Income, zh: 收入}}
          - {code: day, type: date, label: {en: Day, zh: 日期}}
          - {code: start, type: datetime, label: {en: Start, zh: 开始}}
          - {code: clock, type: time, label: {en: Time, zh: 时间}}
          - {code: place, type: geopoint, label: {en: Place, zh: 地点}}
          - {code: view, type: select_one, choices: agree3, label: {en: View, zh: 看法}}
          - {code: trust_1, type: likert, scale: trust, label: {en: Trust, zh: 信任}}
          - {code: crops, type: select_multiple, choices: crops, label: {en: Crops, zh: 作物}}
    """
)
COLUMNS = ("person_id", "phone", "age", "income", "day", "start", "clock", "place", "view",
           "trust_1", "crops")  # fmt: skip

HOSTILE = [
    None, "", " ", "\t", "\xa0", "\u3000", "\x1f", "\x85", "\u2028", "\r", "\n",
    "5", "5\n", " 5", "5 ", "\t7\t", "\xa05", "5\u3000", "\x1f5", "5\x85", "+5", "-0", "0",
    ".5", "5.", "007", "1e5", "nan", "inf", "-inf", "NaN", "1,234", "12,345.5", "1 234",
    "¥54,000", "3000元", "1.2万", "４５", "４５，０００", "٤٠", "3²", "2.5", "1.0", "-3",
    "123456789012345678901234567890", "0.30000000000000004", "9007199254740993",
    "don't know", "DK", "不知道", "about 3000",
    "2022-08-03", "2022-06-31", "2022-02-29", "2024-02-29", "2022/8/3", "2022年8月3日",
    "3/8/2022", " 2022-08-03", "2022-08-03 ", "44776", "44776.5", "2022-08-03T10:00:00",
    "2024-05-01T14:30:00.000+03:00", "2024-05-01 14:30", "2024-02-30T10:00:00",
    "Jul 2, 2022 10:05:00 AM", "10:01:27.000-05:00", "25:00",
    "12.34 -23.45 0 5", "12,34 -23,45", "91 0",
    "1", "2", "3", " 1", "1 ", "１", "Agree", "agree", " Agree ", "同意", "Agree\xa0",
    "Disagreee", "4", "rice", "rice tea", "tea rice rice", "Rice, Tea", "rice,tea", "wheat",
    "13800138000", "1380013800", "V01",
]  # fmt: skip


@pytest.fixture(scope="module")
def lane() -> Instrument:
    return parse_instrument(EVERY_KIND, source="lane.yaml")


def _raw(values: list[str | None], dtype: str, language: str | None = None) -> pd.DataFrame:
    """Every column of the instrument holding ``values``, as a CSV's Arrow text (``str``)
    or as a workbook's Python objects (``object``); the records numbered from 7."""
    index = pd.RangeIndex(7, 7 + len(values))
    frame = {code: pd.Series(values, index=index, dtype=dtype) for code in COLUMNS}
    frame[LANGUAGE] = pd.Series([language] * len(values), index=index, dtype=object)
    frame[TYPED] = pd.Series(False, index=index)
    return pd.DataFrame(frame)


def _same(first: tuple[pd.DataFrame, pd.DataFrame], second: tuple[pd.DataFrame, pd.DataFrame]):
    typed, findings = first
    typed_2, findings_2 = second
    assert list(typed.dtypes) == list(typed_2.dtypes)
    pd.testing.assert_frame_equal(typed, typed_2, check_exact=True)
    for code in typed.columns[typed.dtypes == "Float64"]:  # -0.0 is not 0.0, byte for byte
        bits = [struct.pack("<d", v) for v in typed[code].to_numpy(float, na_value=np.nan)]
        bits_2 = [struct.pack("<d", v) for v in typed_2[code].to_numpy(float, na_value=np.nan)]
        assert bits == bits_2, code
    pd.testing.assert_frame_equal(findings, findings_2, check_exact=True)
    assert findings.map(type).equals(findings_2.map(type))


def _both(lane: Instrument, values: list[str | None], language: str | None = None):
    arrow, objects = _raw(values, "str", language), _raw(values, "object", language)
    assert distinct(arrow["age"]) is not None  # the CSV's column takes the lane
    assert distinct(objects["age"]) is None  # the workbook's does not
    assert not arrow_text(objects["place"])  # nor its time, point or patterned text
    return normalise(lane, arrow), normalise(lane, objects)


def test_hostile_cells_read_the_same_in_both_lanes(lane):
    values = HOSTILE * 3  # repeated: a text read once must be logged at every cell
    in_arrow, as_objects = _both(lane, values)
    _same(in_arrow, as_objects)
    checks = set(in_arrow[1]["check"])
    assert {"whitespace", "thousands_separator", "currency_mark", "magnitude_word",
            "full_width_digits", "not_a_number", "not_a_whole_number", "not_a_date",
            "date_as_text", "not_a_datetime", "datetime_as_text", "choice_label",
            "label_variant", "unknown_label", "choice_separator", "pattern_mismatch",
            "not_a_time", "geopoint_format", "not_a_geopoint"} <= checks  # fmt: skip
    found = in_arrow[1]
    no_day = found[(found["column"] == "day") & (found["value"] == "2022-06-31")]
    assert len(no_day) == 3
    assert set(no_day["check"]) == {"not_a_date"}
    assert set(found.loc[found["value"] == "5\n", "check"]) >= {"whitespace"}


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_csv_in_one_template_language_reads_its_labels_the_same(lane, language):
    _same(*_both(lane, HOSTILE, language))


def test_records_in_several_languages_read_the_same(lane):
    arrow, objects = _raw(HOSTILE, "str"), _raw(HOSTILE, "object")
    said = ["en" if n % 3 else "zh" for n in range(len(HOSTILE))]
    for raw in (arrow, objects):
        raw[LANGUAGE] = pd.Series(said, index=raw.index, dtype=object)
    _same(normalise(lane, arrow), normalise(lane, objects))


def test_clean_codes_and_numbers_come_through_the_lane_unchanged(lane):
    values = ["1", "2", "3", None, "2"] * 4
    typed, findings = _both(lane, values)[0]
    assert findings[findings["column"].isin(["view", "trust_1", "age"])].empty
    assert typed["view"].tolist() == pd.Series(values, dtype="str").tolist()
    assert typed["age"].tolist() == [1, 2, 3, pd.NA, 2] * 4


def test_a_typed_file_keeps_the_cell_by_cell_path(lane):
    arrow, objects = _raw(HOSTILE, "str"), _raw(HOSTILE, "object")
    for raw in (arrow, objects):
        raw.loc[raw.index[::4], TYPED] = True  # rows of a workbook: a number as text is logged
    typed_file = normalise(lane, arrow)
    _same(typed_file, normalise(lane, objects))
    assert "number_as_text" in set(typed_file[1]["check"])


def test_empty_and_all_missing_columns_read_the_same(lane):
    _same(*_both(lane, [None] * 5))
    _same(normalise(lane, _raw([], "str")), normalise(lane, _raw([], "object")))


_CHARS = [*"0123456789０１２３.,+-eE 年月日/:TZ", "Agree", "同意", "rice", "tea", "1", "2"]
_CHARS += ["\t", "\n", "\r", "\xa0", "\u3000", "\x1f", "\x85", "\u2028", "¥", "万", "元"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.lists(st.sampled_from(_CHARS), max_size=8).map("".join)),
        min_size=1,
        max_size=25,
    )
)
def test_random_cells_read_the_same_in_both_lanes(lane, values):
    _same(*_both(lane, values))


def _encoded(column: pa.Array) -> tuple[list[int], list[str]]:
    """Arrow's dictionary encoding of a column: each cell's place (-1 missing), the texts."""
    encoded = pc.dictionary_encode(column)
    return encoded.indices.fill_null(-1).to_pylist(), encoded.dictionary.to_pylist()


_BYTES = [None, "", "1", "2", "5", "a", " ", "\n", "\x00", "\x7f"]
_WIDER = ["é", "同", "12", "-1", "\U0001f600"]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.sampled_from(_BYTES), min_size=1, max_size=3000),
    st.integers(0, 5),
    st.sampled_from([pa.string(), pa.large_string()]),
    st.one_of(st.none(), st.sampled_from(_WIDER)),
)
def test_one_byte_texts_are_encoded_as_arrow_encodes_them(values, skip, kind, wider):
    """Codes and texts as Arrow's dictionary_encode gives them (the lane's definition), for
    a column sliced at an offset; a column with a longer text is left to Arrow."""
    if wider is not None:
        values = [*values, wider]
    column = pa.array(values, type=kind).slice(min(skip, len(values) - 1))
    found = one_byte(column)
    if wider is not None and wider in column.to_pylist():
        assert found is None
        return
    assert found is not None
    codes, texts = found
    assert (codes.tolist(), texts) == _encoded(column)
    assert codes.dtype == np.intp


def test_a_text_met_late_keeps_its_place_among_the_texts():
    """A text first met past the first blocks still comes in order of first occurrence."""
    values = ["3", None, "1"] * 40_000 + ["2", "", None, "4"]
    column = pa.array(values, type=pa.large_string())
    codes, texts = one_byte(column)
    assert (codes.tolist(), texts) == _encoded(column)
    assert texts == ["3", "1", "2", "", "4"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.sampled_from([t for t in _BYTES if t]), min_size=1, max_size=3000),
    st.lists(st.tuples(st.integers(0, 3000), st.sampled_from(["7", "x", "\x01"])), max_size=4),
    st.integers(0, 5),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_columns_of_one_byte_each_are_encoded_as_arrow_encodes_them(values, late, skip, kind):
    """Every cell one byte, none missing (the bytes read as they lie), with texts met late,
    past the first block, and a column sliced at an offset."""
    for at, text in late:
        values = [*values[:at], text, *values[at:]]
    column = pa.array(values, type=kind).slice(min(skip, len(values) - 1))
    found = one_byte(column)
    assert found is not None
    codes, texts = found
    assert (codes.tolist(), texts) == _encoded(column)
    assert codes.dtype == np.intp


def test_a_lone_byte_of_a_longer_character_is_left_to_arrow():
    """A binary column whose one-byte cells are no characters is not read as text."""
    column = pa.array([b"a", b"\xc3", b"b"], type=pa.large_binary()).view(pa.large_string())
    assert one_byte(column) is None


_ONE = [None, "", " ", "\t", "\n", "\x1f", "0", "1", "2", "3", "4", "5", "9", "+", "-", ".", "e",
        "a", "A", "#", "\x7f"]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(_ONE), min_size=1, max_size=40))
def test_one_character_cells_read_the_same_in_both_lanes(lane, values):
    """Columns of single characters (codes, scale points) take the byte look-up of the lane."""
    assert one_byte(pa.array(values, type=pa.large_string())) is not None
    _same(*_both(lane, values))


_EDGES = [
    "a",
    "Z",
    "0",
    "~",
    "!",
    " ",
    "\t",
    "\n",
    "\x1f",
    "\x7f",
    "\xa0",
    "\u3000",
    "\x85",
    "é",
    "同",
]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.one_of(st.none(), st.lists(st.sampled_from(_EDGES), max_size=4).map("".join)),
        min_size=1,
        max_size=30,
    ),
    st.integers(0, 3),
    st.sampled_from([pa.string(), pa.large_string()]),
)
def test_trimmed_cells_are_the_cells_stripped(values, skip, kind):
    """Each text stripped as pandas strips it, a blank made missing, the cells changed listed:
    whether every text is already trimmed (the column is its own answer) or not, in a column
    sliced at an offset and in two chunks."""
    column = pa.array(values, type=kind).slice(min(skip, len(values) - 1))
    half = len(column) // 2
    for laid in (column, pa.chunked_array([column.slice(0, half), column.slice(half)])):
        cells = pd.Series(pd.arrays.ArrowStringArray(laid), dtype="str")
        found = trimmed(cells)
        assert found is not None
        text, changed = found
        listed = [None if v is None else v.strip() or None for v in laid.to_pylist()]
        assert text.dtype == "str"
        assert [None if pd.isna(v) else v for v in text.tolist()] == listed
        assert text.index.equals(cells.index)
        kept = [i for i, v in enumerate(laid.to_pylist()) if v and v.strip() and v.strip() != v]
        assert changed.index.tolist() == kept


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([None, np.nan, "en", "zh", ""]), max_size=12))
def test_each_record_s_language_numbered_as_first_met(said):
    """A language per record, a blank one as the empty text: all blank (a CSV's) or not."""
    from villagesurvey.validate._choices import spoken

    languages = pd.Series(said, dtype=object)
    codes, names = spoken(languages)
    expected, found = pd.factorize(languages.where(languages.notna(), ""))
    assert codes.dtype == expected.dtype
    assert codes.tolist() == expected.tolist()
    assert names == [str(name) or None for name in found]
