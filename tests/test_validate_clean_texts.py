"""The clean dataset and the quarantine, made a column at a time in Arrow, hold the text of
their definitions.

The definition, per cell of a row without an error: blank for a missing value; a number as a
person writes it (the digits of a whole number below 10**15 in size, else Python's ``repr``);
any other value as ``str`` gives it. The rows come in their order, after ``source_file`` and
the submission columns. The writers' text of it (:meth:`Validation.clean_texts`, handed to
the CSV and Parquet writers of a partition without a pandas table) is each cell of that
table neutralised (:func:`villagesurvey.tables.safe.neutralise`), as the writers make it of
the table; both are checked on hostile values: formula starts, signs, infinities, NaN and NA,
line breaks, chunked Arrow text, and every row or none quarantined. The quarantine is held
to its plain pandas definition: the rows with an error taken from the rows as read, text
shown as it is (blank for missing), any other cell as :func:`.cells.show` writes it; its
writers' text (:meth:`Validation.quarantine_texts`) is that table neutralised.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey.tables.csv_file import text_columns
from villagesurvey.tables.safe import neutralise
from villagesurvey.validate.cells import own_column, show
from villagesurvey.validate.csv_chunks import render, render_texts
from villagesurvey.validate.findings import Findings
from villagesurvey.validate.parquet_tables import text_table
from villagesurvey.validate.result import FILE, ROW, SHEET, Validation

_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["=1+1", "-5", "-", "+3e4", "@x", "\tx", "\rx", "a,b", 'q"', "x\ny", "", "中"]),
    st.text(alphabet="=+-@\t\r\n,\"' .e0159中😀", max_size=5),
)
_NUMBER = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**16), 10**16).map(float),
    st.sampled_from([0.0, -0.0, 41.0, -41.0, 1e15, -math.inf, math.inf, 0.1 + 0.2]),
)
_KINDS = ("Float64", "str", "chunked", "object")


def _written(value: Any, kind: str) -> str:
    """A typed cell as the clean dataset's text (the definition)."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if kind == "Float64":
        whole = abs(value) < 1e15 and value == round(value)
        return str(int(value)) if whole else repr(value)
    return str(value)


def _column(values: list[Any], kind: str) -> pd.Series:
    if kind == "Float64":
        return pd.Series(values, dtype="Float64")
    if kind == "object":  # not Arrow text: numbers and text mixed, as pandas holds them
        return pd.Series([v if i % 3 else (len(v) if v else v) for i, v in enumerate(values)],
                         dtype=object)  # fmt: skip
    if kind == "chunked":
        half = len(values) // 2
        chunks = pa.chunked_array([values[:half], values[half:]], type=pa.large_string())
        return pd.Series(pd.arrays.ArrowStringArray(chunks))
    return pd.Series(values, dtype="str")


@st.composite
def _validations(draw: st.DrawFn, small: Any) -> tuple[Validation, dict[str, list[str]]]:
    rows = draw(st.integers(0, 9))
    kinds = {c.code: draw(st.sampled_from(_KINDS)) for c in small.columns}
    typed, expected = {}, {}
    for code, kind in kinds.items():
        cells = draw(
            st.lists(_NUMBER if kind == "Float64" else _TEXT, min_size=rows, max_size=rows)
        )
        typed[code] = _column(cells, kind)
        expected[code] = [_written(v, kind) for v in typed[code].astype(object)]
    submitted = ["=s", *draw(st.lists(_TEXT, min_size=rows, max_size=rows))][:rows]
    raw = pd.DataFrame(
        {FILE: [f"f{i % 2}.csv" for i in range(rows)], SHEET: "", ROW: range(2, rows + 2),
         "_submission": ["", *(["uuid:1"] * (rows - 1))][:rows], "_submitted": submitted},
        index=range(rows),
    )  # fmt: skip
    held = sorted(draw(st.sets(st.integers(0, max(rows - 1, 0)), max_size=rows)))
    findings = Findings().frame()
    validation = Validation(
        small, [], raw, pd.DataFrame(typed), findings, pd.Index(held, dtype="int64")
    )
    kept = [i for i in range(rows) if i not in held]
    head = {"source_file": [raw[FILE][i] for i in kept]}
    if rows:  # a batch whose files say their submissions
        head["source_submission"] = [raw["_submission"][i] for i in kept]
        head["source_submitted"] = ["" if submitted[i] is None else submitted[i] for i in kept]
    return validation, head | {code: [values[i] for i in kept] for code, values in expected.items()}


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_clean_dataset_holds_each_cell_as_its_definition_writes_it(small, data) -> None:  # type: ignore[no-untyped-def]
    validation, expected = data.draw(_validations(small))
    clean = validation.clean()
    assert list(clean) == list(expected)
    assert {n: clean[n].astype(object).tolist() for n in clean} == expected
    assert all(str(clean[c.code].dtype) == "str" for c in small.columns)
    assert clean.index.equals(pd.RangeIndex(len(clean)))


