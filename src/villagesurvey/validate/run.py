"""Validate a batch of returns: read, lay out, normalise, check, split clean from quarantine.

The stages, each in its own module::

    reading     files → cell values (hostile files refused)
    layout      cell values → the instrument's columns (template version, headers)
    corrections a supervisor's decisions applied to the values as read, with an audit trail
    normalise   cells → typed answers, every change logged
    schema      pandera rules from the instrument (errors and warnings)
    duplicates  copies of a row, one key with different answers
    hfc         outliers, non-response rates

Nothing here writes a file; :mod:`.outputs` does.
"""

from __future__ import annotations

import contextlib
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReturnsError
from ..instrument import Instrument
from ..tables.safe import shown_name
from . import archives, correction_tables
from . import corrections as fixes_file
from .answer_batches import AnswerBatches
from .cells import is_dont_know, show
from .error_cells import find_error_cells
from .export_repeats import ExportRepeats
from .findings import SEVERITIES, Findings
from .layout import Return, lay_out
from .normalise import LANGUAGE, TYPED, normalise
from .reading import OUTPUT_FILE, OUTPUT_SET, ReadFile, Refused, find_returns, read_returns
from .roster_corrections import level_lines
from .rosters import RosterReturns
from .submission_key import fill_submission_key
from .tool_blanks import read_tool_blanks

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["FileReport", "Validation", "check_returns", "validate_returns"]

FILE, SHEET, ROW = "_file", "_sheet", "_row"
PROVENANCE = {"submission": "_submission", "submitted": "_submitted"}
"""What a phone export says of each submission (:attr:`.layout.Return.provenance`) → column."""
NOT_READ = "row_not_read"
"""The check of a row that holds values but could not be read as a respondent."""
STEPS_FROM = 50_000
"""Rows from which :func:`validate_returns` says each step of the checking as it starts."""
_FEW_CHUNKS, _SMALL_CHUNK = 16, 4096
"""An answer column of more pieces than this, of fewer rows on average, is made one piece."""
TOTAL_WORDS = frozenset(
    {"合计", "总计", "合計", "總計", "小计", "total", "totals", "sum", "grand total"}
)
"""A row whose text cell says one of these is a total a clerk added, not a respondent."""


@dataclass
class FileReport:
    """What happened to one input file.

    ``status`` is ``"read"`` or ``"refused"``; a refused file has its ``check`` and
    ``reason``. ``rows_in`` counts the sheet's rows that hold anything below the header
    (blank rows left out): ``rows_in = rows_clean + rows_quarantined + rows_dropped +
    rows_not_read``.
    """

    name: str
    path: Path
    sha256: str | None
    status: str
    format: str = ""
    check: str = ""
    reason: str = ""
    rows_in: int = 0
    rows_clean: int = 0
    rows_quarantined: int = 0
    rows_not_read: int = 0
    rows_dropped: int = 0


