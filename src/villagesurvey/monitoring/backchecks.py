"""Back-checks: a second visit re-asks a few questions; do the answers agree with the survey's?

:func:`backcheck_instrument` is the instrument back-check returns are validated with: the
key, the questions marked ``backcheck`` and the back-checker's column, without skip rules or
required answers beyond the key (a back-check form is shorter). :func:`compare_backchecks`
matches the clean back-check rows with the survey's on the instrument's key and compares
every marked answer (:mod:`.backcheck_values`); :mod:`.backcheck_stats` gives the error
rates and the stability tests. Nothing here reads or writes a file.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..instrument import Column, Instrument, Question, Section
from .backcheck_stats import DEFAULT_THRESHOLD, error_rates, stability
from .backcheck_values import agree, blank, canonical, enumerator_column
from .keys import text_keys

if TYPE_CHECKING:
    import pandas as pd

    from ..validate import Validation

__all__ = [
    "NOT_IN_SURVEY",
    "QUARANTINED",
    "SURVEY_TWICE",
    "WITH_ERRORS",
    "Backchecks",
    "backcheck_columns",
    "backcheck_instrument",
    "compare_backchecks",
]

NOT_IN_SURVEY = "not_in_survey"
QUARANTINED = "survey_row_quarantined"
SURVEY_TWICE = "survey_key_twice"
WITH_ERRORS = "backcheck_has_errors"
_REPEATED_KEY = "duplicate_key"
_REASONS = {
    NOT_IN_SURVEY: "no survey row has this key",
    QUARANTINED: "the survey row with this key is in quarantine (not in the clean data)",
    SURVEY_TWICE: "two survey rows have this key",
    WITH_ERRORS: "the back-check row has errors (see backcheck_issues.csv)",
}


@dataclass
class Backchecks:
    """The comparison of back-checks with the survey; see ``docs/backcheck.md``.

    Attributes
    ----------
    key : tuple of str
        The instrument's key columns, by which rows are matched.
    enumerator, backchecker : str or None
        The survey's enumerator column and the back-checks' back-checker column.
    threshold : float
        The error rate above which a type-1 or type-2 rate is flagged.
    comparisons : DataFrame
        One line per answer compared: the key, ``column``, ``type``, ``survey`` and
        ``backcheck`` (as written), ``enumerator``, ``backchecker``, ``different``, the
        back-check's ``file`` and ``row``, the canonical values compared and the survey row's
        position in the survey's frame (``survey_index``).
    variables, enumerators, backcheckers : DataFrame
        Error rates (:func:`.backcheck_stats.error_rates`).
    stability : list of dict
        The paired tests of the type-3 questions (:func:`.backcheck_stats.stability`).
    unmatched : DataFrame
        Back-check rows not compared: ``file``, ``row``, the key, ``reason``, ``message``.
    twice : DataFrame
        Survey rows back-checked more than once: the key and ``backchecks``.
    rows : dict
        Counts: back-check rows read, clean, quarantined, compared; survey rows.
    """

    key: tuple[str, ...]
    enumerator: str | None
    backchecker: str | None
    threshold: float
    comparisons: pd.DataFrame
    variables: pd.DataFrame
    enumerators: pd.DataFrame
    backcheckers: pd.DataFrame
    stability: list[dict[str, Any]]
    unmatched: pd.DataFrame
    twice: pd.DataFrame
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def differences(self) -> pd.DataFrame:
        """The comparisons that differ."""
        return self.comparisons[self.comparisons["different"]].reset_index(drop=True)

    @property
    def flagged(self) -> bool:
        """Whether a type-1 or type-2 error rate is above the threshold."""
        tables = (self.variables, self.enumerators, self.backcheckers)
        return any(bool(t["above_threshold"].fillna(False).astype(bool).any()) for t in tables)


def backcheck_columns(instrument: Instrument) -> tuple[Column, ...]:
    """The dataset's columns a back-check compares (each wave of a marked question)."""
    return tuple(c for c in instrument.columns if c.question.backcheck is not None)