@settings(max_examples=60, deadline=None)
@given(st.data(), st.booleans(), st.booleans())
def test_the_writers_text_is_the_clean_table_neutralised(small, data, header, crlf) -> None:  # type: ignore[no-untyped-def]
    validation, expected = data.draw(_validations(small))
    texts = validation.clean_texts()
    assert {n: t.to_pylist() for n, t in texts.items()} == {
        neutralise(n): [neutralise(v) for v in values] for n, values in expected.items()
    }
    made = text_columns(validation.clean())  # what the writers make of the table
    assert list(texts) == list(made)
    assert all(texts[n].equals(made[n]) and texts[n].type == made[n].type for n in made)
    assert render_texts(texts, header=header, crlf=crlf) == render(
        validation.clean(), header=header, crlf=crlf
    )
    assert text_table(texts).equals(text_table(validation.clean()), check_metadata=True)


def test_numbers_kept_from_a_long_column_are_written_as_each_would_be(small) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    ages = rng.integers(-3, 90, 6000).astype(float)
    ages[::7] = np.nan
    ages[5] = -math.inf
    typed = pd.DataFrame({c.code: pd.Series(ages, dtype="Float64") for c in small.columns})
    typed[small.columns[0].code] = pd.Series(ages).map(lambda v: f"={v}").astype("str")
    raw = pd.DataFrame({FILE: "f.csv", SHEET: "", ROW: range(6000)})
    held = pd.Index(range(0, 6000, 11), dtype="int64")
    validation = Validation(small, [], raw, typed, Findings().frame(), held)
    kept = np.ones(6000, dtype=bool)
    kept[held] = False
    texts = validation.clean_texts()
    for column in small.columns[1:]:
        assert texts[column.code].to_pylist() == [
            neutralise(_written(v, "Float64")) for v in ages[kept].tolist()
        ]
    first = small.columns[0].code
    assert texts[first].to_pylist() == ["'" + f"={v}" for v in ages[kept].tolist()]


def _quarantine(validation: Validation) -> pd.DataFrame:
    """The quarantine's definition: the rows as read, each column shown whole by pandas."""
    rows = validation.raw.loc[validation.quarantined]
    errors = validation.findings[validation.findings["severity"] == "error"]
    said: dict[int, list[str]] = {}
    checks: dict[int, list[str]] = {}
    for record, column, check, message in zip(
        errors["record"], errors["column"], errors["check"], errors["message"], strict=True
    ):
        said.setdefault(int(record), []).append(f"{column}: {message}" if column else message)
        if check not in checks.setdefault(int(record), []):
            checks[int(record)].append(check)
    codes = {c.code for c in validation.instrument.columns}
    own = {
        "file": rows[FILE], "sheet": rows[SHEET], "row": rows[ROW],
        "checks": np.array(["; ".join(checks.get(r, [])) for r in rows.index], dtype=object),
        "reasons": np.array([" | ".join(said.get(r, [])) for r in rows.index], dtype=object),
    }  # fmt: skip
    if validation.raw["_submission"].notna().any():
        own["submission"] = rows["_submission"]
    columns = {own_column(name, codes): values for name, values in own.items()}
    for column in validation.instrument.columns:
        values = rows[column.code]
        columns[column.code] = values.fillna("") if values.dtype == "str" else values.map(show)
    return pd.DataFrame(columns, index=rows.index).reset_index(drop=True)


_AS_READ = st.one_of(_TEXT, st.integers(-5, 5), st.floats(), st.dates(), st.just(pd.NA))


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_the_quarantine_holds_each_row_as_read(small, data) -> None:  # type: ignore[no-untyped-def]
    rows = data.draw(st.integers(0, 9))
    raw = pd.DataFrame(
        {FILE: [f"f{i % 2}.csv" for i in range(rows)], SHEET: "s", ROW: range(2, rows + 2),
         "_submission": ["uuid:1"] * rows},
        index=range(100, 100 + rows),
    )  # fmt: skip
    for column in small.columns:
        kind = data.draw(st.sampled_from(("str", "chunked", "object")))
        cells = data.draw(st.lists(_TEXT if kind != "object" else _AS_READ, min_size=rows,
                                   max_size=rows))  # fmt: skip
        if kind == "object":  # cells as a workbook gives them
            raw[column.code] = pd.Series(cells, index=raw.index, dtype=object)
        else:
            raw[column.code] = _column(cells, kind).set_axis(raw.index)
    held = sorted(data.draw(st.sets(st.sampled_from(list(raw.index) or [0]), max_size=rows)))
    held = [r for r in held if r in raw.index]
    findings = Findings()
    for record in held:
        for check in data.draw(st.lists(st.sampled_from(["a", "b"]), min_size=1, max_size=3)):
            column = data.draw(st.sampled_from(["", "age"]))
            findings.add(file="f.csv", check=check, severity="error", message=f"no {check}",
                         column=column, record=record)  # fmt: skip
    validation = Validation(
        small, [], raw, raw.iloc[:, :0], findings.frame(), pd.Index(held, dtype="int64")
    )
    got, expected = validation.quarantine(), _quarantine(validation)
    pd.testing.assert_frame_equal(got, expected)
    assert list(got.dtypes) == list(expected.dtypes)
    columns = validation.quarantine_texts()  # the writers' text: the table's, neutralised
    assert {n: c.to_pylist() for n, c in columns.items()} == {
        n: c.to_pylist() for n, c in text_columns(got).items()
    }
    header = data.draw(st.booleans())
    assert render_texts(columns, header=header, crlf=False) == render(
        got, header=header, crlf=False
    )