@dataclass
class Validation:
    """The result of validating a batch of returns; see ``docs/validate.md``.

    Attributes
    ----------
    instrument : Instrument
        The instrument the returns were checked against.
    files : list of FileReport
        Every input file, read or refused.
    raw : DataFrame
        Every respondent row as it came in (cells as read), indexed by record number, with
        ``_file``, ``_sheet`` and ``_row`` (the Excel row).
    typed : DataFrame
        The same rows as typed, normalised answers.
    findings : DataFrame
        One line per finding (:data:`.findings.COLUMNS`).
    quarantined : Index
        The records with at least one error.
    rates : dict of DataFrame
        Non-response by enumerator and by the first key column.
    rosters : dict of Validation
        Each roster's own validation, by roster code (see :mod:`.rosters`).
    corrections : Applied or None
        What a corrections file changed (:mod:`.corrections`); see :attr:`audit`.
    """

    instrument: Instrument
    files: list[FileReport]
    raw: pd.DataFrame
    typed: pd.DataFrame
    findings: pd.DataFrame
    quarantined: pd.Index
    rates: dict[str, pd.DataFrame] = field(default_factory=dict)
    rosters: dict[str, Validation] = field(default_factory=dict)
    corrections: fixes_file.Applied | None = None

    @property
    def rows_in(self) -> int:
        """Rows of every file's data sheet that hold anything: read, dropped or not read."""
        return len(self.raw) + self.rows_not_read + self.rows_dropped

    @property
    def rows_dropped(self) -> int:
        """Rows a corrections file dropped (in :attr:`dropped`)."""
        return len(self.corrections.dropped) if self.corrections is not None else 0

    @property
    def audit(self) -> pd.DataFrame:
        """Each changed cell's history (:func:`.correction_tables.audit_table`)."""
        return correction_tables.audit_table(
            self.corrections, self.instrument, self.raw, self.findings
        )

    @property
    def dropped(self) -> pd.DataFrame:
        """The rows a corrections file dropped, as they came in, with the reason."""
        return correction_tables.dropped_table(self.corrections, self.instrument)

    @property
    def rows_not_read(self) -> int:
        """Rows that hold values but could not be read as a respondent (``row_not_read``)."""
        return int((self.findings["check"] == NOT_READ).sum())

    @property
    def rows_quarantined(self) -> int:
        """Rows with at least one error."""
        return len(self.quarantined)

    @property
    def rows_clean(self) -> int:
        """Rows with no error."""
        return len(self.raw) - self.rows_quarantined

    @property
    def refused(self) -> list[FileReport]:
        """The files that could not be read."""
        return [f for f in self.files if f.status == "refused"]

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """Findings per severity (errors, warnings, fixes) and check code, most frequent first."""
        import numpy as np

        counts: dict[str, dict[str, int]] = {s: {} for s in SEVERITIES}
        # groups in the order first seen; most frequent first, ties in that order
        sizes = self.findings.groupby(["severity", "check"], sort=False).size()
        for i in np.argsort(-sizes.to_numpy(), kind="stable"):
            severity, check = sizes.index[i]
            counts[str(severity)][str(check)] = int(sizes.iloc[i])
        return {severity: checks for severity, checks in counts.items() if checks}

    @property
    def exit_code(self) -> int:
        """0 all clean, 1 errors in the data (or refused files), 2 nothing could be read."""
        if not any(f.status == "read" for f in self.files):
            return 2
        errors = any(
            (v.findings["severity"] == "error").any() for v in (self, *self.rosters.values())
        )
        return 1 if errors or self.refused else 0

    def clean(self) -> pd.DataFrame:
        """The clean dataset: one row per respondent with no error, values normalised.

        Columns are ``source_file`` (then ``source_submission`` and ``source_submitted``
        when a phone export says them) and the instrument's columns; numbers are written as a
        person would (``41``, not ``41.0``), choices as codes, dates as ISO dates.
        """
        import pandas as pd

        keep = ~self.typed.index.isin(self.quarantined)  # a column at a time, no copy of all
        out = {"source_file": self.raw[FILE][keep]}
        for key, values in self._provenance(self.typed.index[keep]).items():
            out[f"source_{key}"] = values.fillna("").astype(str)
        for column in self.instrument.columns:
            values = self.typed[column.code][keep]
            if str(values.dtype) == "Float64":
                out[column.code] = _numbers_as_text(values)
            else:
                out[column.code] = values.fillna("").astype(str)
        return pd.DataFrame(out).reset_index(drop=True)

    def quarantine(self) -> pd.DataFrame:
        """Every row with an error, as it came in, with its file, sheet, row and reasons."""
        import pandas as pd

        errors = self.findings[self.findings["severity"] == "error"]
        errors = errors[errors["record"].notna()]
        records = errors["record"].astype("int64")
        said = errors["message"].astype(object)
        named = (errors["column"] + ": " + errors["message"]).astype(object)
        text = said.where(errors["column"] == "", named)
        details = _joined(text, records.to_numpy(), " | ")
        checks = errors.assign(record=records).drop_duplicates(["record", "check"])
        reasons = _joined(checks["check"].astype(object), checks["record"].to_numpy(), "; ")
        rows = self.raw.loc[self.quarantined]
        out = pd.DataFrame(
            {
                "file": rows[FILE],
                "sheet": rows[SHEET],
                "row": rows[ROW],
                "checks": reasons.reindex(rows.index).fillna("").to_numpy(dtype=object),
                "reasons": details.reindex(rows.index).fillna("").to_numpy(dtype=object),
            },
            index=rows.index,
        )
        for key, values in self._provenance(rows.index).items():
            out[key] = values
        for column in self.instrument.columns:
            values = rows[column.code]  # text as read (a CSV file's) is shown as it is
            out[column.code] = values.fillna("") if values.dtype == "str" else values.map(show)
        return out.reset_index(drop=True)

    def _provenance(self, records: pd.Index) -> dict[str, pd.Series]:
        """The submission columns of phone exports, if any file of the batch has them."""
        return {
            key: self.raw.loc[records, name]
            for key, name in PROVENANCE.items()
            if name in self.raw and self.raw[name].notna().any()
        }


