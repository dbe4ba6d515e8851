"""The CSV writer's fast lane gives the bytes of the plain definition, whatever the values.

The definition: each cell is neutralised on its own
(:func:`villagesurvey.tables.safe.neutralise`) and the table written by pandas' ``to_csv``
(Python's csv module), its lines ending in CR LF when a value holds a carriage return. The
fast lane neutralises whole Arrow columns and lets pyarrow write the rows when no value needs
quotes; these tests hold it to the definition on hostile text: formula starts, plain and
non-ASCII numbers, commas, quotes, line feeds, carriage returns, tabs, full-width and emoji
characters, empty and missing values.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.tables.csv_file import append_rows, csv_bytes, text_columns, texts, write_csv
from villagesurvey.tables.safe import neutralise
from villagesurvey.validate.csv_chunks import render

_HOSTILE = [*"=+-@\t\r\n,\" '.eE", *"0159", "٣", "＝", "－", "😀", "中", "\x00", "\x1b"]
_TEXT = st.text(alphabet=_HOSTILE, max_size=7)
_CELL = st.one_of(st.none(), _TEXT)


def _shown(value: object) -> str:
    """A cell as the definition writes it: missing as blank, then neutralised."""
    return neutralise("" if pd.isna(value) else str(value))


def _reference(frame: pd.DataFrame, *, header: bool, crlf: bool) -> tuple[bytes, bool]:
    """The definition: each cell neutralised, the table written by pandas."""
    cells = {neutralise(str(n)): [_shown(v) for v in frame[n].astype(object)] for n in frame}
    safe = pd.DataFrame(cells, dtype=object)
    cr = any("\r" in v for values in cells.values() for v in values)
    text = safe.to_csv(index=False, header=header, lineterminator="\r\n" if cr or crlf else "\n")
    return text.encode("utf-8"), cr


@settings(max_examples=300, deadline=None)
@given(st.lists(_CELL, max_size=20))
def test_a_column_is_neutralised_as_each_cell_would_be(values) -> None:  # type: ignore[no-untyped-def]
    expected = [_shown(v) for v in values]
    for column in (pd.Series(values, dtype="str"), pd.Series(values, dtype=object)):
        assert texts(column).to_pylist() == expected


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("-5", "-5"), ("+3.2e4", "+3.2e4"), ("-.5", "-.5"), ("-5.", "-5."), ("-", "'-"),
        ("-5\n", "'-5\n"), ("-5 ", "'-5 "), ("-٣", "'-٣"), ("=1+1", "'=1+1"), ("@x", "'@x"),
        ("\t1", "'\t1"), ("\r1", "'\r1"), ("＝1", "＝1"), ("😀=", "😀="), ("", ""), (" =1", " =1"),
        ("-1e5", "-1e5"), ("-1e", "'-1e"), ("+-1", "'+-1"), ("--1", "'--1"),
    ],
)  # fmt: skip
def test_plain_ascii_numbers_alone_keep_their_sign(text: str, written: str) -> None:
    column = pd.Series(["x", text, None], dtype="str")
    assert texts(column).to_pylist() == ["x", written, ""]


def test_a_column_of_numbers_is_written_as_pandas_shows_it() -> None:
    floats = pd.Series([1.0, -0.0, 1e16, 0.1 + 0.2, 1e-7, None], dtype="Float64")
    assert texts(floats).to_pylist() == ["1.0", "-0.0", "1e+16", "0.30000000000000004", "1e-07", ""]
    integers = pd.Series([-5, 7, None], dtype="Int64")
    assert texts(integers).to_pylist() == ["-5", "7", ""]
    mixed = pd.Series(["=a", 3, None, b"=x"], dtype=object)  # not all text: as pandas shows it
    shown = mixed.where(mixed.notna(), "").astype(str)
    assert shown.tolist() == ["=a", "3", "", "=x"]
    assert texts(mixed).to_pylist() == ["'=a", "3", "", "'=x"]


@st.composite
def _tables(draw: st.DrawFn) -> pd.DataFrame:
    width = draw(st.integers(2, 4))  # the outputs have many columns (see csv_chunks)
    rows = draw(st.integers(0, 10))
    names = draw(st.lists(_TEXT, min_size=width, max_size=width, unique=True))
    return pd.DataFrame(
        {n: draw(st.lists(_CELL, min_size=rows, max_size=rows)) for n in names}, dtype="str"
    )


@settings(max_examples=400, deadline=None)
@given(_tables(), st.booleans(), st.booleans())
def test_rendered_bytes_are_those_of_the_definition(frame, header, crlf) -> None:  # type: ignore[no-untyped-def]
    expected = _reference(frame, header=header, crlf=crlf) if len(frame) or header else (b"", False)
    assert render(frame, header=header, crlf=crlf) == expected


@settings(max_examples=100, deadline=None)
@given(_tables())
def test_a_written_file_has_the_bytes_of_the_definition(tmp_path_factory, frame) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    write_csv(path, frame)
    assert path.read_bytes() == _reference(frame, header=True, crlf=False)[0]


def test_a_long_column_of_numbers_with_signs_is_neutralised_in_one_go() -> None:
    rng = np.random.default_rng(7)
    values = [f"{v:+d}" if v % 3 else f"-{v}x" for v in rng.integers(-999, 999, 5000)]
    assert texts(pd.Series(values, dtype="str")).to_pylist() == [neutralise(v) for v in values]


def test_one_column_writes_an_empty_value_as_an_empty_line() -> None:
    # pyarrow writes the table; pandas would write '""' (see csv_chunks: every output has
    # two columns or more, so pieces of it are written alike)
    frame = pd.DataFrame({"a": ["", "x"]}, dtype="str")
    assert render(frame, header=True, crlf=False) == (b"a\n\nx\n", False)


@settings(max_examples=200, deadline=None)
@given(_tables(), st.booleans(), st.booleans(), st.binary(max_size=8))
def test_rows_appended_to_a_file_are_the_rendered_bytes(  # type: ignore[no-untyped-def]
    tmp_path_factory, frame, header, crlf, before
) -> None:
    # written after what the file holds; a value that needs quotes makes the writer cut
    # off what pyarrow wrote and write the rows again, quoted
    path = tmp_path_factory.mktemp("csv") / "table.csv"
    path.write_bytes(before)
    columns = text_columns(frame)
    with open(path, "ab") as out:
        cr = append_rows(out, columns, header=header, crlf=crlf)
    data, expected_cr = csv_bytes(columns, header=header, crlf=crlf)
    assert (path.read_bytes(), cr) == (before + data, expected_cr)


def test_rows_that_need_quotes_replace_what_pyarrow_began_to_write(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # pyarrow writes a batch at a time: the rows before the comma are in the file already
    rows = 5000
    frame = pd.DataFrame({"a": ["x"] * rows, "b": ["1"] * (rows - 1) + ["1,5"]}, dtype="str")
    path = tmp_path / "table.csv"
    with open(path, "wb") as out:
        assert not append_rows(out, text_columns(frame), header=True, crlf=False)
    assert path.read_bytes() == _reference(frame, header=True, crlf=False)[0]
