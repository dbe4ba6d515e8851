"""The back-checks as a step of validate: ``validate ... --backchecks RETURNS``.

The back-check returns are compared with the clean rows of the validation that has just
been made (:func:`.backchecks.compare_backchecks`); the results go to
``validation.monitoring["backchecks"]`` (summary.json, the dashboard) and what deserves a
look becomes warnings: each type-1 difference on its survey row (``backcheck_differs``), an
enumerator whose error rate is above the threshold (``backcheck_rate``), a back-check that
could not be compared (``backcheck_not_compared``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .backcheck_outputs import backcheck_results, file_lines, masked
from .backcheck_run import validate_backchecks
from .backcheck_values import enumerator_column
from .backchecks import Backchecks, compare_backchecks
from .keys import text_keys

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import Validation

__all__ = ["VIEW", "add_backchecks"]

VIEW = "backchecks"
"""The name of the view in ``validation.monitoring`` and summary.json."""


def add_backchecks(validation: Validation, sources: Sequence[str | Path], **reading: Any) -> None:
    """Compare the back-check returns ``sources`` with the validation's clean rows.

    Parameters
    ----------
    validation : Validation
        The survey's validation; gains ``monitoring["backchecks"]`` and warnings.
    sources : sequence of path
        The back-check returns (files or folders).
    **reading
        Limits passed on to validate (``timeout``, ...).

    Raises
    ------
    OptionError
        If the instrument marks no question for back-checks.
    ReturnsError
        If no back-check return can be read.
    """
    import pandas as pd

    instrument = validation.instrument
    who = enumerator_column(instrument)
    checked = validate_backchecks(instrument, sources, who, **reading)
    quarantine = validation.quarantine()
    held = set(text_keys(quarantine, instrument))
    result = compare_backchecks(
        instrument, validation.clean(), checked, backchecker=who, quarantined=held
    )
    validation.monitoring[VIEW] = backcheck_results(result, instrument, file_lines(checked))
    warnings = pd.concat(
        [_differences(validation, result), _rates(result), _not_compared(result)],
        ignore_index=True,
    )
    validation.add_warnings(warnings)


def _survey_places(validation: Validation) -> pd.DataFrame:
    """File, Excel row and record of each clean row, in the order of ``clean()``."""
    from ..validate.result import FILE, ROW

    keep = ~validation.typed.index.isin(validation.quarantined)
    records = validation.typed.index[keep]
    raw = validation.raw.loc[records]
    return raw[[FILE, ROW]].assign(record=records).reset_index(drop=True)


def _differences(validation: Validation, result: Backchecks) -> pd.DataFrame:
    import pandas as pd

    from ..validate.result import FILE, ROW

    lines = masked(result.differences, validation.instrument)
    lines = lines[lines["type"] == 1]
    places = _survey_places(validation).iloc[lines["survey_index"].to_numpy()]
    said = [
        f"the back-check{' by ' + who if who else ''} found {bc!r}, the survey "
        f"{repr(survey) if survey else 'blank'} (type 1: a fact that should not differ; "
        f"back-check {file} row {row})"
        for who, bc, survey, file, row in zip(
            lines["backchecker"], lines["backcheck"], lines["survey"], lines["file"], lines["row"],
            strict=True,
        )
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "file": places[FILE].to_numpy(),
            "row": places[ROW].to_numpy(),
            "record": places["record"].to_numpy(),
            "column": lines["column"].to_numpy(),
            "value": lines["survey"].to_numpy(),
            "expected": lines["backcheck"].to_numpy(),
            "check": "backcheck_differs",
            "severity": "warning",
            "message": said,
        }
    )


def _rates(result: Backchecks) -> pd.DataFrame:
    import pandas as pd

    table = result.enumerators
    high = table[table["above_threshold"].fillna(False).astype(bool)]
    said = [
        f"enumerator {name or '(blank)'}: {d} of {n} type-{t} answers differ from the "
        f"back-checks ({rate:.0%}; threshold {result.threshold:.0%})"
        for name, d, n, t, rate in zip(
            high["enumerator"], high["differences"], high["comparisons"], high["type"],
            high["error_rate"], strict=True,
        )
    ]  # fmt: skip
    return pd.DataFrame(
        {
            "column": result.enumerator or "",
            "value": high["enumerator"].to_numpy(),
            "check": "backcheck_rate",
            "severity": "warning",
            "message": said,
        }
    )


def _not_compared(result: Backchecks) -> pd.DataFrame:
    import pandas as pd

    lines = result.unmatched
    keys = [
        ", ".join(str(v) for v in values)
        for values in zip(*(lines[k] for k in result.key), strict=True)
    ]
    return pd.DataFrame(
        {
            "file": lines["file"].to_numpy(),
            "row": lines["row"].to_numpy(),
            "value": keys,
            "check": "backcheck_not_compared",
            "severity": "warning",
            "message": [f"back-check not compared: {m}" for m in lines["message"]],
        }
    )