def _joined(texts: pd.Series, records: np.ndarray, separator: str) -> pd.Series:
    """Each record's texts joined in their order, indexed by record (one join per record)."""
    import numpy as np
    import pandas as pd

    if not len(records):
        return pd.Series([], index=records, dtype=object)
    order = np.argsort(records, kind="stable")
    ordered, values = records[order], texts.to_numpy(dtype=object)[order].tolist()
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(order)]
    bounds = zip(starts.tolist(), ends.tolist(), strict=True)
    joined = [separator.join(values[a:b]) for a, b in bounds]
    return pd.Series(joined, index=ordered[starts], dtype=object)


def _numbers_as_text(values: pd.Series) -> pd.Series:
    """Numbers as a person writes them: ``41`` not ``41.0``; blank for a missing one."""
    import numpy as np
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    numbers = values.to_numpy(dtype=float, na_value=np.nan)
    known = ~np.isnan(numbers)
    whole = known & (numbers == np.round(numbers)) & (np.abs(numbers) < 1e15)
    digits = pa.array(np.where(whole, numbers, 0).astype(np.int64)).cast(pa.large_string())
    out = pc.if_else(pa.array(whole), digits, "")
    other = known & ~whole
    if other.any():
        shown = pa.array([repr(float(v)) for v in numbers[other]], type=pa.large_string())
        out = pc.replace_with_mask(out, pa.array(other), shown)
    return pd.Series(out.to_pandas().array, index=values.index, dtype="str")


def _display_names(paths: Sequence[Path]) -> dict[Path, str]:
    names = Counter(p.name for p in paths)
    return {p: shown_name(p.name if names[p.name] == 1 else str(p)) for p in paths}


