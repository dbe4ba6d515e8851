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

from pathlib import Path
from typing import TYPE_CHECKING

from .._atomic import atomic_path
from ..errors import OptionError
from ..tables.csv_file import write_csv
from ..tables.outputset import output_lock, output_set
from ..tables.safe import neutralise
from .correction_sheet import write_correction_sheet
from .issue_tables import every_audit, issues_table
from .issues_book import write_issues_xlsx
from .output_names import OUTPUTS, outputs_summary, roster_outputs, written_outputs
from .parquet_tables import FORMATS, write_roster_tables, write_table
from .run import Validation
from .summaries import summary, summary_lines, write_summary

if TYPE_CHECKING:
    import pandas as pd

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

    with output_lock(folder), output_set(folder, names, "summary.json") as staging:
        issues = issues_table(validation, show_pii)
        write_table(staging, "clean", validation.clean(), table_format, partition_by)
        write_table(staging, "quarantine", validation.quarantine(), table_format, partition_by)
        write_roster_tables(staging, validation.rosters, table_format, partition_by)
        for level in validation.rosters.values():
            issues = pd.concat([issues, issues_table(level, show_pii)], ignore_index=True)
        write_csv(staging / "issues.csv", issues)
        write_issues_xlsx(staging / "issues.xlsx", validation, issues)
        write_correction_sheet(staging / "corrections.xlsx", validation, issues)
        write_csv(staging / "audit.csv", every_audit(validation, show_pii))
        write_csv(staging / "dropped.csv", validation.dropped)
        _write_dashboard(staging / "dashboard.html", validation, issues)
        write_summary(staging / "summary.json", validation, table_format, partition_by)
    return folder


def _write_dashboard(path: Path, validation: Validation, issues: pd.DataFrame) -> None:
    from ..dashboard.page import render_dashboard

    with atomic_path(path) as temporary:
        temporary.write_text(render_dashboard(validation, issues), encoding="utf-8")
