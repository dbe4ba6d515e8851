"""The back-check's outputs: the results as plain data, and the files of ``backcheck -o``.

:func:`backcheck_results` is what ``backcheck.json`` holds and what validate puts in
``summary.json``'s ``monitoring["backchecks"]`` for the dashboard; :func:`write_backchecks`
writes the whole set (:data:`OUTPUTS`) at once, as validate writes its own.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from ..tables.outputset import output_lock, output_set
from ..tables.safe import neutralise
from ..validate.cells import HIDDEN
from .backcheck_stats import enumerator_questions
from .backchecks import Backchecks

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument
    from ..validate import Validation

__all__ = ["OUTPUTS", "RESULTS", "backcheck_results", "masked", "write_backchecks"]

RESULTS = "backcheck.json"
OUTPUTS = (
    "differences.csv",
    "comparisons.csv",
    "backcheck.xlsx",
    "backcheck_issues.csv",
    RESULTS,
)
_SHOWN = ("column", "type", "survey", "backcheck", "enumerator", "backchecker", "file", "row")
_ISSUES = ("file", "sheet", "row", "column", "check", "severity", "message")


def masked(frame: pd.DataFrame, instrument: Instrument, show_pii: bool = False) -> pd.DataFrame:
    """The comparisons with the answers to personal-data questions hidden, unless asked."""
    if show_pii or not len(frame):
        return frame
    pii = {c.code for c in instrument.columns if c.question.pii}
    private = frame["column"].isin(pii)
    if not private.any():
        return frame
    frame = frame.copy()
    for name in ("survey", "backcheck"):
        shown = frame[name].astype(str) != ""
        frame.loc[private & shown, name] = HIDDEN
    return frame


def backcheck_results(
    result: Backchecks,
    instrument: Instrument,
    files: list[dict[str, Any]] | None = None,
    *,
    show_pii: bool = False,
) -> dict[str, Any]:
    """The back-check's numbers as JSON-ready data (NaN as ``None``); see docs/backcheck.md.

    Answers to personal-data questions are hidden unless ``show_pii``.
    """
    differences = masked(result.differences, instrument, show_pii)
    type1 = differences[differences["type"] == 1]
    labels = {c.code: dict(c.question.label) for c in instrument.columns}
    variables = _records(result.variables)
    for line in variables:
        line["label"] = labels.get(line["column"], {})
    out = {
        "instrument": {"id": instrument.id, "version": instrument.version},
        "key": list(result.key),
        "enumerator_column": result.enumerator,
        "backchecker_column": result.backchecker,
        "threshold": result.threshold,
        "rows": result.rows,
        "comparisons": len(result.comparisons),
        "differences": len(differences),
        "flagged": result.flagged,
        "variables": variables,
        "enumerators": _records(result.enumerators),
        "backcheckers": _records(result.backcheckers),
        "stability": result.stability,
        "type1_differences": _records(type1[[*result.key, *_SHOWN]]),
        "not_compared": _records(result.unmatched),
        "backchecked_twice": _records(result.twice),
    }
    if files is not None:
        out["files"] = files
    return _plain(out)  # type: ignore[no-any-return]


def file_lines(validation: Validation) -> list[dict[str, Any]]:
    """The back-check files read and refused, as summary.json lists validate's."""
    return [
        {"name": f.name, "status": f.status, "sha256": f.sha256, "check": f.check,
         "reason": f.reason, "rows_in": f.rows_in}
        for f in validation.files
    ]  # fmt: skip


def write_backchecks(
    result: Backchecks,
    validation: Validation,
    instrument: Instrument,
    outdir: str | Path,
    *,
    show_pii: bool = False,
) -> Path:
    """Write :data:`OUTPUTS` into ``outdir`` as one set (staged, then put in place).

    Answers to personal-data questions are hidden unless ``show_pii``.

    Raises
    ------
    OutputError
        If the folder cannot be written, or another run is writing into it.
    """
    folder = Path(outdir)
    results = backcheck_results(result, instrument, file_lines(validation), show_pii=show_pii)
    shown = [*result.key, *_SHOWN]
    differences = masked(result.differences[shown], instrument, show_pii)
    with output_lock(folder), output_set(folder, OUTPUTS, RESULTS) as staging:
        _csv(staging / "differences.csv", differences)
        comparisons = result.comparisons[[*shown, "different"]]
        _csv(staging / "comparisons.csv", masked(comparisons, instrument, show_pii))
        _csv(staging / "backcheck_issues.csv", _issues(validation, show_pii))
        _xlsx(staging / "backcheck.xlsx", result, differences)
        with atomic_path(staging / RESULTS) as temporary:
            text = json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False)
            temporary.write_text(text + "\n", encoding="utf-8")
    return folder


def _csv(path: Path, frame: pd.DataFrame) -> None:
    safe = frame.map(lambda v: neutralise(v) if isinstance(v, str) else v)
    with atomic_path(path) as temporary:
        safe.to_csv(temporary, index=False, encoding="utf-8")


def _issues(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The back-check returns' findings; messages about personal data left out unless asked."""
    issues = validation.findings[list(_ISSUES)].copy()
    if not show_pii:
        pii = {c.code for c in validation.instrument.columns if c.question.pii}
        issues.loc[issues["column"].isin(pii), "message"] = HIDDEN
    return issues


def _xlsx(path: Path, result: Backchecks, differences: pd.DataFrame) -> None:
    from openpyxl import Workbook

    from ..tables.xlsx import add_table_sheet

    book = Workbook(write_only=True)
    sheets: list[tuple[str, pd.DataFrame, str | None]] = [
        ("differences", differences, None),
        ("variables", result.variables, _threshold_note(result)),
        ("enumerators", result.enumerators, _threshold_note(result)),
        ("backcheckers", result.backcheckers, _threshold_note(result)),
        (
            "enumerator questions",
            enumerator_questions(result.comparisons, result.threshold),
            "the questions of each enumerator above the threshold",
        ),
        ("stability", _stability_frame(result), "type-3 questions: survey and back-check paired"),
        ("not compared", result.unmatched, None),
        ("backchecked twice", result.twice, None),
    ]
    for title, frame, note in sheets:
        rows = frame.astype(object).where(frame.notna(), None).itertuples(index=False)
        add_table_sheet(book, title, [str(c) for c in frame.columns], rows, note=note)
    with atomic_path(path) as temporary:
        book.save(temporary)


def _threshold_note(result: Backchecks) -> str:
    rate = f"{result.threshold:g}"
    return f"error rate = differences / comparisons; flagged above {rate} (types 1 and 2)"


def _stability_frame(result: Backchecks) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(result.stability)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {str(k): _plain(v) for k, v in row.items()}
        for row in frame.astype(object).to_dict(orient="records")
    ]


def _plain(value: Any) -> Any:
    """JSON-ready: NaN and NA as None, numpy scalars as Python ones, containers walked."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if value is not None and type(value).__name__ == "NAType":
        return None
    if isinstance(value, frozenset | set):
        return sorted(str(v) for v in value)
    return value