def validate_returns(
    instrument: Instrument,
    sources: Sequence[str | Path],
    *,
    progress: Callable[[Path, int, int], None] | None = None,
    stage: Callable[[str], None] | None = None,
    outlier_factor: float | None = None,
    corrections: str | Path | None = None,
    **reading: Any,
) -> Validation:
    """Validate returned workbooks (files or folders of them) against an instrument.

    Parameters
    ----------
    instrument : Instrument
        The questionnaire the returns should follow.
    sources : sequence of path
        Files (.xlsx, .xlsm, .xls, .ods, .csv) and folders holding them.
    progress : callable, optional
        Called as ``progress(path, done, total)`` after each file is read.
    stage : callable, optional
        Called with a line saying what comes next, once the files are read.
    outlier_factor : float, optional
        The multiple of the interquartile range beyond which a value is an outlier
        (default :data:`.hfc.IQR_FACTOR`).
    corrections : path, optional
        A corrections file (.xlsx or .csv) to apply after reading, before checking
        (:mod:`.corrections`).
    **reading
        Limits passed to :func:`.reading.read_returns` (``timeout``, ``memory_limit``,
        ``workers``).

    Returns
    -------
    Validation
        Everything found; write it with :func:`~villagesurvey.validate.write_validation`.

    Raises
    ------
    OptionError
        If a source does not exist.
    ReturnsError
        If no source holds any file to validate, or the corrections file cannot be read.
    """
    decided = (
        fixes_file.read_corrections(corrections, instrument, **reading)
        if corrections is not None
        else None
    )
    skipped: list[tuple[Path, str]] = []
    paths = find_returns(sources, skipped)
    if not paths:
        raise ReturnsError(
            "no returns found in "
            + ", ".join(shown_name(str(s)) for s in sources)
            + " (looked for .xlsx, .xlsm, .xls, .ods, .csv and .zip files)"
            + "".join(f"; {shown_name(str(f))}: {why}" for f, why in skipped)
        )
    unpacked = archives.unpack(paths)  # an ODK Central zip: its CSV files
    unread = [r.path for r in unpacked.refused]
    names = _display_names([*(unpacked.shown(p) for p in unpacked.paths), *unread])
    findings = Findings()
    files: list[FileReport] = _skipped(skipped, findings)
    files += [_refused(names[r.path], r) for r in unpacked.refused]
    batches = AnswerBatches()  # many small CSV files: their columns joined as they come
    rosters = RosterReturns(instrument)
    repeats = ExportRepeats(instrument)
    done = 0

    def advance(path: Path) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(path, done, len(unpacked.paths))

    import pandas  # noqa: F401  (here, so that the thread below imports only pandera)

    warm = threading.Thread(target=_prepare_checks, args=(instrument,), daemon=True)
    warm.start()  # while the readers parse, the parent mostly waits for them
    result: ReadFile | Refused | None = None
    for result in read_returns(unpacked.paths, progress=advance, **reading):
        result = unpacked.as_given(result)
        name = names[result.path]
        if isinstance(result, Refused):
            files.append(_refused(name, result))
            continue
        _note(result, name, findings)
        if repeats.take(result, name, files):  # a repeat's own CSV file (ODK Central)
            continue
        laid = lay_out(instrument, result, name, findings, repeats.parents(result))
        if isinstance(laid, Refused):
            files.append(_refused(name, laid))
            continue
        files.append(FileReport(name, result.path, result.sha256, "read", result.format))
        batches.add(laid)
        rosters.add(result, name, laid)
        repeats.add(result, name, laid)
    result = None  # the answers are in the returns now; the cells as read can go
    unpacked.close()
    returns = batches.returns()
    warm.join()
    if stage is not None:
        rows = sum(len(r.rows) for r in returns)
        what = f"{rows:,} row{'s' * (rows != 1)}"
        stage(f"checking {what} against {instrument.id} {instrument.version}")
    repeats.prepare(findings)
    steps = stage if stage is not None and sum(len(r.rows) for r in returns) >= STEPS_FROM else None
    household = check_returns(
        instrument,
        returns,
        files=files,
        findings=findings,
        outlier_factor=outlier_factor,
        stage=steps,
        corrections=level_lines(decided, instrument) if decided is not None else None,
    )
    repeats.link(household, rosters)
    return rosters.check(household, outlier_factor, decided)


def _skipped(skipped: list[tuple[Path, str]], findings: Findings) -> list[FileReport]:
    """Folders not read: an output set (or a file in one) is a warning, a folder not listed
    is refused."""
    refused = []
    for folder, reason in skipped:
        name = shown_name(str(folder))
        if reason in (OUTPUT_SET, OUTPUT_FILE):
            findings.add(file=name, check="output_folder", severity="warning", message=reason)
        else:
            refused.append(
                FileReport(name, folder, None, "refused", check="unreadable_folder", reason=reason)
            )
    return refused


def _prepare_checks(instrument: Instrument) -> None:
    """Import pandera and build the instrument's schemas, so the checks can start at once."""
    from . import schema

    # a failure here is not lost: check_returns builds the schemas again and raises it there
    with contextlib.suppress(Exception):
        schema.build_schemas(instrument)


def _silent(line: str) -> None:
    """A stage callback that says nothing."""


def _refused(name: str, refused: Refused) -> FileReport:
    return FileReport(
        name, refused.path, refused.sha256, "refused", check=refused.check, reason=refused.reason
    )


def _note(read: ReadFile, name: str, findings: Findings) -> None:
    for note in read.notes:
        findings.add(
            file=name,
            sheet=note.sheet or "",
            check=note.check,
            severity="warning",
            message=note.message,
        )


