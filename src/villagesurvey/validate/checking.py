"""Check returns laid out on the instrument: normalise, the rules, duplicates, outliers.

The stages, each in its own module::

    corrections a supervisor's decisions applied to the values as read, with an audit trail
    normalise   cells → typed answers, every change logged
    schema      pandera rules from the instrument (errors and warnings)
    duplicates  copies of a row, one key with different answers
    hfc         outliers, non-response rates

No file is touched here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..instrument import Instrument
from . import correction_tables
from . import corrections as fixes_file
from .cells import is_dont_know
from .error_cells import find_error_cells
from .findings import Findings
from .layout import Return
from .normalise import normalise
from .raw_frame import _raw_frame
from .result import FILE, NOT_READ, PROVENANCE, ROW, SHEET, FileReport, Validation
from .submission_key import fill_submission_key
from .tool_blanks import read_tool_blanks
from .total_rows import TOTAL_WORDS as TOTAL_WORDS
from .total_rows import find_total_rows

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "CheckedRows", "check_returns", "check_rows", "count_file_rows", "locate_findings",
    "rows_as_read",
]  # fmt: skip


def _silent(line: str) -> None:
    """A stage callback that says nothing."""


def check_returns(
    instrument: Instrument,
    returns: list[Return],
    *,
    files: list[FileReport] | None = None,
    findings: Findings | None = None,
    outlier_factor: float | None = None,
    stage: Callable[[str], None] | None = None,
    corrections: fixes_file.CorrectionsFile | None = None,
) -> Validation:
    """Check returns already laid out on the instrument; no file is touched.

    Parameters
    ----------
    instrument : Instrument
        The rules.
    returns : list of Return
        The answers of each file, as :func:`.layout.lay_out` gives them.
    files : list of FileReport, optional
        The files the returns came from (and any refused); made from ``returns`` if not given.
    findings : Findings, optional
        Findings made while reading and laying out, to which these are added.
    outlier_factor : float, optional
        See :func:`validate_returns`.
    stage : callable, optional
        Called with a line before each step (reading the answers, the rules, duplicates and
        outliers); :func:`validate_returns` passes it for :data:`STEPS_FROM` rows or more.
    corrections : CorrectionsFile, optional
        Decisions applied to the rows as read, before any check (:mod:`.corrections`).
    """
    import pandas as pd

    from . import duplicates, hfc

    findings = findings if findings is not None else Findings()
    if files is None:
        files = [FileReport(r.file, Path(r.file), None, "read") for r in returns]
    say = stage if stage is not None else _silent
    checked = check_rows(instrument, returns, findings, corrections=corrections, stage=say)
    raw, typed, rows, fixes = checked.raw, checked.typed, checked.rows, checked.fixes
    applied = checked.applied
    say("looking for duplicates and outliers")
    submissions = raw[PROVENANCE["submission"]]
    copies = duplicates.find_duplicates(instrument, rows, checked.where, submissions)
    findings.add_frame(copies.assign(severity="error"))
    for cascaded in checked.cascaded:
        findings.add_frame(cascaded)
    factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
    findings.add_frame(
        hfc.find_outliers(instrument, checked.sound, factor).assign(severity="warning")
    )
    table = findings.frame()
    table = locate_findings(
        correction_tables.settle(table, applied) if applied else table, raw, returns
    )
    errors = table[(table["severity"] == "error") & table["record"].notna()]
    quarantined = pd.Index(sorted(set(errors["record"].astype(int))), dtype="int64")
    count_file_rows(files, raw, quarantined, table)
    if applied is not None:
        correction_tables.count_dropped(files, applied)
    unreadable = fixes[fixes["severity"] == "error"]
    said = _dont_know(unreadable["value"])
    dont_know = unreadable.loc[said.astype(bool), "record"].astype(int).value_counts()
    first = instrument.key[0]
    groups = {f"by_{first}": first}
    enumerator = instrument.monitoring.enumerator  # the question coded enumerator by default
    if enumerator is not None:
        groups = {"by_enumerator": enumerator, **groups}
    rates = hfc.response_rates(instrument, rows, dont_know, groups)
    return Validation(instrument, files, raw, typed, table, quarantined, rates, corrections=applied)


@dataclass
class CheckedRows:
    """What the checks that look at one row at a time give for a set of rows.

    ``raw`` and ``typed`` hold every row (by record); ``rows`` the typed respondents (total
    rows left out), ``sound`` the same with the answers already flagged blanked (for the
    outliers), ``where`` each record's ``"<file> row <n>"``, ``cascaded`` the findings of
    the cascades (filtered and exclusive choices), made after the duplicates.
    """

    raw: pd.DataFrame
    typed: pd.DataFrame
    rows: pd.DataFrame
    fixes: pd.DataFrame
    sound: pd.DataFrame
    where: pd.Series
    cascaded: tuple[pd.DataFrame, pd.DataFrame]
    applied: fixes_file.Applied | None


def check_rows(
    instrument: Instrument,
    returns: list[Return],
    findings: Findings,
    *,
    first: int = 0,
    corrections: fixes_file.CorrectionsFile | None = None,
    stage: Callable[[str], None] = _silent,
) -> CheckedRows:
    """The checks that look at one row at a time: normalising, the one-row rules, cascades.

    Parameters
    ----------
    instrument : Instrument
        The rules.
    returns : list of Return
        The rows to check (all of a batch, or one partition of a file).
    findings : Findings
        Where the findings go (all but the cascades', which are returned).
    first : int, default 0
        The record number of the first row: a partition's rows keep their place in the batch.
    corrections : CorrectionsFile, optional
        Decisions applied to the rows as read, before any check.
    stage : callable, optional
        Called with a line before each step.
    """

    from . import cascades, explain, schema

    raw, where = rows_as_read(instrument, returns, findings, first=first)
    applied = None
    if corrections is not None:
        raw, applied = fixes_file.apply_corrections(instrument, raw, corrections, findings)
    _formulas(raw, returns, findings, first)
    totals = find_total_rows(instrument, raw, findings)
    stage(f"reading the answers of {len(raw):,} rows")
    spoilt = find_error_cells(instrument, raw, findings)
    typed, fixes = normalise(instrument, _blanked(raw, spoilt) if spoilt else raw)
    findings.add_frame(fixes)
    rows = typed.drop(index=totals) if totals else typed  # a total row is no respondent
    stage("checking the rules")
    schemas = schema.build_schemas(instrument)
    own = tuple(r.code for r in instrument.rules)
    unread = _cells(fixes[fixes["severity"] == "error"]) | spoilt  # an error: not again
    failed = _without(schema.failures(schemas.errors, rows, own), unread)
    findings.add_frame(explain.explain(instrument, failed, rows, raw).assign(severity="error"))
    broken = unread | _cells(failed)
    doubtful = _without(schema.failures(schemas.warnings, rows, own), broken)
    findings.add_frame(explain.explain(instrument, doubtful, rows, raw).assign(severity="warning"))
    cascaded = (
        cascades.find_filtered(instrument, rows).assign(severity="error"),
        cascades.find_exclusive(instrument, rows).assign(severity="error"),
    )
    sound = _blanked(rows, broken | _cells(doubtful))  # flagged once, not again as outliers
    return CheckedRows(raw, typed, rows, fixes, sound, where, cascaded, applied)


def rows_as_read(
    instrument: Instrument, returns: list[Return], findings: Findings, *, first: int = 0
) -> tuple[pd.DataFrame, pd.Series]:
    """The rows as read, by record (from ``first``), as the checks take them: a blank
    submission ID filled from the key, the tool's own blanks read as blank. Also each
    record's ``"<file> row <n>"``.

    The same returns give the same rows: the streamed path reads a partition's rows again
    when it needs some of them after the checks (:func:`.range_tasks.range_rows`).
    """
    import pandas as pd

    raw = _raw_frame(instrument, returns)
    if first:
        raw.index = pd.RangeIndex(first, first + len(raw))
    where = _row_names(raw, returns)
    raw = fill_submission_key(instrument, raw, raw[PROVENANCE["submission"]], where, findings)
    exported = raw[list(PROVENANCE.values())].notna().any(axis=1)
    return read_tool_blanks(instrument, raw, exported, findings), where


def _row_names(raw: pd.DataFrame, returns: list[Return]) -> pd.Series:
    """``"<file> row <n>"`` of each record; joined in Arrow when the rows are whole numbers.

    ``raw`` is the returns' rows as :func:`._raw_frame` put them, a return after another:
    each return's name is joined to its row numbers as one Arrow scalar.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.large_string()
    pieces = []
    for laid in returns:
        numbers = _whole_numbers(laid.rows)
        if numbers is None or not isinstance(laid.file, str):
            break
        file = pa.scalar(laid.file, text)
        pieces.append(pc.binary_join_element_wise(file, numbers, pa.scalar(" row ", text)))
    else:
        joined = pa.chunked_array(pieces, text)
        if len(joined) == len(raw):
            return pd.Series(pd.array(joined, dtype="str"), index=raw.index)
    return _row_names_of(raw)


def _whole_numbers(rows: list[int]) -> pa.Array | None:
    """The rows as Arrow text if every one is a whole number (not a logical value), else None."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        numbers = pa.array(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not pa.types.is_integer(numbers.type) or numbers.null_count:
        return None
    return pc.cast(numbers, pa.large_string())


def _row_names_of(raw: pd.DataFrame) -> pd.Series:
    """:func:`_row_names` read from the frame's file and row columns."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    files, rows = raw[FILE], raw[ROW]
    if not (
        pd.api.types.infer_dtype(files, skipna=False) == "string"
        and pd.api.types.infer_dtype(rows, skipna=False) == "integer"
    ):
        return files + " row " + rows.astype(str)
    text = pa.large_string()
    numbers = pc.cast(pa.array(rows.to_numpy(dtype=object), pa.int64()), text)
    joined = pc.binary_join_element_wise(
        pa.array(files.to_numpy(dtype=object), text), numbers, pa.scalar(" row ", text)
    )
    return pd.Series(pd.array(joined, dtype="str"), index=raw.index)


def _dont_know(values: pd.Series) -> pd.Series:
    """Which values say "don't know"; a column of texts looks at each different text once."""
    import numpy as np
    import pandas as pd

    if len(values) and pd.api.types.infer_dtype(values, skipna=True) == "string":
        codes, uniques = pd.factorize(values)
        known = np.array([is_dont_know(u) for u in uniques] + [False], dtype=bool)  # -1: missing
        return pd.Series(known[codes], index=values.index, dtype=bool)
    return values.map(lambda v: isinstance(v, str) and is_dont_know(v))


def _formulas(raw: pd.DataFrame, returns: list[Return], findings: Findings, first: int = 0) -> None:
    offset = first
    for laid in returns:
        if not laid.formulas:
            offset += len(laid.rows)
            continue
        records = {row: offset + i for i, row in enumerate(laid.rows)}
        for (row, code), formula in sorted(laid.formulas.items()):
            if row in records:
                findings.add(
                    file=laid.file, check="formula_cell", severity="error", column=code,
                    value=formula, record=records[row],
                    message=(
                        f"the cell holds the formula {formula}; type the answer itself "
                        "(a formula's result is not what the respondent said)"
                    ),
                )  # fmt: skip
        offset += len(laid.rows)


def _blanked(rows: pd.DataFrame, cells: set[tuple[int, str]]) -> pd.DataFrame:
    """``rows`` with the answers of ``cells`` (record, column) missing; the rest shared."""
    import numpy as np

    by_column: dict[str, list[int]] = {}
    for record, code in cells:
        by_column.setdefault(code, []).append(record)
    out = rows.copy(deep=False)
    for code, records in by_column.items():
        if code in out:
            column = out[code].copy()
            at = rows.index.get_indexer(records)  # a record not among the rows: -1
            hit = np.zeros(len(column), dtype=bool)
            hit[at[at >= 0]] = True  # what index.isin(records) says, by position
            column[hit] = None
            out[code] = column
    return out


def _cells_list(table: pd.DataFrame) -> list[tuple[int, str]]:
    records = table["record"].astype("int64").tolist()
    return list(zip(records, table["column"].astype(str).tolist(), strict=True))


def _without(table: pd.DataFrame, cells: set[tuple[int, str]]) -> pd.DataFrame:
    import pandas as pd

    keep = [cell not in cells for cell in _cells_list(table)]
    return table.loc[pd.Series(keep, index=table.index, dtype=bool)]


def _cells(table: pd.DataFrame) -> set[tuple[int, str]]:
    return set(_cells_list(table))


def locate_findings(table: pd.DataFrame, raw: pd.DataFrame, returns: list[Return]) -> pd.DataFrame:
    """Fill file, sheet, Excel row and column letter from each finding's record."""
    records = table["record"]
    has = records.notna()
    index = records[has].astype(int)
    table.loc[has, "file"] = raw.loc[index, FILE].to_numpy()
    table.loc[has, "sheet"] = raw.loc[index, SHEET].to_numpy()
    table.loc[has, "row"] = raw.loc[index, ROW].to_numpy()
    empty = table["letter"] == ""
    keys = table.loc[empty, "file"].astype(str) + "\x00" + table.loc[empty, "column"].astype(str)
    wanted = set(keys)  # only the files and columns that have a finding: not every file's
    letters = {
        key: letter
        for laid in returns
        for code, letter in laid.letters.items()
        if (key := f"{laid.file}\x00{code}") in wanted
    }
    table.loc[empty, "letter"] = (
        keys.map(letters)
        .astype(object)  # all unmatched, the map gives floats
        .fillna("")
        .to_numpy(dtype=object)
    )
    order = table["record"].fillna(-1)
    return (
        table.assign(_order=order)
        .sort_values(["file", "_order", "row"], kind="stable", na_position="first")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def count_file_rows(
    files: list[FileReport], raw: pd.DataFrame, quarantined: pd.Index, table: pd.DataFrame
) -> None:
    """Set each file's rows in, clean, quarantined and not read (files read only), from the
    rows ``raw`` holds, the records ``quarantined`` and the rows not read in ``table``."""
    bad = raw.loc[quarantined, FILE].value_counts()
    rows = raw[FILE].value_counts()
    unread = table.loc[table["check"] == NOT_READ, "file"].value_counts()
    for report in files:
        if report.status == "read":
            read = int(rows.get(report.name, 0))
            report.rows_not_read = int(unread.get(report.name, 0))
            report.rows_in = read + report.rows_not_read
            report.rows_quarantined = int(bad.get(report.name, 0))
            report.rows_clean = read - report.rows_quarantined
