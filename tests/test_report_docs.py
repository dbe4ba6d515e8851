"""Every key of results.json is documented in docs/report.md."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from villagesurvey.report import write_report

from .conftest import MODEL_STUDY, ROOT

TRUTH = ROOT / "sample_data" / "truth.csv"
DOCS = ROOT / "docs" / "report.md"

# Objects whose keys are values of the data (cluster ids, years, category codes, languages,
# construct codes, --by columns), not names of results.
DATA_KEYED = re.compile(
    r"^(clustering\.sizes|deflation\.(index|factors)|subgroups(\.[^.]+)?|subgroup_differences"
    r"|outcomes\[\]\.label|subgroups\.[^.]+\.[^.]+\.outcomes\[\]\.label"
    r"|scales\.fornell_larcker\.sqrt_ave|rosters)$"
)


def _keys(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            if not DATA_KEYED.match(path):
                yield path, key
            yield from _keys(inner, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner, f"{path}[]")


def _documented() -> set[str]:
    text = re.sub(r"```.*?```", "", DOCS.read_text(encoding="utf-8"), flags=re.S)
    return {word for span in re.findall(r"`([^`]+)`", text) for word in re.findall(r"\w+", span)}


def test_every_results_json_key_is_documented(tmp_path):
    write_report(
        MODEL_STUDY, TRUTH, tmp_path, by=["gender"], compare="ecom_participation_2022",
        bootstrap=20, rosters={"members": ROOT / "sample_data" / "truth_members.csv"},
    )  # fmt: skip
    results = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    keys = set(_keys(results))
    assert ("scales", "paths") in keys  # the walk reaches the nested sections
    assert ("difference_in_differences.outcomes[]", "did_p") in keys
    assert ("rosters.members.pyramid[]", "count") in keys
    villages = set(results["clustering"]["sizes"])  # `missing` has a count per village
    keys = {(path, key) for path, key in keys if not (path == "missing[]" and key in villages)}
    documented = _documented()
    assert sorted({(path, key) for path, key in keys if key not in documented}) == []
