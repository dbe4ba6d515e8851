"""The raw frame holds every return's rows, each value the object it was in the return.

Its columns of objects (file, sheet, row, language, typed, provenance) are compared with the
same values listed row by row, value for value and type for type, for files of both kinds.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pyarrow as pa

from villagesurvey import parse_instrument
from villagesurvey.validate.layout import Return
from villagesurvey.validate.normalise import LANGUAGE, TYPED
from villagesurvey.validate.raw_frame import _raw_frame
from villagesurvey.validate.result import FILE, PROVENANCE, ROW, SHEET

INSTRUMENT = """\
id: raw
version: "1"
title: {en: Raw}
languages: [en]
key: [person_id]
sections:
  - code: s
    label: {en: All}
    questions:
      - {code: person_id, type: text, required: true, label: {en: Person}}
      - {code: age, type: integer, label: {en: Age}}
"""


def _returns() -> list[Return]:
    book = Return(
        "a.xlsx", "Data", [2, 3, 5], {"person_id": ["p1", True, None], "age": [41, 3.5, date(2022, 1, 2)]},
        {"person_id": "A", "age": "B"}, {}, "en", True,
    )  # fmt: skip
    export = Return(
        "b.csv", "b", [2, 3], {"person_id": pa.chunked_array([["p2", None]])}, {"person_id": "A"},
        {}, None, False, {"submission": ["uuid:1", None], "submitted": ["2022-08-03", "x"]},
    )  # fmt: skip
    empty = Return("c.csv", "c", [], {}, {}, {}, None, False)
    return [book, export, empty]


def test_each_value_is_the_object_of_its_return():
    instrument = parse_instrument(INSTRUMENT, source="raw.yaml")
    returns = _returns()
    raw = _raw_frame(instrument, returns)
    rows = [  # the frame's object columns, listed row by row
        (r.file, r.sheet, row, r.language, r.typed_cells,
         *(r.provenance.get(key, [None] * len(r.rows))[n] for key in PROVENANCE))
        for r in returns for n, row in enumerate(r.rows)
    ]  # fmt: skip
    names = [FILE, SHEET, ROW, LANGUAGE, TYPED, *PROVENANCE.values()]
    expected = pd.DataFrame(
        {name: pd.Series([row[i] for row in rows], dtype=object) for i, name in enumerate(names)}
    )
    pd.testing.assert_frame_equal(raw[names], expected, check_exact=True)
    assert raw[names].map(type).equals(expected.map(type))
    assert raw.index.equals(pd.RangeIndex(5))
    assert list(raw.columns) == [*names, "person_id", "age"]
    assert raw["age"].tolist() == [41, 3.5, date(2022, 1, 2), None, None]
    assert raw["person_id"].tolist() == ["p1", True, None, "p2", None]
    assert raw["age"].dtype == object
    assert raw["person_id"].dtype == object


def test_a_column_only_csv_files_fill_stays_arrow_text():
    instrument = parse_instrument(INSTRUMENT, source="raw.yaml")
    raw = _raw_frame(instrument, _returns()[1:])
    assert str(raw["person_id"].dtype) == "str"
    assert raw["person_id"].tolist()[0] == "p2"
    assert pd.isna(raw["person_id"].tolist()[1])
    assert raw["age"].isna().all()
