"""Write the files of a validation: clean, quarantine, issues, corrections, audit, summary,
and the supervisor's page (:mod:`villagesurvey.dashboard`).

Each file is written atomically (a reader never sees half a file). A CSV field holding a
line break or a carriage return is quoted (and a file with a carriage return in a value
ends its lines with CR LF), so that every CSV reader gives back the rows written. No text
written can run as a formula when opened in a spreadsheet: in the CSV files a text cell
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``
(plain ASCII numbers such as ``-5`` are left alone); in issues.xlsx every text is stored as
text, never as a formula. Answers to questions marked ``pii`` are hidden in the issues
files unless asked.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from .._formulas import FORMULA_STARTS
from .._version import package_version
from ..errors import OptionError
from ..tables.outputset import output_lock, output_set
from ..tables.safe import neutralise, shown_name
from ._xlsx import MAX_CHECK_ROWS
from .cells import HIDDEN
from .correction_sheet import write_correction_sheet
from .findings import COLUMNS
from .parquet_tables import FORMATS, table_name, write_parquet
from .run import Validation

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "OUTPUTS",
    "issues_table",
    "neutralise",
    "outputs_summary",
    "roster_outputs",
    "summary",
    "summary_lines",
    "write_validation",
    "written_outputs",
]

OUTPUTS = (
    "clean.csv", "quarantine.csv", "issues.csv", "issues.xlsx", "corrections.xlsx",
    "audit.csv", "dropped.csv", "dashboard.html", "summary.json",
)  # fmt: skip
"""The files :func:`write_validation` writes."""


_ISSUE_COLUMNS = [c for c in COLUMNS if c != "record"]


def write_validation(
    validation: Validation,
    outdir: str | Path,
    *,
    show_pii: bool = False,
    table_format: str = "csv",
    partition_by: str | None = None,
) -> Path:
    """Write the output files (:data:`OUTPUTS`) of a validation into ``outdir``.

    The files are written as one set: staged beside ``outdir`` and put in its place
    together once all are written, so that an interrupted or failed write leaves the
    previous set as it was. A run that holds ``outdir`` (see
    :func:`~villagesurvey.tables.outputset.output_lock`) makes another one fail.

    Parameters
    ----------
    validation : Validation
        What :func:`~villagesurvey.validate.validate_returns` returned.
    outdir : path
        The output folder.
    show_pii : bool, default False
        Show the answers to personal-data questions in the issues files.
    table_format : {"csv", "parquet"}, default "csv"
        The format of the clean and quarantine tables (and each roster's): ``clean.csv`` or
        ``clean.parquet`` (text columns, the values of the CSV). The other files are as they are.
    partition_by : str, optional
        With Parquet, a column to split each table by: ``clean.parquet`` becomes a folder
        ``clean.parquet/<column>=<value>/part-0.parquet`` (Hive layout).

    Returns
    -------
    Path
        The output folder.

    Raises
    ------
    OutputError
        If the folder cannot be written, or another run is writing into it.
    OptionError
        If the format is not one of :data:`.parquet_tables.FORMATS`, or ``partition_by`` is
        given with CSV.
    """
    import pandas as pd

    folder = Path(outdir)
    if table_format not in FORMATS or (partition_by is not None and table_format != "parquet"):
        raise OptionError(f"cannot write {table_format!r} tables split by {partition_by!r}")
    names = tuple(dict.fromkeys(n for f in FORMATS for n in written_outputs(validation, f)))
    names += ("issues.parquet",)  # written on Dask: an earlier set's goes with it

    def table(stem: str, frame: pd.DataFrame) -> None:
        if table_format == "parquet":
            write_parquet(staging / table_name(stem, "parquet"), frame, partition_by)
        else:
            _write_csv(staging / table_name(stem, "csv"), frame)

    with output_lock(folder), output_set(folder, names, "summary.json") as staging:
        issues = issues_table(validation, show_pii)
        table("clean", validation.clean())
        table("quarantine", validation.quarantine())
        for code, level in validation.rosters.items():
            table(f"clean_{code}", level.clean())
            table(f"quarantine_{code}", level.quarantine())
            issues = pd.concat([issues, issues_table(level, show_pii)], ignore_index=True)
        _write_csv(staging / "issues.csv", issues)
        _write_issues_xlsx(staging / "issues.xlsx", validation, issues)
        write_correction_sheet(staging / "corrections.xlsx", validation, issues)
        _write_csv(staging / "audit.csv", _every_audit(validation, show_pii))
        _write_csv(staging / "dropped.csv", validation.dropped)
        for code, level in validation.rosters.items():
            _write_csv(staging / f"dropped_{code}.csv", level.dropped)
        _write_dashboard(staging / "dashboard.html", validation, issues)
        described = summary(validation)
        described["outputs"] = outputs_summary(validation, table_format, partition_by)
        with atomic_path(staging / "summary.json") as temporary:
            temporary.write_text(
                json.dumps(described, ensure_ascii=False, indent=2) + "\n",
                encoding="utf-8",
            )
    return folder


def _write_dashboard(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    from ..dashboard.page import render_dashboard

    with atomic_path(path) as temporary:
        temporary.write_text(render_dashboard(validation, issues), encoding="utf-8")


def written_outputs(validation: Validation, table_format: str = "csv") -> list[str]:
    """The files :func:`write_validation` writes, in the order the console summary names them."""
    return [
        table_name("clean", table_format),
        table_name("quarantine", table_format),
        *roster_outputs(validation, table_format),
        *OUTPUTS[2:],
    ]


def outputs_summary(
    validation: Validation, table_format: str = "csv", partition_by: str | None = None
) -> dict[str, Any]:
    """summary.json's ``outputs``: the tables' format, their partition column, their names."""
    stems = ["clean", "quarantine"]
    stems += [f"{kind}_{code}" for code in validation.rosters for kind in ("clean", "quarantine")]
    return {
        "format": table_format,
        "partition_by": partition_by,
        "tables": [table_name(stem, table_format) for stem in stems],
    }


def roster_outputs(validation: Validation, table_format: str = "csv") -> list[str]:
    """The files written for the rosters: ``clean_<roster>.csv``, ``quarantine_<roster>.csv``,
    ``dropped_<roster>.csv``."""
    kinds = ("clean", "quarantine", "dropped")
    return [
        table_name(f"{kind}_{code}", "csv" if kind == "dropped" else table_format)
        for code in validation.rosters
        for kind in kinds
    ]


def _every_audit(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The audit trail of every level; with rosters, a last column names each line's roster."""
    import pandas as pd

    audit = _private_audit(validation, show_pii)
    if not validation.rosters:
        return audit
    tables = [audit.assign(roster="")]
    for code, level in validation.rosters.items():
        tables.append(_private_audit(level, show_pii).assign(roster=code))
    return pd.concat(tables, ignore_index=True)


def issues_table(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The findings as ``issues.csv`` holds them: values as text, personal answers hidden
    (:data:`.cells.HIDDEN`, in the messages too) unless ``show_pii``."""
    table = validation.findings[_ISSUE_COLUMNS].copy()
    for name in ("value", "fixed_value"):
        table[name] = _texts(table[name])
    if not show_pii:
        pii = {c.code for c in validation.instrument.columns if c.question.pii}
        private = table["column"].isin(pii)
        for i in table.index[private.to_numpy()]:
            message = table.at[i, "message"]
            for secret in (table.at[i, "value"], table.at[i, "fixed_value"]):
                if secret:
                    message = message.replace(repr(secret), HIDDEN).replace(secret, HIDDEN)
            table.at[i, "message"] = message
        table.loc[private, "value"] = table.loc[private, "value"].where(
            table.loc[private, "value"] == "", HIDDEN
        )
        table.loc[private, "fixed_value"] = table.loc[private, "fixed_value"].where(
            table.loc[private, "fixed_value"] == "", HIDDEN
        )
    return table


def _private_audit(validation: Validation, show_pii: bool) -> pd.DataFrame:
    """The audit trail, answers to personal-data questions hidden unless asked."""
    audit = validation.audit
    if not show_pii:
        pii = {c.code for c in validation.instrument.columns if c.question.pii}
        private = audit["column"].isin(pii)
        for name in ("before", "after"):
            audit.loc[private & (audit[name] != ""), name] = HIDDEN
    return audit


def _texts(values: pd.Series) -> pd.Series:
    """:func:`_text` of a column; a column of texts only has its blanks filled."""
    import pandas as pd

    if len(values) and pd.api.types.infer_dtype(values, skipna=True) == "string":
        return values.where(values.notna(), "").astype(object)  # text already: fill blanks
    return values.map(_text)


def _text(value: Any) -> str:
    """A finding's value as text; blank for a missing one (None, NaN, NA)."""
    import pandas as pd

    return "" if value is None or bool(pd.isna(value)) else str(value)


def _write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a table as UTF-8 CSV, quoting only where needed, neutralising risky text.

    Columns become Arrow strings; pyarrow's writer does the rows unquoted, ten times faster
    than pandas. If it refuses a value, or the text written holds a quote or a carriage
    return, or more commas or line breaks than the table's own, a value needs quotes and
    pandas writes the table.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    columns = {neutralise(str(n)): _neutralised(frame[n]) for n in frame}
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(list(columns))
    body = b""
    if columns:
        sink = pa.BufferOutputStream()
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        with contextlib.suppress(pa.ArrowInvalid):  # a value needs quotes: pandas below
            pacsv.write_csv(pa.table(columns), sink, write_options=options)
            body = sink.getvalue().to_pybytes()
    rows = len(frame)
    plain = (
        bool(body or not rows)
        and bool(columns)
        and body.count(b",") == rows * (len(columns) - 1)
        and body.count(b"\n") == rows
        and b'"' not in body
        and b"\r" not in body
    )
    with atomic_path(path) as temporary, temporary.open("wb") as out:
        if plain:
            out.write(header.getvalue().encode("utf-8"))
            out.write(body)
        else:
            del body
            # Python's csv quotes a field holding a line feed but not one holding only a
            # carriage return, unless the line ends hold one: then a CR must end the lines
            # too, or a reader would split the row at it.
            cr = any(pc.any(pc.match_substring(c, "\r")).as_py() for c in columns.values())
            safe = pd.DataFrame({n: pd.Series(c, dtype="str") for n, c in columns.items()})
            end = "\r\n" if cr else "\n"
            safe.to_csv(out, index=False, lineterminator=end, encoding="utf-8")


def _neutralised(column: pd.Series) -> pa.Array:
    """:func:`neutralise` on a whole column at once, as Arrow strings; blanks for missing."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    if str(column.dtype) in ("Int64", "int64", "Float64", "float64"):
        text = column.astype("str").where(column.notna(), "")
    else:
        text = column.where(column.notna(), "").astype(str)
    strings = pa.array(text, from_pandas=True)
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    strings = pc.fill_null(strings.cast(pa.string()), "")
    risky = _starts_risky(strings)
    if not risky.any():
        return strings
    where = np.flatnonzero(risky)
    fixed = [neutralise(t) for t in strings.take(pa.array(where)).to_pylist()]
    shown = pa.array(fixed, type=pa.string())
    return pc.replace_with_mask(strings, pa.array(risky), shown)


def _starts_risky(strings: pa.Array) -> np.ndarray:
    """Which strings begin with one of :data:`FORMULA_STARTS`, from the first byte of each."""
    import numpy as np

    count = len(strings)
    offsets = np.frombuffer(strings.buffers()[1], dtype=np.int32)
    offsets = offsets[strings.offset : strings.offset + count + 1]
    data = strings.buffers()[2]
    risky = np.zeros(count, dtype=bool)
    if data is None or count == 0:
        return risky
    starts = offsets[:-1]
    filled = np.flatnonzero(offsets[1:] > starts)
    first = np.frombuffer(data, dtype=np.uint8)[starts[filled]]
    starts_risky = np.zeros(256, dtype=bool)
    starts_risky[[ord(start) for start in FORMULA_STARTS]] = True
    risky[filled] = starts_risky[first]
    return risky


def summary(validation: Validation) -> dict[str, Any]:
    """The content of summary.json: files read and refused, row counts, findings by check."""
    instrument = validation.instrument
    return {
        "instrument": {
            "id": instrument.id,
            "version": instrument.version,
            "sha256": instrument.content_hash,
        },
        "generator": f"villagesurvey {package_version()}",
        "files": [
            {
                "file": f.name,
                "path": shown_name(str(f.path)),
                "sha256": f.sha256,
                "status": f.status,
                "format": f.format,
                "check": f.check,
                "reason": f.reason,
                "rows_in": f.rows_in,
                "rows_clean": f.rows_clean,
                "rows_quarantined": f.rows_quarantined,
                "rows_not_read": f.rows_not_read,
                "rows_dropped": f.rows_dropped,
            }
            for f in validation.files
        ],
        "files_read": sum(f.status == "read" for f in validation.files),
        "files_refused": len(validation.refused),
        "rows_in": validation.rows_in,
        "rows_clean": validation.rows_clean,
        "rows_quarantined": validation.rows_quarantined,
        "rows_not_read": validation.rows_not_read,
        "rows_dropped": validation.rows_dropped,
        "corrections": _corrections_summary(validation),
        "counts": validation.counts,
        "rosters": {
            code: {
                "within": roster.within,
                "rows_in": level.rows_in,
                "rows_clean": level.rows_clean,
                "rows_quarantined": level.rows_quarantined,
                "rows_not_read": level.rows_not_read,
                "rows_dropped": level.rows_dropped,
                "counts": level.counts,
            }
            for roster in validation.instrument.rosters
            for code, level in validation.rosters.items()
            if roster.code == code
        },
        "monitoring": validation.monitoring,
        "exit_code": validation.exit_code,
    }


def _corrections_summary(validation: Validation) -> dict[str, Any] | None:
    """The corrections file applied (name, sha256) and what its lines did."""
    import pandas as pd

    applied = validation.corrections
    if applied is None:
        return None
    levels = [validation, *validation.rosters.values()]
    actions = pd.concat([v.audit["action"] for v in levels]).value_counts()
    problems = [
        n
        for v in levels
        for k, n in v.counts.get("error", {}).items()
        if k.startswith("correction_")
    ]
    lines = sum(len(v.corrections.source.lines) for v in levels if v.corrections is not None)
    return {
        "file": applied.source.name,
        "sha256": applied.source.sha256,
        "lines": lines,
        "replaced": int(actions.get("replace", 0)),
        "blanked": int(actions.get("blank", 0)),
        "confirmed": int(actions.get("confirm", 0)),
        "dropped": int(actions.get("drop", 0)),
        "not_applied": sum(problems),
    }


def _write_issues_xlsx(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    from ..tables.xlsx_stream import TableBook
    from ._xlsx import summary_rows

    with atomic_path(path) as temporary:
        book = TableBook(temporary)
        book.add("Summary", ["item", "value", "detail"], summary_rows(validation))
        files = [
            [f.name, f.status, f.rows_in, f.rows_clean, f.rows_quarantined, f.check, f.reason,
             f.sha256 or ""]
            for f in validation.files
        ]  # fmt: skip
        book.add(
            "Files",
            ["file", "status", "rows_in", "rows_clean", "rows_quarantined", "check", "reason",
             "sha256"],
            files,
        )  # fmt: skip
        order = {"error": 0, "warning": 1, "fixed": 2, "corrected": 3, "confirmed": 4}
        checks = sorted(
            issues.groupby(["check", "severity"]).size().items(),
            key=lambda item: (order[item[0][1]], -item[1], item[0][0]),
        )
        seen: set[str] = set()
        for (check, _severity), _count in checks:
            if check in seen:
                continue
            seen.add(check)
            part = issues[issues["check"] == check]
            shown = part.head(MAX_CHECK_ROWS)
            rows = zip(*(shown[c].tolist() for c in shown.columns), strict=True)
            book.add(check, list(part.columns), rows, note=_cap_note(len(part)))
        for name, table in validation.rates.items():
            book.add(name, list(table.columns), table.itertuples(index=False, name=None))
        book.save()


def _cap_note(count: int) -> str | None:
    if count <= MAX_CHECK_ROWS:
        return None
    return f"showing the first {MAX_CHECK_ROWS:,} of {count:,} findings; issues.csv has them all"


def summary_lines(
    validation: Validation, outdir: str | Path, top: int = 5, table_format: str = "csv"
) -> list[str]:
    """The console summary: files, rows in, clean, quarantined, the most frequent problems."""
    read = sum(f.status == "read" for f in validation.files)
    refused = validation.refused
    instrument = validation.instrument
    lines = [
        f"checked {len(validation.files)} file{'s' * (len(validation.files) != 1)} against "
        f"{instrument.id} {instrument.version}: {read} read, {len(refused)} refused"
    ]
    lines += [f"  refused {f.name}: {shown_name(f.reason)} [{f.check}]" for f in refused]
    unread, dropped = validation.rows_not_read, validation.rows_dropped
    lines.append(
        f"rows: {validation.rows_in} in, {validation.rows_clean} clean, "
        f"{validation.rows_quarantined} quarantined"
        + (f", {dropped} dropped" if dropped else "")
        + (f", {unread} not read" if unread else "")
    )
    for severity, checks in validation.counts.items():
        total = sum(checks.values())
        shown = ", ".join(f"{check} {n}" for check, n in list(checks.items())[:top])
        more = f", ... ({len(checks) - top} more)" if len(checks) > top else ""
        name = {"error": "errors", "warning": "warnings"}.get(severity, severity)
        lines.append(f"{name}: {total} ({shown}{more})")
    for code, level in validation.rosters.items():
        errors = level.counts.get("error", {})
        shown = ", ".join(f"{check} {n}" for check, n in list(errors.items())[:top])
        lines.append(
            f"roster {code}: {level.rows_in} in, {level.rows_clean} clean, "
            f"{level.rows_quarantined} quarantined"
            + (f", {level.rows_dropped} dropped" if level.rows_dropped else "")
            + (f", {level.rows_not_read} not read" if level.rows_not_read else "")
            + (f" (errors: {shown})" if shown else "")
        )
    written = getattr(validation, "written", None) or written_outputs(
        validation, table_format
    )  # a streamed validation writes fewer
    lines.append(f"wrote {', '.join(written[:-1])} and {written[-1]} to {outdir}")
    return lines