def backcheck_instrument(instrument: Instrument, backchecker: str | None = None) -> Instrument:
    """The instrument to validate back-check returns with: the key, the marked questions and
    the back-checker's column (a text question when it is not one of the instrument's)."""
    keep = set(instrument.key) | {q.code for q in instrument.questions if q.backcheck}
    if backchecker:
        keep.add(backchecker)
    sections = []
    for section in instrument.sections:
        questions = tuple(_loosened(q, instrument.key) for q in section.questions if q.code in keep)
        if questions:
            sections.append(Section(section.code, section.label, questions))
    if backchecker and backchecker not in {q.code for q in instrument.questions}:
        label = dict.fromkeys(instrument.languages, backchecker)
        asked = Question(backchecker, "text", label, "backchecker")
        sections.append(Section("backchecker", label, (asked,)))
    short = Instrument(
        instrument.id,
        instrument.version,
        instrument.title,
        instrument.languages,
        instrument.key,
        tuple(sections),
        instrument.choices,
        instrument.scales,
        instrument.waves,
    )
    return short


def _loosened(question: Question, key: tuple[str, ...]) -> Question:
    return dataclasses.replace(
        question,
        required=question.code in key,
        relevant=None,
        when_skipped=None,
        part_of=None,
        filter_by=(),
        sesoi=None,
    )


def compare_backchecks(
    instrument: Instrument,
    survey: pd.DataFrame,
    backchecks: Validation,
    *,
    backchecker: str | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    quarantined: Iterable[tuple[str, ...]] = (),
) -> Backchecks:
    """Match the back-checks' clean rows with the survey's and compare the marked answers.

    Parameters
    ----------
    instrument : Instrument
        The survey's instrument (its key and ``backcheck`` marks).
    survey : DataFrame
        The survey's clean rows (``clean.csv``), every value as text.
    backchecks : Validation
        The back-check returns validated with :func:`backcheck_instrument`.
    backchecker : str, optional
        The back-checks' column naming who made each.
    threshold : float, default 0.1
        The error rate above which a type-1 or type-2 rate is flagged.
    quarantined : iterable of tuple
        Keys of survey rows in quarantine (as :func:`.keys.text_keys` gives
        them): a back-check of one is reported as such, not as missing from the survey.

    Returns
    -------
    Backchecks
    """

    key = instrument.key
    enumerator = enumerator_column(instrument)
    columns = backcheck_columns(instrument)
    survey_keys = text_keys(survey, instrument)
    counts = Counter(survey_keys)
    by_key = {k: i for i, k in enumerate(survey_keys) if counts[k] == 1}
    held = set(quarantined)
    bc_rows, bc_clean = _clean_rows(backchecks)
    bc_keys = text_keys(bc_clean, instrument)
    lines: list[dict[str, Any]] = []
    unmatched: list[dict[str, Any]] = []
    for position, bc_key in enumerate(bc_keys):
        place = {"file": bc_rows[0][position], "row": bc_rows[1][position]}
        if bc_key not in by_key:
            reason = SURVEY_TWICE if bc_key in counts else NOT_IN_SURVEY
            reason = QUARANTINED if reason == NOT_IN_SURVEY and bc_key in held else reason
            unmatched.append({**place, **_key_dict(bc_clean, key, position), "reason": reason})
            continue
        at = by_key[bc_key]
        who = {
            "enumerator": _text(survey, enumerator, at),
            "backchecker": _text(bc_clean, backchecker, position),
        }
        for column in columns:
            line = _compare(column, survey[column.code].iloc[at], bc_clean, position)
            if line is not None:
                line["survey_index"] = at
                lines.append({**_key_dict(survey, key, at), **line, **who, **place})
    unmatched += _with_errors(backchecks, key)
    comparisons = _comparisons_frame(lines, key)
    kinds = {c.code: c.question.type for c in columns}
    twice = _twice(bc_keys, bc_clean, key, by_key)
    return Backchecks(
        key=key,
        enumerator=enumerator,
        backchecker=backchecker,
        threshold=threshold,
        comparisons=comparisons,
        variables=error_rates(comparisons, None, threshold),
        enumerators=error_rates(comparisons, "enumerator", threshold),
        backcheckers=error_rates(comparisons, "backchecker", threshold),
        stability=stability(comparisons, kinds),
        unmatched=_unmatched_frame(unmatched, key),
        twice=twice,
        rows={
            "survey": len(survey),
            "backchecks_in": backchecks.rows_in,
            "backchecks_compared": sum(k in by_key for k in bc_keys),
            "backchecks_not_compared": len(unmatched),
            "backchecks_not_read": backchecks.rows_not_read,
            "files_refused": len(backchecks.refused),
        },
    )


