"""Values that need quotes, quoted in Arrow and written by pyarrow
(:func:`villagesurvey.tables.quoted_csv.arrow_quoted_rows`), give the bytes Python's csv
module writes (:func:`villagesurvey.tables.csv_file.quoted_rows`), whatever the values:
commas, quotes, line breaks, carriage returns, the bytes stood in for them, any text type
or slice of an array."""

from __future__ import annotations

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.tables.csv_file import quoted_rows
from villagesurvey.tables.quoted_csv import arrow_quoted_rows

_TEXT = st.text(alphabet=list(',"\n\r ab中😀\x00\x1b\u00f5\u00f8=-'), max_size=6)


@st.composite
def _columns(draw: st.DrawFn) -> dict[str, pa.Array]:
    width = draw(st.integers(2, 4))
    rows = draw(st.integers(0, 12))
    skip = draw(st.integers(0, 3))  # an array that is a slice of a longer one
    columns = {}
    for name in draw(st.lists(_TEXT, min_size=width, max_size=width, unique=True)):
        values = draw(st.lists(_TEXT, min_size=rows + skip, max_size=rows + skip))
        kind = draw(st.sampled_from([pa.string(), pa.large_string()]))
        columns[name] = pa.array(values, kind).slice(skip)
    return columns


@settings(max_examples=300, deadline=None)
@given(_columns(), st.booleans(), st.booleans())
def test_arrow_quotes_as_python_does(columns, header, crlf) -> None:  # type: ignore[no-untyped-def]
    cr = any("\r" in value for column in columns.values() for value in column.to_pylist())
    end = "\r\n" if cr or crlf else "\n"  # a carriage return: every line ends in CR LF
    expected = quoted_rows(columns, header=header, end=end)
    assert arrow_quoted_rows(columns, header=header, crlf=crlf) == (expected, cr)


def test_a_table_of_one_column_is_left_to_python() -> None:
    # Python writes a row of one empty value as "", pyarrow as nothing
    assert arrow_quoted_rows({"a": pa.array(["", "a,b"])}, header=False, crlf=False) is None


@pytest.mark.parametrize("byte", [0xF5, 0xF8, 0xFF])
def test_text_holding_a_byte_stood_in_for_is_left_to_python(byte: int) -> None:
    # not UTF-8, so not text pyarrow's reader or Python gives; but the bytes must not be
    # turned into a quote or a comma
    values = pa.array([b"a,b", bytes([0x61, byte])], pa.binary()).view(pa.string())
    table = {"a": values, "b": pa.array(["1", "2"])}
    assert arrow_quoted_rows(table, header=False, crlf=False) is None
