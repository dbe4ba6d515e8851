"""The schema's checks run as masks find what pandera's own lazy validation finds, in its order."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from villagesurvey import Instrument
from villagesurvey.validate import validate_returns
from villagesurvey.validate.schema import build_schemas, failures

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
