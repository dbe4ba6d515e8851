"""The schema's checks run as masks find what pandera's own lazy validation finds, in its order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from villagesurvey import Instrument
from villagesurvey.instrument.conditions import parse_condition
from villagesurvey.validate import validate_returns
from villagesurvey.validate.masks import holds
from villagesurvey.validate.schema import PART_TOLERANCE, build_schemas, failures, parts_over_total

from .conftest import ROOT


def _pandera(schema: pa.DataFrameSchema, typed: pd.DataFrame) -> list[tuple[int, str, str]]:
    """What pandera itself says: its failure cases as (record, column, check), first seen first."""
    try:
        schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return []
    cases = cases[cases["index"].notna()]
    found: dict[tuple[int, str, str], None] = {}
    for index, column, check in cases[["index", "column", "check"]].itertuples(index=False):
        code, _, named = str(check).partition("|")
        found[(int(index), named or str(column), code)] = None
    return list(found)


def test_masks_find_what_pandera_finds_in_its_order(model_study: Instrument) -> None:
    validation = validate_returns(model_study, [ROOT / "sample_data" / "returns_messy"])
    schemas = build_schemas(model_study)
    own = tuple(r.code for r in model_study.rules)
    typed = validation.typed
    for schema in (schemas.errors, schemas.warnings):
        table = failures(schema, typed, own)
        ours = list(zip(table["record"], table["column"], table["check"], strict=True))
        assert ours == _pandera(schema, typed)
    # the sample's messy returns fail every kind of schema check at least once
    kinds = set(failures(schemas.errors, typed, own)["check"])
    assert {"out_of_range", "required_missing", "skip_rule_violation"} <= kinds
    assert set(failures(schemas.warnings, typed, own)["check"]) == {"outside_soft_limit"}


def _pandas_over(frame: pd.DataFrame, parts: list[str], total: str) -> list[bool]:
    """The pandas definition of parts above their total (as the check was first written)."""
    summed = frame[parts].sum(axis=1, skipna=True)
    any_part = frame[parts].notna().any(axis=1)
    over = any_part & frame[total].notna() & (summed > frame[total] + PART_TOLERANCE)
    return over.fillna(False).astype(bool).tolist()


_AMOUNTS = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: round(x, 2)),
    st.sampled_from([0.0, 0.1, 0.2, 0.3, 0.5, 1e16, -1e16, 1e308, -1e308, 2.0**53]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_AMOUNTS, _AMOUNTS, _AMOUNTS, _AMOUNTS), min_size=1, max_size=20))
def test_parts_over_total_is_the_pandas_sum(rows: list[tuple[float | None, ...]]) -> None:
    frame = pd.DataFrame(rows, columns=["total", "a", "b", "c"]).astype("Float64")
    over = parts_over_total([frame["a"], frame["b"], frame["c"]], frame["total"])
    assert over.tolist() == _pandas_over(frame, ["a", "b", "c"], "total")


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(_AMOUNTS, _AMOUNTS, _AMOUNTS, _AMOUNTS), min_size=1, max_size=20),
    st.sampled_from([0.0, np.nan, np.inf, -np.inf, 1e308, -1e16]),
)
def test_what_a_missing_part_holds_underneath_is_not_taken(
    rows: list[tuple[float | None, ...]], underneath: float
) -> None:
    # the answers' buffers hold a value under each missing answer (NaN where normalising
    # makes them): the same sums whatever it is
    frame = pd.DataFrame(rows, columns=["total", "a", "b", "c"]).astype("Float64")
    held = {}
    for code in ("a", "b", "c"):
        mask = frame[code].isna().to_numpy()
        data = frame[code].to_numpy(dtype=float, na_value=underneath)
        held[code] = pd.Series(pd.arrays.FloatingArray(data, mask))
    over = parts_over_total([held["a"], held["b"], held["c"]], frame["total"])
    assert over.tolist() == _pandas_over(frame, ["a", "b", "c"], "total")


def test_parts_over_total_at_the_tolerance() -> None:
    # 0.1 + 0.2 + 0.3 is 0.6000000000000001 added one by one, 0.6 compensated as pandas adds
    frame = pd.DataFrame(
        {
            "total": [1.0, 1.0, 0.1, 5.0, None, 3.0, 0.0, 0.1],
            "a": [1.0, 1.0, 0.1, None, 4.0, -1.0, None, 0.1],
            "b": [0.5, 0.5000001, 0.2, None, 4.0, 4.0, None, 0.2],
            "c": [None, None, 0.3, None, None, 0.5, None, 0.3],
        },
        dtype="Float64",
    )
    over = parts_over_total([frame["a"], frame["b"], frame["c"]], frame["total"])
    expected = _pandas_over(frame, ["a", "b", "c"], "total")
    assert over.tolist() == expected
    assert expected == [False, True, False, False, False, False, False, False]


def test_skip_rules_on_missing_answers_are_unknown() -> None:
    # three-valued (Kleene) logic: NA and False is False, NA or True is True, not NA is NA
    answers = pd.DataFrame(
        {
            "p": pd.array(["1", "2", None, "10", None, "1"], dtype="str"),
            "n": pd.array([3.0, None, 3.0, 1.0, None, None], dtype="Float64"),
            "m": pd.array(["a b", None, "b", "", None, "a"], dtype="str"),
        }
    )

    def said(text: str) -> list[bool | None]:
        out = holds(parse_condition(text), answers)
        assert str(out.dtype) == "boolean"
        return [None if v is pd.NA else bool(v) for v in out.tolist()]

    assert said("p = 1") == [True, False, None, False, None, True]
    assert said("p > 9") == [False, False, None, True, None, False]
    assert said("not(p = 1)") == [False, True, None, True, None, False]
    assert said("p = 1 and n > 2") == [True, False, None, False, None, None]
    assert said("p = 1 or n > 2") == [True, None, True, False, None, True]
    assert said("selected(m, 'a')") == [True, None, False, False, None, True]
    assert said("p in [2, 10]") == [False, True, None, True, None, False]


def test_schemas_kept_for_the_instruments_used_last(model_study: Instrument) -> None:
    """A process checking returns of many instruments in turn keeps the schemas, and the column
    types found to fit them, of the last few only."""
    import dataclasses
    import gc

    from villagesurvey.validate import schema

    versions = [
        dataclasses.replace(model_study, version=f"{model_study.version}.{n}")
        for n in range(schema.KEPT_SCHEMAS + 3)
    ]
    assert len({v.content_hash for v in versions}) == len(versions)
    frames = [validate_returns(v, [ROOT / "sample_data" / "returns"]).typed for v in versions[:1]]
    for version in versions:
        built = build_schemas(version)
        failures(built.errors, frames[0])
        assert build_schemas(version) is built  # kept while among the last used
    gc.collect()
    kept = {id(build.errors) for build in schema._BUILT.values()}
    kept |= {id(build.warnings) for build in schema._BUILT.values()}
    assert len(schema._BUILT) == schema.KEPT_SCHEMAS
    assert set(schema._TYPES_SEEN) <= kept
    assert build_schemas(versions[0]) is not None  # built again once dropped