def _raw_frame(instrument: Instrument, returns: list[Return]) -> pd.DataFrame:
    """Every return's rows in one frame, a column at a time (no frame per file).

    Columns of objects; an answer column that only CSV files fill stays text (``str``), as
    they were read, without a Python object per cell.
    """
    import pandas as pd

    names = [FILE, SHEET, ROW, LANGUAGE, TYPED, *PROVENANCE.values()]
    columns: dict[str, list[Any]] = {name: [] for name in names}
    for laid in returns:
        n = len(laid.rows)
        columns[FILE] += [laid.file] * n
        columns[SHEET] += [laid.sheet] * n
        columns[ROW] += laid.rows
        columns[LANGUAGE] += [laid.language] * n
        columns[TYPED] += [laid.typed_cells] * n
        for key, column_name in PROVENANCE.items():
            columns[column_name] += laid.provenance.get(key, [None] * n)
    frame = {name: pd.Series(values, dtype=object) for name, values in columns.items()}
    for column in instrument.columns:
        frame[column.code] = _answers([laid.values.get(column.code) for laid in returns], returns)
    return pd.DataFrame(frame)


def _answers(pieces: list[Any], returns: list[Return]) -> pd.Series:
    """One answer column of all returns: text if every file holds it as text, else objects."""
    import pandas as pd
    import pyarrow as pa

    arrow = (pa.Array, pa.ChunkedArray)
    if (
        all(not r.typed_cells for r in returns)
        and any(isinstance(piece, arrow) for piece in pieces)
        and all(piece is None or isinstance(piece, arrow) for piece in pieces)
    ):
        chunks = []
        for piece, r in zip(pieces, returns, strict=True):
            if piece is None:
                chunks.append(pa.nulls(len(r.rows), pa.large_string()))
            else:
                piece = piece.cast(pa.large_string())
                chunks += piece.chunks if isinstance(piece, pa.ChunkedArray) else [piece]
        column = pa.chunked_array(chunks, pa.large_string())
        if len(chunks) > _FEW_CHUNKS and len(column) < _SMALL_CHUNK * len(chunks):
            column = pa.chunked_array([column.combine_chunks()])  # many small files: one piece
        return column.to_pandas().astype("str")
    if all(not r.typed_cells for r in returns) and all(
        piece is None or isinstance(piece, pd.Series) for piece in pieces
    ):
        parts = [
            pd.Series([None] * len(r.rows), dtype="str") if piece is None else piece
            for piece, r in zip(pieces, returns, strict=True)
        ]
        if len(parts) == 1:
            return parts[0].reset_index(drop=True).astype("str")  # shares the cells
        if parts:
            return pd.concat(parts, ignore_index=True).astype("str")
    values: list[Any] = []
    for piece, laid in zip(pieces, returns, strict=True):
        if piece is None:
            values += [None] * len(laid.rows)
        elif isinstance(piece, pd.Series):
            values += [None if v != v else v for v in piece.tolist()]  # NaN: an empty cell
        elif isinstance(piece, arrow):
            values += piece.to_pylist()
        else:
            values += piece
    return pd.Series(values, dtype=object)


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

    from . import cascades, duplicates, explain, hfc, schema

    findings = findings if findings is not None else Findings()
    if files is None:
        files = [FileReport(r.file, Path(r.file), None, "read") for r in returns]
    raw = _raw_frame(instrument, returns)
    where = raw[FILE] + " row " + raw[ROW].astype(str)
    raw = fill_submission_key(instrument, raw, raw[PROVENANCE["submission"]], where, findings)
    exported = raw[list(PROVENANCE.values())].notna().any(axis=1)
    raw = read_tool_blanks(instrument, raw, exported, findings)
    applied = None
    if corrections is not None:
        raw, applied = fixes_file.apply_corrections(instrument, raw, corrections, findings)
    _formulas(raw, returns, findings)
    totals = _total_rows(instrument, raw, findings)
    say = stage if stage is not None else _silent
    say(f"reading the answers of {len(raw):,} rows")
    spoilt = find_error_cells(instrument, raw, findings)
    typed, fixes = normalise(instrument, _blanked(raw, spoilt) if spoilt else raw)
    findings.add_frame(fixes)
    rows = typed.drop(index=totals) if totals else typed  # a total row is no respondent
    say("checking the rules")
    schemas = schema.build_schemas(instrument)
    own = tuple(r.code for r in instrument.rules)
    unread = _cells(fixes[fixes["severity"] == "error"]) | spoilt  # an error: not again
    failed = _without(schema.failures(schemas.errors, rows, own), unread)
    findings.add_frame(explain.explain(instrument, failed, rows, raw).assign(severity="error"))
    broken = unread | _cells(failed)
    doubtful = _without(schema.failures(schemas.warnings, rows, own), broken)
    findings.add_frame(explain.explain(instrument, doubtful, rows, raw).assign(severity="warning"))
    say("looking for duplicates and outliers")
    submissions = raw[PROVENANCE["submission"]]
    copies = duplicates.find_duplicates(instrument, rows, where, submissions)
    findings.add_frame(copies.assign(severity="error"))
    findings.add_frame(cascades.find_filtered(instrument, rows).assign(severity="error"))
    findings.add_frame(cascades.find_exclusive(instrument, rows).assign(severity="error"))
    factor = outlier_factor if outlier_factor is not None else hfc.IQR_FACTOR
    sound = _blanked(rows, broken | _cells(doubtful))  # flagged once, not again as outliers
    findings.add_frame(hfc.find_outliers(instrument, sound, factor).assign(severity="warning"))
    table = findings.frame()
    table = _locate(correction_tables.settle(table, applied) if applied else table, raw, returns)
    errors = table[(table["severity"] == "error") & table["record"].notna()]
    quarantined = pd.Index(sorted(set(errors["record"].astype(int))), dtype="int64")
    _count_rows(files, raw, quarantined, table)
    if applied is not None:
        correction_tables.count_dropped(files, applied)
    unreadable = fixes[fixes["severity"] == "error"]
    said = _dont_know(unreadable["value"])
    dont_know = unreadable.loc[said.astype(bool), "record"].astype(int).value_counts()
    first = instrument.key[0]
    groups = {f"by_{first}": first}
    if any(c.code == "enumerator" for c in instrument.columns):
        groups = {"by_enumerator": "enumerator", **groups}
    rates = hfc.response_rates(instrument, rows, dont_know, groups)
    return Validation(instrument, files, raw, typed, table, quarantined, rates, corrections=applied)