def _key_dict(frame: pd.DataFrame, key: tuple[str, ...], at: int) -> dict[str, str]:
    return {k: _text(frame, k, at) for k in key}


def _text(frame: pd.DataFrame, column: str | None, at: int) -> str:
    if column is None or column not in frame:
        return ""
    value = frame[column].iloc[at]
    return "" if value is None or value != value else str(value)


def _clean_rows(validation: Validation) -> tuple[tuple[list[str], list[int]], pd.DataFrame]:
    """The back-checks' rows to compare, with each one's file and Excel row: the clean rows,
    and those whose only error is that another back-check has their key (a household
    back-checked twice is reported as such, and both visits compared)."""
    from ..validate.result import FILE, ROW

    held = _held(validation)
    usable = dataclasses.replace(validation, quarantined=held)
    keep = ~validation.typed.index.isin(held)
    raw = validation.raw.loc[validation.typed.index[keep]]
    files = [str(f) for f in raw[FILE].tolist()]
    rows = [int(r) for r in raw[ROW].tolist()]
    return (files, rows), usable.clean()


def _held(validation: Validation) -> pd.Index:
    """The quarantined records with an error other than a repeated key."""
    findings = validation.findings
    errors = findings[(findings["severity"] == "error") & findings["record"].notna()]
    other = errors[errors["check"] != _REPEATED_KEY]["record"].astype("int64")
    return validation.quarantined[validation.quarantined.isin(other.unique())]


def _compare(
    column: Column, survey_value: Any, backchecks: pd.DataFrame, at: int
) -> dict[str, Any] | None:
    bc_raw = backchecks[column.code].iloc[at] if column.code in backchecks else None
    backcheck = canonical(column, bc_raw)
    if backcheck is None:
        return None  # not asked in the back-check: nothing to compare
    survey = canonical(column, survey_value)
    return {
        "column": column.code,
        "type": column.question.backcheck,
        "survey": "" if survey is None else str(survey_value),
        "backcheck": str(bc_raw),
        "different": survey is None or not agree(column, survey, backcheck),
        "survey_value": survey,
        "backcheck_value": backcheck,
    }


def _comparisons_frame(lines: list[dict[str, Any]], key: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    names = [*key, "column", "type", "survey", "backcheck", "enumerator", "backchecker"]
    names += ["different", "file", "row", "survey_value", "backcheck_value", "survey_index"]
    frame = pd.DataFrame(lines, columns=names)
    frame["different"] = frame["different"].astype(bool)
    frame["type"] = frame["type"].astype(int)
    return frame


def _with_errors(validation: Validation, key: tuple[str, ...]) -> list[dict[str, Any]]:
    """The back-check rows in quarantine, each with where it is and its key as written."""
    from ..validate.result import FILE, ROW

    raw = validation.raw.loc[_held(validation)]
    out = []
    for record in raw.index:
        row = raw.loc[record]
        keys = {k: "" if blank(row.get(k)) else str(row.get(k)) for k in key}
        out.append({"file": str(row[FILE]), "row": int(row[ROW]), **keys, "reason": WITH_ERRORS})
    return out


def _unmatched_frame(lines: list[dict[str, Any]], key: tuple[str, ...]) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(lines, columns=["file", "row", *key, "reason"])
    frame["message"] = frame["reason"].map(_REASONS)
    return frame


def _twice(
    bc_keys: pd.Series, clean: pd.DataFrame, key: tuple[str, ...], by_key: dict[Any, int]
) -> pd.DataFrame:
    import pandas as pd

    counts = Counter(bc_keys)
    repeated = [k for k in dict.fromkeys(bc_keys) if counts[k] > 1 and k in by_key]
    rows = []
    for k in repeated:
        first = int(bc_keys.tolist().index(k))
        rows.append({**_key_dict(clean, key, first), "backchecks": int(counts[k])})
    return pd.DataFrame(rows, columns=[*key, "backchecks"])
