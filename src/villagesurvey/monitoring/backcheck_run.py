"""Run a back-check from files: the survey's clean.csv and the back-check returns.

The edge of :mod:`.backchecks`: reads the survey's clean rows (and, when validate wrote
``quarantine.csv`` beside them, the keys of the rows in quarantine), validates the
back-check returns with :func:`~villagesurvey.validate.validate_returns`, and compares.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OptionError, ReturnsError
from ..tables.safe import shown_name
from .backcheck_stats import DEFAULT_THRESHOLD
from .backcheck_values import enumerator_column
from .backchecks import Backchecks, backcheck_columns, backcheck_instrument, compare_backchecks
from .keys import text_keys

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument import Instrument
    from ..validate import Validation

__all__ = ["read_survey", "run_backcheck", "validate_backchecks"]

_CODE = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
"""A column code, as the instrument's codes are written."""


def read_survey(instrument: Instrument, path: str | Path, *, answers: bool = True) -> pd.DataFrame:
    """The survey's clean rows as text; :class:`ReturnsError` if the file cannot be read or
    lacks a key column (or, with ``answers``, a back-checked one)."""
    import pandas as pd

    name = shown_name(str(path))
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", on_bad_lines="error"
        )
    except FileNotFoundError:
        raise ReturnsError(f"{name}: no such file") from None
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        raise ReturnsError(f"{name}: cannot be read as CSV ({exc})") from None
    needed = [*instrument.key, *(c.code for c in backcheck_columns(instrument) if answers)]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ReturnsError(
            f"{name} has no column {', '.join(missing)}; give the clean.csv that validate "
            f"wrote for {instrument.id}"
        )
    return frame


def quarantined_keys(instrument: Instrument, survey_path: str | Path) -> set[tuple[str, ...]]:
    """The keys of the rows in ``quarantine.csv`` beside the survey's clean.csv, if any."""
    import pandas as pd

    path = Path(survey_path).with_name("quarantine.csv")
    if not path.is_file():
        return set()
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (OSError, ValueError, pd.errors.ParserError):
        return set()
    if any(k not in frame.columns for k in instrument.key):
        return set()
    return set(text_keys(frame, instrument))


def validate_backchecks(
    instrument: Instrument,
    sources: Sequence[str | Path],
    backchecker: str | None,
    progress: Callable[[Path, int, int], None] | None = None,
    **reading: Any,
) -> Validation:
    """Validate back-check returns with :func:`.backchecks.backcheck_instrument`."""
    from ..validate import validate_returns

    if not backcheck_columns(instrument):
        raise OptionError(
            f"{instrument.id} marks no question for back-checks; add backcheck: 1, 2 or 3 to "
            "the questions a back-check re-asks (docs/backcheck.md)"
        )
    if backchecker is not None and not _CODE.fullmatch(backchecker):
        raise OptionError(
            f"--backchecker {backchecker!r}: name a column (a letter, then letters, digits, "
            "_, - or .)"
        )
    short = backcheck_instrument(instrument, backchecker)
    validation = validate_returns(short, sources, progress=progress, **reading)
    if validation.exit_code == 2:
        raise ReturnsError("no back-check return could be read: " + _refusals(validation))
    # A back-check made on the survey's own workbook is what is expected, not a changed text.
    findings = validation.findings
    own = (findings["check"] == "changed_instrument") & (
        findings["value"].astype(str) == instrument.content_hash[:12]
    )
    validation.findings = findings[~own].reset_index(drop=True)
    return validation


def _refusals(validation: Validation) -> str:
    return "; ".join(f"{f.name}: {f.reason}" for f in validation.refused) or "no file"


def run_backcheck(
    instrument: Instrument,
    survey_path: str | Path,
    sources: Sequence[str | Path],
    *,
    backchecker: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[Path, int, int], None] | None = None,
    **reading: Any,
) -> tuple[Backchecks, Validation]:
    """Compare back-check returns with the survey's clean rows.

    Parameters
    ----------
    instrument : Instrument
        The survey's instrument, with its questions marked ``backcheck``.
    survey_path : path
        The survey's ``clean.csv`` (validate's output).
    sources : sequence of path
        The back-check returns: files or folders, read as validate reads returns.
    backchecker : str, optional
        The back-checks' column naming who made each; by default the instrument's
        enumerator column (the back-checker fills in the form's enumerator field).
    threshold : float, default 0.1
        The error rate above which a type-1 or type-2 rate is flagged.
    progress : callable, optional
        Called as validate's is, after each back-check file is read.
    **reading
        Limits passed on to validate (``timeout``, ...).

    Returns
    -------
    (Backchecks, Validation)
        The comparison, and the validation of the back-check returns.

    Raises
    ------
    OptionError
        If the instrument marks no question, or the back-checker column is not a name.
    ReturnsError
        If the survey file cannot be read, or no back-check return can be.
    """
    survey = read_survey(instrument, survey_path)
    who = backchecker or enumerator_column(instrument)
    validation = validate_backchecks(instrument, sources, who, progress, **reading)
    result = compare_backchecks(
        instrument,
        survey,
        validation,
        backchecker=who,
        threshold=threshold,
        quarantined=quarantined_keys(instrument, survey_path),
    )
    return result, validation