def _dont_know(values: pd.Series) -> pd.Series:
    """Which values say "don't know"; a column of texts looks at each different text once."""
    import numpy as np
    import pandas as pd

    if len(values) and pd.api.types.infer_dtype(values, skipna=True) == "string":
        codes, uniques = pd.factorize(values)
        known = np.array([is_dont_know(u) for u in uniques] + [False], dtype=bool)  # -1: missing
        return pd.Series(known[codes], index=values.index, dtype=bool)
    return values.map(lambda v: isinstance(v, str) and is_dont_know(v))


def _formulas(raw: pd.DataFrame, returns: list[Return], findings: Findings) -> None:
    offset = 0
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
    by_column: dict[str, list[int]] = {}
    for record, code in cells:
        by_column.setdefault(code, []).append(record)
    out = rows.copy(deep=False)
    for code, records in by_column.items():
        if code in out:
            column = out[code].copy()
            column[column.index.isin(records)] = None
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


def _total_rows(instrument: Instrument, raw: pd.DataFrame, findings: Findings) -> list[int]:
    """Report rows that hold totals (``合计``, ``Total``) and return their records.

    Each different text of a column is looked at once (a column of 100,000 answers holds
    far fewer different texts).
    """
    import numpy as np
    import pandas as pd

    found: list[int] = []
    texts = [c.code for c in instrument.columns if c.question.type == "text"]
    for code in texts:
        numbers, uniques = pd.factorize(raw[code])
        total = np.array(
            [
                isinstance(v, str)
                and unicodedata.normalize("NFKC", v).strip().casefold() in TOTAL_WORDS
                for v in uniques
            ],
            dtype=bool,
        )
        if not total.any():
            continue
        hit = np.zeros(len(numbers), dtype=bool)
        hit[numbers >= 0] = total[numbers[numbers >= 0]]
        for record in raw.index[hit]:
            findings.add(
                file=raw.at[record, FILE], check="total_row", severity="error", column=code,
                value=raw.at[record, code], record=int(record),
                message="a total row, not a respondent; totals are computed from the data",
            )  # fmt: skip
            found.append(int(record))
    return sorted(set(found))


def _locate(table: pd.DataFrame, raw: pd.DataFrame, returns: list[Return]) -> pd.DataFrame:
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


def _count_rows(
    files: list[FileReport], raw: pd.DataFrame, quarantined: pd.Index, table: pd.DataFrame
) -> None:
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
